# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.ema (MEGA damped EMA, MEGALODON CEMA) against seq_ref.

Both kinds, f32 / f64 (and f16 / bf16 input with f32 parameters, and mixed
f32 / f64 operands, which compute in f64), with and
without `initial` and the `final` destination, at L = 1, 37 (prime), 64 and
256 and N = 1, 2, 16. Cross-checks:
  * the compiled op equals the sequential recurrence seq_ref.ema and the FFT
    form seq_ref.cema_fft (kernel + FFT convolution + initial-state bias,
    final state by the block reduction ema_hidden);
  * decays within 1e-4 of 1 (|q| = 1 - p·σ(damping) ~ 1 - 1e-4, both by a
    small input weight p and by a small damping σ), where the state sums
    hundreds of nearly undamped terms;
  * one call equals two calls that carry `final` into `initial`.
"""

import numpy as np

import common
import seq_ref

# Normwise max relative error (common.check); the measured values are printed.
TOL = {np.float32: 1e-5, np.float64: 1e-13}
# The FFT form sums in a different order; in float64 they agree to ~1e-15.
CROSS_TOL = {np.float32: 1e-5, np.float64: 1e-12}
# With |q| ~ 1 - 1e-4 the f32 rounding of q itself (2^-25 in modulus and
# phase) compounds over t steps into q^t, so the error grows like L·2^-24
# (plus the rounding of the phase angle for the complex kind); 1e-4 is the f32
# budget of the op.
NEAR_ONE_TOL = {np.float32: 1e-4, np.float64: 1e-12}


def logit(p):
    return np.log(p) - np.log1p(-p)


def parameters(rng, kind, D, N, dtype, near_one=None):
    """Parameters in MEGA / MEGALODON's layouts and init distributions.
    near_one = "weight" or "damping" picks p·σ(damping) ~ 1e-4 through a small
    p or a small damping."""
    wl = rng.normal(0.0, 1.0, (D, N))
    dl = rng.normal(0.0, 1.0, (D, N))
    if near_one == "weight":        # p ~ 1e-4, σ(damping) ~ 1
        wl = logit(rng.uniform(0.5e-4, 1.5e-4, (D, N)))
        dl = rng.uniform(8.0, 12.0, (D, N))
    elif near_one == "damping":     # σ(damping) ~ 1e-4, p ~ 0.5
        dl = logit(rng.uniform(0.5e-4, 1.5e-4, (D, N)))
    params = {"weight_logit": wl, "damping_logit": dl,
              "omega": rng.normal(0.0, 0.25, D)}
    if kind == "damped":
        params["gamma"] = rng.normal(0.0, 1.0, (D, N))
        signs = np.where(np.arange(N) % 2 == 0, 1.0, -1.0)
        params["beta"] = rng.normal(0.0, 0.02, (D, N)) + signs
    else:
        params["gamma"] = rng.normal(0.0, 1.0, (D, N, 2))
        # MEGALODON's theta: logit of the base frequencies D^(-j/D), permuted.
        freqs = D ** (-np.arange(1, D + 1) / D)
        params["theta"] = logit(rng.permutation(np.clip(freqs, 1e-3, 1 - 1e-3)))
    return {k: v.astype(dtype) for k, v in params.items()}


def state_dtype(kind, dtype):
    if kind == "damped":
        return dtype
    return np.complex128 if dtype == np.float64 else np.complex64


def ema_op(kind, params, tx, ts, initial, with_final, tag):
    """MLIR lines of one seq.ema on %x and the parameter arguments."""
    tp = {k: common.ttype(v) for k, v in params.items()}
    extra = "beta" if kind == "damped" else "theta"
    lines = [f"%y0{tag} = tensor.empty() : {tx}"]
    outs, types = [f"%y0{tag}"], [tx]
    if with_final:
        lines.append(f"%h0{tag} = tensor.empty() : {ts}")
        outs.append(f"%h0{tag}")
        types.append(ts)
    results = [f"%y{tag}"] + ([f"%h{tag}"] if with_final else [])
    init = f" initial({initial} : {ts})" if initial else ""
    lines.append(
        f"{', '.join(results)} = seq.ema <{kind}> ins(%x, %weight_logit, %damping_logit, "
        f"%gamma, %omega : {tx}, {tp['weight_logit']}, {tp['damping_logit']}, "
        f"{tp['gamma']}, {tp['omega']}) {extra}(%{extra} : {tp[extra]}){init} "
        f"outs({', '.join(outs)} : {', '.join(types)}) -> {', '.join(types)}")
    return lines, list(zip(results, types))


ARG_ORDER = ["weight_logit", "damping_logit", "gamma", "omega", "beta", "theta"]


def compile_and_run(kind, x, params, h0, variants):
    """One function with one seq.ema per (with_initial, with_final) variant."""
    names = [k for k in ARG_ORDER if k in params]
    args = [("%x", common.ttype(x))] + [(f"%{k}", common.ttype(params[k])) for k in names]
    inputs = [x] + [params[k] for k in names]
    ts = common.ttype(h0)
    if any(with_init for with_init, _ in variants):
        args.append(("%h_init", ts))
        inputs.append(h0)
    body, results = [], []
    for i, (with_init, with_final) in enumerate(variants):
        lines, res = ema_op(kind, params, common.ttype(x), ts,
                            "%h_init" if with_init else None, with_final, f"_{i}")
        body += lines
        results += res
    sig = ", ".join(f"{n}: {t}" for n, t in args)
    rtypes = ", ".join(t for _, t in results)
    mlir = (f"func.func @ema({sig}) -> ({rtypes}) {{\n  " + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {rtypes}\n}}\n")
    outs = common.run(mlir, "ema", inputs, len(results))
    grouped, i = [], 0
    for _, with_final in variants:
        grouped.append((outs[i], outs[i + 1] if with_final else None))
        i += 2 if with_final else 1
    return grouped


def reference(kind, x, params, h0, fft=False):
    fn = seq_ref.cema_fft if fft else seq_ref.ema
    return fn(x, params["weight_logit"], params["damping_logit"], params["gamma"],
              params["omega"], kind=kind, beta=params.get("beta"),
              theta=params.get("theta"), initial=h0)


def random_state(rng, kind, B, D, N, dtype):
    h0 = rng.standard_normal((B, D, N))
    if kind == "complex":
        h0 = h0 + 1j * rng.standard_normal((B, D, N))
    return h0.astype(dtype)


VARIANTS = [(False, False), (False, True), (True, False), (True, True)]


def check_variants(rng, kind, dtype, B, L, D, N, near_one=None, fft=True):
    params = parameters(rng, kind, D, N, dtype, near_one)
    x = rng.standard_normal((B, L, D)).astype(dtype)
    h0 = random_state(rng, kind, B, D, N, state_dtype(kind, dtype))
    outs = compile_and_run(kind, x, params, h0, VARIANTS)
    label = (f"ema {kind} {np.dtype(dtype).name} B={B} L={L} D={D} N={N}"
             + (f" |q|~1-1e-4 (small {near_one})" if near_one else ""))
    tol = NEAR_ONE_TOL[dtype] if near_one else TOL[dtype]
    cross_tol = NEAR_ONE_TOL[dtype] if near_one else CROSS_TOL[dtype]
    for (with_init, with_final), (y, h) in zip(VARIANTS, outs):
        init = h0 if with_init else None
        name = label + (" initial" if with_init else "") + ("" if with_final else " (no final)")
        assert y.dtype == x.dtype and (h is None or h.dtype == h0.dtype)
        ref_y, ref_h = reference(kind, x, params, init)
        common.check(name + " y", y, ref_y, tol)
        if h is not None:
            common.check(name + " final", h, ref_h, tol)
        if fft and with_final:
            fft_y, fft_h = reference(kind, x, params, init, fft=True)
            common.check(name + " y vs cema_fft", y, fft_y, cross_tol)
            common.check(name + " final vs ema_hidden", h, fft_h, cross_tol)


def check_split(rng, kind, dtype):
    """y/final of one call == two calls carrying final -> initial."""
    B, L, D, N, cut = 2, 61, 4, 16, 24
    params = parameters(rng, kind, D, N, dtype)
    x = rng.standard_normal((B, L, D)).astype(dtype)
    h0 = random_state(rng, kind, B, D, N, state_dtype(kind, dtype))
    (y, h), = compile_and_run(kind, x, params, h0, [(True, True)])
    (y1, h1), = compile_and_run(kind, x[:, :cut], params, h0, [(True, True)])
    (y2, h2), = compile_and_run(kind, x[:, cut:], params, h1, [(True, True)])
    ref_y, ref_h = reference(kind, x, params, h0)
    split_y = np.concatenate([y1, y2], axis=1)
    name = f"split ema {kind} {np.dtype(dtype).name} L={cut}+{L - cut}"
    common.check(name + " y vs reference", split_y, ref_y, TOL[dtype])
    common.check(name + " final vs reference", h2, ref_h, TOL[dtype])
    # The same operations in the same order: bit-identical to one call.
    common.check(name + " y vs one call", split_y, y, 0.0)
    common.check(name + " final vs one call", h2, h, 0.0)


def check_low_precision(rng, kind, dtype, tol):
    """f16 / bf16 input and output with f32 parameters and state: computed in
    f32, so the error is the output rounding (unit roundoff 2^-11 / 2^-8)."""
    B, L, D, N = 2, 37, 3, 4
    params = parameters(rng, kind, D, N, np.float32)
    x = rng.standard_normal((B, L, D)).astype(dtype)
    h0 = random_state(rng, kind, B, D, N, state_dtype(kind, np.float32))
    (y, h), = compile_and_run(kind, x, params, h0, [(True, True)])
    y = y.view(dtype)   # seq-run writes bf16 as uint16 bit patterns
    ref_y, ref_h = reference(kind, x, params, h0)
    name = f"ema {kind} {np.dtype(dtype).name} input, f32 parameters"
    common.check(name + " y", y, ref_y, tol)
    common.check(name + " final", h, ref_h, TOL[np.float32])


def check_mixed(rng, kind, x_dtype, param_dtype, state):
    """Mixed element types (the verifier allows parameters and state of another
    float type than x): the op computes in f64 as soon as one of them is f64,
    so the only error left is the rounding of the f32 results."""
    B, L, D, N = 2, 37, 3, 8
    params = parameters(rng, kind, D, N, param_dtype)
    x = rng.standard_normal((B, L, D)).astype(x_dtype)
    h0 = random_state(rng, kind, B, D, N, state)
    (y, h), = compile_and_run(kind, x, params, h0, [(True, True)])
    assert y.dtype == x.dtype and h.dtype == h0.dtype
    ref_y, ref_h = reference(kind, x, params, h0)
    name = (f"ema {kind} x {np.dtype(x_dtype).name}, parameters "
            f"{np.dtype(param_dtype).name}, state {np.dtype(state).name}")
    common.check(name + " y", y, ref_y, 1e-7 if x_dtype == np.float32 else 1e-13)
    common.check(name + " final", h, ref_h, 1e-7 if state in (np.float32, np.complex64) else 1e-13)


def main():
    rng = np.random.default_rng(2024)
    for kind in ("damped", "complex"):
        for dtype in (np.float32, np.float64):
            check_variants(rng, kind, dtype, B=2, L=1, D=3, N=2)
            check_variants(rng, kind, dtype, B=2, L=37, D=5, N=16)
            check_variants(rng, kind, dtype, B=1, L=64, D=4, N=1)
            check_variants(rng, kind, dtype, B=2, L=256, D=3, N=16)
            for near_one in ("weight", "damping"):
                check_variants(rng, kind, dtype, B=2, L=256, D=3, N=8, near_one=near_one)
            check_split(rng, kind, dtype)
        check_mixed(rng, kind, np.float32, np.float64, state_dtype(kind, np.float64))
        check_mixed(rng, kind, np.float64, np.float32, state_dtype(kind, np.float32))
        check_low_precision(rng, kind, np.float16, 1e-3)
        try:
            import ml_dtypes
            check_low_precision(rng, kind, ml_dtypes.bfloat16, 8e-3)
        except ImportError:
            print("bf16 skipped: ml_dtypes is not installed")


if __name__ == "__main__":
    main()
