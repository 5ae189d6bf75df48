#!/usr/bin/env node
// `npm test` — README's test command. Without arguments it runs every workspace's tests
// through Turborepo, as CI does. With arguments it is the inner loop of a contributor:
//
//   npm test -- converge-secret                 test files whose path contains "converge-secret"
//   npm test -- services/discovery              every test file of that workspace
//   npm test -- libs/core/src/config/load-config.test.ts
//   npm test -- --watch services/discovery      re-run on every change (Node's --watch)
//
// An argument is a path (a workspace folder, a folder or a test file) or, when no such path
// exists, a case-sensitive substring of test file paths. Matching files run in their own
// workspace (so tsconfig and fixtures resolve as in CI), one workspace after the other.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findTestFiles } from './test-files.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);

if (args.length === 0) {
  const turbo = spawnSync('npx', ['turbo', 'run', 'test', '--concurrency=1', '--continue'], {
    cwd: root,
    stdio: 'inherit',
  });
  process.exit(turbo.status ?? 1);
}

const watch = args.includes('--watch');
const selectors = args.filter((arg) => arg !== '--watch');
const unknownFlag = selectors.find((arg) => arg.startsWith('-'));
if (unknownFlag) {
  console.error(`npm test: unknown option ${unknownFlag} (only --watch and paths or patterns)`);
  process.exit(2);
}

/** Every workspace folder (relative to the root), from the root package.json's globs. */
function workspaces() {
  const { workspaces: globs } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const found = [];
  for (const glob of globs) {
    const parent = join(root, glob.replace(/\/\*$/, ''));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent)) {
      const folder = join(parent, entry);
      if (existsSync(join(folder, 'package.json'))) found.push(relative(root, folder));
    }
  }
  return found.sort();
}

const allFiles = workspaces().flatMap((workspace) =>
  findTestFiles(join(root, workspace)).map((file) => ({ workspace, file: relative(root, file) })),
);

const chosen = allFiles.filter(({ file }) =>
  (selectors.length === 0 ? [''] : selectors).some((selector) => {
    const asPath = relative(root, resolve(process.env.INIT_CWD ?? root, selector));
    if (existsSync(join(root, asPath)) && !asPath.startsWith('..'))
      return file === asPath || file.startsWith(`${asPath}/`);
    return file.includes(selector);
  }),
);

if (chosen.length === 0) {
  console.error(`npm test: no test file matches ${selectors.map((s) => `"${s}"`).join(', ')}`);
  process.exit(1);
}

const byWorkspace = new Map();
for (const { workspace, file } of chosen) {
  byWorkspace.set(workspace, [...(byWorkspace.get(workspace) ?? []), file]);
}
if (watch && byWorkspace.size > 1) {
  console.error(
    `npm test -- --watch: the files match ${byWorkspace.size} workspaces (${[...byWorkspace.keys()].join(', ')}); name one`,
  );
  process.exit(2);
}

let failed = false;
for (const [workspace, files] of byWorkspace) {
  console.log(`\n== ${workspace}: ${files.length} test file(s)${watch ? ' (watching)' : ''}`);
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--test',
      ...(watch ? ['--watch'] : []),
      '--test-reporter=spec',
      `--test-timeout=${process.env.TEST_TIMEOUT_MS ?? 120000}`,
      ...files.map((file) => relative(workspace, file)),
    ],
    { cwd: join(root, workspace), stdio: 'inherit' },
  );
  if (run.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
