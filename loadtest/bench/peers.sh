#!/usr/bin/env bash
# The gateway against the servers people would otherwise put in front of Redis (issue 19):
#
#   loadtest/bench/peers.sh [--rounds 3] [--warmup 2] [--duration 10] [--keys 10000]
#                           [--connections 64] [--only "nginx webdis lua gateway"]
#                           [--same-process]
#
# Each server runs on loopback with its own config in a temp directory and, except nginx static,
# its own redis-server on a free port, both pinned to CPU 0; `wrk -t1 -cN` runs on CPU 1 with
# the same request script for all (loadtest/bench/peers.lua: GET <prefix><random key>):
#   nginx    nginx, one worker, a static 200-byte body (access log off)
#   webdis   webdis GET /GET/k<n> (one thread)
#   lua      nginx + Lua (lua-nginx-redis) -> Redis GET k<n>, keep-alive pool to Redis
#   gateway  the gateway with the demo's JVM options and configuration (JWT, rate limits, breaker,
#            access log to a file, near cache) reading view rows k<n> of `bench_rows`
#   vertx    not a peer, a reference (--only "nginx vertx gateway"): a plain vert.x server, one
#            event loop, the same 200-byte body for every path, with the gateway's JVM options
#            (`streamgate bench noop-server --body-bytes 200`): the toolkit's own ceiling
# Each round starts every server cold (a fresh process), warms it up (--warmup s of the same
# load, reported as the round's "cold" numbers), then measures (--duration s). With
# --same-process each server is started once and runs all its rounds back to back, as issue 19
# first measured them: round 1's "cold" is the fresh process, later rounds find it warmer.
# Prints per round and, at the end, the medians with the spread (min-max) and the gateway's
# ratios to the peers. "sleeps" is wrk's voluntary context switches per response: a server
# slower than wrk finds it asleep and, on loopback, pays for waking it in its own send call.
# Stops exactly the processes it started. Needs nginx, libnginx-mod-http-lua, lua-nginx-redis,
# webdis, wrk, redis-server, redis-cli, taskset (apt-get install -y ...); none is needed by .ci/run.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
ROUNDS=3; WARMUP=2; DURATION=10; KEYS=10000; CONNECTIONS=64; ONLY="nginx webdis lua gateway"
SAME_PROCESS=false
GATEWAY_JAVA_OPTS="${GATEWAY_JAVA_OPTS:-}"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --same-process) SAME_PROCESS=true; shift ;;
    -h|--help) sed -n '2,/^[^#]/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
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
# shellcheck source=lib.sh
source "$ROOT/loadtest/bench/lib.sh"
COUNT_SLEEPS=true   # run_wrk: wrk's sleeps per response, the last column
trap 'stop_pids "${PIDS[@]}"; keep_gateway_events "$RUN"/gateway-*' EXIT

"$SG" --help >/dev/null   # builds what is missing, before anything is timed
machine_line
BODY="$(python3 -c 'print("x" * 199)')"   # 199 characters + newline = 200 bytes
TOKEN=$(new_token "$RUN/secret")

# nginx_conf DIR PORT TOP HTTP SERVER: one worker in the foreground, everything in DIR.
nginx_conf() {
  cat > "$1/nginx.conf" <<CONF
$3
daemon off; master_process off; worker_processes 1; pid $1/nginx.pid; error_log $1/error.log warn;
events { worker_connections 4096; }
http {
  access_log off; client_body_temp_path $1; proxy_temp_path $1; fastcgi_temp_path $1;
  uwsgi_temp_path $1; scgi_temp_path $1; default_type text/plain; keepalive_requests 1000000;
  $4
  server { listen 127.0.0.1:$2; $5 }
}
CONF
}

# The nginx + Lua handler: GET of the key named by the path on a keep-alive pool to Redis.
lua_location() {
  cat <<LUA
location /k {
      content_by_lua_block {
        local redis = require "nginx.redis"
        local r = redis:new(); r:set_timeout(1000)
        local ok, err = r:connect("127.0.0.1", $1)
        if not ok then ngx.status = 502; ngx.say(err); return end
        local v = r:get(ngx.var.uri:sub(2))
        r:set_keepalive(10000, 128)
        if v == ngx.null then return ngx.exit(404) end
        ngx.print(v)
      }
    }
LUA
}

# start_server NAME ROUND: the server (with its redis) on CPU 0; sets SERVER_PIDS, URL and HEADER.
start_server() {
  local name="$1" dir="$RUN/$1-$2" port
  mkdir -p "$dir"; port=$(free_port); HEADER=""; SERVER_PIDS=()
  if [[ "$name" != nginx && "$name" != vertx ]]; then
    start_redis "$dir" "$KEYS"; SERVER_PIDS+=("$REDIS_PID")
  fi
  case "$name" in
    nginx)
      printf '%s\n' "$BODY" > "$dir/body.txt"
      nginx_conf "$dir" "$port" "" "" "location / { root $dir; try_files /body.txt =404; }"
      taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/k" ;;
    lua)
      nginx_conf "$dir" "$port" "load_module $NDK_MODULE; load_module $LUA_MODULE;" \
        'lua_package_path "/usr/share/lua/5.1/?.lua;;";' "$(lua_location "$REDIS_PORT")"
      taskset -c 0 nginx -p "$dir" -c "$dir/nginx.conf" > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/k" ;;
    webdis)
      cat > "$dir/webdis.json" <<JSON
{ "redis_host": "127.0.0.1", "redis_port": $REDIS_PORT, "http_host": "127.0.0.1", "http_port": $port,
  "threads": 1, "pool_size": 16, "daemonize": false, "websockets": false, "database": 0,
  "verbosity": 1, "logfile": "$dir/webdis.log" }
