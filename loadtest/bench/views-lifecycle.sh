#!/usr/bin/env bash
# Issue 15's benchmark and acceptance run: views published, altered and dropped on a running demo
# that is never restarted, with the numbers BENCHMARKS.md reports.
#
#   loadtest/bench/views-lifecycle.sh [--events 100000] [--state-dir /tmp/sg-views-bench]
#                                     [--port-block FIRST]
#
# Starts `./streamgate demo --no-generator` (retire grace 30 s) in its own state directory,
# produces --events orders, waits for the views, then:
#   1. alters user_totals (adds `biggest`) while an order is posted every 200 ms through the
#      gateway and timed until order_status serves it: time to v2 serving, backfill events/s,
#      order_status p50/p99 and the longest gap between two updates seen, before the apply (its
#      usual gaps), during the backfill and after the switch;
#   2. checks every user's totals over REST (v2) against totals computed from the topic;
#   3. publishes a new aggregate view: time to its first row served;
#   4. drops it: time until it answers 404 (grace 30 s);
# then stops the demo. Needs python3, curl and a built tree (./streamgate builds it).
# --port-block FIRST runs the demo on five consecutive ports from FIRST (gateway, management,
# Kafka, Redis, processor metrics) instead of its own 8080, 9090, 19092, 16379 and 9464, so a
# demo already running on the machine is left alone.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
HERE="$ROOT/loadtest/bench/views"
EVENTS=100000; STATE=/tmp/sg-views-bench; PORTS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --events) EVENTS="$2"; shift 2 ;;
    --state-dir) STATE="$2"; shift 2 ;;
    --port-block) PORTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "views-lifecycle.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
SG="$ROOT/streamgate"
DEMO_PORTS=(); CLI_KAFKA=(); API=http://localhost:8080
if [[ -n "$PORTS" ]]; then
  DEMO_PORTS=(--port "$PORTS" --management-port "$((PORTS + 1))" --kafka-port "$((PORTS + 2))"
    --redis-port "$((PORTS + 3))" --processor-metrics-port "$((PORTS + 4))")
  CLI_KAFKA=(--bootstrap "127.0.0.1:$((PORTS + 2))")
  API="http://localhost:$PORTS"
  export STREAMGATE_ADMIN_URL="http://127.0.0.1:$((PORTS + 1))"
fi
WORK="$(mktemp -d -t sg-views-bench.XXXXXX)"
DEMO_PID=""
stop_demo() {
  if [[ -n "$DEMO_PID" ]] && kill -0 "$DEMO_PID" 2>/dev/null; then
    kill -INT "$DEMO_PID"; wait "$DEMO_PID" 2>/dev/null || true
  fi
}
trap stop_demo EXIT
now() { date +%s.%N; }
since() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

echo "== demo (--no-generator, retire grace 30 s), state $STATE"
STREAMGATE_RETIRE_GRACE="30 seconds" "$SG" demo --state-dir "$STATE" --fresh --no-generator --startup-timeout 900 ${DEMO_PORTS[@]+"${DEMO_PORTS[@]}"} \
  > "$WORK/demo.log" 2>&1 &
DEMO_PID=$!
until grep -q "Streamgate demo ready" "$WORK/demo.log"; do
  kill -0 "$DEMO_PID" 2>/dev/null || { tail -20 "$WORK/demo.log"; exit 1; }
  sleep 1
done
TOKEN=$("$SG" token --sub bench --scope "views:read events:orders:write" --state-dir "$STATE" 2>/dev/null | tail -1)
get() { curl -s -H "Authorization: Bearer $TOKEN" "$@"; }

echo "== $EVENTS orders into the topic"
python3 "$HERE/orders.py" "$EVENTS" "$WORK/orders.jsonl"
"$SG" produce ${CLI_KAFKA[@]+"${CLI_KAFKA[@]}"} orders < "$WORK/orders.jsonl" > /dev/null
until [[ "$(get -o /dev/null -w '%{http_code}' "$API/v1/views/order_status/bulk-$((EVENTS - 1))")" == 200 ]]; do sleep 1; done

cat > "$WORK/alter.yaml" <<'EOF'
views:
  user_totals:
    description: Orders, total spend and biggest order per user
    key: userId
    sql: SELECT userId, count(*) AS orders, round(sum(amount), 2) AS total, round(max(amount), 2) AS biggest FROM orders WHERE status = 'created' GROUP BY userId
    kind: aggregate
