#!/usr/bin/env bash
# On a machine with an NVIDIA GPU (driver installed; no CUDA toolkit needed:
# the driver compiles seq's PTX): sets up and builds seq, then runs causal
# attention (f16 and bf16, L = 4096) and a long convolution on the GPU and
# compares them with the CPU results and a float64 NumPy reference, printing
# errors and times. Without a GPU it says so and exits with status 2.
#
#   bash scripts/gpu-check.sh [--length 4096] [--heads 8]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_BUILD_DIR:-$root/build}"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
PYTHONPATH="$build/python_packages" exec "$root/.venv/bin/python" \
  "$root/scripts/gpu_check.py" "$@"
