#!/usr/bin/env bash
# lab/registry.sh — a real registry on 127.0.0.1:5000, from Debian's docker-registry package.
#
# usage: lab/registry.sh [start] | stop | status
#
#   start   a registry that answers at the address is used as is; otherwise installs
#           docker-registry when missing (apt, as root or through sudo), starts it on the address
#           with a configuration and storage of its own, and waits until its API answers.
#           Idempotent: with a registry up it takes about 0.05 s.
#   stop    stops the registry this script started at the address and removes its storage;
#           a registry it did not start is left alone.
#   status  says whether one answers, and whether this script started it.
#
# No authentication and plain HTTP: it listens on loopback only, and the engine accepts
# registries on 127.0.0.0/8 over HTTP without configuration. Deleting is enabled, so tests can
# remove a tag. The state lives in one directory (config.yml, storage/, registry.log, pid).
#
# Env:
#   LESSONPROOF_REGISTRY_ADDR  host:port, on loopback (default 127.0.0.1:5000)
#   LESSONPROOF_REGISTRY_DIR   state directory (default /var/tmp/lessonproof-registry-<port>)
#   LESSONPROOF_REGISTRY_WAIT  seconds to wait for it to answer (default 30)
set -euo pipefail

LAB_NAME=registry
LAB_ROOT_HINT="install Debian's docker-registry package first"
# shellcheck source=lab/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ADDR=${LESSONPROOF_REGISTRY_ADDR:-127.0.0.1:5000}
PORT=${ADDR##*:}
DIR=${LESSONPROOF_REGISTRY_DIR:-/var/tmp/lessonproof-registry-$PORT}
WAIT=${LESSONPROOF_REGISTRY_WAIT:-30}
# Marks a directory as this script's, so that stop never removes one it did not make.
MARK=$DIR/.lessonproof-registry

case "$ADDR" in
  127.*:[0-9]* | localhost:[0-9]*) ;;
  *) lab_say "LESSONPROOF_REGISTRY_ADDR must be a loopback host:port, like 127.0.0.1:5000 (got '$ADDR')"; exit 2 ;;
esac

# The status line and headers of GET /v2/, empty when nothing accepts the connection.
probe() { curl -sS --max-time 2 -o /dev/null -D - "http://$ADDR/v2/" 2>/dev/null || true; }

# A registry answers: GET /v2/ is 200 and says it speaks the registry API (not only some server
# on the port, and not one that wants a login).
answers() {
  local head
  head=$(probe)
  [[ "$(head -n1 <<<"$head")" == HTTP/*" 200"* ]] && grep -qi '^docker-distribution-api-version: *registry/2' <<<"$head"
}

# The pid this script recorded, when that process still runs docker-registry.
our_pid() {
  local pid
  [[ -f "$DIR/pid" ]] || return 1
  pid=$(<"$DIR/pid")
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q docker-registry || return 1
  echo "$pid"
}

status() {
  local pid
  if answers; then
    if pid=$(our_pid); then
      lab_say "up at http://$ADDR (started by lab/registry.sh, pid $pid, storage $DIR/storage)"
    else
      lab_say "up at http://$ADDR (not started by lab/registry.sh)"
    fi
  else
    lab_say "none answers at http://$ADDR"
    return 1
  fi
}

start() {
  answers && { status; return 0; }
  local head
  head=$(probe)
  if [[ -n "$head" ]]; then
    lab_say "something answers at http://$ADDR but not as an open registry ($(head -n1 <<<"$head" | tr -d '\r')):"
    lab_say "free the port, or set LESSONPROOF_REGISTRY_ADDR to another loopback address"
    exit 1
  fi

  if ! command -v docker-registry >/dev/null 2>&1; then
    lab_apt_install docker-registry
    # Where services start on install (systemd hosts without a policy-rc.d, GitHub's runners
    # among them), the package has just started its own registry on :5000, on every interface
    # and with a login required. That one is ours to stop: we installed it a moment ago.
    if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
      lab_say "stopping the docker-registry service the package started (it wants a login and listens on every interface)"
      lab_as_root "stopping the docker-registry service" systemctl stop docker-registry
    fi
  fi

  mkdir -p "$DIR"
  # Two starts at once (parallel test workers): one starts it, the other finds it up.
  exec 8>"$DIR/lock"
  flock 8
  answers && { status; return 0; }

  mkdir -p "$DIR/storage"
  : >"$MARK"
  cat >"$DIR/config.yml" <<EOF
version: 0.1
log:
  level: info
  fields:
    service: lessonproof-registry
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
http:
  addr: $ADDR
  headers:
    X-Content-Type-Options: [nosniff]
EOF
  lab_say "starting docker-registry at http://$ADDR (log: $DIR/registry.log)"
  # setsid: it outlives this script and the CI step; the inner shell records its own pid,
  # which exec hands on to the registry.
  # shellcheck disable=SC2016  # $$ and $1 belong to the inner shell
  setsid bash -c 'echo $$ >"$1/pid"; exec docker-registry serve "$1/config.yml"' start-registry "$DIR" \
    >>"$DIR/registry.log" 2>&1 </dev/null 8>&- &

  local i
  for ((i = 0; i < WAIT * 4; i++)); do
    answers && { status; return 0; }
    if ((i > 2)) && ! our_pid >/dev/null; then break; fi
    sleep 0.25
  done
  lab_say "docker-registry did not answer at http://$ADDR within ${WAIT}s. Last lines of $DIR/registry.log:"
  tail -n 30 "$DIR/registry.log" >&2 || true
  exit 1
}

stop() {
  local pid i
  if ! pid=$(our_pid); then
    lab_say "no registry started by lab/registry.sh runs for http://$ADDR; nothing to stop"
  else
    kill "$pid"
    for ((i = 0; i < 40; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    lab_say "stopped the registry at http://$ADDR (pid $pid)"
  fi
  # Its storage goes with it, but only from a directory this script made.
  if [[ -f "$MARK" ]]; then
    rm -rf --one-file-system "$DIR"
    lab_say "removed $DIR"
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) lab_say "usage: lab/registry.sh [start] | stop | status"; exit 2 ;;
esac
