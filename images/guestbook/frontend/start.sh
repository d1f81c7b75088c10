#!/bin/sh
# Starts the Guestbook frontend: busybox httpd in the foreground on port 80 serving /www (the
# page, its script and guestbook.php), logging each request to stderr. The shell stays PID 1
# and stops httpd on SIGTERM, so a pod stops at once (a PID 1 without a handler would ignore
# the signal until the grace period ends).
trap 'kill "$pid" 2>/dev/null; exit 0' TERM INT
httpd -f -v -p 80 -h /www -c /etc/httpd.conf &
pid=$!
wait "$pid"
