import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// scripts/run-tests.mjs (each workspace's `npm test`) runs unit files in one shared process and
// keeps a process of their own for integration files, files with top-level beforeEach/afterEach
// hooks (they would run around every other file's tests) and files marked
// `// test-isolation: process`. Checked on a throwaway workspace whose test files record the
// process they ran in. It sits inside the repository so that `--import tsx` resolves.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const scratch = join(ROOT, 'test/deploy/.tmp');
mkdirSync(scratch, { recursive: true });
const workspace = mkdtempSync(join(scratch, 'runner-'));
after(() => rmSync(workspace, { recursive: true, force: true }));

const recordPid = (name: string) =>
  `import { writeFileSync } from 'node:fs';\n` +
  `import { join } from 'node:path';\n` +
  `writeFileSync(join(process.env.PID_DIR!, '${name}'), String(process.pid));\n`;

const files: Record<string, string> = {
  'src/a.test.ts': `${recordPid('a')}import { it } from 'node:test';\nit('a', () => {});\n`,
  // Fails when a top-level hook of another file ran before it, or when asked to.
  'src/b.test.ts':
    `${recordPid('b')}import { it } from 'node:test';\nimport assert from 'node:assert/strict';\n` +
    `it('b', () => {\n  assert.equal((globalThis as { hooked?: boolean }).hooked, undefined);\n` +
    `  assert.notEqual(process.env.FAIL_SHARED, '1');\n});\n`,
  'src/hooks.test.ts':
    `${recordPid('hooks')}import { beforeEach, it } from 'node:test';\n` +
    `beforeEach(() => { (globalThis as { hooked?: boolean }).hooked = true; });\nit('h', () => {});\n`,
  // A top-level before/after runs once, whatever else shares the process.
  'src/once.test.ts': `${recordPid('once')}import { before, it } from 'node:test';\nbefore(() => {});\nit('o', () => {});\n`,
  'src/marked.test.ts': `// test-isolation: process\n${recordPid('marked')}import { it } from 'node:test';\nit('m', () => {});\n`,
  'src/broker.int.test.ts': `${recordPid('int')}import { it } from 'node:test';\nit('i', () => {});\n`,
};
for (const [path, text] of Object.entries(files)) {
  mkdirSync(join(workspace, 'src'), { recursive: true });
  writeFileSync(join(workspace, path), text);
}

function runTests(env: Record<string, string> = {}) {
  const pids = mkdtempSync(join(scratch, 'pids-'));
  // A nested `--test` under Node's runner runs nothing while NODE_TEST_CONTEXT is set; the
  // runner's own settings (the date check runs this file with TEST_TIER=unit) must not leak in.
  const {
    NODE_TEST_CONTEXT: _runner,
    TEST_TIER: _tier,
    TEST_FILES: _files,
    TEST_ISOLATION: _isolation,
    ...inherited
  } = process.env;
  const run = spawnSync(process.execPath, [join(ROOT, 'scripts/run-tests.mjs')], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...inherited, ...env, PID_DIR: pids },
    timeout: 120_000,
  });
  const pid = (name: string) => readFileSync(join(pids, name), 'utf8');
  const result = { status: run.status, output: `${run.stdout}${run.stderr}`, pid };
  return result;
}

describe('run-tests: which test files share a process', () => {
  it('runs plain unit files in one process, the others each in their own', () => {
    const run = runTests();
    assert.equal(run.status, 0, run.output);
    assert.equal(run.pid('a'), run.pid('b'), 'plain unit files share a process');
    assert.equal(run.pid('once'), run.pid('a'), 'top-level before/after may share');
    for (const own of ['hooks', 'marked', 'int']) {
      assert.notEqual(run.pid(own), run.pid('a'), `${own} runs in a process of its own`);
    }
    assert.notEqual(run.pid('hooks'), run.pid('int'));
  });

  it('fails when a shared file fails', () => {
    const run = runTests({ FAIL_SHARED: '1' });
    assert.equal(run.status, 1, run.output);
  });

  it('TEST_ISOLATION=process gives every file its own process', () => {
    const run = runTests({ TEST_ISOLATION: 'process' });
    assert.equal(run.status, 0, run.output);
    assert.notEqual(run.pid('a'), run.pid('b'));
  });
});
