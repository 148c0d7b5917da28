#!/bin/bash
# Guest half of bin/bench, run by run-vm.sh's command mode as root (system manager) and as the
# unprivileged user tester (user manager). Prints result lines that bin/bench turns into tables:
#   systemd VERSION
#   jvm VERSION OPTIONS                      the guest's JDK and the library process's JVM options
#   latency TOOL P50_MS P99_MS UNITS_PER_S   TOOL: confine, go-systemd, systemd-run
#   cli NAME MEDIAN_MS                       tester only: confine and systemd-run commands, java -version
#   process PHASE RSS_KIB THREADS FDS HEAP_KIB, cycles COUNT MS   the library process (ScopeBench memory)
#   held HELD IN_FLIGHT FAILED MS            the library process's HELD scopes, IN_FLIGHT at a time
#   left UNITS FAILED                        confine units and failed units left in the manager at the end
# Counts come from the environment (bin/bench passes them on): BENCH_WARMUP, BENCH_UNITS,
# BENCH_PARALLEL_UNITS, BENCH_CLI_RUNS, BENCH_HELD, BENCH_HELD_IN_FLIGHT, BENCH_CYCLES.
set -euo pipefail
project=$(cd "$(dirname "$0")/../../../.." && pwd)
in_flight=16
warmup=${BENCH_WARMUP:-300} units=${BENCH_UNITS:-50} parallel_units=${BENCH_PARALLEL_UNITS:-160}
cli_runs=${BENCH_CLI_RUNS:-9} held=${BENCH_HELD:-1000} cycles=${BENCH_CYCLES:-10000}
held_in_flight=${BENCH_HELD_IN_FLIGHT:-64}
if [ "$(id -u)" -eq 0 ]; then manager=system; else manager=user; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The library process runs with the JVM options README suggests for a service that embeds confine
# (BENCH_LIBRARY_JVM; empty for the JVM's defaults).
library_jvm=${BENCH_LIBRARY_JVM-"-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx16m"}
scope_bench=(java $library_jvm -cp "$project/target/test-classes:$project/target/confine.jar" dev.confine.bench.ScopeBench)
log() { echo "bench: $(date +%T) $*" >&2; }
# failed PART: says so, with the journal's recent warnings (in the guest, lost once it powers off).
failed() {
  log "$1 failed; the journal's last warnings:"
  journalctl -b -p warning --no-pager -n 15 -o short-monotonic 2>&1 | sed 's/^/  /' >&2 || true
}

# summarize TOOL: reads "start_ms MS" and "parallel UNITS WALL_MS" lines, prints its latency line
# (p50 and p99 by nearest rank).
summarize() {
  local lines rate
  lines=$(cat)
  rate=$(awk '$1 == "parallel" { printf "%.1f", $2 * 1000 / $3 }' <<< "$lines")
  awk '$1 == "start_ms" { print $2 }' <<< "$lines" | sort -n | awk -v tool="$1" -v rate="${rate:-?}" '
    function rank(p,  r) { r = int(NR * p / 100); if (r < NR * p / 100) r++; return r < 1 ? 1 : r }
    { ms[NR] = $1 }
    END { if (NR) printf "latency %s %.1f %.1f %s\n", tool, ms[rank(50)], ms[rank(99)], rate }'
}

# The same starts with systemd-run, in the same line form as ScopeBench and scopebench. A scope
# needs a live process, so each is `systemd-run --scope … true`: the time covers starting
# systemd-run, its bus connection, the start job, and running `true`; the scope then ends on its own.
systemd_run_latency() {
  local run=(systemd-run "--$manager" --scope -q -p MemoryMax=64M -p CPUQuota=50% true) i start took
  for i in $(seq "$((warmup + units))"); do
    start=$(date +%s%N); "${run[@]}"; took=$(( $(date +%s%N) - start ))
    [ "$i" -le "$warmup" ] || printf 'start_ms %d.%02d\n' $((took / 1000000)) $((took / 10000 % 100))
  done
  local per_loop=$((parallel_units / in_flight))
  start=$(date +%s%N)
  for _ in $(seq "$in_flight"); do
    ( for _ in $(seq "$per_loop"); do "${run[@]}"; done ) &
  done
  wait
  printf 'parallel %d %d\n' $((per_loop * in_flight)) $(( ($(date +%s%N) - start) / 1000000 ))
}

# cli NAME: one of the command lines compared in the CLI part.
cli() {
  case $1 in
    confine-scope) "$project/bin/confine" run --user --scope -q -- true ;;
    systemd-run-scope) systemd-run --user --scope -q true ;;
    confine-wait) "$project/bin/confine" run --user --wait -q -- true ;;
    systemd-run-wait) systemd-run --user --wait -q true ;;
    java-version) java -version ;;
  esac
}

cli_medians() {
  local names=(confine-scope systemd-run-scope confine-wait systemd-run-wait java-version) name start
  for name in "${names[@]}"; do cli "$name" >/dev/null 2>&1; done   # warm the page cache
  for _ in $(seq "$cli_runs"); do
    for name in "${names[@]}"; do
      start=$(date +%s%N)
      cli "$name" >/dev/null 2>&1 || log "failed: $name"
      echo $(( ($(date +%s%N) - start) / 1000000 )) >> "$work/cli-$name"
    done
  done
  for name in "${names[@]}"; do
    echo "cli $name $(sort -n "$work/cli-$name" | awk '{ ms[NR] = $1 } END { print ms[int((NR + 1) / 2)] }')"
  done
}

echo "systemd $(systemctl --version | head -n1 | cut -d' ' -f2)"
echo "jvm $(java -version 2>&1 | head -n1 | cut -d'"' -f2) ${library_jvm:-(defaults)}"
# Each part goes on after another failed, so that one run gives what it can.
log "confine library, $manager manager"
"${scope_bench[@]}" latency "$manager" "$in_flight" "$warmup" "$units" "$parallel_units" | summarize confine \
  || failed "confine library"
log "go-systemd"
"$project/target/bench/scopebench" "$manager" "$in_flight" "$warmup" "$units" "$parallel_units" \
  | summarize go-systemd || failed go-systemd
log "systemd-run"
systemd_run_latency | summarize systemd-run || failed systemd-run
if [ "$manager" = user ]; then
  log "CLI, $cli_runs runs each"
  cli_medians || failed "CLI part"
fi
log "memory: $cycles cycles, then $held scopes held, started $held_in_flight at a time"
"${scope_bench[@]}" memory "$manager" "$held_in_flight" "$held" "$cycles" || failed "memory part"
# Afterwards: the units the parts left in this manager, and its failed units.
if [ "$manager" = system ]; then units=(systemctl); else units=(systemctl --user); fi
echo "left $("${units[@]}" list-units --all --plain --no-legend 'confine-*' | grep -vc '^confine-vm-runner') $("${units[@]}" list-units --failed --plain --no-legend | grep -c .)"
log "done"
