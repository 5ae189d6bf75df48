import type {
  DeletedView,
  KindAdapter,
  ObjectVersionView,
  ReplicatedKind,
} from '../converge/kind-adapter';
import type { ConvergeTaskType } from './converge-task-handler';

/** The pair of stores one task reads and writes. */
export interface TaskStores<Store> {
  readonly source: Store;
  readonly replica: Store;
}

/**
 * One object kind as a worker serves it: the task message it takes and its kind adapter over a
 * task's stores. The replicator passes the secret kind, the certificate-converter the
 * certificate kind; everything else about converging is shared.
 */
export interface ObjectKindSpec<T extends ConvergeTaskType, Store> {
  readonly objectKind: ReplicatedKind;
  readonly taskType: T;
  /** The kind adapter over one task's stores; its own state types stay inside it. */
  readonly adapter: (
    stores: TaskStores<Store>,
  ) => KindAdapter<unknown, ObjectVersionView, DeletedView>;
}
