"""The DSL's tensor operations: elementwise maps, reductions, contractions,
shape manipulation — emitted as upstream linalg / tensor ops."""

import builtins
import string

import numpy as np

from . import _scalar as S
from . import _tracer as T
from ._tracer import Tensor


def _builder_of(op, *values):
    for v in values:
        if isinstance(v, Tensor):
            return v.builder
        if isinstance(v, (list, tuple)):
            for w in v:
                if isinstance(w, Tensor):
                    return w.builder
    return T.current_builder(op)


def _identity_map(rank):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({dims})>"


def _map(rank, exprs):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({', '.join(exprs)})>"


def broadcast_shapes(op, shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise T.error(op, "shapes " + ", ".join(str(tuple(s)) for s in shapes)
                      + " do not broadcast") from None


def _generic(builder, inputs, maps, iterators, init, body_lines, yielded,
             arg_names, out_arg):
    """Emits a linalg.generic; returns the result Tensor (shaped like init)."""
    name = builder.fresh()
    ins = ""
    if inputs:
        ins = (f" ins({', '.join(t.name for t in inputs)} : "
               f"{', '.join(t.type for t in inputs)})")
    block_args = ", ".join(
        [f"{a}: {t.dtype}" for a, t in zip(arg_names, inputs)]
        + [f"{out_arg}: {init.dtype}"])
    iters = ", ".join(f'"{it}"' for it in iterators)
    body = "\n".join("  " + line for line in body_lines)
    text = (f"{name} = linalg.generic {{indexing_maps = [{', '.join(maps)}], "
            f"iterator_types = [{iters}]}}{ins} outs({init.name} : {init.type}) {{\n"
            f"^bb0({block_args}):\n{body}\n"
            f"  linalg.yield {yielded.name} : {init.dtype}\n"
            f"}} -> {init.type}")
    builder.emit(text)
    return Tensor(builder, name, init.shape, init.dtype)


def map(fn, *operands, dtype=None, op="seq.map"):
    """Applies the scalar function `fn` elementwise over the broadcast
    `operands` (tensors or Python numbers). `fn` receives one seq Scalar per
    operand and returns a Scalar; its body becomes a linalg.generic region.
    f16/bf16 inputs are computed in f32 and the result is cast back."""
    tensors = [o for o in operands if isinstance(o, Tensor)]
    if not tensors:
        raise T.error(op, "needs at least one tensor operand")
    builder = tensors[0].builder
    shape = broadcast_shapes(op, [t.shape for t in tensors])
    rank = len(shape)
    maps = []
    for t in tensors:
        offset = rank - t.ndim
        exprs = ["0" if t.shape[k] == 1 and shape[offset + k] != 1
                 else f"d{offset + k}" for k in range(t.ndim)]
        maps.append(_map(rank, exprs))
    maps.append(_identity_map(rank))

    emitter = S.RegionEmitter(builder)
    arg_names = [builder.fresh("a") for _ in tensors]
    out_arg = builder.fresh("o")
    storage = tensors[0].dtype
    args, it = [], iter(zip(arg_names, tensors))
    for o in operands:
        if isinstance(o, Tensor):
            arg_name, t = next(it)
            s = S.Scalar(emitter, arg_name, t.dtype)
            args.append(emitter.cast(s, T.compute_type(t.dtype)))
        else:
            args.append(o)
    result = fn(*args)
    if not isinstance(result, S.Scalar):
        result = S._lift(emitter, result, T.compute_type(storage))
    if dtype is None:
        half = storage in ("f16", "bf16") and result.type == T.compute_type(storage)
        dtype = storage if half else result.type
    dtype = T.normalize_dtype(dtype)
    result = emitter.cast(result, dtype)
    init = builder.empty(shape, dtype)
    return _generic(builder, tensors, maps, ["parallel"] * rank, init,
                    emitter.lines, result, arg_names, out_arg)


def _scalar_or_map(kind, x, op):
    if isinstance(x, S.Scalar):
        return S.unary(kind, x)
    if not isinstance(x, Tensor):
        raise T.error(op, f"expects a seq tensor, got {type(x).__name__}")
    return map(lambda s: S.unary(kind, s), x, op=op)


def _binary(kind, a, b, op):
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        if isinstance(a, S.Scalar) or isinstance(b, S.Scalar):
            return S.binary(kind, a, b)
        raise T.error(op, "expects a seq tensor operand")
    _check_same_dtype(op, a, b, allow_complex_promotion=True)
    dtype = None
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype != b.dtype:
        dtype = a.dtype if T.is_complex(a.dtype) else b.dtype
    return map(lambda x, y: S.binary(kind, x, y), a, b, dtype=dtype, op=op)


def _check_same_dtype(op, *values, allow_complex_promotion=False):
    dtypes = {v.dtype for v in values if isinstance(v, Tensor)}
    if allow_complex_promotion and len(dtypes) == 2:
        # f32 meets complex<f32>: the real operand is promoted in the body.
        complexes = [d for d in dtypes if T.is_complex(d)]
        if len(complexes) == 1 and T.complex_part(complexes[0]) in dtypes:
            return
    if len(dtypes) > 1:
        raise T.error(op, "operands have different element types "
                      + ", ".join(sorted(dtypes)) + "; convert with .astype()")


def add(a, b): return _binary("add", a, b, "seq.add")
def sub(a, b): return _binary("sub", a, b, "seq.sub")
def mul(a, b): return _binary("mul", a, b, "seq.mul")
def div(a, b): return _binary("div", a, b, "seq.div")
def maximum(a, b): return _binary("max", a, b, "seq.maximum")
def minimum(a, b): return _binary("min", a, b, "seq.minimum")


def power(a, b):
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return map(lambda x: x ** b, a, op="seq.power")
    return _binary("pow", a, b, "seq.power")


def neg(x):
    return map(lambda s: -s, x, op="seq.neg")


def less(a, b):
    if isinstance(a, S.Scalar) or isinstance(b, S.Scalar):
        return S.compare("lt", a, b)
    _check_same_dtype("seq.less", a, b)
    return map(lambda x, y: S.compare("lt", x, y), a, b, dtype="i1", op="seq.less")


def where(cond, a, b):
    """cond ? a : b, elementwise (or on scalars inside regions)."""
    if not any(isinstance(v, Tensor) for v in (cond, a, b)):
        return S.select(cond, a, b)
    _check_same_dtype("seq.where", a, b)
    return map(lambda c, x, y: S.select(c, x, y), cond, a, b, op="seq.where")


def exp(x): return _scalar_or_map("exp", x, "seq.exp")
def log(x): return _scalar_or_map("log", x, "seq.log")
def log1p(x): return _scalar_or_map("log1p", x, "seq.log1p")
def sqrt(x): return _scalar_or_map("sqrt", x, "seq.sqrt")
def rsqrt(x): return _scalar_or_map("rsqrt", x, "seq.rsqrt")
def tanh(x): return _scalar_or_map("tanh", x, "seq.tanh")
def sin(x): return _scalar_or_map("sin", x, "seq.sin")
def cos(x): return _scalar_or_map("cos", x, "seq.cos")
def abs(x): return _scalar_or_map("abs", x, "seq.abs")
def erf(x): return _scalar_or_map("erf", x, "seq.erf")


def _sigmoid_scalar(s):
    return 1.0 / (1.0 + S.unary("exp", -s))


def sigmoid(x):
    if isinstance(x, S.Scalar):
        return _sigmoid_scalar(x)
    return map(_sigmoid_scalar, x, op="seq.sigmoid")


def silu(x):
    """x * sigmoid(x)."""
    fn = lambda s: s * _sigmoid_scalar(s)
    return fn(x) if isinstance(x, S.Scalar) else map(fn, x, op="seq.silu")


def softplus(x):
    """log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|))."""
    def fn(s):
        return S.binary("max", s, 0.0) + S.unary("log1p", S.unary("exp", -S.unary("abs", s)))
    return fn(x) if isinstance(x, S.Scalar) else map(fn, x, op="seq.softplus")


def gelu(x, approximate="none"):
    """GELU: x/2 (1 + erf(x/sqrt 2)), or the tanh approximation."""
    if approximate == "tanh":
        c = float(np.sqrt(2.0 / np.pi))
        fn = lambda s: 0.5 * s * (1.0 + S.unary("tanh", c * (s + 0.044715 * s * s * s)))
    elif approximate == "none":
        fn = lambda s: 0.5 * s * (1.0 + S.unary("erf", s * float(1.0 / np.sqrt(2.0))))
    else:
        raise T.error("seq.gelu", f"approximate must be 'none' or 'tanh', got {approximate!r}")
    return fn(x) if isinstance(x, S.Scalar) else map(fn, x, op="seq.gelu")


def astype(x, dtype):
    target = T.normalize_dtype(dtype)
    if x.dtype == target:
        return x
    if T.is_complex(x.dtype) and not T.is_complex(target):
        raise T.error("seq.astype", f"cannot convert {x.dtype} to {target}; "
                      "take seq.real or seq.imag first")
    return map(lambda s: s.emitter.cast(s, target), x, dtype=target, op="seq.astype")


def real(x):
    if isinstance(x, S.Scalar):
        return x.real
    if not T.is_complex(x.dtype):
        return x
    return map(lambda s: s.real, x, dtype=T.complex_part(x.dtype), op="seq.real")


def imag(x):
    if isinstance(x, S.Scalar):
        return x.imag
    if not T.is_complex(x.dtype):
        raise T.error("seq.imag", f"expects a complex tensor, got {x.dtype}")
    return map(lambda s: s.imag, x, dtype=T.complex_part(x.dtype), op="seq.imag")


def conj(x):
    """Complex conjugate (identity on real tensors)."""
    if isinstance(x, S.Scalar):
        return x.emitter.op(f"complex.conj {x.name} : {x.type}", x.type) if T.is_complex(x.type) else x
    if not T.is_complex(x.dtype):
        return x
    return map(lambda s: s.emitter.op(f"complex.conj {s.name} : {s.type}", s.type), x,
               op="seq.conj")


def broadcast_to(x, shape):
    """NumPy broadcasting of `x` to `shape`, materialized."""
    op = "seq.broadcast_to"
    shape = tuple(int(d) for d in shape)
    if broadcast_shapes(op, [x.shape, shape]) != shape:
        raise T.error(op, f"cannot broadcast {x.shape} to {shape}")
    if x.shape == shape:
        return x
    rank, offset = len(shape), len(shape) - x.ndim
    exprs = ["0" if x.shape[k] == 1 and shape[offset + k] != 1 else f"d{offset + k}"
             for k in range(x.ndim)]
    builder = x.builder
    emitter = S.RegionEmitter(builder)
    a, o = builder.fresh("a"), builder.fresh("o")
    init = builder.empty(shape, x.dtype)
    return _generic(builder, [x], [_map(rank, exprs), _identity_map(rank)],
                    ["parallel"] * rank, init, emitter.lines,
                    S.Scalar(emitter, a, x.dtype), [a], o)


def flip(x, axis):
    """Reverses `x` along `axis` (an int or a tuple of ints)."""
    axes = _axes("seq.flip", x, axis)
    if not axes:
        return x
    exprs = [f"-d{d} + {x.shape[d] - 1}" if d in axes else f"d{d}" for d in range(x.ndim)]
    builder = x.builder
    emitter = S.RegionEmitter(builder)
    a, o = builder.fresh("a"), builder.fresh("o")
    init = builder.empty(x.shape, x.dtype)
    return _generic(builder, [x], [_map(x.ndim, exprs), _identity_map(x.ndim)],
                    ["parallel"] * x.ndim, init, emitter.lines,
                    S.Scalar(emitter, a, x.dtype), [a], o)


def complex(re, im):
    """A complex tensor from real and imaginary parts (f32 or f64)."""
    _check_same_dtype("seq.complex", re, im)
    part = next(v.dtype for v in (re, im) if isinstance(v, Tensor))
    if part not in ("f32", "f64"):
        raise T.error("seq.complex", f"parts must be f32 or f64, got {part}")
    ctype = f"complex<{part}>"

    def fn(a, b):
        a, b = a.emitter.cast(S._lift(a.emitter, a, part), part), S._lift(a.emitter, b, part)
        return a.emitter.op(f"complex.create {a.name}, {b.name} : {ctype}", ctype)
    return map(fn, re, im, dtype=ctype, op="seq.complex")


def constant(value, dtype=None):
    """A constant tensor from a NumPy array (small arrays: it is inlined)."""
    builder = T.current_builder("seq.constant")
    array = np.asarray(value)
    dtype = T.normalize_dtype(dtype or array.dtype)
    if T.is_complex(dtype):
        raise T.error("seq.constant", "complex constants: build with seq.complex")
    flat = array.astype(np.float64 if T.is_float(dtype) else np.int64).ravel()
    if T.is_float(dtype):
        items = ", ".join(T.mlir_float(v, dtype) for v in flat)
    elif dtype == "i1":
        items = ", ".join("true" if v else "false" for v in flat)
    else:
        items = ", ".join(str(int(v)) for v in flat)
    ttype = T.tensor_type(array.shape, dtype)
    name = builder.fresh()
    literal = f"dense<[{items}]>" if array.ndim else f"dense<{items}>"
    if array.ndim > 1:  # dense<> wants nested brackets; a splat-free reshape is simpler
        flat_t = T.tensor_type((flat.size,), dtype)
        builder.emit(f"{name} = arith.constant dense<[{items}]> : {flat_t}")
        return reshape(Tensor(builder, name, (flat.size,), dtype), array.shape)
    builder.emit(f"{name} = arith.constant {literal} : {ttype}")
    return Tensor(builder, name, array.shape, dtype)


def full(shape, value, dtype="f32"):
    """A tensor of `shape` filled with `value`."""
    builder = T.current_builder("seq.full")
    dtype = T.normalize_dtype(dtype)
    return _fill(builder, builder.empty(tuple(shape), dtype), value)


def _fill(builder, init, value):
    emitter = S.RegionEmitter(builder)
    c = emitter.constant(value, init.dtype)
    for line in emitter.lines:
        builder.emit(line)
    name = builder.fresh()
    builder.emit(f"{name} = linalg.fill ins({c.name} : {init.dtype}) "
                 f"outs({init.name} : {init.type}) -> {init.type}")
    return Tensor(builder, name, init.shape, init.dtype)


def zeros(shape, dtype="f32"):
    return full(shape, 0.0 if T.is_float(normalize(dtype)) else 0, dtype)


def normalize(dtype):
    return T.normalize_dtype(dtype)


#===----------------------------------------------------------------------===#
# Reductions
#===----------------------------------------------------------------------===#

def _axes(op, x, axis):
    if axis is None:
        return tuple(range(x.ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = []
    for a in axes:
        if not -x.ndim <= a < x.ndim:
            raise T.error(op, f"axis {a} is out of range for a rank-{x.ndim} tensor")
        out.append(a % x.ndim)
    return tuple(sorted(set(out)))


def _reduce(op, x, axis, keepdims, kind):
    axes = _axes(op, x, axis)
    builder = x.builder
    acc = T.compute_type(x.dtype)
    kept = [d for d in range(x.ndim) if d not in axes]
    out_shape = tuple(x.shape[d] for d in kept)
    identity = {"add": 0.0, "max": -np.inf, "min": np.inf}[kind]
    init = _fill(builder, builder.empty(out_shape, acc), identity)
    emitter = S.RegionEmitter(builder)
    a, o = builder.fresh("a"), builder.fresh("o")
    value = emitter.cast(S.Scalar(emitter, a, x.dtype), acc)
    combined = S.binary(kind, S.Scalar(emitter, o, acc), value)
    iterators = ["reduction" if d in axes else "parallel" for d in range(x.ndim)]
    result = _generic(builder, [x], [_identity_map(x.ndim),
                                     _map(x.ndim, [f"d{d}" for d in kept])],
                      iterators, init, emitter.lines, combined, [a], o)
    result = astype(result, x.dtype) if acc != x.dtype else result
    if keepdims:
        result = reshape(result, tuple(1 if d in axes else x.shape[d]
                                       for d in range(x.ndim)))
    return result


def sum(x, axis=None, keepdims=False):
    return _reduce("seq.sum", x, axis, keepdims, "add")


def max(x, axis=None, keepdims=False):
    return _reduce("seq.max", x, axis, keepdims, "max")


def min(x, axis=None, keepdims=False):
    return _reduce("seq.min", x, axis, keepdims, "min")


def mean(x, axis=None, keepdims=False):
    axes = _axes("seq.mean", x, axis)
    count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    return sum(x, axis, keepdims) * (1.0 / count)


def var(x, axis=None, keepdims=False):
    """Population variance."""
    centered = x - mean(x, axis, keepdims=True)
    return mean(centered * centered, axis, keepdims)


#===----------------------------------------------------------------------===#
# Contractions
#===----------------------------------------------------------------------===#

def einsum(subscripts, *operands):
    """Einstein summation ("bld,de->ble"), as one linalg.generic. Sums run in
    f32 for f16/bf16 inputs."""
    op = "seq.einsum"
    if "->" not in subscripts:
        raise T.error(op, "subscripts need an explicit output ('ij,jk->ik')")
    lhs, out = subscripts.replace(" ", "").split("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        raise T.error(op, f"'{subscripts}' names {len(inputs)} operands, "
                      f"got {len(operands)}")
    if "." in subscripts:
        raise T.error(op, "ellipsis is not supported; name every dimension")
    sizes = {}
    for letters, t in zip(inputs, operands):
        if not isinstance(t, Tensor):
            raise T.error(op, "operands must be seq tensors")
        if len(letters) != t.ndim:
            raise T.error(op, f"'{letters}' has {len(letters)} indices but the "
                          f"operand has shape {t.shape}")
        for letter, size in zip(letters, t.shape):
            if sizes.setdefault(letter, size) != size:
                raise T.error(op, f"index '{letter}' has size {sizes[letter]} "
                              f"and {size} in '{subscripts}'")
    for letter in out:
        if letter not in sizes:
            raise T.error(op, f"output index '{letter}' appears in no input")
    _check_same_dtype(op, *operands)
    dtype = operands[0].dtype
    acc = T.compute_type(dtype)
    reduced = [l for l in dict.fromkeys("".join(inputs)) if l not in out]
    order = list(out) + reduced
    position = {l: i for i, l in enumerate(order)}
    rank = len(order)
    maps = [_map(rank, [f"d{position[l]}" for l in letters]) for letters in inputs]
    maps.append(_map(rank, [f"d{position[l]}" for l in out]))
    builder = operands[0].builder
    init = _fill(builder, builder.empty(tuple(sizes[l] for l in out), acc), 0.0)
    emitter = S.RegionEmitter(builder)
    names = [builder.fresh("a") for _ in operands]
    o = builder.fresh("o")
    product = None
    for n, t in zip(names, operands):
        v = emitter.cast(S.Scalar(emitter, n, t.dtype), acc)
        product = v if product is None else product * v
    total = S.Scalar(emitter, o, acc) + product
    iterators = ["parallel"] * len(out) + ["reduction"] * len(reduced)
    result = _generic(builder, list(operands), maps, iterators, init,
                      emitter.lines, total, names, o)
    return astype(result, dtype) if acc != dtype else result


def matmul(a, b):
    """NumPy matmul: (..., m, k) @ (..., k, n), or (..., m, k) @ (k, n).
    Batch dimensions must match."""
    op = "seq.matmul"
    if not isinstance(a, Tensor) or not isinstance(b, Tensor):
        raise T.error(op, "operands must be seq tensors")
    if a.ndim < 1 or b.ndim < 1:
        raise T.error(op, "operands must have rank >= 1")
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise T.error(op, f"contraction dimensions differ: {a.shape} @ {b.shape}")
    letters = iter(string.ascii_lowercase)
    if b.ndim == 1:
        batch = "".join(next(letters) for _ in range(a.ndim - 1))
        k = next(letters)
        return einsum(f"{batch}{k},{k}->{batch}", a, b)
    if a.ndim == 1:
        batch = "".join(next(letters) for _ in range(b.ndim - 2))
        k, n = next(letters), next(letters)
        return einsum(f"{k},{batch}{k}{n}->{batch}{n}", a, b)
    batch_a = "".join(next(letters) for _ in range(a.ndim - 2))
    m, k, n = next(letters), next(letters), next(letters)
    if b.ndim == 2:
        return einsum(f"{batch_a}{m}{k},{k}{n}->{batch_a}{m}{n}", a, b)
    if a.shape[:-2] != b.shape[:-2]:
        raise T.error(op, f"batch dimensions {a.shape[:-2]} and {b.shape[:-2]} "
                      "differ; broadcast them explicitly")
    return einsum(f"{batch_a}{m}{k},{batch_a}{k}{n}->{batch_a}{m}{n}", a, b)


#===----------------------------------------------------------------------===#
# Shapes
#===----------------------------------------------------------------------===#

def reshape(x, shape):
    """Reshape (row-major), with one -1 allowed."""
    op = "seq.reshape"
    shape = [int(d) for d in shape]
    if shape.count(-1) > 1:
        raise T.error(op, "only one dimension may be -1")
    total = int(np.prod(x.shape)) if x.shape else 1
    if -1 in shape:
        known = int(np.prod([d for d in shape if d != -1])) if len(shape) > 1 else 1
        if known == 0 or total % known:
            raise T.error(op, f"cannot reshape {x.shape} into {tuple(shape)}")
        shape[shape.index(-1)] = total // known
    shape = tuple(shape)
    if int(np.prod(shape)) != total:
        raise T.error(op, f"cannot reshape {x.shape} ({total} elements) "
                      f"into {shape}")
    if shape == x.shape:
        return x
    builder = x.builder
    flat = x
    if x.ndim != 1:
        flat_t = T.tensor_type((total,), x.dtype)
        name = builder.fresh()
        reassoc = "[[" + ", ".join(str(i) for i in range(x.ndim)) + "]]" if x.ndim else "[]"
        if x.ndim == 0:
            builder.emit(f"{name} = tensor.expand_shape {x.name} [] output_shape [1] "
                         f": {x.type} into {flat_t}")
        else:
            builder.emit(f"{name} = tensor.collapse_shape {x.name} {reassoc} "
                         f": {x.type} into {flat_t}")
        flat = Tensor(builder, name, (total,), x.dtype)
    if len(shape) == 1:
        return flat
    name = builder.fresh()
    out_t = T.tensor_type(shape, x.dtype)
    if not shape:
        builder.emit(f"{name} = tensor.collapse_shape {flat.name} [] : {flat.type} into {out_t}")
    else:
        reassoc = "[[" + ", ".join(str(i) for i in range(len(shape))) + "]]"
        builder.emit(f"{name} = tensor.expand_shape {flat.name} {reassoc} output_shape "
                     f"[{', '.join(str(d) for d in shape)}] : {flat.type} into {out_t}")
    return Tensor(builder, name, shape, x.dtype)


def transpose(x, axes=None):
    """Permutes dimensions (reverses them without `axes`)."""
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise T.error("seq.transpose", f"{axes} is not a permutation of {x.ndim} axes")
    if axes == tuple(range(x.ndim)):
        return x
    builder = x.builder
    out_shape = tuple(x.shape[a] for a in axes)
    init = builder.empty(out_shape, x.dtype)
    name = builder.fresh()
    builder.emit(f"{name} = linalg.transpose ins({x.name} : {x.type}) "
                 f"outs({init.name} : {init.type}) permutation = "
                 f"[{', '.join(str(a) for a in axes)}]")
    return Tensor(builder, name, out_shape, x.dtype)


def getitem(x, index):
    """Basic indexing: integers, slices with positive steps, Ellipsis."""
    op = "seq.getitem"
    if not isinstance(index, tuple):
        index = (index,)
    if builtins.sum(1 for i in index if i is Ellipsis) > 1:
        raise T.error(op, "at most one Ellipsis")
    if Ellipsis in index:
        at = index.index(Ellipsis)
        fill = x.ndim - (len(index) - 1)
        index = index[:at] + (slice(None),) * fill + index[at + 1:]
    if len(index) > x.ndim:
        raise T.error(op, f"too many indices for a rank-{x.ndim} tensor")
    index = index + (slice(None),) * (x.ndim - len(index))
    backwards = [d for d, i in enumerate(index)
                 if isinstance(i, slice) and i.step is not None and i.step < 0]
    if backwards:
        # x[a:b:-s] along d is flip(x)[n-1-a : n-1-b : s] along d.
        x = flip(x, tuple(backwards))
        index = list(index)
        for d in backwards:
            start, stop, step = index[d].indices(x.shape[d])
            n = x.shape[d]
            count = builtins.max(0, (stop - start + step + 1) // step)
            first = n - 1 - start
            index[d] = slice(first, first + count * (-step), -step)
        index = tuple(index)
    offsets, sizes, strides, out_shape = [], [], [], []
    for dim, (i, size) in enumerate(zip(index, x.shape)):
        if isinstance(i, (int, np.integer)):
            i = int(i)
            if not -size <= i < size:
                raise T.error(op, f"index {i} is out of bounds for dimension {dim} of size {size}")
            offsets.append(i % size)
            sizes.append(1)
            strides.append(1)
        elif isinstance(i, slice):
            start, stop, step = i.indices(size)
            if step == 0:
                raise T.error(op, "slice step cannot be zero")
            count = builtins.max(0, (stop - start + step - 1) // step)
            offsets.append(start)
            sizes.append(count)
            strides.append(step)
            out_shape.append(count)
        else:
            raise T.error(op, f"unsupported index {i!r} (use ints, slices, ...)")
    builder = x.builder
    name = builder.fresh()
    out_t = T.tensor_type(out_shape, x.dtype)
    fmt = lambda v: ", ".join(str(e) for e in v)
    builder.emit(f"{name} = tensor.extract_slice {x.name}[{fmt(offsets)}] "
                 f"[{fmt(sizes)}] [{fmt(strides)}] : {x.type} to {out_t}")
    return Tensor(builder, name, tuple(out_shape), x.dtype)


def split_heads(x, heads):
    """(B, L, H*d) -> (B, H, L, d): the multi-head layout of seq.attention."""
    b, l, hd = x.shape
    if hd % heads:
        raise T.error("seq.split_heads", f"width {hd} does not split into {heads} heads")
    return transpose(reshape(x, (b, l, heads, hd // heads)), (0, 2, 1, 3))


def merge_heads(x):
    """(B, H, L, d) -> (B, L, H*d), the inverse of split_heads."""
    b, h, l, d = x.shape
    return reshape(transpose(x, (0, 2, 1, 3)), (b, l, h * d))


def concat(tensors, axis=0):
    """Concatenates along `axis`."""
    op = "seq.concat"
    tensors = list(tensors)
    if not tensors:
        raise T.error(op, "needs at least one tensor")
    first = tensors[0]
    axis = axis % first.ndim
    _check_same_dtype(op, *tensors)
    for t in tensors:
        if t.ndim != first.ndim or any(t.shape[d] != first.shape[d]
                                       for d in range(first.ndim) if d != axis):
            raise T.error(op, f"shapes {first.shape} and {t.shape} differ "
                          f"outside axis {axis}")
    out_shape = list(first.shape)
    out_shape[axis] = builtins.sum(t.shape[axis] for t in tensors)
    builder = first.builder
    acc = builder.empty(tuple(out_shape), first.dtype)
    offset = 0
    for t in tensors:
        offsets = [offset if d == axis else 0 for d in range(first.ndim)]
        name = builder.fresh()
        fmt = lambda v: ", ".join(str(e) for e in v)
        builder.emit(f"{name} = tensor.insert_slice {t.name} into {acc.name}"
                     f"[{fmt(offsets)}] [{fmt(t.shape)}] [{fmt([1] * t.ndim)}] "
                     f": {t.type} into {acc.type}")
        acc = Tensor(builder, name, acc.shape, acc.dtype)
        offset += t.shape[axis]
    return acc


def pad(x, pads, value=0.0):
    """Pads with a constant: `pads` is one (before, after) pair per dim."""
    op = "seq.pad"
    if len(pads) != x.ndim:
        raise T.error(op, f"needs {x.ndim} (before, after) pairs, got {len(pads)}")
    out_shape = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape, pads))
    filled = _fill(x.builder, x.builder.empty(out_shape, x.dtype), value)
    builder = x.builder
    name = builder.fresh()
    fmt = lambda v: ", ".join(str(e) for e in v)
    builder.emit(f"{name} = tensor.insert_slice {x.name} into {filled.name}"
                 f"[{fmt([lo for lo, _ in pads])}] [{fmt(x.shape)}] "
                 f"[{fmt([1] * x.ndim)}] : {x.type} into {filled.type}")
    return Tensor(builder, name, out_shape, x.dtype)


#===----------------------------------------------------------------------===#
# Normalizations and softmax
#===----------------------------------------------------------------------===#

def softmax(x, axis=-1):
    """exp(x - max) / sum, along `axis`."""
    shifted = x - max(x, axis, keepdims=True)
    e = exp(shifted)
    return e / sum(e, axis, keepdims=True)


def layer_norm(x, weight=None, bias=None, eps=1e-5, axis=-1):
    """(x - mean) / sqrt(var + eps) * weight + bias over `axis`."""
    mu = mean(x, axis, keepdims=True)
    centered = x - mu
    y = centered * rsqrt(mean(centered * centered, axis, keepdims=True) + eps)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y


def rms_norm(x, weight=None, eps=1e-5, axis=-1):
    """x / sqrt(mean(x^2) + eps) * weight over `axis`."""
    y = x * rsqrt(mean(x * x, axis, keepdims=True) + eps)
    return y * weight if weight is not None else y


def group_norm(x, num_groups, weight=None, bias=None, eps=1e-5):
    """GroupNorm over the last dimension of (..., C) split into groups."""
    op = "seq.group_norm"
    c = x.shape[-1]
    if c % num_groups:
        raise T.error(op, f"{c} channels do not split into {num_groups} groups")
    grouped = reshape(x, x.shape[:-1] + (num_groups, c // num_groups))
    y = reshape(layer_norm(grouped, eps=eps), x.shape)
    if weight is not None:
        y = y * weight
    if bias is not None:
        y = y + bias
    return y
