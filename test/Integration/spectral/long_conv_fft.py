# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""The FFT convolution written with seq's own transforms equals seq.long_conv.

For each case one function computes, on the same inputs,
  * direct: seq.long_conv (the reference lowering's direct causal sum), and
  * fft:    w = u·pregate, transposed to (B, C, L) and zero-padded to 2L
            (tensor.pad); the filter cut to its first min(K, L) taps and padded
            to 2L; uf = seq.rfft(w), kf = seq.rfft(k, norm=forward) (the 1/2L);
            y = seq.irfft(uf·kf, norm=forward)[..., :L] (complex.mul in a
            linalg.generic, broadcast over B), transposed back, plus D·w,
            times postgate,
and both are compared with seq_ref.long_conv and seq_ref.fftconv (float64).
"""

import numpy as np

import common
import seq_ref

# (B, L, C, K, options)
CASES = [
    (2, 16, 3, 5, ("skip",)),
    (1, 31, 2, 31, ("skip",)),
    (2, 7, 3, 20, ()),  # K > L: the filter is cut to L taps
    (1, 1, 2, 3, ("skip",)),
    (1, 100, 2, 64, ("pregate", "postgate")),
    (2, 12, 2, 12, ("skip", "pregate", "postgate")),
]
TOL = {np.float32: 1e-5, np.float64: 1e-12}

ID3 = "affine_map<(d0, d1, d2) -> (d0, d1, d2)>"
CH3 = "affine_map<(d0, d1, d2) -> (d2)>"
KF3 = "affine_map<(d0, d1, d2) -> (d1, d2)>"
PAR3 = '["parallel", "parallel", "parallel"]'


def tt(shape, el):
    return f"tensor<{'x'.join(map(str, shape))}x{el}>"


def case_body(i, case, f):
    """MLIR statements of case i; returns (args, body, results)."""
    b, l, c, kk, opts = case
    cf = f"complex<{f}>"
    kc = min(kk, l)
    n, m = 2 * l, l + 1
    t_blc, t_bcl, t_bcn = tt((b, l, c), f), tt((b, c, l), f), tt((b, c, n), f)
    t_ck, t_ckc, t_cn = tt((c, kk), f), tt((c, kc), f), tt((c, n), f)
    t_bcm, t_cm = tt((b, c, m), cf), tt((c, m), cf)
    args = [f"%u{i}: {t_blc}", f"%k{i}: {t_ck}"]
    clauses = ""
    for opt in ("skip", "pregate", "postgate"):
        if opt in opts:
            t = tt((c,), f) if opt == "skip" else t_blc
            args.append(f"%{opt}{i}: {t}")
            clauses += f" {opt}(%{opt}{i} : {t})"

    s = [f"%zero{i} = arith.constant 0.0 : {f}",
         f"%e_blc{i} = tensor.empty() : {t_blc}",
         # The direct form.
         f"%direct{i} = seq.long_conv ins(%u{i}, %k{i} : {t_blc}, {t_ck}){clauses} "
         f"outs(%e_blc{i} : {t_blc}) -> {t_blc}"]

    def mul(a, bb, out):
        return [f"{out} = linalg.generic {{indexing_maps = [{ID3}, {ID3}, {ID3}], iterator_types = {PAR3}}} "
                f"ins({a}, {bb} : {t_blc}, {t_blc}) outs(%e_blc{i} : {t_blc}) {{",
                f"^bb0(%a: {f}, %b: {f}, %o: {f}):",
                f"  %p = arith.mulf %a, %b : {f}",
                f"  linalg.yield %p : {f}",
                f"}} -> {t_blc}"]

    w = f"%u{i}"
    if "pregate" in opts:
        s += mul(w, f"%pregate{i}", f"%w{i}")
        w = f"%w{i}"
    kslice = f"%k{i}"
    if kc < kk:
        s.append(f"%ks{i} = tensor.extract_slice %k{i}[0, 0] [{c}, {kc}] [1, 1] : {t_ck} to {t_ckc}")
        kslice = f"%ks{i}"
    s += [
        f"%e_bcl{i} = tensor.empty() : {t_bcl}",
        f"%wt{i} = linalg.transpose ins({w} : {t_blc}) outs(%e_bcl{i} : {t_bcl}) permutation = [0, 2, 1]",
        f"%wp{i} = tensor.pad %wt{i} low[0, 0, 0] high[0, 0, {n - l}] {{",
        f"^bb0(%p0: index, %p1: index, %p2: index):",
        f"  tensor.yield %zero{i} : {f}",
        f"}} : {t_bcl} to {t_bcn}",
        f"%kp{i} = tensor.pad {kslice} low[0, 0] high[0, {n - kc}] {{",
        f"^bb0(%q0: index, %q1: index):",
        f"  tensor.yield %zero{i} : {f}",
        f"}} : {t_ckc} to {t_cn}",
        f"%e_bcm{i} = tensor.empty() : {t_bcm}",
        f"%e_cm{i} = tensor.empty() : {t_cm}",
        f"%uf{i} = seq.rfft ins(%wp{i} : {t_bcn}) outs(%e_bcm{i} : {t_bcm}) -> {t_bcm}",
        f"%kf{i} = seq.rfft ins(%kp{i} : {t_cn}) outs(%e_cm{i} : {t_cm}) {{norm = #seq.fft_norm<forward>}} -> {t_cm}",
        f"%yf{i} = linalg.generic {{indexing_maps = [{ID3}, {KF3}, {ID3}], iterator_types = {PAR3}}} "
        f"ins(%uf{i}, %kf{i} : {t_bcm}, {t_cm}) outs(%e_bcm{i} : {t_bcm}) {{",
        f"^bb0(%a: {cf}, %b: {cf}, %o: {cf}):",
        f"  %p = complex.mul %a, %b : {cf}",
        f"  linalg.yield %p : {cf}",
        f"}} -> {t_bcm}",
        f"%e_bcn{i} = tensor.empty() : {t_bcn}",
        f"%yt{i} = seq.irfft ins(%yf{i} : {t_bcm}) outs(%e_bcn{i} : {t_bcn}) {{norm = #seq.fft_norm<forward>}} -> {t_bcn}",
        f"%ys{i} = tensor.extract_slice %yt{i}[0, 0, 0] [{b}, {c}, {l}] [1, 1, 1] : {t_bcn} to {t_bcl}",
        f"%y0_{i} = linalg.transpose ins(%ys{i} : {t_bcl}) outs(%e_blc{i} : {t_blc}) permutation = [0, 2, 1]",
    ]
    y = f"%y0_{i}"
    if "skip" in opts:
        s += [f"%y1_{i} = linalg.generic {{indexing_maps = [{ID3}, {ID3}, {CH3}, {ID3}], iterator_types = {PAR3}}} "
              f"ins({y}, {w}, %skip{i} : {t_blc}, {t_blc}, {tt((c,), f)}) outs(%e_blc{i} : {t_blc}) {{",
              f"^bb0(%a: {f}, %x: {f}, %d: {f}, %o: {f}):",
              f"  %dx = arith.mulf %d, %x : {f}",
              f"  %r = arith.addf %a, %dx : {f}",
              f"  linalg.yield %r : {f}",
              f"}} -> {t_blc}"]
        y = f"%y1_{i}"
    if "postgate" in opts:
        s += mul(y, f"%postgate{i}", f"%y2_{i}")
        y = f"%y2_{i}"
    return args, s, [(f"%direct{i}", t_blc), (y, t_blc)]


def run(dtype, seed):
    f = common.element_type(dtype)
    rng = np.random.default_rng(seed)
    args, body, results, inputs, arrays = [], [], [], [], []
    for i, case in enumerate(CASES):
        b, l, c, kk, opts = case
        u = rng.standard_normal((b, l, c)).astype(dtype)
        k = (rng.standard_normal((c, kk)) * np.exp(-0.05 * np.arange(kk))).astype(dtype)
        d = rng.standard_normal(c).astype(dtype) if "skip" in opts else None
        pre = rng.standard_normal((b, l, c)).astype(dtype) if "pregate" in opts else None
        post = rng.standard_normal((b, l, c)).astype(dtype) if "postgate" in opts else None
        arrays.append((u, k, d, pre, post))
        inputs += [a for a in (u, k, d, pre, post) if a is not None]
        a, s, r = case_body(i, case, f)
        args += a
        body += s
        results += r
    types = ", ".join(t for _, t in results)
    mlir = (f"func.func @conv({', '.join(args)}) -> ({types}) {{\n  "
            + "\n  ".join(body)
            + f"\n  return {', '.join(n for n, _ in results)} : {types}\n}}\n")
    outs = common.run(mlir, "conv", inputs, num_outputs=len(results))
    tol = TOL[dtype]
    worst = 0.0
    for i, (case, (u, k, d, pre, post)) in enumerate(zip(CASES, arrays)):
        b, l, c, kk, opts = case
        direct, fftpath = outs[2 * i], outs[2 * i + 1]
        name = f"{np.dtype(dtype).name} B={b} L={l} C={c} K={kk} {'+'.join(opts) or 'plain'}"
        ref = seq_ref.long_conv(u, k, d, pre, post)
        w = u.astype(np.float64) * (pre if pre is not None else 1.0)
        ref_fft = seq_ref.fftconv(w, k, d) * (post if post is not None else 1.0)
        worst = max(worst, common.check(f"long_conv {name} vs seq_ref.long_conv", direct, ref, tol))
        worst = max(worst, common.check(f"seq rfft*irfft {name} vs seq_ref.long_conv", fftpath, ref, tol))
        worst = max(worst, common.check(f"seq rfft*irfft {name} vs seq_ref.fftconv", fftpath, ref_fft, tol))
        worst = max(worst, common.check(f"seq rfft*irfft {name} vs long_conv (both compiled)",
                                        fftpath, direct, tol))
    print(f"long_conv vs FFT path {np.dtype(dtype).name}: worst max rel err {worst:.3e}")


run(np.float32, 0)
run(np.float64, 1)
