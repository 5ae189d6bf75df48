import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/core-auth';

/** One hour: long enough that the SDK never refreshes during a test. */
const TOKEN_LIFETIME_MS = 3_600_000;

/**
 * A TokenCredential that always returns the same bearer token, for talking to the emulator
 * (which accepts any token, or in strict mode the configured ones). Records the scopes and
 * tenants it was asked for, so tests can check what the SDK requested.
 */
export class StaticTokenCredential implements TokenCredential {
  readonly token: string;
  readonly requests: { scopes: string[]; tenantId: string | undefined }[] = [];

  constructor(token = 'emulator-token') {
    this.token = token;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    this.requests.push({
      scopes: Array.isArray(scopes) ? scopes : [scopes],
      tenantId: options?.tenantId,
    });
    return {
      token: this.token,
      expiresOnTimestamp: Date.now() + TOKEN_LIFETIME_MS,
      tokenType: 'Bearer',
    };
  }
}
