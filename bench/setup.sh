#!/usr/bin/env bash
# Creates the benchmark environment .venv-bench: seq's Python requirements
# plus the peers the benchmarks compare against (PyTorch CPU, JAX, pyFFTW,
# SciPy) and matplotlib for the plots. Idempotent; needs scripts/setup.sh's
# Debian packages (it runs it first). Every benchmark also runs without the
# peers and says which ones it skipped.
#   bash bench/setup.sh && PYTHONPATH=build/python_packages .venv-bench/bin/python bench/<bench>.py
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
venv="$root/.venv-bench"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
stamp="$venv/.requirements.sha"
want="$(cat "$root/requirements.txt" "$root/bench/requirements.txt" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bench/setup: installing the benchmark peers into .venv-bench (PyTorch is large: a few minutes)"
  "$venv/bin/python" -m pip install -q --upgrade pip
  (cd "$root/bench" && "$venv/bin/python" -m pip install -q -r requirements.txt)
  echo "$want" > "$stamp"
fi
echo "bench/setup: ok ($venv)"
