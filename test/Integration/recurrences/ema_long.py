# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""Complex EMA over a long sequence with decays within 1e-4 of 1.

The per-(d, n) coefficients q = |q| e^{iφ} are computed in f64 and rounded
once to f32: computing them in f32 put the final state 5.1e-4 away from the
float64 reference at L = 4096 (the phase error of q compounds over every
step). With the rounding done once, both the output and the carried state
stay within the 1e-4 f32 budget up to L = 4096.
"""

import numpy as np

import common
import seq_ref

TOL = 1e-4
rng = np.random.default_rng(0)
B, D, N = 1, 8, 16
for L in (1024, 4096):
    x = rng.standard_normal((B, L, D)).astype(np.float32)
    # σ(weight_logit) ~ 1e-4 and σ(damping_logit) ~ 1: |q| ~ 1 - 1e-4.
    wl = (np.full((D, N), np.log(1e-4 / (1 - 1e-4)))
          + rng.normal(0, 0.1, (D, N))).astype(np.float32)
    dl = np.full((D, N), 8.0, np.float32)
    gamma = rng.standard_normal((D, N, 2)).astype(np.float32)
    omega = rng.standard_normal(D).astype(np.float32)
    theta = rng.standard_normal(D).astype(np.float32)
    state = f"tensor<{B}x{D}x{N}xcomplex<f32>>"
    t = common.ttype
    mlir = f"""
func.func @f(%x: {t(x)}, %wl: {t(wl)}, %dl: {t(dl)}, %g: {t(gamma)}, %w: {t(omega)}, %th: {t(theta)}) -> ({t(x)}, {state}) {{
  %e = tensor.empty() : {t(x)}
  %h = tensor.empty() : {state}
  %r:2 = seq.ema <complex> ins(%x, %wl, %dl, %g, %w : {t(x)}, {t(wl)}, {t(dl)}, {t(gamma)}, {t(omega)})
      theta(%th : {t(theta)}) outs(%e, %h : {t(x)}, {state}) -> {t(x)}, {state}
  return %r#0, %r#1 : {t(x)}, {state}
}}"""
    y, final = common.run(mlir, "f", [x, wl, dl, gamma, omega, theta])
    f64 = lambda a: a.astype(np.float64)
    ref_y, ref_final = seq_ref.ema(f64(x), f64(wl), f64(dl), f64(gamma), f64(omega),
                                   "complex", theta=f64(theta))
    common.check(f"cema near 1, L={L}: y", y, ref_y, TOL)
    common.check(f"cema near 1, L={L}: final state", final, ref_final, TOL)
