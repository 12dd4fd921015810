# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.timestep_norm (MEGALODON) against seq_ref.timestep_norm (the Welford
recurrence) and seq_ref.timestep_norm_direct (two-pass cumulative statistics).

Groups G = 1, several and D (one feature per group: zero per-step variance),
with and without a padding mask (including a padded first step and a fully
padded row), with and without prev state and the count/mean/var destinations,
L = 1, 13, 64, a non-default eps, f32 / f64 / f16 / bf16 input (f16 and bf16
with f32 weights and state; f32 with f64 weights and state), a split run carrying (count, mean, var) from one
call into the next, and L = 3000 with a large common offset (|mean| = 30 x the
spread), where an uncompensated running mean would drift by O(L·ulp).
"""

import numpy as np

import common
import seq_ref

# Normwise max relative error (common.check); the measured values are printed.
TOL = {np.float32: 1e-5, np.float64: 1e-13}


def out_types(x, G, dtype_state):
    B = x.shape[0]
    return [common.tensor_type((B,), np.int64), common.tensor_type((B, G), dtype_state),
            common.tensor_type((B, G), dtype_state)]


def tsn_op(x, w, G, eps, mask, prev, with_final, state_dtype, tag):
    """MLIR lines of one seq.timestep_norm; returns (lines, result types)."""
    tx, tw = common.ttype(x), common.ttype(w)
    lines = [f"%y0{tag} = tensor.empty() : {tx}"]
    outs, types = [f"%y0{tag}"], [tx]
    if with_final:
        for name, t in zip(("c", "m", "v"), out_types(x, G, state_dtype)):
            lines.append(f"%{name}0{tag} = tensor.empty() : {t}")
            outs.append(f"%{name}0{tag}")
            types.append(t)
    results = [f"%r{i}{tag}" for i in range(len(outs))]
    text = f"{', '.join(results)} = seq.timestep_norm ins(%x, %w, %b : {tx}, {tw}, {tw})"
    if mask is not None:
        text += f" padding_mask(%mask : {common.ttype(mask)})"
    if prev is not None:
        text += (f" prev(%pc, %pm, %pv : {common.ttype(prev[0])}, "
                 f"{common.ttype(prev[1])}, {common.ttype(prev[2])})")
    attrs = f"num_groups = {G} : i64"
    if eps is not None:
        attrs += f", eps = {eps!r} : f64"
    text += f" outs({', '.join(outs)} : {', '.join(types)}) {{{attrs}}} -> {', '.join(types)}"
    lines.append(text)
    return lines, list(zip(results, types))


def run(x, w, b, G, variants, eps=None, mask=None, prev=None, state_dtype=np.float32):
    """One compiled function with one op per (use_mask, use_prev, with_final)."""
    args = [("%x", x), ("%w", w), ("%b", b)]
    if mask is not None:
        args.append(("%mask", mask))
    if prev is not None:
        args += [("%pc", prev[0]), ("%pm", prev[1]), ("%pv", prev[2])]
    body, results = [], []
    for i, (use_mask, use_prev, with_final) in enumerate(variants):
        lines, res = tsn_op(x, w, G, eps, mask if use_mask else None,
                            prev if use_prev else None, with_final, state_dtype, f"_{i}")
        body += lines
        results += res
    sig = ", ".join(f"{n}: {common.ttype(a)}" for n, a in args)
    rtypes = ", ".join(t for _, t in results)
    mlir = (f"func.func @tsn({sig}) -> ({rtypes}) {{\n  " + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {rtypes}\n}}\n")
    outs = common.run(mlir, "tsn", [a for _, a in args], len(results))
    grouped, i = [], 0
    for _, _, with_final in variants:
        n = 4 if with_final else 1
        grouped.append(outs[i:i + n])
        i += n
    return grouped


def random_prev(rng, B, G, dtype):
    count = rng.integers(0, 50, B).astype(np.int64)
    count[0] = 0        # a zero prior count: mean/var must be overwritten exactly
    mean = rng.normal(0.0, 1.0, (B, G)).astype(dtype)
    var = rng.uniform(0.5, 2.0, (B, G)).astype(dtype)
    return count, mean, var


def random_mask(rng, B, L):
    mask = rng.random((B, L)) < 0.3
    if L > 1:
        mask[0, 0] = True       # a padded first step
    if B > 2:
        mask[2, :] = True       # a fully padded row
    return mask


def compare(name, outs, ref, tol, half=None):
    """Compares (y[, count, mean, var]) with a reference 4-tuple."""
    y = outs[0] if half is None else outs[0].view(half)
    common.check(name + " y", y, ref[0], tol if half is None else half_tol(half))
    if len(outs) == 4:
        assert outs[1].dtype == np.int64
        if not np.array_equal(outs[1], ref[1]):
            raise AssertionError(f"{name} count {outs[1]} != {ref[1]}")
        common.check(name + " mean", outs[2], ref[2], tol)
        common.check(name + " var", outs[3], ref[3], tol)


def half_tol(dtype):
    # One rounding of the f32 result: unit roundoff 2^-11 (f16), 2^-8 (bf16).
    return 1e-3 if np.dtype(dtype) == np.float16 else 8e-3


VARIANTS = [(m, p, f) for m in (False, True) for p in (False, True) for f in (False, True)]


def check_variants(rng, dtype, B, L, D, G, eps=None, offset=0.0, scale=1.0, direct=True):
    x = (offset + scale * rng.standard_normal((B, L, D))).astype(dtype)
    w = rng.normal(0.0, 0.5, D).astype(dtype)
    b = rng.normal(0.0, 0.5, D).astype(dtype)
    mask = random_mask(rng, B, L)
    prev = random_prev(rng, B, G, dtype)
    outs = run(x, w, b, G, VARIANTS, eps, mask, prev, dtype)
    kwargs = {} if eps is None else {"eps": eps}
    for (use_mask, use_prev, with_final), got in zip(VARIANTS, outs):
        m = mask if use_mask else None
        pc, pm, pv = prev if use_prev else (None, None, None)
        name = (f"tsn {np.dtype(dtype).name} B={B} L={L} D={D} G={G}"
                + (f" eps={eps}" if eps is not None else "")
                + (" mask" if use_mask else "") + (" prev" if use_prev else "")
                + ("" if with_final else " (no final)"))
        ref = seq_ref.timestep_norm(x, w, b, G, padding_mask=m, prev_count=pc,
                                    prev_mean=pm, prev_var=pv, **kwargs)
        compare(name, got, ref, TOL[dtype])
        if with_final and direct:
            ref = seq_ref.timestep_norm_direct(x, w, b, G, padding_mask=m, prev_count=pc,
                                                  prev_mean=pm, prev_var=pv, **kwargs)
            compare(name + " vs direct", got, ref, TOL[dtype])


def check_split(rng, dtype):
    """One call == two calls carrying (count, mean, var) as prev."""
    B, L, D, G, cut = 3, 41, 12, 3, 17
    x = rng.standard_normal((B, L, D)).astype(dtype) + 2.0
    w = rng.normal(0.0, 0.5, D).astype(dtype)
    b = rng.normal(0.0, 0.5, D).astype(dtype)
    mask = random_mask(rng, B, L)
    prev = random_prev(rng, B, G, dtype)
    variant = [(True, True, True)]
    whole, = run(x, w, b, G, variant, mask=mask, prev=prev, state_dtype=dtype)
    first, = run(x[:, :cut], w, b, G, variant, mask=mask[:, :cut], prev=prev, state_dtype=dtype)
    second, = run(x[:, cut:], w, b, G, variant, mask=mask[:, cut:], prev=tuple(first[1:]),
                  state_dtype=dtype)
    ref = seq_ref.timestep_norm(x, w, b, G, padding_mask=mask, prev_count=prev[0],
                                prev_mean=prev[1], prev_var=prev[2])
    split = [np.concatenate([first[0], second[0]], axis=1)] + second[1:]
    name = f"split tsn {np.dtype(dtype).name} L={cut}+{L - cut}"
    compare(name + " vs reference", split, ref, TOL[dtype])
    # The split drops the Kahan compensation at the cut (the state is just
    # (count, mean, var)), so it agrees with one call to rounding, not bits.
    compare(name + " vs one call", split, whole, TOL[dtype])


def check_half(rng, dtype):
    """f16 / bf16 input and output, f32 weights and state, computed in f32."""
    B, L, D, G = 2, 29, 16, 4
    x = (1.5 + rng.standard_normal((B, L, D))).astype(dtype)
    w = rng.normal(0.0, 0.5, D).astype(np.float32)
    b = rng.normal(0.0, 0.5, D).astype(np.float32)
    mask = random_mask(rng, B, L)
    prev = random_prev(rng, B, G, np.float32)
    got, = run(x, w, b, G, [(True, True, True)], mask=mask, prev=prev)
    ref = seq_ref.timestep_norm(x, w, b, G, padding_mask=mask, prev_count=prev[0],
                                prev_mean=prev[1], prev_var=prev[2])
    compare(f"tsn {np.dtype(dtype).name} input", got, ref, TOL[np.float32], half=dtype)


def check_mixed(rng):
    """f32 data with f64 weights and state: computed in f64, so y carries
    only its f32 rounding and mean/var are f64-accurate."""
    B, L, D, G = 2, 23, 8, 2
    x = (3.0 + rng.standard_normal((B, L, D))).astype(np.float32)
    w = rng.normal(0.0, 0.5, D)
    b = rng.normal(0.0, 0.5, D)
    mask = random_mask(rng, B, L)
    prev = random_prev(rng, B, G, np.float64)
    got, = run(x, w, b, G, [(True, True, True)], mask=mask, prev=prev,
               state_dtype=np.float64)
    ref = seq_ref.timestep_norm(x, w, b, G, padding_mask=mask, prev_count=prev[0],
                                prev_mean=prev[1], prev_var=prev[2])
    name = "tsn float32 input, float64 weights and state"
    common.check(name + " y", got[0], ref[0], 1e-7)
    assert np.array_equal(got[1], ref[1])
    common.check(name + " mean", got[2], ref[2], TOL[np.float64])
    common.check(name + " var", got[3], ref[3], TOL[np.float64])


def main():
    rng = np.random.default_rng(77)
    for dtype in (np.float32, np.float64):
        check_variants(rng, dtype, B=3, L=1, D=8, G=2)
        check_variants(rng, dtype, B=3, L=13, D=12, G=1)
        check_variants(rng, dtype, B=3, L=64, D=24, G=4, eps=1e-3, offset=1.0)
        check_variants(rng, dtype, B=3, L=13, D=6, G=6)
        check_split(rng, dtype)
    # Long sequences with |mean| = 30 x the spread: y magnifies errors of the
    # running mean by 1/std.
    check_variants(rng, np.float32, B=3, L=3000, D=8, G=2, offset=30.0,
                   direct=False)  # the direct form is O(L^2)
    check_variants(rng, np.float32, B=3, L=3000, D=4, G=4, offset=-3.0, scale=0.1,
                   direct=False)
    check_mixed(rng)
    check_half(rng, np.float16)
    try:
        import ml_dtypes
        check_half(rng, ml_dtypes.bfloat16)
    except ImportError:
        print("bf16 skipped: ml_dtypes is not installed")


if __name__ == "__main__":
    main()
