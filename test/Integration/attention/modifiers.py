# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.attention score_mod and mask_mod regions against seq_ref.

* score_mod: tanh soft-capping (Gemma 2), an ALiBi bias that reads the head
  and the query/key indices, and a modifier that sends scores to -inf (every
  key of some rows: those rows must give out = 0 and lse = +inf).
* mask_mod: a document mask (packed sequences) reading i32 document ids from
  tensors captured by the region, and a mask that empties one head entirely.
* Both regions together, combined with the mask kinds, with GQA and Lq != Lk.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import (Program, alibi, document_mask, head_parity_mask,
                            neg_inf_unless, softcap)

TOL = {np.float32: 1e-5, np.float64: 1e-13}


def documents(rng, B, L, n_docs):
    """Packed-sequence document ids (B, L): n_docs runs of random lengths."""
    ids = np.zeros((B, L), dtype=np.int32)
    for b in range(B):
        cuts = np.sort(rng.choice(np.arange(1, L), size=n_docs - 1, replace=False))
        ids[b] = np.searchsorted(cuts, np.arange(L), side="right")
    return ids


def main():
    rng = np.random.default_rng(99)
    for dtype in (np.float32, np.float64):
        prog = Program()
        cases = []

        def add(label, q, k, v, score=None, mask_mod=None, ref_mask_mod=None, **kw):
            idx = prog.attention(q, k, v, lse=True, score_mod=score and score[0],
                                 mask_mod=mask_mod, **kw)
            ref_kw = dict(kw, score_mod=score and score[1], mask_mod=ref_mask_mod)
            cases.append((label, q, k, v, ref_kw, idx))

        def qkv(B, Hq, Hkv, Lq, Lk, E, Ev, magnitude=1.0):
            return (
                (magnitude * rng.standard_normal((B, Hq, Lq, E))).astype(dtype),
                (magnitude * rng.standard_normal((B, Hkv, Lk, E))).astype(dtype),
                rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype))

        # Soft-capping, on logits large enough for the cap to matter.
        q, k, v = qkv(2, 4, 2, 37, 37, 16, 16, magnitude=3.0)
        add("softcap 30", q, k, v, softcap(30.0))
        add("softcap 5 causal", q, k, v, softcap(5.0), mask="causal")
        # ALiBi: depends on h, i and j; Lq < Lk so p(i) = i + 12.
        q, k, v = qkv(1, 4, 4, 19, 31, 8, 8)
        add("alibi causal", q, k, v, alibi(31 - 19), mask="causal")
        add("alibi sliding", q, k, v, alibi(31 - 19), mask="sliding_window",
            window=(6, 0))
        # -inf scores: rows 0..2 get -inf everywhere.
        q, k, v = qkv(1, 2, 1, 13, 13, 8, 4)
        add("-inf rows", q, k, v, neg_inf_unless(3, 3))
        add("-inf rows causal", q, k, v, neg_inf_unless(2, 3), mask="causal")

        # Document mask from captured id tensors (self-attention and Lq < Lk).
        B, L = 2, 53
        docs = documents(rng, B, L, 4)
        dq = (prog.arg(docs), common.ttype(docs))
        q, k, v = qkv(B, 4, 2, L, L, 16, 8)

        def ref_docs(ids_q, ids_k):
            return lambda b, h, i, j: ids_q[b, i] == ids_k[b, j]
        add("document", q, k, v, mask_mod=document_mask(dq, dq),
            ref_mask_mod=ref_docs(docs, docs))
        add("document causal", q, k, v, mask_mod=document_mask(dq, dq),
            ref_mask_mod=ref_docs(docs, docs), mask="causal")
        add("document causal softcap", q, k, v, softcap(2.0),
            mask_mod=document_mask(dq, dq), ref_mask_mod=ref_docs(docs, docs),
            mask="causal")
        tail = np.ascontiguousarray(docs[:, L - 20:])   # the last 20 positions
        dt = (prog.arg(tail), common.ttype(tail))
        q2 = rng.standard_normal((B, 4, 20, 16)).astype(dtype)
        add("document causal Lq<Lk", q2, k, v, mask_mod=document_mask(dt, dq),
            ref_mask_mod=ref_docs(tail, docs), mask="causal")

        # A mask_mod that empties head 1 and drops odd keys elsewhere.
        q, k, v = qkv(1, 4, 2, 11, 17, 8, 8)
        mm, ref_mm = head_parity_mask(1)
        add("head mask", q, k, v, mask_mod=mm, ref_mask_mod=ref_mm)
        add("head mask + alibi + prefix", q, k, v, alibi(17 - 11), mask_mod=mm,
            ref_mask_mod=ref_mm, mask="prefix", prefix_length=4)
        add("head mask + chunk", q, k, v, mask_mod=mm, ref_mask_mod=ref_mm,
            mask="chunk_causal", chunk_size=5)

        outs = prog.run()
        name = np.dtype(dtype).name
        for label, q, k, v, ref_kw, (io, il) in cases:
            ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, **ref_kw)
            common.check(f"{name} {label} out", outs[io], ref_o, TOL[dtype])
            common.check(f"{name} {label} lse", outs[il], ref_l, TOL[dtype])
            dead = np.isposinf(ref_l)
            if label.startswith("-inf") or label.startswith("head mask"):
                assert dead.any(), label
            # Empty rows are exactly 0 (max_rel_error already matched the infs).
            assert np.all(outs[io][dead] == 0), label


if __name__ == "__main__":
    main()
