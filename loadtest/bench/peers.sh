#!/usr/bin/env bash
# The gateway against the servers people would otherwise put in front of Redis (issue 19):
#
#   loadtest/bench/peers.sh [--rounds 3] [--warmup 2] [--duration 10] [--keys 10000]
#                           [--connections 64] [--only "nginx webdis lua gateway"]
#
# Each server runs on loopback with its own config in a temp directory and, except nginx static,
# its own redis-server on a free port, both pinned to CPU 0; `wrk -t1 -cN` runs on CPU 1 with
# the same request script for all (loadtest/bench/peers.lua: GET <prefix><random key>):
#   nginx    nginx, one worker, a static 200-byte body (access log off)
#   webdis   webdis GET /GET/k<n> (one thread)
#   lua      nginx + Lua (lua-nginx-redis) -> Redis GET k<n>, keep-alive pool to Redis
#   gateway  the gateway with the demo's JVM options and configuration (JWT, rate limits, breaker,
#            access log to a file, near cache) reading view rows k<n> of `bench_rows`
# Each round starts every server cold (a fresh process), warms it up (--warmup s of the same
# load, reported as the round's "cold" numbers), then measures (--duration s). Prints per round
# and, at the end, the medians with the spread (min-max) and the gateway's ratios to the peers.
# Stops exactly the processes it started. Needs nginx, libnginx-mod-http-lua, lua-nginx-redis,
# webdis, wrk, redis-server, redis-cli, taskset (apt-get install -y ...); none is needed by .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
ROUNDS=3; WARMUP=2; DURATION=10; KEYS=10000; CONNECTIONS=64; ONLY="nginx webdis lua gateway"
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "peers.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in nginx webdis wrk redis-server redis-cli taskset python3 curl; do
  command -v "$tool" >/dev/null || { echo "peers.sh: $tool not found (apt-get install -y nginx libnginx-mod-http-lua lua-nginx-redis webdis wrk redis-server util-linux)" >&2; exit 1; }
done
LUA_MODULE=/usr/lib/nginx/modules/ngx_http_lua_module.so
NDK_MODULE=/usr/lib/nginx/modules/ndk_http_module.so
[[ -f "$LUA_MODULE" && -f /usr/share/lua/5.1/nginx/redis.lua ]] \
  || { echo "peers.sh: nginx's Lua module or nginx.redis missing (apt-get install -y libnginx-mod-http-lua lua-nginx-redis)" >&2; exit 1; }

RUN="$(mktemp -d -t streamgate-peers.XXXXXX)"
PIDS=()
stop_pids() {
  local p
  for p in "$@"; do kill "$p" 2>/dev/null || true; done
  for p in "$@"; do wait "$p" 2>/dev/null || true; done
}
cleanup() {
  stop_pids "${PIDS[@]}"
  local log
  for log in "$RUN"/gateway-*/gateway.log; do # keep the gateway's own lines, not its access log
    [[ -f "$log" ]] && grep -av '^{' "$log" > "${log%.log}-events.txt" && rm -f "$log" || true
  done
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { # url [header]: until it answers 200, 60 s at most
  local i
  for ((i = 0; i < 600; i++)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "$2"} "$1" || true)" == 200 ]] && return 0
    sleep 0.1
  done
  echo "peers.sh: $1 did not answer 200 within 60 s" >&2; return 1
}

"$ROOT/streamgate" --help >/dev/null   # builds what is missing, before anything is timed
echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg); run directory $RUN"
BODY="$(python3 -c 'print("x" * 199)')"   # 199 characters + newline = 200 bytes
head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$RUN/secret"
TOKEN=$("$ROOT/streamgate" token --sub bench --scope views:read --secret-file "$RUN/secret" 2>/dev/null | tail -n 1)

