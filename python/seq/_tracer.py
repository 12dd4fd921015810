"""Tracing Python functions into seq IR.

A traced function receives symbolic `Tensor`s. Every DSL operation builds
MLIR operations through the C++ op builders of the extension
(`seq._core.Module`, python/src/IRBuilder.cpp), each carrying the location of
the user's source line, and returns new symbolic tensors whose shapes and
element types are the ones the C++ ops computed (type inference, and the seq
ops' destination-type rules). The tables the DSL needs — element types, the
accumulation-type rule, the cases of the seq enums — come from the extension
too, so each is defined once, in C++.
"""

import contextlib
import functools
import inspect
import os
import threading

import numpy as np


def core():
    """The C++ extension, seq._core (imported on first use)."""
    from . import _core
    return _core


class Error(ValueError):
    """A seq program is wrong: bad shapes, dtypes or arguments. The message
    names the operation and the user's source line."""


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def user_frame():
    """The innermost stack frame outside the seq package: the user's line."""
    frame = inspect.currentframe()
    while frame is not None:
        filename = os.path.abspath(frame.f_code.co_filename)
        if not filename.startswith(_PACKAGE_DIR + os.sep):
            return frame
        frame = frame.f_back
    return None


def user_location():
    """(file, line, column) of the user's current source line."""
    frame = user_frame()
    if frame is None:
        return ("<unknown>", 0, 0)
    info = inspect.getframeinfo(frame, context=0)
    column = 1
    positions = getattr(info, "positions", None)
    if positions is not None and positions.col_offset is not None:
        column = positions.col_offset + 1
    return (info.filename, info.lineno, column)


def error(op, message):
    """A seq.Error for `op` located at the user's line."""
    filename, line, column = user_location()
    return Error(f"{filename}:{line}:{column}: {op}: {message}")


#===----------------------------------------------------------------------===#
# Element types: the extension's table (seq/Runtime/Tensor.h)
#===----------------------------------------------------------------------===#

@functools.lru_cache(maxsize=None)
def _dtypes():
    """{mlir name: (numpy name, kind)} in the table's order."""
    return {mlir: (numpy, kind) for mlir, numpy, kind, _ in core().DTYPES}


def _of_kind(*kinds):
    return tuple(name for name, (_, kind) in _dtypes().items() if kind in kinds)


def float_types():
    return _of_kind("f")


def complex_types():
    return _of_kind("c")


@functools.lru_cache(maxsize=None)
def _mlir_of_numpy(dtype):
    """numpy_to_mlir's lookup, cached per dtype: every call of a jitted
    function looks up each argument's dtype, and `dtype.name` costs a few
    microseconds per table entry (a jitted 2 x 64 add: 41 -> 23 us per
    call, in-process A/B on a 2-core Zen 3)."""
    for mlir, (numpy, _) in _dtypes().items():
        if dtype.name == numpy:
            return mlir
    return None


def numpy_to_mlir(dtype):
    """The MLIR element type of a NumPy dtype (any byte order)."""
    dtype = np.dtype(dtype)
    mlir = _mlir_of_numpy(dtype)
    if mlir is not None:
        return mlir
    names = ", ".join(numpy for numpy, _ in _dtypes().values())
    raise Error(f"unsupported array dtype {dtype}; seq takes {names}")


def mlir_to_numpy(dtype):
    """The NumPy dtype of an MLIR element type (bf16 needs ml_dtypes)."""
    numpy, _ = _dtypes()[dtype]
    if numpy == "bfloat16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(numpy)


def normalize_dtype(dtype):
    """Accepts MLIR names ('f32'), NumPy dtypes and their names
    ('float32'), and the short complex names 'c64' / 'c128'."""
    if isinstance(dtype, str):
        if dtype in _dtypes():
            return dtype
        for mlir, (numpy, _) in _dtypes().items():
            if dtype == numpy:
                return mlir
        short = {"c64": "complex64", "c128": "complex128"}
        if dtype in short:
            return normalize_dtype(short[dtype])
    try:
        return numpy_to_mlir(dtype)
    except TypeError:
        raise Error(f"unknown dtype {dtype!r}") from None


def is_float(dtype):
    return dtype in float_types()


def is_complex(dtype):
    return dtype in complex_types()


def complex_part(dtype):
    """The float type of a complex element type: f32 for complex<f32>."""
    return dtype[len("complex<"):-1]


def accumulation_type(dtype):
    """What seq computes in for data of `dtype` (mlir::seq::
    getAccumulationType): f64 for f64 and complex<f64>, f32 otherwise."""
    return _accumulation_type(dtype)


@functools.lru_cache(maxsize=None)
def _accumulation_type(dtype):
    return core().accumulation_type(dtype)


def compute_type(dtype):
    """What elementwise math runs in: the accumulation type for floats (f32
    for f16/bf16, which have no native math), the type itself otherwise."""
    return accumulation_type(dtype) if is_float(dtype) else dtype


def enum_cases(mnemonic):
    """The cases of the seq enum attribute `#seq.<mnemonic><...>`."""
    return core().ENUMS[mnemonic]


def enum_attr(op, mnemonic, value, option):
    """`#seq.<mnemonic><value>`, after checking that `value` is a case."""
    cases = enum_cases(mnemonic)
    if value not in cases:
        raise error(op, f"{option} must be one of {', '.join(cases)}, got {value!r}")
    return f"#seq.{mnemonic}<{value}>"


