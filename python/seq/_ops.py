"""The DSL's tensor operations: elementwise maps, reductions, contractions,
shape manipulation — built as upstream linalg / tensor ops through the C++
builders (seq._core.Module)."""

import builtins
import string

import numpy as np

from . import _scalar as S
from . import _tracer as T
from ._tracer import Tensor


def _identity_map(rank):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({dims})>"


def _map(rank, exprs):
    dims = ", ".join(f"d{i}" for i in range(rank))
    return f"affine_map<({dims}) -> ({', '.join(exprs)})>"


def _iterators(kinds):
    return [f"#linalg.iterator_type<{kind}>" for kind in kinds]


def broadcast_shapes(op, shapes):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise T.error(op, "shapes " + ", ".join(str(tuple(s)) for s in shapes)
                      + " do not broadcast") from None


def _generic(builder, inputs, maps, iterators, init, block):
    """A linalg.generic over `inputs` into `init` with the body `block`;
    returns its result (typed like init)."""
    (result,) = builder.dps("linalg.generic", [[t.value for t in inputs]], [init.value],
                            {"indexing_maps": maps,
                             "iterator_types": _iterators(iterators)},
                            regions=[block])
    return Tensor(builder, result)


def _body(builder, inputs, out_type):
    """A block for a linalg.generic body: one argument per input element and
    one for the output element."""
    return builder.block([t.dtype for t in inputs] + [out_type])


def _yield(builder, value):
    builder.create("linalg.yield", [value.value])


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

    storage = tensors[0].dtype
    block = builder.block([t.dtype for t in tensors])
    with builder.inside(block):
        args, it = [], iter(block.arguments)
        for o in operands:
            if isinstance(o, Tensor):
                s = S.Scalar(builder, next(it))
                args.append(S.cast(s, T.compute_type(o.dtype)))
            else:
                args.append(o)
        result = fn(*args)
        result = S.lift(builder, result, T.compute_type(storage))
        # A result made of Python numbers only takes the data's float type.
        default = T.compute_type(storage) if T.is_float(storage) else "f32"
        result = S.resolve(result, default)
        if dtype is None:
            half = storage in ("f16", "bf16") and result.type == T.compute_type(storage)
            dtype = storage if half else result.type
        dtype = T.normalize_dtype(dtype)
        result = S.cast(result, dtype)
        builder.add_block_argument(block, dtype)
        _yield(builder, result)
    init = builder.empty(shape, dtype)
    return _generic(builder, tensors, maps, ["parallel"] * rank, init, block)


def _scalar_or_map(kind, x, op):
    if isinstance(x, S.Scalar):
        return S.unary(kind, x)
    if not isinstance(x, Tensor):
        raise T.error(op, f"expects a seq tensor, got {type(x).__name__}")
    return map(lambda s: S.unary(kind, s), x, op=op)


def _binary(kind, a, b, op, fn=None):
    fn = fn or (lambda x, y: S.binary(kind, x, y))
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        if isinstance(a, S.Scalar) or isinstance(b, S.Scalar):
            return fn(a, b)
        raise T.error(op, "expects a seq tensor operand")
    _check_same_dtype(op, a, b, allow_complex_promotion=True)
    dtype = None
    if isinstance(a, Tensor) and isinstance(b, Tensor) and a.dtype != b.dtype:
        dtype = a.dtype if T.is_complex(a.dtype) else b.dtype
    return map(fn, a, b, dtype=dtype, op=op)


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


def floor_divide(a, b):
    """a // b, rounding toward negative infinity (Python and NumPy)."""
    return _binary("floordiv", a, b, "seq.floor_divide", S.floor_divide)


def mod(a, b):
    """a % b with the sign of b (Python and NumPy)."""
    return _binary("mod", a, b, "seq.mod", S.mod)


def power(a, b):
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return map(lambda x: x ** b, a, op="seq.power")
    return _binary("pow", a, b, "seq.power")


def neg(x):
    if isinstance(x, S.Scalar):
        return -x
    return map(lambda s: -s, x, op="seq.neg")


def less(a, b):
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        return S.compare("lt", a, b)
    _check_same_dtype("seq.less", a, b)
    return map(lambda x, y: S.compare("lt", x, y), a, b, dtype="i1", op="seq.less")


def where(cond, a, b):
    """cond ? a : b, elementwise (or on scalars inside regions); a and b may
    be Python numbers."""
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
def floor(x): return _scalar_or_map("floor", x, "seq.floor")


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
    if isinstance(x, S.Scalar):
        return S.cast(x, target)
    if x.dtype == target:
        return x
    if T.is_complex(x.dtype) and not T.is_complex(target):
        raise T.error("seq.astype", f"cannot convert {x.dtype} to {target}; "
                      "take seq.real or seq.imag first")
    return map(lambda s: S.cast(s, target), x, dtype=target, op="seq.astype")


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


