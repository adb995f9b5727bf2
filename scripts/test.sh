#!/usr/bin/env bash
# The test command (npm test): installs what the tests need, builds, and runs every suite
# against a real S3 (Ceph radosgw on 127.0.0.1, started by jest's global setup), including the
# end-to-end suite in real n8n 2.8.4 (Node 20) and the newest installable n8n (Node 24), and the
# browser test (Debian's Chromium driving npm start's n8n).
set -euo pipefail
cd "$(dirname "$0")/.."

bash test/rig/radosgw.sh install
bash test/browser/chromium.sh install
[ -d node_modules ] || npm ci
# The real n8n versions the end-to-end suite runs in (cached outside the work tree; instant when present).
bash scripts/n8n/install-all.sh
npm run build
# The e2e suite packs what was just built.
export CRM_E2E_SKIP_BUILD=1

report=$(mktemp)
status=0
npx jest --json --outputFile="$report" "$@" || status=$?
# One plain closing line that any CI reader understands.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed`);
if (r.numTotalTests === 0) process.exitCode = 1;
' "$report" || status=1
rm -f "$report"
exit "$status"