# A redis-server on CPU 0 holding k0..k<KEYS-1> (200-byte values) and, for the gateway, the
# same keys as rows of the view bench_rows. Echoes "PID PORT".
start_redis() {
  local dir="$1" port pid
  port=$(free_port)
  taskset -c 0 redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --daemonize no >/dev/null 2>&1 & pid=$!
  until redis-cli -p "$port" ping >/dev/null 2>&1; do sleep 0.1; done
  python3 -c "
import sys
v = 'x' * 200
for i in range($KEYS):
    k = 'k%d' % i
    sys.stdout.write('*3\r\n\$3\r\nSET\r\n\$%d\r\n%s\r\n\$%d\r\n%s\r\n' % (len(k), k, len(v), v))
" | redis-cli -p "$port" --pipe >/dev/null
  "$ROOT/streamgate" seed --redis "redis://127.0.0.1:$port" --rows "$KEYS" >/dev/null
  echo "$pid $port"
}

# Starts server $1 (with its redis) on CPU 0; sets SERVER_PIDS, URL and HEADER.
start_server() {
  local name="$1" dir="$RUN/$1-$2" port rp redis_pid redis_port
  mkdir -p "$dir"; port=$(free_port); HEADER=""; SERVER_PIDS=()
  if [[ "$name" != nginx ]]; then
    read -r redis_pid redis_port < <(start_redis "$dir")
    PIDS+=("$redis_pid"); SERVER_PIDS+=("$redis_pid")
  fi
  case "$name" in
    nginx)
      printf '%s\n' "$BODY" > "$dir/body.txt"
      cat > "$dir/nginx.conf" <<EOF
daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid; error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
  uwsgi_temp_path $dir; scgi_temp_path $dir; default_type text/plain; keepalive_requests 1000000;
  server { listen 127.0.0.1:$port; location / { root $dir; try_files /body.txt =404; } }
}
EOF
      taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/k" ;;
    lua)
      cat > "$dir/nginx.conf" <<EOF
load_module $NDK_MODULE; load_module $LUA_MODULE;
daemon off; master_process off; worker_processes 1; pid $dir/nginx.pid; error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $dir; proxy_temp_path $dir; fastcgi_temp_path $dir;
  uwsgi_temp_path $dir; scgi_temp_path $dir; default_type text/plain; keepalive_requests 1000000;
  lua_package_path "/usr/share/lua/5.1/?.lua;;";
  server {
    listen 127.0.0.1:$port;
    location /k {
      content_by_lua_block {
        local redis = require "nginx.redis"
        local r = redis:new(); r:set_timeout(1000)
        local ok, err = r:connect("127.0.0.1", $redis_port)
        if not ok then ngx.status = 502; ngx.say(err); return end
        local v = r:get(ngx.var.uri:sub(2))
        r:set_keepalive(10000, 128)
        if v == ngx.null then ngx.exit(404) end
        ngx.print(v)
      }
    }
  }
}
EOF
      taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/k" ;;
    webdis)
      cat > "$dir/webdis.json" <<EOF
{ "redis_host": "127.0.0.1", "redis_port": $redis_port, "http_host": "127.0.0.1", "http_port": $port,
  "threads": 1, "pool_size": 16, "daemonize": false, "websockets": false, "database": 0,
  "verbosity": 1, "logfile": "$dir/webdis.log" }
EOF
      taskset -c 0 webdis "$dir/webdis.json" > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/GET/k" ;;
    gateway)
      # The demo's gateway: its configuration (a default plan that never rejects at these rates)
      # and its JVM options (DemoServices), unless GATEWAY_JAVA_OPTS says otherwise.
      sed -e 's/default: { requests: [0-9]*/default: { requests: 1000000000/' \
        "$ROOT/deploy/local/gateway.yaml" > "$dir/gateway.yaml"
      STREAMGATE_HTTP_PORT=$port STREAMGATE_MANAGEMENT_PORT=$(free_port) \
      STREAMGATE_REDIS_URL="redis://127.0.0.1:$redis_port" STREAMGATE_JWT_SECRET_FILE="$RUN/secret" \
        taskset -c 0 java ${GATEWAY_JAVA_OPTS:--Xms64m -Xmx384m -XX:+UseG1GC} \
        -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
        io.streamgate.gateway.GatewayMain --config "$dir/gateway.yaml" > "$dir/gateway.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      wait_http "http://127.0.0.1:$port/health/ready"
      HEADER="Authorization: Bearer $TOKEN"
      URL="http://127.0.0.1:$port/v1/views/bench_rows/k" ;;
  esac
  wait_http "${URL}1" "$HEADER"
}

