# Sourced by scripts/test.sh and scripts/sanitize.sh: adds the passed and
# failed counts of one suite's log to the caller's $passed and $failed (a log
# without a result line counts as one failure: the runner itself broke).

count_lit() {  # lit -sv output
  local p x f
  p=$(grep -E '^\s*Passed\s*:' "$1" | grep -oE '[0-9]+' | head -1)
  x=$(grep -E '^\s*Expectedly Failed\s*:' "$1" | grep -oE '[0-9]+' | head -1)
  # The count after the colon, not the percentage after it ("Failed: 1 (1.22%)").
  f=$(grep -E '^\s*(Failed|Unresolved|Timed Out|Unexpectedly Passed)\s*:' "$1" | sed -E 's/^[^:]*:\s*([0-9]+).*/\1/' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0} + ${x:-0})); failed=$((failed + ${f:-0}))
  [ -z "$p" ] && failed=$((failed + 1))
  return 0
}

count_gtest() {  # GoogleTest --gtest_brief output
  local p f
  p=$(grep -oE 'PASSED\s*\]\s*[0-9]+' "$1" | grep -oE '[0-9]+$')
  f=$(grep -oE 'FAILED\s*\]\s*[0-9]+ test' "$1" | grep -oE '[0-9]+' | head -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  [ -z "$p" ] && [ -z "$f" ] && failed=$((failed + 1))
  return 0
}

count_pytest() {  # pytest -q output
  local p f
  p=$(grep -oE '[0-9]+ passed' "$1" | tail -1 | grep -oE '[0-9]+')
  f=$(grep -oE '[0-9]+ (failed|error)' "$1" | grep -oE '[0-9]+' | awk '{s+=$1} END {print s+0}')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  [ -z "$p" ] && failed=$((failed + 1))
  return 0
}

count_fuzz() {  # fuzz/seq_fuzz.py output: each program is one test
  local line n m
  line=$(grep -E '^fuzz: [0-9]+ programs, [0-9]+ failed' "$1" | tail -1)
  n=$(echo "$line" | grep -oE '[0-9]+' | head -1)
  m=$(echo "$line" | grep -oE '[0-9]+' | tail -1)
  passed=$((passed + ${n:-0} - ${m:-0})); failed=$((failed + ${m:-0}))
  [ -z "$line" ] && failed=$((failed + 1))
  return 0
}
