#!/usr/bin/env bash
# CPU used by a running stream processor, from /proc (issue 19): cores = CPU seconds / wall seconds.
#
#   loadtest/bench/processor-cpu.sh [--pid PID | --state-dir DIR] [--seconds 60]
#
# Attaches to a running processor: --pid, or the demo's pid file under --state-dir (default
# ./.streamgate, i.e. a running `./streamgate demo`). CPU seconds are utime + stime of every
# thread of the process (/proc/PID/stat), so the number holds on a machine busy with other work;
# only the wall time it is divided by is shared. Prints the cores used, and the batches per
# second the processor's /metrics counted in the same window when --metrics URL is given.
set -euo pipefail
PID=""; STATE=".streamgate"; SECONDS_=60; METRICS=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --pid) PID="$2"; shift 2 ;;
    --state-dir) STATE="$2"; shift 2 ;;
    --seconds) SECONDS_="$2"; shift 2 ;;
    --metrics) METRICS="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "processor-cpu.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [[ -z "$PID" ]]; then
  [[ -f "$STATE/pids/processor.pid" ]] \
    || { echo "processor-cpu.sh: no $STATE/pids/processor.pid: is the demo running? (or give --pid)" >&2; exit 1; }
  PID="$(tr -dc '0-9' < "$STATE/pids/processor.pid")"
fi
[[ -r "/proc/$PID/stat" ]] || { echo "processor-cpu.sh: no process $PID" >&2; exit 1; }
TICKS="$(getconf CLK_TCK)"
# Fields 14 and 15 (utime, stime) in clock ticks; the command name (field 2) may hold spaces.
cpu_ticks() { sed 's/.*) //' "/proc/$PID/stat" | awk '{print $12 + $13}'; }
batches() {
  [[ -n "$METRICS" ]] || { echo 0; return; }
  curl -s "$METRICS" | awk '/^streamgate_processor_batch_duration_seconds_count/ {s += $2} END {printf "%d\n", s}'
}
echo "== processor pid $PID, $(nproc) cores, $(date -u +%Y-%m-%dT%H:%M:%SZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
t0="$(date +%s.%N)"; c0="$(cpu_ticks)"; b0="$(batches)"
sleep "$SECONDS_"
t1="$(date +%s.%N)"; c1="$(cpu_ticks)"; b1="$(batches)"
awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$TICKS" -v b0="$b0" -v b1="$b1" 'BEGIN {
  cpu = (c1 - c0) / hz; wall = t1 - t0;
  printf "cpu %.1f s over %.1f s wall: %.3f cores", cpu, wall, cpu / wall;
  if (b1 > b0) printf "; %d batches (%.1f/s), %.0f ms CPU per batch", b1 - b0, (b1 - b0) / wall, 1000 * cpu / (b1 - b0);
  printf "\n" }'
