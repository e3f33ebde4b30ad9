#!/usr/bin/env bash
# GraphQL point queries beside REST point reads, in one run on this machine (issue 17):
#
#   loadtest/bench/graphql.sh [--duration 20] [--warmup 10] [--connections 64] [--keys 10000] [--rounds 2]
#
# redis-server and the gateway run on CPU 0, wrk on CPU 1. The gateway runs the demo's
# configuration and JVM options (JWT, rate limits raised so they never reject, breaker, access
# log, near cache; GATEWAY_JAVA_OPTS overrides the JVM options).
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
# shellcheck source=lib.sh
source "$ROOT/loadtest/bench/lib.sh"
trap 'stop_pids "${PIDS[@]}"; keep_gateway_events "$RUN"; rm -f "$RUN"/*.log' EXIT

"$SG" --help >/dev/null   # builds what is missing, before anything is timed
machine_line
start_redis "$RUN" "$KEYS"
TOKEN=$(new_token "$RUN/secret")
start_gateway "$RUN" "$REDIS_PORT" "$RUN/secret"
TARGET="http://127.0.0.1:$GATEWAY_PORT"
wait_http "$TARGET/health/ready"

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
