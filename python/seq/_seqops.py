"""The seq dialect's operations as Python functions.

Keyword options follow the ODS (dialects/seq/SeqOps.td) and docs/Semantics.md.
Each function passes its operands (one entry per ODS operand, None for an
absent optional one) and attributes to the C++ builder, which creates the
destinations with the types the op infers from its inputs
(InferDestinationTypesOpInterface) and verifies the op at once: shapes,
element types and attribute rules are checked in C++ only, and the
diagnostics point at the user's source line.
"""

import numpy as np

from . import _scalar as S
from . import _tracer as T
from ._tracer import Tensor


def _tensor(op, name, value, optional=False):
    if value is None and optional:
        return None
    if not isinstance(value, Tensor):
        raise T.error(op, f"'{name}' must be a seq tensor, got {type(value).__name__}")
    return value.value


def _builder(*tensors):
    return next(t.builder for t in tensors if isinstance(t, Tensor))


def _region(builder, op, keyword, fn, arg_types, yield_type):
    """Traces `fn` over scalar block arguments into a detached block that
    ends in seq.yield of one `yield_type` value."""
    block = builder.block(arg_types)
    with builder.inside(block):
        args = [S.Scalar(builder, a) for a in block.arguments]
        result = fn(*args)
        if yield_type == "i1":
            if not isinstance(result, S.Scalar) or result.type != "i1":
                got = result.type if isinstance(result, S.Scalar) else type(result).__name__
                raise T.error(op, f"{keyword} must return a boolean, got {got}")
        else:
            result = S.cast(S.resolve(S.lift(builder, result, yield_type), yield_type),
                            yield_type)
        builder.create("seq.yield", [[result.value]])
    return block


def attention(query, key, value, *, scale=None, mask="none", window=None,
              chunk_size=None, prefix_length=None, score_mod=None,
              mask_mod=None, return_lse=False, positions=None):
    """Softmax attention (FlashAttention semantics): query (B, Hq, Lq, E),
    key (B, Hkv, Lk, E), value (B, Hkv, Lk, Ev) -> (B, Hq, Lq, Ev), and the
    logsumexp (B, Hq, Lq) with `return_lse`. `mask` is one of none, causal,
    sliding_window (with window=(left, right), a side of -1 unbounded),
    chunk_causal and chunk (with chunk_size), prefix (with prefix_length);
    causal masks are bottom-right aligned. `score_mod(score, b, h, i, j)` and
    `mask_mod(b, h, i, j)` are Python functions of scalars, traced into the
    op's regions; they may index tensors of the traced function with the
    scalars (`slopes[h]`, `doc_ids[b, j]`). `positions=(query_position,
    key_position)` (ints) places query row 0 and key 0 in a longer sequence,
    e.g. (cache_length, 0) when decoding; the default aligns the last query
    with the last key."""
    op = "seq.attention"
    operands = [_tensor(op, n, t) for n, t in
                (("query", query), ("key", key), ("value", value))]
    builder = _builder(query)
    if positions is None:
        operands.append(None)
    else:
        if len(positions) != 2 or not all(isinstance(p, (int, np.integer)) for p in positions):
            raise T.error(op, "positions must be (query_position, key_position), two ints")
        operands.append([builder.constant(int(p), "index") for p in positions])
    attrs = {"mask": T.enum_attr(op, "mask", mask, "mask") if mask != "none" else None,
             "scale": float(scale) if scale is not None else None,
             "window": [int(w) for w in window] if window is not None else None,
             "chunk_size": int(chunk_size) if chunk_size is not None else None,
             "prefix_length": int(prefix_length) if prefix_length is not None else None}
    acc = T.accumulation_type(query.dtype)
    regions = [None, None]
    if score_mod is not None:
        regions[0] = _region(builder, op, "score_mod", score_mod,
                             [acc] + ["index"] * 4, acc)
    if mask_mod is not None:
        regions[1] = _region(builder, op, "mask_mod", mask_mod, ["index"] * 4, "i1")
    return builder.seq_op("seq.attention", operands, attrs,
                          num_destinations=2 if return_lse else 1, regions=regions)


