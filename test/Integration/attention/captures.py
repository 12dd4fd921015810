# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""seq.attention modifiers that read tensors of the enclosing function.

The score_mod and mask_mod regions are not isolated from above: they index
captured tensors with (b, h, i, j) through tensor.extract (FlexAttention's
everyday patterns), and the whole seq-to-cpu pipeline bufferizes those reads.
Against the float64 reference (seq_ref) with the same tables:

* ALiBi with per-head slopes from a tensor, and with slopes computed in the
  function (a linalg.generic result captured by the region) times a scalar
  read from a 0-d tensor outside the region;
* a relative-position bias table bias[h, i - j + Lk - 1] (T5 / Swin style),
  stored in f16 and widened in the region;
* a key-padding mask valid[b, j] of a variable-length batch, with one batch
  entry that has no valid key (its rows give out = 0, lse = +inf);
* document ids of packed sequences with a causal mask and a score_mod reading
  the slopes at the same time.
f32 and f64, GQA, Lq < Lk (bottom-right alignment) and Lq = Lk.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref
from attention_mlir import Program

TOL = {np.float32: 1e-5, np.float64: 1e-13}


def index_to_float(name, value, t):
    return (f"      %{name}_i = arith.index_cast {value} : index to i64\n"
            f"      %{name} = arith.sitofp %{name}_i : i64 to {t}\n")


def alibi_mod(slopes, shift, factor=None):
    """score_mod s - slope[h] * (p(i) - j) [* factor] reading `slopes` (an SSA
    (name, type) of a captured (Hq,) tensor) and an optional captured scalar."""
    name, type_ = slopes

    def mlir(t):
        text = (f"    ^bb0(%s: {t}, %b: index, %h: index, %i: index, %j: index):\n"
                f"      %slope = tensor.extract {name}[%h] : {type_}\n"
                f"      %shift = arith.constant {shift} : index\n"
                f"      %p = arith.addi %i, %shift : index\n"
                f"      %dist = arith.subi %p, %j : index\n"
                + index_to_float("df", "%dist", t) +
                f"      %bias = arith.mulf %slope, %df : {t}\n")
        if factor is not None:
            text += f"      %bias2 = arith.mulf %bias, {factor} : {t}\n"
            text += f"      %r = arith.subf %s, %bias2 : {t}\n"
        else:
            text += f"      %r = arith.subf %s, %bias : {t}\n"
        return text + f"      seq.yield %r : {t}"
    return mlir


def table_mod(table, Lk):
    """score_mod s + bias[h, i - j + Lk - 1] from a captured f16 table."""
    name, type_ = table

    def mlir(t):
        return (f"    ^bb0(%s: {t}, %b: index, %h: index, %i: index, %j: index):\n"
                f"      %off = arith.constant {Lk - 1} : index\n"
                f"      %d = arith.subi %i, %j : index\n"
                f"      %at = arith.addi %d, %off : index\n"
                f"      %raw = tensor.extract {name}[%h, %at] : {type_}\n"
                f"      %bias = arith.extf %raw : f16 to {t}\n"
                f"      %r = arith.addf %s, %bias : {t}\n"
                f"      seq.yield %r : {t}")
    return mlir


def padding_mod(valid):
    name, type_ = valid
    return (f"    ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
            f"      %ok = tensor.extract {name}[%b, %j] : {type_}\n"
            f"      seq.yield %ok : i1")


def document_mod(docs, shift):
    """Same document for query position p(i) = i + shift and key j."""
    name, type_ = docs
    return (f"    ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
            f"      %shift = arith.constant {shift} : index\n"
            f"      %p = arith.addi %i, %shift : index\n"
            f"      %dq = tensor.extract {name}[%b, %p] : {type_}\n"
            f"      %dk = tensor.extract {name}[%b, %j] : {type_}\n"
            f"      %same = arith.cmpi eq, %dq, %dk : i32\n"
            f"      seq.yield %same : i1")


def computed_slopes(prog, x):
    """slopes = exp2(-x) computed in the function (a linalg.generic result the
    region captures); returns its SSA (name, type)."""
    t = common.ttype(x)
    elem = common.element_type(x.dtype)
    arg = prog.arg(x)
    init, _ = prog.empty(x.shape, elem)
    prog.body.append(
        f"%slopes = linalg.generic {{indexing_maps = [affine_map<(d0) -> (d0)>, "
        f"affine_map<(d0) -> (d0)>], iterator_types = [\"parallel\"]}} "
        f"ins({arg} : {t}) outs({init} : {t}) {{\n"
        f"  ^bb0(%a: {elem}, %o: {elem}):\n"
        f"    %n = arith.negf %a : {elem}\n"
        f"    %e = math.exp2 %n : {elem}\n"
        f"    linalg.yield %e : {elem}\n"
        f"  }} -> {t}")
    return "%slopes", t


def captured_scalar(prog, value, dtype):
    """A scalar read outside the regions from a 0-d tensor argument."""
    arr = np.array(value, dtype=dtype)
    prog.body.append(f"%factor = tensor.extract {prog.arg(arr)}[] : {common.ttype(arr)}")
    return "%factor", arr


