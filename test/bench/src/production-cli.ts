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

/**
 * The V8 settings the deployment docs recommend for service processes: a small young
 * generation (Node 20 defaults to 16 MiB semi-spaces, which a busy worker fills and keeps).
 */
export const SERVICE_NODE_FLAGS = ['--max-semi-space-size=4'];
