#!/usr/bin/env bash
# End-to-end test in REAL n8n (default 2.41.1), offline except for the npm registry.
#
#   .ci/e2e-n8n.sh            # from anywhere; uses the repository this script is in
#
# 1. Installs n8n once into a cache folder outside the repository (.ci/e2e/install-n8n.sh):
#    ${N8N_E2E_CACHE:-$HOME/.cache/n8n-e2e/<version>}; reruns reuse it.
# 2. Builds this package, `npm pack`s it and installs the tarball the way n8n's community
#    installer does (n8n 2.41 CommunityPackagesService.downloadPackage): unpack into
#    <N8N_USER_FOLDER>/.n8n/nodes/node_modules/<name>, drop devDependencies, peerDependencies and
#    optionalDependencies from package.json, `npm install --install-strategy=shallow
#    --ignore-scripts=true` inside it.
# 3. Loads the package with n8n-core's own loader and checks icons, codex and every example
#    workflow's parameters against the node types of that n8n (test/e2e/check-package.ts).
# 4. Starts the fake provider (test/fake) on 127.0.0.1, imports the credentials (pointing at it)
#    and the manual-trigger example workflows (examples/e2e, placeholders replaced by
#    test/e2e/prepare.ts), runs each with `n8n execute --id=<id> --rawOutput` in binary data mode
#    filesystem, then again in mode database, and checks the files they wrote and the execution
#    data (test/e2e/check-outputs.ts): decodable images of the expected size, measured effects,
#    reproducible seeds, and deterministic results bit-identical between the two runs.
#
# Environment: N8N_E2E_CACHE (install folder), N8N_E2E_VERSION (default 2.41.1),
# N8N_E2E_MODES (default "filesystem database"), E2E_KEEP=1 keeps the temp folder.
# Needs python3, make and g++ the first time (n8n's sqlite3 is compiled for Node 24).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
version=${N8N_E2E_VERSION:-2.41.1}
cache=${N8N_E2E_CACHE:-$HOME/.cache/n8n-e2e/$version}
modes=${N8N_E2E_MODES:-filesystem database}
t0=$(date +%s)
log() { printf '[e2e %4ss] %s\n' "$(($(date +%s) - t0))" "$*"; }

npm run -s node24
# Node 24 (the repository's `node` dev dependency) for n8n, npm and the helpers.
export PATH="$repo/node_modules/node/bin:$PATH"

# 1. n8n, cached -----------------------------------------------------------------------------
log "n8n $version in $cache"
.ci/e2e/install-n8n.sh "$cache" "$repo"
t_install=$(($(date +%s) - t0))
n8n="$cache/node_modules/.bin/n8n"

