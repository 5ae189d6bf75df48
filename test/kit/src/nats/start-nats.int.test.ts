import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { waitForInfo } from './wait-ready';
import { startNats } from './start-nats';

function portOf(url: string): number {
  return Number(new URL(url.replace('nats://', 'http://')).port);
}

describe('startNats with a real server', () => {
  it('starts a JetStream server on a free port (never 4222), survives kill -9 and restarts on the same port', async (t) => {
    const server = await startNats();
    t.after(() => server.stop());
    if (!server.controllable) {
      t.skip('NATS_URL is set: kill/restart tests need a server the kit owns');
      return;
    }
    const port = portOf(server.url);
    assert.notEqual(port, 4222);
    await waitForInfo('127.0.0.1', port, 2_000);
    await server.kill();
    await assert.rejects(waitForInfo('127.0.0.1', port, 300));
    await server.restart();
    await waitForInfo('127.0.0.1', port, 2_000);
    await server.stop();
    await assert.rejects(waitForInfo('127.0.0.1', port, 300));
  });
});
