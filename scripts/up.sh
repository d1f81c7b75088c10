#!/usr/bin/env bash
# Quick start: sets up whatever is missing (scripts/setup.sh), then runs a k8ts server in
# the foreground until Ctrl-C. Arguments go to `k8ts server`, e.g. --data-dir /tmp/k8ts
# (the default data directory is /var/lib/k8ts).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
# The images pods use without internet, served from a registry on 127.0.0.1:5000.
scripts/images/registry.sh start
scripts/images/build.sh
exec bin/k8ts server "$@"
