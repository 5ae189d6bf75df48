import type { TokenCredential } from '@azure/core-auth';
import type { SecretClientOptions } from '@azure/keyvault-secrets';
import type { Logger, SecretSource } from '@akv-replicator/core';
import type { Bus } from '@akv-replicator/bus';

/** The opened adapters a runtime builds its stores over: the bus, Azure access, secret references. */
export interface RuntimeAdapters {
  readonly bus: Bus;
  readonly credentialFor: (tenant: string | undefined) => TokenCredential;
  readonly secrets: SecretSource;
  /** Extra options for Key Vault and ARM clients (the emulator's CA). */
  readonly secretClientOptions?: SecretClientOptions;
  readonly armClientOptions?: { tlsOptions?: { ca: string } };
  readonly logger?: Logger;
  /** Test knobs: shorter pacing windows and 429 backoff than Key Vault's real 10 s and 1–16 s. */
  readonly pacing?: { windowMs?: number; backoffMs?: readonly number[] };
}
