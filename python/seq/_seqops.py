"""The seq dialect's operations as Python functions.

Keyword options follow the ODS (dialects/seq/SeqOps.td) and docs/Semantics.md.
Each function computes the destination shapes, emits one seq op with the
user's source location, and returns the result tensor(s). Shape rules beyond
what is needed for the destinations are checked by the op verifiers when the
function is compiled; their diagnostics point at the same source line.
"""

import math

from . import _scalar as S
from . import _tracer as T
from ._tracer import Tensor


def _check_tensor(op, name, value, rank=None, min_rank=None):
    if not isinstance(value, Tensor):
        raise T.error(op, f"'{name}' must be a seq tensor, got {type(value).__name__}")
    if rank is not None and value.ndim != rank:
        raise T.error(op, f"'{name}' must have rank {rank}, but has shape {value.shape}")
    if min_rank is not None and value.ndim < min_rank:
        raise T.error(op, f"'{name}' must have rank >= {min_rank}, but has shape {value.shape}")
    return value


def _attr_dict(attrs):
    items = [f"{k} = {v}" if v is not True else k for k, v in attrs.items()
             if v is not None and v is not False]
    return f" {{{', '.join(items)}}}" if items else ""


def _f64(value):
    return f"{float(value):.17e} : f64"


def _i64(value):
    return f"{int(value)} : i64"


def _emit(op, builder, head, ins, groups, outs, attrs, regions=""):
    """Emits `%r = seq.<op> <head> ins(...) <groups> outs(...) {attrs}
    <regions> -> types` and returns the result tensors."""
    inits = [builder.empty(shape, dtype) for shape, dtype in outs]
    name = builder.fresh()
    results = name if len(inits) == 1 else f"{name}:{len(inits)}"
    text = f"{results} = seq.{op}{head} ins({', '.join(t.name for t in ins)} : "
    text += f"{', '.join(t.type for t in ins)})"
    for keyword, tensors in groups:
        tensors = [t for t in tensors if t is not None]
        if tensors:
            text += (f" {keyword}({', '.join(t.name for t in tensors)} : "
                     f"{', '.join(t.type for t in tensors)})")
    text += (f" outs({', '.join(t.name for t in inits)} : "
             f"{', '.join(t.type for t in inits)})")
    text += _attr_dict(attrs) + regions
    text += f" -> {', '.join(t.type for t in inits)}"
    builder.emit(text)
    if len(inits) == 1:
        return Tensor(builder, name, inits[0].shape, inits[0].dtype)
    return tuple(Tensor(builder, f"{name}#{i}", t.shape, t.dtype)
                 for i, t in enumerate(inits))


def _region(builder, keyword, fn, arg_types, yield_type, op):
    """Traces `fn` over scalar block arguments into a region."""
    emitter = S.RegionEmitter(builder)
    names = [builder.fresh("r") for _ in arg_types]
    args = [S.Scalar(emitter, n, t) for n, t in zip(names, arg_types)]
    result = fn(*args)
    if not isinstance(result, S.Scalar):
        result = S._lift(emitter, result, yield_type)
    if result.type != yield_type:
        if yield_type == "i1":
            raise T.error(op, f"{keyword} must return a boolean, got {result.type}")
        result = emitter.cast(result, yield_type)
    block_args = ", ".join(f"{n}: {t}" for n, t in zip(names, arg_types))
    body = "\n".join("  " + line for line in emitter.lines)
    if body:
        body += "\n"
    return (f" {keyword} {{\n^bb0({block_args}):\n{body}"
            f"  seq.yield {result.name} : {yield_type}\n}}")


_MASKS = ("none", "causal", "sliding_window", "chunk_causal", "prefix")


def attention(query, key, value, *, scale=None, mask="none", window=None,
              chunk_size=None, prefix_length=None, score_mod=None,
              mask_mod=None, return_lse=False):
    """Softmax attention (FlashAttention semantics): query (B, Hq, Lq, E),
    key (B, Hkv, Lk, E), value (B, Hkv, Lk, Ev) -> (B, Hq, Lq, Ev), and the
    logsumexp (B, Hq, Lq) with `return_lse`. `mask` is one of none, causal,
    sliding_window (with window=(left, right)), chunk_causal (with
    chunk_size), prefix (with prefix_length); causal masks are bottom-right
    aligned. `score_mod(score, b, h, i, j)` and `mask_mod(b, h, i, j)` are
    Python functions of scalars, traced into the op's regions."""
    op = "seq.attention"
    q = _check_tensor(op, "query", query, rank=4)
    k = _check_tensor(op, "key", key, rank=4)
    v = _check_tensor(op, "value", value, rank=4)
    if mask not in _MASKS:
        raise T.error(op, f"mask must be one of {', '.join(_MASKS)}, got {mask!r}")
    attrs = {"mask": f"#seq.mask<{mask}>" if mask != "none" else None,
             "scale": _f64(scale) if scale is not None else None,
             "window": (f"array<i64: {int(window[0])}, {int(window[1])}>"
                        if window is not None else None),
             "chunk_size": _i64(chunk_size) if chunk_size is not None else None,
             "prefix_length": _i64(prefix_length) if prefix_length is not None else None}
    acc = "f64" if q.dtype == "f64" else "f32"
    builder = q.builder
    regions = ""
    if score_mod is not None:
        regions += _region(builder, "score_mod", score_mod,
                           [acc, "index", "index", "index", "index"], acc, op)
    if mask_mod is not None:
        regions += _region(builder, "mask_mod", mask_mod,
                           ["index"] * 4, "i1", op)
    b, hq, lq, _ = q.shape
    outs = [((b, hq, lq, v.shape[3]), q.dtype)]
    if return_lse:
        outs.append(((b, hq, lq), acc))
    return _emit("attention", builder, "", [q, k, v], [], outs, attrs, regions)


