import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SecretClient } from '@azure/keyvault-secrets';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, DEMO_VAULTS, type LocalStack } from 'akv-replicator';
import type { ObjectsReport, StatusReport } from '@akv-replicator/discovery';
import { waitFor } from './wait-for';

// Debian's chromium (.ci/run installs it), driven by playwright-core.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';
const ARTIFACTS = fileURLToPath(new URL('../.artifacts/', import.meta.url));
const CANARY = 'CANARY-status-page-3e9d';
const OBJECT = 'db-password';
const NEU = DEMO_VAULTS.replicas[0].name;
// Generous: the machine running the suite may be loaded; each wait ends on its condition.
const LONG = 120_000;

describe('the status page in a real browser (local stack, emulator, memory bus)', () => {
  let stack: LocalStack;
  let browser: Browser;
  let page: Page;
  let base: string;
  const client = (vault: string) =>
    new SecretClient(
      stack.emulator.vaultUrl(vault),
      stack.credential,
      stack.emulator.clientOptions(),
    );
  const api = async <T>(path: string): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${stack.statusToken}` },
    });
    assert.equal(response.status, 200, path);
    return (await response.json()) as T;
  };
  const resync = async (dryRun: boolean) => {
    const response = await fetch(`${stack.services.ingressUrl}/resync`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-akv-replicator-key': stack.resyncToken },
      body: JSON.stringify({ vault: DEMO_VAULTS.source.name, dryRun }),
    });
    assert.equal(response.status, 202);
  };
  /** Resolves after the page completed one more refresh than it had when called. */
  const nextRefresh = async () => {
    const seen = await page.getAttribute('body', 'data-refreshed');
    await waitFor(
      'the page to refresh',
      async () => ((await page.getAttribute('body', 'data-refreshed')) !== seen ? true : undefined),
      LONG,
    );
  };
  /** What a reader of the status sees: the rendered page and both endpoints' answers. */
  const pageAndEndpoints = async () =>
    [
      await page.content(),
      JSON.stringify(await api<StatusReport>('/status')),
      JSON.stringify(await api<ObjectsReport>('/status/objects')),
    ].join('\n');
  const screenshot = async (name: string) => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const path = `${ARTIFACTS}${name}`;
    await page.screenshot({ path, fullPage: true });
    console.log(`status page screenshot: ${path}`);
  };

  before(async () => {
    stack = await startLocalStack({
      configOverrides: {
        // Only the first reconcile and the resyncs below list the vaults: drift stays until repaired.
        replication: { reconcile: { suspend: true, onStart: true } },
        status: { refreshSeconds: 0.3 },
        telemetry: { traceUrlTemplate: 'http://localhost:16686/trace/{traceId}' },
      },
    });
    base = stack.readyInfo().status!;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows the topology, by region and tenant, in sync once the first listing is done', async () => {
    await client(DEMO_VAULTS.source.name).setSecret(OBJECT, CANARY);
    for (const replica of DEMO_VAULTS.replicas)
      await waitFor(
        `${replica.name}/${OBJECT}`,
        () => client(replica.name).getSecret(OBJECT),
        LONG,
      );
    // The address up --local prints: the token signs the browser in, then leaves the address.
    await page.goto(`${base}/?token=${stack.statusToken}`);
    assert.equal(new URL(page.url()).search, '');
    await page.locator('#overall', { hasText: /^in sync$/ }).waitFor({ timeout: LONG });
    const topology = await page.locator('#topology').innerText();
    assert.match(topology, /kv-demo-weu \(westeurope, tenant default\)/);
    for (const replica of DEMO_VAULTS.replicas) {
      const row = page.locator(`[data-replica="${replica.name}"]`);
      assert.match(await row.innerText(), new RegExp(`${replica.name} \\(${replica.region}`));
      assert.equal(await row.locator('[data-state="in-sync"]').innerText(), '1');
    }
  });

  it('a replica changed by hand appears within one refresh, named but never with its value', async () => {
    await client(NEU)
      .beginDeleteSecret(OBJECT)
      .then((poller) => poller.pollUntilDone());
    await resync(true); // a dry run lists and reports, repairs nothing
    await waitFor(
      'the board to hold the drift',
      async () =>
        (await api<ObjectsReport>('/status/objects?state=missing')).total ? true : undefined,
      LONG,
    );
    await nextRefresh();
    const row = page.locator(`#objects [data-object="${OBJECT}"]`);
    assert.equal(await row.count(), 1, 'shown by the first refresh after the board had it');
    assert.match(
      await row.innerText(),
      new RegExp(`kv-demo-weu → ${NEU} \\(northeurope\\)\\s+missing`),
    );
    assert.equal(await page.locator('#overall').innerText(), 'not in sync');
    assert.equal(
      await page.locator(`[data-replica="${NEU}"] [data-state="missing"]`).innerText(),
      '1',
    );
    // The search narrows the list to matching objects.
    await page.fill('#q', 'no-such-object');
    await page.locator('#objects-total', { hasText: /^0 object/ }).waitFor({ timeout: LONG });
    await page.fill('#q', 'DB-PASS');
    await row.waitFor({ timeout: LONG });
    await screenshot('status-page-drift.png');
    const everything = await pageAndEndpoints();
    assert.ok(everything.includes(OBJECT), 'the object is named');
    assert.ok(!everything.includes(CANARY), 'its value is not');
  });

  it('a repaired replica disappears from the page', async () => {
    await resync(false);
    await waitFor(`${NEU}/${OBJECT} repaired`, () => client(NEU).getSecret(OBJECT), LONG);
    await waitFor(
      'the board to see the repair',
      async () => ((await api<StatusReport>('/status')).inSync ? true : undefined),
      LONG,
    );
    await nextRefresh();
    assert.equal(await page.locator(`#objects [data-object="${OBJECT}"]`).count(), 0);
    assert.equal(await page.locator('#overall').innerText(), 'in sync');
    await screenshot('status-page-repaired.png');

    assert.ok(!(await pageAndEndpoints()).includes(CANARY));
  });
});
