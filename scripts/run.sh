#!/usr/bin/env bash
# Set up and run the router on its embedded defaults: SQLite in ./data, the policy in
# ./policies, and SmolLM2-135M under llama.cpp's server, started and supervised by the router.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh local
export SOVEREIGN_ROUTER_DATA_DIR="${SOVEREIGN_ROUTER_DATA_DIR:-data}"
if [ -z "$(.venv/bin/sovereign-router keys list)" ]; then
    echo "First run: an API key for the 'general' workload (shown once, store it):"
    .venv/bin/sovereign-router keys create --name first-key --workload general
fi
exec .venv/bin/sovereign-router serve "$@"