def _conj_scalar(s):
    if not T.is_complex(s.type):
        return s
    return S.Scalar(s.builder, s.builder.op("complex.conj", s.value), s.weak)


def conj(x):
    """Complex conjugate (identity on real tensors)."""
    if isinstance(x, S.Scalar):
        return _conj_scalar(x)
    if not T.is_complex(x.dtype):
        return x
    return map(_conj_scalar, x, op="seq.conj")


def _copy_generic(x, out_shape, input_map):
    """out[d...] = x[input_map(d...)], as a linalg.generic."""
    builder = x.builder
    rank = len(out_shape)
    block = _body(builder, [x], x.dtype)
    with builder.inside(block):
        builder.create("linalg.yield", [block.arguments[0]])
    init = builder.empty(out_shape, x.dtype)
    return _generic(builder, [x], [input_map, _identity_map(rank)],
                    ["parallel"] * rank, init, block)


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
    return _copy_generic(x, shape, _map(rank, exprs))


def flip(x, axis):
    """Reverses `x` along `axis` (an int or a tuple of ints)."""
    axes = _axes("seq.flip", x, axis)
    if not axes:
        return x
    exprs = [f"-d{d} + {x.shape[d] - 1}" if d in axes else f"d{d}" for d in range(x.ndim)]
    return _copy_generic(x, x.shape, _map(x.ndim, exprs))


def complex(re, im):
    """A complex tensor from real and imaginary parts (f32 or f64)."""
    _check_same_dtype("seq.complex", re, im)
    part = next(v.dtype for v in (re, im) if isinstance(v, Tensor))
    if not T.is_complex(f"complex<{part}>"):
        raise T.error("seq.complex", f"parts must be f32 or f64, got {part}")
    ctype = f"complex<{part}>"

    def fn(a, b):
        builder = S._builder_of(a, b)
        a, b = (S.cast(S.resolve(S.lift(builder, v, part), part), part) for v in (a, b))
        return S.Scalar(builder, builder.op("complex.create", a.value, b.value,
                                            result_type=ctype))
    return map(fn, re, im, dtype=ctype, op="seq.complex")


def constant(value, dtype=None):
    """A constant tensor from a NumPy array (it is inlined in the IR)."""
    builder = T.current_builder("seq.constant")
    array = np.asarray(value)
    dtype = T.normalize_dtype(dtype or array.dtype)
    if T.is_complex(dtype):
        raise T.error("seq.constant", "complex constants: build with seq.complex")
    host = np.float64 if T.is_float(dtype) else np.int64
    value = builder.module.dense(array.astype(host), dtype, T.user_location())
    return Tensor(builder, value)


def full(shape, value, dtype="f32"):
    """A tensor of `shape` filled with `value`."""
    builder = T.current_builder("seq.full")
    dtype = T.normalize_dtype(dtype)
    return _fill(builder, builder.empty(tuple(shape), dtype), value)


def _fill(builder, init, value):
    c = builder.constant(value, init.dtype)
    return Tensor(builder, builder.module.fill(c, init.value, T.user_location()))


def zeros(shape, dtype="f32"):
    return full(shape, 0.0 if T.is_float(T.normalize_dtype(dtype)) else 0, dtype)


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
    block = _body(builder, [x], acc)
    with builder.inside(block):
        a, o = block.arguments
        value = S.cast(S.Scalar(builder, a), acc)
        _yield(builder, S.binary(kind, S.Scalar(builder, o), value))
    iterators = ["reduction" if d in axes else "parallel" for d in range(x.ndim)]
    result = _generic(builder, [x], [_identity_map(x.ndim),
                                     _map(x.ndim, [f"d{d}" for d in kept])],
                      iterators, init, block)
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
    block = _body(builder, operands, acc)
    with builder.inside(block):
        *args, o = block.arguments
        product = None
        for arg in args:
            v = S.cast(S.Scalar(builder, arg), acc)
            product = v if product is None else product * v
        _yield(builder, S.Scalar(builder, o) + product)
    iterators = ["parallel"] * len(out) + ["reduction"] * len(reduced)
    result = _generic(builder, list(operands), maps, iterators, init, block)
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
    builder, module, loc = x.builder, x.builder.module, T.user_location()
    # Through the flat form: collapse to rank 1, expand to the target.
    flat = x.value
    if x.ndim == 0:
        flat = module.expand_shape(flat, [1], [], loc)
    elif x.ndim != 1:
        flat = module.collapse_shape(flat, [list(range(x.ndim))], loc)
    if len(shape) == 1:
        return Tensor(builder, flat)
    if not shape:
        return Tensor(builder, module.collapse_shape(flat, [], loc))
    return Tensor(builder, module.expand_shape(flat, list(shape),
                                               [list(range(len(shape)))], loc))


