#!/usr/bin/env bash
# Installs Node.js 24 from the npm registry (the `node` package, which installs the official
# binary for this platform as `node-<os>-<arch>`) into .tools/node24/<version>, once per version,
# and prints the shell lines that put it first on PATH:
#
#   eval "$(scripts/use-node24.sh)"
#
# Why the registry: the machines here and in CI ship Node 20 (end of life) and reach only the npm
# registry and Debian's packages; Debian has no Node 24. The npm on PATH stays the machine's, run
# by the new node (npm is plain JavaScript).
#
# NODE24_VERSION=24.x.y pins a version (default: the newest 24.x the registry lists; offline, the
# newest one already installed). Progress goes to stderr; stdout carries only the export lines.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools/node24"

newest_installed() {
  [ -d "$tools" ] || return 0
  for dir in "$tools"/24.*; do
    [ -x "$dir/node_modules/node/bin/node" ] && basename "$dir"
  done | sort -t. -k2,2n -k3,3n | tail -n 1
}

version="${NODE24_VERSION:-}"
if [ -z "$version" ]; then
  # `npm view node@24 version --json` lists every 24.x release, oldest first.
  if listed="$(npm view node@24 version --json 2>/dev/null)"; then
    version="$(printf '%s' "$listed" | node -e '
      const v = JSON.parse(require("fs").readFileSync(0, "utf8"));
      const all = (Array.isArray(v) ? v : [v]).filter((x) => /^24\.\d+\.\d+$/.test(x));
      const key = (x) => x.split(".").map(Number);
      all.sort((a, b) => key(a)[1] - key(b)[1] || key(a)[2] - key(b)[2]);
      process.stdout.write(all.at(-1) ?? "");
    ')"
  fi
  [ -n "$version" ] || version="$(newest_installed)"
  if [ -z "$version" ]; then
    echo "use-node24: the registry lists no node@24 and none is installed in $tools" >&2
    exit 1
  fi
fi
case "$version" in
  24.*.*) ;;
  *) echo "use-node24: NODE24_VERSION must be 24.x.y (got \"$version\")" >&2; exit 2 ;;
esac

dir="$tools/$version"
bin="$dir/node_modules/node/bin/node"
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$version" ]; then
  echo "use-node24: installing node@$version from the npm registry into ${dir#"$root"/}" >&2
  rm -rf "$dir.partial"
  mkdir -p "$dir.partial"
  # --prefix with no package.json there: npm would otherwise walk up to the monorepo's root.
  # The package's preinstall script fetches the platform binary (node-<os>-<arch>) as a package.
  echo '{"private":true}' >"$dir.partial/package.json"
  npm install --prefix "$dir.partial" "node@$version" \
    --no-save --no-package-lock --no-audit --no-fund --loglevel=error >&2
  if [ "$("$dir.partial/node_modules/node/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    echo "use-node24: node@$version installed no working binary (did npm skip install scripts?)" >&2
    exit 1
  fi
  rm -rf "$dir"
  mv "$dir.partial" "$dir"
  bin="$dir/node_modules/node/bin/node"
fi

bindir="$(dirname "$bin")"
# The binary package also carries Node's headers: native addons that npm builds (node-gyp) must
# be compiled against the node that loads them, not against the machine's Node 20 headers.
echo "export PATH=\"$bindir:\$PATH\""
for headers in "$dir"/node_modules/node/node_modules/node-*-* "$dir"/node_modules/node-*-*; do
  if [ -f "$headers/include/node/node_version.h" ]; then
    echo "export npm_config_nodedir=\"$headers\""
    break
  fi
done
