import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { ServiceBusClient } from '@azure/service-bus';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const CONFIG = fileURLToPath(new URL('../fixtures/Config.json', import.meta.url));

describe('broker command', () => {
  it('serves a Config.json on a port, prints the connection string, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', MAIN, '--config', CONFIG, '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    try {
      const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
      const connectionString = chunk.toString().trim();
      assert.match(
        connectionString,
        /^Endpoint=sb:\/\/127\.0\.0\.1:\d+;.*UseDevelopmentEmulator=true$/,
      );
      const client = new ServiceBusClient(connectionString);
      await client
        .createSender('outcomes')
        .sendMessages({ body: 1, applicationProperties: { status: 'failed' } });
      // Returns as soon as the messages are there; the bound only ends a failing run.
      const [message] = await client
        .createReceiver('outcomes', 'notifier', { receiveMode: 'receiveAndDelete' })
        .receiveMessages(1, { maxWaitTimeInMs: 15_000 });
      assert.equal(message?.body, 1);
      await client.close();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
