#!/usr/bin/env bash
# Builds the Debian guest used by the real-systemd test suite: a raw ext4 root image plus the
# kernel and initrd to boot it directly. Output: $out/{root.img,vmlinuz,initrd.img}.
# Usage: build-image.sh SUITE OUTDIR   (SUITE = bookworm | trixie)
set -euo pipefail
suite=$1 out=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/confine-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

packages=(
  systemd systemd-sysv systemd-container dbus dbus-user-session libpam-systemd polkitd udev
  linux-image-amd64 initramfs-tools kmod procps util-linux
  default-jre-headless
)

mmdebstrap --variant=minbase --mode=root --format=directory \
  --include="$(IFS=,; echo "${packages[*]}")" \
  --customize-hook='echo confine-vm > "$1/etc/hostname"' \
  --customize-hook='chroot "$1" useradd --create-home --uid 1000 --shell /bin/bash tester' \
  --customize-hook='mkdir -p "$1/var/lib/systemd/linger" && touch "$1/var/lib/systemd/linger/tester"' \
  --customize-hook='chroot "$1" passwd --delete root' \
  --customize-hook='printf "/dev/vda / ext4 defaults 0 1\n" > "$1/etc/fstab"' \
  --customize-hook="cp '$(dirname "$0")/guest/confine-vm-runner.service' \"\$1/etc/systemd/system/\"" \
  --customize-hook='chroot "$1" systemctl enable confine-vm-runner.service' \
  --customize-hook='chroot "$1" systemctl mask getty@tty1.service serial-getty@ttyS0.service apt-daily.timer apt-daily-upgrade.timer e2scrub_reap.service' \
  --customize-hook='printf "9p\n9pnet_virtio\n" >> "$1/etc/initramfs-tools/modules"; chroot "$1" update-initramfs -u' \
  --customize-hook="cp \"\$1\"/boot/vmlinuz-* '$work/vmlinuz'; cp \"\$1\"/boot/initrd.img-* '$work/initrd.img'" \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  "$suite" "$work/root" http://deb.debian.org/debian

mkdir -p "$out"
rm -f "$out/root.img"
mkfs.ext4 -q -L root -d "$work/root" "$out/root.img" 3G
mv "$work/vmlinuz" "$work/initrd.img" "$out/"
