/**
 * Entra ID: inputs configured by `fullyQualifiedNamespace` authenticate with the tenant's
 * TokenCredential (JWT claims on `$cbs`, over TLS) — the path workload identity takes on AKS.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { startEventHubsBroker } from '@akv-replicator/eventhubs-broker';
import { startServiceBusBroker } from '@akv-replicator/servicebus-broker';
import { startAzuriteBlob } from '@akv-replicator/test-kit';

const PROBE = fileURLToPath(new URL('../testing/entra-probe.ts', import.meta.url));
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2V2ZW50aHVicy5henVyZS5uZXQifQ.c2ln';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = opensslAvailable() ? false : 'openssl is not installed: cannot make a certificate';

describe('ingress inputs with an Entra ID TokenCredential over TLS', { skip }, () => {
  it('reads an Event Hub and a Service Bus queue by namespace with JWT claims', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ingress-tls-'));
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
    const tls = { key: await readFile(keyPath), cert: await readFile(certPath) };
    const claims: { audience: string; type: string; token: string }[] = [];
    const acceptToken = (claim: { audience: string; type: string; token: string }) => {
      claims.push(claim);
      return claim.type === 'jwt' && claim.token === TOKEN;
    };
    const [hubs, queues, azurite] = await Promise.all([
      startEventHubsBroker({
        hubs: [{ name: 'keyvault-events', partitionCount: 2 }],
        tls,
        acceptToken,
      }),
      startServiceBusBroker({
        config: {
          UserConfig: {
            Namespaces: [
              { Name: 'sbemulatorns', Queues: [{ Name: 'keyvault-events' }], Topics: [] },
            ],
            Logging: { Type: 'Console' },
          },
        },
        tls,
        acceptToken,
      }),
      startAzuriteBlob(),
    ]);
    try {
      await azurite.createContainer('checkpoints');
      const child = spawn(process.execPath, ['--import', 'tsx', PROBE], {
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: certPath,
          PROBE_TOKEN: TOKEN,
          PROBE_EH_NAMESPACE: hubs.fullyQualifiedNamespace,
          PROBE_SB_NAMESPACE: queues.fullyQualifiedNamespace,
          PROBE_STORAGE: azurite.connectionString,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const [code] = (await once(child, 'exit')) as [number | null];
      assert.equal(code, 0, 'the probe ran');
      const result = JSON.parse(output.trim().split('\n').at(-1)!) as {
        names: string[];
        scopes: string[];
      };
      assert.deepEqual(result.names, ['via-hub', 'via-queue']);
      assert.deepEqual(result.scopes, [
        'https://eventhubs.azure.net//.default',
        'https://servicebus.azure.net//.default',
      ]);
      assert.ok(claims.length >= 2, `claims: ${claims.length}`);
      assert.ok(claims.every((c) => c.type === 'jwt' && c.token === TOKEN));
    } finally {
      await Promise.all([hubs.stop(), queues.stop(), azurite.stop()]);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
