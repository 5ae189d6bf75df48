#!/usr/bin/env node
// Assembles what one container image needs at run time: the CLI bundle (services/cli/dist, built
// by `npm run build -w akv-replicator`) plus only the third-party packages the target's code
// path can import, copied with the same relative layout as the repository so Node resolves
// exactly as it does here. Used by deploy/docker/Dockerfile's build stage and by
// test/deploy's integration test (which runs a service from the assembled tree).
//
//   node deploy/docker/runtime-tree.mjs --target replicator --out /out/replicator [--hardlink]
//
// Why not `npm ci -w <service>`: every service runs through the CLI, whose package.json lists
// all services (and the emulator behind `up --local`), so a workspace-focused install pulls
// everything. Here the roots are the CLI's own dependencies minus the services the target does
// not run.
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Service name (as `up --services` takes it) → its workspace package. */
export const SERVICE_PACKAGES = {
  ingress: '@akv-replicator/ingress',
  discovery: '@akv-replicator/discovery',
  replicator: '@akv-replicator/replicator',
  'certificate-converter': '@akv-replicator/certificate-converter',
  notifier: '@akv-replicator/notifier',
};
const EMULATOR_PACKAGE = '@akv-replicator/keyvault-emulator';
/** Needed to build or to run the TypeScript sources, never by the bundle. */
const BUILD_ONLY = new Set(['tsx', 'esbuild']);
export const TARGETS = [...Object.keys(SERVICE_PACKAGES), 'emulator'];
const CLI_DIR = 'services/cli';

const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));

/** Workspace package name → its directory (relative to the repository root). */
function workspaces(root) {
  const found = new Map();
  for (const pattern of readJson(join(root, 'package.json')).workspaces) {
    if (!pattern.endsWith('/*')) throw new Error(`unsupported workspace pattern ${pattern}`);
    const parent = pattern.slice(0, -2);
    for (const entry of readdirSync(join(root, parent))) {
      const manifest = join(root, parent, entry, 'package.json');
      if (existsSync(manifest)) found.set(readJson(manifest).name, `${parent}/${entry}`);
    }
  }
  return found;
}

/** The packages the target's code path imports first: workspace and third-party names. */
export function targetRoots(root, target) {
  const cli = readJson(join(root, CLI_DIR, 'package.json'));
  const all = Object.keys(cli.dependencies ?? {});
  if (target === 'emulator') {
    // `akv-replicator emulator` loads the command tree (commander) and the emulator only.
    return ['commander', EMULATOR_PACKAGE];
  }
  const own = SERVICE_PACKAGES[target];
  if (!own) throw new Error(`unknown target "${target}"; choose from ${TARGETS.join(', ')}`);
  const skipped = new Set([
    ...Object.values(SERVICE_PACKAGES).filter((name) => name !== own),
    EMULATOR_PACKAGE,
    ...BUILD_ONLY,
  ]);
  return all.filter((name) => !skipped.has(name));
}

/** Directory of `name` as Node finds it from `fromDir` (walking up node_modules folders). */
function resolvePackageDir(root, fromDir, name) {
  for (let dir = resolve(root, fromDir); ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return relative(root, candidate);
    if (resolve(dir) === resolve(root) || dirname(dir) === dir) return undefined;
  }
}

/**
 * Every package directory the target needs: workspace packages are followed through their
 * `dependencies` (the bundle inlines them, so they are not copied); third-party packages are
 * resolved from the CLI's directory, where the bundle runs, then through their own
 * dependencies, optional and peer dependencies that are installed.
 */
