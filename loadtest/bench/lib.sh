# Shared by the scripts of loadtest/bench (sourced; needs ROOT and RUN set and a PIDS array that
# the caller's exit trap stops). Everything measured runs on CPU 0, wrk on CPU 1. STREAMGATE_CLI
# may name another launcher than ./streamgate (one that does not build first).
SG="${STREAMGATE_CLI:-$ROOT/streamgate}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_http URL [HEADER] [SECONDS=60]: until URL answers 200.
wait_http() {
  local i tries=$(( ${3:-60} * 20 ))
  for ((i = 0; i < tries; i++)); do
    [[ "$(curl -s -o /dev/null -w '%{http_code}' ${2:+-H "$2"} "$1" || true)" == 200 ]] && return 0
    sleep 0.05
  done
  echo "$(basename "$0"): $1 did not answer 200 within ${3:-60} s" >&2; return 1
}

# stop_pids PID...: TERM each and wait for it, the last started first (a server before its
# Redis, so it does not log a lost store on the way out).
stop_pids() {
  local i
  for ((i = $# ; i > 0; i--)); do
    kill "${!i}" 2>/dev/null || true
    wait "${!i}" 2>/dev/null || true
  done
}

# start_redis DIR KEYS [SEED_ARG...]: a redis-server on CPU 0 holding k0..k<KEYS-1> as 200-byte
# strings and, for the gateway, the same keys as rows of the view bench_rows (`streamgate seed
# --rows KEYS SEED_ARG...`, e.g. --groups 2000). Sets REDIS_PID and REDIS_PORT.
start_redis() {
  local dir="$1" keys="$2"; shift 2
  REDIS_PORT=$(free_port)
  taskset -c 0 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$dir" --logfile "$dir/redis.log" --daemonize no >/dev/null 2>&1 & REDIS_PID=$!
  PIDS+=("$REDIS_PID")
  until redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; do sleep 0.1; done
  python3 -c "
import sys
v = 'x' * 200
for i in range($keys):
    k = 'k%d' % i
    sys.stdout.write('*3\r\n\$3\r\nSET\r\n\$%d\r\n%s\r\n\$%d\r\n%s\r\n' % (len(k), k, len(v), v))
" | redis-cli -p "$REDIS_PORT" --pipe >/dev/null
  "$SG" seed --redis "redis://127.0.0.1:$REDIS_PORT" --rows "$keys" "$@" >/dev/null
}

# The JVM options of the demo's gateway (cli DemoServices), unless GATEWAY_JAVA_OPTS says otherwise.
DEMO_GATEWAY_JAVA_OPTS="-Xms384m -Xmx384m -XX:+AlwaysPreTouch -XX:+UseG1GC"

# start_gateway DIR REDIS_PORT SECRET_FILE [SED_EXPR]: the gateway on CPU 0 with the demo's
# configuration (a default plan that never rejects at these rates; access log to
# DIR/gateway.log; SED_EXPR edits it further) and JVM options. Sets GATEWAY_PID and GATEWAY_PORT;
# returns once the process runs (not when ready).
start_gateway() {
  local dir="$1" redis_port="$2" secret="$3" edit="${4:-}"
  GATEWAY_PORT=$(free_port)
  sed -e 's/default: { requests: [0-9]*/default: { requests: 1000000000/' ${edit:+-e "$edit"} \
    "$ROOT/deploy/local/gateway.yaml" > "$dir/gateway.yaml"
  # shellcheck disable=SC2086 # the options are words
  STREAMGATE_HTTP_PORT=$GATEWAY_PORT STREAMGATE_MANAGEMENT_PORT=$(free_port) \
  STREAMGATE_REDIS_URL="redis://127.0.0.1:$redis_port" STREAMGATE_JWT_SECRET_FILE="$secret" \
    taskset -c 0 java ${GATEWAY_JAVA_OPTS:-$DEMO_GATEWAY_JAVA_OPTS} \
    -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
    io.streamgate.gateway.GatewayMain --config "$dir/gateway.yaml" > "$dir/gateway.log" 2>&1 &
  GATEWAY_PID=$!
  PIDS+=("$GATEWAY_PID")
}

# keep_gateway_events DIR...: the gateway's own log lines, without its access log (GBs at peak).
keep_gateway_events() {
  local dir
  for dir in "$@"; do
    [[ -f "$dir/gateway.log" ]] || continue
    grep -av '^{' "$dir/gateway.log" > "$dir/gateway-events.txt" || true
    rm -f "$dir/gateway.log"
  done
}

# run_wrk OUT SECONDS URL [HEADER]: wrk -t1 -c$CONNECTIONS on CPU 1, GET URL<random key>
# (loadtest/bench/peers.lua); prints "req/s p50 p90 p99 non2xx socket-errors sleeps" (ms).
# sleeps, with COUNT_SLEEPS=true ("-" otherwise; it starts wrk ~20 ms later): wrk's voluntary
# context switches per response. A server slower than wrk finds it asleep and, on loopback,
# pays for waking it inside its own send call.
run_wrk() {
  local out="$1" seconds="$2" url="$3" header="${4:-}"
  local wrk=(wrk -t1 -c"$CONNECTIONS" -d"${seconds}s" --latency
    -s "$ROOT/loadtest/bench/peers.lua" "$url")
  if [[ "${COUNT_SLEEPS:-false}" == true ]]; then
    PREFIX="$url" KEYS="$KEYS" HEADER="$header" taskset -c 1 python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    subprocess.run(sys.argv[2:], stdout=out)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_nvcsw)' "$out" "${wrk[@]}" > "$out.sleeps"
  else
    PREFIX="$url" KEYS="$KEYS" HEADER="$header" taskset -c 1 "${wrk[@]}" > "$out"
    echo - > "$out.sleeps"
  fi
  python3 - "$out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
sleeps = open(sys.argv[1] + ".sleeps").read().split()[0]
def ms(p):
    m = re.search(r'^\s*%s%%\s+([\d.]+)(us|ms|s)\s*$' % p, text, re.M)
    if not m:
        return float('nan')
    v, u = float(m.group(1)), m.group(2)
    return v / 1000 if u == 'us' else v * 1000 if u == 's' else v
rps = re.search(r'Requests/sec:\s+([\d.]+)', text)
bad = re.search(r'Non-2xx or 3xx responses:\s+(\d+)', text)
err = re.search(r'Socket errors: (.*)', text)
done = re.search(r'(\d+) requests in', text)
print(f"{float(rps.group(1)) if rps else 0:.0f} {ms(50):.3f} {ms(90):.3f} {ms(99):.3f}",
      int(bad.group(1)) if bad else 0, (err.group(1).replace(' ', '') if err else '-'),
      f"{int(sleeps) / int(done.group(1)):.3f}" if sleeps != "-" and done and int(done.group(1))
      else "-")
PY
}

# new_token SECRET_FILE: a fresh signing secret in SECRET_FILE and a views:read token for it.
new_token() {
  head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$1"
  "$SG" token --sub bench --scope views:read --secret-file "$1" 2>/dev/null | tail -n 1
}

machine_line() {
  echo "== $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ); load $(cut -d' ' -f1-3 /proc/loadavg); run directory $RUN"
}
