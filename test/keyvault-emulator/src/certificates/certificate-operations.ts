import type { VaultOperation } from '../http/operation';

/** The certificates rows of the data-plane operation table. */
export const certificateOperations: readonly VaultOperation[] = [];
