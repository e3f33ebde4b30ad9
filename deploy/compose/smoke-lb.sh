#!/usr/bin/env bash
# Runs compose's load balancer setup without Docker: three gateways (from gateway/target, on
# loopback ports) over one redis-server, behind HAProxy with deploy/compose/haproxy.cfg (server
# addresses rewritten to the loopback ports), then checks that
#   1. requests through the balancer reach all three gateways (their access logs);
#   2. when one gateway gets SIGTERM under traffic, no request through the balancer fails and
#      HAProxy's health check (GET /health/ready) marks that gateway DOWN.
# Needs: haproxy (apt-get install haproxy), redis-server, curl, python3, and the gateway built
# (mvn -B -o install -DskipTests). Everything it starts is stopped on exit.
set -euo pipefail

usage() {
  echo "Usage: deploy/compose/smoke-lb.sh [--help]"
  echo "Runs 3 gateways + redis-server + HAProxy on loopback ports and checks balancing and failover."
}
[[ "${1:-}" == "--help" || "${1:-}" == "-h" ]] && { usage; exit 0; }
[[ $# -eq 0 ]] || { echo "smoke-lb.sh: unknown argument '$1' (see --help)" >&2; exit 2; }

root="$(cd "$(dirname "$0")/../.." && pwd)"
for tool in haproxy redis-server curl python3 java; do
  command -v "$tool" >/dev/null || { echo "smoke-lb.sh: $tool not found" >&2; exit 1; }
done
[[ -f "$root/gateway/target/runtime-classpath.txt" ]] \
  || { echo "smoke-lb.sh: build the gateway first: mvn -B -o install -DskipTests" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  sleep 0.5
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # URL, seconds
  for _ in $(seq 1 $(( $2 * 4 ))); do
    curl -fs -o /dev/null "$1" && return 0
    sleep 0.25
  done
  echo "smoke-lb.sh: $1 did not answer 200 within $2 s" >&2
  return 1
}

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --logfile "$work/redis.log" &
pids+=($!)

head -c 32 /dev/urandom | base64 > "$work/hs256.secret"
classpath="$root/gateway/target/classes:$(cat "$root/gateway/target/runtime-classpath.txt")"
cfg="$(cat "$root/deploy/compose/haproxy.cfg")"
declare -A gateway_pid gateway_port
for n in 1 2 3; do
  port="$(free_port)"
  gateway_port[$n]=$port
  STREAMGATE_CONFIG="$root/deploy/compose/gateway.yaml" STREAMGATE_HTTP_HOST=127.0.0.1 \
    STREAMGATE_HTTP_PORT="$port" STREAMGATE_REDIS_URL="redis://127.0.0.1:$redis_port" \
    STREAMGATE_JWT_SECRET_FILE="$work/hs256.secret" \
    java -XX:TieredStopAtLevel=1 -Xmx256m -cp "$classpath" io.streamgate.gateway.GatewayMain \
    > "$work/gateway-$n.log" 2>&1 &
  gateway_pid[$n]=$!
  pids+=($!)
  cfg="${cfg//gateway-$n:8080/127.0.0.1:$port}"
done
lb_port="$(free_port)"
monitor_port="$(free_port)"
cfg="${cfg//bind :8080/bind 127.0.0.1:$lb_port}"
cfg="${cfg//bind :8404/bind 127.0.0.1:$monitor_port}"
printf '%s\n' "$cfg" > "$work/haproxy.cfg"

for n in 1 2 3; do wait_http "http://127.0.0.1:${gateway_port[$n]}/health/ready" 120; done
echo "gateways ready on ports ${gateway_port[1]} ${gateway_port[2]} ${gateway_port[3]} (redis $redis_port)"
haproxy -db -f "$work/haproxy.cfg" > "$work/haproxy.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$monitor_port/healthz" 10
sleep 3  # rise 2 × inter 2 s: every backend checked UP before traffic

# 1. Balancing: leastconn spreads 60 sequential requests over all three.
for _ in $(seq 1 60); do curl -fs -o /dev/null "http://127.0.0.1:$lb_port/health/live"; done
for n in 1 2 3; do
  hits=$(grep -c '"path":"/health/live"' "$work/gateway-$n.log" || true)
  echo "gateway-$n served $hits of 60"
  [[ "$hits" -gt 0 ]] || { echo "FAILED: gateway-$n got no traffic through the balancer" >&2; exit 1; }
done

# 2. Failover: SIGTERM gateway-1 while 8 s of requests (~20/s) go through the balancer.
python3 - "$lb_port" > "$work/traffic.txt" <<'PY' &
import sys, time, urllib.request
port = sys.argv[1]
ok = failed = 0
end = time.time() + 8
while time.time() < end:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=5) as r:
            ok += r.status == 200
            failed += r.status != 200
    except Exception as e:
        failed += 1
    time.sleep(0.05)
print(ok, failed)
PY
traffic=$!
sleep 2
echo "SIGTERM to gateway-1 (pid ${gateway_pid[1]})"
kill -TERM "${gateway_pid[1]}"
wait "$traffic"
read -r ok failed < "$work/traffic.txt"
echo "through the balancer during the shutdown: $ok answered 200, $failed failed"
if grep -q "gateway-1 is DOWN" "$work/haproxy.log"; then
  echo "haproxy: $(grep -o 'Server gateways/gateway-1 is DOWN[^.]*' "$work/haproxy.log" | head -1)"
else
  cat "$work/haproxy.log"; echo "FAILED: haproxy did not mark gateway-1 DOWN" >&2; exit 1
fi
[[ "$failed" -eq 0 && "$ok" -gt 50 ]] || { echo "FAILED: requests failed during failover" >&2; exit 1; }
echo "load balancer smoke test OK"
