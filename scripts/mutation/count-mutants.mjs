// How many mutants a run would make, counted by StrykerJS's own instrumenter before anything
// runs (a few seconds), so that a bounded run (CI) can decline one that would not fit.
import { globSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';

/** @typedef {import('./modules.mjs').MutationModule} MutationModule */

const quiet = () => {};
/** The instrumenter logs through Stryker's logger; only its warnings and errors matter here. */
const logger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
  trace: quiet,
  debug: quiet,
  info: quiet,
  warn: (...args) => console.warn(...args),
  error: (...args) => console.error(...args),
  fatal: (...args) => console.error(...args),
};

/**
 * The files a module mutates, relative to its workspace: its `mutate` globs expanded, minus the
 * `!`-negated ones (the same reading StrykerJS gives them).
 * @param {string} root repository root
 * @param {MutationModule} module
 */
export function filesToMutate(root, module) {
  const cwd = join(root, module.workspace);
  const included = module.mutate.filter((g) => !g.startsWith('!'));
  const excluded = module.mutate.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return [...new Set(globSync(included, { cwd, exclude: excluded }))].sort();
}

/**
 * Mutants per module as StrykerJS makes them (its default mutators, before the type checker
 * drops the ones that would not compile: an upper bound of what runs).
 * @param {string} root repository root
 * @param {readonly MutationModule[]} modules
 * @returns {Promise<{ name: string, files: number, mutants: number }[]>}
 */
export async function countMutants(root, modules) {
  const instrumenter = new Instrumenter(logger);
  const counts = [];
  for (const module of modules) {
    const files = filesToMutate(root, module).map((name) => ({
      name,
      content: readFileSync(join(root, module.workspace, name), 'utf8'),
      mutate: true,
    }));
    const { mutants } = files.length
      ? await instrumenter.instrument(files, { plugins: null, excludedMutations: [], ignorers: [] })
      : { mutants: [] };
    counts.push({ name: module.name, files: files.length, mutants: mutants.length });
  }
  return counts;
}
