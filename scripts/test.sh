#!/usr/bin/env bash
# Runs every test of Mux: unit tests (*Test) and integration tests (*IT) against real
# redis-server, real WebSocket containers, real Django Channels and headless Chromium.
# Installs what the tests need on a fresh Debian machine first (needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-test-deps.sh

exec mvn -B verify "$@"
