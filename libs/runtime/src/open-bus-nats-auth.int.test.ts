import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { loadConfigText, type SecretSource } from '@akv-replicator/core';
import { BusError, ack, type Bus } from '@akv-replicator/bus';
import { outcomeEnvelope } from '@akv-replicator/bus/testing';
import { findNatsServerBinary, freePort, waitForInfo } from '@akv-replicator/test-kit';
import { natsOperatorSetup } from './nats-operator-fixture';
import { openBus } from './open-bus';

// bus.nats.token and bus.nats.credentialsFile against a real nats-server that demands them:
// one started with a token (`--auth`), one in operator (JWT) mode where only a user's .creds
// file gets in. Each key is shown to be needed (no key: refused) and sufficient (a message
// round-trips through JetStream).

const LINK =
  'links: [{ name: l, source: { vault: kv-a }, replicas: [{ vault: kv-b, region: a }] }]\n';
const credentialFor = () => ({ getToken: async () => null });
const TOKEN = `t-${randomUUID()}`;

interface AuthServer {
  readonly url: string;
  stop(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'akvr-nats-auth-'));
const servers: AuthServer[] = [];

/** nats-server with JetStream and the given extra arguments, on a free loopback port. */
async function startAuthServer(name: string, args: readonly string[]): Promise<AuthServer> {
  const binary = findNatsServerBinary();
  if (!binary) throw new Error('nats-server not found (apt-get install nats-server)');
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', join(dir, name), ...args],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForInfo('127.0.0.1', port, 15_000);
  const server = {
    url: `nats://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  servers.push(server);
  return server;
}

let tokenServer: AuthServer;
let operatorServer: AuthServer;
let credsPath: string;

before(async () => {
  const setup = natsOperatorSetup();
  const configPath = join(dir, 'operator.conf');
  writeFileSync(configPath, setup.serverConfig);
  credsPath = join(dir, 'user.creds');
  writeFileSync(credsPath, setup.userCreds);
  [tokenServer, operatorServer] = await Promise.all([
    startAuthServer('token', ['--auth', TOKEN]),
    startAuthServer('operator', ['-c', configPath]),
  ]);
});
after(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(dir, { recursive: true, force: true });
});

const secrets = (env: Record<string, string>): SecretSource => ({
  env,
  readFile: (path) => Promise.resolve(readFileSync(path, 'utf8')),
});
const open = (nats: string, env: Record<string, string> = {}) =>
  openBus(
    loadConfigText(`${LINK}bus: { transport: nats, nats: ${nats} }`, { env: {} }),
    secrets(env),
    credentialFor,
  );

/** Publishes one outcome and waits until the same bus delivers it back. */
async function roundTrip(bus: Bus): Promise<void> {
  const envelope = outcomeEnvelope();
  const received = new Promise<string>((resolve) => {
    void bus.subscribe('outcomes', { subscription: `s${randomUUID().slice(0, 8)}` }, (e) => {
      resolve(e.id);
      return Promise.resolve(ack());
    });
  });
  await bus.publish('outcomes', envelope);
  assert.equal(await received, envelope.id);
}

const refusedByAuth = (error: unknown) =>
  error instanceof BusError &&
  error.code === 'BusUnavailable' &&
  /Authorization Violation/i.test(String((error.cause as Error | undefined)?.message));

describe('bus.nats.token', () => {
  it('authenticates with the token from the environment; without it the server refuses', async () => {
    const bus = await open(`{ servers: ['${tokenServer.url}'], token: { fromEnv: NATS_TOKEN } }`, {
      NATS_TOKEN: TOKEN,
    });
    try {
      await roundTrip(bus);
    } finally {
      await bus.close();
    }
    await assert.rejects(open(`{ servers: ['${tokenServer.url}'] }`), refusedByAuth);
    await assert.rejects(
      open(`{ servers: ['${tokenServer.url}'], token: { fromEnv: NATS_TOKEN } }`, {
        NATS_TOKEN: 'wrong',
      }),
      refusedByAuth,
    );
  });
});

describe('bus.nats.credentialsFile', () => {
  it('authenticates an operator-mode server with a .creds file, read from a file or an environment variable', async () => {
    const fromFile = await open(
      `{ servers: ['${operatorServer.url}'], credentialsFile: { fromFile: '${credsPath}' } }`,
    );
    try {
      await roundTrip(fromFile);
    } finally {
      await fromFile.close();
    }
    const fromEnv = await open(
      `{ servers: ['${operatorServer.url}'], credentialsFile: { fromEnv: NATS_CREDS } }`,
      { NATS_CREDS: readFileSync(credsPath, 'utf8') },
    );
    await fromEnv.close();
    await assert.rejects(open(`{ servers: ['${operatorServer.url}'] }`), refusedByAuth);
  });
});
