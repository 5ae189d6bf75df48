import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { loadConfigText } from '@akv-replicator/core';
import { RecordingPublisher } from '../testing/recording-publisher';
import { createIngressHttp } from './ingress-from-config';

/**
 * Callers that hold connections: real sockets against a listening server, because timeouts
 * and the connection cap live in Node's HTTP server, not in Fastify's inject().
 */
const LINK =
  'links:\n  - name: l\n    source: { vault: kv-a }\n    replicas: [{ vault: kv-b, region: a }]\n';
/**
 * Generous bound for "promptly": it only ends a failing run. Far above the 1 s timeouts the
 * tests configure, far below the 60 s and 120 s ones they keep out of the way; that a configured
 * timeout replaced its default is read from Node's server, not timed.
 */
const PROMPTLY_MS = 30_000;

const open: Socket[] = [];
let close: (() => Promise<void>) | undefined;
/** Node's HTTP server under the app `listening` started last. */
let nodeServer: Server | undefined;
afterEach(async () => {
  for (const socket of open.splice(0)) socket.destroy();
  await close?.();
  close = undefined;
});

async function listening(ingressYaml: string) {
  const config = loadConfigText(`${LINK}ingress:\n${ingressYaml}`, { env: {} }).config.ingress;
  const app = createIngressHttp(config, {
    publisher: new RecordingPublisher(),
    secrets: { sharedSecret: 'hook', resyncToken: 'resync' },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  close = () => app.close();
  nodeServer = app.server;
  return (app.server.address() as AddressInfo).port;
}

/** A raw connection that records what came back and when it closed. */
async function rawConnection(port: number) {
  const socket = connect({ host: '127.0.0.1', port });
  open.push(socket);
  let received = '';
  let closedAt: number | undefined;
  socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAt = Date.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  return { socket, received: () => received, closedAt: () => closedAt };
}

async function until(what: string, condition: () => boolean, timeoutMs = PROMPTLY_MS) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const headers = (path: string, extra: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: ingress\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${extra}\r\n`;

describe('slow and idle callers', () => {
  it('refuses an unauthenticated delivery before reading its body, and hangs up', async () => {
    // Body timeout far away: only checking auth first can answer before the body arrives.
    const port = await listening('  bodyTimeoutSeconds: 120\n  headersTimeoutSeconds: 60\n');
    const caller = await rawConnection(port);
    caller.socket.write(headers('/eventgrid', '', 100_000)); // …and no body
    await until('a 401 before any body byte', () => caller.received().includes('HTTP/1.1 401'));
    await until('the connection closed', () => caller.closedAt() !== undefined);
  });

  it('cuts off a body sent a byte at a time (ingress.bodyTimeoutSeconds)', async () => {
    const port = await listening('  bodyTimeoutSeconds: 1\n  headersTimeoutSeconds: 1\n');
    assert.equal(nodeServer?.requestTimeout, 1_000, 'the key reaches Node (default 20 s)');
    const caller = await rawConnection(port);
    const started = Date.now();
    caller.socket.write(headers('/eventgrid?code=hook', '', 10_000));
    // One byte every 100 ms would take 1,000 s to finish.
    const drip = setInterval(() => caller.socket.write('['), 100);
    try {
      await until('the slow request cut off', () => caller.closedAt() !== undefined);
    } finally {
      clearInterval(drip);
    }
    assert.match(caller.received(), /^HTTP\/1\.1 408|^$/);
    assert.ok(caller.closedAt()! - started >= 900, 'not before the configured timeout');
  });

  it('cuts off headers that never end (ingress.headersTimeoutSeconds)', async () => {
    // The body timeout is far away: only the header timeout can end this one.
    const port = await listening('  bodyTimeoutSeconds: 120\n  headersTimeoutSeconds: 1\n');
    // The key reaches Node's server: read, not timed (a bound under the 10 s default was
    // wall-clock, and a loaded machine can stretch 1 s towards it).
    assert.equal(nodeServer?.headersTimeout, 1_000);
    const caller = await rawConnection(port);
    caller.socket.write('POST /eventgrid HTTP/1.1\r\nHost: ingress\r\n');
    const drip = setInterval(() => caller.socket.write('X-Slow: 1\r\n'), 100);
    try {
      // …and Node enforces it on headers that never end.
      await until('the slow headers cut off', () => caller.closedAt() !== undefined);
    } finally {
      clearInterval(drip);
    }
  });

  it('holds at most ingress.maxConnections connections', async () => {
    const port = await listening('  maxConnections: 2\n');
    const first = await rawConnection(port);
    const second = await rawConnection(port);
    const third = await rawConnection(port);
    await until('the third connection dropped', () => third.closedAt() !== undefined);
    // The two within the cap are still served.
    first.socket.write('GET /healthz HTTP/1.1\r\nHost: ingress\r\n\r\n');
    await until('the first served', () => first.received().includes('HTTP/1.1 200'));
    assert.equal(second.closedAt(), undefined);
    // A slot freed is a slot taken again.
    second.socket.destroy();
    await until('the server saw it go', () => second.closedAt() !== undefined);
    let fourth = await rawConnection(port);
    for (let i = 0; i < 50 && fourth.closedAt() === undefined; i++) {
      fourth.socket.write('GET /healthz HTTP/1.1\r\nHost: ingress\r\n\r\n');
      await until(
        'an answer or a drop',
        () => fourth.received().includes('HTTP/1.1 200') || fourth.closedAt() !== undefined,
      );
      if (fourth.received().includes('HTTP/1.1 200')) break;
      fourth = await rawConnection(port); // the server had not yet counted the close
    }
    assert.match(fourth.received(), /HTTP\/1\.1 200/);
  });
});
