/**
 * The TLS broker is dialled by name: a client sends the host it dials as the TLS server name,
 * and an IP address there is not permitted by RFC 6066 (Node: DEP0123 "Setting the TLS
 * ServerName to an IP address"). rhea, under @azure/service-bus and @azure/event-hubs, sets the
 * server name to the host, so `fullyQualifiedNamespace` must not be an IP.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EMULATOR_SAS_KEY, EMULATOR_SAS_KEY_NAME, startServiceBusBroker } from './index';
import { rhea } from './rhea';
import { TEST_CONFIG } from './test-config';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('TLS broker address', { skip: opensslAvailable() ? false : 'needs openssl' }, () => {
  it('is a name, and a TLS client dialling it as given raises no DEP0123', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-sni-'));
    const [keyPath, certPath] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1'],
        ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'],
        ...['-keyout', keyPath, '-out', certPath],
      ],
      { stdio: 'ignore' },
    );
    const cert = await readFile(certPath);
    const broker = await startServiceBusBroker({
      config: TEST_CONFIG,
      tls: { key: await readFile(keyPath), cert },
    });
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(String(warning.code));
    process.on('warning', onWarning);
    try {
      const [host, port] = broker.fullyQualifiedNamespace.split(':') as [string, string];
      assert.equal(isIP(host), 0, `${host} is an IP address`);
      assert.match(broker.connectionString, new RegExp(`^Endpoint=sb://${host}:${port};`));
      // What rhea does for @azure/service-bus over TLS: the dialled host is the server name.
      const connection = rhea.create_container().connect({
        host,
        port: Number(port),
        transport: 'tls',
        ca: [cert],
        username: EMULATOR_SAS_KEY_NAME,
        password: EMULATOR_SAS_KEY,
        reconnect: false,
      });
      await new Promise<void>((resolve, reject) => {
        connection.once('connection_open', () => resolve());
        connection.once('connection_error', reject);
        connection.once('disconnected', (c) => reject(c.error ?? new Error('disconnected')));
      });
      connection.close();
      // Warnings are emitted on the next tick.
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(
        warnings.filter((code) => code === 'DEP0123'),
        [],
      );
    } finally {
      process.off('warning', onWarning);
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
