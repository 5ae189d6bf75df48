// Where a workspace's tests are: every `*.test.ts` under its `src/` and `e2e/` folders
// (STYLE.md rule 10: tests sit next to the code). Shared by `run-tests.mjs` (one workspace, as
// Turborepo runs it) and `test.mjs` (`npm test -- <pattern>` across workspaces).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) found.push(...walk(path));
    else if (entry.endsWith('.test.ts')) found.push(path);
  }
  return found;
}

/** The test files of the workspace at `workspaceDir`, sorted, as paths joined onto it. */
export function findTestFiles(workspaceDir) {
  return ['src', 'e2e'].flatMap((folder) => walk(join(workspaceDir, folder))).sort();
}
