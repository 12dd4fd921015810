# RUN: %python %s
# RUN: env SEQ_TEST_PIPELINE=reference %python %s
"""DCFormer's DCMHA attention written with linalg ops around seq.compose_heads.

As DCFormer's _apply_attention_dot (OPS.md §6.3):
    logits = (q * scale) k^T          linalg.generic (reduction over E)
    pre    = compose_heads(logits)    static + query/key-wise + gates
    masked = causal ? pre : lowest    the lowest finite f32, not -inf
    P      = softmax(masked)          max, exp-sum, normalize: linalg.generic
    post   = compose_heads(P)         query/key-wise + gates
    out    = (causal ? post : 0) V    re-mask with zero, linalg.generic
compared with the same chain in float64 NumPy on seq_ref.compose_heads, for
T = S (prime), T < S and T > S (rows with no key: out = 0 after re-masking).
Cross-check: with all composition weights zero DCMHA is plain causal
attention, so the chain must equal the compiled seq.attention (and seq_ref).
"""

import math
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "Inputs"))
import common
import seq_ref

TOL = 1e-5
LOWEST = float(np.finfo(np.float32).min)

MAPS = """
#qk_q = affine_map<(b, h, t, s, e) -> (b, h, t, e)>
#qk_k = affine_map<(b, h, t, s, e) -> (b, h, s, e)>
#qk_o = affine_map<(b, h, t, s, e) -> (b, h, t, s)>
#pv_v = affine_map<(b, h, t, s, e) -> (b, h, s, e)>
#pv_o = affine_map<(b, h, t, s, e) -> (b, h, t, e)>
#all = affine_map<(b, h, t, s) -> (b, h, t, s)>
#row = affine_map<(b, h, t, s) -> (b, h, t)>
"""


def dcmha_mlir(B, H, T, S, E, Ev, R):
    st = f"tensor<{B}x{H}x{T}x{S}xf32>"
    rt = f"tensor<{B}x{H}x{T}xf32>"
    qt = f"tensor<{B}x{H}x{T}x{E}xf32>"
    kt = f"tensor<{B}x{H}x{S}x{E}xf32>"
    vt = f"tensor<{B}x{H}x{S}x{Ev}xf32>"
    ot = f"tensor<{B}x{H}x{T}x{Ev}xf32>"
    wt = f"tensor<{H}x{H}xf32>"
    qwt = f"tensor<{B}x{T}x{R}x{H}xf32>"
    kwt = f"tensor<{B}x{S}x{R}x{H}xf32>"
    qgt = f"tensor<{B}x{T}x{H}xf32>"
    kgt = f"tensor<{B}x{S}x{H}xf32>"
    lt = f"tensor<{B}x{H}x{T}xf32>"
    weights = ", ".join(f"%{p}_{n}: {t}" for p in ("pre", "post")
                        for n, t in (("qw1", qwt), ("qw2", qwt), ("kw1", kwt),
                                     ("kw2", kwt), ("qdd", qgt), ("kdd", kgt)))

    def compose(prefix, value, static):
        st_part = f" static(%static : {wt})" if static else ""
        return (f"seq.compose_heads ins({value} : {st}){st_part}\n"
                f"      query_w(%{prefix}_qw1, %{prefix}_qw2 : {qwt}, {qwt})\n"
                f"      key_w(%{prefix}_kw1, %{prefix}_kw2 : {kwt}, {kwt})\n"
                f"      query_gate(%{prefix}_qdd : {qgt}) key_gate(%{prefix}_kdd : {kgt})\n"
                f"      outs(%scores0 : {st}) -> {st}")

    def causal_select(value, other):
        return f"""linalg.generic {{indexing_maps = [#all, #all],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins({value} : {st}) outs(%scores0 : {st}) {{
    ^bb0(%x: f32, %unused: f32):
      %t = linalg.index 2 : index
      %s = linalg.index 3 : index
      %p = arith.addi %t, %shift : index
      %ok = arith.cmpi sle, %s, %p : index
      %r = arith.select %ok, %x, {other} : f32
      linalg.yield %r : f32
    }} -> {st}"""

    return MAPS + f"""
func.func @dcmha(%q: {qt}, %k: {kt}, %v: {vt}, %static: {wt}, {weights})
    -> ({ot}, {ot}, {lt}) {{
  %zero = arith.constant 0.0 : f32
  %lowest = arith.constant {LOWEST!r} : f32
  %scale = arith.constant {1.0 / math.sqrt(E)!r} : f32
  // Bottom-right causal alignment: s <= t + (S - T).
  %shift = arith.constant {S - T} : index
  %scores0 = tensor.empty() : {st}
  %zeros = linalg.fill ins(%zero : f32) outs(%scores0 : {st}) -> {st}
  %logits = linalg.generic {{indexing_maps = [#qk_q, #qk_k, #qk_o],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}}
      ins(%q, %k : {qt}, {kt}) outs(%zeros : {st}) {{
    ^bb0(%a: f32, %b: f32, %acc: f32):
      %qs = arith.mulf %a, %scale : f32
      %p = arith.mulf %qs, %b : f32
      %r = arith.addf %acc, %p : f32
      linalg.yield %r : f32
    }} -> {st}
  %pre = {compose("pre", "%logits", True)}
  %masked = {causal_select("%pre", "%lowest")}

  // Softmax over s in f32: row max, sum of exp(x - max), normalize.
  %row0 = tensor.empty() : {rt}
  %neg = linalg.fill ins(%lowest : f32) outs(%row0 : {rt}) -> {rt}
  %max = linalg.generic {{indexing_maps = [#all, #row],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}}
      ins(%masked : {st}) outs(%neg : {rt}) {{
    ^bb0(%x: f32, %m: f32):
      %r = arith.maximumf %x, %m : f32
      linalg.yield %r : f32
    }} -> {rt}
  %sum0 = linalg.fill ins(%zero : f32) outs(%row0 : {rt}) -> {rt}
  %sum = linalg.generic {{indexing_maps = [#all, #row, #row],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}}
      ins(%masked, %max : {st}, {rt}) outs(%sum0 : {rt}) {{
    ^bb0(%x: f32, %m: f32, %acc: f32):
      %d = arith.subf %x, %m : f32
      %e = math.exp %d : f32
      %r = arith.addf %acc, %e : f32
      linalg.yield %r : f32
    }} -> {rt}
  %probs = linalg.generic {{indexing_maps = [#all, #row, #row, #all],
      iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%masked, %max, %sum : {st}, {rt}, {rt}) outs(%scores0 : {st}) {{
    ^bb0(%x: f32, %m: f32, %l: f32, %unused: f32):
      %d = arith.subf %x, %m : f32
      %e = math.exp %d : f32
      %r = arith.divf %e, %l : f32
      linalg.yield %r : f32
    }} -> {st}

  %post = {compose("post", "%probs", False)}
  %remasked = {causal_select("%post", "%zero")}
  %out0 = tensor.empty() : {ot}
  %outz = linalg.fill ins(%zero : f32) outs(%out0 : {ot}) -> {ot}
  %out = linalg.generic {{indexing_maps = [#qk_o, #pv_v, #pv_o],
      iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}}
      ins(%remasked, %v : {st}, {vt}) outs(%outz : {ot}) {{
    ^bb0(%p: f32, %x: f32, %acc: f32):
      %m = arith.mulf %p, %x : f32
      %r = arith.addf %acc, %m : f32
      linalg.yield %r : f32
    }} -> {ot}

  // Plain causal attention on the same q, k, v.
  %lse0 = tensor.empty() : {lt}
  %attn:2 = seq.attention ins(%q, %k, %v : {qt}, {kt}, {vt})
      outs(%out0, %lse0 : {ot}, {lt}) {{mask = #seq.mask<causal>}} -> {ot}, {lt}
  return %out, %attn#0, %attn#1 : {ot}, {ot}, {lt}
}}
"""


