#!/usr/bin/env bash
# Builds the small images k8ts's tests and examples use, without internet, and pushes
# them to the local registry (scripts/images/registry.sh): the pod sandbox's pause image,
# busybox (sh, httpd, nc, wget, tar, ...) and the Guestbook example's Redis and frontend
# (examples/guestbook/, sources in images/guestbook/), as OCI images made with umoci and
# copied with skopeo. Programs from Debian's packages are fetched with `apt-get download` and
# unpacked with `dpkg-deb -x`; nothing is installed on this machine. Idempotent: an image
# already in the registry is not rebuilt unless K8TS_IMAGES_REBUILD=1 (or, for an image built
# from sources in images/, unless those sources changed).
#   build.sh [REGISTRY]      (default 127.0.0.1:5000)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
REGISTRY=${1:-${K8TS_REGISTRY_ADDR:-127.0.0.1:5000}}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
SOURCE_LABEL=io.k8ts.image.source

# have NAME:TAG [SOURCE]: the image is in the registry (and was built from SOURCE, a hash of
# its sources kept in the label $SOURCE_LABEL).
have() {
  [[ ${K8TS_IMAGES_REBUILD:-0} != 1 ]] || return 1
  local label
  label=$(skopeo inspect --tls-verify=false --format "{{index .Labels \"$SOURCE_LABEL\"}}" \
    "docker://$REGISTRY/$1" 2>/dev/null) || return 1
  [[ -z ${2:-} || $label == "$2" ]]
}

# push NAME:TAG ROOTFS KIND [ARGS...]: packs ROOTFS as a one-layer OCI image with ARGS as its
# entrypoint (KIND=entrypoint) or its default command (KIND=cmd), and pushes it. More umoci
# config options (working directory, labels) can be put in the array push_config.
push_config=()
push() {
  local ref=$1 rootfs=$2 kind=$3
  shift 3
  local layout=$WORK/layout-${ref//[:\/]/-}
  umoci init --layout "$layout"
  umoci new --image "$layout:img"
  umoci insert --rootless --image "$layout:img" "$rootfs" / >/dev/null
  local cfg=(--config.env "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" "${push_config[@]}")
  for arg in "$@"; do cfg+=("--config.$kind" "$arg"); done
  umoci config --image "$layout:img" --os linux --architecture amd64 "${cfg[@]}"
  skopeo copy --quiet --dest-tls-verify=false "oci:$layout:img" "docker://$REGISTRY/$ref"
  push_config=()
  echo "images: pushed $REGISTRY/$ref"
}

# busybox_rootfs ROOT: a root file system with busybox and a link for each of its applets,
# /etc/passwd and /etc/group for root and nobody, and /tmp.
busybox_rootfs() {
  local root=$1 applet
  mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,root,dev,proc,sys}
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  for applet in $("$root/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
}

# debs DIR PKG...: downloads Debian packages with `apt-get download` (refreshing apt's package
# lists once if that fails) and unpacks them into DIR.
debs() {
  local dir=$1 deb
  shift
  mkdir -p "$dir/.debs"
  if ! (cd "$dir/.debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null 2>&1); then
    apt-get update -q >/dev/null
    (cd "$dir/.debs" && apt-get download -q -o APT::Sandbox::User=root "$@" >/dev/null)
  fi
  for deb in "$dir"/.debs/*.deb; do dpkg-deb -x "$deb" "$dir"; done
}

# elf ROOT LIBDIR SRC DEST: copies the program SRC to ROOT/DEST with the shared libraries ldd
# lists for it (looked up in LIBDIR first, then on this machine) in ROOT/lib/x86_64-linux-gnu
# and the loader at its own path.
elf() {
  local root=$1 libdir=$2 src=$3 dest=$4 lib
  mkdir -p "$(dirname "$root$dest")" "$root/lib/x86_64-linux-gnu"
  cp "$src" "$root$dest"
  while read -r lib; do
    case $lib in
      missing:*) echo "images: $src needs ${lib#missing:}, which is not on this machine" >&2; return 1 ;;
      /lib64/*) mkdir -p "$root/lib64"; cp -L "$lib" "$root$lib" ;;
      *) cp -L "$lib" "$root/lib/x86_64-linux-gnu/" ;;
    esac
  done < <(LD_LIBRARY_PATH=$libdir ldd "$src" |
    awk '/=> not found/ { print "missing:" $1; next } /=> \// { print $3; next } /^[ \t]*\// { print $1 }')
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
  busybox_rootfs "$root"
  mkdir -p "$root/var/www"
  echo 'hello from busybox' > "$root/var/www/index.html"
  # Like Docker Hub's busybox: no entrypoint, `sh` as the default command.
  push library/busybox:1.36 "$root" cmd sh
  skopeo copy --quiet --src-tls-verify=false --dest-tls-verify=false \
    "docker://$REGISTRY/library/busybox:1.36" "docker://$REGISTRY/library/busybox:latest"
fi

# The Guestbook (examples/guestbook/): Redis from Debian's redis-tools package (redis-server
# is the same program as redis-check-rdb there), and a frontend of busybox httpd, a CGI shell
# script and redis-cli.
FRONTEND_SOURCE=$(cd images/guestbook/frontend && cat index.html guestbook.js guestbook.php httpd.conf start.sh | sha256sum | cut -c1-16)
need_redis=0 need_frontend=0
have k8ts/redis:7 || need_redis=1
have k8ts/guestbook-frontend:v1 "$FRONTEND_SOURCE" || need_frontend=1
if ((need_redis || need_frontend)); then
  redis=$WORK/redis-debs
  debs "$redis" redis-tools libjemalloc2 liblzf1
  libdir=$redis/usr/lib/x86_64-linux-gnu
fi

if ((need_redis)); then
  root=$WORK/redis-root
  busybox_rootfs "$root"
  elf "$root" "$libdir" "$redis/usr/bin/redis-check-rdb" /usr/bin/redis-server
  elf "$root" "$libdir" "$redis/usr/bin/redis-cli" /usr/bin/redis-cli
  echo "hosts: files dns" > "$root/etc/nsswitch.conf"
  mkdir -p "$root/data"
  version=$(dpkg-deb -f "$redis"/.debs/redis-tools_*.deb Version)
  # Like Docker Hub's redis: no entrypoint, so a Deployment can pass its own command and
  # arguments (e.g. redis-server --replicaof redis-leader 6379); data in /data.
  push_config=(--config.workingdir /data --config.label "org.opencontainers.image.version=$version")
  push k8ts/redis:7 "$root" cmd redis-server --protected-mode no
fi

if ((need_frontend)); then
  root=$WORK/frontend-root
  busybox_rootfs "$root"
  elf "$root" "$libdir" "$redis/usr/bin/redis-cli" /usr/bin/redis-cli
  echo "hosts: files dns" > "$root/etc/nsswitch.conf"
  src=images/guestbook/frontend
  mkdir -p "$root/www" "$root/usr/local/bin"
  cp "$src/index.html" "$src/guestbook.js" "$root/www/"
  install -m 0755 "$src/guestbook.php" "$root/www/guestbook.php"
  install -m 0755 "$src/start.sh" "$root/usr/local/bin/guestbook-frontend"
  cp "$src/httpd.conf" "$root/etc/httpd.conf"
  push_config=(--config.label "$SOURCE_LABEL=$FRONTEND_SOURCE")
  push k8ts/guestbook-frontend:v1 "$root" cmd guestbook-frontend
fi
echo "images: ready in $REGISTRY"
