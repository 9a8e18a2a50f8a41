#!/usr/bin/env bash
# Make sure Debian's chromium is at /usr/bin/chromium for the HTML report's browser test
# (test/e2e/html-report.test.ts) and bench/html.ts, which drive it with playwright-core. Installs it
# with apt-get when missing (as root, on Debian); elsewhere it says what to install. Never uses
# `playwright install`: that downloads a browser build from outside the package registries.
# Idempotent, and silent when there is nothing to do.
set -euo pipefail
BROWSER=/usr/bin/chromium

say() { echo "vipdrill setup: $*" >&2; }
fail() { echo "vipdrill setup: $*" >&2; exit 1; }

[ -x "$BROWSER" ] && exit 0
# apt-get stands for Debian here (Ubuntu's chromium package is only a snap transition).
command -v apt-get >/dev/null 2>&1 || fail "missing $BROWSER: install Chromium from your distribution (the HTML report's browser test drives it)"
[ "$(id -u)" -eq 0 ] || fail "missing $BROWSER: run as root: apt-get install --no-install-recommends chromium (or sudo $0)"

say "installing chromium (apt-get)"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || fail "apt-get update failed"
apt-get install -y -qq --no-install-recommends chromium >/dev/null || fail "apt-get install chromium failed"
[ -x "$BROWSER" ] || fail "chromium installed, but $BROWSER is not there"
