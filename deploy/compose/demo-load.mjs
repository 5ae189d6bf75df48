#!/usr/bin/env node
// The compose demo's workload: subscribes the ingress to the source vault's Event Grid events
// (through the emulator's admin endpoint), then keeps writing secrets to the source vault so the
// dashboards and traces have something to show. Runs in the keyvault-emulator image (plain Node,
// no dependencies). Demo values are random and meaningless; they are never printed.
//
// Environment (defaults in brackets):
//   EMULATOR_ARM [https://keyvault-emulator:8440]  EMULATOR_CA_FILE [/var/lib/keyvault-emulator/ca.pem]
//   EMULATOR_TOKEN [compose-demo-token]            SOURCE_VAULT [kv-demo-weu]
//   INGRESS_URL [http://ingress:8080]              INGRESS_SHARED_SECRET (required)
//   DEMO_INTERVAL_SECONDS [5]  DEMO_SECRETS [20] (names cycled)  DEMO_WRITES [0 = forever]
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';

const env = process.env;
const arm = env.EMULATOR_ARM ?? 'https://keyvault-emulator:8440';
const caFile = env.EMULATOR_CA_FILE ?? '/var/lib/keyvault-emulator/ca.pem';
const token = env.EMULATOR_TOKEN ?? 'compose-demo-token';
const sourceVault = env.SOURCE_VAULT ?? 'kv-demo-weu';
const ingressUrl = env.INGRESS_URL ?? 'http://ingress:8080';
const sharedSecret = env.INGRESS_SHARED_SECRET;
const intervalMs = Number(env.DEMO_INTERVAL_SECONDS ?? 5) * 1000;
const secretCount = Number(env.DEMO_SECRETS ?? 20);
const writes = Number(env.DEMO_WRITES ?? 0);
const API_VERSION = '7.5';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message) => console.log(`demo-load: ${message}`);

/** One HTTPS JSON call trusting only the emulator's CA. */
function call(method, url, body, headers = {}) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: readFileSync(caFile, 'utf8'),
        timeout: 10_000,
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** Retries `attempt` until it returns true, so start order inside compose does not matter. */
async function until(what, attempt, tries = 60) {
  for (let i = 1; ; i += 1) {
    const done = await attempt().catch((error) => {
      if (i === tries) throw error;
      return false;
    });
    if (done) return;
    if (i === tries) throw new Error(`${what}: gave up after ${tries} attempts`);
    await sleep(2000);
  }
}

async function vaultUrl() {
  const { status, text } = await call(
    'GET',
    `${arm}/subscriptions/00000000-0000-4000-8000-00000000c0de/resourceGroups/rg-keyvault-emulator/providers/Microsoft.KeyVault/vaults/${sourceVault}?api-version=2026-02-01`,
    undefined,
    { authorization: `Bearer ${token}` },
  );
  if (status !== 200) throw new Error(`ARM GET ${sourceVault}: ${status} ${text.slice(0, 200)}`);
  return JSON.parse(text).properties.vaultUri.replace(/\/$/, '');
}

async function subscribeIngress() {
  // A restarted demo-load replaces its subscription instead of failing on the existing name.
  await call('DELETE', `${arm}/admin/eventgrid/subscriptions/compose-ingress`);
  const { status, text } = await call('POST', `${arm}/admin/eventgrid/subscriptions`, {
    name: 'compose-ingress',
    vault: sourceVault,
    endpoint: `${ingressUrl}/eventgrid?code=${encodeURIComponent(sharedSecret)}`,
    schema: 'EventGridSchema',
    includedEventTypes: [
      'Microsoft.KeyVault.SecretNewVersionCreated',
      'Microsoft.KeyVault.CertificateNewVersionCreated',
    ],
  });
  if (status >= 300) log(`subscription not accepted yet (${status}): ${text.slice(0, 200)}`);
  return status < 300;
}

async function main() {
  if (!sharedSecret) throw new Error('INGRESS_SHARED_SECRET is required');
  let source;
  await until('source vault', async () => {
    source = await vaultUrl();
    return true;
  });
  await until('Event Grid subscription to the ingress', subscribeIngress);
  log(`ingress subscribed to ${sourceVault}; writing a secret every ${intervalMs / 1000} s`);
  for (let n = 0; writes === 0 || n < writes; n += 1) {
    const name = `demo-secret-${n % secretCount}`;
    const { status, text } = await call(
      'PUT',
      `${source}/secrets/${name}?api-version=${API_VERSION}`,
      { value: randomBytes(12).toString('base64url'), tags: { origin: 'compose-demo' } },
      { authorization: `Bearer ${token}` },
    ).catch((error) => ({ status: 0, text: error.message }));
    log(
      status === 200 ? `wrote ${name}` : `writing ${name} failed: ${status} ${text.slice(0, 200)}`,
    );
    if (writes === 0 || n + 1 < writes) await sleep(intervalMs);
  }
}

main().catch((error) => {
  console.error(`demo-load: ${error.message}`);
  process.exit(1);
});
