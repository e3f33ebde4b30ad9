#!/usr/bin/env bash
# The round-1 WebSocket fan-out check as one command (issues 5 and 19): 10,000 WebSockets on one
# gateway, p99 written -> received <= 50 ms with a heap <= 512 MB.
#
#   loadtest/bench/ws-fanout.sh [--connections 10000] [--rate 1000] [--seconds 30] [--keys 1000]
#
# Starts redis-server and a gateway (`-Xms512m -Xmx512m -XX:+UseG1GC`, GATEWAY_JAVA_OPTS
# overrides them; the demo's configuration with push.maxSocketsPerPrincipal raised to fit) on
# CPU 0, then WsFanoutSmoke (gateway test classes) on CPU 1: it registers a view of --keys rows,
# opens --connections WebSockets subscribed to one key each (spread evenly), writes --rate rows/s
# through the contract's write script for --seconds s and reports updates received, closes and
# written -> received latency. Prints the gateway's heap after its last collection (GC log) and
# its RSS. Needs the ulimit for open files above the connections. Keep --connections a multiple
# of --keys: the expected update count assumes every key has as many subscribers. Stops exactly
# what it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
CONNECTIONS=10000; RATE=1000; DURATION=30; KEYS=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --seconds) DURATION="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ws-fanout.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in redis-server redis-cli taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "ws-fanout.sh: $tool not found (apt-get install -y redis-server util-linux)" >&2; exit 1; }
done
if (( $(ulimit -n) < CONNECTIONS + 1000 )); then
  echo "ws-fanout.sh: open files limit $(ulimit -n) is below $CONNECTIONS connections + 1000; raise it (ulimit -n)" >&2
  exit 1
fi

RUN="$(mktemp -d -t streamgate-ws-fanout.XXXXXX)"
PIDS=()
# shellcheck source=lib.sh
source "$ROOT/loadtest/bench/lib.sh"
trap 'stop_pids "${PIDS[@]}"; keep_gateway_events "$RUN"' EXIT

"$SG" --help >/dev/null   # builds what is missing, before anything is timed
[[ -d "$ROOT/gateway/target/test-classes/io/streamgate/gateway/push" ]] \
  || (cd "$ROOT" && mvn -B -q -o -pl gateway test-compile)
machine_line
TOKEN=$(new_token "$RUN/secret")
start_redis "$RUN" 1
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:--Xms512m -Xmx512m -XX:+UseG1GC} -Xlog:gc:file=$RUN/gc.txt"
# One principal opens every socket here.
start_gateway "$RUN" "$REDIS_PORT" "$RUN/secret" \
  "s/^push:\$/push:\n  maxSocketsPerPrincipal: $((CONNECTIONS * 2))/"
grep -q '^  maxSocketsPerPrincipal:' "$RUN/gateway.yaml" || {
  echo "ws-fanout.sh: found no 'push:' section in deploy/local/gateway.yaml to raise push.maxSocketsPerPrincipal in" >&2
  exit 1
}
wait_http "http://127.0.0.1:$GATEWAY_PORT/health/ready" "" 120
echo "== gateway ($GATEWAY_JAVA_OPTS) ready; $CONNECTIONS WebSockets, $RATE changes/s for $DURATION s over $KEYS keys"

CP="$ROOT/gateway/target/test-classes:$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")"
taskset -c 1 java -Xmx1g -cp "$CP" io.streamgate.gateway.push.WsFanoutSmoke "$GATEWAY_PORT" \
  "redis://127.0.0.1:$REDIS_PORT" sg "$TOKEN" "$CONNECTIONS" "$RATE" "$DURATION" "$KEYS"

rss_kb=$(awk '/^VmRSS/ {print $2}' "/proc/$GATEWAY_PID/status")
last_gc=$(grep -E 'Pause (Young|Full)' "$RUN/gc.txt" | tail -n 1 || true)
echo "== gateway heap after its last collection: ${last_gc:-no collection logged}"
echo "== gateway RSS $((rss_kb / 1024)) MB (GC log: $RUN/gc.txt)"
