# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.scan, seq.ema and seq.timestep_norm on dynamically shaped tensors,
against seq_ref.

The function arguments are dynamic (tensor<?x?x...>), so every size the
lowering uses comes from tensor.dim / memref.dim at run time; the results are
cast back to static types because seq-run needs static result shapes.
"""

import numpy as np

import common
import seq_ref

TOL = 1e-5


def dyn_type(shape, dtype, keep=()):
    """tensor<?x?x...> with the dims in `keep` left static."""
    dims = [str(d) if i in keep else "?" for i, d in enumerate(shape)]
    return f"tensor<{'x'.join(dims)}x{common.element_type(dtype)}>"


def cast_back(name, value, dyn, static):
    return f"%{name} = tensor.cast {value} : {dyn} to {static}"


def check_scan(rng):
    B, L, S = 2, 23, 5
    a = rng.uniform(0.5, 1.0, (B, L, S)).astype(np.float32)
    b = rng.standard_normal((B, L, S)).astype(np.float32)
    h0 = rng.standard_normal((B, S)).astype(np.float32)
    ta, ts = dyn_type(a.shape, a.dtype, keep=(2,)), dyn_type(h0.shape, h0.dtype)
    # The destinations are arguments too: dynamic shapes need sized empties.
    mlir = f"""
func.func @scan(%a: {ta}, %b: {ta}, %h0: {ts}, %s0: {ta}, %f0: {ts})
    -> ({common.ttype(a)}, {common.ttype(h0)}) {{
  %s, %f = seq.scan ins(%a, %b : {ta}, {ta}) initial(%h0 : {ts})
      outs(%s0, %f0 : {ta}, {ts}) {{reverse}} -> {ta}, {ts}
  {cast_back("rs", "%s", ta, common.ttype(a))}
  {cast_back("rf", "%f", ts, common.ttype(h0))}
  return %rs, %rf : {common.ttype(a)}, {common.ttype(h0)}
}}"""
    s, f = common.run(mlir, "scan", [a, b, h0, np.zeros_like(a), np.zeros_like(h0)], 2)
    ref_s, ref_f = seq_ref.scan(a, b, h0, reverse=True)
    common.check("dynamic scan reverse states", s, ref_s, TOL)
    common.check("dynamic scan reverse final", f, ref_f, TOL)


def check_ema(rng):
    B, L, D, N = 2, 19, 3, 4
    x = rng.standard_normal((B, L, D)).astype(np.float32)
    wl, dl = rng.standard_normal((2, D, N)).astype(np.float32)
    gamma = rng.standard_normal((D, N, 2)).astype(np.float32)
    omega = rng.standard_normal(D).astype(np.float32)
    theta = rng.standard_normal(D).astype(np.float32)
    h0 = (rng.standard_normal((B, D, N)) + 1j * rng.standard_normal((B, D, N))).astype(np.complex64)
    t = {k: dyn_type(v.shape, v.dtype) for k, v in
         dict(x=x, wl=wl, g=gamma, om=omega, h=h0).items()}
    t["g"] = dyn_type(gamma.shape, gamma.dtype, keep=(2,))
    mlir = f"""
func.func @ema(%x: {t['x']}, %wl: {t['wl']}, %dl: {t['wl']}, %g: {t['g']}, %om: {t['om']},
               %th: {t['om']}, %h0: {t['h']}, %y0: {t['x']}, %f0: {t['h']})
    -> ({common.ttype(x)}, {common.ttype(h0)}) {{
  %y, %h = seq.ema <complex> ins(%x, %wl, %dl, %g, %om : {t['x']}, {t['wl']}, {t['wl']},
        {t['g']}, {t['om']}) theta(%th : {t['om']}) initial(%h0 : {t['h']})
      outs(%y0, %f0 : {t['x']}, {t['h']}) -> {t['x']}, {t['h']}
  {cast_back("ry", "%y", t['x'], common.ttype(x))}
  {cast_back("rh", "%h", t['h'], common.ttype(h0))}
  return %ry, %rh : {common.ttype(x)}, {common.ttype(h0)}
}}"""
    y, h = common.run(mlir, "ema",
                      [x, wl, dl, gamma, omega, theta, h0, np.zeros_like(x), np.zeros_like(h0)], 2)
    ref_y, ref_h = seq_ref.ema(x, wl, dl, gamma, omega, "complex", theta=theta, initial=h0)
    common.check("dynamic ema complex y", y, ref_y, TOL)
    common.check("dynamic ema complex final", h, ref_h, TOL)


def check_timestep_norm(rng):
    B, L, D, G = 3, 17, 12, 3
    x = (rng.standard_normal((B, L, D)) + 1.0).astype(np.float32)
    w, b = rng.normal(0.0, 0.5, (2, D)).astype(np.float32)
    mask = rng.random((B, L)) < 0.3
    count = np.array([0, 5, 40], np.int64)
    mean = rng.standard_normal((B, G)).astype(np.float32)
    var = rng.uniform(0.5, 2.0, (B, G)).astype(np.float32)
    tx, tw = dyn_type(x.shape, x.dtype), dyn_type(w.shape, w.dtype)
    tm, tc = dyn_type(mask.shape, mask.dtype), dyn_type(count.shape, count.dtype)
    tg = dyn_type(mean.shape, mean.dtype, keep=(1,))
    statics = [common.ttype(x), common.ttype(count), common.ttype(mean), common.ttype(var)]
    mlir = f"""
func.func @tsn(%x: {tx}, %w: {tw}, %b: {tw}, %mask: {tm}, %pc: {tc}, %pm: {tg}, %pv: {tg},
               %y0: {tx}, %c0: {tc}, %m0: {tg}, %v0: {tg}) -> ({', '.join(statics)}) {{
  %y, %c, %m, %v = seq.timestep_norm ins(%x, %w, %b : {tx}, {tw}, {tw})
      padding_mask(%mask : {tm}) prev(%pc, %pm, %pv : {tc}, {tg}, {tg})
      outs(%y0, %c0, %m0, %v0 : {tx}, {tc}, {tg}, {tg}) {{num_groups = {G} : i64}}
      -> {tx}, {tc}, {tg}, {tg}
  {cast_back("ry", "%y", tx, statics[0])}
  {cast_back("rc", "%c", tc, statics[1])}
  {cast_back("rm", "%m", tg, statics[2])}
  {cast_back("rv", "%v", tg, statics[3])}
  return %ry, %rc, %rm, %rv : {', '.join(statics)}
}}"""
    inputs = [x, w, b, mask, count, mean, var,
              np.zeros_like(x), np.zeros_like(count), np.zeros_like(mean), np.zeros_like(var)]
    y, c, m, v = common.run(mlir, "tsn", inputs, 4)
    ref = seq_ref.timestep_norm(x, w, b, G, padding_mask=mask, prev_count=count,
                                prev_mean=mean, prev_var=var)
    common.check("dynamic timestep_norm y", y, ref[0], TOL)
    assert np.array_equal(c, ref[1]), (c, ref[1])
    common.check("dynamic timestep_norm mean", m, ref[2], TOL)
    common.check("dynamic timestep_norm var", v, ref[3], TOL)


def main():
    rng = np.random.default_rng(99)
    check_scan(rng)
    check_ema(rng)
    check_timestep_norm(rng)


if __name__ == "__main__":
    main()
