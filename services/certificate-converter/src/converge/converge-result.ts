/** What converging one certificate did, in the words an operator reads in an outcome. */
export type CertificateAction =
  | 'created'
  | 'updated'
  | 'properties-updated'
  | 'disabled'
  | 'deleted'
  | 'recovered-and-updated'
  | 'unchanged'
  | 'skipped';

export interface CertificateConvergeResult {
  readonly status: 'success' | 'warning' | 'failure';
  readonly action: CertificateAction;
  /** Why, for anything but a plain import; never contains key material. */
  readonly reason?: string;
  readonly code?: string;
  readonly sourceVersion?: string;
  readonly replicaVersion?: string;
  /** Source version created → replica imported, when a version was imported. */
  readonly lagMs?: number;
}

export const success = (
  action: CertificateAction,
  extra: Partial<CertificateConvergeResult> = {},
): CertificateConvergeResult => ({ status: 'success', action, ...extra });

export const warning = (
  action: CertificateAction,
  reason: string,
  code: string,
  extra: Partial<CertificateConvergeResult> = {},
): CertificateConvergeResult => ({ status: 'warning', action, reason, code, ...extra });

export const failure = (
  action: CertificateAction,
  reason: string,
  code: string,
  extra: Partial<CertificateConvergeResult> = {},
): CertificateConvergeResult => ({ status: 'failure', action, reason, code, ...extra });
