#!/usr/bin/env bash
# Event ingest over HTTP into Kafka: events/s accepted (202 = acknowledged by the broker,
# acks=all) and the 202's latency, for single events and for batches, in one run.
#
#   loadtest/bench/ingest.sh [--duration 20] [--connections 64] [--batch 100] [--partitions 4]
#                            [--warmup 15] [--linger MS] [--gateway-cpus 0]
#
# Starts its own Kafka broker (KRaft, from kafka-runtime) and redis-server, registers a stream
# "bench_events" (orders-like schema, key orderId) the way the processor does, and one gateway
# (JWT on, rate limits on with a limit that never rejects) pinned to CPU 0; the broker, Redis and
# wrk share CPU 1. Prints wrk's requests/s and latency for single events, then for batches,
# and the events/s of each. --linger overrides ingest.kafka.lingerMs of the demo config;
# --gateway-cpus 0,1 lets the gateway use both cores (shared with the broker and wrk).
# Needs wrk, redis-server, taskset (apt-get install -y wrk redis-server util-linux) and a built
# tree (./streamgate builds it).
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
DURATION=20; CONNECTIONS=64; BATCH=100; PARTITIONS=4; WARMUP=15; LINGER=""; GATEWAY_CPUS=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --batch) BATCH="$2"; shift 2 ;;
    --partitions) PARTITIONS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --linger) LINGER="$2"; shift 2 ;;
    --gateway-cpus) GATEWAY_CPUS="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ingest.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
for tool in wrk redis-server redis-cli taskset java curl python3; do
  command -v "$tool" >/dev/null || { echo "ingest.sh: $tool not found (apt-get install -y wrk redis-server util-linux curl)" >&2; exit 1; }
done

WORK="$(mktemp -d -t streamgate-ingest-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_port() { # $1 port, $2 what, $3 log
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "ingest.sh: $2 did not start; last lines of $3:" >&2; tail -n 20 "$3" >&2; exit 1
}

"$ROOT/streamgate" --help >/dev/null   # builds what is missing
KAFKA_CP="$(cat "$ROOT/kafka-runtime/target/runtime-classpath.txt")"

echo "== starting redis-server and a Kafka broker on CPU 1"
REDIS_PORT=$(free_port)
taskset -c 1 redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
  --dir "$WORK" --logfile "$WORK/redis.log" --daemonize no & PIDS+=($!)
KAFKA_PORT=$(free_port); CONTROLLER_PORT=$(free_port)
# The harness's broker settings (harness/.../KafkaConfig.java), with PARTITIONS per topic.
cat > "$WORK/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka-data
num.partitions=$PARTITIONS
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4
log.segment.bytes=268435456
num.network.threads=2
num.io.threads=4
PROPS
CLUSTER_ID=$(python3 -c 'import uuid,base64; print(base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=").lstrip("-") or "x")')
java -Xmx256m -cp "$KAFKA_CP" kafka.tools.StorageTool format --cluster-id "$CLUSTER_ID" \
  --config "$WORK/server.properties" > "$WORK/kafka-format.log" 2>&1
taskset -c 1 java -Xms512m -Xmx1g -XX:+UseG1GC -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$KAFKA_CP" kafka.Kafka "$WORK/server.properties" > "$WORK/kafka.log" 2>&1 & PIDS+=($!)
wait_port "$REDIS_PORT" redis-server "$WORK/redis.log"
wait_port "$KAFKA_PORT" "Kafka broker" "$WORK/kafka.log"

# Register the stream as the processor does (contract register_view.lua on sg:streams).
STREAM=bench_events
ENTRY='{"name":"bench_events","topic":"bench_events","fields":[{"name":"orderId","type":"string","required":true},{"name":"userId","type":"string","required":true},{"name":"productId","type":"string","required":true},{"name":"amount","type":"double","required":true},{"name":"status","type":"string","required":true},{"name":"ts","type":"timestamp","required":true}],"key":"orderId","eventTime":"ts","registeredAt":0}'
redis-cli -p "$REDIS_PORT" EVAL "$(cat "$ROOT/contract/src/main/resources/io/streamgate/contract/register_view.lua")" \
  1 sg:streams "$STREAM" "$ENTRY" sg:streams:changes >/dev/null

head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' > "$WORK/secret"
TOKEN=$("$ROOT/streamgate" token --sub bench --scope "events:$STREAM:write" --secret-file "$WORK/secret" 2>/dev/null | tail -n 1)
export TOKEN STREAM

GW_PORT=$(free_port)
MGMT_PORT=$(free_port)   # the management listener serves /metrics
cp "$ROOT/deploy/local/gateway.yaml" "$WORK/gateway.yaml"
[[ -z "$LINGER" ]] || sed -i "s/lingerMs: [0-9]*/lingerMs: $LINGER/" "$WORK/gateway.yaml"
STREAMGATE_HTTP_PORT=$GW_PORT STREAMGATE_MANAGEMENT_PORT=$MGMT_PORT STREAMGATE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT" \
STREAMGATE_JWT_SECRET_FILE="$WORK/secret" STREAMGATE_KAFKA_BOOTSTRAP="127.0.0.1:$KAFKA_PORT" \
  taskset -c "$GATEWAY_CPUS" java -Xms256m -Xmx512m -cp "$ROOT/gateway/target/classes:$(cat "$ROOT/gateway/target/runtime-classpath.txt")" \
  io.streamgate.gateway.GatewayMain --config "$WORK/gateway.yaml" > "$WORK/gateway.log" 2>&1 & PIDS+=($!)
until curl -sf "http://127.0.0.1:$GW_PORT/health/ready" >/dev/null; do sleep 0.2; done
FIRST=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  --data '{"orderId":"o1","userId":"u1","productId":"p1","amount":1.5,"status":"paid","ts":"2026-11-25T10:00:00Z"}' \
  "http://127.0.0.1:$GW_PORT/v1/events/$STREAM")
[[ "$FIRST" == 202 ]] || { echo "ingest.sh: first event answered $FIRST, not 202; gateway log:" >&2; tail -n 20 "$WORK/gateway.log" >&2; exit 1; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); $(date -u +%Y-%m-%dT%H:%MZ)"
run() { # $1 = events per request
  BATCH="$1" && export BATCH
  # Warm-up: JIT (C2 compiles on the gateway's own pinned core) and producer batches.
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$ROOT/loadtest/bench/ingest.lua" "http://127.0.0.1:$GW_PORT" >/dev/null
  echo "== POST /v1/events/$STREAM, $1 event(s) per request, $CONNECTIONS connections, ${DURATION}s, wrk on CPU 1 -> gateway on CPU $GATEWAY_CPUS, Kafka on CPU 1"
  taskset -c 1 wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$ROOT/loadtest/bench/ingest.lua" \
    "http://127.0.0.1:$GW_PORT" | tee "$WORK/wrk.txt"
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  echo "events/s accepted: $(python3 -c "print(f'{$rps*$1:,.0f}')") ($rps requests/s x $1)"
  if grep -q "Non-2xx" "$WORK/wrk.txt"; then echo "WARNING: non-2xx responses (503 = Kafka too slow or in-flight bound), see above"; fi
}
PER_BATCH="$BATCH"
run 1
run "$PER_BATCH"
echo "== gateway metrics (ingest)"
curl -s "http://127.0.0.1:$MGMT_PORT/metrics" | grep -E '^streamgate_ingest_(events_total|ack_seconds_(count|sum))' || true
