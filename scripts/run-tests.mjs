#!/usr/bin/env node
// Runs one workspace's tests with Node's built-in test runner, TypeScript loaded by tsx.
// Tiers by suffix (STYLE.md rule 10): `*.test.ts` unit, `*.int.test.ts` needs a real broker or
// emulator. TEST_TIER=unit|int|all (default all) picks which; CI runs all of them.
// TEST_FILES=<regular expression> keeps only the test files whose path matches it (the date check
// runs the calendar-sensitive integration files this way).
import { spawnSync } from 'node:child_process';
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

const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 120000}`,
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
