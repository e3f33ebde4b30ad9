#!/usr/bin/env bash
# Filtered reads on a declared index (issue 17): 50 matching rows out of ROWS, in one run.
#
#   loadtest/bench/filter-read.sh [--duration 20] [--connections 32] [--rows 100000] [--groups 2000]
#
# redis-server and the gateway run on CPU 0, wrk on CPU 1. The view is seeded with
# `streamgate seed --rows ROWS --groups GROUP_COUNT` (indexes: [grp], ROWS/GROUP_COUNT rows per group);
# each request is GET /v1/views/bench_rows?limit=50&grp=g<random>. Then the same with point
# reads of single rows, for comparison. Needs redis-server, redis-cli, wrk, taskset, python3.
# STREAMGATE_CLI may name another launcher than ./streamgate (one that does not build first);
# GATEWAY_JAVA_OPTS the gateway's JVM options (default: the demo's).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
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
# shellcheck source=lib.sh
source "$ROOT/loadtest/bench/lib.sh"
trap 'stop_pids "${PIDS[@]}"; keep_gateway_events "$RUN"; rm -f "$RUN"/*.log' EXIT

"$SG" --help >/dev/null   # builds what is missing, before anything is timed
machine_line
start_redis "$RUN" "$ROWS" --groups "$GROUP_COUNT"
TOKEN=$(new_token "$RUN/secret")
start_gateway "$RUN" "$REDIS_PORT" "$RUN/secret"
GW_PORT=$GATEWAY_PORT
wait_http "http://127.0.0.1:$GW_PORT/health/ready"
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
