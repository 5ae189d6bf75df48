/** The `failover` commands (ADR 0020); each lives in its own file, loaded by cli.ts on use. */
export { failoverPlanCommand } from './plan-command';
export { failoverPromoteCommand } from './promote-command';
export { failoverFailbackCommand } from './failback-command';

export type { FailoverOptions, PlanOptions } from './failover-options';
