import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StatusBoard } from './status-board';
import { StatusServer } from './status-server';
import { BOARD_OF_HEADER, FORWARDED_HEADER, type StatusLeadership } from './leader-forward';
import type { ObjectsReport, StatusReport } from './status-model';
import { EXPECTED, everythingObserved, manualClock, observation } from './status-test-fixtures';

const TOKEN = 'status-token-follower-31';
const bearer = { authorization: `Bearer ${TOKEN}` };

/** The leader's board: it listed every replica and found one secret drifted. */
function leaderBoard(): StatusBoard {
  const board = new StatusBoard({ now: manualClock().now, refreshSeconds: 2 });
  for (const o of everythingObserved()) board.listingObserved(o);
  board.listingObserved(
    observation({ inSync: 4, notInSync: [{ name: 'db-password', state: 'drifted' }] }),
  );
  return board;
}

const servers: StatusServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(board: StatusBoard, leadership: StatusLeadership, leaderTimeoutMs?: number) {
  const server = new StatusServer({
    board,
    expected: async () => EXPECTED,
    token: TOKEN,
    host: '127.0.0.1',
    leadership,
    ...(leaderTimeoutMs ? { leaderTimeoutMs } : {}),
  });
  servers.push(server);
  const url = await server.listen(0);
  return { server, url, address: url.replace('http://', '') };
}

/** A leader at its own address, and a follower (empty board) that last saw it hold the lease. */
async function leaderAndFollower() {
  const leading = { isLeader: true, leader: 'pending' as string | undefined };
  const leader = await serve(leaderBoard(), leading);
  const identity = `discovery-a-1a2b3c4d@${leader.address}`;
  leading.leader = identity;
  const seen = { isLeader: false, leader: identity as string | undefined };
  const follower = await serve(new StatusBoard({ refreshSeconds: 2 }), seen);
  return { leader, follower, identity, seen };
}

describe('a follower discovery instance answers status reads with the leader’s board', () => {
  it('GET /status and /status/objects on the follower are the leader’s answers, naming whose board they are', async () => {
    const { leader, follower, identity } = await leaderAndFollower();
    const fromLeader = await fetch(`${leader.url}/status`, { headers: bearer });
    assert.equal(fromLeader.headers.get(BOARD_OF_HEADER), identity);
    const direct = (await fromLeader.json()) as StatusReport;

    const viaFollower = await fetch(`${follower.url}/status`, { headers: bearer });
    assert.equal(viaFollower.status, 200);
    assert.equal(viaFollower.headers.get(BOARD_OF_HEADER), identity);
    const report = (await viaFollower.json()) as StatusReport;
    assert.equal(
      report.rebuilding,
      false,
      'the leader listed everything; the follower listed nothing',
    );
    assert.deepEqual(report.totals, direct.totals);
    assert.equal(report.totals.drifted, 1);

    // The query travels with the request.
    const objects = await fetch(`${follower.url}/status/objects?state=drifted&q=db`, {
      headers: bearer,
    });
    assert.deepEqual(
      ((await objects.json()) as ObjectsReport).objects.map((o) => [o.name, o.state]),
      [['db-password', 'drifted']],
    );
    const badQuery = await fetch(`${follower.url}/status/objects?state=sideways`, {
      headers: bearer,
    });
    assert.equal(badQuery.status, 400, 'the leader’s refusal, passed on');
  });

  it('still asks for the token itself: an unauthenticated read is refused before any forwarding', async () => {
    const { follower } = await leaderAndFollower();
    const response = await fetch(`${follower.url}/status`);
    assert.equal(response.status, 401);
    assert.equal(response.headers.get(BOARD_OF_HEADER), null);
  });

  it('503 naming the leader and its address when the leader does not answer; naming the election when no leader is known', async () => {
    const { leader, follower, identity, seen } = await leaderAndFollower();
    await leader.server.close();
    const unreachable = await fetch(`${follower.url}/status`, { headers: bearer });
    assert.equal(unreachable.status, 503);
    const body = (await unreachable.json()) as { error: string; role: string; leader: string };
    assert.equal(body.role, 'follower');
    assert.equal(body.leader, identity);
    assert.match(
      body.error,
      new RegExp(`the leader ${identity} did not answer at http://${leader.address}`),
    );

    seen.leader = undefined;
    const electing = await fetch(`${follower.url}/status/objects`, { headers: bearer });
    assert.equal(electing.status, 503);
    assert.match(
      ((await electing.json()) as { error: string }).error,
      /follows and knows no leader yet \(an election is under way\)/,
    );
  });

  it('a forwarded read that reaches another follower (leadership moved) is not forwarded again', async () => {
    const { follower } = await leaderAndFollower();
    const response = await fetch(`${follower.url}/status`, {
      headers: { ...bearer, [FORWARDED_HEADER]: '1' },
    });
    assert.equal(response.status, 503);
    assert.match(((await response.json()) as { error: string }).error, /follows too/);
  });

  it('the leader named in the lease never receives the status token itself, only the session derived from it', async () => {
    // Whoever can write the lease chooses the address: stand in for such a listener.
    const seen: IncomingHttpHeaders[] = [];
    const impostor = createServer((request, response) => {
      seen.push(request.headers);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => impostor.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = impostor.address() as AddressInfo;
      const follower = await serve(new StatusBoard({ refreshSeconds: 2 }), {
        isLeader: false,
        leader: `elsewhere-1@127.0.0.1:${port}`,
      });
      assert.equal((await fetch(`${follower.url}/status`, { headers: bearer })).status, 200);
      assert.equal(seen.length, 1);
      assert.doesNotMatch(JSON.stringify(seen[0]), new RegExp(TOKEN));
      assert.match(seen[0]!.cookie ?? '', /^akvr_status=[0-9a-f]{64}$/);
      assert.equal(seen[0]![FORWARDED_HEADER], '1');
    } finally {
      await new Promise((resolve) => impostor.close(resolve));
    }
  });

  it('the page and its script are served by any instance; only the data is the leader’s', async () => {
    const { leader, follower } = await leaderAndFollower();
    await leader.server.close();
    for (const path of ['/', '/status.js', '/status.css']) {
      const response = await fetch(`${follower.url}${path}`, { headers: bearer });
      assert.equal(response.status, 200, path);
    }
  });
});
