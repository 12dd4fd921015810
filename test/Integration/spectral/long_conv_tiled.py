# RUN: %python %s
"""seq.long_conv on the default (tiled) pipeline, where seq-decompose-long-conv
picks direct, FFT or overlap-add FFT by its cost rule, against the float64
reference summed tap by tap (seq_ref.long_conv_by_taps, checked against the
direct definition in test_reference.py).

Lengths that are not powers of two, filters shorter and longer than L (taps
past L cannot reach an output), L = 1, gates and skip, a filter short enough
against L = 20000 for overlap-add, f64, and a bf16 input with an f32 filter.
"""

import ml_dtypes
import numpy as np

import common
import seq_ref

# (B, L, C, K, options, method, dtype); the rule decides "auto".
CASES = [
    (1, 1000, 4, 1000, ("skip",), "auto", np.float32),         # FFT of 2000
    (2, 777, 3, 300, ("pregate", "postgate"), "fft", np.float32),
    (1, 500, 2, 800, ("skip",), "auto", np.float32),           # K > L
    (2, 3001, 3, 3001, ("skip",), "auto", np.float32),         # prime L
    (1, 20000, 2, 1024, ("pregate", "postgate"), "auto", np.float32),  # overlap-add
    (2, 1, 3, 5, ("skip", "postgate"), "auto", np.float32),    # L = 1
    (1, 300, 5, 7, ("skip",), "auto", np.float32),             # direct
    (1, 1500, 2, 1500, ("skip", "pregate"), "auto", np.float64),
    (1, 600, 2, 600, ("skip",), "auto", ml_dtypes.bfloat16),
]
TOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12,
       np.dtype(ml_dtypes.bfloat16): 1e-2}


def main():
    rng = np.random.default_rng(0)
    cases, arrays = [], []
    for b, l, c, kk, opts, method, dtype in CASES:
        u = rng.standard_normal((b, l, c)).astype(dtype)
        # A slowly decaying filter, as S4/Hyena filters are.
        k = (rng.standard_normal((c, kk)) * np.exp(-np.arange(kk) / 300.0)).astype(
            np.float32 if dtype == ml_dtypes.bfloat16 else dtype)
        extra = {opt: (rng.standard_normal(c) if opt == "skip"
                       else rng.standard_normal((b, l, c))).astype(dtype) for opt in opts}
        arrays.append((u, k, extra))
        attr = "" if method == "auto" else f"{{method = #seq.conv_method<{method}>}}"
        cases.append((u, k, extra, attr))
    outs = common.run_long_convs("conv", cases)
    for (b, l, c, kk, opts, method, dtype), (u, k, extra), y in zip(CASES, arrays, outs):
        name = (f"long_conv {np.dtype(dtype).name} B={b} L={l} C={c} K={kk} "
                f"{'+'.join(opts) or 'plain'} method={method}")
        assert y.dtype == np.dtype(dtype), f"{name}: dtype {y.dtype}"
        ref = seq_ref.long_conv_by_taps(u.astype(np.float64), k, extra.get("skip"),
                                        extra.get("pregate"), extra.get("postgate"))
        common.check(name, y.astype(np.float64), ref, TOL[np.dtype(dtype)])


main()
