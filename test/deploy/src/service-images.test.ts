import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVICE_NAMES, SERVICE_NODE_OPTIONS } from 'akv-replicator';
import { argumentWords, imageEnv, parseDockerfile } from './dockerfile';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dockerfile = parseDockerfile(readFileSync(join(ROOT, 'deploy/docker/Dockerfile'), 'utf8'));

describe('deploy/docker/Dockerfile service targets', () => {
  for (const service of SERVICE_NAMES) {
    it(`${service}: runs its service with the NODE_OPTIONS the memory benchmark measured`, () => {
      assert.ok(dockerfile.stage(service), `no target ${service}`);
      const cmd = argumentWords(dockerfile.effective(service, 'CMD')!.args);
      assert.deepEqual(cmd.slice(cmd.indexOf('--services'), cmd.indexOf('--services') + 2), [
        '--services',
        service,
      ]);
      assert.equal(imageEnv(dockerfile, service)['NODE_OPTIONS'], SERVICE_NODE_OPTIONS[service]);
    });
  }
});
