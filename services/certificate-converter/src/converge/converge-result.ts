// The result vocabulary is shared with the secret replicator (libs/core).
import type { ConvergeAction, ConvergeResult } from '@akv-replicator/core';

export {
  convergeSuccess as success,
  convergeWarning as warning,
  convergeFailure as failure,
} from '@akv-replicator/core';
export type CertificateAction = ConvergeAction;
export type CertificateConvergeResult = ConvergeResult;
