#!/usr/bin/env bash
# Builds a small JRE base image as a Docker-format tar (the layout `docker save` writes) from the
# JDK on this machine, without a Docker daemon or a registry:
#   jlink'd Java 17 runtime (no AWT/X11) + the shared libraries it links + /etc/passwd with a
#   `nonroot` user (65532, as in distroless) + a writable /tmp.
# Jib reads it as a base image with `-Djib.from.image=tar://<file>` (build-local.sh does that).
# The result is for proving the image build here (CI, offline machines); where a registry is
# reachable, the poms' published bases (eclipse-temurin:17-jre, apache/spark) are the ones to use.
set -euo pipefail

usage() {
  cat <<USAGE
Usage: deploy/images/build-base.sh [--out FILE] [--help]
  --out FILE   where to write the image tar (default: target/images/jre17-base.tar)
Needs: a JDK 17 with jlink (JAVA_HOME or on PATH), GNU tar, sha256sum, ldd, python3.
USAGE
}

root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/target/images/jre17-base.tar"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --help|-h) usage; exit 0 ;;
    *) echo "build-base.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

jlink_bin="${JAVA_HOME:+$JAVA_HOME/bin/}jlink"
command -v "$jlink_bin" >/dev/null || { echo "build-base.sh: jlink not found (install a JDK 17, set JAVA_HOME)" >&2; exit 1; }
java_version="$("${JAVA_HOME:+$JAVA_HOME/bin/}java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/{print $2}')"
[[ "$java_version" == "17" ]] || { echo "build-base.sh: need JDK 17, found $java_version" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"/{opt,etc,tmp,usr/lib/x86_64-linux-gnu,usr/lib64,home/nonroot}
ln -s usr/lib "$rootfs/lib"
ln -s usr/lib64 "$rootfs/lib64"
chmod 1777 "$rootfs/tmp"

# Modules the gateway and the processor's client side need; java.desktop (AWT, X11) is left out.
modules=java.base,java.logging,java.naming,java.management,java.management.rmi,java.net.http
modules+=,java.sql,java.xml,java.scripting,java.security.jgss,java.security.sasl,java.instrument
modules+=,jdk.unsupported,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.zipfs,jdk.management
modules+=,jdk.naming.dns,jdk.localedata,jdk.charsets,jdk.jfr,jdk.management.jfr,jdk.httpserver
echo "jlink: Java $java_version runtime with $modules"
"$jlink_bin" --add-modules "$modules" --include-locales=en --strip-debug --no-man-pages \
  --no-header-files --compress=2 --output "$rootfs/opt/java"

# Shared libraries the runtime links (glibc, zlib, libstdc++ ...), from this machine.
echo "copying shared libraries the runtime links"
mapfile -t libs < <(find "$rootfs/opt/java" \( -name '*.so' -o -path '*/bin/*' \) -type f \
  -exec ldd {} \; 2>/dev/null | awk '/=> \//{print $3} /^\t\/lib/{print $1}' | sort -u \
  | grep -v "^$rootfs")
for lib in "${libs[@]}"; do
  real="$(readlink -f "$lib")"
  dest="$rootfs/usr/lib/x86_64-linux-gnu/$(basename "$real")"
  cp -L "$real" "$dest"
  [[ "$(basename "$lib")" != "$(basename "$real")" ]] \
    && ln -sf "$(basename "$real")" "$rootfs/usr/lib/x86_64-linux-gnu/$(basename "$lib")"
done
ln -sf ../lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$rootfs/usr/lib64/ld-linux-x86-64.so.2"

cat > "$rootfs/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat > "$rootfs/etc/group" <<GROUP
root:x:0:
nobody:x:65534:
nonroot:x:65532:
GROUP
echo "hosts: files dns" > "$rootfs/etc/nsswitch.conf"

# One layer, reproducible: fixed owner and mtime, sorted names.
# /home/nonroot is appended last with its own owner (--owner applies to a whole tar run).
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00Z' \
  --exclude=./home/nonroot -C "$rootfs" -cf "$work/layer.tar" .
tar --owner=65532 --group=65532 --numeric-owner --mtime='2026-01-01 00:00Z' --no-recursion \
  -C "$rootfs" -rf "$work/layer.tar" ./home/nonroot
diff_id="sha256:$(sha256sum "$work/layer.tar" | cut -d' ' -f1)"

python3 - "$work" "$diff_id" "$java_version" <<'PY'
import json, sys
work, diff_id, version = sys.argv[1:4]
config = {
  "architecture": "amd64", "os": "linux",
  "created": "2026-01-01T00:00:00Z",
  "config": {
    "User": "65532:65532",
    "Env": ["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
    "WorkingDir": "/home/nonroot",
    "Labels": {"org.opencontainers.image.title": "streamgate jre" + version + " base (local)",
               "org.opencontainers.image.description":
                 "jlink'd Java runtime on the build machine's glibc; built by deploy/images/build-base.sh"},
  },
  "rootfs": {"type": "layers", "diff_ids": [diff_id]},
  "history": [{"created": "2026-01-01T00:00:00Z", "created_by": "deploy/images/build-base.sh"}],
}
with open(f"{work}/config.json", "w") as f:
  json.dump(config, f, indent=1)
with open(f"{work}/manifest.json", "w") as f:
  json.dump([{"Config": "config.json", "RepoTags": ["streamgate/jre-base:17-local"],
              "Layers": ["layer.tar"]}], f)
PY

mkdir -p "$(dirname "$out")"
tar --owner=0 --group=0 --numeric-owner --mtime='2026-01-01 00:00Z' \
  -C "$work" -cf "$out" manifest.json config.json layer.tar
echo "base image: $out ($(du -h "$out" | cut -f1), layer $diff_id)"