export function runtimePackages(root, target) {
  const workspaceDirs = workspaces(root);
  // Inlined into the bundle by services/cli/build.mjs: nothing to copy.
  const bundled = new Set(
    Object.keys(readJson(join(root, CLI_DIR, 'package.json')).bundledThirdParty ?? {}),
  );
  const packages = new Set();
  const seenWorkspaces = new Set();
  const pending = targetRoots(root, target).map((name) => ({
    name,
    from: CLI_DIR,
    required: true,
  }));
  while (pending.length > 0) {
    const { name, from, required } = pending.pop();
    if (workspaceDirs.has(name)) {
      if (seenWorkspaces.has(name)) continue;
      seenWorkspaces.add(name);
      const manifest = readJson(join(root, workspaceDirs.get(name), 'package.json'));
      for (const dependency of Object.keys(manifest.dependencies ?? {}))
        if (!BUILD_ONLY.has(dependency))
          pending.push({ name: dependency, from: CLI_DIR, required: true });
      continue;
    }
    // Type declarations are never loaded at run time (some packages list them as dependencies).
    if (name.startsWith('@types/') || bundled.has(name)) continue;
    const dir = resolvePackageDir(root, from, name);
    if (!dir) {
      if (required)
        throw new Error(`${name} (needed from ${from}) is not installed: run npm ci first`);
      continue;
    }
    if (packages.has(dir)) continue;
    packages.add(dir);
    const manifest = readJson(join(root, dir, 'package.json'));
    for (const dependency of Object.keys(manifest.dependencies ?? {}))
      pending.push({ name: dependency, from: dir, required: true });
    for (const dependency of Object.keys(manifest.optionalDependencies ?? {}))
      pending.push({ name: dependency, from: dir, required: false });
    for (const dependency of Object.keys(manifest.peerDependencies ?? {}))
      pending.push({ name: dependency, from: dir, required: false });
  }
  return [...packages].sort();
}

/** Copies (or hard-links) a directory, leaving out nested node_modules: those are packages of their own. */
function copyTree(source, destination, hardlink) {
  mkdirSync(destination, { recursive: true });
  for (const entry of readdirSync(source, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const from = join(source, entry.name);
    const to = join(destination, entry.name);
    if (entry.isDirectory()) copyTree(from, to, hardlink);
    else if (entry.isSymbolicLink()) {
      // Packages rarely ship symlinks; copy what they point at so the image holds no dangling link.
      if (statSync(from).isDirectory()) copyTree(from, to, hardlink);
      else copyFileSync(from, to);
    } else if (hardlink) {
      try {
        linkSync(from, to);
      } catch {
        copyFileSync(from, to);
      }
    } else copyFileSync(from, to);
  }
}

/**
 * Every relative import between the bundle's files resolves inside `dist`: a bundle copied while
 * `npm run build` rewrites it (or a partial one) would fail only when the service starts.
 */
export function checkBundleComplete(dist) {
  for (const file of readdirSync(dist).filter((name) => name.endsWith('.js'))) {
    const source = readFileSync(join(dist, file), 'utf8');
    for (const match of source.matchAll(
      /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.\/[^"']+)["']/g,
    ))
      if (!existsSync(join(dist, match[1])))
        throw new Error(
          `incomplete bundle: ${file} imports ${match[1]}, which is missing (was it being rebuilt?)`,
        );
  }
}

/** Writes the target's runtime tree to `out`; returns what it holds. */
export function assembleRuntimeTree(root, target, out, { hardlink = false } = {}) {
  const dist = join(root, CLI_DIR, 'dist', 'main.js');
  if (!existsSync(dist))
    throw new Error(`${dist} is missing: run npm run build -w akv-replicator first`);
  const packages = runtimePackages(root, target);
  rmSync(out, { recursive: true, force: true });
  copyTree(join(root, CLI_DIR, 'dist'), join(out, CLI_DIR, 'dist'), hardlink);
  checkBundleComplete(join(out, CLI_DIR, 'dist'));
  const cli = readJson(join(root, CLI_DIR, 'package.json'));
  // Only what Node reads at run time: the bundle is ES modules.
  writeFileSync(
    join(out, CLI_DIR, 'package.json'),
    `${JSON.stringify({ name: cli.name, version: cli.version, private: true, type: 'module' }, null, 2)}\n`,
  );
  for (const dir of packages) copyTree(join(root, dir), join(out, dir), hardlink);
  return { target, packages };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const args = process.argv.slice(2);
  const option = (flag) => {
    const index = args.indexOf(flag);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const target = option('--target');
  const out = option('--out');
  const root = resolve(option('--repo') ?? join(dirname(fileURLToPath(import.meta.url)), '../..'));
  if (!target || !out) {
    console.error(
      `usage: runtime-tree.mjs --target <${TARGETS.join('|')}> --out DIR [--repo DIR] [--hardlink]`,
    );
    process.exit(2);
  }
  try {
    const result = assembleRuntimeTree(root, target, resolve(out), {
      hardlink: args.includes('--hardlink'),
    });
    console.log(`${target}: ${result.packages.length} third-party packages → ${out}`);
  } catch (error) {
    console.error(`runtime-tree: ${error.message}`);
    process.exit(1);
  }
}
