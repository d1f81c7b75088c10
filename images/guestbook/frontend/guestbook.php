#!/bin/sh
# The Guestbook's API, run by busybox httpd as a CGI script through /bin/sh (httpd.conf maps
# *.php to it). It answers like the classic Guestbook frontend's guestbook.php:
#   GET guestbook.php?cmd=get&key=K          -> {"data": "<value of K>"}  (read from a follower)
#   GET guestbook.php?cmd=set&key=K&value=V  -> {"message": "Updated"}    (written to the leader)
# and {"error": "..."} with a 4xx/5xx status otherwise.
# Redis addresses: the Services redis-leader and redis-follower by name (cluster DNS), or with
# GET_HOSTS_FROM=env the REDIS_LEADER_SERVICE_HOST/_PORT and REDIS_FOLLOWER_SERVICE_HOST/_PORT
# variables. Nothing from the request is ever evaluated: parameters are URL-decoded by
# `httpd -d` and handed to redis-cli as single arguments after the command name, and the
# value read back is encoded as JSON by redis-cli itself (--json).
set -f

# respond STATUS BODY: writes the CGI answer and ends the script.
respond() {
  printf 'Status: %s\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n%s\n' "$1" "$2"
  exit 0
}

# fail STATUS MESSAGE: answers {"error": MESSAGE}, without control characters.
fail() {
  respond "$1" "{\"error\": \"$(printf '%s' "$2" | tr -d '\000-\037' | sed 's/[\\"]/\\&/g')\"}"
}

# param NAME: sets $value to the URL-decoded query parameter NAME (the first one); fails
# when the query string has none.
param() {
  local pair IFS='&'
  for pair in ${QUERY_STRING:-}; do
    case $pair in
      "$1")
        value=
        return 0
        ;;
      "$1="*)
        # The dot keeps the value's trailing newlines from the command substitution.
        value=$(httpd -d "${pair#*=}" && echo .)
        value=${value%.}
        return 0
        ;;
    esac
  done
  return 1
}

# redis HOST PORT [OPTION...] COMMAND [ARG...]: runs one command with redis-cli; sets $out
# to the reply, or to the error message when it fails (error replies included).
redis() {
  local host=$1 port=$2
  shift 2
  if [ -z "$host" ]; then
    out='no Redis address: GET_HOSTS_FROM=env needs REDIS_LEADER_SERVICE_HOST and REDIS_FOLLOWER_SERVICE_HOST'
    return 1
  fi
  if ! out=$(timeout 10 redis-cli -e -h "$host" -p "$port" "$@" 2>&1 </dev/null); then
    [ -n "$out" ] || out="no answer from Redis at $host:$port"
    return 1
  fi
}

if [ "${GET_HOSTS_FROM:-dns}" = env ]; then
  leader=${REDIS_LEADER_SERVICE_HOST:-} leader_port=${REDIS_LEADER_SERVICE_PORT:-6379}
  follower=${REDIS_FOLLOWER_SERVICE_HOST:-} follower_port=${REDIS_FOLLOWER_SERVICE_PORT:-6379}
else
  leader=redis-leader leader_port=6379
  follower=redis-follower follower_port=6379
fi

param cmd || fail '400 Bad Request' 'missing query parameter: cmd'
cmd=$value
param key || fail '400 Bad Request' 'missing query parameter: key'
key=$value
[ -n "$key" ] || fail '400 Bad Request' 'empty query parameter: key'

case $cmd in
  set)
    param value || fail '400 Bad Request' 'missing query parameter: value'
    redis "$leader" "$leader_port" SET "$key" "$value" || fail '503 Service Unavailable' "$out"
    respond '200 OK' '{"message": "Updated"}'
    ;;
  get)
    redis "$follower" "$follower_port" --json GET "$key" || fail '503 Service Unavailable' "$out"
    # A missing key reads as an empty string, like the classic frontend.
    [ "$out" != null ] || out='""'
    respond '200 OK' "{\"data\": $out}"
    ;;
  *)
    fail '400 Bad Request' 'unknown cmd: want get or set'
    ;;
esac
