import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NatsControlUnavailableError, NatsUnavailableError } from './nats-handle';
import { startNats } from './start-nats';
import { dockerLikelyAvailable } from './nats-container';

describe('startNats resolution', () => {
  it('uses NATS_URL as is and refuses to kill or restart a server it does not own', async () => {
    const server = await startNats({ env: { NATS_URL: 'nats://127.0.0.1:14222' } });
    assert.equal(server.url, 'nats://127.0.0.1:14222');
    assert.equal(server.controllable, false);
    await assert.rejects(server.kill(), NatsControlUnavailableError);
    await assert.rejects(server.restart(), /does not own it/);
    await server.stop();
  });

  it('fails with install instructions when there is no binary and no Docker engine', async (t) => {
    const env = { PATH: '', HOME: '/nonexistent' };
    if (dockerLikelyAvailable(env)) {
      t.skip('a Docker socket exists here, so the kit would try Testcontainers');
      return;
    }
    await assert.rejects(
      startNats({ env, binaryCandidates: ['/nonexistent/nats-server'] }),
      (error: unknown) => {
        assert.ok(error instanceof NatsUnavailableError);
        assert.match(error.message, /apt-get install -y nats-server/);
        return true;
      },
    );
  });
});
