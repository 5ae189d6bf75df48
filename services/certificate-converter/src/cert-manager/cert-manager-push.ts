import type { KubeConfig } from '@kubernetes/client-node';
import {
  CERTIFICATE_PUSH_RETRY,
  nominalDelaysMs,
  retryDelayMs,
  silentLogger,
  steppedBackoff,
  type Logger,
  type RetryPolicy,
} from '@akv-replicator/core';
import { CertificateMaterialError, type CertificateStore } from '@akv-replicator/keyvault';
import { failure, type CertificateConvergeResult } from '../converge/converge-result';
import { keyVaultNameFor } from './key-vault-name';
import { LeaseElection } from '@akv-replicator/leases/kubernetes';
import { KUBERNETES_SECRET_TAG, pushTlsSecret, type TlsSecret } from './push-tls-secret';
import { removePushedCertificate } from './remove-pushed-certificate';
import { bundleTlsSecret, type TlsBundleFormat } from './tls-secret-bundle';
import { TlsSecretWatch, type TlsSecretChange } from './tls-secret-watch';

/** Imports in flight at once (each one parses key material and is a Key Vault create). */
export const DEFAULT_CERT_MANAGER_CONCURRENCY = 4;
/**
 * Retry delays after a failed import (Key Vault down, throttled): the Secret is retried, the
 * last delay repeating (1 s doubling to 30 s: core's CERTIFICATE_PUSH_RETRY).
 */
export const DEFAULT_PUSH_RETRY_DELAYS_MS: readonly number[] = Object.freeze(
  nominalDelaysMs(CERTIFICATE_PUSH_RETRY, 6),
);

export interface CertManagerPushOptions {
  readonly namespaces: readonly string[];
  readonly annotation: string;
  readonly namePrefix: string;
  readonly format: TlsBundleFormat;
  readonly onDelete: 'keep' | 'disable' | 'delete';
  /**
   * `replication.dryRun`: Key Vault is only read; every decision is reported as what it would
   * do (`would-create`, `would-update`, `would-disable`, `would-delete`, …). The Lease is still
   * taken: it is the instances' coordination, not replicated state, and keeps the plan reported
   * once rather than by every instance. Default false.
   */
  readonly dryRun?: boolean;
  readonly lease: {
    readonly name: string;
    readonly namespace: string;
    readonly durationSeconds: number;
    readonly renewSeconds: number;
  };
  /** This instance's Lease identity (pod name plus a random suffix). */
  readonly identity: string;
  readonly concurrency?: number;
  /** Delays between pushes of a Secret that failed, the last repeating; default CERTIFICATE_PUSH_RETRY. */
  readonly retryDelaysMs?: readonly number[];
  /** First delay before re-establishing a failed watch (doubling to 30 s); default 1 s. */
  readonly watchRestartDelayMs?: number;
}

export interface CertManagerPushDeps {
  readonly kubeConfig: KubeConfig;
  /** The Key Vault receiving the certificates. */
  readonly store: CertificateStore;
  readonly logger?: Logger;
  /**
   * Every import decision and every failed attempt (retried), keyed `<namespace>/<name>`: the
   * service publishes them as outcomes. Never carries key material.
   */
  readonly onResult?: (secret: string, result: CertManagerResult) => void;
}

export type CertManagerResult = CertificateConvergeResult & {
  readonly certificateName?: string;
  /** Set when the push runs dry: the result is a plan, nothing was written. */
  readonly dryRun?: boolean;
};
type Result = CertManagerResult;

/** Actions that import (or would): the bundle's encoding note is worth a warning then. */
const IMPORT_ACTIONS: ReadonlySet<string> = new Set([
  'created',
  'updated',
  'would-create',
  'would-update',
]);

/** Stops a push at its next Key Vault write once the Lease is lost: the new leader re-checks. */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/**
 * cert-manager → Key Vault: watches annotated TLS Secrets and, while this instance holds the
 * Lease, imports each one whose leaf thumbprint Key Vault does not have yet. Changes are
 * coalesced per Secret (only the latest state is imported); taking over the Lease re-checks
 * every known Secret, so nothing changed during a hand-over is missed.
 */
