#!/usr/bin/env bash
# Builds the small images k8ts's tests and examples use, without internet, and pushes
# them to the local registry (scripts/images/registry.sh): the pod sandbox's pause image
# and busybox (sh, httpd, nc, wget, tar, ...), as OCI images made with umoci and copied
# with skopeo. Idempotent: an image already in the registry is not rebuilt unless
# K8TS_IMAGES_REBUILD=1.
#   build.sh [REGISTRY]      (default 127.0.0.1:5000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REGISTRY=${1:-${K8TS_REGISTRY_ADDR:-127.0.0.1:5000}}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

have() { [[ ${K8TS_IMAGES_REBUILD:-0} != 1 ]] && skopeo inspect --tls-verify=false "docker://$REGISTRY/$1" >/dev/null 2>&1; }

# push NAME:TAG ROOTFS KIND [ARGS...]: packs ROOTFS as a one-layer OCI image with ARGS as its
# entrypoint (KIND=entrypoint) or its default command (KIND=cmd), and pushes it.
push() {
  local ref=$1 rootfs=$2 kind=$3
  shift 3
  local layout=$WORK/layout-${ref//[:\/]/-}
  umoci init --layout "$layout"
  umoci new --image "$layout:img"
  umoci insert --rootless --image "$layout:img" "$rootfs" / >/dev/null
  local cfg=(--config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
  for arg in "$@"; do cfg+=("--config.$kind" "$arg"); done
  umoci config --image "$layout:img" --os linux --architecture amd64 "${cfg[@]}"
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout:img" "docker://$REGISTRY/$ref"
  echo "images: pushed $REGISTRY/$ref"
}

if ! have k8ts/pause:3.10; then
  root=$WORK/pause-root
  mkdir -p "$root"
  gcc -Os -static -o "$root/pause" images/pause/pause.c
  strip "$root/pause"
  push k8ts/pause:3.10 "$root" entrypoint /pause
fi

if ! have library/busybox:1.36; then
  root=$WORK/busybox-root
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,var/www,dev,proc,sys}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
  echo 'hello from busybox' > "$root/var/www/index.html"
  # Like Docker Hub's busybox: no entrypoint, `sh` as the default command.
  push library/busybox:1.36 "$root" cmd sh
  skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
    "docker://$REGISTRY/library/busybox:1.36" "docker://$REGISTRY/library/busybox:latest"
fi
echo "images: ready in $REGISTRY"
