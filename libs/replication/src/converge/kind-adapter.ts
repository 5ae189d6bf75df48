import type {
  CertificateTaskData,
  ConvergeResult,
  Provenance,
  SecretTaskData,
} from '@akv-replicator/core';

/** The object kinds the workers replicate (keys are not: they cannot be exported). */
export type ReplicatedKind = 'secret' | 'certificate';

/** One object in one replica: the task both kinds share (their schemas are one shape). */
export type ObjectTask = SecretTaskData | CertificateTaskData;

/** What the shared decisions read of a secret or a certificate version. Times are Unix seconds. */
export interface ObjectVersionView {
  readonly version: string;
  readonly enabled: boolean;
  readonly created: number;
  readonly updated: number;
  readonly tags: Readonly<Record<string, string>>;
}

/** A soft-deleted replica object; its version when the vault shows it (certificates). */
export interface DeletedView {
  readonly name: string;
  readonly version?: string | undefined;
}

/** How one converge run is told to behave; the same for every kind. */
export interface ConvergePolicy {
  /** Take over replica objects without our provenance (one-way links). */
  readonly overwriteUnowned: boolean;
  /** A soft-deleted name at the replica: recover it first, or fail. */
  readonly softDeletedAtReplica: 'recover' | 'fail';
  /** Wall clock, milliseconds (lag measurement). */
  readonly now: () => number;
}

/** The state one run decides on, handed to the kind's own steps. */
export interface ConvergeState<Source, Replica> {
  readonly task: ObjectTask;
  readonly policy: ConvergePolicy;
  readonly replicaName: string;
  readonly source: Source;
  readonly replica: Replica | undefined;
  /** The replica carries provenance naming this source vault. */
  readonly ours: boolean;
  /** Provenance the replica will carry for the source's current version. */
  readonly target: Provenance;
  /** The source's tags plus that provenance. */
  readonly tags: Record<string, string>;
}

/** A write the kind has checked it can make; `write` throws VaultError `deleted-recoverable`
 * when the replica name is soft-deleted (the pipeline then recovers or refuses). */
export interface PreparedWrite {
  /** Appended to "<name> in <vault>" in a dry run's plan, e.g. how much history it copies. */
  readonly detail?: string;
  readonly write: () => Promise<ConvergeResult>;
}

/**
 * What converge needs of one object kind over one source and one replica store: reads, the
 * kind's writes, and the kind's idea of "same content". Every decision (ownership, two-way,
 * deletion, disabled source, soft-deleted replica, dry run) is made once, by convergeObject.
 */
export interface KindAdapter<
  Source,
  Replica extends ObjectVersionView,
  Deleted extends DeletedView = DeletedView,
> {
  readonly kind: ReplicatedKind;
  /** The source's current state, or undefined when the name holds nothing live. */
  readSource(name: string): Promise<Source | undefined>;
  /** Properties of the source's current version (read without its value). */
  versionOf(source: Source): ObjectVersionView;
  /** Why this source is not replicated by this kind's worker at all, if it is not. */
  notOurs?(source: Source): string | undefined;
  /** The fields link filters decide on. */
  filterFields(source: Source): {
    readonly name: string;
    readonly contentType?: string | undefined;
    readonly tags: Readonly<Record<string, string>>;
  };
  readReplica(name: string): Promise<Replica | undefined>;
  /** Beyond provenance naming the source version: does the replica hold the same content? */
  sameContent(source: Source, replica: Replica): boolean;
  /** The replica holds the source's version: bring attributes (and policy) in line. */
  convergeInPlace(state: ConvergeState<Source, Replica>): Promise<ConvergeResult>;
  /** Switch the replica off, keeping the provenance of the version it holds. */
  disableReplica(state: ConvergeState<Source, Replica>, replica: Replica): Promise<void>;
  /** Checks a new version can be written; a result instead when it cannot (a warning). */
  prepareWrite(state: ConvergeState<Source, Replica>): Promise<PreparedWrite | ConvergeResult>;
  /** Whether the replica name is soft-deleted; what the deleted object shows, if it is. */
  findDeleted(name: string): Promise<Deleted | undefined>;
  recover(name: string): Promise<void>;
  /** Soft-deletes the replica (recoverable for the vault's retention period). */
  delete(name: string): Promise<void>;
  /**
   * This kind over a read-only view where the deleted replica appears as a recover would bring
   * it back, for a dry run to plan past the recover; absent when the kind cannot show it.
   */
  recoveredView?(name: string, deleted: Deleted): KindAdapter<Source, Replica, Deleted>;
}
