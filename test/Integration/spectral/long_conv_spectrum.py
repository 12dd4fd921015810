# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.long_conv with a precomputed filter spectrum S = rfft(k, n) against
the float64 circular-convolution reference (seq_ref.long_conv_spectrum), and,
where n >= L + K - 1, against the causal convolution with the taps.

Paired channel rows (even C), channels last (odd C), several Monarch stages,
a size with a prime factor above the largest stage (Bluestein: n = 2 * 67),
a random spectrum whose taps wrap around (imaginary parts at bins 0 and n/2
that must be ignored), n = L, L = 1, gates and skip, f64.
"""

import numpy as np

import common
import seq_ref

# (B, L, C, n, K or None for a random spectrum, options, dtype)
CASES = [
    (1, 1000, 64, 2048, 1000, ("skip",), np.float32),          # pair rows
    (2, 777, 3, 1554, 777, ("pregate", "postgate"), np.float32),  # odd C
    (2, 300, 6, 4096, None, (), np.float32),                    # wraps
    (1, 100, 4, 134, 35, ("skip",), np.float32),                # Bluestein
    (1, 64, 2, 64, None, ("skip",), np.float32),                # n = L
    (2, 1, 3, 2, 1, ("skip", "postgate"), np.float32),          # L = 1
    (1, 500, 2, 1000, 500, ("skip", "pregate"), np.float64),
]
TOL = {np.dtype(np.float32): 1e-5, np.dtype(np.float64): 1e-12}


def main():
    rng = np.random.default_rng(0)
    cases, arrays = [], []
    for b, l, c, n, kk, opts, dtype in CASES:
        u = rng.standard_normal((b, l, c)).astype(dtype)
        bins = n // 2 + 1
        cdtype = np.complex128 if dtype == np.float64 else np.complex64
        if kk is None:
            k = None
            s = (rng.standard_normal((c, bins))
                 + 1j * rng.standard_normal((c, bins))) / np.sqrt(n)
        else:
            k = rng.standard_normal((c, kk)) * np.exp(-np.arange(kk) / 300.0)
            s = np.fft.rfft(k, n)
        s = s.astype(cdtype)
        extra = {opt: (rng.standard_normal(c) if opt == "skip"
                       else rng.standard_normal((b, l, c))).astype(dtype) for opt in opts}
        arrays.append((u, k, s, extra))
        cases.append((u, s, extra, ""))
    outs = common.run_long_convs("conv", cases)
    for (b, l, c, n, kk, opts, dtype), (u, k, s, extra), y in zip(CASES, arrays, outs):
        name = (f"long_conv spectrum {np.dtype(dtype).name} B={b} L={l} C={c} "
                f"n={n} K={kk or 'random'} {'+'.join(opts) or 'plain'}")
        assert y.dtype == np.dtype(dtype), f"{name}: dtype {y.dtype}"
        gates = (extra.get("skip"), extra.get("pregate"), extra.get("postgate"))
        ref = seq_ref.long_conv_spectrum(u, s, *gates)
        common.check(name, y.astype(np.float64), ref, TOL[np.dtype(dtype)])
        if k is not None:
            # The spectrum of taps with n >= L + K - 1: the causal convolution.
            causal = seq_ref.long_conv_by_taps(u, k, *gates)
            common.check(name + " (causal)", y.astype(np.float64), causal,
                         TOL[np.dtype(dtype)])


main()
