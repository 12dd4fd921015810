"""Helpers for checking and timing seq programs: the examples and tests use them.

    from seq.testing import max_rel_error, timed

    out, first_s, median_s = timed(layer, x, w, repeats=5)   # first: trace + compile + run
    assert max_rel_error(out, reference(x, w)) <= 1e-4

Only NumPy and the standard library are imported here.
"""

import time

import numpy as np

__all__ = ["max_rel_error", "timed"]


def _as_wide(a, complex_):
    """a as a float64 (complex128 if complex_) NumPy array. Real inputs go
    through float64 first, so extension types such as ml_dtypes' bfloat16
    (which cast to float64 but not necessarily to complex128) work."""
    if not np.iscomplexobj(a):
        a = a.astype(np.float64)
    return a.astype(np.complex128) if complex_ else a


def _same(x, y):
    """Elementwise x == y, with NaN equal to NaN (real arrays)."""
    return (x == y) | (np.isnan(x) & np.isnan(y))


def max_rel_error(actual, expected) -> float:
    """Normwise relative error ``max|actual - expected| / max|expected|``.

    Both arrays are converted to float64 (complex128 when either is complex)
    before subtracting, so float32 / float16 / bfloat16 results are measured
    against a float64 reference without rounding the difference. When
    ``max|expected| == 0`` the absolute error ``max|actual - expected|`` is
    returned instead.

    Non-finite values: entries where ``expected`` is inf or NaN must be
    matched exactly by ``actual`` (same positions, same values; NaN matches
    NaN), otherwise the result is ``inf``; the remaining finite entries are
    measured as above (a non-finite ``actual`` there also gives ``inf``).
    Empty arrays give 0.0.

    Raises ValueError if the shapes differ.
    """
    a, e = np.asarray(actual), np.asarray(expected)
    if a.shape != e.shape:
        raise ValueError(f"max_rel_error: shape mismatch, actual {a.shape} vs expected {e.shape}")
    complex_ = np.iscomplexobj(a) or np.iscomplexobj(e)
    a, e = _as_wide(a, complex_), _as_wide(e, complex_)
    if a.size == 0:
        return 0.0
    finite = np.isfinite(e)
    if not finite.all():
        bad_a, bad_e = a[~finite], e[~finite]
        if complex_:           # compare the parts: NaN may sit in one of them
            same = _same(bad_a.real, bad_e.real) & _same(bad_a.imag, bad_e.imag)
        else:
            same = _same(bad_a, bad_e)
        if not same.all():
            return float("inf")
        a, e = a[finite], e[finite]
        if e.size == 0:
            return 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        err = np.max(np.abs(a - e))
        if not np.isfinite(err):
            return float("inf")
        scale = np.max(np.abs(e))
    return float(err / scale) if scale > 0 else float(err)


def timed(fn, *args, repeats=5):
    """Times ``fn(*args)``: returns ``(result, first_seconds, median_seconds)``.

    Calls ``fn(*args)`` once -- for a ``@seq.jit`` function the first call
    traces, compiles and runs -- then ``repeats`` more times. Returns the first
    call's result, its wall time, and the median wall time of the repeated
    calls (``time.perf_counter``; NaN if ``repeats`` is 0).
    """
    t0 = time.perf_counter()
    result = fn(*args)
    first = time.perf_counter() - t0
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn(*args)
        runs.append(time.perf_counter() - t0)
    median = float(np.median(runs)) if runs else float("nan")
    return result, first, median


def verdict(errors, tolerance):
    """Prints `PASS` or `FAIL` for a dict of named errors against one
    tolerance and returns the matching exit code (0 or 1)."""
    worst = max(errors.values())
    ok = worst <= tolerance
    print(f"{'PASS' if ok else 'FAIL'}: worst error {worst:.2e} "
          f"({'<=' if ok else '>'} tolerance {tolerance:g})")
    return 0 if ok else 1
