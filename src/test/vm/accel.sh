#!/usr/bin/env bash
# Prints how qemu should run the test image IMAGE-DIR here: "kvm" when this host's /dev/kvm boots
# its kernel, else "tcg". A /dev/kvm may exist and still not boot a stock Debian kernel (a nested
# "PVM" module does not): so the kernel is booted once with KVM, without a root file system, and
# it must get as far as looking for one. The answer is kept per host kernel and image.
# Usage: accel.sh IMAGE-DIR
set -euo pipefail
image=$1
[ -r /dev/kvm ] && [ -w /dev/kvm ] || { echo tcg; exit 0; }
project=$(cd "$(dirname "$0")/../../.." && pwd)
answer="$project/target/vm-accel/$(uname -r)-$(basename "$image")"
if [ ! -f "$answer" ]; then
  mkdir -p "$(dirname "$answer")"
  console=$(mktemp)
  # panic=-1 with -no-reboot: qemu exits as soon as the kernel finds no root file system.
  timeout 30 qemu-system-x86_64 -accel kvm -cpu host -machine q35 -smp 1 -m 512 -display none \
    -monitor none -serial "file:$console" -no-reboot -kernel "$image/vmlinuz" \
    -append "console=ttyS0 panic=-1 loglevel=4" >/dev/null 2>&1 || true
  if grep -qa "Unable to mount root fs" "$console"; then echo kvm; else echo tcg; fi > "$answer"
  rm -f "$console"
fi
cat "$answer"
