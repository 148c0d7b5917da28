#!/bin/sh
# A rootless build, confined: the build runs in a transient scope of your own user manager with a
# memory, swap, CPU and task limit, so that a runaway build meets the OOM killer or is throttled
# instead of freezing the machine. No root and no polkit: the user manager is yours.
#
# Usage: examples/rootless-build.sh [COMMAND [ARG...]]        (default: make -j$(nproc))
#   BUILD_MEMORY=4G BUILD_CPU=400% examples/rootless-build.sh ./gradlew build
# Limits from the environment: BUILD_MEMORY (MemoryMax=, default 2G), BUILD_CPU (CPUQuota=,
# default 200%: two CPUs' worth), BUILD_TASKS (TasksMax=, default 512). Needs confine on PATH.
set -eu

if [ "$(id -u)" -eq 0 ]; then
  echo "rootless-build: run this as the user who builds, not as root: it confines the build in that" \
    "user's own manager (for root, see: confine run --scope --help)" >&2
  exit 2
fi
[ $# -gt 0 ] || set -- make -j"$(nproc)"
memory=${BUILD_MEMORY:-2G} cpu=${BUILD_CPU:-200%} tasks=${BUILD_TASKS:-512}

# A name to look for while it runs (systemctl --user status, confine top), unique per build.
unit=rootless-build-$$.scope
echo "rootless-build: running '$*' in $unit: MemoryMax=$memory MemorySwapMax=0 CPUQuota=$cpu TasksMax=$tasks" >&2

# --scope: confine starts the build itself, with this terminal, environment and directory, and
# exits with its status. MemorySwapMax=0: over MemoryMax the OOM killer acts at once, instead of
# the build crawling on in swap; confine then says so.
status=0
confine run --user --scope --quiet --unit="$unit" --description="rootless build: $*" \
  -p MemoryMax="$memory" -p MemorySwapMax=0 -p CPUQuota="$cpu" -p TasksMax="$tasks" \
  -- "$@" || status=$?
echo "rootless-build: $unit: exit status $status" >&2
exit "$status"
