#!/usr/bin/env bash
# GraphQL point queries beside REST point reads, in one run on this machine (issue 17):
#
#   loadtest/bench/graphql.sh [--duration 20] [--warmup 10] [--connections 64] [--keys 10000] [--rounds 2]
#
# redis-server and the gateway run on CPU 0, wrk on CPU 1. The gateway runs the demo's
# configuration (JWT, rate limits raised so they never reject, breaker, access log, near cache).
# After a warm-up of each, the two loads alternate for --rounds rounds of --duration seconds:
#   REST     GET /v1/views/bench_rows/k<random>                      (rest-read.lua)
#   GraphQL  POST /v1/graphql query($k: String!) { bench_rows(key: $k) { key version updatedAt n label } }
#            with {"k": "k<random>"}
#            (graphql-read.lua: the same row, every field)
# and a summary prints requests/s and latency of each and their ratio.
# Needs redis-server, redis-cli, wrk, taskset, python3 (apt-get install -y redis-tools wrk util-linux).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DURATION=20; WARMUP=10; CONNECTIONS=64; KEYS=10000; ROUNDS=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "graphql.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in redis-server redis-cli wrk taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "graphql.sh: $tool not found (apt-get install -y redis-tools wrk util-linux)" >&2; exit 1; }
done

RUN="$(mktemp -d -t streamgate-graphql.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  [[ -f "$RUN/gateway.log" ]] && grep -av '^{' "$RUN/gateway.log" > "$RUN/gateway-events.txt" || true
  rm -f "$RUN"/*.log
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

"$ROOT/streamgate" --help >/dev/null   # builds what is missing, before anything is timed
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg); run directory $RUN"

REDIS_PORT=$(free_port)
taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$RUN" --logfile "$RUN/redis.log" --daemonize no & PIDS+=($!)
until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
"$ROOT/streamgate" seed --redis "redis://127.0.0.1:$REDIS_PORT" --rows "$KEYS" >/dev/null
head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$RUN/secret"
TOKEN=$("$ROOT/streamgate" token --sub bench --scope views:read --secret-file "$RUN/secret" 2>/dev/null | tail -n 1)

GW_PORT=$(free_port)
sed -e 's/default: { requests: [0-9]*/default: { requests: 1000000000/' \
  "$ROOT/deploy/local/gateway.yaml" > "$RUN/gateway.yaml"
STREAMGATE_HTTP_PORT=$GW_PORT STREAMGATE_MANAGEMENT_PORT=$(free_port) STREAMGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
STREAMGATE_JWT_SECRET_FILE="$RUN/secret" \
  taskset -c 0 java -Xms256m -Xmx512m -XX:+UseG1GC -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
  io.streamgate.gateway.GatewayMain --config "$RUN/gateway.yaml" > "$RUN/gateway.log" 2>&1 & GW_PID=$!
PIDS+=($GW_PID)
until curl -sf "http://127.0.0.1:$GW_PORT/health/ready" >/dev/null; do sleep 0.2; done
TARGET="http://127.0.0.1:$GW_PORT"

# One query by hand first: a wrong answer must not be benchmarked.
ANSWER=$(curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "$TARGET/v1/graphql" \
  -d '{"query":"{ bench_rows(key: \"k1\") { key version n label } }"}')
echo "   $ANSWER"
[[ "$ANSWER" == *'"key":"k1"'* && "$ANSWER" != *'"errors"'* ]] || { echo "graphql.sh: the GraphQL query failed" >&2; exit 1; }

load() { # NAME SCRIPT SECONDS
  TOKEN=$TOKEN KEYS=$KEYS taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${3}s" --latency \
    -s "$ROOT/loadtest/bench/$2" "$TARGET" > "$RUN/$1.txt"
}
echo "== warm-up: ${WARMUP}s of each"
load warm-rest rest-read.lua "$WARMUP"; load warm-graphql graphql-read.lua "$WARMUP"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round: REST, then GraphQL, ${DURATION}s each, $CONNECTIONS connections"
  load "rest-$round" rest-read.lua "$DURATION"; grep -E "Requests/sec|Non-2xx" "$RUN/rest-$round.txt"
  load "graphql-$round" graphql-read.lua "$DURATION"; grep -E "Requests/sec|Non-2xx|graphql errors" "$RUN/graphql-$round.txt"
done

python3 - "$RUN" "$ROUNDS" <<'PY'
import re, sys
run, rounds = sys.argv[1], int(sys.argv[2])
def parse(name):
    text = open(f"{run}/{name}.txt").read()
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)", text, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    gql = re.search(r"graphql errors: (\d+)", text)
    return rate, pct(50), pct(99), int(bad.group(1)) if bad else 0, int(gql.group(1)) if gql else 0
print("\n== summary (wrk on CPU 1; gateway and redis on CPU 0)")
print("| round | REST req/s | REST p50 / p99 ms | GraphQL req/s | GraphQL p50 / p99 ms | GraphQL / REST | errors |")
print("|---|---|---|---|---|---|---|")
for r in range(1, rounds + 1):
    rest, gql = parse(f"rest-{r}"), parse(f"graphql-{r}")
    print(f"| {r} | {rest[0]:,.0f} | {rest[1]:.2f} / {rest[2]:.2f} | {gql[0]:,.0f} | "
          f"{gql[1]:.2f} / {gql[2]:.2f} | {gql[0] / rest[0]:.2f} | {rest[3] + gql[3] + gql[4]} |")
PY