def compose_heads(scores, *, static=None, query_w1=None, query_w2=None,
                  key_w1=None, key_w2=None, query_gate=None, key_gate=None):
    """DCFormer head composition of scores or probabilities (B, H, T, S)."""
    op = "seq.compose_heads"
    if (query_w1 is None) != (query_w2 is None) or (key_w1 is None) != (key_w2 is None):
        raise T.error(op, "query_w1/query_w2 and key_w1/key_w2 come in pairs")
    names = [("scores", scores, False), ("static", static, True),
             ("query_w1", query_w1, True), ("query_w2", query_w2, True),
             ("key_w1", key_w1, True), ("key_w2", key_w2, True),
             ("query_gate", query_gate, True), ("key_gate", key_gate, True)]
    operands = [_tensor(op, n, t, optional) for n, t, optional in names]
    return _builder(scores).seq_op("seq.compose_heads", operands)


def scan(a, b, *, initial=None, reverse=False, return_final=False):
    """h_t = a_t * h_{t-1} + b_t over dimension 1 of (B, L, S...); returns
    all states, and the final state with `return_final`."""
    op = "seq.scan"
    operands = [_tensor(op, "a", a), _tensor(op, "b", b),
                _tensor(op, "initial", initial, True)]
    return _builder(a).seq_op("seq.scan", operands, {"reverse": bool(reverse)},
                              num_destinations=2 if return_final else 1)


def ema(x, weight_logit, damping_logit, gamma, omega, *, kind="damped",
        beta=None, theta=None, initial=None, return_final=False):
    """MEGA damped EMA (kind="damped", needs beta) or MEGALODON complex EMA
    (kind="complex", needs theta) over x (B, L, D); see docs/Semantics.md.
    The final state has the type of `initial`, or the accumulation type."""
    op = "seq.ema"
    names = [("x", x, False), ("weight_logit", weight_logit, False),
             ("damping_logit", damping_logit, False), ("gamma", gamma, False),
             ("omega", omega, False), ("beta", beta, True), ("theta", theta, True),
             ("initial", initial, True)]
    operands = [_tensor(op, n, t, optional) for n, t, optional in names]
    attrs = {"kind": T.enum_attr(op, "ema_kind", kind, "kind")}
    return _builder(x).seq_op("seq.ema", operands, attrs,
                              num_destinations=2 if return_final else 1)


def long_conv(u, k, *, skip=None, pregate=None, postgate=None, method="auto"):
    """Causal per-channel convolution of u (B, L, C) with k (C, K), optional
    skip D (C) and gates (B, L, C). `k` may instead be the filters'
    spectrum, complex (C, n/2 + 1) = rfft(k, n) with n >= L (n >= L + K - 1
    for the causal result, e.g. n = 2L): computed once, e.g. by
    `seq.rfft(k, n=2 * L)`, and reused across calls, it spares each call the
    filter's transform; the result is then irfft(rfft(w, n) * S, n)[:L]."""
    op = "seq.long_conv"
    names = [("u", u, False), ("k", k, False), ("skip", skip, True),
             ("pregate", pregate, True), ("postgate", postgate, True)]
    operands = [_tensor(op, n, t, optional) for n, t, optional in names]
    attrs = {"method": T.enum_attr(op, "conv_method", method, "method")
             if method != "auto" else None}
    return _builder(u).seq_op("seq.long_conv", operands, attrs)


def _fft_like(opname, x, norm, destination_types=None):
    op = f"seq.{opname}"
    operands = [_tensor(op, "x", x)]
    attrs = {"norm": T.enum_attr(op, "fft_norm", norm, "norm")
             if norm != "backward" else None}
    return x.builder.seq_op(op, operands, attrs,
                            destination_types=destination_types)


def fft(x, norm="backward"):
    """Complex DFT along the last dimension."""
    return _fft_like("fft", x, norm)


def ifft(x, norm="backward"):
    """Inverse complex DFT along the last dimension."""
    return _fft_like("ifft", x, norm)


def rfft(x, n=None, norm="backward"):
    """Real-input DFT: (..., N) -> (..., N//2 + 1) complex. With `n`, the
    input is zero-padded or truncated to length n first (as numpy)."""
    if isinstance(x, Tensor) and not T.is_float(x.dtype):
        raise T.error("seq.rfft", f"expects a real tensor, got {x.dtype}")
    if n is not None and isinstance(x, Tensor) and int(n) != x.shape[-1]:
        from . import _ops
        n = int(n)
        if n < 1:
            raise T.error("seq.rfft", f"n must be >= 1, got {n}")
        if n < x.shape[-1]:
            x = x[..., :n]
        else:
            x = _ops.pad(x, [(0, 0)] * (x.ndim - 1) + [(0, n - x.shape[-1])])
    return _fft_like("rfft", x, norm)