export class CertManagerPush {
  private readonly watch: TlsSecretWatch;
  private readonly election: LeaseElection;
  private readonly log: Logger;
  private readonly pending = new Map<string, TlsSecretChange>();
  private readonly running = new Set<string>();
  /** Leaf thumbprint Key Vault holds per Secret, as far as this leader knows. */
  private readonly inVault = new Map<string, string>();
  private readonly attempts = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly retryPolicy: RetryPolicy;
  private idleWaiters: (() => void)[] = [];
  private stopping = false;

  constructor(
    private readonly options: CertManagerPushOptions,
    private readonly deps: CertManagerPushDeps,
  ) {
    this.log = (deps.logger ?? silentLogger).child({ component: 'cert-manager' });
    this.retryPolicy = options.retryDelaysMs
      ? steppedBackoff({ name: 'certificatePush', delaysMs: options.retryDelaysMs })
      : CERTIFICATE_PUSH_RETRY;
    this.watch = new TlsSecretWatch(deps.kubeConfig, {
      namespaces: options.namespaces,
      annotation: options.annotation,
      onChange: (change) => {
        if (this.election.isLeader) this.enqueue(change);
      },
      logger: this.log,
      ...(options.watchRestartDelayMs ? { restartDelayMs: options.watchRestartDelayMs } : {}),
    });
    this.election = new LeaseElection(deps.kubeConfig, {
      ...options.lease,
      identity: options.identity,
      logger: this.log,
      onStartedLeading: () => {
        // Another leader may have imported meanwhile: trust Key Vault, not memory.
        this.inVault.clear();
        for (const secret of this.watch.current()) this.enqueue({ type: 'upsert', secret });
        if (options.onDelete !== 'keep') void this.sweepDeleted();
      },
      onStoppedLeading: () => this.pending.clear(),
    });
  }

  get isLeader(): boolean {
    return this.election.isLeader;
  }

  /** Lists the Secrets, opens the watches, then starts campaigning for the Lease. */
  async start(): Promise<void> {
    await this.watch.start();
    this.election.start();
  }

