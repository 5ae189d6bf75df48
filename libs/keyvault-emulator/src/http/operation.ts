import type { VaultContext } from '../vault-context';

/** What a handler sees of a request: path parameters, query and parsed JSON body. */
export interface OperationRequest {
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: unknown;
}

/** What a handler returns; the HTTP layer serialises it. */
export interface OperationResult {
  readonly status: number;
  readonly body?: unknown;
}

/** Which throttling bucket an operation draws from, besides the vault-wide one. */
export type ThrottleClass = 'secretCreate' | 'other';

/** One row of the data-plane operation table. */
export interface VaultOperation {
  readonly method: 'GET' | 'PUT' | 'PATCH' | 'POST' | 'DELETE';
  /** Fastify path template, e.g. `/secrets/:name/:version`. */
  readonly path: string;
  readonly throttleClass?: ThrottleClass;
  /**
   * The Azure RBAC data action this operation needs under `Microsoft.KeyVault/vaults/`, e.g.
   * `secrets/getSecret/action` (checked when the vault enforces RBAC; see `src/rbac/`).
   */
  readonly dataAction: string;
  handle(
    vault: VaultContext,
    request: OperationRequest,
  ): OperationResult | Promise<OperationResult>;
}
