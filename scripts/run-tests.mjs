#!/usr/bin/env node
// Runs one workspace's tests with Node's built-in test runner, TypeScript loaded by tsx.
// Tiers by suffix (STYLE.md rule 10): `*.test.ts` unit, `*.int.test.ts` needs a real broker or
// emulator. TEST_TIER=unit|int|all (default all) picks which; CI runs all of them.
// TEST_FILES=<regular expression> keeps only the test files whose path matches it (the date check
// runs the calendar-sensitive integration files this way).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { findTestFiles } from './test-files.mjs';

const tier = process.env.TEST_TIER ?? process.argv[2] ?? 'all';
if (!['unit', 'int', 'all'].includes(tier)) {
  console.error(`TEST_TIER must be unit, int or all (got "${tier}")`);
  process.exit(2);
}

let onlyFiles;
try {
  onlyFiles = process.env.TEST_FILES ? new RegExp(process.env.TEST_FILES) : undefined;
} catch (error) {
  console.error(`TEST_FILES must be a regular expression: ${error.message}`);
  process.exit(2);
}

const isIntegration = (file) => file.endsWith('.int.test.ts');
const files = findTestFiles('.')
  .filter((file) => tier === 'all' || (tier === 'int') === isIntegration(file))
  .filter((file) => !onlyFiles || onlyFiles.test(file))
  .sort();

if (files.length === 0) {
  console.log(`no ${tier} tests${onlyFiles ? ` matching ${onlyFiles}` : ''} in ${process.cwd()}`);
  process.exit(0);
}

// Unit files share one process (`--test-isolation=none`): most of a unit file's run is starting
// Node and loading TypeScript through tsx, so one process for all of them makes the unit tier 3-5x
// faster (and the date check, which runs it at four dates, too). A file keeps a process of its
// own when it is an integration test (brokers, emulators, ports), when it has top-level
// `beforeEach`/`afterEach` hooks (at the top level they run around every file's tests in a shared
// process; a top-level `before`/`after` runs once and may share), or when it says
// `// test-isolation: process` for global state of its own. TEST_ISOLATION=process runs every file
// in its own process, as before, to rule sharing out when a test misbehaves.
const ownProcessMarker = /^(?:beforeEach|afterEach)\s*\(|\/\/ test-isolation: process/m;
const canShare =
  process.env.TEST_ISOLATION !== 'process' &&
  process.allowedNodeEnvironmentFlags.has('--test-isolation');
const shared = canShare
  ? files.filter(
      (file) => !isIntegration(file) && !ownProcessMarker.test(readFileSync(file, 'utf8')),
    )
  : [];
const isolated = files.filter((file) => !shared.includes(file));

const baseArgs = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 120000}`,
];
let failed = false;
if (shared.length > 0) {
  // --test-force-exit: a handle one file leaks must not keep the shared process (and CI) waiting.
  const run = spawnSync(
    process.execPath,
    [...baseArgs, '--test-isolation=none', '--test-force-exit', ...shared],
    { stdio: 'inherit' },
  );
  failed ||= run.status !== 0;
}
if (isolated.length > 0) {
  const run = spawnSync(process.execPath, [...baseArgs, ...isolated], { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
