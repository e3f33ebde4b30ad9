#!/usr/bin/env bash
# How fast a new gateway is from its first second (issue 19): cold start -> /health/ready ->
# wrk second by second, against the same gateway's warm throughput.
#
#   loadtest/bench/first-second.sh [--seconds 10] [--warm 30] [--keys 10000] [--connections 64]
#
# Starts redis-server (KEYS rows of bench_rows) and a gateway with the demo's configuration and
# JVM options (GATEWAY_JAVA_OPTS overrides them) on CPU 0, polls /health/ready every 50 ms, and
# the moment it is ready runs `wrk -t1 -cN` on CPU 1 for 1 s, --seconds times in a row (random
# point reads with a bearer token: JWT, limits, breaker, access log, near cache). Then it keeps
# the load on for --warm s and measures 10 s more: the warm reference. Prints each second's
# requests/s (and % of warm) and p99, and whether second 5 reaches the target: >= 80 % of warm
# throughput with p99 <= 10 ms. Stops exactly the processes it started.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
SECONDS_AFTER=10; WARM=30; KEYS=10000; CONNECTIONS=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_AFTER="$2"; shift 2 ;;
    --warm) WARM="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "first-second.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in wrk redis-server redis-cli taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "first-second.sh: $tool not found (apt-get install -y wrk redis-server util-linux)" >&2; exit 1; }
done

RUN="$(mktemp -d -t streamgate-first-second.XXXXXX)"
PIDS=()
# shellcheck source=lib.sh
source "$ROOT/loadtest/bench/lib.sh"
trap 'stop_pids "${PIDS[@]}"; keep_gateway_events "$RUN"' EXIT

"$SG" --help >/dev/null   # builds what is missing, before anything is timed
machine_line
TOKEN=$(new_token "$RUN/secret")
HEADER="Authorization: Bearer $TOKEN"
start_redis "$RUN" "$KEYS"

started=$(date +%s.%N)
start_gateway "$RUN" "$REDIS_PORT" "$RUN/secret"
wait_http "http://127.0.0.1:$GATEWAY_PORT/health/ready" "" 120
ready=$(date +%s.%N)
echo "== gateway (${GATEWAY_JAVA_OPTS:-$DEMO_GATEWAY_JAVA_OPTS}) ready $(python3 -c "print(round($ready - $started, 2))") s after its start"
URL="http://127.0.0.1:$GATEWAY_PORT/v1/views/bench_rows/k"
for ((s = 1; s <= SECONDS_AFTER; s++)); do
  echo "$s $(run_wrk "$RUN/second-$s.wrk.txt" 1 "$URL" "$HEADER")" >> "$RUN/seconds.txt"
done
run_wrk "$RUN/warming.wrk.txt" "$WARM" "$URL" "$HEADER" > /dev/null
WARM_LINE=$(run_wrk "$RUN/warm.wrk.txt" 10 "$URL" "$HEADER")

python3 - "$RUN/seconds.txt" "$WARM_LINE" "$WARM" <<'EOF'
import sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
warm = sys.argv[2].split()
warm_rps, warm_p99 = float(warm[0]), float(warm[3])
print(f"{'second after ready':>18} {'req/s':>9} {'of warm':>8} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
first_ok = None
for r in rows:
    s, rps, p50, p99, bad = int(r[0]), float(r[1]), float(r[2]), float(r[4]), r[5]
    ok = rps >= 0.8 * warm_rps and p99 <= 10
    if ok and first_ok is None:
        first_ok = s
    print(f"{s:>18} {rps:>9,.0f} {100 * rps / warm_rps:>7.0f}% {p50:>8.2f} {p99:>8.2f} {bad:>8}{'  ok' if ok else ''}")
print(f"warm (10 s after {sys.argv[3]} s of load): {warm_rps:,.0f} req/s, p50 {float(warm[1]):.2f} ms, p99 {warm_p99:.2f} ms")
fifth = next((r for r in rows if int(r[0]) == 5), None)
if fifth:
    met = float(fifth[1]) >= 0.8 * warm_rps and float(fifth[4]) <= 10
    print(f"second 5 after ready: {100 * float(fifth[1]) / warm_rps:.0f} % of warm, p99 {float(fifth[4]):.2f} ms"
          f" (target >= 80 %, <= 10 ms): {'met' if met else 'NOT met'}; first second meeting it: {first_ok or 'none'}")
EOF
echo "(run directory: $RUN)"
