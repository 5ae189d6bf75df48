import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import { AzureSecretStore } from './azure-secret-store';

const VAULT = 'https://kv-burst.vault.azure.net';
const credential: TokenCredential = {
  getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/**
 * How long the fake holds the first challenge when no other request completes one meanwhile.
 * Only a client that runs its first request alone gets here, and it sends nothing else while it
 * waits, so the value bounds the wait and decides nothing.
 */
const LONE_FIRST_REQUEST_MS = 50;

/**
 * Key Vault as the SDK sees it: 401 + challenge for unauthenticated requests (the first one
 * answered only once a later request has completed the challenge, so the race happens whenever
 * the client lets it, however loaded the machine), 400 for a write without a body, 200
 * otherwise. Records what authorized writes carried.
 */
function fakeVault(): { client: HttpClient; bodiless: string[] } {
  const bodiless: string[] = [];
  let unauthenticated = 0;
  let releaseFirst: (() => void) | undefined;
  const respond = (
    request: PipelineRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): PipelineResponse => ({
    request,
    status,
    headers: createHttpHeaders({ 'content-type': 'application/json', ...headers }),
    bodyAsText: JSON.stringify(body),
  });
  return {
    bodiless,
    client: {
      async sendRequest(request) {
        const name = new URL(request.url).pathname.split('/')[2] ?? '';
        if (request.headers.get('authorization')) releaseFirst?.();
        else {
          if (unauthenticated++ === 0)
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, LONE_FIRST_REQUEST_MS);
              releaseFirst = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          return respond(
            request,
            401,
            { error: { code: 'Unauthorized', message: 'no token' } },
            {
              'www-authenticate':
                'Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net"',
            },
          );
        }
        if (request.body === null || request.body === undefined) {
          bodiless.push(name);
          return respond(request, 400, {
            error: {
              code: 'BadParameter',
              message: 'The secret value is missing or is not a string.',
            },
          });
        }
        const now = Math.floor(Date.now() / 1000);
        return respond(request, 200, {
          value: 'v',
          id: `${VAULT}/secrets/${name}/${'a'.repeat(32)}`,
          attributes: { enabled: true, created: now, updated: now },
        });
      },
    },
  };
}

describe('AzureSecretStore on a fresh client (SDK challenge race)', () => {
  it('the unmodified SDK alone loses a concurrent first write: the race is real', async () => {
    const vault = fakeVault();
    const client = new SecretClient(VAULT, credential, {
      httpClient: vault.client,
      retryOptions: { maxRetries: 0 },
    });
    const results = await Promise.allSettled([
      client.setSecret('first', 'x'),
      client.setSecret('second', 'y'),
    ]);
    assert.deepEqual(vault.bodiless, ['first'], 'the first request was retried without its body');
    assert.equal(results[0]?.status, 'rejected');
  });

  it('runs a fresh client’s first request alone, so no write of the burst is lost', async () => {
    const vault = fakeVault();
    const store = new AzureSecretStore(
      'kv-burst',
      new SecretClient(VAULT, credential, {
        httpClient: vault.client,
        retryOptions: { maxRetries: 0 },
      }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.setSecret(`s-${i}`, 'x', { enabled: true, tags: {} }),
      ),
    );
    assert.deepEqual(vault.bodiless, []);
    assert.deepEqual(
      results.map((r) => r.status),
      Array(10).fill('fulfilled'),
    );
  });
});
