#!/usr/bin/env bash
# Builds seq with AddressSanitizer + UndefinedBehaviorSanitizer (clang-22's
# runtimes from libclang-rt-22-dev) into build-sanitize/ and runs, under
# them: every lit test (seq-opt, seq-run, the integration tests, the C++ host
# built against the installed package), the GoogleTest binary, the Python
# suites of the DSL and its extension, and 60 fuzzer programs.
#
#   bash scripts/sanitize.sh [ninja options, e.g. -j1]
#
# Every seq target, tool, test and the Python extension is instrumented;
# MLIR/LLVM and the JIT-compiled code are not. Any ASan or UBSan report is
# fatal (-fno-sanitize-recover=all, halt_on_error=1) and fails its test.
# Leak checking is on everywhere; the Python runs preload the ASan runtime
# (python3 itself is not instrumented) and suppress CPython's and NumPy's
# own at-exit allocations (scripts/sanitizers/lsan-python.supp says which
# and why). Ends with "sanitize: N passed, M failed". See docs/Testing.md.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQ_SANITIZE_BUILD_DIR:-$root/build-sanitize}"
bash "$root/scripts/setup.sh" --sanitizers || exit 1
SEQ_BUILD_DIR="$build" SEQ_CMAKE_ARGS="-DSEQ_SANITIZE=address,undefined" \
  bash "$root/scripts/build.sh" "$@" || { echo "sanitize: 0 passed, 1 failed (build)"; exit 1; }
if ! grep -q '^SEQ_SANITIZE:STRING=address,undefined$' "$build/CMakeCache.txt"; then
  echo "sanitize: $build is not a sanitizer build (configure it with -DSEQ_SANITIZE=address,undefined or remove it)"
  exit 1
fi
py="$root/.venv/bin/python"
source "$root/scripts/lib/count.sh"
log="$(mktemp -d)"
passed=0; failed=0

export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-22/bin/llvm-symbolizer
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# allow_user_poisoning=0: LLVM's BumpPtrAllocator poisons the unused part of
# each slab when it is compiled with ASan. seq's instrumented code inlines it
# (MLIR's storage allocator, for seq's own attributes) while libMLIR, not
# instrumented, never unpoisons what it later hands out from the same slab:
# reports inside libMLIR's own parser that are not bugs. Redzones, leaks and
# every other check stay on.
export ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1:check_initialization_order=1:allow_user_poisoning=0

echo "== lit under ASan + UBSan"
asan_rt="$(clang-22 -print-file-name=libclang_rt.asan-x86_64.so)"
# The lit tests' Python (%python) preloads the ASan runtime for seq's
# instrumented extension (test/lit.cfg.py); the tools it starts do not.
export SEQ_SANITIZER_PRELOAD="$asan_rt"
export LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan-python.supp:print_suppressions=0"
"$py" "$root/test/run-lit.py" -sv "$build/test" 2>&1 | tee "$log/lit.txt"
count_lit "$log/lit.txt"

echo "== GoogleTest under ASan + UBSan"
if "$build/bin/SeqRuntimeTests" --gtest_brief=1 2>&1 | tee "$log/gtest.txt"; then :; fi
count_gtest "$log/gtest.txt"

python_env=(env LD_PRELOAD="$asan_rt"
            LSAN_OPTIONS="suppressions=$root/scripts/sanitizers/lsan-python.supp:print_suppressions=0"
            PYTHONPATH="$build/python_packages" SEQ_TOOLS_DIR="$build/bin")

echo "== pytest (DSL, extension, return patterns, fuzzer findings) under ASan + UBSan"
"${python_env[@]}" "$py" -m pytest -q "$root/python/tests/test_core.py" \
  "$root/python/tests/test_dsl.py" "$root/python/tests/test_return_patterns.py" \
  "$root/python/tests/test_fuzz_findings.py" "$root/python/tests/test_testing.py" \
  2>&1 | tee "$log/pytest.txt"
count_pytest "$log/pytest.txt"

echo "== program fuzzer under ASan + UBSan (seed 2: 60 programs)"
"${python_env[@]}" "$py" "$root/fuzz/seq_fuzz.py" --seed 2 --count 60 --timeout 300 \
  --out "$build/fuzz-out" --tools "$build/bin" 2>&1 | tee "$log/fuzz.txt"
count_fuzz "$log/fuzz.txt"

rm -rf "$log"
echo "sanitize: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
