#!/usr/bin/env bash
# Installs everything seq needs on a fresh Debian 12 machine, idempotently:
# Debian packages (LLVM/MLIR 22 toolchain, Ninja, ccache, GoogleTest) and a
# Python virtual environment in .venv with requirements.txt. A second run only
# checks and returns.
# `setup.sh --sanitizers` also installs clang-22's sanitizer runtimes
# (libclang-rt-22-dev) for scripts/sanitize.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

debs=(llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 libomp-22-dev
      ninja-build ccache cmake libgtest-dev python3 python3-venv python3-dev)
[ "${1:-}" = "--sanitizers" ] && debs+=(libclang-rt-22-dev)
missing=()
for pkg in "${debs[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  echo "setup: creating the Python environment in .venv"
  python3 -m venv "$venv"
fi
stamp="$venv/.requirements.sha"
want="$(sha256sum "$root/requirements.txt" | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: installing Python packages (requirements.txt)"
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -r "$root/requirements.txt"
  echo "$want" > "$stamp"
fi
echo "setup: ok"
