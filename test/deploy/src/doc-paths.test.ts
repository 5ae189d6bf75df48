import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The docs send readers to files (the tests that hold each principle, where to change what, the
// ADRs' subjects). When code moves, a stale path sends a newcomer nowhere (issue #19): every
// file path the docs name must exist.
const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PATH = /\b(?:libs|services|test|scripts|deploy|docs)\/[\w./-]*\.(?:ts|mjs|md|yaml|json)\b/g;

function markdownFiles(): string[] {
  const inFolder = (folder: string) =>
    readdirSync(join(ROOT, folder))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `${folder}/${name}`);
  const packageReadmes = ['libs', 'services', 'test'].flatMap((dir) =>
    readdirSync(join(ROOT, dir))
      .map((name) => `${dir}/${name}/README.md`)
      .filter((path) => existsSync(join(ROOT, path))),
  );
  return ['README.md', ...inFolder('docs'), ...inFolder('docs/adr'), ...packageReadmes];
}

describe('paths named in the documentation', () => {
  it('finds the documents and paths in them (the scan itself works)', () => {
    const architecture = readFileSync(join(ROOT, 'docs/architecture.md'), 'utf8');
    assert.ok((architecture.match(PATH) ?? []).length > 10);
  });

  it('every file path named in README, docs/ and the package READMEs exists', () => {
    const missing = markdownFiles().flatMap((doc) =>
      [...new Set(readFileSync(join(ROOT, doc), 'utf8').match(PATH) ?? [])]
        .filter((path) => !path.includes('*') && !existsSync(join(ROOT, path)))
        .map((path) => `${doc}: ${path}`),
    );
    assert.deepEqual(missing, []);
  });
});
