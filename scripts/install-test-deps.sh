#!/usr/bin/env bash
# Installs the Debian packages the tests use, only those missing. Idempotent.
set -euo pipefail

packages=(
  redis-server            # the Redis layer's tests start their own redis-server on a free port
  postgresql              # the examples' PostgreSQL tests run their own initdb + postgres on a free port
  openssl                 # makes the test certificate of the Redis TLS tests (rediss://)
  python3-channels-redis  # interop: the Python reference layer, run with /usr/bin/python3
  python3-django-channels # interop: Django Channels consumers and workers
  python3-daphne          # interop: the Django Channels server for the chat example
  chromium                # browser tests of the example page
)
# The browser tests drive Chromium with the npm package playwright-core (installed by the
# tests themselves with `npm ci`); they need Node.js and npm.
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing test dependencies: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
