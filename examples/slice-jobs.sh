#!/bin/sh
# Jobs in a persistent slice: a few jobs run side by side, each in a scope of its own, all of them
# in batch.slice, so that together they stay within the slice's limits (units/batch.slice:
# MemoryMax=1G, CPUQuota=200%, TasksMax=512) however many they are. Installs batch.slice for you
# when your user manager does not have it yet.
#
# Usage: examples/slice-jobs.sh [COUNT]        (default: 3 jobs)
# Needs confine on PATH. Run it as yourself; for root's jobs, the system slice is
# units/workers.slice: confine run --slice=workers.slice ...
set -eu

if [ "$(id -u)" -eq 0 ]; then
  echo "slice-jobs: run this as yourself, not as root: batch.slice is a slice of your user manager" \
    "(as root, use units/workers.slice: confine run --slice=workers.slice ...)" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
count=${1:-3}

# The slice is a unit file in ~/.config/systemd/user, read on daemon-reload. (Ask for its file:
# systemd makes up a slice of any name on demand, with no limits.)
if [ -z "$(systemctl --user show -P FragmentPath batch.slice)" ]; then
  dir=${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
  install -D -m 644 "$here/../units/batch.slice" "$dir/batch.slice"
  systemctl --user daemon-reload
  echo "slice-jobs: installed $dir/batch.slice" >&2
fi

# Each job tells where it runs: its own cgroup, and the limits of its parent, the slice.
job='cgroup=$(cut -d: -f3 /proc/self/cgroup); slice=/sys/fs/cgroup${cgroup%/*}
echo "job $1 in $cgroup, slice memory.max=$(cat "$slice/memory.max")" \
  "cpu.max=\"$(cat "$slice/cpu.max")\" pids.max=$(cat "$slice/pids.max")"
sleep 2'
pids=
n=1
while [ "$n" -le "$count" ]; do
  confine run --user --scope --quiet --slice=batch.slice -- sh -c "$job" job "$n" &
  pids="$pids $!"
  n=$((n + 1))
done
failed=0
for pid in $pids; do
  wait "$pid" || failed=$((failed + 1))
done

limits=
for property in MemoryMax CPUQuotaPerSecUSec TasksMax; do
  limits="$limits $property=$(systemctl --user show -P "$property" batch.slice)"
done
echo "slice-jobs: batch.slice as systemd holds it:$limits"
echo "slice-jobs: $failed of $count jobs failed"
[ "$failed" -eq 0 ]
