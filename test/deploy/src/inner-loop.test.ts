import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// README's contributing loop (issue #19): `npm test -- <file or pattern>` runs only the matching
// test files, in their own workspace; `--watch` needs one workspace. Run through the script npm
// runs, against real test files of this repository (small, fast ones).
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

function npmTest(...args: string[]) {
  // Node marks processes started by its test runner (NODE_TEST_CONTEXT) and a nested `--test`
  // then runs nothing: start the script as a shell would.
  const { NODE_TEST_CONTEXT: _runner, ...env } = process.env;
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/test.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...env, INIT_CWD: ROOT },
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('npm test -- <pattern>', () => {
  it('runs only the test files whose path contains the pattern, in their workspace', () => {
    const run = npmTest('naming-pattern.test');
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /== libs\/core: 1 test file\(s\)/);
    assert.doesNotMatch(run.output, /== (services|test)\//);
    // The file's tests really ran (a runner that matched but ran nothing would print pass 0).
    const passed = Number(/ℹ pass (\d+)/.exec(run.output)?.[1] ?? 0);
    assert.ok(passed > 0, run.output);
    assert.match(run.output, /ℹ fail 0/);
  });

  it('takes a test file path relative to where npm was started', () => {
    const run = npmTest('libs/core/src/naming/naming-pattern.test.ts');
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /== libs\/core: 1 test file\(s\)/);
  });

  it('fails, naming the pattern, when nothing matches (a typo must not pass as green)', () => {
    const run = npmTest('no-such-test-file-anywhere');
    assert.equal(run.status, 1);
    assert.match(run.output, /no test file matches "no-such-test-file-anywhere"/);
  });

  it('refuses --watch across several workspaces and unknown options', () => {
    const watch = npmTest('--watch', '.test.ts');
    assert.equal(watch.status, 2);
    assert.match(watch.output, /name one/);
    const unknown = npmTest('--only');
    assert.equal(unknown.status, 2);
    assert.match(unknown.output, /unknown option --only/);
  });
});
