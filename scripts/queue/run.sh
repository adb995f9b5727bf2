#!/usr/bin/env bash
# n8n's own distributed mode ("queue mode") with this package (npm run test:queue):
#
#   PostgreSQL (Debian's postgresql, a private cluster in a temp dir) + Redis (Debian's redis-server,
#   private, no persistence) + radosgw (test/rig/radosgw.sh) on 127.0.0.1, then scripts/queue/queue.ts:
#   one `n8n start` main and two `n8n worker` processes of n8n 2.8.4 (Node 20) sharing the database,
#   Redis and N8N_ENCRYPTION_KEY, binary data in database mode; a webhook workflow is called 50 times
#   with distinct random files and every file must land exactly once, uploaded by the workers.
#
# Prints one closing line "N passed, M failed" and exits non-zero on any failure. Everything it starts
# is stopped by pid on exit (also on failure or Ctrl-C). Network: 127.0.0.1 only. See docs/queue-mode.md.
#
# Environment: CRM_QUEUE_UPLOADS (default 50), CRM_QUEUE_PARALLEL (default 6), CRM_QUEUE_KEEP=1 keeps
# the temp dir (logs) after the run, CRM_E2E_SKIP_BUILD=1 packs what is already built.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
# shellcheck source=../n8n/versions.env
source "$ROOT/scripts/n8n/versions.env"

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
# How long each service may take to come up / the whole n8n part may take.
START_TIMEOUT=${CRM_QUEUE_START_TIMEOUT:-60}
RUN_TIMEOUT=${CRM_QUEUE_RUN_TIMEOUT:-900}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

