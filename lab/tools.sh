#!/usr/bin/env bash
# lab/tools.sh — make sure commands the tests use are on PATH, installing their Debian packages
# (as root or through sudo) only for those missing.
#
# usage: lab/tools.sh COMMAND…   known: shellcheck, chromium
#
# GitHub's Ubuntu runners already have both (shellcheck from apt, chromium as /usr/bin/chromium),
# so there this script installs nothing.
set -euo pipefail

LAB_NAME=tools
# shellcheck source=lab/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

declare -A PACKAGE=([shellcheck]=shellcheck [chromium]=chromium)

missing=()
for cmd in "$@"; do
  [[ -n "${PACKAGE[$cmd]:-}" ]] || { lab_say "unknown command '$cmd' (known: ${!PACKAGE[*]})"; exit 2; }
  if command -v "$cmd" >/dev/null 2>&1; then
    lab_say "$cmd: $(command -v "$cmd")"
  else
    missing+=("${PACKAGE[$cmd]}")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
LAB_ROOT_HINT="install ${missing[*]} yourself"
lab_apt_install "${missing[@]}"
