#!/usr/bin/env node
// Mutation testing of the decision modules (issue #25): StrykerJS, one module at a time, each
// in its own workspace. Prints the score of every module that ran and exits 1 when one is under
// the target (MUTATION_TARGET, default 90 %).
//
//   npm run test:mutation                              every module
//   npm run test:mutation -- --module converge-secret  one module (repeat or comma-separate)
//   npm run test:mutation -- --changed [base]          only modules a change touches (CI-friendly):
//                                                      files differing from base (default HEAD~1),
//                                                      only the changed sources mutated
//   npm run test:mutation -- --list                    the modules and their files
import { spawnSync } from 'node:child_process';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join, matchesGlob, relative, resolve } from 'node:path';
import { MUTATION_MODULES } from './modules.mjs';

const root = resolve(import.meta.dirname, '../..');
const target = Number(process.env.MUTATION_TARGET ?? 90);
const args = process.argv.slice(2);

function option(name) {
  const values = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === name)
      values.push(args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : '');
  }
  return values;
}

function git(...gitArgs) {
  const result = spawnSync('git', gitArgs, { cwd: root, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.split('\n').filter(Boolean);
}

const matchesAny = (file, globs) => {
  const included = globs.filter((g) => !g.startsWith('!'));
  const excluded = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return included.some((g) => matchesGlob(file, g)) && !excluded.some((g) => matchesGlob(file, g));
};

/** The modules to run, each with the files to mutate. */
function selectModules() {
  const named = option('--module')
    .flatMap((value) => value.split(','))
    .filter(Boolean);
  for (const name of named) {
    if (!MUTATION_MODULES.some((m) => m.name === name)) {
      throw new Error(
        `unknown module "${name}"; known: ${MUTATION_MODULES.map((m) => m.name).join(', ')}`,
      );
    }
  }
  let modules = named.length
    ? MUTATION_MODULES.filter((m) => named.includes(m.name))
    : MUTATION_MODULES;
  const changed = option('--changed');
  if (changed.length === 0) return modules;
  const base = changed[0] || process.env.MUTATION_BASE || 'HEAD~1';
  const files = git('diff', '--name-only', base, '--');
  return modules.flatMap((m) => {
    const inWorkspace = files
      .filter((f) => f.startsWith(`${m.workspace}/`))
      .map((f) => relative(m.workspace, f));
    const sources = inWorkspace.filter((f) => matchesAny(f, m.mutate));
    const testsChanged = inWorkspace.some((f) => matchesAny(f, m.tests));
    if (testsChanged) return [m]; // new or changed tests: the whole module's score may move
    return sources.length ? [{ ...m, mutate: sources }] : [];
  });
}

/** Mutation score as Stryker reports it: detected / (detected + undetected), type errors excluded. */
function scoreOf(reportFile) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const counts = {};
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
  }
  const detected = (counts.Killed ?? 0) + (counts.Timeout ?? 0);
  const undetected = (counts.Survived ?? 0) + (counts.NoCoverage ?? 0);
  const valid = detected + undetected;
  return { score: valid ? (100 * detected) / valid : 100, counts, valid };
}

const modules = selectModules();
if (args.includes('--list')) {
  for (const m of modules) {
    console.log(`${m.name}\t${m.workspace}\t${m.mutate.join(' ')}\t${unitTestsOf(m).join(' ')}`);
  }
  process.exit(0);
}
if (modules.length === 0) {
  console.log('mutation testing: no decision module changed');
  process.exit(0);
}

/**
 * The module's unit-tier test files. Integration tests (`*.int.test.ts`) start an emulator or a
 * broker, and a mutation run starts each covering test file once per mutant: far too slow.
 */
function unitTestsOf(m) {
  const cwd = join(root, m.workspace);
  const files = [...new Set(m.tests.flatMap((pattern) => globSync(pattern, { cwd })))];
  return files.filter((file) => !file.endsWith('.int.test.ts')).sort();
}

const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');
const results = [];
for (const m of modules) {
  console.log(`\n== mutation testing: ${m.name} (${m.workspace}: ${m.mutate.join(' ')})`);
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [stryker, 'run', join(root, 'scripts/mutation/stryker.config.mjs')],
    {
      cwd: join(root, m.workspace),
      env: { ...process.env, MUTATION_MODULE: JSON.stringify({ ...m, tests: unitTestsOf(m) }) },
      stdio: 'inherit',
    },
  );
  const seconds = Math.round((Date.now() - started) / 1000);
  const report = join(root, 'reports/mutation', `${m.name}.json`);
  if (run.status !== 0 || !existsSync(report)) {
    results.push({ name: m.name, error: `stryker exited ${run.status}`, seconds });
    continue;
  }
  results.push({ name: m.name, seconds, ...scoreOf(report) });
}

console.log(
  '\n| module | score | killed | timeout | survived | no coverage | type errors | time |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  if (r.error) {
    console.log(`| ${r.name} | ${r.error} | | | | | | ${r.seconds} s |`);
    continue;
  }
  const c = (status) => r.counts[status] ?? 0;
  console.log(
    `| ${r.name} | ${r.score.toFixed(1)} % | ${c('Killed')} | ${c('Timeout')} | ${c('Survived')} | ${c('NoCoverage')} | ${c('CompileError')} | ${r.seconds} s |`,
  );
}
const failed = results.filter((r) => r.error || r.score < target);
if (failed.length) {
  console.error(`\nunder the ${target} % target: ${failed.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
