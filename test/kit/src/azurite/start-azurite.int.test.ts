import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startAzuriteBlob } from './start-azurite';

describe('startAzuriteBlob', () => {
  it('serves blobs on loopback through the unmodified Storage SDK, and cleans up on stop', async () => {
    const azurite = await startAzuriteBlob();
    const port = Number(new URL(azurite.blobEndpoint).port);
    try {
      const container = await azurite.createContainer('checkpoints');
      await container.getBlockBlobClient('a/b').upload('hello', 5);
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat()) names.push(blob.name);
      assert.deepEqual(names, ['a/b']);
      await azurite.createContainer('checkpoints'); // idempotent
    } finally {
      await azurite.stop();
      await azurite.stop();
    }
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    assert.ok(refused, 'nothing listens after stop');
  });
});