JSON
      taskset -c 0 webdis "$dir/webdis.json" > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/GET/k" ;;
    vertx)
      # shellcheck disable=SC2086 # the options are words
      taskset -c 0 java ${GATEWAY_JAVA_OPTS:-$DEMO_GATEWAY_JAVA_OPTS} \
        -cp "$ROOT/loadtest/target/classes:$(cat "$ROOT/loadtest/target/runtime-classpath.txt")" \
        io.streamgate.loadtest.bench.BenchMain noop-server --port "$port" --body-bytes 200 \
        > "$dir/stdout.log" 2>&1 & PIDS+=($!); SERVER_PIDS+=($!)
      URL="http://127.0.0.1:$port/k" ;;
    gateway)
      start_gateway "$dir" "$REDIS_PORT" "$RUN/secret"; SERVER_PIDS+=("$GATEWAY_PID")
      wait_http "http://127.0.0.1:$GATEWAY_PORT/health/ready"
      HEADER="Authorization: Bearer $TOKEN"
      URL="http://127.0.0.1:$GATEWAY_PORT/v1/views/bench_rows/k" ;;
  esac
  wait_http "${URL}1" "$HEADER"
}

# load NAME ROUND PHASE SECONDS: one wrk run; appends "name round phase req/s p50 p90 p99 non2xx errors".
load() {
  local line
  line="$1 $2 $3 $(run_wrk "$RUN/$1-$2-$3.wrk.txt" "$4" "$URL" "$HEADER")"
  echo "$line" >> "$RUN/results.txt"
  echo "$line" | awk '{printf "   %-8s round %s %-5s %9.0f req/s  p50 %7.3f  p90 %7.3f  p99 %7.3f ms  non-2xx %s  socket errors %s  sleeps %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}'
}

# measure_round NAME ROUND: the warm-up then the measured run against the running server.
measure_round() {
  load "$1" "$2" cold "$WARMUP"
  load "$1" "$2" warm "$DURATION"
}

if $SAME_PROCESS; then
  for name in $ONLY; do
    echo "== $name: one process, $ROUNDS rounds of ${WARMUP} s warm-up then ${DURATION} s measured, $CONNECTIONS connections"
    start_server "$name" 1
    for ((round = 1; round <= ROUNDS; round++)); do
      measure_round "$name" "$round"
    done
    stop_pids "${SERVER_PIDS[@]}"
  done
else
  for ((round = 1; round <= ROUNDS; round++)); do
    echo "== round $round of $ROUNDS: per server ${WARMUP} s cold (warm-up) then ${DURATION} s measured, $CONNECTIONS connections"
    for name in $ONLY; do
      start_server "$name" "$round"
      measure_round "$name" "$round"
      stop_pids "${SERVER_PIDS[@]}"
    done
  done
fi

python3 - "$RUN/results.txt" <<'EOF'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1]) if l.strip()]
def pick(name, phase, col):
    return [float(r[col]) for r in rows if r[0] == name and r[2] == phase]
names = list(dict.fromkeys(r[0] for r in rows))
def sleeps(name, phase):
    values = [float(r[9]) for r in rows
              if r[0] == name and r[2] == phase and len(r) > 9 and r[9] != "-"]
    return f"{statistics.median(values):.3f}" if values else "-"
print("\n== medians over rounds (spread min-max); 'cold' = each round's warm-up seconds")
print(f"{'server':8} {'phase':5} {'req/s':>22} {'p50 ms':>20} {'p99 ms':>22} {'sleeps':>7}")
med = {}
for n in names:
    for phase in ("cold", "warm"):
        rps, p50, p99 = pick(n, phase, 3), pick(n, phase, 4), pick(n, phase, 6)
        if not rps:
            continue
        med[(n, phase)] = (statistics.median(rps), statistics.median(p99))
        print(f"{n:8} {phase:5} {statistics.median(rps):>9,.0f} ({min(rps):,.0f}-{max(rps):,.0f})"
              f" {statistics.median(p50):>7.2f} ({min(p50):.2f}-{max(p50):.2f})"
              f" {statistics.median(p99):>7.2f} ({min(p99):.2f}-{max(p99):.2f})"
              f" {sleeps(n, phase):>7}")
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
    if ("vertx", "warm") in med:
        print(f"gateway {g / med[('vertx', 'warm')][0]:.2f}x the plain vert.x server"
              " (a reference, not a target)")
    if ("nginx", "warm") in med:
        ratio = gp99 / med[("nginx", "warm")][1]
        print(f"gateway p99 {gp99:.2f} ms = {ratio:.2f}x nginx static p99 (target <= 1.5): {'met' if ratio <= 1.5 else 'NOT met'}")
EOF
echo "(results: $RUN/results.txt)"
