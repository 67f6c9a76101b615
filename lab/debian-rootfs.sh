#!/usr/bin/env bash
# lab/debian-rootfs.sh — build the lab's Debian base images with debootstrap. Run as root, by
# lab/base-images.sh, only where no registry can give them (the machines that build lessonproof).
#
# usage: lab/debian-rootfs.sh [full=<inputs sha>] [slim=<inputs sha>]
#
# It builds them the way Debian's official images are made (debuerreotype):
# `debootstrap --variant=minbase`, a little container-friendly apt/dpkg config, then
# `docker import`. The slim image is the same root filesystem with docs, man pages and locales
# excluded through dpkg path-exclude (as debuerreotype-slimify does). Each image carries
# LABEL org.lessonproof.lab-inputs=<the sha given>; lab/base-images.sh derives that sha from this
# file, so editing this file (the recipe) rebuilds the images, and editing the decisions around it
# does not.
#
# Env (passed on by lab/base-images.sh):
#   LESSONPROOF_SUITE      Debian suite (default bookworm)
#   LESSONPROOF_MIRROR     Debian mirror (default http://deb.debian.org/debian)
#   LESSONPROOF_DEB_CACHE  where debootstrap keeps its .debs (default /var/cache/lessonproof-debootstrap/SUITE)
#   LESSONPROOF_LOCK_DIR   where the build lock lives (default /var/lock)
#   LESSONPROOF_FORCE=1    rebuild even if labels match
set -euo pipefail

LAB_NAME=base-images
# shellcheck source=lab/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
say() { lab_say "$@"; }

SUITE=${LESSONPROOF_SUITE:-bookworm}
VARIANT=minbase
MIRROR=${LESSONPROOF_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${MIRROR%/debian}/debian-security
LABEL_KEY=org.lessonproof.lab-inputs
# debootstrap keeps the .debs here so a rebuild does not download them again.
DEB_CACHE=${LESSONPROOF_DEB_CACHE:-/var/cache/lessonproof-debootstrap/$SUITE}

lab_is_root || { say "lab/debian-rootfs.sh must run as root (lab/base-images.sh runs it through sudo)"; exit 1; }

declare -A TAG=([full]="debian:$SUITE" [slim]="debian:$SUITE-slim")
declare -A WANT=()
for arg in "$@"; do
  case "$arg" in
    full=?* | slim=?*) WANT[${arg%%=*}]=${arg#*=} ;;
    *) say "usage: lab/debian-rootfs.sh [full=<sha>] [slim=<sha>] (got '$arg')"; exit 2 ;;
  esac