EOF
echo "== alter user_totals while orders trickle in"
python3 "$HERE/trickle.py" "$API" "$TOKEN" "$WORK/trickle.jsonl" 100 > "$WORK/trickle.out" &
TRICKLE=$!
sleep 20 # the baseline: order_status's usual gaps, before the apply
T0=$(now)
"$SG" views apply -f "$WORK/alter.yaml" --state-dir "$STATE"
until get -D - -o /dev/null "$API/v1/views/user_totals/user-0001" \
    | tr -d '\r' | grep -qi '^streamgate-view-version: 2$'; do sleep 0.2; done
SWITCH=$(since "$T0")
T1=$(now)
wait "$TRICKLE"
cp "$WORK/trickle.jsonl" "$STATE/trickle.jsonl" # each post's send time and latency, kept for a closer look
echo "v2 serves user_totals $SWITCH s after the apply ($EVENTS events backfilled:" \
  "$(python3 -c "print(round($EVENTS / $SWITCH))") events/s including planning and the switch)"
cat "$WORK/trickle.out"
python3 - "$WORK/trickle.jsonl" "$T0" "$T1" <<'EOF'
# The same measures before the apply (the usual gaps), during the backfill and after the switch.
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
apply, switch = float(sys.argv[2]), float(sys.argv[3])
for name, lo, hi in (("before the apply", 0, apply), ("during the backfill", apply, switch),
                     ("after the switch", switch, float("inf"))):
    part = [r for r in rows if lo <= r["t"] < hi]
    seen = sorted(r["t"] + r["latency"] for r in part)
    if len(seen) < 2:
        print(f"order_status {name}: fewer than 2 updates"); continue
    lat = sorted(r["latency"] for r in part)
    print(f"order_status {name}: {len(part)} updates, p50 {lat[len(lat)//2]*1000:.0f} ms, "
          f"p99 {lat[int(len(lat)*0.99)]*1000:.0f} ms, longest gap between two updates seen "
          f"{max(b - a for a, b in zip(seen, seen[1:])):.2f} s")
EOF

echo "== totals over REST against the topic"
"$SG" consume ${CLI_KAFKA[@]+"${CLI_KAFKA[@]}"} orders --from-beginning --timeout 8 > "$WORK/topic.jsonl" 2>/dev/null
python3 - "$WORK/topic.jsonl" "$TOKEN" "$API" <<'EOF'
import json, sys, urllib.request
totals = {}
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e.get("status") == "created":
        t = totals.setdefault(e["userId"], [0, 0.0, 0.0])
        t[0] += 1; t[1] += e["amount"]; t[2] = max(t[2], e["amount"])
keys, bad, versions = sorted(totals), 0, set()
for i in range(0, len(keys), 100):
    chunk = keys[i:i + 100]
    req = urllib.request.Request(sys.argv[3] + "/v1/views/user_totals?keys=" + ",".join(chunk),
                                 headers={"Authorization": "Bearer " + sys.argv[2]})
    resp = urllib.request.urlopen(req)
    versions.add(resp.headers.get("Streamgate-View-Version"))
    got = {r["key"]: r["value"] for r in json.load(resp)["rows"]}
    for u in chunk:
        n, s, m = totals[u]; v = got.get(u)
        if v is None or v["orders"] != n or abs(v["total"] - round(s, 2)) > 0.011 or abs(v["biggest"] - round(m, 2)) > 0.001:
            bad += 1
print(f"{len(keys)} users, {bad} mismatches, answered by view version(s) {sorted(versions)}")
sys.exit(1 if bad else 0)
EOF

cat > "$WORK/new.yaml" <<'EOF'
views:
  orders_by_status:
    key: status
    sql: SELECT status, count(*) AS events, round(sum(amount), 2) AS amount FROM orders GROUP BY status
    kind: aggregate
EOF
echo "== publish a new aggregate view"
T0=$(now)
"$SG" views apply -f "$WORK/new.yaml" --state-dir "$STATE"
until [[ "$(get -o /dev/null -w '%{http_code}' "$API/v1/views/orders_by_status/created")" == 200 ]]; do sleep 0.2; done
echo "orders_by_status: first row served $(since "$T0") s after the apply"

echo "== drop it"
T0=$(now)
"$SG" views drop orders_by_status --state-dir "$STATE"
until [[ "$(get -o /dev/null -w '%{http_code}' "$API/v1/views/orders_by_status/created")" == 404 ]]; do sleep 0.5; done
echo "orders_by_status: 404 $(since "$T0") s after the drop (grace 30 s)"
"$SG" views list --state-dir "$STATE"
