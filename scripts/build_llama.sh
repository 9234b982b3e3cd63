#!/usr/bin/env bash
# Build llama-cpp-python (the version pyproject.toml pins) for the local model, once per machine
# and set of CPU flags, and install it into .venv.
#
# llama.cpp's default build uses every instruction the compiler sees on the CPU (-march=native).
# Virtual machines can advertise instructions they do not let a process run: AMX on some Xeon
# guests builds fine and then kills the model server with "invalid opcode" on its first answer.
# So the build names the instruction sets it uses, the ones every x86-64 CPU with AVX2 runs,
# and keeps its wheel in a cache keyed by version and flags (pip's own wheel cache is keyed by
# version only, so it would hand back a wheel built with other flags).
set -euo pipefail
cd "$(dirname "$0")/.."
requirement=$(.venv/bin/python - <<'PY'
import tomllib
with open("pyproject.toml", "rb") as handle:
    project = tomllib.load(handle)["project"]
for requirement in project["optional-dependencies"]["local"]:
    if requirement.startswith("llama-cpp-python"):
        print(requirement.replace("[server]", ""))
PY
)
flags="-DGGML_NATIVE=OFF"
if [ "$(uname -m)" = x86_64 ]; then
    cpu_flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
    for feature in avx avx2 fma f16c; do
        if [[ " ${cpu_flags} " == *" ${feature} "* ]]; then
            flags="${flags} -DGGML_${feature^^}=ON"
        fi
    done
fi
key=$(printf '%s %s' "${requirement}" "${flags}" | sha256sum | cut -c1-16)
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/sovereign-router/wheels/llama-${key}"
if ! ls "${wheels}"/llama_cpp_python-*.whl >/dev/null 2>&1; then
    echo "building ${requirement} with ${flags} (about 5 minutes, once per machine)" >&2
    mkdir -p "${wheels}"
    CMAKE_ARGS="${flags}" .venv/bin/python -m pip wheel --quiet --no-deps --no-cache-dir \
        --wheel-dir "${wheels}" "${requirement}"
fi
if [ "$(cat .venv/.llama-build 2>/dev/null)" != "${key}" ]; then
    .venv/bin/python -m pip install --quiet --no-deps --force-reinstall --no-index \
        --find-links "${wheels}" "${requirement}"
    echo "${key}" >.venv/.llama-build
fi
