#!/usr/bin/env bash
# Configures (once) and builds seq in build/ with Ninja, clang-22 and ccache.
# Usage: scripts/build.sh [ninja targets...]
# SEQ_BUILD_DIR picks another build directory, SEQ_CMAKE_ARGS adds CMake
# options when it is first configured (scripts/sanitize.sh uses both).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_BUILD_DIR:-$root/build}"
export CCACHE_BASEDIR="$root"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DPython3_EXECUTABLE="$root/.venv/bin/python" ${SEQ_CMAKE_ARGS:-}

fi
ninja -C "$build" "$@"
