// Bundles the CLI and the workspace packages it uses into dist/ (third-party packages stay in
// node_modules): production runs plain JavaScript, without tsx transpiling at run time.
import { build } from 'esbuild';

const workspacePackage = /^(@akv-replicator\/|akv-replicator$)/;
await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'third-party-external',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) =>
          workspacePackage.test(args.path) ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});
