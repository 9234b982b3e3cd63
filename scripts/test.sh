#!/usr/bin/env bash
# Set up everything the tests need, then lint, type-check and run the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus >/dev/null
    fi
fi
# Debian's Chromium for the governance dashboard's browser test (Playwright drives it; no
# browser download).
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
fi
./scripts/setup.sh local,dev
# The real OpenID provider the identity tests start (oidc-provider, pinned by its lock file).
if command -v npm >/dev/null 2>&1; then
    npm ci --prefix tests/support/oidc --no-audit --no-fund --silent
else
    echo "npm not found: the OIDC provider tests will be skipped (they need node >= 20)" >&2
fi

.venv/bin/ruff check router tests benchmarks
.venv/bin/ruff format --check router tests benchmarks
.venv/bin/mypy
# pytest exits 5 when it collects nothing; that is a failure here, as any other non-zero code.
.venv/bin/python -m pytest "$@"
