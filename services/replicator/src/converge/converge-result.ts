/** What converging did, in the words an operator reads in an outcome. */
export type ConvergeAction =
  | 'created'
  | 'updated'
  | 'properties-updated'
  | 'disabled'
  | 'deleted'
  | 'recovered-and-updated'
  | 'unchanged'
  | 'skipped';

export interface ConvergeResult {
  readonly status: 'success' | 'warning' | 'failure';
  readonly action: ConvergeAction;
  /** Why, for anything but a plain write; never contains a value. */
  readonly reason?: string;
  readonly code?: string;
  readonly sourceVersion?: string;
  readonly replicaVersion?: string;
  /** Source version created → replica written, when a value was written. */
  readonly lagMs?: number;
}

export const success = (
  action: ConvergeAction,
  extra: Partial<ConvergeResult> = {},
): ConvergeResult => ({ status: 'success', action, ...extra });
export const warning = (
  action: ConvergeAction,
  reason: string,
  code: string,
  extra: Partial<ConvergeResult> = {},
): ConvergeResult => ({ status: 'warning', action, reason, code, ...extra });
export const failure = (action: ConvergeAction, reason: string, code: string): ConvergeResult => ({
  status: 'failure',
  action,
  reason,
  code,
});
