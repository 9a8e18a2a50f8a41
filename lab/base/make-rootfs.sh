#!/usr/bin/env bash
# Make a minimal Debian bookworm rootfs as a tar, for `docker import` as vipdrill/base:bookworm,
# when no debian image is present and none can be pulled (no registry). Needs root and debootstrap.
set -euo pipefail
out=${1:?usage: make-rootfs.sh OUT_TAR}
# The machine's own Debian mirror (it is the one that is reachable); deb.debian.org otherwise.
mirror=$( (grep -rhoE '^(URIs:|deb) +https?://[^ ]+debian/?' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null || true) \
  | grep -v security | head -n1 | awk '{print $2}')
mirror=${mirror:-http://deb.debian.org/debian}
command -v debootstrap >/dev/null || { echo "debootstrap not found: apt-get install debootstrap (or run lab/setup-engine.sh)" >&2; exit 1; }
dir=$(mktemp -d /tmp/vipdrill-rootfs.XXXXXX)
trap 'rm -rf "$dir"' EXIT
debootstrap --variant=minbase bookworm "$dir" "$mirror"
tar -C "$dir" -cf "$out" .
