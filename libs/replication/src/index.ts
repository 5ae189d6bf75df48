export {
  createConvergeTaskHandler,
  subscribeRegionalTasks,
  DEFAULT_TASK_RETRY_DELAYS_MS,
} from './worker/converge-task-handler';
export type {
  ConvergeTaskHandlerDeps,
  ConvergeTaskHandlerOptions,
  ConvergeTaskType,
  RegionalTaskSubscription,
} from './worker/converge-task-handler';
