import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { SecretClient } from '@azure/keyvault-secrets';
import {
  StaticTokenCredential,
  startEmulator,
  type KeyVaultEmulator,
} from '@akv-replicator/keyvault-emulator';
import { sharedAgent, sharedConnectionOptions } from './shared-connections';

// Every Key Vault client of a process shares one HTTPS agent (issue #21): one compiled TLS
// context, TLS sessions kept for resumption, and idle connections closed instead of held.

let emulator: KeyVaultEmulator;
const opened: Socket[] = [];
const onSocket = (message: unknown) => opened.push((message as { socket: Socket }).socket);

before(async () => {
  emulator = await startEmulator({ vaults: [{ name: 'kv-a' }], lifecycleDelayMs: 0 });
  subscribe('net.client.socket', onSocket);
});
after(async () => {
  unsubscribe('net.client.socket', onSocket);
  await emulator.stop();
});

const clientWith = (options: ReturnType<typeof sharedConnectionOptions>) =>
  new SecretClient(emulator.vaultUrl('kv-a'), new StaticTokenCredential('test-token'), {
    ...options,
    retryOptions: { maxRetries: 0 },
  });

/** Waits on a condition; 10 s is far beyond a loopback close on a loaded machine. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('Key Vault clients share connections', () => {
  it('sends two clients’ sequential requests over one connection, closed once it sits idle', async () => {
    const idleMs = 300;
    const options = sharedConnectionOptions(emulator.clientOptions(), idleMs);
    const [first, second] = [clientWith(options), clientWith(options)];
    const before = opened.length;
    await first.setSecret('db', 'v1');
    for (let i = 0; i < 3; i++) {
      await first.getSecret('db');
      await second.getSecret('db');
    }
    const sockets = opened.slice(before);
    assert.equal(sockets.length, 1, 'one connection for 7 requests from two clients');
    const lastResponse = Date.now();
    await until(() => sockets[0]!.destroyed, 'the idle connection to close');
    assert.ok(
      Date.now() - lastResponse >= idleMs - 50,
      `closed after ${Date.now() - lastResponse} ms: not before it was idle ${idleMs} ms`,
    );
    await second.getSecret('db');
    assert.equal(opened.length - before, 2, 'the next request opens a new connection');
  });

  it('never cuts short a request slower than the idle time', async () => {
    const client = clientWith(sharedConnectionOptions(emulator.clientOptions(), 100));
    await client.setSecret('slow', 'v1');
    emulator.faults.setLatency(400);
    try {
      assert.equal((await client.getSecret('slow')).value, 'v1');
    } finally {
      emulator.faults.setLatency(0);
    }
  });

  it('trusts what tlsOptions trusts: without the emulator’s CA its certificate is refused', async () => {
    const untrusting = clientWith(sharedConnectionOptions({ retryOptions: { maxRetries: 0 } }));
    await assert.rejects(untrusting.getSecret('db'), (error: Error & { code?: string }) => {
      assert.match(`${error.code ?? ''} ${error.message}`, /certificate|self.signed|CERT/i);
      return true;
    });
  });

  it('keeps one agent per trust configuration and idle time', () => {
    const tls = emulator.clientOptions().tlsOptions;
    assert.equal(sharedAgent(tls), sharedAgent(tls));
    assert.equal(sharedAgent({ ...tls }), sharedAgent(tls), 'the same CA text is the same agent');
    assert.notEqual(sharedAgent(undefined), sharedAgent(tls));
    assert.notEqual(sharedAgent(tls, 1000), sharedAgent(tls));
  });
});
