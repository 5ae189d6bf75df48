// The result vocabulary is shared with the certificate-converter (libs/core).
export {
  convergeSuccess as success,
  convergeWarning as warning,
  convergeFailure as failure,
} from '@akv-replicator/core';
export type { ConvergeAction, ConvergeResult } from '@akv-replicator/core';