def transpose(x, axes=None):
    """Permutes dimensions (reverses them without `axes`)."""
    axes = tuple(reversed(range(x.ndim))) if axes is None else tuple(a % x.ndim for a in axes)
    if sorted(axes) != list(range(x.ndim)):
        raise T.error("seq.transpose", f"{axes} is not a permutation of {x.ndim} axes")
    if axes == tuple(range(x.ndim)):
        return x
    builder = x.builder
    init = builder.empty(tuple(x.shape[a] for a in axes), x.dtype)
    return Tensor(builder, builder.module.transpose(x.value, init.value, list(axes),
                                                    T.user_location()))


def _extract(x, index):
    """x[i, j, ...] with traced scalar indices (inside a region): one
    tensor.extract, e.g. a per-head slope `slopes[h]` in a score_mod."""
    op = "seq.getitem"
    if len(index) != x.ndim:
        raise T.error(op, f"indexing a rank-{x.ndim} tensor with traced scalars "
                      f"needs {x.ndim} indices, got {len(index)}")
    builder = next(i.builder for i in index if isinstance(i, S.Scalar))
    indices = []
    for dim, i in enumerate(index):
        if isinstance(i, S.Scalar):
            if T.is_float(i.type) or T.is_complex(i.type):
                raise T.error(op, f"index {dim} is a {i.type} value; indices are integers")
            indices.append(S.cast(i, "index").value)
        elif isinstance(i, (int, np.integer)):
            if not -x.shape[dim] <= int(i) < x.shape[dim]:
                raise T.error(op, f"index {int(i)} is out of bounds for dimension "
                              f"{dim} of size {x.shape[dim]}")
            indices.append(builder.constant(int(i) % x.shape[dim], "index"))
        else:
            raise T.error(op, f"unsupported index {i!r} with traced scalar indices")
    value = builder.create("tensor.extract", [x.value, indices])[0]
    return S.Scalar(builder, value)


def getitem(x, index):
    """Basic indexing: integers, slices with any nonzero step, Ellipsis;
    inside a region, traced integer scalars read one element."""
    op = "seq.getitem"
    if not isinstance(index, tuple):
        index = (index,)
    if any(isinstance(i, S.Scalar) for i in index):
        return _extract(x, index)
    if builtins.sum(1 for i in index if i is Ellipsis) > 1:
        raise T.error(op, "at most one Ellipsis")
    if Ellipsis in index:
        at = index.index(Ellipsis)
        fill = x.ndim - (len(index) - 1)
        index = index[:at] + (slice(None),) * fill + index[at + 1:]
    if len(index) > x.ndim:
        raise T.error(op, f"too many indices for a rank-{x.ndim} tensor")
    index = index + (slice(None),) * (x.ndim - len(index))
    for i in index:
        if isinstance(i, slice) and i.step == 0:
            raise T.error(op, "slice step cannot be zero")
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
    offsets, sizes, strides, kept = [], [], [], []
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
            count = builtins.max(0, (stop - start + step - 1) // step)
            offsets.append(start)
            sizes.append(count)
            strides.append(step)
            kept.append(dim)
        else:
            raise T.error(op, f"unsupported index {i!r} (use ints, slices, ...)")
    builder = x.builder
    dropped = [d for d in range(x.ndim) if d not in kept]  # integer indices
    value = builder.module.extract_slice(x.value, offsets, sizes, strides,
                                         dropped, T.user_location())
    return Tensor(builder, value)


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
    """Concatenates along `axis` (one tensor.concat, whatever the number of
    operands)."""
    op = "seq.concat"
    tensors = list(tensors)
    if not tensors:
        raise T.error(op, "needs at least one tensor")
    first = tensors[0]
    if not all(isinstance(t, Tensor) for t in tensors):
        raise T.error(op, "operands must be seq tensors")
    if first.ndim == 0:
        raise T.error(op, "cannot concatenate rank-0 tensors")
    axis = axis % first.ndim
    _check_same_dtype(op, *tensors)
    for t in tensors:
        if t.ndim != first.ndim or any(t.shape[d] != first.shape[d]
                                       for d in range(first.ndim) if d != axis):
            raise T.error(op, f"shapes {first.shape} and {t.shape} differ "
                          f"outside axis {axis}")
    if len(tensors) == 1:
        return first
    builder = first.builder
    return Tensor(builder, builder.module.concat(axis, [t.value for t in tensors],
                                                 T.user_location()))


def pad(x, pads, value=0.0):
    """Pads with a constant: `pads` is one (before, after) pair per dim."""
    op = "seq.pad"
    if len(pads) != x.ndim:
        raise T.error(op, f"needs {x.ndim} (before, after) pairs, got {len(pads)}")
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        raise T.error(op, f"pads must be >= 0, got {pads}")
    out_shape = tuple(s + lo + hi for s, (lo, hi) in zip(x.shape, pads))
    builder = x.builder
    filled = _fill(builder, builder.empty(out_shape, x.dtype), value)
    value = builder.module.insert_slice(x.value, filled.value, [lo for lo, _ in pads],
                                        list(x.shape), [1] * x.ndim, T.user_location())
    return Tensor(builder, value)


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
