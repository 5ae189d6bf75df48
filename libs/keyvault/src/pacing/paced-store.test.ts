import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { CERTIFICATE_STORE_PACING } from './paced-certificate-store';
import { SECRET_STORE_PACING } from './paced-secret-store';
import { pacedStore, type Pacing } from './paced-store';
import type { RequestKind, VaultPacer } from './vault-pacer';

/** A store whose every method records its call; listings yield two items. */
function recordingStore(methods: readonly string[]) {
  const calls: string[] = [];
  const store: Record<string, unknown> = { vaultName: 'kv-a' };
  for (const method of methods)
    store[method] = (...args: unknown[]) => {
      calls.push(`${method}(${args.join(',')})`);
      return method.startsWith('list')
        ? (async function* () {
            yield 1;
            yield 2;
          })()
        : Promise.resolve(method);
    };
  return { store: store as { vaultName: string }, calls };
}

const recordingPacer = () => {
  const kinds: RequestKind[] = [];
  const pacer = {
    run: async <T>(kind: RequestKind, request: () => Promise<T>) => {
      kinds.push(kind);
      return request();
    },
  } as unknown as VaultPacer;
  return { pacer, kinds };
};

for (const [port, plan] of [
  ['SecretStore', SECRET_STORE_PACING],
  ['CertificateStore', CERTIFICATE_STORE_PACING],
] as const)
  describe(`pacedStore over a ${port}`, () => {
    it('sends each request through the pacer as its kind, and listings once per page', async () => {
      for (const [method, pacing] of Object.entries(plan) as [string, Pacing][]) {
        const { store, calls } = recordingStore(Object.keys(plan));
        const { pacer, kinds } = recordingPacer();
        const paced = pacedStore(store, pacer, plan as never) as unknown as Record<
          string,
          (...args: unknown[]) => unknown
        >;
        const result = paced[method]!('x', 'y');
        if (pacing === 'listing') {
          const items: unknown[] = [];
          for await (const item of result as AsyncIterable<unknown>) items.push(item);
          assert.deepEqual(items, [1, 2], method);
          assert.deepEqual(kinds, ['read'], `${method}: one page, one paced read`);
        } else {
          assert.equal(await result, method);
          assert.deepEqual(kinds, [pacing], method);
        }
        assert.deepEqual(calls, [`${method}(x,y)`], `${method} reaches the inner store once`);
      }
    });

    it('names the inner vault', () => {
      const { store } = recordingStore(Object.keys(plan));
      assert.equal(pacedStore(store, recordingPacer().pacer, plan as never).vaultName, 'kv-a');
    });

    it('shows its vault like the store it wraps, when copied or logged', () => {
      const { store } = recordingStore(Object.keys(plan));
      const paced = pacedStore(store, recordingPacer().pacer, plan as never);
      assert.equal({ ...paced }.vaultName, 'kv-a', 'a spread copy keeps the vault');
      assert.match(inspect(paced), /vaultName: \[Getter\]|vaultName: 'kv-a'/, 'logged with it');
    });
  });
