#!/usr/bin/env bash
# The README's test command: sets up, builds, and runs every test suite —
# lit/FileCheck (dialect, conversions, integration against NumPy float64
# references), GoogleTest (runtime API), pytest (reference self-checks; the
# Python DSL, its extension and every example; the fuzzer's self-tests) and a
# bounded run of the program fuzzer (fixed seed 1, and today's date as a
# rotating seed; each program counts as one test).
# Ends with one line "tests: N passed, M failed" and exits non-zero if
# anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_BUILD_DIR:-$root/build}"
bash "$root/scripts/setup.sh" || exit 1
bash "$root/scripts/build.sh" || { echo "tests: 0 passed, 1 failed (build)"; exit 1; }
py="$root/.venv/bin/python"
source "$root/scripts/lib/count.sh"
log="$(mktemp -d)"
passed=0; failed=0

echo "== lit (dialect, conversion, integration)"
"$py" "$root/test/run-lit.py" -sv "$build/test" 2>&1 | tee "$log/lit.txt"
count_lit "$log/lit.txt"

echo "== GoogleTest (runtime API)"
if "$build/bin/SeqRuntimeTests" --gtest_brief=1 2>&1 | tee "$log/gtest.txt"; then :; fi
count_gtest "$log/gtest.txt"

echo "== pytest (NumPy reference self-checks)"
"$py" -m pytest -q "$root/test/Integration/reference" 2>&1 | tee "$log/pytest.txt"
count_pytest "$log/pytest.txt"

echo "== pytest (Python DSL, extension, examples; fuzzer self-tests)"
PYTHONPATH="$build/python_packages" SEQ_TOOLS_DIR="$build/bin" \
  "$py" -m pytest -q "$root/python/tests" "$root/fuzz" 2>&1 | tee "$log/pydsl.txt"
count_pytest "$log/pydsl.txt"

# About a minute: a fixed set of programs, then today's seed for 30 s.
# Reproducers of failures land in $build/fuzz-out (see docs/Testing.md).
echo "== program fuzzer (seed 1: 100 programs; seed $(date -u +%Y%m%d): 30 s)"
for run in "--seed 1 --count 100" "--seed $(date -u +%Y%m%d) --time 30"; do
  # shellcheck disable=SC2086
  PYTHONPATH="$build/python_packages" "$py" "$root/fuzz/seq_fuzz.py" $run \
    --timeout 120 --out "$build/fuzz-out" --tools "$build/bin" 2>&1 | tee "$log/fuzz.txt"
  count_fuzz "$log/fuzz.txt"
done

rm -rf "$log"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
