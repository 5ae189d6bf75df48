/**
 * What a worker did to make one replica object match its source, in the words an operator
 * reads in an outcome. Shared by the replicator (secrets) and the certificate-converter.
 */
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
  /** Why, for anything but a plain write; never contains a value or key material. */
  readonly reason?: string;
  readonly code?: string;
  readonly sourceVersion?: string;
  readonly replicaVersion?: string;
  /** Source version created → replica written, when a value was written. */
  readonly lagMs?: number;
}

export const convergeSuccess = (
  action: ConvergeAction,
  extra: Partial<ConvergeResult> = {},
): ConvergeResult => ({
  status: 'success',
  action,
  ...extra,
});

export const convergeWarning = (
  action: ConvergeAction,
  reason: string,
  code: string,
  extra: Partial<ConvergeResult> = {},
): ConvergeResult => ({ status: 'warning', action, reason, code, ...extra });

export const convergeFailure = (
  action: ConvergeAction,
  reason: string,
  code: string,
  extra: Partial<ConvergeResult> = {},
): ConvergeResult => ({ status: 'failure', action, reason, code, ...extra });
