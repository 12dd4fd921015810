#!/usr/bin/env bash
# The README's demo command: sets up, builds, and runs the main demo — a
# MEGALODON block (TimestepNorm, complex EMA, normalized chunk-local attention
# with per-chunk RoPE, two-hop residual FFN) written in the seq Python DSL:
# shows the seq ops of the traced program, compiles it, runs it on random
# weights and checks it against an independent NumPy float64 reference.
# Pass --print-ir to see the whole traced program.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_BUILD_DIR:-$root/build}"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" seq-opt seq-run seq-python
export PYTHONPATH="$build/python_packages"
exec "$root/.venv/bin/python" "$root/examples/megalodon/megalodon.py" "$@"
