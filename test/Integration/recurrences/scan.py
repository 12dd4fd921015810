# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.scan against the float64 recurrence of seq_ref.scan.

Forward and reverse, f32 / f64 / complex<f32> / complex<f64> (and f16 / bf16
inputs computed in f32), with and without `initial` and the `final`
destination, at L = 1, 37 (prime), 64 (power of two) and state shapes of rank
0, 1 and 2 (tensors of rank 2, 3 and 4). Also: a scan split in two compiled
calls whose `final` is fed back as `initial` equals one call (forward and
reverse), the associative chunked form built from compiled scans (a chunk
scanned from 0 plus its cumulative product of a times the incoming state)
equals the reference, and a long scan with |a| within 1e-4 of 1 and large |b|, where the
state grows to ~1e4 and rounding errors accumulate over 4096 steps.
"""

import numpy as np

import common
import seq_ref

# Normwise max relative error (common.check); the measured values are printed.
TOL = {np.float32: 2e-6, np.float64: 1e-14, np.complex64: 2e-6,
       np.complex128: 1e-14}

# (L, state shape): rank 2, 3 and 4 tensors.
SHAPES = [(1, (3,)), (37, (4, 3)), (64, ()), (64, (5,))]
BATCH = 2


def random(rng, shape, dtype, low=None, high=None):
    """Normal values, or magnitudes uniform in [low, high) with random signs /
    phases; complex for complex dtypes."""
    if low is None:
        x = rng.standard_normal(shape)
        if np.issubdtype(dtype, np.complexfloating):
            x = x + 1j * rng.standard_normal(shape)
    else:
        mag = rng.uniform(low, high, shape)
        if np.issubdtype(dtype, np.complexfloating):
            x = mag * np.exp(2j * np.pi * rng.random(shape))
        else:
            x = mag * rng.choice([-1.0, 1.0], shape)
    return x.astype(dtype)


def scan_op(a, b, ta, ts, initial=None, with_final=True, reverse=False, tag=""):
    """MLIR lines of one seq.scan; returns (lines, result names)."""
    init = f" initial({initial} : {ts})" if initial else ""
    attr = " {reverse}" if reverse else ""
    lines = [f"%s0{tag} = tensor.empty() : {ta}"]
    if with_final:
        lines.append(f"%f0{tag} = tensor.empty() : {ts}")
        lines.append(f"%s{tag}, %f{tag} = seq.scan ins({a}, {b} : {ta}, {ta}){init} "
                     f"outs(%s0{tag}, %f0{tag} : {ta}, {ts}){attr} -> {ta}, {ts}")
        return lines, [(f"%s{tag}", ta), (f"%f{tag}", ts)]
    lines.append(f"%s{tag} = seq.scan ins({a}, {b} : {ta}, {ta}){init} "
                 f"outs(%s0{tag} : {ta}){attr} -> {ta}")
    return lines, [(f"%s{tag}", ta)]


def function(name, args, body, results):
    sig = ", ".join(f"{n}: {t}" for n, t in args)
    res = ", ".join(t for _, t in results)
    return (f"func.func @{name}({sig}) -> ({res}) {{\n  " + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {res}\n}}\n")


def check_variants(rng, dtype, L, state):
    """All four (initial?, final?) combinations, forward and reverse, in one
    compiled function."""
    shape = (BATCH, L) + state
    a = random(rng, shape, dtype, 0.5, 1.0)
    b = random(rng, shape, dtype)
    h0 = random(rng, (BATCH,) + state, dtype)
    ta, ts = common.ttype(a), common.ttype(h0)
    body, results, expected = [], [], []
    for reverse in (False, True):
        for with_init in (False, True):
            for with_final in (False, True):
                tag = f"_{int(reverse)}{int(with_init)}{int(with_final)}"
                lines, res = scan_op("%a", "%b", ta, ts, "%h0" if with_init else None,
                                     with_final, reverse, tag)
                body += lines
                results += res
                s, f = seq_ref.scan(a, b, h0 if with_init else None, reverse)
                name = (f"scan {np.dtype(dtype).name} L={L} S={state} "
                        f"{'reverse' if reverse else 'forward'}"
                        f"{' initial' if with_init else ''}"
                        f"{'' if with_final else ' (no final)'}")
                expected.append((name + " states", s))
                if with_final:
                    expected.append((name + " final", f))
    mlir = function("scan", [("%a", ta), ("%b", ta), ("%h0", ts)], body, results)
    outs = common.run(mlir, "scan", [a, b, h0], len(results))
    for out, (name, ref) in zip(outs, expected):
        assert out.dtype == a.dtype, (out.dtype, a.dtype)
        common.check(name, out, ref, TOL[dtype])


def run_scan(a, b, h0, reverse):
    ta, ts = common.ttype(a), common.ttype(h0)
    body, results = scan_op("%a", "%b", ta, ts, "%h0", True, reverse)
    mlir = function("scan", [("%a", ta), ("%b", ta), ("%h0", ts)], body, results)
    return common.run(mlir, "scan", [a, b, h0], 2)


def check_split(rng, dtype, reverse):
    """states/final of one call == two calls carrying final -> initial."""
    L, cut = 37, 16
    a = random(rng, (BATCH, L, 3), dtype, 0.5, 1.0)
    b = random(rng, (BATCH, L, 3), dtype)
    h0 = random(rng, (BATCH, 3), dtype)
    whole_s, whole_f = run_scan(a, b, h0, reverse)
    # The reverse scan consumes the tail first.
    first, second = (slice(cut, L), slice(0, cut)) if reverse else (slice(0, cut), slice(cut, L))
    s1, f1 = run_scan(a[:, first], b[:, first], h0, reverse)
    s2, f2 = run_scan(a[:, second], b[:, second], f1, reverse)
    split_s = np.concatenate([s2, s1] if reverse else [s1, s2], axis=1)
    ref_s, ref_f = seq_ref.scan(a, b, h0, reverse)
    name = f"split scan {np.dtype(dtype).name} {'reverse' if reverse else 'forward'}"
    common.check(name + " states vs reference", split_s, ref_s, TOL[dtype])
    common.check(name + " final vs reference", f2, ref_f, TOL[dtype])
    # Same per-step arithmetic, so the split is bit-identical to one call.
    common.check(name + " states vs one call", split_s, whole_s, 0.0)
    common.check(name + " final vs one call", f2, whole_f, 0.0)


def check_chunked(rng, dtype, reverse):
    """The associative (chunked) form, from compiled scans: a chunk scanned
    from h = 0 plus the chunk's cumulative product of a (a scan with b = 0
    from h = 1) times the state entering the chunk equals the plain scan:
    h_t = (Π_{τ≤t} a_τ)·h_in + scan_0(a, b)_t."""
    L, cut = 45, 19
    a = random(rng, (BATCH, L, 3), dtype, 0.5, 1.0)
    b = random(rng, (BATCH, L, 3), dtype)
    h0 = random(rng, (BATCH, 3), dtype)
    head, tail = (slice(cut, L), slice(0, cut)) if reverse else (slice(0, cut), slice(cut, L))
    a1, b1, a2, b2 = a[:, head], b[:, head], a[:, tail], b[:, tail]
    ta1, ta2, ts = common.ttype(a1), common.ttype(a2), common.ttype(h0)
    body, results = [], []
    lines, res = scan_op("%a1", "%b1", ta1, ts, "%h0", True, reverse, "_head")
    body, results = body + lines, results + res
    lines, res = scan_op("%a2", "%b2", ta2, ts, None, False, reverse, "_zero")
    body, results = body + lines, results + res
    lines, res = scan_op("%a2", "%zeros", ta2, ts, "%ones", False, reverse, "_prod")
    body, results = body + lines, results + res
    args = [("%a1", ta1), ("%b1", ta1), ("%h0", ts), ("%a2", ta2), ("%b2", ta2),
            ("%zeros", ta2), ("%ones", ts)]
    mlir = function("chunks", args, body, results)
    s1, f1, s2_zero, prod = common.run(
        mlir, "chunks", [a1, b1, h0, a2, b2, np.zeros_like(a2), np.ones_like(h0)], 4)
    s2 = s2_zero + prod * f1[:, None]
    ref_s, _ = seq_ref.scan(a, b, h0, reverse)
    chunked = np.concatenate([s2, s1] if reverse else [s1, s2], axis=1)
    name = f"chunked scan {np.dtype(dtype).name} {'reverse' if reverse else 'forward'}"
    common.check(name + " states", chunked, ref_s, TOL[dtype])


def check_long(rng, dtype):
    """|a| = 1 - O(1e-4) over 4096 steps: the state sums thousands of terms."""
    L = 4096
    a = random(rng, (1, L, 8), dtype, 1 - 2e-4, 1 - 1e-5)
    if not np.issubdtype(dtype, np.complexfloating):
        a = np.abs(a)
    b = (random(rng, (1, L, 8), dtype) * 1e3).astype(dtype)
    h0 = random(rng, (1, 8), dtype)
    s, f = run_scan(a, b, h0, reverse=False)
    ref_s, ref_f = seq_ref.scan(a, b, h0)
    name = f"long scan {np.dtype(dtype).name} L={L} |a|~1-1e-4"
    common.check(name + " states", s, ref_s, TOL[dtype] * 10)
    common.check(name + " final", f, ref_f, TOL[dtype] * 10)


def check_half(rng, dtype, tol):
    """f16 / bf16 data is scanned in f32 and rounded once per stored state, so
    the error is one rounding: 2^-11 (f16) or 2^-8 (bf16) relative."""
    a = random(rng, (BATCH, 37, 4), np.float32, 0.5, 1.0).astype(dtype)
    b = random(rng, (BATCH, 37, 4), np.float32).astype(dtype)
    h0 = random(rng, (BATCH, 4), np.float32).astype(dtype)
    for reverse in (False, True):
        s, f = run_scan(a, b, h0, reverse)
        # seq-run writes bf16 results as their uint16 bit patterns.
        s, f = s.view(dtype), f.view(dtype)
        ref_s, ref_f = seq_ref.scan(a, b, h0, reverse)
        name = f"scan {np.dtype(dtype).name} {'reverse' if reverse else 'forward'}"
        common.check(name + " states", s, ref_s, tol)
        common.check(name + " final", f, ref_f, tol)


def main():
    rng = np.random.default_rng(1234)
    for dtype in (np.float32, np.float64, np.complex64, np.complex128):
        for L, state in SHAPES:
            check_variants(rng, dtype, L, state)
        for reverse in (False, True):
            check_split(rng, dtype, reverse)
            check_chunked(rng, dtype, reverse)
    for dtype in (np.float32, np.complex64, np.float64):
        check_long(rng, dtype)
    check_half(rng, np.float16, 1e-3)
    try:
        import ml_dtypes
        check_half(rng, ml_dtypes.bfloat16, 8e-3)
    except ImportError:
        print("bf16 skipped: ml_dtypes is not installed")


if __name__ == "__main__":
    main()
