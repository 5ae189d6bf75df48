import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../cli';

async function run(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l), env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

async function tempConfig(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'akvr-manifests-'));
  const file = join(dir, 'config.yaml');
  await writeFile(file, text);
  return file;
}

const CONFIG = `
tenants: { default: { tenantId: 00000000-0000-0000-0000-0000000000aa } }
links:
  - name: app
    source: { vault: kv-app-weu, subscriptionId: 11111111-1111-1111-1111-111111111111 }
    replicas: [{ vault: kv-app-neu, region: northeurope }]
bus: { transport: nats, nats: { servers: [nats://nats:4222] } }
ingress: { auth: { sharedSecret: { fromEnv: INGRESS_SECRET } } }
`;

describe('akv-replicator manifests', () => {
  it('prints one YAML stream kubectl can apply, with the namespace and images asked for', async () => {
    const { code, out, err } = await run([
      'manifests',
      '--config',
      await tempConfig(CONFIG),
      '--namespace',
      'dr',
      '--image-repository',
      'acr.example/akvr',
      '--image-tag',
      '7',
    ]);
    assert.equal(code, 0, err);
    const documents = parseAllDocuments(out).map((d) => d.toJS() as Record<string, unknown>);
    assert.ok(documents.every((d) => (d.metadata as { name?: string } | undefined)?.name));
    const replicator = documents.find(
      (d) => (d.metadata as { name: string }).name === 'akv-replicator-replicator-northeurope',
    );
    assert.equal((replicator?.metadata as { namespace: string }).namespace, 'dr');
    assert.match(JSON.stringify(replicator), /acr\.example\/akvr\/replicator:7/);
    assert.match(out, /^# NOTE: create the Secret akv-replicator-secrets .*INGRESS_SECRET/m);
    assert.match(err, /INGRESS_SECRET/);
  });

  it('--discovery-replicas: more discovery pods with an election; refused without one (exit 1) or when not a count (exit 2)', async () => {
    const elected = await tempConfig(`${CONFIG}discovery: { leaderElection: { kind: nats } }\n`);
    const two = await run(['manifests', '--config', elected, '--discovery-replicas', '2']);
    assert.equal(two.code, 0, two.err);
    const discovery = parseAllDocuments(two.out)
      .map((d) => d.toJS() as { kind: string; metadata: { name: string }; spec: unknown })
      .find((d) => d.kind === 'Deployment' && d.metadata.name === 'akv-replicator-discovery');
    assert.equal((discovery?.spec as { replicas: number }).replicas, 2);
    const unelected = await run([
      'manifests',
      '--config',
      await tempConfig(CONFIG),
      '--discovery-replicas',
      '2',
    ]);
    assert.equal(unelected.code, 1);
    assert.match(unelected.err, /discovery\.leaderElection\.kind nats or kubernetes-lease/);
    assert.equal(unelected.out, '');
    const notCount = await run(['manifests', '--config', elected, '--discovery-replicas', 'two']);
    assert.equal(notCount.code, 2);
    assert.match(notCount.err, /--discovery-replicas must be a positive integer, not two/);
  });

  it('exits 1 with the reason for a configuration that cannot run as pods, or a missing file', async () => {
    const memory = await run([
      'manifests',
      '--config',
      await tempConfig(CONFIG.replace('transport: nats', 'transport: memory')),
    ]);
    assert.equal(memory.code, 1);
    assert.match(memory.err, /in-memory bus/);
    assert.equal(memory.out, '');
    const missing = await run(['manifests', '--config', '/nonexistent/config.yaml']);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /ENOENT|no such file/);
    const invalid = await run(['manifests', '--config', await tempConfig('links: 3\n')]);
    assert.equal(invalid.code, 1);
    assert.match(invalid.err, /links/);
  });
});
