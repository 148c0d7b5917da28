#!/usr/bin/env bash
# Boots the test image for SUITE under qemu (KVM where it works, else TCG), with the project directory shared at /mnt/project.
# The guest runs src/test/vm/guest/run-in-guest.sh at boot and powers off; its console goes to
# target/vm-results/SUITE/console.log and its JUnit reports to target/vm-results/SUITE/.
# Usage: run-vm.sh SUITE [GUEST-COMMAND...]
#   GUEST-COMMAND (optional) replaces the test suite: e.g. `run-vm.sh trixie confine run -- true`;
#   it runs as root and as the unprivileged user "tester", or as those in $CONFINE_VM_USERS
#   (comma-separated); its output and status land in target/vm-results/SUITE/{stdout,stderr,status}-USER.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
project=$(cd "$here/../../.." && pwd)
suite=$1; shift
image=$("$here/image.sh" "$suite")
results="$project/target/vm-results/$suite"
rm -rf "$results"; mkdir -p "$results"
# The guest reads what to run from the share: the suite by default, else the given command.
if [ $# -gt 0 ]; then printf '%q ' "$@" > "$results/command"; fi

if [ "$("$here/accel.sh" "$image")" = kvm ]; then
  accel=(-accel kvm -cpu host)
else
  # thread=single: one host thread runs both vCPUs. With a thread per vCPU, the 6.12 guest kernel
  # once died of an int3 Oops while patching its own code (a static key flipped while the other
  # vCPU ran it), which TCG does not order the way hardware does.
  accel=(-accel tcg,thread=single -cpu max)
fi
# A host JDK of Java 22 or later, shared read-only at /opt/jdk: the guests' own are 17 (bookworm)
# and 21 (trixie), and run -t needs java.lang.foreign (RunPtyVmTest runs it with this one).
jdk=()
for home in ${CONFINE_VM_JDK:-/usr/lib/jvm/*}; do
  version=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release" 2>/dev/null || true)
  if [ -n "$version" ] && [ "$version" -ge 22 ] && [ -x "$home/bin/java" ]; then
    jdk=(-virtfs "local,path=$home,mount_tag=jdk,security_model=none,readonly=on,id=jdk"); break
  fi
done
timeout --foreground "${CONFINE_VM_TIMEOUT:-4500}" \
  qemu-system-x86_64 "${accel[@]}" -machine q35 -smp 2 -m 3072 \
    -display none -monitor none -serial "file:$results/console.log" -no-reboot \
    -kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
    -append "root=/dev/vda rw console=ttyS0 panic=-1 quiet loglevel=3 confine.suite=$suite confine.users=${CONFINE_VM_USERS:-root,tester}" \
    -drive "file=$image/root.img,format=raw,if=virtio,snapshot=on" \
    -virtfs "local,path=$project,mount_tag=project,security_model=none,id=project" "${jdk[@]}" \
  || { echo "run-vm: qemu for $suite failed or timed out (see $results/console.log)" >&2; exit 1; }