done
[[ ${#WANT[@]} -gt 0 ]] || { say "usage: lab/debian-rootfs.sh [full=<sha>] [slim=<sha>]: nothing to build"; exit 2; }

# One build at a time (parallel CI steps or test workers may all get here); a waiter then
# finds the images up to date.
exec 9>"${LESSONPROOF_LOCK_DIR:-/var/lock}/lessonproof-base-images.lock"
flock 9

have_label() { # $1 = image, $2 = wanted sha
  [[ $(docker image inspect --format "{{index .Config.Labels \"$LABEL_KEY\"}}" "$1" 2>/dev/null || true) == "$2" ]]
}

todo=()
for f in full slim; do
  [[ -n "${WANT[$f]:-}" ]] || continue
  if [[ "${LESSONPROOF_FORCE:-}" != 1 ]] && have_label "${TAG[$f]}" "${WANT[$f]}"; then
    say "${TAG[$f]} up to date (${WANT[$f]:0:12}), built while this one waited"
  else
    todo+=("$f")
  fi
done
[[ ${#todo[@]} -eq 0 ]] && exit 0

if ! command -v debootstrap >/dev/null 2>&1; then
  lab_apt_install debootstrap
fi

# Work dir on the real disk (debootstrap needs mknod/exec; /tmp may be tmpfs or noexec).
WORK=$(mktemp -d /var/tmp/lessonproof-rootfs.XXXXXX)
cleanup() {
  # debootstrap mounts /proc and /sys inside the target; if it died half-way they are still
  # mounted, and rm -rf through them would be a disaster. Unmount first (deepest first),
  # then delete without crossing filesystems.
  local m
  awk -v p="$WORK" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r | while read -r m; do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf --one-file-system "$WORK"
}
trap cleanup EXIT
ROOT=$WORK/rootfs

mkdir -p "$DEB_CACHE"
say "debootstrap --variant=$VARIANT $SUITE (log: $WORK/debootstrap.log)"
t0=$SECONDS
if ! debootstrap --variant="$VARIANT" --cache-dir="$DEB_CACHE" "$SUITE" "$ROOT" "$MIRROR" \
    >"$WORK/debootstrap.log" 2>&1; then
  tail -n 30 "$WORK/debootstrap.log" >&2
  [[ -f "$ROOT/debootstrap/debootstrap.log" ]] && tail -n 30 "$ROOT/debootstrap/debootstrap.log" >&2
  say "debootstrap failed"
  exit 1
fi
say "debootstrap done in $((SECONDS - t0))s"

# --- container-friendly config shared by both images (what debuerreotype's
#     minimizing-config does for the official images) ---
# Services must not start inside image builds.
cat >"$ROOT/usr/sbin/policy-rc.d" <<'P'
#!/bin/sh
exit 101
P
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
# Keep images small: drop downloaded .debs after every install, no translations,
# no auto-installed Suggests.
cat >"$ROOT/etc/apt/apt.conf.d/docker-clean" <<'P'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
P
echo 'Acquire::Languages "none";' >"$ROOT/etc/apt/apt.conf.d/docker-no-languages"
echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$ROOT/etc/apt/apt.conf.d/docker-autoremove-suggests"
echo 'force-unsafe-io' >"$ROOT/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
# Same apt sources as the official image (main, updates, security), deb822 style.
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<P
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
P
# Host leftovers that docker supplies at run time or that must be unique per container.
rm -f "$ROOT/etc/resolv.conf" "$ROOT/etc/hostname" "$ROOT/etc/hosts"
: >"$ROOT/etc/machine-id"
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin \
  "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/var/log/*.log "$ROOT"/var/log/apt/* \
  "$ROOT"/tmp/* "$ROOT"/debootstrap

import() { # $1 = flavour
  local f=$1 tag=${TAG[$1]} old new
  old=$(docker image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)
  # --numeric-owner: ids must be the chroot's, not mapped through the host's /etc/passwd.
  new=$(tar --numeric-owner -C "$ROOT" -c . | docker import \
    --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "LABEL $LABEL_KEY=${WANT[$f]}" \
    --change "LABEL org.lessonproof.lab-suite=$SUITE org.lessonproof.lab-flavour=$f" \
    - "$tag")
  # The previous build of this tag is now untagged: drop it (ignore if something uses it).
  if [[ -n "$old" && "$old" != "$new" ]]; then docker rmi "$old" >/dev/null 2>&1 || true; fi
  say "$tag built: $(docker image inspect --format '{{.Size}}' "$tag") bytes, ${WANT[$f]:0:12}"
}

# Full image first (the slim one is derived from the same tree, in place).
[[ " ${todo[*]} " == *" full "* ]] && import full

if [[ " ${todo[*]} " == *" slim "* ]]; then
  # debuerreotype-slimify: tell dpkg never to unpack these paths again (later apt-get
  # installs in derived images stay slim too), then remove what is already there.
  cat >"$ROOT/etc/dpkg/dpkg.cfg.d/docker" <<'P'
# Drop docs, man pages and translations; keep copyright files (licences).
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
P
  find "$ROOT/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete
  rm -rf "$ROOT"/usr/share/man/* "$ROOT"/usr/share/groff/* "$ROOT"/usr/share/info/* \
    "$ROOT"/usr/share/lintian/* "$ROOT"/usr/share/linda/* "$ROOT"/usr/share/locale/*
  import slim
fi
