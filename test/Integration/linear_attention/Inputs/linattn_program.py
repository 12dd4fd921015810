"""Builds and runs small seq.linear_attention programs for the tests in the
parent directory (lit skips `Inputs`)."""

import ml_dtypes
import numpy as np

import common


def _tensor(shape, dtype, dynamic):
    if dynamic:
        return "tensor<" + "?x" * len(shape) + common.element_type(dtype) + ">"
    return common.tensor_type(shape, dtype)


def feature_dim(d, feature):
    return 1 + d + d * d if feature == "taylor2" else d


def program(q, k, v, *, log_decay=None, prefix_key=None, prefix_value=None,
            initial_state=None, initial_normalizer=None, final_state=False,
            final_normalizer=False, scale=None, normalize=False, eps=None,
            feature=None, out_dtype=None, dynamic=False):
    """Returns (mlir text, input arrays) of `@f` computing

        seq.linear_attention(phi(q), phi(k), v, ... prefix_key = phi(pk) ...)

    with phi = seq.feature_map <feature> (none when `feature` is None). The
    results are the output, then final_state / final_normalizer when asked.
    With `dynamic`, the op's operands are cast to fully dynamic tensors and
    the destinations are sized with tensor.dim."""
    out_dtype = np.dtype(out_dtype or v.dtype)
    B, H, L, d = q.shape
    F = feature_dim(d, feature)
    Ev = v.shape[-1]
    named = [("q", q), ("k", k), ("v", v), ("log_decay", log_decay),
             ("prefix_key", prefix_key), ("prefix_value", prefix_value),
             ("initial_state", initial_state),
             ("initial_normalizer", initial_normalizer)]
    named = [(n, a) for n, a in named if a is not None]
    args = ", ".join(f"%{n}: {common.ttype(a)}" for n, a in named)
    outs = [("output", (B, H, L, Ev))]
    if final_state:
        outs.append(("final_state", (B, H, F, Ev)))
    if final_normalizer:
        outs.append(("final_normalizer", (B, H, F)))
    static_out_types = [common.tensor_type(s, out_dtype) for _, s in outs]

    body = []
    # name -> (SSA value, type) of each operand as the op sees it.
    val = {n: (f"%{n}", common.ttype(a)) for n, a in named}
    # Feature maps on the query-like operands.
    if feature is not None:
        for n, a in named:
            if n not in ("q", "k", "prefix_key"):
                continue
            ft = common.tensor_type(a.shape[:-1] + (F,), a.dtype)
            body.append(f"  %{n}_e = tensor.empty() : {ft}")
            body.append(f"  %{n}_f = seq.feature_map <{feature}> ins({val[n][0]} : {val[n][1]}) "
                        f"outs(%{n}_e : {ft}) -> {ft}")
            val[n] = (f"%{n}_f", ft)
    if dynamic:
        for n, a in named:
            name, t = val[n]
            dt = _tensor(a.shape, a.dtype, True)
            body.append(f"  {name}_d = tensor.cast {name} : {t} to {dt}")
            val[n] = (f"{name}_d", dt)

    # Destinations.
    dest_vals, dest_types = [], []
    for i, (n, shape) in enumerate(outs):
        if not dynamic:
            t = common.tensor_type(shape, out_dtype)
            body.append(f"  %{n}_0 = tensor.empty() : {t}")
        else:
            t = _tensor(shape, out_dtype, True)
            # (B, H) from q; L from q; F from q's last dim; Ev from v.
            sources = {"output": [("q", 0), ("q", 1), ("q", 2), ("v", 3)],
                       "final_state": [("q", 0), ("q", 1), ("q", 3), ("v", 3)],
                       "final_normalizer": [("q", 0), ("q", 1), ("q", 3)]}[n]
            sizes = []
            for j, (src, axis) in enumerate(sources):
                body.append(f"  %{n}_c{j} = arith.constant {axis} : index")
                body.append(f"  %{n}_s{j} = tensor.dim {val[src][0]}, %{n}_c{j} : {val[src][1]}")
                sizes.append(f"%{n}_s{j}")
            body.append(f"  %{n}_0 = tensor.empty({', '.join(sizes)}) : {t}")
        dest_vals.append(f"%{n}_0")
        dest_types.append(t)

    op = [f"seq.linear_attention ins({val['q'][0]}, {val['k'][0]}, {val['v'][0]} : "
          f"{val['q'][1]}, {val['k'][1]}, {val['v'][1]})"]
    for n in ["log_decay", "prefix_key", "prefix_value", "initial_state",
              "initial_normalizer"]:
        if n in val:
            op.append(f"{n}({val[n][0]} : {val[n][1]})")
    op.append(f"outs({', '.join(dest_vals)} : {', '.join(dest_types)})")
    attrs = []
    if scale is not None:
        attrs.append(f"scale = {float(scale)!r} : f64")
    if normalize:
        attrs.append("normalize")
    if eps is not None:
        attrs.append(f"eps = {float(eps)!r} : f64")
    if attrs:
        op.append("{" + ", ".join(attrs) + "}")
    op.append("-> " + ", ".join(dest_types))
    results = [f"%r#{i}" for i in range(len(outs))] if len(outs) > 1 else ["%r"]
    head = f"%r:{len(outs)}" if len(outs) > 1 else "%r"
    body.append(f"  {head} = " + " ".join(op))
    if dynamic:
        cast = []
        for i, (r, t, st) in enumerate(zip(results, dest_types, static_out_types)):
            body.append(f"  %res{i} = tensor.cast {r} : {t} to {st}")
            cast.append(f"%res{i}")
        results = cast
    body.append(f"  return {', '.join(results)} : {', '.join(static_out_types)}")
    text = (f"func.func @f({args}) -> ({', '.join(static_out_types)}) {{\n"
            + "\n".join(body) + "\n}\n")
    return text, [a for _, a in named]


def run(q, k, v, **kwargs):
    """Runs `program(...)` and returns its outputs (bf16 results, which
    seq-run writes as raw 16-bit words, viewed as bfloat16)."""
    text, inputs = program(q, k, v, **kwargs)
    outputs = common.run(text, "f", inputs)
    return [o.view(ml_dtypes.bfloat16) if o.dtype == np.uint16 else o
            for o in outputs]
