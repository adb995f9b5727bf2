#!/usr/bin/env bash
# npm run test:mutation: Stryker over nodes/transfer and nodes/shared (stryker.config.json).
# Stryker's jest runner runs jest once per mutant, and jest's global setup would start a radosgw for
# every one of those runs: one radosgw is started here for the whole run (unless CRM_TEST_S3_JSON
# already points at one) and stopped by pid at the end. Extra arguments go to `stryker run`
# (e.g. `--mutate nodes/transfer/retry.ts`). Runs niced: it is meant for a shared machine.
# MUTATION_TESTS=unit runs only tests that need no S3 (jest.mutation.config.js): no radosgw then.
set -euo pipefail
cd "$(dirname "$0")/../.."

started=""
if [[ "${MUTATION_TESTS:-}" != unit ]] && [[ -z "${CRM_TEST_S3_JSON:-}" || ! -f "${CRM_TEST_S3_JSON}" ]]; then
	bash test/rig/radosgw.sh install
	parent="$(mktemp -d "${TMPDIR:-/tmp}/crm-mutation-s3-XXXXXX")"
	started="$parent/rgw"
	bash test/rig/radosgw.sh start "$started" > /dev/null
	export CRM_TEST_S3_JSON="$started/s3.json"
	trap 'bash test/rig/radosgw.sh stop "$started" > /dev/null; rm -rf "$parent"' EXIT
fi

nice -n 10 npx stryker run "$@"
