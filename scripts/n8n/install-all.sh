#!/usr/bin/env bash
# Installs everything the end-to-end tests need into .cache/ (once; later runs are instant):
# n8n $N8N_OLD_VERSION on the machine's Node 20, Node $NODE24_VERSION, and n8n $N8N_NEW_VERSION on it.
# The old one goes first: the new one may reuse its sqlite3 build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# shellcheck source=versions.env
source "$ROOT/scripts/n8n/versions.env"
start=$(date +%s)
bash "$ROOT/scripts/n8n/install-n8n.sh" "$N8N_OLD_VERSION" "$(command -v node)" >/dev/null
node24=$(bash "$ROOT/scripts/n8n/install-node24.sh" "$NODE24_VERSION")
bash "$ROOT/scripts/n8n/install-n8n.sh" "$N8N_NEW_VERSION" "$node24" >/dev/null
echo "n8n $N8N_OLD_VERSION (node $(node --version)) and n8n $N8N_NEW_VERSION (node $("$node24" --version)) ready in $(( $(date +%s) - start ))s" >&2
