#!/usr/bin/env bash
# Make a minimal Debian bookworm rootfs as a tar, for `docker import` as vipdrill/base:bookworm,
# when no debian image is present and none can be pulled (no registry). Needs root and debootstrap.
set -euo pipefail
out=${1:?usage: make-rootfs.sh OUT_TAR}

[ "$(id -u)" -eq 0 ] || { echo "make-rootfs.sh: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "debootstrap not found: apt-get install debootstrap (or run lab/setup-engine.sh)" >&2; exit 1; }

# The machine's own Debian mirror is the one known to be reachable (proxies, snapshots, air gaps);
# deb.debian.org otherwise. Only an archive root ending in /debian: never debian-security.
mirror=$(
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -oE '^[[:space:]]*(URIs:|deb)([[:space:]]+\[[^]]*\])?[[:space:]]+[a-z+]*https?://[^[:space:]]*/debian/?([[:space:]]|$)' \
    | awk '{print $NF}' | head -n1 || true
)
mirror=${mirror:-http://deb.debian.org/debian}

dir=$(mktemp -d /tmp/vipdrill-rootfs.XXXXXX)
cleanup() {
  # debootstrap mounts proc/sys inside the target and may leave them mounted when it fails:
  # unmount first, and never let rm cross into another filesystem.
  { grep -oE " $dir/[^ ]*" /proc/mounts || true; } | sort -r | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$dir" "$out.partial"
}
trap cleanup EXIT

debootstrap --variant=minbase bookworm "$dir" "$mirror"
# The downloaded .debs and apt lists are dead weight in an image (the node build runs apt-get update).
rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/*
# Written aside and renamed, so a half-written tar is never taken for a rootfs.
tar --numeric-owner --xattrs -C "$dir" -cf "$out.partial" .
mv "$out.partial" "$out"
