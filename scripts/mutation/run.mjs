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
//   … --max-mutants 100                                declines ("not run: too large") a run of
//                                                      more mutants (MUTATION_MAX_MUTANTS)
//   … --time-cap-minutes 20                            stops a run that outlasts it ("not run:
//                                                      over the time cap"; MUTATION_TIME_CAP_MINUTES)
import { spawn } from 'node:child_process';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { countMutants } from './count-mutants.mjs';
import { MUTATION_MODULES } from './modules.mjs';
import { changedFiles, isUnitTest, modulesTouchedBy, namedModules } from './select-modules.mjs';

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

/** A positive number from the option or the environment variable, else undefined. */
function limit(name, variable) {
  const raw = option(name)[0] ?? process.env[variable];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!(value > 0))
    throw new Error(`${name} (${variable}) must be a positive number, not "${raw}"`);
  return value;
}

/** The modules to run, each with the files to mutate. */
function selectModules() {
  const names = option('--module')
    .flatMap((value) => value.split(','))
    .filter(Boolean);
  const modules = namedModules(MUTATION_MODULES, names);
  const changed = option('--changed');
  if (changed.length === 0) return modules;
  const base = changed[0] || process.env.MUTATION_BASE || 'HEAD~1';
  return modulesTouchedBy(modules, changedFiles(root, base));
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
  return files.filter(isUnitTest).sort();
}

const maxMutants = limit('--max-mutants', 'MUTATION_MAX_MUTANTS');
const timeCapMinutes = limit('--time-cap-minutes', 'MUTATION_TIME_CAP_MINUTES');
if (maxMutants !== undefined) {
  const counts = await countMutants(root, modules);
  const total = counts.reduce((sum, c) => sum + c.mutants, 0);
  const listing = counts.map((c) => `${c.name}: ${c.mutants}`).join(', ');
  if (total > maxMutants) {
    // Declined, not failed: the change is too large for a bounded run, and says so.
    console.log(
      `mutation testing not run: too large — ${total} mutants (${listing}), over the cap of ${maxMutants}. ` +
        `Run it where time allows: npm run test:mutation -- --module ${modules.map((m) => m.name).join(',')}`,
    );
    process.exit(0);
  }
  console.log(`mutation testing: ${total} mutants (${listing}), within the cap of ${maxMutants}`);
}

const stryker = join(root, 'node_modules/@stryker-mutator/core/bin/stryker.js');

/**
 * Runs StrykerJS for one module; resolves with its exit status, or `timedOut` when `timeoutMs`
 * passed first — then its whole process group (checker and test runners too) is stopped.
 */
function runStryker(m, timeoutMs) {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      [stryker, 'run', join(root, 'scripts/mutation/stryker.config.mjs')],
      {
        cwd: join(root, m.workspace),
        env: { ...process.env, MUTATION_MODULE: JSON.stringify({ ...m, tests: unitTestsOf(m) }) },
        stdio: 'inherit',
        detached: true,
      },
    );
    let timedOut = false;
    const stopGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(
            () => {
              timedOut = true;
              stopGroup('SIGTERM');
              setTimeout(() => stopGroup('SIGKILL'), 10_000).unref();
            },
            Math.max(0, timeoutMs),
          );
    child.on('error', fail);
    child.on('exit', (status) => {
      clearTimeout(timer);
      done({ status, timedOut });
    });
  });
}

const deadline = timeCapMinutes === undefined ? undefined : Date.now() + timeCapMinutes * 60_000;
const results = [];
for (const m of modules) {
  if (deadline !== undefined && Date.now() >= deadline) {
    results.push({
      name: m.name,
      notRun: `over the time cap of ${timeCapMinutes} min`,
      seconds: 0,
    });
    continue;
  }
  console.log(`\n== mutation testing: ${m.name} (${m.workspace}: ${m.mutate.join(' ')})`);
  const started = Date.now();
  const run = await runStryker(m, deadline === undefined ? undefined : deadline - started);
  const seconds = Math.round((Date.now() - started) / 1000);
  const report = join(root, 'reports/mutation', `${m.name}.json`);
  if (run.timedOut) {
    // Its sandbox stays in <workspace>/.stryker-tmp (ignored by git): removing sandboxes there
    // could take one of another run in the same workspace.
    results.push({
      name: m.name,
      notRun: `stopped at the time cap of ${timeCapMinutes} min`,
      seconds,
    });
  } else if (run.status !== 0 || !existsSync(report)) {
    results.push({ name: m.name, error: `stryker exited ${run.status}`, seconds });
  } else {
    results.push({ name: m.name, seconds, ...scoreOf(report) });
  }
}

console.log(
  '\n| module | score | killed | timeout | survived | no coverage | type errors | time |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of results) {
  if (r.error || r.notRun) {
    console.log(`| ${r.name} | ${r.error ?? `not run: ${r.notRun}`} | | | | | | ${r.seconds} s |`);
    continue;
  }
  const c = (status) => r.counts[status] ?? 0;
  console.log(
    `| ${r.name} | ${r.score.toFixed(1)} % | ${c('Killed')} | ${c('Timeout')} | ${c('Survived')} | ${c('NoCoverage')} | ${c('CompileError')} | ${r.seconds} s |`,
  );
}
const notRun = results.filter((r) => r.notRun);
if (notRun.length) {
  // A bounded run (CI) reports what it could not measure instead of failing for lack of time.
  console.log(
    `\nmutation testing not run: ${notRun.map((r) => `${r.name} (${r.notRun})`).join(', ')}`,
  );
}
const failed = results.filter((r) => r.error || (!r.notRun && r.score < target));
if (failed.length) {
  console.error(`\nunder the ${target} % target: ${failed.map((r) => r.name).join(', ')}`);
  process.exit(1);
}
