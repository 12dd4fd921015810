# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""Cross-checks of seq.attention against itself on pieces, plus seq_ref.

* chunk_causal attention equals causal attention run on each chunk
  separately (the compiled op on every chunk vs the compiled op on the
  whole), for Lq = Lk, Lq < Lk (queries are the last positions, so each
  chunk's query rows end where its keys end) and Lq > Lk (rows before the
  first key stay empty).
* Split-KV: attention over two key blocks merged with their logsumexps,
  out = sum_s exp(lse_s - lse) out_s, lse = log sum_s exp(lse_s), equals
  attention over all keys.
* Ring attention for causal self-attention: per query block, the earlier key
  blocks unmasked and the diagonal block causal, merged the same way.
Every piece and every whole is also compared with seq_ref.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program

TOL = 1e-5          # f32 vs the float64 reference
TOL_MERGE = 2e-6    # f32 merged pieces vs the f32 whole (different rounding)


def merge(parts):
    """Combines (out, lse) of disjoint key sets (FlashAttention split-KV)."""
    lses = np.stack([l.astype(np.float64) for _, l in parts])
    lse = np.logaddexp.reduce(lses, axis=0)
    out = sum(np.exp(l - lse)[..., None] * o.astype(np.float64)
              for (o, _), l in zip(parts, lses))
    return out, lse


def main():
    rng = np.random.default_rng(5)
    dtype = np.float32
    prog = Program()

    def qkv(B, Hq, Hkv, Lq, Lk, E, Ev):
        return (rng.standard_normal((B, Hq, Lq, E)).astype(dtype),
                rng.standard_normal((B, Hkv, Lk, E)).astype(dtype),
                rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype))

    # --- chunk_causal == per-chunk causal ------------------------------------
    chunk_cases = []
    for (Lq, Lk, c) in [(37, 37, 8), (37, 37, 37), (20, 45, 16), (13, 45, 16),
                        (30, 22, 6), (1, 50, 7)]:
        q, k, v = qkv(2, 4, 2, Lq, Lk, 16, 12)
        whole = prog.attention(q, k, v, lse=True, mask="chunk_causal", chunk_size=c)
        pos = np.arange(Lq) + Lk - Lq
        pieces = []
        for chunk in np.unique(pos[pos >= 0] // c):
            rows = np.nonzero((pos >= 0) & (pos // c == chunk))[0]
            k0, k1 = chunk * c, min((chunk + 1) * c, Lk)
            assert pos[rows[-1]] == k1 - 1      # bottom-right aligned chunk
            qc = np.ascontiguousarray(q[:, :, rows])
            kc = np.ascontiguousarray(k[:, :, k0:k1])
            vc = np.ascontiguousarray(v[:, :, k0:k1])
            pieces.append((rows, prog.attention(qc, kc, vc, lse=True, mask="causal")))
        chunk_cases.append(((Lq, Lk, c), q, k, v, whole, pieces))

    # --- split-KV merge --------------------------------------------------------
    split_cases = []
    for (Lq, Lk, cut, mask) in [(9, 50, 17, "none"), (1, 64, 40, "causal"),
                                (16, 33, 1, "none")]:
        q, k, v = qkv(1, 4, 2, Lq, Lk, 16, 8)
        whole = prog.attention(q, k, v, lse=True, mask=mask)
        # Decode (Lq = 1) causal allows every key, so both blocks are unmasked.
        a = prog.attention(q, np.ascontiguousarray(k[:, :, :cut]),
                           np.ascontiguousarray(v[:, :, :cut]), lse=True)
        b = prog.attention(q, np.ascontiguousarray(k[:, :, cut:]),
                           np.ascontiguousarray(v[:, :, cut:]), lse=True)
        split_cases.append(((Lq, Lk, cut, mask), q, k, v, whole, [a, b]))

    # --- ring attention (causal self-attention in blocks) ---------------------
    L, block = 36, 12
    rq, rk, rv = qkv(1, 2, 2, L, L, 16, 16)
    ring_whole = prog.attention(rq, rk, rv, lse=True, mask="causal")
    ring = []
    for qb in range(0, L, block):
        qs = np.ascontiguousarray(rq[:, :, qb:qb + block])
        parts = []
        for kb in range(0, qb + block, block):
            ks = np.ascontiguousarray(rk[:, :, kb:kb + block])
            vs = np.ascontiguousarray(rv[:, :, kb:kb + block])
            parts.append(prog.attention(qs, ks, vs, lse=True,
                                        mask="causal" if kb == qb else "none"))
        ring.append((qb, parts))

    outs = prog.run()

    for (Lq, Lk, c), q, k, v, (wo, wl), pieces in chunk_cases:
        name = f"chunk_causal Lq={Lq} Lk={Lk} c={c}"
        ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True,
                                         mask="chunk_causal", chunk_size=c)
        common.check(f"{name} out vs ref", outs[wo], ref_o, TOL)
        common.check(f"{name} lse vs ref", outs[wl], ref_l, TOL)
        joined_o = np.zeros_like(outs[wo])
        joined_l = np.full_like(outs[wl], np.inf)    # rows in no chunk: empty
        for rows, (po, pl) in pieces:
            joined_o[:, :, rows] = outs[po]
            joined_l[:, :, rows] = outs[pl]
        if common.PIPELINE == "reference":
            # Same keys in the same order: the same arithmetic, bit for bit.
            same = (np.array_equal(joined_o, outs[wo])
                    and np.array_equal(joined_l, outs[wl]))
            print(f"{name}: whole == per-chunk causal ({len(pieces)} chunks): "
                  f"{'exact' if same else 'DIFFERENT'}")
            assert same, name
        else:
            # Tiles of other shapes sum in another order.
            common.check(f"{name}: whole vs per-chunk causal out", joined_o,
                         outs[wo], TOL_MERGE)
            common.check(f"{name}: whole vs per-chunk causal lse", joined_l,
                         outs[wl], TOL_MERGE)

    for (Lq, Lk, cut, mask), q, k, v, (wo, wl), parts in split_cases:
        name = f"split-KV Lq={Lq} Lk={Lk} cut={cut} {mask}"
        ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, mask=mask)
        common.check(f"{name} whole out vs ref", outs[wo], ref_o, TOL)
        common.check(f"{name} whole lse vs ref", outs[wl], ref_l, TOL)
        mo, ml = merge([(outs[o], outs[l]) for o, l in parts])
        common.check(f"{name} merged out vs whole", mo, outs[wo], TOL_MERGE)
        common.check(f"{name} merged lse vs whole", ml, outs[wl], TOL_MERGE)
        common.check(f"{name} merged out vs ref", mo, ref_o, TOL)

    ref_o, ref_l = seq_ref.attention(rq, rk, rv, return_lse=True, mask="causal")
    common.check("ring causal whole out vs ref", outs[ring_whole[0]], ref_o, TOL)
    ring_o = np.zeros_like(ref_o)
    ring_l = np.zeros_like(ref_l)
    for qb, parts in ring:
        mo, ml = merge([(outs[o], outs[l]) for o, l in parts])
        ring_o[:, :, qb:qb + block] = mo
        ring_l[:, :, qb:qb + block] = ml
    common.check("ring causal merged out vs whole", ring_o, outs[ring_whole[0]], TOL_MERGE)
    common.check("ring causal merged lse vs whole", ring_l, outs[ring_whole[1]], TOL_MERGE)
    common.check("ring causal merged out vs ref", ring_o, ref_o, TOL)
    common.check("ring causal merged lse vs ref", ring_l, ref_l, TOL)


if __name__ == "__main__":
    main()
