import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

interface RuntimeTree {
  TARGETS: string[];
  SERVICE_PACKAGES: Record<string, string>;
  targetRoots(root: string, target: string): string[];
  runtimePackages(root: string, target: string): string[];
  checkBundleComplete(dist: string): void;
}
const tree = (await import(
  pathToFileURL(join(ROOT, 'deploy/docker/runtime-tree.mjs')).href
)) as RuntimeTree;
const has = (packages: string[], name: string) => packages.includes(`node_modules/${name}`);

describe('deploy/docker/runtime-tree.mjs', () => {
  it('has a target per service `up --services` runs, plus the emulator', async () => {
    const { SERVICE_NAMES } = await import('akv-replicator');
    assert.deepEqual(Object.keys(tree.SERVICE_PACKAGES).sort(), [...SERVICE_NAMES].sort());
    assert.deepEqual(tree.TARGETS.sort(), [...SERVICE_NAMES, 'emulator'].sort());
  });

  it("roots a service's tree in the CLI's dependencies minus other services, the emulator and build tools", () => {
    const roots = tree.targetRoots(ROOT, 'replicator');
    assert.ok(roots.includes('@akv-replicator/replicator'));
    assert.ok(roots.includes('commander'));
    for (const excluded of [
      '@akv-replicator/ingress',
      '@akv-replicator/notifier',
      '@akv-replicator/keyvault-emulator',
      'tsx',
    ])
      assert.ok(!roots.includes(excluded), excluded);
    assert.throws(() => tree.targetRoots(ROOT, 'nope'), /unknown target "nope"/);
  });

  it('holds only the packages its service can import', () => {
    const replicator = tree.runtimePackages(ROOT, 'replicator');
    const ingress = tree.runtimePackages(ROOT, 'ingress');
    const notifier = tree.runtimePackages(ROOT, 'notifier');
    const emulator = tree.runtimePackages(ROOT, 'emulator');
    assert.ok(has(replicator, '@azure/keyvault-secrets') && has(replicator, '@nats-io/jetstream'));
    assert.ok(!has(replicator, 'fastify') && !has(replicator, 'nodemailer'));
    assert.ok(has(ingress, 'fastify') && !has(ingress, 'nodemailer'));
    assert.ok(has(notifier, 'nodemailer') && !has(notifier, 'fastify'));
    assert.ok(has(emulator, 'fastify') && !has(emulator, '@azure/identity'));
    for (const packages of [replicator, ingress, notifier, emulator])
      assert.ok(
        !has(packages, 'tsx') &&
          !has(packages, 'esbuild') &&
          !has(packages, 'typescript') &&
          !packages.some((dir) => dir.includes('node_modules/@types/')),
      );
  });

  it('leaves out what the bundle carries in dist/vendor (services/cli bundledThirdParty)', () => {
    const converter = tree.runtimePackages(ROOT, 'certificate-converter');
    assert.ok(has(converter, '@azure/keyvault-certificates'));
    assert.ok(!has(converter, '@kubernetes/client-node'), 'vendored into the bundle');
  });

  it('refuses a bundle whose chunks do not all exist', () => {
    const dist = mkdtempSync(join(tmpdir(), 'akvr-dist-'));
    try {
      writeFileSync(
        join(dist, 'main.js'),
        'import { a } from "./chunk-A.js";\nawait import("./up-B.js");\n',
      );
      writeFileSync(join(dist, 'chunk-A.js'), 'export const a = 1;\n');
      assert.throws(
        () => tree.checkBundleComplete(dist),
        /main\.js imports \.\/up-B\.js, which is missing/,
      );
      writeFileSync(join(dist, 'up-B.js'), 'export {};\n');
      tree.checkBundleComplete(dist);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
