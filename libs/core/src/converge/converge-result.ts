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
  /** A soft-deleted replica recovered, already current: nothing else to write. */
  | 'recovered'
  | 'unchanged'
  | 'skipped'
  | DryRunAction;

/** The writes a dry run plans but does not make. */
export type WriteAction = Exclude<ConvergeAction, 'unchanged' | 'skipped' | DryRunAction>;

/** What a dry run reports instead of a write: `would-create`, `would-delete`, … */
export type DryRunAction =
  | 'would-create'
  | 'would-update'
  | 'would-update-properties'
  | 'would-disable'
  | 'would-delete'
  | 'would-recover-and-update'
  | 'would-recover';

const DRY_RUN_ACTIONS: Readonly<Record<WriteAction, DryRunAction>> = {
  created: 'would-create',
  updated: 'would-update',
  'properties-updated': 'would-update-properties',
  disabled: 'would-disable',
  deleted: 'would-delete',
  'recovered-and-updated': 'would-recover-and-update',
  recovered: 'would-recover',
};

/**
 * A dry run's result for a write it did not make (DESIGN principle 10: dry run writes nowhere,
 * and every outcome says what it would do): `would-create` instead of `created`, and a reason
 * that starts with "dry run: would …".
 */
export const convergeWouldDo = (
  action: WriteAction,
  what: string,
  extra: Partial<ConvergeResult> = {},
): ConvergeResult => {
  const planned = DRY_RUN_ACTIONS[action];
  return {
    status: 'success',
    action: planned,
    ...extra,
    reason: `dry run: ${planned.replace(/-/g, ' ')} ${what}`,
  };
};

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
