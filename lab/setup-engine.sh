#!/usr/bin/env bash
# Make sure a Docker engine answers at /var/run/docker.sock, and that debootstrap and openssl (used to
# build the lab without a registry) are present. On Debian/Ubuntu as root it installs what is missing
# (Debian's docker.io) and starts dockerd in the background; elsewhere it says what to install.
# Idempotent, and silent when there is nothing to do. Relies on dockerd and the socket only: the
# docker CLI on a machine may be newer than its engine.
set -euo pipefail
SOCK=/var/run/docker.sock
LOG=/var/log/vipdrill-dockerd.log
WAIT_S=60

say() { echo "vipdrill setup: $*" >&2; }
fail() { echo "vipdrill setup: $*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }
# curl is on the list of what must be present, so it is there by the time the engine is pinged.
engine_answers() { curl -sf --max-time 3 --unix-socket "$SOCK" http://localhost/_ping 2>/dev/null | grep -qx OK; }

debian_like=false
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in *" debian "* | *" ubuntu "*) debian_like=true ;; esac
fi

missing=()
have dockerd || missing+=(docker.io)
have debootstrap || missing+=(debootstrap)
have openssl || missing+=(openssl)
have curl || missing+=(curl)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ] || [ "$debian_like" != true ] || ! have apt-get; then
    if [ "$debian_like" = true ]; then
      fail "missing ${missing[*]}: run as root: apt-get install --no-install-recommends ${missing[*]} (or sudo $0)"
    fi
    fail "missing ${missing[*]}: install Docker Engine (dockerd), debootstrap, openssl and curl from your distribution, then start dockerd"
  fi
  say "installing ${missing[*]} (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || fail "apt-get update failed"
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || fail "apt-get install ${missing[*]} failed"
fi

engine_answers && exit 0

if [ -S "$SOCK" ] && [ ! -w "$SOCK" ]; then
  fail "no permission on $SOCK: run as root, or add this user to the docker group"
fi
[ "$(id -u)" -eq 0 ] || fail "no Docker engine answers at $SOCK: start it as root (systemctl start docker, or sudo $0)"

# A dockerd that is already starting (ours from a moment ago, or the system's) is waited for, not doubled.
ours=""
if ! pgrep -x dockerd >/dev/null 2>&1; then
  # Where systemd runs the machine, let it own the engine; in a container or bare VM, start it ourselves.
  if [ -d /run/systemd/system ] && systemctl start docker >/dev/null 2>&1; then
    :
  else
    say "starting dockerd in the background (log: $LOG)"
    nohup dockerd >>"$LOG" 2>&1 </dev/null &
    ours=$!
  fi
fi
for _ in $(seq 1 "$WAIT_S"); do
  engine_answers && exit 0
  if [ -n "$ours" ] && ! kill -0 "$ours" 2>/dev/null; then
    why=$(grep -E 'failed to start daemon|level=(fatal|error)' "$LOG" 2>/dev/null | tail -n 1 | cut -c1-240)
    fail "dockerd exited at start: ${why:-see the log} (full log: $LOG)"
  fi
  sleep 1
done
fail "dockerd did not answer at $SOCK within ${WAIT_S} s; see $LOG"
