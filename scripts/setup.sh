#!/usr/bin/env bash
# Prepares a Debian (bookworm) machine with Node.js 20 and npm to build, run and test k8ts,
# then builds it: installs the Debian packages that are missing, installs the npm
# dependencies when they are missing or older than package-lock.json, and compiles.
# Safe to run again: it installs only what is missing. Installing a Debian package needs
# root (or sudo); nothing else does.
set -euo pipefail

# Debian packages k8ts needs: etcd (server and etcdctl) for the etcd datastore and its
# tests, sqlite3 to inspect the embedded database; containerd, runc and the CNI plugins to
# run pods; docker-registry, skopeo, umoci, busybox-static and gcc to build and serve the
# test images offline (scripts/images/); iptables, nftables and conntrack for the service
# proxy; curl for health checks. Add new needs here.
DEBIAN_PACKAGES=(etcd-server etcd-client sqlite3 containerd runc containernetworking-plugins docker-registry skopeo
  umoci busybox-static gcc libc6-dev iptables nftables conntrack curl)

cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
if command -v dpkg >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    status=$(dpkg -s "$pkg" 2>/dev/null || true)
    if [[ $status != *"Status: install ok installed"* ]]; then
      missing+=("$pkg")
    fi
  done
else
  echo "setup: no dpkg here; make sure these are installed: ${DEBIAN_PACKAGES[*]}" >&2
fi

if ((${#missing[@]} > 0)); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! command -v sudo >/dev/null 2>&1; then
      echo "setup: root is needed to install ${missing[*]}; run this script as root" >&2
      exit 1
    fi
    as_root=(sudo)
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  # `npm install` rather than `npm ci`: with omit-lockfile-registry-resolved (set on these
  # machines) npm leaves other platforms' optional packages out of the lockfile and `npm ci`
  # then refuses it. The lockfile still pins every version.
  echo "setup: installing npm dependencies (npm install)"
  npm install --no-audit --no-fund
fi

echo "setup: building (npm run build)"
npm run build
