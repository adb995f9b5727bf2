#!/usr/bin/env bash
# Debian's Chromium for the browser test (test/browser/), installed only when missing, like
# test/rig/radosgw.sh installs Ceph. playwright-core drives it (no browser download of its own).
#
#   chromium.sh install    install the Debian package if /usr/bin/chromium is missing
set -euo pipefail

CHROMIUM=/usr/bin/chromium

log() { printf 'chromium.sh: %s\n' "$*" >&2; }

cmd_install() {
	[ -x "$CHROMIUM" ] && return 0
	log "missing $CHROMIUM; installing Debian's chromium"
	local sudo=()
	[ "$(id -u)" -eq 0 ] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
	[ -x "$CHROMIUM" ] || { log "$CHROMIUM still missing after install"; exit 1; }
}

case "${1:-}" in
	install) cmd_install ;;
	*) sed -n 's/^#   chromium.sh/chromium.sh/p' "$0" >&2; exit 2 ;;
esac
