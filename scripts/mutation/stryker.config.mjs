// StrykerJS configuration for one decision module (see modules.mjs), run by run.mjs with the
// module's workspace as working directory. run.mjs passes the module in MUTATION_MODULE (JSON),
// so one configuration serves every module.
import { resolve } from 'node:path';

const module = JSON.parse(process.env.MUTATION_MODULE ?? 'null');
if (!module) throw new Error('MUTATION_MODULE is not set: run `npm run test:mutation`');
const reports = resolve(import.meta.dirname, '../../reports/mutation');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  plugins: ['@stryker-mutator/tap-runner', '@stryker-mutator/typescript-checker'],
  mutate: module.mutate,
  tap: {
    testFiles: module.tests,
    // node:test prints TAP with this reporter; tsx loads the (mutated) TypeScript sources.
    nodeArgs: ['--import', 'tsx', '--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  // Drops mutants the compiler rejects before any test runs for them (cheaper than a test run).
  checkers: module.typeCheck === false ? [] : ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // Per test file: a mutant runs only the test files that reached it in the dry run.
  coverageAnalysis: 'perTest',
  // Two cores shared by several engineers: one test process at a time unless told otherwise.
  concurrency: Number(process.env.MUTATION_CONCURRENCY ?? 1),
  // A mutant that loops is cut off after 3x its test files' dry-run time + 20 s: room for a
  // loaded machine without spending a minute on every endless loop.
  timeoutMS: 20_000,
  timeoutFactor: 3,
  // The initial run of every test file once: StrykerJS gives up after 5 min by default, which
  // a module with a dozen test files overran at load 30 on the 2-core machine.
  dryRunTimeoutMinutes: Number(process.env.MUTATION_DRY_RUN_TIMEOUT_MINUTES ?? 30),
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `${reports}/${module.name}.html` },
  jsonReporter: { fileName: `${reports}/${module.name}.json` },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  // run.mjs applies the 90 % target per module (it also knows which modules ran).
  thresholds: { high: 95, low: 90, break: null },
};