log() { printf 'queue: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

sudo_=()
[ "$(id -u)" -eq 0 ] || sudo_=(sudo)

# --- Debian packages (once) ------------------------------------------------------------------------
install_packages() {
	local missing=()
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && command -v psql >/dev/null 2>&1 || missing+=(postgresql)
	command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 || missing+=(redis-server)
	[ ${#missing[@]} -gt 0 ] || return 0
	local t0=$SECONDS
	log "installing ${missing[*]} from Debian"
	"${sudo_[@]}" apt-get update -qq
	"${sudo_[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	log "installed ${missing[*]} in $((SECONDS - t0))s"
	[ -x "$PG_BIN/initdb" ] || die "no $PG_BIN/initdb after installing postgresql (set PG_BIN)"
}

free_ports() {
	"$PY" - "$1" <<'EOF'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
EOF
}

alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# wait_until DESC TEST...: poll TEST for at most START_TIMEOUT seconds.
wait_until() {
	local desc=$1 deadline=$((SECONDS + START_TIMEOUT))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# term_pid PID: TERM, wait up to 15 s, then KILL. Only for pids this script started.
term_pid() {
	local pid=$1 i
	alive "$pid" || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 150; i++)); do alive "$pid" || return 0; sleep 0.1; done
	log "pid $pid still running after 15s; killing it"
	kill -KILL "$pid" 2>/dev/null || true
}

WORK=""
RGW_DIR=""
PG_DIR=""
PG_PID=""
REDIS_PID=""
DRIVER_PID=""
as_pg=()

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	# The driver stops its n8n processes itself; if it is still here (Ctrl-C, timeout), end it and its group.
	if [ -n "$DRIVER_PID" ] && alive "$DRIVER_PID"; then
		kill -TERM "$DRIVER_PID" 2>/dev/null || true
		for ((i = 0; i < 150; i++)); do alive "$DRIVER_PID" || break; sleep 0.1; done
		alive "$DRIVER_PID" && kill -KILL "$DRIVER_PID" 2>/dev/null || true
	fi
	if [ -n "$REDIS_PID" ]; then term_pid "$REDIS_PID"; fi
	if [ -n "$PG_PID" ]; then
		"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -t 20 -w stop >/dev/null 2>&1 || true
		term_pid "$PG_PID"
	fi
	if [ -n "$RGW_DIR" ]; then bash "$ROOT/test/rig/radosgw.sh" stop "$RGW_DIR" || true; fi
	if [ -n "$WORK" ]; then
		if [ "${CRM_QUEUE_KEEP:-}" = 1 ] || [ "$status" -ne 0 ]; then
			log "logs kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

t_all=$SECONDS
install_packages
bash test/rig/radosgw.sh install
# n8n 2.8.4 on the machine's Node 20 (cached outside the work tree; instant when present).
bash scripts/n8n/install-n8n.sh "$N8N_OLD_VERSION" "$(command -v node)" >/dev/null
if [ "${CRM_E2E_SKIP_BUILD:-}" != 1 ]; then
	mkdir -p .cache
	flock .cache/e2e-build.lock npm run build >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/crm-queue-XXXXXX")
chmod 755 "$WORK"
mkdir -p "$WORK/logs"

# --- radosgw (the S3 the presigned forms point at) ---------------------------------------------------
RGW_DIR=$WORK/rgw
t0=$SECONDS
bash test/rig/radosgw.sh start "$RGW_DIR" >/dev/null
log "radosgw up in $((SECONDS - t0))s"

# --- PostgreSQL: a private cluster, trust auth on 127.0.0.1 only -------------------------------------
PG_DIR=$WORK/pg
mkdir -p "$PG_DIR/sock"
if [ "$(id -u)" -eq 0 ]; then
	# initdb and postgres refuse to run as root.
	chown -R postgres: "$PG_DIR"
	as_pg=(runuser -u postgres --)
fi
read -r PG_PORT REDIS_PORT < <(free_ports 2)
t0=$SECONDS
"${as_pg[@]}" "$PG_BIN/initdb" -D "$PG_DIR/data" -U n8n --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/logs/initdb.log" 2>&1 ||
	{ cat "$WORK/logs/initdb.log" >&2; die "initdb failed"; }
# A throwaway database: durability off, sockets inside the temp dir, TCP on 127.0.0.1 only.
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t "$START_TIMEOUT" \
	-o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$PG_DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
	start >"$WORK/logs/pg_ctl.log" 2>&1 ||
	{ cat "$WORK/logs/pg_ctl.log" "$PG_DIR/postgres.log" >&2 2>/dev/null; die "PostgreSQL did not start"; }
PG_PID=$(head -n 1 "$PG_DIR/data/postmaster.pid")
psql -h 127.0.0.1 -p "$PG_PORT" -U n8n -d postgres -qAt -c 'CREATE DATABASE n8n' >/dev/null ||
	die "could not create the n8n database"
log "PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') up on 127.0.0.1:$PG_PORT (pid $PG_PID) in $((SECONDS - t0))s"

# --- Redis: private, no persistence ------------------------------------------------------------------
t0=$SECONDS
mkdir -p "$WORK/redis"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --protected-mode yes --save '' --appendonly no \
	--dir "$WORK/redis" --daemonize no --logfile "$WORK/logs/redis.log" </dev/null >/dev/null 2>&1 &
REDIS_PID=$!
wait_until "redis" bash -c "[ \"\$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping)\" = PONG ]" ||
	{ tail -n 20 "$WORK/logs/redis.log" >&2; die "redis-server did not answer on 127.0.0.1:$REDIS_PORT in ${START_TIMEOUT}s"; }
log "Redis $(redis-server --version | sed -n 's/.* v=\([^ ]*\).*/\1/p') up on 127.0.0.1:$REDIS_PORT (pid $REDIS_PID) in $((SECONDS - t0))s"

# --- n8n main + two workers, 50 uploads, checks ----------------------------------------------------
export CRM_QUEUE_WORK=$WORK
export CRM_QUEUE_PG_PORT=$PG_PORT
export CRM_QUEUE_REDIS_PORT=$REDIS_PORT
export CRM_TEST_S3_JSON=$RGW_DIR/s3.json
export CRM_E2E_SKIP_BUILD=1
# The driver's and n8n's temp files (user folders, packed tarball) stay inside WORK.
mkdir -p "$WORK/tmp"
export TMPDIR=$WORK/tmp
status=0
timeout --signal=TERM --kill-after=20 "$RUN_TIMEOUT" \
	node -r ./test/harness/registerTs.js scripts/queue/queue.ts &
DRIVER_PID=$!
wait "$DRIVER_PID" || status=$?
DRIVER_PID=""
[ "$status" -ne 124 ] || log "the n8n part did not finish in ${RUN_TIMEOUT}s"
log "total $((SECONDS - t_all))s"
exit "$status"