  /** Stops importing, waits for imports in flight, then releases the Lease (in that order, so a
   * successor never imports while this instance still does). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.pending.clear();
    await this.idle();
    await this.election.stop();
    await this.watch.stop();
  }

  /** Resolves when no import is queued or running (retries waiting on a timer excepted). */
  idle(): Promise<void> {
    if (this.pending.size === 0 && this.running.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(change: TlsSecretChange): void {
    if (this.stopping) return;
    this.pending.set(`${change.secret.namespace}/${change.secret.name}`, change);
    this.pump();
  }

  private pump(): void {
    const limit = this.options.concurrency ?? DEFAULT_CERT_MANAGER_CONCURRENCY;
    for (const [key, change] of this.pending) {
      if (this.running.size >= limit) break;
      if (this.running.has(key)) continue;
      this.pending.delete(key);
      this.running.add(key);
      void this.process(key, change).finally(() => {
        this.running.delete(key);
        this.pump();
      });
    }
    if (this.pending.size === 0 && this.running.size === 0)
      for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async process(key: string, change: TlsSecretChange): Promise<void> {
    if (!this.election.isLeader) return;
    try {
      const result =
        change.type === 'upsert'
          ? await this.upsert(key, change.secret)
          : await this.remove(key, change.secret);
      this.attempts.delete(key);
      if (!result) return;
      this.report(key, result);
      const fields = { secret: key, certificate: result.certificateName, action: result.action };
      if (result.status === 'warning') this.log.warn(result.reason ?? 'skipped', fields);
      else if (this.options.dryRun && result.status === 'failure')
        this.log.warn(result.reason ?? 'dry run', { ...fields, dryRun: true });
      else if (result.action.startsWith('would-'))
        this.log.info(result.reason ?? 'dry run', { ...fields, dryRun: true });
      else if (result.action !== 'unchanged') this.log.info('cert-manager Secret pushed', fields);
    } catch (error) {
      if (!this.election.isLeader) {
        // Taking over the Lease re-checks every Secret: this one is the new leader's now.
        this.log.info('cert-manager Secret left to the new leader', {
          secret: key,
          reason: (error as Error).message,
        });
        return;
      }
      const retry = (this.attempts.get(key) ?? 0) + 1;
      this.attempts.set(key, retry);
      const delay = retryDelayMs(this.retryPolicy, retry);
      const reason = (error as Error).message;
      const { namespace, name } = change.secret;
      this.log.error('cert-manager Secret not pushed; retrying', {
        secret: key,
        vault: this.deps.store.vaultName,
        reason,
        delayMs: delay,
      });
      this.report(key, {
        ...failure(
          'skipped',
          `not pushed into ${this.deps.store.vaultName}: ${reason}; retrying in ${Math.round(delay / 1000)} s`,
          (error as { code?: unknown }).code !== undefined
            ? String((error as { code?: unknown }).code)
            : 'CertManagerPushFailed',
        ),
        certificateName: keyVaultNameFor(namespace, name, this.options.namePrefix),
      });
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        if (!this.election.isLeader || this.pending.has(key)) return;
        // Retry the Secret as it is now, never the failed (maybe outdated) change.
        const latest = this.watch.get(namespace, name);
        this.enqueue(
          latest ? { type: 'upsert', secret: latest } : { type: 'delete', secret: change.secret },
        );
      }, delay);
      this.retryTimers.add(timer);
    }
  }

  private async upsert(key: string, secret: TlsSecret): Promise<Result | undefined> {
    let bundle;
    try {
      bundle = bundleTlsSecret(secret.data, this.options.format);
    } catch (error) {
      if (!(error instanceof CertificateMaterialError)) throw error;
      // pushTlsSecret turns unreadable material into a warning with the reason.
      return pushTlsSecret(secret, this.deps.store, this.pushOptions());
    }
    if (this.inVault.get(key) === bundle.x5t) return undefined;
    const result = await pushTlsSecret(secret, this.deps.store, { ...this.pushOptions(), bundle });
    // In a dry run this records the thumbprint as planned: a label-only change re-plans nothing.
    if (result.status === 'success') this.inVault.set(key, bundle.x5t);
    // Read only after an import: the note comes with encoding, which a thumbprint match skips.
    if (IMPORT_ACTIONS.has(result.action) && bundle.note)
      this.log.warn(bundle.note, { secret: key });
    return result;
  }

  /**
   * Deletions nobody acted on: a Secret deleted while no instance led (its event went to
   * followers, which drop it) or while queued at a hand-over. Our certificates name their Secret
   * in the `k8s-secret` tag; one whose Secret the watch no longer knows is queued as deleted.
   */
  private async sweepDeleted(): Promise<void> {
    const watched = new Set(this.options.namespaces);
    try {
      for await (const certificate of this.deps.store.listCertificates()) {
        if (!this.election.isLeader) return;
        const owner = certificate.tags[KUBERNETES_SECRET_TAG];
        const slash = owner?.indexOf('/') ?? -1;
        if (!owner || slash < 1) continue;
        const namespace = owner.slice(0, slash);
        const name = owner.slice(slash + 1);
        if (watched.size > 0 && !watched.has(namespace)) continue;
        if (keyVaultNameFor(namespace, name, this.options.namePrefix) !== certificate.name)
          continue;
        if (this.watch.get(namespace, name) || this.pending.has(owner)) continue;
        this.enqueue({ type: 'delete', secret: { namespace, name, annotations: {}, data: {} } });
      }
    } catch (error) {
      this.log.warn('could not look for certificates of deleted Secrets; next takeover retries', {
        vault: this.deps.store.vaultName,
        reason: (error as Error).message,
      });
    }
  }

  private remove(key: string, secret: TlsSecret): Promise<Result> {
    this.inVault.delete(key);
    return removePushedCertificate(secret, this.deps.store, {
      onDelete: this.options.onDelete,
      namePrefix: this.options.namePrefix,
      dryRun: this.options.dryRun ?? false,
      beforeWrite: () => this.assertLeading(),
    });
  }

  /** Hands a result to `onResult`, marked as a plan when the push runs dry. */
  private report(key: string, result: Result): void {
    this.deps.onResult?.(key, this.options.dryRun ? { ...result, dryRun: true } : result);
  }

  private pushOptions() {
    return {
      namePrefix: this.options.namePrefix,
      annotation: this.options.annotation,
      beforeWrite: () => this.assertLeading(),
      dryRun: this.options.dryRun ?? false,
    };
  }

  /** A write may have waited on Key Vault (pacing, backoff) while the Lease was lost. */
  private assertLeading(): void {
    if (!this.election.isLeader)
      throw new LeaseLostError('the Lease was lost before the Key Vault write');
  }
}
