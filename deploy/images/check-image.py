#!/usr/bin/env python3
"""Checks the config of an image tar written by `jib:buildTar` (Docker format) and prints it.

Usage: check-image.py TAR --user UID:GID [--port N] [--main CLASS | --inherit-entrypoint]
                          [--file PATH]... [--no-file GLOB]...

Exit 0 when every expectation holds, 1 with one line per problem otherwise. No Docker needed:
the tar holds manifest.json, the config JSON and the gzipped layers.
"""
import argparse
import fnmatch
import gzip
import io
import json
import sys
import tarfile


def layer_names(outer, name):
    data = outer.extractfile(name).read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    with tarfile.open(fileobj=io.BytesIO(data)) as layer:
        return [m.name.lstrip("./") for m in layer.getmembers()]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("tar")
    p.add_argument("--user", required=True, help="expected User, e.g. 65532:65532")
    p.add_argument("--port", type=int, action="append", default=[])
    p.add_argument("--main", help="main class the entrypoint must run")
    p.add_argument("--inherit-entrypoint", action="store_true",
                   help="the image keeps its base image's entrypoint (Spark image)")
    p.add_argument("--file", action="append", default=[], help="path that must be in a layer")
    p.add_argument("--no-file", action="append", default=[], help="glob no layer may contain")
    p.add_argument("--label", action="append", default=[], help="OCI label that must be set")
    a = p.parse_args()

    problems = []
    with tarfile.open(a.tar) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))[0]
        config = json.load(outer.extractfile(manifest["Config"]))
        files = set()
        for layer in manifest["Layers"]:
            files.update(layer_names(outer, layer))
    c = config.get("config", {})
    user = c.get("User") or ""
    entrypoint = c.get("Entrypoint") or []
    ports = sorted(c.get("ExposedPorts") or {})
    labels = c.get("Labels") or {}
    print(f"{a.tar}: tags {manifest.get('RepoTags')}, {len(manifest['Layers'])} layers")
    print(f"  user {user!r}, workdir {c.get('WorkingDir')!r}, ports {ports}")
    print(f"  entrypoint {entrypoint}")
    print(f"  env {c.get('Env')}")
    print(f"  labels {labels}")

    uid = user.split(":")[0]
    if user != a.user:
        problems.append(f"User is {user!r}, expected {a.user!r}")
    if not uid.isdigit() or uid == "0":
        problems.append(f"User {user!r} must be a numeric non-root id (Kubernetes runAsNonRoot)")
    for port in a.port:
        if f"{port}/tcp" not in ports:
            problems.append(f"port {port}/tcp not exposed (has {ports})")
    if a.main and (not entrypoint or entrypoint[-1] != a.main or entrypoint[0] != "java"):
        problems.append(f"entrypoint {entrypoint} does not run java ... {a.main}")
    if a.inherit_entrypoint and any("jib-classpath-file" in e for e in entrypoint):
        problems.append(f"entrypoint {entrypoint} is Jib's java launcher, not the base image's")
    for label in ["org.opencontainers.image.title", "org.opencontainers.image.version"] + a.label:
        if not labels.get(label):
            problems.append(f"label {label} missing")
    for path in a.file:
        if path.lstrip("/") not in files:
            problems.append(f"no layer contains {path}")
    for glob in a.no_file:
        hits = [f for f in files if fnmatch.fnmatch("/" + f, glob)]
        if hits:
            problems.append(f"layers contain {glob}: {sorted(hits)[:3]}")
    for problem in problems:
        print(f"{a.tar}: {problem}", file=sys.stderr)
    print("  OK" if not problems else f"  {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
