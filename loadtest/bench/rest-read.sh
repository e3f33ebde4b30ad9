#!/usr/bin/env bash
# The gateway's read-path benchmark (issue 4), in one run on this machine:
#
#   loadtest/bench/rest-read.sh [--duration 20] [--warmup 15] [--connections 64] [--keys 10000]
#
# What is measured runs on CPU 0 (redis-server, and either a bare Vert.x server or the gateway);
# every load generator runs on CPU 1. Steps:
#   1. redis-benchmark GET, N connections: the store's own ceiling (the reference of the ratio)
#   2. ./streamgate bench noop against a bare Vert.x HTTP server (200 "ok"): HTTP on this core
#   3. ./streamgate bench rest-read, closed model: the gateway's peak point reads over KEYS
#      random keys, JWT on, rate limits on (a limit that never rejects), breaker on
#   4. the same, open model at half of that peak: latency from each request's intended send time
#   5. wrk with the same requests, if installed: a second opinion on 3
# Prints a summary with the ratios at the end; the run directory keeps every results.json.
# Needs redis-server, redis-benchmark and taskset (apt-get install -y redis-tools util-linux).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DURATION=20; WARMUP=15; CONNECTIONS=64; KEYS=10000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rest-read.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in redis-benchmark redis-server redis-cli taskset python3; do
  command -v "$tool" >/dev/null || { echo "rest-read.sh: $tool not found (apt-get install -y redis-tools util-linux)" >&2; exit 1; }
done