def dcmha_ref(q, k, v, static, pre, post):
    """The same chain in float64."""
    q, k, v = (x.astype(np.float64) for x in (q, k, v))
    T, S, E = q.shape[2], k.shape[2], q.shape[3]
    logits = np.einsum("bhte,bhse->bhts", q / math.sqrt(E), k)
    composed = seq_ref.compose_heads(logits, static=static, **pre)
    allowed = seq_ref.attention_allowed(T, S, "causal")
    masked = np.where(allowed, composed, LOWEST)
    e = np.exp(masked - masked.max(axis=-1, keepdims=True))
    probs = e / e.sum(axis=-1, keepdims=True)
    composed = np.where(allowed, seq_ref.compose_heads(probs, **post), 0.0)
    return np.einsum("bhts,bhse->bhte", composed, v)


def main():
    rng = np.random.default_rng(77)
    for (B, H, T, S, E, Ev, R) in [(1, 4, 29, 29, 16, 16, 2), (2, 4, 24, 40, 16, 8, 2),
                                   (1, 3, 20, 12, 8, 8, 1)]:
        def rnd(*shape, s=1.0):
            return (s * rng.standard_normal(shape)).astype(np.float32)
        q, k, v = rnd(B, H, T, E, s=2.0), rnd(B, H, S, E, s=2.0), rnd(B, H, S, Ev)
        static = rnd(H, H, s=0.3)

        def side_weights():
            return dict(query_w1=rnd(B, T, R, H, s=0.5), query_w2=rnd(B, T, R, H, s=0.5),
                        key_w1=rnd(B, S, R, H, s=0.5), key_w2=rnd(B, S, R, H, s=0.5),
                        query_gate=rnd(B, T, H, s=0.3), key_gate=rnd(B, S, H, s=0.3))
        pre, post = side_weights(), side_weights()
        order = ["query_w1", "query_w2", "key_w1", "key_w2", "query_gate", "key_gate"]
        mlir = dcmha_mlir(B, H, T, S, E, Ev, R)
        name = f"DCMHA B={B} H={H} T={T} S={S} R={R}"

        inputs = [q, k, v, static] + [pre[n] for n in order] + [post[n] for n in order]
        out, attn, lse = common.run(mlir, "dcmha", inputs, num_outputs=3)
        expected = dcmha_ref(q, k, v, static, pre, post)
        common.check(f"{name} vs float64 chain", out, expected, TOL)
        dead = T > S
        if dead:
            assert np.all(out[:, :, :T - S] == 0), "rows with no key must be 0"

        # Zero weights: composition is the identity, DCMHA is causal attention.
        zeros = [np.zeros_like(x) for x in inputs[3:]]
        out0, attn0, _ = common.run(mlir, "dcmha", [q, k, v] + zeros, num_outputs=3)
        ref_attn = seq_ref.attention(q, k, v, mask="causal")
        common.check(f"{name} zero weights vs seq.attention", out0, attn0, TOL)
        common.check(f"{name} zero weights vs seq_ref.attention", out0, ref_attn, TOL)
        common.check(f"{name} seq.attention vs seq_ref", attn, ref_attn, TOL)


if __name__ == "__main__":
    main()
