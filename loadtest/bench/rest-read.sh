#!/usr/bin/env bash
# Gateway point reads vs the store's own ceiling, on this machine, in one run.
#
#   loadtest/bench/rest-read.sh [--duration 20] [--connections 64] [--keys 10000]
#
# Starts its own redis-server and one gateway (JWT on, rate limits on with a limit that never
# rejects, breaker on), pinned to CPU 0; the load generators (redis-benchmark, wrk) run on CPU 1.
# Prints redis-benchmark GET/s, then gateway reads/s and latency with the near cache on (the
# default) and off (every read goes to Redis), and the ratios. Needs wrk and redis-benchmark
# (apt-get install -y wrk redis-tools) and a built tree (./streamgate builds it).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DURATION=20; CONNECTIONS=64; KEYS=10000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rest-read.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in wrk redis-benchmark redis-server taskset; do
  command -v "$tool" >/dev/null || { echo "rest-read.sh: $tool not found (apt-get install -y wrk redis-tools util-linux)" >&2; exit 1; }
done

WORK="$(mktemp -d -t streamgate-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$ROOT/streamgate" --help >/dev/null   # builds what is missing
REDIS_PORT=$(free_port)
taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$WORK" --logfile "$WORK/redis.log" --daemonize no & PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
"$ROOT/streamgate" seed --redis "redis://127.0.0.1:$REDIS_PORT" --rows "$KEYS"
head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$WORK/secret"
TOKEN=$("$ROOT/streamgate" token --sub bench --scope views:read --secret-file "$WORK/secret" 2>/dev/null | tail -n 1)
export TOKEN KEYS

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ)"
echo "== redis-benchmark GET, $CONNECTIONS connections, CPU 1 -> redis on CPU 0"
taskset -c 1 redis-benchmark -p "$REDIS_PORT" -t get -c "$CONNECTIONS" -n 400000 -r "$KEYS" -q | tr '\r' '\n' | grep -v '^$' | tail -n 1 | tee "$WORK/redis.txt"
CEILING=$(grep -oE '[0-9.]+ requests per second' "$WORK/redis.txt" | cut -d' ' -f1)

run_gateway() { # $1 = label, $2 = revalidateAfterMs
  local port; port=$(free_port)
  sed -e "s/revalidateAfterMs: .*/revalidateAfterMs: $2/" "$ROOT/deploy/local/gateway.yaml" > "$WORK/gateway.yaml"
  STREAMGATE_HTTP_PORT=$port STREAMGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
  STREAMGATE_JWT_SECRET_FILE="$WORK/secret" \
    taskset -c 0 java -Xms256m -Xmx512m -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
    io.streamgate.gateway.GatewayMain --config "$WORK/gateway.yaml" > "$WORK/gateway-$port.log" 2>&1 & local gw=$!
  PIDS+=($gw)
  until curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
  # Warm-up: JIT and near cache. C2 compiles on the gateway's own pinned core; after 5 s it was
  # still taking a third of it, and measured throughput tripled between 5 s and 15 s of warm-up.
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d15s -s "$ROOT/loadtest/bench/rest-read.lua" "http://127.0.0.1:$port" >/dev/null
  echo "== gateway point reads, $1, $CONNECTIONS connections, ${DURATION}s, wrk on CPU 1 -> gateway + redis on CPU 0"
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/loadtest/bench/rest-read.lua" \
    "http://127.0.0.1:$port" | tee "$WORK/wrk.txt"
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  echo "ratio to redis-benchmark GET: $(python3 -c "print(f'{$rps/$CEILING:.2f}')") ($rps / $CEILING)"
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "WARNING: non-2xx responses, see above"; fi
  kill "$gw"; wait "$gw" 2>/dev/null || true
}
run_gateway "near cache on (default)" 30000
run_gateway "near cache off (revalidateAfterMs 0)" 0
