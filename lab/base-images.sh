#!/usr/bin/env bash
# lab/base-images.sh — make sure the lab's base images, debian:bookworm and debian:bookworm-slim,
# are in the engine: pulled where a registry answers, built with debootstrap where none does.
#
# Decided by what is there, image by image:
#   1. the tag carries LABEL org.lessonproof.lab-inputs=<sha of the recipe and its settings>:
#      built here by lab/debian-rootfs.sh from the same recipe; reused (~0.1 s);
#   2. otherwise `docker pull` (GitHub's runners reach Docker Hub: a few seconds, the official
#      image); where that fails, an image pulled earlier is kept, and anything else is built;
#   3. built with debootstrap by lab/debian-rootfs.sh (~46 s), which needs root: as root, or
#      through passwordless sudo; otherwise this script stops and says so.
# The engine comes first (lab/engine.sh).
#
# Env:
#   LESSONPROOF_BASE_SOURCE  auto (default) | pull (never build) | debootstrap (never pull)
#   LESSONPROOF_SUITE        Debian suite (default bookworm)
#   LESSONPROOF_MIRROR       Debian mirror for debootstrap (default http://deb.debian.org/debian)
#   LESSONPROOF_FORCE=1      rebuild with debootstrap even if labels match
#   LESSONPROOF_PULL_TIMEOUT seconds one pull may take (default 300)
set -euo pipefail

LAB_NAME=base-images
LAB_ROOT_HINT="make a registry reachable so that the images can be pulled (LESSONPROOF_BASE_SOURCE=pull)"
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lab/lib.sh
source "$HERE/lib.sh"
say() { lab_say "$@"; }

SOURCE=${LESSONPROOF_BASE_SOURCE:-auto}
SUITE=${LESSONPROOF_SUITE:-bookworm}
VARIANT=minbase
MIRROR=${LESSONPROOF_MIRROR:-http://deb.debian.org/debian}
LABEL_KEY=org.lessonproof.lab-inputs
RECIPE=$HERE/debian-rootfs.sh

case "$SOURCE" in
  auto | pull | debootstrap) ;;
  *) say "LESSONPROOF_BASE_SOURCE must be auto, pull or debootstrap (got '$SOURCE')"; exit 2 ;;
esac

# The engine must be up before we can look at, pull or import images.
"$HERE/engine.sh"

# What the images are made from: the recipe file and its settings. Editing this file (the
# decisions) keeps the images; editing the recipe rebuilds them.
recipe_sha=$(sha256sum "$RECIPE" | cut -d' ' -f1)
# Images built here before the recipe moved to its own file: the same recipe inside the script
# that decided too (lab/base-images.sh at 790dddd). Accepted so that moving it rebuilt nothing.
EQUIVALENT_RECIPES=(a9a0725127f8e2cfc081ff5b10368e0421596c131f7835c5e6cf0eeef7b9f290)
inputs_sha() { # $1 = recipe sha, $2 = flavour (full|slim)
  printf '%s\n' "$1" "$SUITE" "$VARIANT" "$MIRROR" "$2" | sha256sum | cut -d' ' -f1
}

declare -A TAG=([full]="debian:$SUITE" [slim]="debian:$SUITE-slim")
declare -A WANT=([full]="$(inputs_sha "$recipe_sha" full)" [slim]="$(inputs_sha "$recipe_sha" slim)")

inspect() { # $1 = image, $2 = Go template; empty when the image is not there
  docker image inspect --format "$2" "$1" 2>/dev/null || true
}

built_here() { # $1 = flavour: the tag carries the label of this recipe or an equivalent one
  local have sha
  have=$(inspect "${TAG[$1]}" "{{index .Config.Labels \"$LABEL_KEY\"}}")
  [[ -n "$have" ]] || return 1
  for sha in "$recipe_sha" "${EQUIVALENT_RECIPES[@]}"; do
    [[ "$have" == "$(inputs_sha "$sha" "$1")" ]] && return 0
  done
  return 1
}

todo=()
for f in full slim; do
  if [[ "${LESSONPROOF_FORCE:-}" != 1 ]] && built_here "$f"; then
    say "${TAG[$f]} up to date (built here, $(inspect "${TAG[$f]}" "{{index .Config.Labels \"$LABEL_KEY\"}}" | cut -c1-12))"
  else
    todo+=("$f")
  fi
done
[[ ${#todo[@]} -eq 0 ]] && exit 0

# Pull where a registry answers. The first failure settles it for the other image too.
if [[ "$SOURCE" != debootstrap && "${LESSONPROOF_FORCE:-}" != 1 ]]; then
  left=()
  registry_down=""
  for f in "${todo[@]}"; do
    tag=${TAG[$f]}
    if [[ -z "$registry_down" ]]; then
      t0=$SECONDS
      if err=$(timeout "${LESSONPROOF_PULL_TIMEOUT:-300}" docker pull -q "$tag" 2>&1 >/dev/null); then
        say "$tag pulled in $((SECONDS - t0))s: $(inspect "$tag" '{{index .RepoDigests 0}}')"
        continue
      fi
      registry_down=${err##*$'\n'}
      registry_down=${registry_down:-docker pull failed}
      say "no registry gives $tag: $registry_down"
    fi
    # An image pulled earlier (it has a registry digest) stays: no need to replace the official
    # image with a debootstrapped one just because the registry is out of reach now.
    digest=$(inspect "$tag" '{{if .RepoDigests}}{{index .RepoDigests 0}}{{end}}')
    if [[ -n "$digest" ]]; then
      say "$tag kept as pulled earlier ($digest)"
      continue
    fi
    left+=("$f")
  done
  todo=("${left[@]}")
  [[ ${#todo[@]} -eq 0 ]] && exit 0
  if [[ "$SOURCE" == pull ]]; then
    for f in "${todo[@]}"; do say "${TAG[$f]} missing, and LESSONPROOF_BASE_SOURCE=pull forbids building it"; done
    exit 1
  fi
fi

# Build with debootstrap: root's work. What the recipe needs is passed on explicitly, since
# sudo starts from a clean environment.
args=()
for f in "${todo[@]}"; do args+=("$f=${WANT[$f]}"); done
envs=(LESSONPROOF_SUITE="$SUITE" LESSONPROOF_MIRROR="$MIRROR" LESSONPROOF_FORCE="${LESSONPROOF_FORCE:-}" PATH="$PATH")
for v in LESSONPROOF_DEB_CACHE LESSONPROOF_LOCK_DIR DOCKER_HOST DOCKER_CONFIG; do
  [[ -n "${!v:-}" ]] && envs+=("$v=${!v}")
done
lab_can_root || lab_need_root "building debian:$SUITE with debootstrap"
say "building ${todo[*]} with debootstrap$(lab_is_root || echo ' (through sudo)')"
lab_as_root "building debian:$SUITE with debootstrap" env "${envs[@]}" bash "$RECIPE" "${args[@]}"