def compose_heads(scores, *, static=None, query_w1=None, query_w2=None,
                  key_w1=None, key_w2=None, query_gate=None, key_gate=None):
    """DCFormer head composition of scores or probabilities (B, H, T, S)."""
    op = "seq.compose_heads"
    a = _check_tensor(op, "scores", scores, rank=4)
    if (query_w1 is None) != (query_w2 is None) or (key_w1 is None) != (key_w2 is None):
        raise T.error(op, "query_w1/query_w2 and key_w1/key_w2 come in pairs")
    groups = [("static", [static]), ("query_w", [query_w1, query_w2]),
              ("key_w", [key_w1, key_w2]), ("query_gate", [query_gate]),
              ("key_gate", [key_gate])]
    return _emit("compose_heads", a.builder, "", [a], groups,
                 [(a.shape, a.dtype)], {})


def scan(a, b, *, initial=None, reverse=False, return_final=False):
    """h_t = a_t * h_{t-1} + b_t over dimension 1 of (B, L, S...); returns
    all states, and the final state with `return_final`."""
    op = "seq.scan"
    a = _check_tensor(op, "a", a, min_rank=2)
    _check_tensor(op, "b", b, min_rank=2)
    outs = [(a.shape, a.dtype)]
    if return_final:
        outs.append(((a.shape[0],) + a.shape[2:], a.dtype))
    return _emit("scan", a.builder, "", [a, b], [("initial", [initial])], outs,
                 {"reverse": bool(reverse)})


def ema(x, weight_logit, damping_logit, gamma, omega, *, kind="damped",
        beta=None, theta=None, initial=None, return_final=False):
    """MEGA damped EMA (kind="damped", needs beta) or MEGALODON complex EMA
    (kind="complex", needs theta) over x (B, L, D); see docs/Semantics.md."""
    op = "seq.ema"
    x = _check_tensor(op, "x", x, rank=3)
    wl = _check_tensor(op, "weight_logit", weight_logit, rank=2)
    if kind not in ("damped", "complex"):
        raise T.error(op, f"kind must be 'damped' or 'complex', got {kind!r}")
    outs = [(x.shape, x.dtype)]
    if return_final:
        part = "f64" if wl.dtype == "f64" else "f32"
        state = f"complex<{part}>" if kind == "complex" else part
        if initial is not None:
            state = initial.dtype
        outs.append(((x.shape[0], wl.shape[0], wl.shape[1]), state))
    return _emit("ema", x.builder, f" <{kind}>",
                 [x, wl, damping_logit, gamma, omega],
                 [("beta", [beta]), ("theta", [theta]), ("initial", [initial])],
                 outs, {})


_CONV_METHODS = ("auto", "direct", "fft")


def long_conv(u, k, *, skip=None, pregate=None, postgate=None, method="auto"):
    """Causal per-channel convolution of u (B, L, C) with k (C, K), optional
    skip D (C) and gates (B, L, C)."""
    op = "seq.long_conv"
    u = _check_tensor(op, "u", u, rank=3)
    if method not in _CONV_METHODS:
        raise T.error(op, f"method must be one of {', '.join(_CONV_METHODS)}")
    return _emit("long_conv", u.builder, "", [u, k],
                 [("skip", [skip]), ("pregate", [pregate]), ("postgate", [postgate])],
                 [(u.shape, u.dtype)],
                 {"method": f"#seq.conv_method<{method}>" if method != "auto" else None})


_NORMS = ("backward", "forward", "ortho")


def _fft_like(opname, x, out_shape, out_dtype, norm):
    op = f"seq.{opname}"
    x = _check_tensor(op, "x", x, min_rank=1)
    if norm not in _NORMS:
        raise T.error(op, f"norm must be one of {', '.join(_NORMS)}, got {norm!r}")
    return _emit(opname, x.builder, "", [x], [], [(out_shape, out_dtype)],
                 {"norm": f"#seq.fft_norm<{norm}>" if norm != "backward" else None})


def fft(x, norm="backward"):
    """Complex DFT along the last dimension."""
    return _fft_like("fft", x, x.shape, x.dtype, norm)


