# RUN: %python %s
"""seq.ema on the default (tiled) pipeline with few channels (one batch row,
D = 4), so seq-chunk-ema splits time into chunks on any host (chunk end
states in parallel, a pass q^Q H + h over the chunks, every chunk rerun
from its entering state). Against the float64 recurrence seq_ref.ema:

  * both kinds, f32 and f64, N = 16 (MEGALODON) and N = 2, with `initial`
    and `final`, at prime lengths (the last chunk is shorter);
  * decays near 1 (|q| ~ 1 - 1e-4: the state crosses every chunk boundary)
    and near 0 (|q| ~ 1e-3) in the same op;
  * the state carried between two calls (final -> initial) split at several
    points equals one call.

Then the convolution form, which the cost rule picks for a large state and
batch (N = 256, B = 16): the kernel from factored powers and one batched
GEMM per channel, then an FFT long convolution, both kinds.
"""

import numpy as np

import common
import seq_ref

# Normwise max relative error. With |q| within 1e-4 of 1, the f32 rounding of
# q compounds over t steps (see ema.py): 1e-4 is the op's f32 budget there.
TOL = {np.float32: 1e-4, np.float64: 1e-12}


def logit(p):
    return np.log(p) - np.log1p(-p)


def parameters(rng, kind, D, N, dtype):
    """Channels alternate between decays near 1 and near 0."""
    near_one = (np.arange(D) % 2 == 0)[:, None]
    wl = np.where(near_one, logit(rng.uniform(0.5e-4, 1.5e-4, (D, N))),
                  rng.uniform(6.0, 8.0, (D, N)))
    dl = np.where(near_one, rng.uniform(8.0, 12.0, (D, N)), rng.uniform(6.0, 8.0, (D, N)))
    params = {"weight_logit": wl, "damping_logit": dl, "omega": rng.normal(0.0, 0.25, D)}
    if kind == "damped":
        params["gamma"] = rng.normal(0.0, 1.0, (D, N))
        params["beta"] = rng.normal(0.0, 0.02, (D, N)) + np.where(np.arange(N) % 2 == 0, 1.0, -1.0)
    else:
        params["gamma"] = rng.normal(0.0, 1.0, (D, N, 2))
        params["theta"] = logit(rng.uniform(0.01, 0.99, D))
    return {k: v.astype(dtype) for k, v in params.items()}


ARGS = ["weight_logit", "damping_logit", "gamma", "omega", "beta", "theta"]


def run(kind, x, params, h0, name):
    """seq.ema with initial and final; returns (y, final)."""
    names = [k for k in ARGS if k in params]
    tx, ts = common.ttype(x), common.ttype(h0)
    tp = {k: common.ttype(params[k]) for k in names}
    extra = "beta" if kind == "damped" else "theta"
    sig = ", ".join([f"%x: {tx}"] + [f"%{k}: {tp[k]}" for k in names] + [f"%h: {ts}"])
    mlir = f"""func.func @{name}({sig}) -> ({tx}, {ts}) {{
  %ey = tensor.empty() : {tx}
  %eh = tensor.empty() : {ts}
  %y, %f = seq.ema <{kind}> ins(%x, %weight_logit, %damping_logit, %gamma, %omega : {tx}, {tp['weight_logit']}, {tp['damping_logit']}, {tp['gamma']}, {tp['omega']}) {extra}(%{extra} : {tp[extra]}) initial(%h : {ts}) outs(%ey, %eh : {tx}, {ts}) -> {tx}, {ts}
  return %y, %f : {tx}, {ts}
}}
"""
    return common.run(mlir, name, [x] + [params[k] for k in names] + [h0], num_outputs=2)


def run_plain(kind, x, params):
    """seq.ema without initial or final state: returns y."""
    names = [k for k in ARGS if k in params]
    tx = common.ttype(x)
    tp = {k: common.ttype(params[k]) for k in names}
    extra = "beta" if kind == "damped" else "theta"
    sig = ", ".join([f"%x: {tx}"] + [f"%{k}: {tp[k]}" for k in names])
    mlir = f"""func.func @plain({sig}) -> {tx} {{
  %ey = tensor.empty() : {tx}
  %y = seq.ema <{kind}> ins(%x, %weight_logit, %damping_logit, %gamma, %omega : {tx}, {tp['weight_logit']}, {tp['damping_logit']}, {tp['gamma']}, {tp['omega']}) {extra}(%{extra} : {tp[extra]}) outs(%ey : {tx}) -> {tx}
  return %y : {tx}
}}
"""
    return common.run(mlir, "plain", [x] + [params[k] for k in names], num_outputs=1)[0]


def reference(kind, x, params, h0):
    return seq_ref.ema(x, params["weight_logit"], params["damping_logit"], params["gamma"],
                       params["omega"], kind=kind, beta=params.get("beta"),
                       theta=params.get("theta"), initial=h0)


def state(rng, kind, shape, dtype):
    h = rng.standard_normal(shape)
    if kind == "complex":
        return (h + 1j * rng.standard_normal(shape)).astype(
            np.complex128 if dtype == np.float64 else np.complex64)
    return h.astype(dtype)


def main():
    rng = np.random.default_rng(0)
    for kind, dtype, L, N in [("complex", np.float32, 2053, 16), ("damped", np.float32, 1031, 2),
                              ("complex", np.float64, 1031, 16), ("damped", np.float64, 2053, 16)]:
        params = parameters(rng, kind, 4, N, dtype)
        x = rng.standard_normal((1, L, 4)).astype(dtype)
        h0 = state(rng, kind, (1, 4, N), dtype)
        y, final = run(kind, x, params, h0, "ema")
        ry, rf = reference(kind, x, params, h0)
        tag = f"ema {kind} {np.dtype(dtype).name} L={L} N={N}"
        common.check(tag + " y", y, ry, TOL[dtype])
        common.check(tag + " final", final, rf, TOL[dtype])

    kind, L = "complex", 2053
    params = parameters(rng, kind, 4, 16, np.float32)
    x = rng.standard_normal((1, L, 4)).astype(np.float32)
    h0 = state(rng, kind, (1, 4, 16), np.float32)
    ry, rf = reference(kind, x, params, h0)
    for split in (300, 1024, 1777):
        y1, f1 = run(kind, x[:, :split], params, h0, "first")
        y2, f2 = run(kind, x[:, split:], params, f1, "second")
        common.check(f"ema split at {split} y", np.concatenate([y1, y2], axis=1), ry, TOL[np.float32])
        common.check(f"ema split at {split} final", f2, rf, TOL[np.float32])

    for kind in ("complex", "damped"):
        params = parameters(rng, kind, 4, 256, np.float32)
        params["weight_logit"] = rng.normal(0.0, 1.0, (4, 256)).astype(np.float32)
        params["damping_logit"] = rng.normal(0.0, 1.0, (4, 256)).astype(np.float32)
        x = rng.standard_normal((16, 512, 4)).astype(np.float32)
        y = run_plain(kind, x, params)
        ry, _ = reference(kind, x, params, None)
        common.check(f"ema {kind} convolution form B=16 L=512 N=256 y", y, ry, 1e-5)


main()