def irfft(x, n=None, norm="backward"):
    """Inverse of rfft: (..., n//2 + 1) complex -> (..., n) real; n defaults
    to 2 * (bins - 1)."""
    if isinstance(x, Tensor) and not T.is_complex(x.dtype):
        raise T.error("seq.irfft", f"expects a complex tensor, got {x.dtype}")
    types = None
    if n is not None:
        # An odd n is not implied by the bins: give the destination.
        types = [T.tensor_type(x.shape[:-1] + (int(n),), T.complex_part(x.dtype))]
    return _fft_like("irfft", x, norm, types)


def linear_attention(query, key, value, *, log_decay=None, prefix_key=None,
                     prefix_value=None, initial_state=None,
                     initial_normalizer=None, scale=1.0, normalize=False,
                     eps=1e-12, return_state=False):
    """Causal linear attention S_t = diag(exp(log_decay_t)) S_{t-1} + k_t v_t^T,
    out_t = scale q_t^T S_t (/ (scale q_t.z_t + eps) with `normalize`).
    Returns the output, plus (final_state[, final_normalizer]) with
    `return_state`."""
    op = "seq.linear_attention"
    names = [("query", query, False), ("key", key, False), ("value", value, False),
             ("log_decay", log_decay, True), ("prefix_key", prefix_key, True),
             ("prefix_value", prefix_value, True),
             ("initial_state", initial_state, True),
             ("initial_normalizer", initial_normalizer, True)]
    operands = [_tensor(op, n, t, optional) for n, t, optional in names]
    attrs = {"scale": float(scale) if scale != 1.0 else None,
             "normalize": bool(normalize),
             "eps": float(eps) if eps != 1e-12 else None}
    count = 1 + ((2 if normalize else 1) if return_state else 0)
    return _builder(query).seq_op(op, operands, attrs, num_destinations=count)


def feature_map(x, kind):
    """Linear-attention feature map along the last dimension: identity,
    relu, elu_plus_one, or taylor2 (d -> 1 + d + d^2)."""
    op = "seq.feature_map"
    operands = [_tensor(op, "x", x)]
    attrs = {"kind": T.enum_attr(op, "feature_map_kind", kind, "kind")}
    return x.builder.seq_op(op, operands, attrs)


def timestep_norm(x, weight, bias, num_groups, *, eps=1e-5, padding_mask=None,
                  prev=None, return_state=False):
    """MEGALODON TimestepNorm of x (B, L, D) with carried (count, mean, var)
    state `prev`; returns y, plus (count, mean, var) with `return_state`."""
    op = "seq.timestep_norm"
    if prev is not None and (not isinstance(prev, (tuple, list)) or len(prev) != 3):
        raise T.error(op, "prev must be a (count, mean, var) triple")
    count, mean, var = prev if prev is not None else (None, None, None)
    names = [("x", x, False), ("weight", weight, False), ("bias", bias, False),
             ("padding_mask", padding_mask, True), ("prev_count", count, prev is None),
             ("prev_mean", mean, prev is None), ("prev_var", var, prev is None)]
    operands = [_tensor(op, n, t, optional) for n, t, optional in names]
    attrs = {"num_groups": int(num_groups),
             "eps": float(eps) if eps != 1e-5 else None}
    return _builder(x).seq_op(op, operands, attrs,
                              num_destinations=4 if return_state else 1)


def rotary(x, *, base=10000.0, position_offset=0, chunk_size=None,
           pairing="interleaved"):
    """RoPE along the second-to-last dimension of (..., L, d)."""
    op = "seq.rotary"
    operands = [_tensor(op, "x", x)]
    attrs = {"base": float(base) if base != 10000.0 else None,
             "position_offset": int(position_offset) if position_offset else None,
             "chunk_size": int(chunk_size) if chunk_size is not None else None,
             "pairing": T.enum_attr(op, "rotary_pairing", pairing, "pairing")
             if pairing != "interleaved" else None}
    return x.builder.seq_op(op, operands, attrs)
