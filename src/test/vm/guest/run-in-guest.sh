#!/bin/bash
# Guest half of the VM suite (runs as root at boot, from the 9p share).
set -u
project=/mnt/project
suite=$(sed -n 's/.*confine\.suite=\([a-z]*\).*/\1/p' /proc/cmdline)
results=$project/target/vm-results/$suite
log() { echo "confine-vm: $*"; }
log "systemd $(systemctl --version | head -n1 | cut -d' ' -f2), kernel $(uname -r)"
for i in $(seq 150); do
  [ -S /run/user/1000/bus ] && systemctl is-active -q user@1000.service && break
  sleep 0.2
done
log "user@1000.service: $(systemctl is-active user@1000.service); controllers: $(cat /sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/cgroup.controllers)"
echo "0" > "$results/exit-code"
