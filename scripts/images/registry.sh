#!/usr/bin/env bash
# A local OCI registry on loopback for test and example images (Debian's docker-registry
# with a configuration of our own: 127.0.0.1 only, no auth, filesystem storage).
#   registry.sh start|stop|status     (K8TS_REGISTRY_DIR, K8TS_REGISTRY_ADDR to override)
set -euo pipefail
DIR=${K8TS_REGISTRY_DIR:-/var/lib/k8ts-registry}
ADDR=${K8TS_REGISTRY_ADDR:-127.0.0.1:5000}
PIDFILE=$DIR/registry.pid

running() { [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

case ${1:-status} in
  start)
    if running; then echo "registry: already running at $ADDR (pid $(cat "$PIDFILE"))"; exit 0; fi
    mkdir -p "$DIR/storage"
    cat > "$DIR/config.yml" <<CFG
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $DIR/storage
  delete:
    enabled: true
http:
  addr: $ADDR
CFG
    docker-registry serve "$DIR/config.yml" >> "$DIR/registry.log" 2>&1 &
    echo $! > "$PIDFILE"
    for _ in $(seq 1 100); do
      if curl -fsS "http://$ADDR/v2/" >/dev/null 2>&1; then echo "registry: serving at $ADDR (pid $(cat "$PIDFILE"))"; exit 0; fi
      sleep 0.1
    done
    echo "registry: did not answer at $ADDR; see $DIR/registry.log" >&2
    exit 1
    ;;
  stop)
    if running; then
      pid=$(cat "$PIDFILE")
      kill "$pid"
      for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
    echo "registry: stopped"
    ;;
  status)
    if running; then echo "registry: running at $ADDR (pid $(cat "$PIDFILE"))"; else echo "registry: not running"; exit 1; fi
    ;;
  *) echo "usage: registry.sh start|stop|status" >&2; exit 2 ;;
esac
