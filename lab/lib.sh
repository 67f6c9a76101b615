# shellcheck shell=bash
# lab/lib.sh — what the lab scripts share: their messages, and root's work done as root or
# through sudo. Sourced, not run.
#
# The lab runs as root on the machines that build lessonproof, and as a user with passwordless
# sudo on GitHub's runners (user `runner`, in the docker group). Each script first looks at what
# is there (an engine that answers, images, a registry, a tool on PATH) and asks for root only
# for what is missing; then it is root itself, or `sudo -n`, or it stops and says why.
#
# `id -u` rather than $EUID throughout: the specs play a non-root user with a fake `id` on PATH.

LAB_NAME=${LAB_NAME:-lab}
# What a user without root can do instead; each script says its own.
LAB_ROOT_HINT=${LAB_ROOT_HINT:-}

lab_say() { echo "$LAB_NAME: $*" >&2; }

lab_is_root() { [[ $(id -u) -eq 0 ]]; }

# Succeeds when this process can do root's work: it is root, or sudo lets it in without a password.
lab_can_root() {
  lab_is_root && return 0
  command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1
}

# lab_as_root WHAT CMD…: run CMD as root (directly, or through `sudo -n`), or stop the script
# saying that WHAT needs root and what else would do.
lab_as_root() {
  local what=$1
  shift
  if lab_is_root; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    sudo -n "$@"
  else
    lab_need_root "$what"
  fi
}

# Stop with the reason: WHAT needs root, and this user has neither root nor passwordless sudo.
lab_need_root() {
  local why="root, and there is no sudo"
  if command -v sudo >/dev/null 2>&1; then why="root, and sudo asks for a password"; fi
  lab_say "$1 needs root: this user ($(id -un 2>/dev/null || echo "?"), uid $(id -u)) is not $why."
  lab_say "Run it as root, or as a user with passwordless sudo${LAB_ROOT_HINT:+, or $LAB_ROOT_HINT}."
  exit 1
}

# lab_apt_install PACKAGE…: install Debian (or Ubuntu) packages, as root or through sudo.
# Waits for another apt to finish rather than failing on its lock.
lab_apt_install() {
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600)
  lab_say "installing $* (apt)"
  lab_as_root "installing $*" "${apt[@]}" update -qq
  lab_as_root "installing $*" "${apt[@]}" install -y -qq --no-install-recommends "$@" >/dev/null
}
