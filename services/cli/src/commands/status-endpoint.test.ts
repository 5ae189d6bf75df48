import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import type { ObjectsReport, StatusReport, StatusUnavailable } from '@akv-replicator/discovery';
import type { CliIo } from '../io';
import { STATUS_EXIT, statusCommand } from './status';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => new Promise<void>((done) => server.close(() => done()))),
  );
});

/** A status endpoint that answers every request with this status, type and body. */
async function endpoint(status: number, type: string, body: string, headers = {}) {
  const server = createServer((_request, response) =>
    response.writeHead(status, { 'content-type': type, ...headers }).end(body),
  );
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function status(url: string) {
  const err: string[] = [];
  const io: CliIo = { out: () => {}, err: (line) => err.push(line), env: {} };
  const code = await statusCommand({ url, tokenEnv: 'AKV_REPLICATOR_STATUS_TOKEN' }, io);
  return { code, err: err.join('\n') };
}

describe('status when discovery cannot show the board', () => {
  it("prints a follower's reason and when to retry, not only the code (exit 2)", async () => {
    // The body a follower discovery instance sends when the leader it saw does not answer.
    const follower: StatusUnavailable = {
      error: 'the leader discovery-a-1a2b3c4d@10.1.2.3:8081 did not answer at http://10.1.2.3:8081',
      role: 'follower',
      leader: 'discovery-a-1a2b3c4d@10.1.2.3:8081',
    };
    const url = await endpoint(503, 'application/json', JSON.stringify(follower), {
      'retry-after': '5',
    });
    const run = await status(url);
    assert.equal(run.code, STATUS_EXIT.unreadable);
    assert.equal(
      run.err,
      `status: ${url}/status answered 503: the leader discovery-a-1a2b3c4d@10.1.2.3:8081 did not answer at http://10.1.2.3:8081 (retry after 5 s)`,
    );
  });

  it('a Retry-After given as an HTTP date is printed as the date, not as seconds', async () => {
    const body: StatusUnavailable = {
      error: 'an election is under way',
      role: 'follower',
      leader: null,
    };
    const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
    const url = await endpoint(503, 'application/json', JSON.stringify(body), {
      'retry-after': date,
    });
    const run = await status(url);
    assert.equal(
      run.err,
      `status: ${url}/status answered 503: an election is under way (retry after ${date})`,
    );
  });

  it('a 503 from something else (a proxy page, JSON without a reason) prints the code alone', async () => {
    for (const [type, body] of [
      ['text/html', '<html><body>Service Unavailable</body></html>'],
      ['application/json', '{"message":"upstream down"}'],
      ['application/json', 'null'],
    ] as const) {
      const url = await endpoint(503, type, body);
      const run = await status(url);
      assert.equal(run.code, STATUS_EXIT.unreadable);
      assert.equal(run.err, `status: ${url}/status answered 503`, body);
    }
  });

  it('other failures keep their code alone: a 500 body is not presented as a follower reason', async () => {
    const url = await endpoint(500, 'application/json', '{"error":"internal"}');
    const run = await status(url);
    assert.equal(run.err, `status: ${url}/status answered 500`);
  });
});

describe('status --objects while the board moves', () => {
  it('never lists an object not in sync under a summary saying all is in sync (exit 0)', async () => {
    // A board on which 'clash' goes out of sync right after the first request is answered.
    let answered = 0;
    const server = createServer((request, response) => {
      const outOfSync = answered++ > 0;
      const body = request.url?.startsWith('/status/objects')
        ? ({
            total: outOfSync ? 1 : 0,
            objects: outOfSync ? [{ kind: 'secret', name: 'clash', state: 'not-ours' }] : [],
          } as unknown as ObjectsReport)
        : ({ inSync: !outOfSync, rebuilding: false } as unknown as StatusReport);
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    servers.push(server);
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const out: string[] = [];
    const io: CliIo = { out: (line) => out.push(line), err: () => {}, env: {} };
    const code = await statusCommand(
      { url, tokenEnv: 'AKV_REPLICATOR_STATUS_TOKEN', objects: true, json: true },
      io,
    );
    const printed = JSON.parse(out[0]!) as StatusReport & { objects: ObjectsReport };
    assert.equal(answered, 2);
    assert.ok(
      !(printed.objects.total > 0 && printed.inSync),
      'an object listed not in sync under an in-sync summary',
    );
    assert.equal(code, printed.inSync ? STATUS_EXIT.inSync : STATUS_EXIT.notInSync);
  });
});
