/**
 * Entra ID: clients built from a namespace and a TokenCredential authenticate with JWT claims on
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
import { startEventHubsBroker } from './index';

const PROBE = fileURLToPath(new URL('./entra-probe.ts', import.meta.url));
// Not a real token: the broker only compares it; the SDK never parses it.
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V2ZW50aHVicy5henVyZS5uZXQifQ.c2ln';

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
  it('negotiates JWT claims for the hub and its partitions, then sends and receives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eh-tls-'));
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        // The broker is dialled by name over TLS (no IP as the TLS server name: DEP0123).
        ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        ...['-keyout', keyPath, '-out', certPath],
      ],
      { stdio: 'ignore' },
    );
    const claims: Array<{ audience: string; type: string; token: string }> = [];
    const broker = await startEventHubsBroker({
      hubs: [{ name: 'secure', partitionCount: 1 }],
      tls: { key: await readFile(keyPath), cert: await readFile(certPath) },
      acceptToken: (claim) => {
        claims.push(claim);
        return claim.type === 'jwt' && claim.token === TOKEN;
      },
    });
    try {
      assert.doesNotMatch(broker.connectionString('secure'), /UseDevelopmentEmulator/);
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
      assert.equal(code, 0, 'the probe sent and received');
      assert.deepEqual(JSON.parse(output.trim()), {
        scopes: ['https://eventhubs.azure.net//.default'],
        bodies: ['over tls'],
      });
      assert.ok(claims.every((c) => c.type === 'jwt' && c.token === TOKEN));
      const audiences = new Set(claims.map((c) => c.audience));
      const base = `sb://${broker.fullyQualifiedNamespace}/secure`;
      assert.ok(audiences.has(`${base}/Partitions/0`), [...audiences].join(', '));
      assert.ok(
        audiences.has(`${base}/ConsumerGroups/$Default/Partitions/0`),
        [...audiences].join(', '),
      );
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
