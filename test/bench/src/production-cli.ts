import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI_DIR = fileURLToPath(new URL('../../../services/cli/', import.meta.url));
let built = false;

/**
 * The CLI as deployments run it: bundled JavaScript (`npm run build -w akv-replicator`), not
 * TypeScript through tsx. Memory figures are only meaningful in this form.
 */
export function productionCli(): [string, string] {
  if (!built) {
    execFileSync(process.execPath, ['build.mjs'], { cwd: CLI_DIR, stdio: 'inherit' });
    built = true;
  }
  return [process.execPath, `${CLI_DIR}dist/main.js`];
}
