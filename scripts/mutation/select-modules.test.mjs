// The changed-module selection CI relies on (`npm run test:mutation -- --changed HEAD~1`),
// driven with real commits in a temporary git repository. Run: node --test scripts/mutation/
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { countMutants, filesToMutate } from './count-mutants.mjs';
import { MUTATION_MODULES } from './modules.mjs';
import { changedFiles, modulesTouchedBy } from './select-modules.mjs';

const realRoot = resolve(import.meta.dirname, '../..');

/** A module shaped like the real ones, in a workspace of the temporary repository. */
const DEMO = {
  name: 'demo-rules',
  workspace: 'services/demo',
  mutate: ['src/rules/**/*.ts', '!src/rules/**/*.test.ts', '!src/rules/fixtures.ts'],
  tests: ['src/rules/**/*.test.ts'],
};
const THRESHOLD = 'export const overLimit = (count: number, limit: number) => count > limit;\n';

/** A git repository in a temporary folder, with one commit per call to `commit`. */
function temporaryRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'mutation-selection-'));
  const git = (...args) => {
    const result = spawnSync('git', args, { cwd: dir, encoding: 'utf8' });
    assert.equal(result.status, 0, `git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'user.name', 'selection test');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    /** Writes (or, with `null`, deletes) files and commits them. */
    commit(files, message = 'change') {
      for (const [path, content] of Object.entries(files)) {
        const file = join(dir, path);
        if (content === null) rmSync(file);
        else {
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, content);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

describe('changedFiles', () => {
  let repo;
  before(() => {
    repo = temporaryRepo();
    repo.commit({
      'README.md': '# demo\n',
      'services/demo/src/rules/threshold.ts': THRESHOLD,
      'services/demo/src/rules/old-rule.ts': 'export const old = 1;\n',
    });
  });
  after(() => repo.remove());

  it('lists what the last commit changed, without the files it deleted', () => {
    repo.commit({
      'services/demo/src/rules/threshold.ts': THRESHOLD.replace('>', '>='),
      'services/demo/src/rules/old-rule.ts': null,
      'docs/notes.md': 'notes\n',
    });
    assert.deepEqual(changedFiles(repo.dir, 'HEAD~1').sort(), [
      'docs/notes.md',
      'services/demo/src/rules/threshold.ts',
    ]);
    assert.deepEqual(changedFiles(repo.dir, 'HEAD'), [], 'nothing since HEAD');
  });

  it('refuses a base that is not a commit of the clone instead of reading "nothing changed"', () => {
    assert.throws(() => changedFiles(repo.dir, 'HEAD~99'), /base "HEAD~99" is not a commit/);
    const single = temporaryRepo();
    try {
      single.commit({ 'README.md': 'one commit, no parent\n' });
      assert.throws(() => changedFiles(single.dir, 'HEAD~1'), /shallow clone/);
    } finally {
      single.remove();
    }
  });

  it('a local git clone keeps the history CI diffs against', () => {
    const clone = mkdtempSync(join(tmpdir(), 'mutation-clone-'));
    try {
      const result = spawnSync('git', ['clone', '-q', repo.dir, join(clone, 'repo')], {
        encoding: 'utf8',
      });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(
        changedFiles(join(clone, 'repo'), 'HEAD~1').sort(),
        changedFiles(repo.dir, 'HEAD~1').sort(),
      );
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });
});

describe('modulesTouchedBy', () => {
  const touched = (files) => modulesTouchedBy([DEMO], files);

  it('mutates only the changed source files of a module', () => {
    assert.deepEqual(touched(['services/demo/src/rules/threshold.ts', 'README.md']), [
      { ...DEMO, mutate: ['src/rules/threshold.ts'] },
    ]);
  });

  it('runs the whole module when one of its unit tests changed', () => {
    assert.deepEqual(
      touched(['services/demo/src/rules/threshold.ts', 'services/demo/src/rules/limits.test.ts']),
      [DEMO],
    );
  });

  it('leaves the module out for changes no mutation run would see', () => {
    for (const files of [
      ['README.md', 'docs/mutation-testing.md'],
      ['services/demo/src/rules/limits.int.test.ts'], // integration tests never run under mutation
      ['services/demo/src/rules/fixtures.ts'], // excluded from mutation
      ['services/demo/src/app.ts'], // the workspace, but not the module
      ['services/demo-two/src/rules/threshold.ts'], // another workspace with a like name
      ['libs/demo/src/rules/threshold.ts'],
    ])
      assert.deepEqual(touched(files), [], files.join(', '));
  });

  it('maps a change to the real breaker onto its module alone', () => {
    const selected = modulesTouchedBy(MUTATION_MODULES, [
      'services/discovery/src/reconcile/deletion-breaker.ts',
    ]);
    assert.deepEqual(
      selected.map((m) => [m.name, m.mutate]),
      [['reconcile-diff-and-breaker', ['src/reconcile/deletion-breaker.ts']]],
    );
  });
});

describe('countMutants', () => {
  let repo;
  before(() => {
    repo = temporaryRepo();
    repo.commit({
      'services/demo/src/rules/threshold.ts': THRESHOLD,
      'services/demo/src/rules/threshold.test.ts': 'export const notMutated = 1 > 2;\n',
      'services/demo/src/rules/fixtures.ts': 'export const fixture = 1 > 2;\n',
    });
  });
  after(() => repo.remove());

  it("counts StrykerJS's mutants of the files the module mutates, and only those", async () => {
    assert.deepEqual(filesToMutate(repo.dir, DEMO), ['src/rules/threshold.ts']);
    const [demo] = await countMutants(repo.dir, [DEMO]);
    // `(count, limit) => count > limit`: >=, <=, true, false and `() => undefined`.
    assert.deepEqual(demo, { name: 'demo-rules', files: 1, mutants: 5 });
    const [none] = await countMutants(repo.dir, [{ ...DEMO, mutate: ['src/absent/*.ts'] }]);
    assert.deepEqual(none, { name: 'demo-rules', files: 0, mutants: 0 });
  });
});

describe('run.mjs --changed in a clone (what CI runs)', () => {
  let repo;
  const run = (...args) =>
    spawnSync(process.execPath, ['scripts/mutation/run.mjs', ...args], {
      cwd: repo.dir,
      encoding: 'utf8',
      env: { ...process.env, MUTATION_MAX_MUTANTS: '', MUTATION_TIME_CAP_MINUTES: '' },
    });
  before(() => {
    repo = temporaryRepo();
    cpSync(join(realRoot, 'scripts/mutation'), join(repo.dir, 'scripts/mutation'), {
      recursive: true,
      filter: (source) => !source.endsWith('.test.mjs'),
    });
    symlinkSync(join(realRoot, 'node_modules'), join(repo.dir, 'node_modules'));
    writeFileSync(join(repo.dir, '.gitignore'), 'node_modules\nreports\n');
    repo.commit({ 'README.md': '# demo\n' });
  });
  after(() => repo.remove());

  it('skips at once when the commit touched no decision module', () => {
    repo.commit({ 'README.md': '# demo, reworded\n' });
    const result = run('--changed', 'HEAD~1', '--max-mutants', '100');
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /mutation testing: no decision module changed/);
  });

  it('declines a change over the mutant cap without starting StrykerJS', () => {
    repo.commit({ 'libs/core/src/provenance/provenance.ts': THRESHOLD });
    const declined = run('--changed', 'HEAD~1', '--max-mutants', '4');
    assert.equal(declined.status, 0, declined.stderr);
    assert.match(
      declined.stdout,
      /mutation testing not run: too large — 5 mutants \(provenance: 5\), over the cap of 4/,
    );
    assert.ok(!existsSync(join(repo.dir, 'reports')), 'no StrykerJS run, no report');
    assert.match(run('--changed', 'HEAD~1', '--list').stdout, /^provenance\tlibs\/core\t/);
  });

  it('refuses a cap that is not a positive number', () => {
    const result = run('--changed', 'HEAD~1', '--max-mutants', 'lots');
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /--max-mutants \(MUTATION_MAX_MUTANTS\) must be a positive number/);
  });
});