work=$(mktemp -d "${TMPDIR:-/tmp}/n8n-e2e.XXXXXX")
fake_pid=
cleanup() {
	local status=$?
	if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; wait "$fake_pid" 2>/dev/null || true; fi
	# A failed run keeps its folder (logs, workflows, outputs) for a look.
	if [ "${E2E_KEEP:-}" = 1 ] || [ "$status" != 0 ]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# 2. Build, pack, install as n8n's community installer does --------------------------------
t=$(date +%s)
npm run -s build
tarball=$(npm pack --silent --pack-destination "$work" | tail -n 1)
name=$(node -p 'require("./package.json").name')
pkg_version=$(node -p 'require("./package.json").version')
nodes_dir="$work/home/.n8n/nodes"
pkg_dir="$nodes_dir/node_modules/$name"
mkdir -p "$pkg_dir"
tar -xzf "$work/$tarball" -C "$pkg_dir" --strip-components=1
node -e '
	const fs = require("fs");
	const file = process.argv[1];
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(fs.readFileSync(file, "utf8"));
	fs.writeFileSync(file, JSON.stringify(manifest, null, 2));
' "$pkg_dir/package.json"
(cd "$pkg_dir" && npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow \
	--ignore-scripts=true --package-lock=false --loglevel=error >/dev/null)
printf '{\n  "name": "installed-nodes",\n  "private": true,\n  "dependencies": { "%s": "%s" }\n}\n' \
	"$name" "$pkg_version" >"$nodes_dir/package.json"
log "built, packed and installed $tarball ($(du -sh "$pkg_dir" | cut -f1) with dependencies) in $(($(date +%s) - t)) s"

# 3. Helpers (TypeScript) and the package as n8n loads it -------------------------------------
npx tsc -p test/e2e/tsconfig.json
helpers="$repo/node_modules/.cache/consistent-image-edit/e2e/test/e2e"
node "$helpers/check-package.js" "$cache/node_modules" "$pkg_dir" examples "$work/package-report.json"

# 4. Fake provider, credentials, workflows --------------------------------------------------
node "$helpers/fake-server.js" "$work/fake-url" >"$work/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 100); do [ -s "$work/fake-url" ] && break; sleep 0.1; done
[ -s "$work/fake-url" ] || { cat "$work/fake.log"; echo "fake provider did not start" >&2; exit 1; }
fake_url=$(cat "$work/fake-url")
log "fake provider at $fake_url"
node "$helpers/prepare.js" examples/e2e test/fixtures/photos "$work" "$fake_url" "$work/package-report.json" >"$work/workflows.txt"

export N8N_USER_FOLDER="$work/home"
export N8N_ENCRYPTION_KEY="e2e-$(node -p 'require("crypto").randomBytes(12).toString("hex")')"
export N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false N8N_TEMPLATES_ENABLED=false
export N8N_PERSONALIZATION_ENABLED=false
# (Not N8N_LOG_LEVEL=warn: `execute --rawOutput` prints the execution through the info-level logger.)
# n8n 2.x only lets file nodes touch ~/.n8n-files unless told otherwise.
export N8N_RESTRICT_FILE_ACCESS_TO="$work/files"
# The task broker of each `n8n execute` needs a free port.
N8N_RUNNERS_BROKER_PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
export N8N_RUNNERS_BROKER_PORT
# The SDK would read these instead of the credential.
unset GOOGLE_API_KEY GEMINI_API_KEY GOOGLE_GEMINI_BASE_URL GOOGLE_VERTEX_BASE_URL GOOGLE_APPLICATION_CREDENTIALS || true

t=$(date +%s)
"$n8n" import:credentials --input="$work/credentials.json" >"$work/import-credentials.log" 2>&1 ||
	{ cat "$work/import-credentials.log"; exit 1; }
"$n8n" import:workflow --separate --input="$work/workflows" >"$work/import-workflows.log" 2>&1 ||
	{ cat "$work/import-workflows.log"; exit 1; }
log "imported 2 credentials and $(wc -l <"$work/workflows.txt") workflows in $(($(date +%s) - t)) s"

# 5. Run in each binary data mode, check ---------------------------------------------------
total_ok=0
total_failed=0
previous=
for mode in $modes; do
	export N8N_DEFAULT_BINARY_DATA_MODE="$mode"
	mkdir -p "$work/runs/$mode"
	rm -rf "$work/files/output"
	xargs -d '\n' mkdir -p <"$work/output-folders.txt"
	while read -r id key; do
		t=$(date +%s)
		if ! "$n8n" execute --id="$id" --rawOutput </dev/null >"$work/runs/$mode/$key.json" 2>"$work/runs/$mode/$key.err"; then
			log "FAILED: $key ($mode)"
			cat "$work/runs/$mode/$key.err" "$work/runs/$mode/$key.json" | tail -n 60
			exit 1
		fi
		log "ran $key in $mode mode in $(($(date +%s) - t)) s"
		# The first run's AI edit of the pair photo becomes the approved result for replicate.
		if [ "$key" = quantified-edit ] && [ ! -f "$work/files/pair/approved.png" ]; then
			cp "$work/files/output/1-quantified-edit/coffee-edited.png" "$work/files/pair/approved.png"
		fi
	done <"$work/workflows.txt"
	mv "$work/files/output" "$work/files/output-$mode"
	set +e
	node "$helpers/check-outputs.js" "$work" "$mode" $previous | tee "$work/check-$mode.log"
	status=${PIPESTATUS[0]}
	set -e
	summary=$(grep -E '^checks: ' "$work/check-$mode.log" | tail -n 1)
	total_ok=$((total_ok + $(echo "$summary" | sed -E 's/^checks: ([0-9]+) ok.*/\1/')))
	total_failed=$((total_failed + $(echo "$summary" | sed -E 's/.* ([0-9]+) failed$/\1/')))
	[ "$status" = 0 ] || { log "checks failed in $mode mode"; exit 1; }
	previous=$mode
done

kill "$fake_pid" 2>/dev/null || true
wait "$fake_pid" 2>/dev/null || true
fake_pid=
tail -n 1 "$work/fake.log"
log "done: n8n install/check $t_install s, total $(($(date +%s) - t0)) s"
echo "e2e: $total_ok passed, $total_failed failed"
