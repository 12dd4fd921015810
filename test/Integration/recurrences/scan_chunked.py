# RUN: %python %s
"""seq.scan on the default (tiled) pipeline with too few channels to occupy
the cores, so seq-chunk-scan splits time into chunks (summaries in parallel,
a sequential pass over them, every chunk rerun from its entering state), on
any host: one batch row of a few channels. Against the float64 recurrence of
seq_ref.scan:

  * lengths not multiples of the chunk (2053 and 3001 are prime), forward and
    reverse, real and complex, f32 and f64;
  * decays near 1 (|a| in [0.999, 1): the state carries across every chunk
    boundary) and near 0 (|a| < 0.05), mixed across channels;
  * `initial` and `final`, and the carried state split between two calls at
    several points (through `final` -> `initial`), equal to one call;
  * and the other way round, many channels (4096 real, 16 x 256 complex):
    blocks wider than a vector block (max-channel-block), no time chunks.
"""

import numpy as np

import common
import seq_ref

# Normwise max relative error. With decays near 1 the rounding of every step
# survives to the end, a random walk of about sqrt(L) eps: ~3e-6 in f32 and
# ~6e-15 in f64 at L = 3000 (scan.py's bounds are for L <= 64).
TOL = {np.float32: 5e-6, np.float64: 1e-14, np.complex64: 5e-6,
       np.complex128: 1e-14}


def decays(rng, shape, dtype):
    """Half the channels near 1, half near 0, random signs / phases."""
    mag = np.where(np.arange(shape[-1]) % 2 == 0,
                   rng.uniform(0.999, 1.0, shape), rng.uniform(0.0, 0.05, shape))
    if np.issubdtype(dtype, np.complexfloating):
        return (mag * np.exp(2j * np.pi * rng.random(shape))).astype(dtype)
    return (mag * rng.choice([-1.0, 1.0], shape)).astype(dtype)


def values(rng, shape, dtype):
    x = rng.standard_normal(shape)
    if np.issubdtype(dtype, np.complexfloating):
        x = x + 1j * rng.standard_normal(shape)
    return x.astype(dtype)


def scan_op(i, a, reverse, with_initial):
    t = common.ttype(a)
    ts = common.tensor_type((a.shape[0],) + a.shape[2:], a.dtype)
    init = f" initial(%h{i} : {ts})" if with_initial else ""
    attr = " {reverse}" if reverse else ""
    return (f"%s{i}, %f{i} = seq.scan ins(%a{i}, %b{i} : {t}, {t}){init} "
            f"outs(%es{i}, %ef{i} : {t}, {ts}){attr} -> {t}, {ts}"), t, ts


def run_cases(cases, name):
    """cases: (a, b, initial or None, reverse). Returns [(states, final)]."""
    args, body, results, inputs = [], [], [], []
    for i, (a, b, h0, reverse) in enumerate(cases):
        line, t, ts = scan_op(i, a, reverse, h0 is not None)
        args += [f"%a{i}: {t}", f"%b{i}: {t}"] + ([f"%h{i}: {ts}"] if h0 is not None else [])
        inputs += [a, b] + ([h0] if h0 is not None else [])
        body += [f"%es{i} = tensor.empty() : {t}", f"%ef{i} = tensor.empty() : {ts}", line]
        results += [(f"%s{i}", t), (f"%f{i}", ts)]
    types = ", ".join(t for _, t in results)
    mlir = (f"func.func @{name}({', '.join(args)}) -> ({types}) {{\n  " + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {types}\n}}\n")
    outs = common.run(mlir, name, inputs, num_outputs=len(results))
    return [(outs[2 * i], outs[2 * i + 1]) for i in range(len(cases))]


def main():
    rng = np.random.default_rng(0)
    cases = []
    for dtype, length, state, reverse in [(np.float32, 2053, (4,), False),
                                          (np.complex64, 3001, (3,), True),
                                          (np.float64, 1024, (2, 2), False),
                                          (np.complex128, 2053, (2,), False),
                                          (np.float32, 3001, (1,), True)]:
        shape = (1, length) + state
        a, b = decays(rng, shape, dtype), values(rng, shape, dtype)
        h0 = values(rng, (1,) + state, dtype)
        cases.append((a, b, h0, reverse))
    # Many channels, from a generator of their own (the cases above keep
    # their data).
    wide = np.random.default_rng(1)
    for dtype, length, state, reverse in [(np.float32, 300, (4096,), False),
                                          (np.complex64, 200, (16, 256), True)]:
        shape = (1, length) + state
        cases.append((decays(wide, shape, dtype), values(wide, shape, dtype),
                      values(wide, (1,) + state, dtype), reverse))
    outs = run_cases(cases, "chunked")
    for (a, b, h0, reverse), (states, final) in zip(cases, outs):
        ref_states, ref_final = seq_ref.scan(a, b, h0, reverse)
        tag = f"scan {np.dtype(a.dtype).name} L={a.shape[1]} S={a.shape[2:]} {'reverse' if reverse else 'forward'}"
        tol = TOL[a.dtype.type]
        common.check(tag + " states", states, ref_states, tol)
        common.check(tag + " final", final, ref_final, tol)
        # final is exactly the state written last.
        last = states[:, 0] if reverse else states[:, -1]
        assert np.array_equal(final, last), tag + ": final is not the last state"

    # The state carried between two calls, split at several points.
    a, b = decays(rng, (1, 2053, 4), np.float32), values(rng, (1, 2053, 4), np.float32)
    h0 = values(rng, (1, 4), np.float32)
    ref_states, ref_final = seq_ref.scan(a, b, h0)
    for split in (256, 1000, 1537):
        first = run_cases([(a[:, :split], b[:, :split], h0, False)], "first")[0]
        second = run_cases([(a[:, split:], b[:, split:], first[1], False)], "second")[0]
        joined = np.concatenate([first[0], second[0]], axis=1)
        common.check(f"scan split at {split} states", joined, ref_states, TOL[np.float32])
        common.check(f"scan split at {split} final", second[1], ref_final, TOL[np.float32])


main()
