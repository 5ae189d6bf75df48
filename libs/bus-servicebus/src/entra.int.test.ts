/**
 * Entra ID: a bus built from a namespace and a TokenCredential authenticates with JWT claims on
 * `$cbs` over TLS — the path DefaultAzureCredential (workload / managed identity) takes on AKS.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { startServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { EMULATOR_TOPOLOGY } from './testing/broker-support';

const PROBE = fileURLToPath(new URL('./testing/entra-probe.ts', import.meta.url));
const TOKEN =
  'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL3NlcnZpY2VidXMuYXp1cmUubmV0In0.c2lnbmF0dXJl';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = opensslAvailable()
  ? false
  : 'openssl is not installed: cannot make the broker certificate';

describe('Entra ID (TokenCredential) over TLS', { skip }, () => {
  it('negotiates JWT claims for the entities it uses and runs the scenario', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-tls-'));
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        // The broker is dialled by name over TLS (no IP as the TLS server name: DEP0123).
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        keyPath,
        '-out',
        certPath,
      ],
      { stdio: 'ignore' },
    );
    const claims: Array<{ audience: string; type: string; token: string }> = [];
    const broker = await startServiceBusBroker({
      config: EMULATOR_TOPOLOGY,
      tls: { key: await readFile(keyPath), cert: await readFile(certPath) },
      acceptToken: (claim) => {
        claims.push(claim);
        return claim.type === 'jwt' && claim.token === TOKEN;
      },
    });
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', PROBE], {
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: certPath,
          PROBE_NAMESPACE: broker.fullyQualifiedNamespace,
          PROBE_TOKEN: TOKEN,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, 'the probe ran the scenario');
      assert.deepEqual(JSON.parse(output.trim()), {
        scopes: ['https://servicebus.azure.net//.default'],
      });
      assert.ok(claims.length >= 2, `claims: ${claims.length}`);
      assert.ok(claims.every((c) => c.type === 'jwt' && c.token === TOKEN));
      const audiences = claims.map((c) => c.audience);
      assert.ok(
        audiences.includes(`sb://${broker.fullyQualifiedNamespace}/secret-tasks`),
        audiences.join(', '),
      );
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
