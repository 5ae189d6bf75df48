// Lint: typed rules that catch what the house style forbids (floating promises, default
// exports, import cycles) on every workspace's TypeScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Every import: a package's entry, never its src (house rule 11).
const NO_DEEP_IMPORTS = {
  group: ['@akv-replicator/*/src/*'],
  message: 'import the package entry, not its src',
};

// The workspaces under test/ (test kit, e2e, brokers and doubles no user runs), read from disk
// so a new one is covered without touching this file.
const TEST_WORKSPACES = readdirSync(join(import.meta.dirname, 'test'))
  .map((dir) => join(import.meta.dirname, 'test', dir, 'package.json'))
  .filter((manifest) => existsSync(manifest))
  .map((manifest) => JSON.parse(readFileSync(manifest, 'utf8')).name);

// House rule 1 (issue #19): production code never depends on test code — not on a workspace
// under test/, not on a library's `…/testing` entry point (the bus contract suite is one), and not
// on a testing/ folder by relative path.
const NO_TEST_CODE_IN_PRODUCTION = [
  {
    group: TEST_WORKSPACES.flatMap((name) => [name, `${name}/*`]),
    message: 'production code must not import a workspace under test/ (house rule 1)',
  },
  {
    group: ['**/testing', '**/testing/**'],
    message: 'production code must not import a …/testing entry point or folder (house rule 1)',
  },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.turbo/**',
      '**/.stryker-tmp/**',
      '.tmp/**',
      'reports/**',
      'bench/results/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.ts', '*/*/bench/*.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({
          noWarnOnMultipleProjects: true,
          project: ['libs/*/tsconfig.json', 'services/*/tsconfig.json', 'test/*/tsconfig.json'],
        }),
      ],
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'import-x/no-default-export': 'error',
      'import-x/no-cycle': ['error', { maxDepth: 10 }],
      'no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS] }],
    },
  },
  {
    // Production files: libraries and services, except their tests, test kits and benchmarks.
    files: ['libs/**/*.ts', 'services/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**', '**/bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [NO_DEEP_IMPORTS, ...NO_TEST_CODE_IN_PRODUCTION] },
      ],
    },
  },
  {
    // Tests may leave a promise to node:test's describe/it.
    files: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', name: ['describe', 'it', 'test', 'suite'], package: 'node:test' },
          ],
        },
      ],
    },
  },
);
