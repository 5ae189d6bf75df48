export { convergeObject } from './converge/converge-object';
export { replicaWriteWins } from './converge/foreign-replica';
export type {
  ConvergePolicy,
  ConvergeState,
  DeletedView,
  KindAdapter,
  ObjectTask,
  ObjectVersionView,
  PreparedWrite,
  ReplicatedKind,
} from './converge/kind-adapter';
export { createConvergeTaskHandler } from './worker/converge-task-handler';
export type {
  ConvergeTaskHandler,
  ConvergeTaskHandlerDeps,
  ConvergeTaskHandlerOptions,
  ConvergeTaskType,
} from './worker/converge-task-handler';
export type { ObjectKindSpec, TaskStores } from './worker/object-kind-spec';
export { subscribeRegionalTasks } from './worker/subscribe-regional-tasks';
export type { RegionalTaskSubscription } from './worker/subscribe-regional-tasks';
export { createWorkerApp } from './worker/worker-app';
export type { WorkerAppDeps, WorkerAppSpec, WorkerCompanion } from './worker/worker-app';
