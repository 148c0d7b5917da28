#!/bin/bash
# Start-up benchmark, run in the guest as the unprivileged user: wall time of
# `systemd-run --user --scope true` against `confine run --user --scope -- true`, same VM, same run.
# Prints the median of N runs of each (interleaved) and the ratio.
set -u
n=${1:-9}
confine=$(dirname "$0")/../../../../bin/confine
ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || echo "bench: failed: $*" >&2; e=$(date +%s%N); echo $(( (e - s) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
"$confine" run --user --scope -q -- true   # warm the page cache and confine's class-data archive
: > /tmp/bench-sd; : > /tmp/bench-confine
for _ in $(seq "$n"); do
  ms systemd-run --user --scope -q true >> /tmp/bench-sd
  ms "$confine" run --user --scope -q -- true >> /tmp/bench-confine
done
sd=$(median < /tmp/bench-sd); cf=$(median < /tmp/bench-confine)
echo "bench: systemd-run --user --scope true: median ${sd} ms ($(tr '\n' ' ' < /tmp/bench-sd))"
echo "bench: confine run --user --scope -- true: median ${cf} ms ($(tr '\n' ' ' < /tmp/bench-confine))"
echo "bench: ratio confine/systemd-run: $(awk -v a="$cf" -v b="$sd" 'BEGIN {printf "%.1f", a / b}')"
