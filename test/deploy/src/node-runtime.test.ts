import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { parseDockerfile } from './dockerfile';

// One Node major everywhere a runtime is chosen (issue #22: Node 20 is end of life): the images,
// the bundle's target, the type definitions and CI (scripts/use-node24.sh).
const TARGET_MAJOR = 24;
const END_OF_LIFE = '20.20.2';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const readJson = (path: string) => JSON.parse(read(path)) as Record<string, unknown>;

function manifestsWithEngines(): { path: string; range: string }[] {
  const workspaces = ['libs', 'services', 'test'].flatMap((dir) =>
    readdirSync(join(ROOT, dir)).map((name) => `${dir}/${name}/package.json`),
  );
  return ['package.json', ...workspaces]
    .filter((path) => existsSync(join(ROOT, path)))
    .map((path) => ({ path, engines: readJson(path)['engines'] as { node?: string } | undefined }))
    .filter(({ engines }) => engines?.node !== undefined)
    .map(({ path, engines }) => ({ path, range: engines!.node! }));
}

const rootRange = (readJson('package.json')['engines'] as { node: string }).node;
// The oldest release of each supported line: `^22.19 || >=24.11` → 22.19.0, 24.11.0.
const lineFloors = rootRange.split('||').map((part) => semver.minVersion(part)!.version);

describe('Node runtime', () => {
  it(`engines: every package.json states the same range, with Node ${TARGET_MAJOR} and 22, not 20`, () => {
    const manifests = manifestsWithEngines();
    assert.ok(
      manifests.some(({ path }) => path === 'package.json'),
      'the root states engines',
    );
    for (const { path, range } of manifests) {
      assert.equal(range, rootRange, path);
      assert.ok(semver.intersects(range, String(TARGET_MAJOR)), `${path}: ${range}`);
      assert.ok(semver.intersects(range, '22'), `${path}: ${range} admits no Node 22`);
      assert.ok(!semver.satisfies(END_OF_LIFE, range), `${path}: ${range} admits Node 20`);
    }
  });

  // An engines floor lower than a dependency's is a promise the install breaks (EBADENGINE).
  it('engines: every installed package accepts the oldest release of each supported line', () => {
    const lock = readJson('package-lock.json') as {
      packages: Record<string, { engines?: { node?: string } | string[] }>;
    };
    const refusals: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const wanted = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
      if (!path || wanted === undefined || semver.validRange(wanted) === null) continue;
      for (const floor of lineFloors)
        if (!semver.satisfies(floor, wanted))
          refusals.push(`${path} wants ${wanted}, not ${floor}`);
    }
    assert.deepEqual(refusals, []);
  });

  it(`image base: node:${TARGET_MAJOR}-…-slim, admitted by engines, for every stage`, () => {
    const source = read('deploy/docker/Dockerfile');
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(source)?.[1];
    // https://github.com/nodejs/docker-node (the official image's tags: 24/bookworm-slim)
    assert.match(image ?? '', new RegExp(`^node:${TARGET_MAJOR}-bookworm-slim$`));
    const stages = parseDockerfile(source).stages;
    const names = new Set(stages.map((stage) => stage.name));
    for (const stage of stages)
      assert.ok(names.has(stage.base) || stage.base === '${NODE_IMAGE}', stage.base);
  });

  it(`bundle target, @types/node and CI's Node: ${TARGET_MAJOR}`, () => {
    const targets = [...read('services/cli/build.mjs').matchAll(/target: '([^']+)'/g)];
    assert.ok(targets.length > 0, 'build.mjs names a target');
    for (const [, target] of targets) assert.equal(target, `node${TARGET_MAJOR}`);
    const types = (readJson('package.json')['devDependencies'] as Record<string, string>)[
      '@types/node'
    ];
    assert.equal(semver.major(types!), TARGET_MAJOR);
    assert.match(read('scripts/use-node24.sh'), new RegExp(`npm view node@${TARGET_MAJOR} `));
    assert.match(read('.ci/run'), /eval "\$node24_env"/);
  });
});
