import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gapsFromStatusBoard } from './status-board-gaps';

const object = (name: string, state: string, sourceVault = 'kv-src', replicaVault = 'kv-dr') => ({
  kind: 'secret',
  name,
  sourceVault,
  replicaVault,
  replicaRegion: 'northeurope',
  state,
  driftSince: '2026-06-01T12:00:00.000Z',
});

describe('failover plan reads the last status when the source is down', () => {
  let server: Server;
  let url: string;
  const asked: { path: string; authorization: string | undefined }[] = [];

  before(async () => {
    server = createServer((request, response) => {
      asked.push({ path: request.url ?? '', authorization: request.headers.authorization });
      if (request.headers.authorization !== 'Bearer board-token') {
        response.writeHead(401).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          total: 5,
          objects: [
            object('b-missing', 'missing'),
            object('a-drifted', 'drifted'),
            object('gone', 'deleted-at-source'),
            object('other-source', 'missing', 'kv-other'),
            { ...object('cert', 'missing'), kind: 'certificate' },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('lists this direction’s objects that are not in sync, deletions still due excepted', async () => {
    const result = await gapsFromStatusBoard({ url, token: 'board-token' }, 'kv-src', 'KV-DR', [
      'secret',
      'certificate',
    ]);
    const since = '2026-06-01T12:00:00.000Z';
    assert.deepEqual(result, {
      gaps: [
        { kind: 'secret', name: 'a-drifted', state: 'drifted', since },
        { kind: 'secret', name: 'b-missing', state: 'missing', since },
        { kind: 'certificate', name: 'cert', state: 'missing', since },
      ],
      truncated: false,
    });
    assert.equal(asked.at(-1)?.path, '/status/objects?q=KV-DR&limit=500');
  });

  it('leaves out the kinds the link does not replicate', async () => {
    const result = await gapsFromStatusBoard({ url, token: 'board-token' }, 'kv-src', 'kv-dr', [
      'secret',
    ]);
    assert.deepEqual(
      result.gaps.map((g) => g.name),
      ['a-drifted', 'b-missing'],
    );
  });

  it('a refused token is an error, never an empty (all in sync) answer', async () => {
    await assert.rejects(
      gapsFromStatusBoard({ url, token: 'wrong' }, 'kv-src', 'kv-dr', ['secret']),
      /status board answered 401/,
    );
  });
});