def ifft(x, norm="backward"):
    """Inverse complex DFT along the last dimension."""
    return _fft_like("ifft", x, x.shape, x.dtype, norm)


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
    part = "f64" if x.dtype == "f64" else "f32"
    return _fft_like("rfft", x, x.shape[:-1] + (x.shape[-1] // 2 + 1,),
                     f"complex<{part}>", norm)


def irfft(x, n=None, norm="backward"):
    """Inverse of rfft: (..., n//2 + 1) complex -> (..., n) real; n defaults
    to 2 * (bins - 1)."""
    if isinstance(x, Tensor) and not T.is_complex(x.dtype):
        raise T.error("seq.irfft", f"expects a complex tensor, got {x.dtype}")
    n = 2 * (x.shape[-1] - 1) if n is None else int(n)
    return _fft_like("irfft", x, x.shape[:-1] + (n,), T.complex_part(x.dtype), norm)


def linear_attention(query, key, value, *, log_decay=None, prefix_key=None,
                     prefix_value=None, initial_state=None,
                     initial_normalizer=None, scale=1.0, normalize=False,
                     eps=1e-12, return_state=False):
    """Causal linear attention S_t = diag(exp(log_decay_t)) S_{t-1} + k_t v_t^T,
    out_t = scale q_t^T S_t (/ (scale q_t.z_t + eps) with `normalize`).
    Returns the output, plus (final_state[, final_normalizer]) with
    `return_state`."""
    op = "seq.linear_attention"
    q = _check_tensor(op, "query", query, rank=4)
    v = _check_tensor(op, "value", value, rank=4)
    b, h, l, f = q.shape
    acc = "f64" if q.dtype == "f64" else "f32"
    outs = [((b, h, l, v.shape[3]), v.dtype)]
    if return_state:
        outs.append(((b, h, f, v.shape[3]), acc))
        if normalize:
            outs.append(((b, h, f), acc))
    groups = [("log_decay", [log_decay]), ("prefix_key", [prefix_key]),
              ("prefix_value", [prefix_value]), ("initial_state", [initial_state]),
              ("initial_normalizer", [initial_normalizer])]
    attrs = {"scale": _f64(scale) if scale != 1.0 else None,
             "normalize": bool(normalize),
             "eps": _f64(eps) if eps != 1e-12 else None}
    return _emit("linear_attention", q.builder, "", [q, key, v], groups, outs, attrs)


_FEATURE_MAPS = ("identity", "relu", "elu_plus_one", "taylor2")


def feature_map(x, kind):
    """Linear-attention feature map along the last dimension: identity,
    relu, elu_plus_one, or taylor2 (d -> 1 + d + d^2)."""
    op = "seq.feature_map"
    x = _check_tensor(op, "x", x, min_rank=1)
    if kind not in _FEATURE_MAPS:
        raise T.error(op, f"kind must be one of {', '.join(_FEATURE_MAPS)}, got {kind!r}")
    d = x.shape[-1]
    out = x.shape[:-1] + ((1 + d + d * d) if kind == "taylor2" else d,)
    return _emit("feature_map", x.builder, f" <{kind}>", [x], [], [(out, x.dtype)], {})


def timestep_norm(x, weight, bias, num_groups, *, eps=1e-5, padding_mask=None,
                  prev=None, return_state=False):
    """MEGALODON TimestepNorm of x (B, L, D) with carried (count, mean, var)
    state `prev`; returns y, plus (count, mean, var) with `return_state`."""
    op = "seq.timestep_norm"
    x = _check_tensor(op, "x", x, rank=3)
    b, _, d = x.shape
    if num_groups <= 0 or d % num_groups:
        raise T.error(op, f"D = {d} must be a multiple of num_groups = {num_groups}")
    acc = "f64" if x.dtype == "f64" else "f32"
    outs = [(x.shape, x.dtype)]
    if return_state:
        stats = prev[1].dtype if prev is not None else acc
        outs += [((b,), "i64"), ((b, num_groups), stats), ((b, num_groups), stats)]
    groups = [("padding_mask", [padding_mask]), ("prev", list(prev or []))]
    if prev is not None and len(prev) != 3:
        raise T.error(op, "prev must be a (count, mean, var) triple")
    attrs = {"num_groups": _i64(num_groups),
             "eps": _f64(eps) if eps != 1e-5 else None}
    return _emit("timestep_norm", x.builder, "", [x, weight, bias], groups, outs, attrs)


def rotary(x, *, base=10000.0, position_offset=0, chunk_size=None,
           pairing="interleaved"):
    """RoPE along the second-to-last dimension of (..., L, d)."""
    op = "seq.rotary"
    x = _check_tensor(op, "x", x, min_rank=2)
    if pairing not in ("interleaved", "halves"):
        raise T.error(op, f"pairing must be 'interleaved' or 'halves', got {pairing!r}")
    attrs = {"base": _f64(base) if base != 10000.0 else None,
             "position_offset": _i64(position_offset) if position_offset else None,
             "chunk_size": _i64(chunk_size) if chunk_size is not None else None,
             "pairing": "#seq.rotary_pairing<halves>" if pairing == "halves" else None}
    return _emit("rotary", x.builder, "", [x], [], [(x.shape, x.dtype)], attrs)
