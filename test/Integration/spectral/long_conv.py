# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.long_conv against the direct float64 reference (seq_ref.long_conv) and,
as a second, independent form, the FFT convolution seq_ref.fftconv (padded to
2L) with the gates applied around it.

Filters shorter than, equal to and longer than L; L = 1; prime L; skip,
pregate and postgate alone and together; every `method` (a hint only). f32 and
f64 in one JIT run each, then f16 and bf16 inputs (and an f16 input with f32
filter and skip, which the verifier accepts).
"""

import ml_dtypes
import numpy as np

import common
import seq_ref

# (B, L, C, K, options, method); options from "skip", "pregate", "postgate".
CASES = [
    (2, 16, 3, 5, (), "auto"),            # K < L
    (1, 12, 4, 12, ("skip",), "direct"),  # K == L
    (2, 7, 3, 20, ("postgate",), "fft"),  # K > L: taps past L unused
    (2, 1, 3, 4, ("skip", "pregate", "postgate"), "auto"),  # L = 1
    (1, 1, 1, 1, ("skip",), "direct"),    # L = K = 1
    (2, 31, 5, 31, ("pregate",), "auto"),  # prime L
    (1, 97, 2, 50, ("skip", "pregate", "postgate"), "fft"),  # prime L, K < L
    (1, 64, 3, 64, ("skip",), "fft"),     # power of two
    (3, 100, 2, 37, ("pregate", "postgate"), "direct"),
]


def build(cases, arrays, name):
    """One function running every case; arrays[i] = (u, k, skip, pre, post)."""
    args, body, results = [], [], []
    for i, ((b, l, c, kk, opts, method), (u, k, d, pre, post)) in enumerate(zip(cases, arrays)):
        tu, tk = common.ttype(u), common.ttype(k)
        args += [f"%u{i}: {tu}", f"%k{i}: {tk}"]
        clauses = ""
        for opt, arr in (("skip", d), ("pregate", pre), ("postgate", post)):
            if arr is not None:
                args.append(f"%{opt}{i}: {common.ttype(arr)}")
                clauses += f" {opt}(%{opt}{i} : {common.ttype(arr)})"
        attr = "" if method == "auto" else f" {{method = #seq.conv_method<{method}>}}"
        body.append(f"%e{i} = tensor.empty() : {tu}")
        body.append(f"%y{i} = seq.long_conv ins(%u{i}, %k{i} : {tu}, {tk}){clauses} "
                    f"outs(%e{i} : {tu}){attr} -> {tu}")
        results.append((f"%y{i}", tu))
    types = ", ".join(t for _, t in results)
    return (f"func.func @{name}({', '.join(args)}) -> ({types}) {{\n  "
            + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {types}\n}}\n")


def make_arrays(rng, case, dtype, param_dtype=None):
    b, l, c, kk, opts, _ = case
    param_dtype = param_dtype or dtype
    u = rng.standard_normal((b, l, c)).astype(dtype)
    # A decaying filter, as the long-conv models use, plus noise.
    k = (rng.standard_normal((c, kk)) * np.exp(-0.05 * np.arange(kk))).astype(param_dtype)
    d = rng.standard_normal(c).astype(param_dtype) if "skip" in opts else None
    pre = rng.standard_normal((b, l, c)).astype(dtype) if "pregate" in opts else None
    post = rng.standard_normal((b, l, c)).astype(dtype) if "postgate" in opts else None
    return u, k, d, pre, post


def flat_inputs(arrays):
    return [a for group in arrays for a in group if a is not None]


def fft_form(u, k, d, pre, post):
    """long_conv through seq_ref.fftconv: w = u·pregate, fftconv, then postgate."""
    w = u.astype(np.float64) * (pre.astype(np.float64) if pre is not None else 1.0)
    y = seq_ref.fftconv(w, k, None if d is None else d.astype(np.float64))
    return y * (post.astype(np.float64) if post is not None else 1.0)


def run_cases(dtype, seed, tol, param_dtype=None, cross_check=True):
    rng = np.random.default_rng(seed)
    arrays = [make_arrays(rng, case, dtype, param_dtype) for case in CASES]
    tag = np.dtype(dtype).name + (f"/{np.dtype(param_dtype).name} params" if param_dtype else "")
    mlir = build(CASES, arrays, "conv")
    results = common.run(mlir, "conv", flat_inputs(arrays), num_outputs=len(CASES))
    worst = 0.0
    for case, (u, k, d, pre, post), y in zip(CASES, arrays, results):
        b, l, c, kk, opts, method = case
        name = f"long_conv {tag} B={b} L={l} C={c} K={kk} {'+'.join(opts) or 'plain'} {method}"
        if np.dtype(dtype) == ml_dtypes.bfloat16 and y.dtype == np.uint16:
            y = y.view(ml_dtypes.bfloat16)  # .npy has no bf16: seq-run writes the bits
        assert y.dtype == np.dtype(dtype), f"{name}: dtype {y.dtype}"
        ref = seq_ref.long_conv(u, k, d, pre, post)
        worst = max(worst, common.check(name, y, ref, tol))
        if cross_check:
            # The two references agree to float64 rounding ...
            common.check(name + " (seq_ref direct vs fftconv)", ref, fft_form(u, k, d, pre, post), 1e-12)
            # ... and the compiled result matches the FFT form too.
            worst = max(worst, common.check(name + " vs fftconv", y, fft_form(u, k, d, pre, post), tol))
    print(f"long_conv {tag}: worst max rel err {worst:.3e}")


run_cases(np.float32, 0, 1e-5)
run_cases(np.float64, 1, 1e-12)
# Half-precision outputs are rounded to 11 (f16) / 8 (bf16) significant bits:
# a few units of 2^-11 and 2^-8 relative to the largest output.
run_cases(np.float16, 2, 1e-3, cross_check=False)
run_cases(ml_dtypes.bfloat16, 3, 8e-3, cross_check=False)
run_cases(np.float16, 4, 1e-3, param_dtype=np.float32, cross_check=False)
