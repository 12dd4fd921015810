"""seq.testing: max_rel_error and timed, the helpers the examples share."""

import math

import numpy as np
import pytest

import seq
from seq.testing import max_rel_error, timed


# ---------------------------------------------------------------------------
# max_rel_error
# ---------------------------------------------------------------------------

def test_max_rel_error_known_values():
    e = np.array([1.0, -4.0, 2.0])
    assert max_rel_error(e, e) == 0.0
    # max|a - e| = 0.5, max|e| = 4
    assert max_rel_error(np.array([1.5, -4.0, 2.0]), e) == 0.125
    assert max_rel_error(np.array([1.0, -4.25, 1.75]), e) == 0.0625
    assert isinstance(max_rel_error(e, e), float)
    # Lists and scalars are arrays too.
    assert max_rel_error([2.0, 3.0], [2.0, 4.0]) == 0.25
    assert max_rel_error(3.0, 2.0) == 0.5


def test_max_rel_error_is_normwise_not_elementwise():
    # The small entry's 100 % error is measured against max|e| = 1000.
    assert max_rel_error([0.002, 1000.0], [0.001, 1000.0]) == pytest.approx(1e-6)


def test_max_rel_error_computes_in_float64():
    e = np.array([1.0 + 2.0 ** -30, 1.0])           # not representable in float32
    a = np.ones(2, np.float32)
    assert max_rel_error(a, e) == pytest.approx(2.0 ** -30, rel=1e-12)
    # Both float32: the difference is not rounded to float32 before dividing.
    a32, e32 = np.float32([1.0, 3.0]), np.float32([1.0, 3.0 + 2.0 ** -22])
    assert max_rel_error(a32, e32) == (float(e32[1]) - 3.0) / float(e32[1])
    # float16 results against a float64 reference.
    assert max_rel_error(np.float16([0.5]), [0.25]) == 1.0


def test_max_rel_error_complex():
    e = np.array([3.0 + 4.0j, 1.0j])                 # max|e| = 5
    a = np.array([3.0 + 4.0j, 1.0j + 1.0])           # max|a - e| = 1
    assert max_rel_error(a, e) == pytest.approx(0.2)
    # |(3+4j) - 0| = 5 against a real expected: complex, not the real part only.
    assert max_rel_error(np.array([3.0 + 4.0j]), np.array([0.5])) == pytest.approx(
        abs(3.0 + 4.0j - 0.5) / 0.5)
    # A real actual against a complex expected.
    assert max_rel_error(np.array([3.0]), np.array([3.0 + 4.0j])) == pytest.approx(0.8)
    assert max_rel_error(np.complex64([1 + 1j]), np.complex128([1 + 1j])) == 0.0


def test_max_rel_error_zero_expected_is_absolute():
    assert max_rel_error([0.0, 0.0], [0.0, 0.0]) == 0.0
    assert max_rel_error([0.0, -0.25], np.zeros(2)) == 0.25
    assert max_rel_error([1e-3j], [0.0]) == pytest.approx(1e-3)


def test_max_rel_error_nonfinite_matching():
    e = np.array([np.inf, 2.0, -np.inf, np.nan, 4.0])
    a = np.array([np.inf, 2.5, -np.inf, np.nan, 4.0])
    assert max_rel_error(a, e) == 0.125               # finite part: 0.5 / 4
    assert max_rel_error(e, e) == 0.0
    assert max_rel_error([np.inf], [np.inf]) == 0.0   # nothing finite left
    c = np.array([complex(np.inf, 0.0), 1.0 + 1.0j])
    assert max_rel_error(c, c) == 0.0


@pytest.mark.parametrize("actual", [
    [-np.inf, 2.0, 3.0],        # wrong sign of inf
    [5.0, 2.0, 3.0],            # finite where inf is expected
    [np.nan, 2.0, 3.0],         # NaN where inf is expected
])
def test_max_rel_error_nonfinite_mismatch_is_inf(actual):
    assert max_rel_error(actual, [np.inf, 2.0, 3.0]) == math.inf


def test_max_rel_error_nonfinite_actual_is_inf():
    assert max_rel_error([np.nan, 1.0], [1.0, 1.0]) == math.inf
    assert max_rel_error([np.inf, 1.0], [1.0, 1.0]) == math.inf
    assert max_rel_error([1.0, 1.0], [np.nan, 1.0]) == math.inf
    c = np.array([complex(1.0, np.nan)])
    assert max_rel_error(c, np.array([1.0 + 0.0j])) == math.inf


def test_max_rel_error_shape_mismatch_raises():
    with pytest.raises(ValueError, match="shape"):
        max_rel_error(np.zeros((2, 3)), np.zeros((3, 2)))
    with pytest.raises(ValueError):
        max_rel_error(np.zeros(3), np.zeros((1, 3)))   # no broadcasting
    with pytest.raises(ValueError):
        max_rel_error(np.zeros(1), 0.0)


def test_max_rel_error_empty():
    assert max_rel_error(np.zeros((0, 3)), np.zeros((0, 3))) == 0.0


# ---------------------------------------------------------------------------
# timed
# ---------------------------------------------------------------------------

def test_timed_calls_repeats_plus_one_and_returns_first_result():
    calls = []

    def fn(a, b):
        calls.append((a, b))
        return len(calls) * 10 + a + b

    result, first, median = timed(fn, 1, 2, repeats=3)
    assert calls == [(1, 2)] * 4
    assert result == 13                 # the first call's result
    assert isinstance(first, float) and isinstance(median, float)
    assert first >= 0.0 and median >= 0.0


def test_timed_default_repeats_is_five():
    count = [0]

    def fn():
        count[0] += 1
        return "out"

    result, first, median = timed(fn)
    assert result == "out" and count[0] == 6
    assert first >= 0.0 and median >= 0.0


def test_timed_first_and_median():
    # First call slow, repeats fast: first and median measure different calls.
    import time
    delays = iter([0.05, 0.0, 0.0, 0.0])
    result, first, median = timed(lambda: time.sleep(next(delays)), repeats=3)
    assert result is None
    assert first >= 0.05 > median >= 0.0


def test_timed_jit_function():
    @seq.jit
    def f(x):
        return x * 2.0 + 1.0

    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    out, first, median = timed(f, x, repeats=2)
    assert max_rel_error(out, x.astype(np.float64) * 2.0 + 1.0) == 0.0
    assert first >= 0.0 and median >= 0.0


def test_verdict_prints_and_returns_exit_code(capsys):
    from seq.testing import verdict
    assert verdict({"a": 1e-7, "b": 2e-6}, 1e-4) == 0
    assert "PASS: worst error 2.00e-06" in capsys.readouterr().out
    assert verdict({"a": 3e-3}, 1e-4) == 1
    assert "FAIL: worst error 3.00e-03 (> tolerance" in capsys.readouterr().out
