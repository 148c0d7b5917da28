#!/usr/bin/env bash
# Prints the directory of the cached test image for SUITE, building it first if needed. The cache
# key is a hash of everything the image is made from, so a changed recipe builds a new image.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
suite=$1
cache=${CONFINE_VM_CACHE:-/var/cache/confine-vm-test}
key=$(cat "$here/build-image.sh" "$here/guest/confine-vm-runner.service" | sha256sum | cut -c1-16)
dir="$cache/$suite-$key"
if [ ! -f "$dir/root.img" ]; then
  echo "image: building $suite image into $dir" >&2
  sudo=(); [ "$(id -u)" -eq 0 ] || sudo=(sudo)   # mmdebstrap --mode=root and the image need root
  "${sudo[@]}" mkdir -p "$cache"
  "${sudo[@]}" "$here/build-image.sh" "$suite" "$dir.tmp" >&2
  "${sudo[@]}" chmod -R a+rX "$dir.tmp"
  "${sudo[@]}" rm -rf "$dir"; "${sudo[@]}" mv "$dir.tmp" "$dir"
  # Keep only the current image of each suite.
  "${sudo[@]}" find "$cache" -maxdepth 1 -name "$suite-*" ! -name "$suite-$key" -exec rm -rf {} +
fi
echo "$dir"
