#!/usr/bin/env bash
# lab/engine.sh — make sure a Docker engine answers, starting one if needed.
#
# These machines ship only the docker client: no engine, no Docker Hub. Debian's
# docker.io package (20.10) gives a working dockerd (overlay2, cgroup v1). This script is
# idempotent: if `docker info` already answers (honouring DOCKER_HOST) it exits at once.
#
# Env:
#   LESSONPROOF_DOCKERD_LOG    dockerd log file (default /var/log/lessonproof-dockerd.log)
#   LESSONPROOF_DOCKERD_FLAGS  extra dockerd flags (word-split), e.g. "--storage-driver vfs"
#   LESSONPROOF_ENGINE_WAIT    seconds to wait for the engine (default 60)
#
# The engine we start publishes ports on 127.0.0.1 by default (dockerd --ip): the lab must
# never listen on, or send to, any address but loopback, and `-p 8000` would otherwise bind
# 0.0.0.0 and [::]. That default covers the default bridge network only; for user-defined
# networks or an engine we did not start, bind explicitly (docker run -p 127.0.0.1::8000).
set -euo pipefail

LOG=${LESSONPROOF_DOCKERD_LOG:-/var/log/lessonproof-dockerd.log}
WAIT=${LESSONPROOF_ENGINE_WAIT:-60}

say() { echo "engine: $*" >&2; }

engine_up() { docker info >/dev/null 2>&1; }

warn_if_public() {
  # An engine started elsewhere may publish ports on all interfaces; say so, don't change it.
  local ip
  ip=$(docker network inspect bridge --format '{{index .Options "com.docker.network.bridge.host_binding_ipv4"}}' 2>/dev/null || true)
  [[ "$ip" == 127.0.0.1 ]] || say "warning: this engine publishes ports on ${ip:-0.0.0.0} by default; bind to 127.0.0.1 explicitly"
}

report() {
  # One line that says what the engine is; useful in CI logs.
  docker info --format 'engine: up — server {{.ServerVersion}}, storage {{.Driver}}, cgroup v{{.CgroupVersion}}, root {{.DockerRootDir}}' >&2 || true
}

# 1. Already running (ours, a system one, or whatever DOCKER_HOST points at)? Done.
if engine_up; then
  report
  warn_if_public
  exit 0
fi

# We can only start a local engine on a unix socket. A tcp:// DOCKER_HOST that does not
# answer is someone else's engine: say so rather than start one that nobody will talk to.
host_flag=()
case "${DOCKER_HOST:-}" in
  "") ;;
  unix://*) host_flag=(-H "$DOCKER_HOST") ;;
  *) say "DOCKER_HOST=$DOCKER_HOST does not answer and is not a local unix socket; not starting an engine"; exit 1 ;;
esac

if [[ $(id -u) -ne 0 ]]; then
  say "no engine answers and starting one needs root (run as root, or point DOCKER_HOST at an engine)"
  exit 1
fi

# 2. Install the engine if missing. apt-get update first: a fresh machine may have stale lists.
if ! command -v dockerd >/dev/null 2>&1; then
  say "dockerd missing; installing Debian's docker.io"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d on these machines stops the package from starting a service; we start it below.
  apt-get install -y -qq --no-install-recommends docker.io >/dev/null
fi

# 3. Start dockerd unless one is already starting (e.g. a parallel call of this script).
if pgrep -x dockerd >/dev/null 2>&1; then
  say "dockerd process already present; waiting for it to answer"
else
  mkdir -p "$(dirname "$LOG")"
  # No dockerd runs, so a pid file left by a killed one is stale; dockerd refuses to start
  # if that pid now belongs to another process.
  rm -f /var/run/docker.pid
  extra=()
  # shellcheck disable=SC2206  # word-splitting of extra flags is intended
  [[ -n "${LESSONPROOF_DOCKERD_FLAGS:-}" ]] && extra=(${LESSONPROOF_DOCKERD_FLAGS})
  say "starting dockerd (log: $LOG)"
  # setsid: its own session, so it outlives this script, the CI step and any job-control kill
  # of our process group; stdin from /dev/null so it never holds a terminal.
  setsid dockerd --ip=127.0.0.1 "${host_flag[@]}" "${extra[@]}" >>"$LOG" 2>&1 </dev/null &
  disown || true
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

say "dockerd did not answer within ${WAIT}s. Last lines of $LOG:"
tail -n 40 "$LOG" >&2 || true
exit 1
