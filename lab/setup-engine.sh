#!/usr/bin/env bash
# Make sure a Docker engine answers at /var/run/docker.sock, and that debootstrap and openssl (used to
# build the lab without a registry) are present. On Debian/Ubuntu as root it installs what is missing
# (Debian's docker.io) and starts dockerd in the background; elsewhere it says what to install.
# Idempotent and quiet when there is nothing to do.
set -euo pipefail
SOCK=/var/run/docker.sock
LOG=/var/log/vipdrill-dockerd.log

ping_engine() { curl -sf --max-time 3 --unix-socket "$SOCK" http://localhost/_ping >/dev/null 2>&1; }

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v curl >/dev/null 2>&1 || missing+=(curl)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "vipdrill: missing ${missing[*]}: install them (Debian/Ubuntu: sudo $0), or Docker Engine, debootstrap and openssl from your distribution" >&2
    exit 1
  fi
  echo "vipdrill setup: installing ${missing[*]} (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

ping_engine && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "vipdrill: no Docker engine answers at $SOCK: start it (sudo systemctl start docker, or sudo $0)" >&2
  exit 1
fi
# Where systemd runs the show, let it start the engine; in a container or a bare VM, start dockerd ourselves.
if [ -d /run/systemd/system ] && systemctl start docker >/dev/null 2>&1 && ping_engine; then
  exit 0
fi
echo "vipdrill setup: starting dockerd in the background (log: $LOG)" >&2
nohup dockerd >"$LOG" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  ping_engine && exit 0
  sleep 1
done
echo "vipdrill: dockerd did not answer at $SOCK within 60 s; see $LOG" >&2
exit 1
