// Which decision modules a mutation run covers, and which of their files it mutates: the modules
// named on the command line, or those a change touches (`--changed <base>`, what CI runs).
import { spawnSync } from 'node:child_process';
import { matchesGlob, relative } from 'node:path';

/** @typedef {import('./modules.mjs').MutationModule} MutationModule */

/** True when `file` matches one of the globs and none of the `!`-negated ones. */
export function matchesAny(file, globs) {
  const included = globs.filter((g) => !g.startsWith('!'));
  const excluded = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return included.some((g) => matchesGlob(file, g)) && !excluded.some((g) => matchesGlob(file, g));
}

/**
 * The modules named (`--module a,b`), or all when none is named.
 * @param {readonly MutationModule[]} modules
 * @param {readonly string[]} names
 */
export function namedModules(modules, names) {
  const unknown = names.filter((name) => !modules.some((m) => m.name === name));
  if (unknown.length > 0) {
    throw new Error(
      `unknown module "${unknown.join('", "')}"; known: ${modules.map((m) => m.name).join(', ')}`,
    );
  }
  return names.length ? modules.filter((m) => names.includes(m.name)) : [...modules];
}

/**
 * The files (relative to the repository root) that differ between `base` and the working tree,
 * deleted files left out (there is nothing left to mutate). Throws when `base` is not a commit
 * of this clone — a shallow clone has no HEAD~1 — rather than reading "nothing changed".
 */
export function changedFiles(root, base) {
  const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const resolved = git('rev-parse', '--verify', '--quiet', `${base}^{commit}`);
  if (resolved.status !== 0) {
    throw new Error(
      `mutation testing: base "${base}" is not a commit in ${root} (a shallow clone has no history: fetch it, or name another base)`,
    );
  }
  const diff = git('diff', '--name-only', '--no-renames', '--diff-filter=d', base, '--');
  if (diff.status !== 0) throw new Error(`git diff ${base}: ${diff.stderr.trim()}`);
  return diff.stdout.split('\n').filter(Boolean);
}

/**
 * The modules a change touches, each with what to mutate: only the changed source files, or
 * the whole module when one of its unit-tier tests changed (new or changed tests can move every
 * mutant's fate; integration tests never run under mutation). A module none of whose files
 * changed is left out.
 * @param {readonly MutationModule[]} modules
 * @param {readonly string[]} files changed files, relative to the repository root
 * @returns {MutationModule[]}
 */
export function modulesTouchedBy(modules, files) {
  return modules.flatMap((m) => {
    const inWorkspace = files
      .filter((f) => f.startsWith(`${m.workspace}/`))
      .map((f) => relative(m.workspace, f));
    if (inWorkspace.some((f) => isUnitTest(f) && matchesAny(f, m.tests))) return [m];
    const sources = inWorkspace.filter((f) => matchesAny(f, m.mutate));
    return sources.length ? [{ ...m, mutate: sources }] : [];
  });
}

/**
 * Integration tests (`*.int.test.ts`) start an emulator or a broker, and a mutation run starts
 * each covering test file once per mutant: far too slow, so a module runs its unit tier only.
 */
export function isUnitTest(file) {
  return !file.endsWith('.int.test.ts');
}
