#!/usr/bin/env bash
# Filtered reads on a declared index (issue 17): 50 matching rows out of ROWS, in one run.
#
#   loadtest/bench/filter-read.sh [--duration 20] [--connections 32] [--rows 100000] [--groups 2000]
#
# redis-server and the gateway run on CPU 0, wrk on CPU 1. The view is seeded with
# `streamgate seed --rows ROWS --groups GROUP_COUNT` (indexes: [grp], ROWS/GROUP_COUNT rows per group);
# each request is GET /v1/views/bench_rows?limit=50&grp=g<random>. Then the same with point
# reads of single rows, for comparison. Needs redis-server, redis-cli, wrk, taskset, python3.
# STREAMGATE_CLI may name another launcher than ./streamgate (one that does not build first).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
SG="${STREAMGATE_CLI:-$ROOT/streamgate}"
DURATION=20; CONNECTIONS=32; ROWS=100000; GROUP_COUNT=2000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --rows) ROWS="$2"; shift 2 ;;
    --groups) GROUP_COUNT="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "filter-read.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in redis-server redis-cli wrk taskset python3; do
  command -v "$tool" >/dev/null || { echo "filter-read.sh: $tool not found" >&2; exit 1; }
done

RUN="$(mktemp -d -t streamgate-filter-read.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  rm -f "$RUN"/*.log
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$SG" --help >/dev/null   # builds what is missing, before anything is timed
echo "== $(nproc) cores; $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg); run directory $RUN"

REDIS_PORT=$(free_port)
taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$RUN" --logfile "$RUN/redis.log" --daemonize no & PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
"$SG" seed --redis "redis://127.0.0.1:$REDIS_PORT" --rows "$ROWS" --groups "$GROUP_COUNT"
head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$RUN/secret"
TOKEN=$("$SG" token --sub bench --scope views:read --secret-file "$RUN/secret" 2>/dev/null | tail -n 1)

GW_PORT=$(free_port)
sed -e 's/default: { requests: [0-9]*/default: { requests: 1000000000/' \
  "$ROOT/deploy/local/gateway.yaml" > "$RUN/gateway.yaml"
STREAMGATE_HTTP_PORT=$GW_PORT STREAMGATE_MANAGEMENT_PORT=$(free_port) STREAMGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
STREAMGATE_JWT_SECRET_FILE="$RUN/secret" \
  taskset -c 0 java -Xms256m -Xmx512m -XX:+UseG1GC -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
  io.streamgate.gateway.GatewayMain --config "$RUN/gateway.yaml" > "$RUN/gateway.log" 2>&1 & PIDS+=($!)
until curl -sf "http://127.0.0.1:$GW_PORT/health/ready" >/dev/null; do sleep 0.2; done
MATCHES=$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GW_PORT/v1/views/bench_rows?limit=500&grp=g7" \
  | python3 -c 'import json,sys; b=sys.stdin.read(); print(len(json.loads(b)["rows"]) if b.startswith("{\"view") else b)')
echo "== ?grp=g7 matches $MATCHES rows of $ROWS"

echo "== warm-up (10 s), then filtered reads: wrk on CPU 1, $CONNECTIONS connections, ${DURATION}s"
TOKEN=$TOKEN GROUP_COUNT=$GROUP_COUNT taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d10s \
  -s "$ROOT/loadtest/bench/filter-read.lua" "http://127.0.0.1:$GW_PORT" >/dev/null
TOKEN=$TOKEN GROUP_COUNT=$GROUP_COUNT taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  -s "$ROOT/loadtest/bench/filter-read.lua" "http://127.0.0.1:$GW_PORT" | tee "$RUN/filter.txt" \
  | grep -E "Requests/sec| 50%| 99%|Non-2xx|status"

echo "== point reads for comparison (loadtest/bench/rest-read.lua), same setup"
TOKEN=$TOKEN KEYS=$ROWS taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
  -s "$ROOT/loadtest/bench/rest-read.lua" "http://127.0.0.1:$GW_PORT" | tee "$RUN/point.txt" \
  | grep -E "Requests/sec| 50%| 99%|Non-2xx"