def tensor_type(shape, dtype):
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{dtype}>"


#===----------------------------------------------------------------------===#
# Builder
#===----------------------------------------------------------------------===#

class Builder:
    """Builds one traced function through seq._core.Module. Every op gets the
    user's current source line as its location."""

    def __init__(self, name):
        self.name = name
        self.module = core().Module(name)

    def add_argument(self, shape, dtype):
        value = self.module.add_argument(tensor_type(shape, dtype), user_location())
        return Tensor(self, value)

    def finish(self, results):
        self.module.finish([r.value for r in results], user_location())

    # Ops. Each returns the list of result values (op) or one value.
    def create(self, name, operands=(), attributes=None, result_types=None,
               regions=()):
        return self.module.create(name, list(operands), attributes or {},
                                  result_types, list(regions), user_location())

    def op(self, name, *operands, result_type=None, attributes=None):
        """A one-result op on scalar or tensor values; its type is inferred
        unless `result_type` is given."""
        types = [result_type] if result_type is not None else None
        return self.create(name, operands, attributes, types)[0]

    def dps(self, name, operands, outs, attributes=None, regions=()):
        return self.module.create_dps(name, list(operands), list(outs),
                                      attributes or {}, list(regions),
                                      user_location())

    def seq_op(self, name, operands, attributes=None, num_destinations=1,
               destination_types=None, regions=()):
        values = self.module.create_seq(name, list(operands), attributes or {},
                                        num_destinations, destination_types,
                                        list(regions), user_location())
        tensors = [Tensor(self, v) for v in values]
        return tensors[0] if len(tensors) == 1 else tuple(tensors)

    def empty(self, shape, dtype):
        return Tensor(self, self.module.empty(list(shape), dtype, user_location()))

    def constant(self, value, type_):
        return self.module.constant(value, type_, user_location())

    # Regions.
    def block(self, arg_types):
        return self.module.block(list(arg_types), user_location())

    def add_block_argument(self, block, type_):
        return self.module.add_block_argument(block, type_, user_location())

    @contextlib.contextmanager
    def inside(self, block):
        """Ops built in the `with` body go to `block`."""
        self.module.push(block)
        try:
            yield block
        finally:
            self.module.pop()


_state = threading.local()


def current_builder(op):
    builder = getattr(_state, "builder", None)
    if builder is None:
        raise error(op, "seq operations can only be used inside a function "
                        "traced by @seq.jit")
    return builder


class tracing:
    """Context manager that makes `builder` the current one."""

    def __init__(self, builder):
        self.builder = builder

    def __enter__(self):
        self.previous = getattr(_state, "builder", None)
        _state.builder = self.builder
        return self.builder

    def __exit__(self, *exc):
        _state.builder = self.previous
        return False


class Tensor:
    """A symbolic tensor of a traced function: an SSA value of the function
    being built, with the shape and element type the C++ op computed.
    Supports NumPy-style arithmetic."""

    __array_priority__ = 1000  # NumPy scalars defer to our operators.

    def __init__(self, builder, value):
        self.builder = builder
        self.value = value
        self.shape = value.shape
        self.dtype = value.element_type
        if self.shape is None:
            raise Error(f"internal: {value!r} is not a ranked tensor")

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def type(self):
        return self.value.type

    def __repr__(self):
        return f"seq.Tensor({self.type})"

    def __bool__(self):
        raise Error("a traced seq.Tensor has no truth value; use seq.where "
                    "for data-dependent choices")

    # Arithmetic and the common methods forward to the DSL functions (bound in
    # seq/__init__.py to avoid an import cycle).
    def __add__(self, other): return _ops.add(self, other)
    def __radd__(self, other): return _ops.add(other, self)
    def __sub__(self, other): return _ops.sub(self, other)
    def __rsub__(self, other): return _ops.sub(other, self)
    def __mul__(self, other): return _ops.mul(self, other)
    def __rmul__(self, other): return _ops.mul(other, self)
    def __truediv__(self, other): return _ops.div(self, other)
    def __rtruediv__(self, other): return _ops.div(other, self)
    def __floordiv__(self, other): return _ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return _ops.floor_divide(other, self)
    def __mod__(self, other): return _ops.mod(self, other)
    def __rmod__(self, other): return _ops.mod(other, self)
    def __neg__(self): return _ops.neg(self)
    def __pow__(self, other): return _ops.power(self, other)
    def __rpow__(self, other): return _ops.power(other, self)
    def __matmul__(self, other): return _ops.matmul(self, other)
    def __rmatmul__(self, other): return _ops.matmul(other, self)
    def __getitem__(self, index): return _ops.getitem(self, index)
    def __lt__(self, other): return _ops.less(self, other)
    def __gt__(self, other): return _ops.less(other, self)

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return _ops.reshape(self, shape)

    def transpose(self, *axes):
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = tuple(axes[0])
        return _ops.transpose(self, axes or None)

    @property
    def T(self):
        return _ops.transpose(self, None)

    def astype(self, dtype):
        return _ops.astype(self, dtype)

    def sum(self, axis=None, keepdims=False):
        return _ops.sum(self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return _ops.mean(self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return _ops.max(self, axis=axis, keepdims=keepdims)

    @property
    def real(self):
        return _ops.real(self)

    @property
    def imag(self):
        return _ops.imag(self)


_ops = None  # set by seq/__init__.py: the module with the DSL functions


def bind_operations(module):
    global _ops
    _ops = module
