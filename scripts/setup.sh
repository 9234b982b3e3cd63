#!/usr/bin/env bash
# Create .venv and install the router with the given extras (default: local,dev).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-local,dev}"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip wheel
case ",${extras}," in
    *,local,*) ./scripts/build_llama.sh ;;
esac
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