# wrk on CPU 1 for $2 seconds against URL; appends "name round phase req/s p50 p90 p99 non2xx" to results.
load() {
  local label="$1" seconds="$2" out
  out="$RUN/${label//\//-}.wrk.txt"
  PREFIX="$URL" KEYS="$KEYS" HEADER="$HEADER" taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" \
    --latency -s "$ROOT/loadtest/bench/peers.lua" "$URL" > "$out"
  python3 - "$out" "$label" >> "$RUN/results.txt" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
def ms(p):
    m = re.search(r'^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$' % p, text, re.M)
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == 'us' else v * 1000 if u == 's' else v
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', text).group(1))
bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', text)
err = re.search(r'Socket errors: (.*)', text)
print(sys.argv[2].replace('/', ' '), f"{rps:.0f} {ms(50):.3f} {ms(90):.3f} {ms(99):.3f}",
      int(bad.group(1)) if bad else 0, (err.group(1).replace(' ', '') if err else '-'))
EOF
  tail -n 1 "$RUN/results.txt" | awk '{printf "   %-8s round %s %-8s %9.0f req/s  p50 %7.3f  p90 %7.3f  p99 %7.3f ms  non-2xx %s  socket errors %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9}'
}

for ((round = 1; round <= ROUNDS; round++)); do
  echo "== round $round of $ROUNDS: per server ${WARMUP} s cold (warm-up) then ${DURATION} s measured, $CONNECTIONS connections"
  for name in $ONLY; do
    start_server "$name" "$round"
    load "$name/$round/cold" "$WARMUP"
    load "$name/$round/warm" "$DURATION"
    stop_pids "${SERVER_PIDS[@]}"
  done
done

python3 - "$RUN/results.txt" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def pick(name, phase, col):
    return [float(r[col]) for r in rows if r[0] == name and r[2] == phase]
names = list(dict.fromkeys(r[0] for r in rows))
print("\n== medians over rounds (spread min-max); 'cold' = the warm-up seconds of a fresh process")
print(f"{'server':8} {'phase':5} {'req/s':>22} {'p50 ms':>20} {'p99 ms':>22}")
med = {}
for n in names:
    for phase in ("cold", "warm"):
        rps, p50, p99 = pick(n, phase, 3), pick(n, phase, 4), pick(n, phase, 6)
        if not rps:
            continue
        med[(n, phase)] = (statistics.median(rps), statistics.median(p99))
        print(f"{n:8} {phase:5} {statistics.median(rps):>9,.0f} ({min(rps):,.0f}-{max(rps):,.0f})"
              f" {statistics.median(p50):>7.2f} ({min(p50):.2f}-{max(p50):.2f})"
              f" {statistics.median(p99):>7.2f} ({min(p99):.2f}-{max(p99):.2f})")
round1 = [r for r in rows if r[1] == '1' and r[2] == 'cold']
if round1:
    print("first round, cold: " + "; ".join(f"{r[0]} {float(r[3]):,.0f} req/s p99 {float(r[6]):.1f} ms" for r in round1))
if ("gateway", "warm") in med:
    g, gp99 = med[("gateway", "warm")]
    targets = {"nginx": (0.75, "x nginx static (target >= 0.75)"), "lua": (3, "x nginx+Lua (target >= 3)"),
               "webdis": (2, "x webdis (target >= 2)")}
    for peer, (goal, text) in targets.items():
        if (peer, "warm") in med:
            ratio = g / med[(peer, "warm")][0]
            print(f"gateway {ratio:.2f}{text}: {'met' if ratio >= goal else 'NOT met'}")
    if ("nginx", "warm") in med:
        ratio = gp99 / med[("nginx", "warm")][1]
        print(f"gateway p99 {gp99:.2f} ms = {ratio:.2f}x nginx static p99 (target <= 1.5): {'met' if ratio <= 1.5 else 'NOT met'}")
EOF
echo "(results: $RUN/results.txt)"
