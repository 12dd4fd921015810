#!/usr/bin/env bash
# The README's test command: sets up, builds, and runs every test suite —
# lit/FileCheck (dialect, conversions, integration against NumPy float64
# references), GoogleTest (runtime API), pytest (reference self-checks; the
# Python DSL, its extension and every example).
# Ends with one line "tests: N passed, M failed" and exits non-zero if
# anything failed.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_BUILD_DIR:-$root/build}"
bash "$root/scripts/setup.sh" || exit 1
bash "$root/scripts/build.sh" || { echo "tests: 0 passed, 1 failed (build)"; exit 1; }
py="$root/.venv/bin/python"
log="$(mktemp -d)"
passed=0; failed=0

echo "== lit (dialect, conversion, integration)"
"$py" "$root/test/run-lit.py" -sv "$build/test" 2>&1 | tee "$log/lit.txt"
lp=$(grep -E '^\s*Passed\s*:' "$log/lit.txt" | grep -oE '[0-9]+' | head -1)
lx=$(grep -E '^\s*Expectedly Failed\s*:' "$log/lit.txt" | grep -oE '[0-9]+' | head -1)
lf=$(grep -E '^\s*(Failed|Unresolved|Timed Out|Unexpectedly Passed)\s*:' "$log/lit.txt" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${lp:-0} + ${lx:-0})); failed=$((failed + ${lf:-0}))
[ -z "$lp" ] && failed=$((failed + 1))

echo "== GoogleTest (runtime API)"
if "$build/bin/SeqRuntimeTests" --gtest_brief=1 2>&1 | tee "$log/gtest.txt"; then :; fi
gp=$(grep -oE 'PASSED\s*\]\s*[0-9]+' "$log/gtest.txt" | grep -oE '[0-9]+$')
gf=$(grep -oE 'FAILED\s*\]\s*[0-9]+ test' "$log/gtest.txt" | grep -oE '[0-9]+' | head -1)
passed=$((passed + ${gp:-0})); failed=$((failed + ${gf:-0}))
[ -z "$gp" ] && [ -z "$gf" ] && failed=$((failed + 1))

echo "== pytest (NumPy reference self-checks)"
"$py" -m pytest -q "$root/test/Integration/reference" 2>&1 | tee "$log/pytest.txt"
pp=$(grep -oE '[0-9]+ passed' "$log/pytest.txt" | tail -1 | grep -oE '[0-9]+')
pf=$(grep -oE '[0-9]+ (failed|error)' "$log/pytest.txt" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${pp:-0})); failed=$((failed + ${pf:-0}))
[ -z "$pp" ] && failed=$((failed + 1))

echo "== pytest (Python DSL, extension, examples)"
PYTHONPATH="$build/python_packages" "$py" -m pytest -q "$root/python/tests" 2>&1 | tee "$log/pydsl.txt"
dp=$(grep -oE '[0-9]+ passed' "$log/pydsl.txt" | tail -1 | grep -oE '[0-9]+')
df=$(grep -oE '[0-9]+ (failed|error)' "$log/pydsl.txt" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
passed=$((passed + ${dp:-0})); failed=$((failed + ${df:-0}))
[ -z "$dp" ] && failed=$((failed + 1))

rm -rf "$log"
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