def documents(rng, B, L, n_docs):
    ids = np.zeros((B, L), dtype=np.int32)
    for b in range(B):
        cuts = np.sort(rng.choice(np.arange(1, L), size=n_docs - 1, replace=False))
        ids[b] = np.searchsorted(cuts, np.arange(L), side="right")
    return ids


def main():
    rng = np.random.default_rng(2024)
    for dtype in (np.float32, np.float64):
        prog = Program()
        cases = []

        def add(label, q, k, v, ref_kw, **kw):
            cases.append((label, q, k, v, ref_kw, prog.attention(q, k, v, lse=True, **kw)))

        def qkv(B, Hq, Hkv, Lq, Lk, E, Ev):
            return (rng.standard_normal((B, Hq, Lq, E)).astype(dtype),
                    rng.standard_normal((B, Hkv, Lk, E)).astype(dtype),
                    rng.standard_normal((B, Hkv, Lk, Ev)).astype(dtype))

        # ALiBi with per-head slopes read from a tensor argument.
        B, Hq, Hkv, Lq, Lk = 2, 4, 2, 21, 33
        q, k, v = qkv(B, Hq, Hkv, Lq, Lk, 16, 8)
        slopes = (2.0 ** -np.arange(1, Hq + 1)).astype(dtype)
        s_arg = (prog.arg(slopes), common.ttype(slopes))
        shift = Lk - Lq

        def ref_alibi(sl, factor=1.0):
            return lambda s, b, h, i, j: s - factor * sl[h] * (i + shift - j)
        add("alibi tensor causal", q, k, v,
            dict(mask="causal", score_mod=ref_alibi(slopes.astype(np.float64))),
            mask="causal", score_mod=alibi_mod(s_arg, shift))

        # Slopes computed in the function, times a captured scalar.
        x = rng.uniform(0.5, 4.0, Hq).astype(dtype)
        computed = computed_slopes(prog, x)
        factor, factor_arr = captured_scalar(prog, 0.75, dtype)
        ref_slopes = 2.0 ** -x.astype(np.float64)
        add("alibi computed slopes x scalar", q, k, v,
            dict(mask="sliding_window", window=(9, 0),
                 score_mod=ref_alibi(ref_slopes, float(factor_arr))),
            mask="sliding_window", window=(9, 0),
            score_mod=alibi_mod(computed, shift, factor=factor))

        # Relative-position bias table (Hq, Lq + Lk - 1) in f16.
        table = rng.standard_normal((Hq, Lq + Lk - 1)).astype(np.float16)
        t_arg = (prog.arg(table), common.ttype(table))
        tab64 = table.astype(np.float64)
        add("relative bias table", q, k, v,
            dict(score_mod=lambda s, b, h, i, j: s + tab64[h, i - j + Lk - 1]),
            score_mod=table_mod(t_arg, Lk))

        # Key-padding mask of a variable-length batch; entry 1 has no key.
        valid = np.zeros((B, Lk), dtype=bool)
        valid[0, :27] = True
        v_arg = (prog.arg(valid), common.ttype(valid))
        add("key padding", q, k, v,
            dict(mask_mod=lambda b, h, i, j: valid[b, j]),
            mask_mod=padding_mod(v_arg))
        add("key padding + table", q, k, v,
            dict(mask_mod=lambda b, h, i, j: valid[b, j],
                 score_mod=lambda s, b, h, i, j: s + tab64[h, i - j + Lk - 1]),
            mask_mod=padding_mod(v_arg), score_mod=table_mod(t_arg, Lk))

        # Packed documents (self-attention, Lq = Lk) with ALiBi slopes.
        L = 40
        q2, k2, v2 = qkv(B, Hq, Hkv, L, L, 8, 8)
        docs = documents(rng, B, L, 3)
        d_arg = (prog.arg(docs), common.ttype(docs))
        add("documents causal + alibi", q2, k2, v2,
            dict(mask="causal",
                 mask_mod=lambda b, h, i, j: docs[b, i] == docs[b, j],
                 score_mod=lambda s, b, h, i, j: s - slopes.astype(np.float64)[h] * (i - j)),
            mask="causal", mask_mod=document_mod(d_arg, 0),
            score_mod=alibi_mod(s_arg, 0))

        outs = prog.run()
        name = np.dtype(dtype).name
        for label, q, k, v, ref_kw, (io, il) in cases:
            ref_o, ref_l = seq_ref.attention(q, k, v, return_lse=True, **ref_kw)
            common.check(f"{name} {label} out", outs[io], ref_o, TOL[dtype])
            common.check(f"{name} {label} lse", outs[il], ref_l, TOL[dtype])
            dead = np.isposinf(ref_l)
            if label.startswith("key padding"):
                assert dead[1].all() and not dead[0].any(), label
            assert np.all(outs[io][dead] == 0), label


if __name__ == "__main__":
    main()
