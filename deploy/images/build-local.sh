#!/usr/bin/env bash
# Builds the gateway and stream-processor images with Jib's `jib:buildTar` on a machine that
# reaches no container registry (and has no Docker daemon), then checks what was built:
#   1. deploy/images/build-base.sh: a JRE 17 base image tar from this machine's JDK (jlink);
#   2. mvn jib:buildTar -Djib.from.image=tar://<base> for both modules;
#   3. deploy/images/check-image.py: user, ports, entrypoint, labels, layer contents;
#   4. with --smoke (root, Linux): unpacks the gateway image into a root file system and runs
#      its entrypoint there as the image's user (chroot; /proc bind-mounted in a private mount
#      namespace) against a redis-server of its own, checks /health/live and /health/ready,
#      then sends SIGTERM and expects a clean exit.
# The processor image is built on the same local base only to check its layout: its real base is
# apache/spark (the pom's <from>), which needs a registry. Where one is reachable, drop
# -Djib.from.image and use `jib:build -Dimage=...` to push (docs/operations.md "Images").
set -euo pipefail

usage() {
  cat <<USAGE
Usage: deploy/images/build-local.sh [--smoke] [--rebuild-base] [--help]
  --smoke         also run the gateway image (needs root, unshare, chroot, redis-server, curl)
  --rebuild-base  rebuild target/images/jre17-base.tar even if it exists
Writes gateway/target/jib-image.tar and stream-processor/target/jib-image.tar.
Needs the modules' dependencies installed once: mvn -B -o install -DskipTests
USAGE
}

smoke=false
rebuild=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=true; shift ;;
    --rebuild-base) rebuild=true; shift ;;
    --help|-h) usage; exit 0 ;;
    *) echo "build-local.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
base="$root/target/images/jre17-base.tar"
# The root pom's first <version> is the project's (modules inherit it).
version="$(sed -n 's:^  <version>\(.*\)</version>:\1:p' pom.xml | head -1)"

if $rebuild || [[ ! -f "$base" ]]; then
  echo "== base image"
  deploy/images/build-base.sh --out "$base"
fi

echo "== gateway image (jib:buildTar on tar://$base)"
mvn -B -q -pl gateway compile jib:buildTar -Djib.from.image="tar://$base"
echo "== stream-processor image (jib:buildTar, profile spark-image, on the local base)"
mvn -B -q -pl stream-processor -Pspark-image package jib:buildTar -DskipTests \
  -Djib.from.image="tar://$base"

echo "== checks"
python3 deploy/images/check-image.py gateway/target/jib-image.tar \
  --user 65532:65532 --port 8080 --main io.streamgate.gateway.GatewayMain \
  --file /etc/streamgate/gateway.yaml --file /app/jib-classpath-file
python3 deploy/images/check-image.py stream-processor/target/jib-image.tar \
  --user 185:185 --inherit-entrypoint \
  --file "/opt/streamgate/classpath/streamgate-stream-processor-$version.jar" \
  --file /opt/streamgate/libs/spark-sql-kafka-0-10_2.13-4.2.0.jar --file /checkpoints/README.txt \
  --no-file '/opt/streamgate/libs/spark-core*' --no-file '/opt/streamgate/libs/spark-sql_*' \
  --no-file '/opt/streamgate/libs/hadoop-*'

$smoke || { echo "images built and checked (add --smoke to run the gateway image)"; exit 0; }

echo "== smoke run of the gateway image"
[[ "$(id -u)" == 0 ]] || { echo "build-local.sh: --smoke needs root (chroot, mount)" >&2; exit 1; }
work="$(mktemp -d)"
redis_pid=""
gateway_pid=""
cleanup() {
  [[ -n "$gateway_pid" ]] && kill -KILL "$gateway_pid" 2>/dev/null || true
  [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

mkdir -p "$work/image" "$work/rootfs"
tar -xf gateway/target/jib-image.tar -C "$work/image"
for layer in $(python3 -c "import json,sys; print(' '.join(json.load(open(sys.argv[1]))[0]['Layers']))" "$work/image/manifest.json"); do
  tar -xf "$work/image/$layer" -C "$work/rootfs" 2>/dev/null
done
mkdir -p "$work/rootfs/proc" "$work/rootfs/etc/streamgate/jwt"
head -c 32 /dev/urandom | base64 > "$work/rootfs/etc/streamgate/jwt/hs256.secret"

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --logfile "$work/redis.log" &
redis_pid=$!
http_port="$(free_port)"
mapfile -t entrypoint < <(python3 -c "import json,sys; c=json.load(open(sys.argv[1])); print('\n'.join(c['config']['Entrypoint']))" "$work/image/config.json")
user="$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['config']['User'])" "$work/image/config.json")"
echo "running ${entrypoint[*]} as $user on port $http_port (redis $redis_port)"
env -i PATH=/opt/java/bin:/usr/bin:/bin JAVA_HOME=/opt/java \
  STREAMGATE_CONFIG=/etc/streamgate/gateway.yaml \
  STREAMGATE_REDIS_URL="redis://127.0.0.1:$redis_port" STREAMGATE_HTTP_PORT="$http_port" \
  STREAMGATE_MANAGEMENT_PORT="$(free_port)" \
  unshare --mount --fork --kill-child sh -c \
  'r="$0"; u="$1"; shift; mount --rbind /proc "$r/proc" && cd "$r" && exec /usr/sbin/chroot --userspec="$u" "$r" "$@"' \
  "$work/rootfs" "$user" "${entrypoint[@]}" > "$work/gateway.log" 2>&1 &
launcher=$!
for _ in $(seq 1 120); do
  gateway_pid="$(ps -o pid= --ppid "$launcher" | tr -d ' ' | head -1 || true)"
  if curl -fs "http://127.0.0.1:$http_port/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$launcher" 2>/dev/null || { cat "$work/gateway.log"; echo "gateway image exited early" >&2; exit 1; }
  sleep 0.5
done
live="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health/live")"
ready="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health/ready")"
run_user="$(ps -o user= -p "$gateway_pid" | tr -d ' ' || true)"
echo "/health/live $live, /health/ready $ready, process user $run_user"
kill -TERM "$gateway_pid"
status=0
wait "$launcher" || status=$?
gateway_pid=""
grep -q "gateway ready on" "$work/gateway.log" || { cat "$work/gateway.log"; exit 1; }
if [[ "$live" != 200 || "$ready" != 200 || "$run_user" == root || "$run_user" == 0 ]]; then
  cat "$work/gateway.log"; echo "smoke run FAILED" >&2; exit 1
fi
echo "gateway image smoke run OK (exit status after SIGTERM: $status)"
