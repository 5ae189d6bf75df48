// Bundles the CLI and the workspace packages it uses into dist/ (third-party packages stay in
// node_modules): production runs plain JavaScript, without tsx transpiling at run time.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const workspacePackage = /^(@akv-replicator\/|akv-replicator$)/;
// Inlined CommonJS code requires Node's built-ins; ES module output has no `require`.
const requireBanner =
  "import { createRequire as __akvrCreateRequire } from 'node:module'; const require = __akvrCreateRequire(import.meta.url);";

// Third-party packages shipped as one minified file each in dist/vendor, holding only the
// exports our code imports (package.json `bundledThirdParty`: name → exports; a test checks the
// list against the sources; the image builder skips these packages). @kubernetes/client-node
// loaded as its ~2,000 ES modules costs a process about 78 MiB of RSS, as one minified file of
// what we use about 19 MiB (docs/benchmarks.md, memory-certificate-converter). Our own code stays
// unminified, so its stack traces stay readable.
const { bundledThirdParty } = JSON.parse(readFileSync('package.json', 'utf8'));
const vendored = Object.keys(bundledThirdParty);
const vendorFile = (name) => `vendor/${name.replace(/^@/, '').replace(/\//g, '-')}.js`;
for (const [name, exports] of Object.entries(bundledThirdParty)) {
  await build({
    stdin: {
      contents: `export { ${exports.join(', ')} } from '${name}';`,
      resolveDir: '.',
      loader: 'js',
    },
    outfile: `dist/${vendorFile(name)}`,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    banner: { js: requireBanner },
    logLevel: 'warning',
  });
}

await build({
  entryPoints: ['src/main.ts'],
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  sourcemap: 'linked',
  logLevel: 'warning',
  plugins: [
    {
      name: 'third-party-external',
      setup(build) {
        build.onResolve({ filter: /^[^./]/ }, (args) => {
          if (workspacePackage.test(args.path)) return undefined;
          if (vendored.includes(args.path))
            return { path: `./${vendorFile(args.path)}`, external: true };
          if (vendored.some((name) => args.path.startsWith(`${name}/`)))
            return {
              errors: [
                {
                  text: `${args.path}: import ${args.path.split('/dist/')[0]} itself (vendored as one file)`,
                },
              ],
            };
          return { path: args.path, external: true };
        });
      },
    },
  ],
});
