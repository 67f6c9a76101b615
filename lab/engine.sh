#!/usr/bin/env bash
# lab/engine.sh — make sure a Docker engine answers, starting one if needed.
#
# An engine that answers is used as is: a system one (GitHub's runners have one running, and
# their user `runner` is in the docker group), whatever DOCKER_HOST points at, or one this script
# started before. Only when none answers does it install Debian's docker.io (20.10: overlay2,
# cgroup v1) and start dockerd, as root or through passwordless sudo. Idempotent: with an engine
# up it takes about 0.05 s.
#
# Env:
#   LESSONPROOF_DOCKERD_LOG      dockerd log file (default /var/log/lessonproof-dockerd.log)
#   LESSONPROOF_DOCKERD_PIDFILE  dockerd pid file (default /var/run/docker.pid)
#   LESSONPROOF_DOCKERD_FLAGS    extra dockerd flags (word-split), e.g. "--storage-driver vfs"
#   LESSONPROOF_ENGINE_WAIT      seconds to wait for the engine (default 60)
#
# The engine we start publishes ports on 127.0.0.1 by default (dockerd --ip): the lab must
# never listen on, or send to, any address but loopback, and `-p 8000` would otherwise bind
# 0.0.0.0 and [::]. That default covers the default bridge network only; for user-defined
# networks or an engine we did not start, bind explicitly (docker run -p 127.0.0.1::8000).
set -euo pipefail

LAB_NAME=engine
LAB_ROOT_HINT="point DOCKER_HOST at an engine that answers"
# shellcheck source=lab/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LOG=${LESSONPROOF_DOCKERD_LOG:-/var/log/lessonproof-dockerd.log}
PIDFILE=${LESSONPROOF_DOCKERD_PIDFILE:-/var/run/docker.pid}
WAIT=${LESSONPROOF_ENGINE_WAIT:-60}

engine_up() { docker info >/dev/null 2>&1; }

warn_if_public() {
  # An engine started elsewhere may publish ports on all interfaces; say so, don't change it.
  local ip
  ip=$(docker network inspect bridge --format '{{index .Options "com.docker.network.bridge.host_binding_ipv4"}}' 2>/dev/null || true)
  [[ "$ip" == 127.0.0.1 ]] || lab_say "warning: this engine publishes ports on ${ip:-0.0.0.0} by default; bind to 127.0.0.1 explicitly"
}

report() {
  # One line that says what the engine is; useful in CI logs.
  docker info --format 'engine: up — server {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}, root {{.DockerRootDir}}' >&2 || true
}

# An engine runs but this user may not talk to it: starting another would not help.
refuse_if_denied() {
  local err
  err=$(docker info 2>&1 >/dev/null || true)
  if [[ "$err" == *"permission denied"* ]]; then
    lab_say "an engine runs, but this user ($(id -un 2>/dev/null || id -u)) may not use its socket: $err"
    lab_say "add the user to the docker group (sudo usermod -aG docker \"\$USER\", then log in again), or run as root"
    exit 1
  fi
}

# 1. Already running (a system one, ours, or whatever DOCKER_HOST points at)? Use it as is.
if engine_up; then
  report
  warn_if_public
  exit 0
fi
refuse_if_denied

# We can only start a local engine on a unix socket. A tcp:// DOCKER_HOST that does not
# answer is someone else's engine: say so rather than start one that nobody will talk to.
host_flag=()
case "${DOCKER_HOST:-}" in
  "") ;;
  unix://*) host_flag=(-H "$DOCKER_HOST") ;;
  *) lab_say "DOCKER_HOST=$DOCKER_HOST does not answer and is not a local unix socket; not starting an engine"; exit 1 ;;
esac

# Everything below is root's work. Say so now, before installing anything.
lab_can_root || lab_need_root "starting a Docker engine"

# 2. Install the engine if missing.
if ! command -v dockerd >/dev/null 2>&1; then
  lab_say "dockerd missing; installing Debian's docker.io"
  # policy-rc.d on these machines stops the package from starting a service; we start it below.
  lab_apt_install docker.io
fi

# 3. Start dockerd unless one is already starting (e.g. a parallel call of this script).
if pgrep -x dockerd >/dev/null 2>&1; then
  lab_say "dockerd process already present; waiting for it to answer"
else
  extra=()
  # shellcheck disable=SC2206  # word-splitting of extra flags is intended
  [[ -n "${LESSONPROOF_DOCKERD_FLAGS:-}" ]] && extra=(${LESSONPROOF_DOCKERD_FLAGS})
  lab_say "starting dockerd (log: $LOG)"
  # As root (or through sudo, which is why the redirections happen in root's shell):
  # - no dockerd runs, so a pid file left by a killed one is stale; dockerd refuses to start if
  #   that pid now belongs to another process;
  # - setsid: its own session, so it outlives this script, the CI step and any job-control kill
  #   of our process group; stdin from /dev/null so it never holds a terminal.
  # shellcheck disable=SC2016  # $1…$@ belong to the inner shell
  lab_as_root "starting dockerd" bash -c '
    log=$1 pidfile=$2; shift 2
    mkdir -p "$(dirname "$log")"
    rm -f "$pidfile"
    setsid "$@" >>"$log" 2>&1 </dev/null &
  ' start-dockerd "$LOG" "$PIDFILE" \
    dockerd --ip=127.0.0.1 --pidfile "$PIDFILE" "${host_flag[@]}" "${extra[@]}"
fi

# 4. Wait for it to answer.
for ((i = 0; i < WAIT * 2; i++)); do
  if engine_up; then
    report
    warn_if_public
    exit 0
  fi
  sleep 0.5
done

refuse_if_denied
lab_say "dockerd did not answer within ${WAIT}s. Last lines of $LOG:"
lab_as_root "reading $LOG" tail -n 40 "$LOG" >&2 || true
exit 1
