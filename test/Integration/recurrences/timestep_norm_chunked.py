# RUN: %python %s
"""seq.timestep_norm on the default (tiled) pipeline with one batch row, so
seq-chunk-timestep-norm splits time into chunks on any host (chunk Welford
states from empty in parallel, Chan merges over the chunks, every chunk's
running state again from the state entering it), against the float64
recurrence seq_ref.timestep_norm and the direct cumulative statistics
seq_ref.timestep_norm_direct:

  * prime lengths (the last chunk is shorter), G = 4 and G = D;
  * a padding mask with padded stretches across chunk boundaries and a
    padded first step, prev state given and not, final state out;
  * a large common offset (|mean| = 30 x the spread) over 3001 steps;
  * the state carried between two calls split at several points.
"""

import numpy as np

import common
import seq_ref

TOL = {np.float32: 1e-5, np.float64: 1e-12}


def program(x, w, G, mask, prev, eps=1e-5):
    tx, tw = common.ttype(x), common.ttype(w)
    B = x.shape[0]
    ts = [common.tensor_type((B,), np.int64), common.tensor_type((B, G), x.dtype),
          common.tensor_type((B, G), x.dtype)]
    args = [f"%x: {tx}", f"%w: {tw}", f"%b: {tw}"]
    clauses = ""
    if mask is not None:
        args.append(f"%mask: {common.ttype(mask)}")
        clauses += f" padding_mask(%mask : {common.ttype(mask)})"
    if prev is not None:
        args += [f"%pc: {ts[0]}", f"%pm: {ts[1]}", f"%pv: {ts[2]}"]
        clauses += f" prev(%pc, %pm, %pv : {ts[0]}, {ts[1]}, {ts[2]})"
    types = [tx] + ts
    return f"""func.func @tsn({', '.join(args)}) -> ({', '.join(types)}) {{
  %ey = tensor.empty() : {tx}
  %ec = tensor.empty() : {ts[0]}
  %em = tensor.empty() : {ts[1]}
  %ev = tensor.empty() : {ts[2]}
  %y, %c, %m, %v = seq.timestep_norm ins(%x, %w, %b : {tx}, {tw}, {tw}){clauses} outs(%ey, %ec, %em, %ev : {', '.join(types)}) {{num_groups = {G} : i64, eps = {eps:.6e} : f64}} -> {', '.join(types)}
  return %y, %c, %m, %v : {', '.join(types)}
}}
"""


def run(x, w, b, G, mask=None, prev=None):
    inputs = [x, w, b] + ([mask] if mask is not None else []) + (list(prev) if prev is not None else [])
    return common.run(program(x, w, G, mask, prev), "tsn", inputs, num_outputs=4)


def check(name, got, x, w, b, G, mask=None, prev=None):
    kw = dict(padding_mask=mask)
    if prev is not None:
        kw.update(prev_count=prev[0], prev_mean=prev[1], prev_var=prev[2])
    want = seq_ref.timestep_norm(x, w, b, G, **kw)
    direct = seq_ref.timestep_norm_direct(x, w, b, G, **kw) if x.shape[1] <= 1200 else None
    tol = TOL[x.dtype.type]
    for label, g, r in zip(("y", "count", "mean", "var"), got, want):
        if label == "count":
            assert np.array_equal(g, r), f"{name}: count {g} != {r}"
            continue
        common.check(f"{name}: {label}", g, r, tol)
    if direct is not None:
        common.check(f"{name}: y vs direct statistics", got[0], direct[0], tol)


def main():
    rng = np.random.default_rng(3)
    for dtype, L, D, G in [(np.float32, 1031, 16, 4), (np.float32, 997, 8, 8), (np.float64, 1031, 12, 3)]:
        x = rng.standard_normal((1, L, D)).astype(dtype)
        w, b = rng.standard_normal(D).astype(dtype), rng.standard_normal(D).astype(dtype)
        mask = np.zeros((1, L), dtype=bool)
        mask[0, 0] = True
        mask[0, 250:270] = True
        mask[0, 500:530] = True
        prev = (np.array([7], np.int64), rng.standard_normal((1, G)).astype(dtype),
                rng.uniform(0.5, 2.0, (1, G)).astype(dtype))
        tag = f"{np.dtype(dtype).name} L={L} D={D} G={G}"
        check(f"{tag}", run(x, w, b, G), x, w, b, G)
        check(f"{tag} masked, prev", run(x, w, b, G, mask, prev), x, w, b, G, mask, prev)

    # Large common offset over 3001 steps.
    x = (30.0 + rng.standard_normal((1, 3001, 8))).astype(np.float32)
    w, b = rng.standard_normal(8).astype(np.float32), rng.standard_normal(8).astype(np.float32)
    check("offset 30, L=3001", run(x, w, b, 2), x, w, b, 2)

    # The state carried between two calls.
    x = rng.standard_normal((1, 1500, 8)).astype(np.float32)
    want = seq_ref.timestep_norm(x, w, b, 2)
    for split in (256, 700, 1201):
        first = run(x[:, :split], w, b, 2)
        second = run(x[:, split:], w, b, 2, prev=tuple(first[1:]))
        common.check(f"split at {split}: y", np.concatenate([first[0], second[0]], axis=1), want[0], TOL[np.float32])
        assert np.array_equal(second[1], want[1])
        common.check(f"split at {split}: mean", second[2], want[2], TOL[np.float32])
        common.check(f"split at {split}: var", second[3], want[3], TOL[np.float32])


main()