RUN="$(mktemp -d -t streamgate-rest-read.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  # Keep the gateway's own log lines and GC log; drop the access log (a GB a minute at peak).
  [[ -f "$RUN/gateway.log" ]] && grep -av '^{' "$RUN/gateway.log" > "$RUN/gateway-events.txt" || true
  rm -f "$RUN"/*.log
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
field() { python3 -c "import json,sys; r=json.load(open('$1')); print(eval(sys.argv[1]))" "$2"; }
bench() { taskset -c 1 "$ROOT/streamgate" bench "$@" --duration "${DURATION}s" --warmup "${WARMUP}s"; }

"$ROOT/streamgate" --help >/dev/null   # builds what is missing, before anything is timed
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg); run directory $RUN"

REDIS_PORT=$(free_port)
taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$RUN" --logfile "$RUN/redis.log" --daemonize no & PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
"$ROOT/streamgate" seed --redis "redis://127.0.0.1:$REDIS_PORT" --rows "$KEYS" >/dev/null
head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$RUN/secret"
TOKEN=$("$ROOT/streamgate" token --sub bench --scope views:read --secret-file "$RUN/secret" 2>/dev/null | tail -n 1)

echo "== 1. redis-benchmark GET, $CONNECTIONS connections (CPU 1 -> redis on CPU 0)"
taskset -c 1 redis-benchmark -p "$REDIS_PORT" -t get -c "$CONNECTIONS" -n 2000000 -r "$KEYS" -q \
  | tr '\r' '\n' | grep -v '^$' | tail -n 1 | tee "$RUN/redis.txt"
REDIS=$(grep -oE '[0-9.]+ requests per second' "$RUN/redis.txt" | cut -d' ' -f1)

echo "== 2. bare Vert.x HTTP server on CPU 0, ./streamgate bench noop, $CONNECTIONS connections"
NOOP_PORT=$(free_port)
taskset -c 0 "$ROOT/streamgate" bench noop-server --port "$NOOP_PORT" > "$RUN/noop-server.log" 2>&1 & NOOP_PID=$!
PIDS+=($NOOP_PID)
until curl -s "http://127.0.0.1:$NOOP_PORT/" >/dev/null; do sleep 0.2; done
bench noop --target "http://127.0.0.1:$NOOP_PORT/" --connections "$CONNECTIONS" --out "$RUN/noop" | tail -n 4
NOOP=$(field "$RUN/noop/results.json" "r['achievedRate']")
NOOP_WRK=0
if command -v wrk >/dev/null; then # the bench tool may be what limits this one: ask wrk too
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$NOOP_PORT/" > "$RUN/noop-wrk.txt"
  NOOP_WRK=$(awk '/Requests\/sec/ {print $2}' "$RUN/noop-wrk.txt")
  echo "   wrk: $NOOP_WRK requests/s"
fi
kill "$NOOP_PID"; wait "$NOOP_PID" 2>/dev/null || true

echo "== 3. gateway on CPU 0 (with redis), ./streamgate bench rest-read, closed model, $CONNECTIONS connections"
GW_PORT=$(free_port)
# The demo's configuration, with a default plan that never rejects at these rates.
sed -e 's/default: { requests: [0-9]*/default: { requests: 1000000000/' \
  "$ROOT/deploy/local/gateway.yaml" > "$RUN/gateway.yaml"
STREAMGATE_HTTP_PORT=$GW_PORT STREAMGATE_MANAGEMENT_PORT=$(free_port) STREAMGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
STREAMGATE_JWT_SECRET_FILE="$RUN/secret" \
  taskset -c 0 java -Xms256m -Xmx512m -XX:+UseG1GC -Xlog:gc:file="$RUN/gc.txt":uptime -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
  io.streamgate.gateway.GatewayMain --config "$RUN/gateway.yaml" > "$RUN/gateway.log" 2>&1 & GW_PID=$!
PIDS+=($GW_PID)
until curl -sf "http://127.0.0.1:$GW_PORT/health/ready" >/dev/null; do sleep 0.2; done
grep -a "network transport" "$RUN/gateway.log" | sed 's/^.*GatewayMain - /   /' || true
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$GW_PID/stat"; }
GW_TARGET="http://127.0.0.1:$GW_PORT"
bench rest-read --target "$GW_TARGET" --token "$TOKEN" --keys "$KEYS" --connections "$CONNECTIONS" \
  --out "$RUN/closed" > "$RUN/closed.txt" & BENCH_PID=$!
# The gateway's own CPU time over the measured part (after the warm-up): µs per request.
sleep "$WARMUP"; CPU0=$(cpu_seconds); wait "$BENCH_PID"; CPU1=$(cpu_seconds)
tail -n 4 "$RUN/closed.txt"
PEAK=$(field "$RUN/closed/results.json" "r['achievedRate']")
CPU_US=$(python3 -c "print(round(1e6*($CPU1-$CPU0)/($PEAK*$DURATION), 1))")

HALF=$(python3 -c "print(int($PEAK/2))")
echo "== 4. the same, open model at half of that peak: --rate $HALF"
bench rest-read --target "$GW_TARGET" --token "$TOKEN" --keys "$KEYS" --connections "$CONNECTIONS" \
  --rate "$HALF" --out "$RUN/open" | tail -n 4

WRK=""
if command -v wrk >/dev/null; then
  echo "== 5. wrk, $CONNECTIONS connections, same requests (loadtest/bench/rest-read.lua)"
  TOKEN=$TOKEN KEYS=$KEYS taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency \
    -s "$ROOT/loadtest/bench/rest-read.lua" "$GW_TARGET" | tee "$RUN/wrk.txt" | grep -E "Requests/sec|99%|Non-2xx"
  WRK=$(awk '/Requests\/sec/ {print $2}' "$RUN/wrk.txt")
fi

python3 - "$RUN" "$REDIS" "$NOOP" "$PEAK" "${WRK:-0}" "$CPU_US" "$NOOP_WRK" <<'EOF'
import json, sys
run, redis, noop, peak, wrk, cpu_us, noop_wrk = sys.argv[1], *map(float, sys.argv[2:])
closed = json.load(open(f"{run}/closed/results.json"))
opened = json.load(open(f"{run}/open/results.json"))
print("\n== summary (requests/s; ratios to redis-benchmark GET)")
print(f"redis-benchmark GET          {redis:>10,.0f}   1.00")
print(f"bare Vert.x HTTP (noop)      {noop:>10,.0f}   {noop/redis:.2f}")
if noop_wrk:
    print(f"bare Vert.x HTTP, wrk        {noop_wrk:>10,.0f}   {noop_wrk/redis:.2f}")
print(f"gateway, closed model (peak) {peak:>10,.0f}   {peak/redis:.2f}   "
      f"({peak/noop:.2f} of bare Vert.x; p99 {closed['latencyMs']['p99']} ms, "
      f"errors {closed['errors']['total']}; gateway CPU {cpu_us} µs per request)")
print(f"gateway, open model at {opened['requestedRate']:,.0f}/s: achieved "
      f"{opened['achievedRate']:,.0f}/s, p50 {opened['latencyMs']['p50']} ms, "
      f"p99 {opened['latencyMs']['p99']} ms, p99.9 {opened['latencyMs']['p99.9']} ms, "
      f"errors {opened['errors']['total']} {opened['errors']['byKind']}")
if wrk:
    print(f"gateway, wrk                 {wrk:>10,.0f}   {wrk/redis:.2f}"
          + (f"   ({wrk/noop_wrk:.2f} of bare Vert.x with wrk)" if noop_wrk else ""))
EOF
