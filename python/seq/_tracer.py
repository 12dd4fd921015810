"""Tracing Python functions into seq IR.

A traced function receives symbolic `Tensor`s. Every DSL operation appends
MLIR operations (seq, linalg, tensor, arith, math, complex) to the current
`Builder`, each carrying the location of the user's source line, and returns
new symbolic tensors. The finished function is MLIR text that the C++ side
(`seq._core`) verifies, lowers and JIT-compiles.
"""

import inspect
import os
import threading

import numpy as np

# MLIR element types the DSL knows, with the NumPy dtypes they exchange with.
FLOAT_TYPES = ("f16", "bf16", "f32", "f64")
COMPLEX_TYPES = ("complex<f32>", "complex<f64>")
INT_TYPES = ("i1", "i32", "i64")


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
    info = inspect.getframeinfo(frame)
    column = 1
    positions = getattr(info, "positions", None)
    if positions is not None and positions.col_offset is not None:
        column = positions.col_offset + 1
    return (info.filename, info.lineno, column)


def error(op, message):
    """A seq.Error for `op` located at the user's line."""
    filename, line, column = user_location()
    return Error(f"{filename}:{line}:{column}: {op}: {message}")


def numpy_to_mlir(dtype):
    dtype = np.dtype(dtype)
    if dtype.name == "bfloat16":
        return "bf16"
    table = {
        np.dtype(np.float16): "f16", np.dtype(np.float32): "f32",
        np.dtype(np.float64): "f64", np.dtype(np.complex64): "complex<f32>",
        np.dtype(np.complex128): "complex<f64>", np.dtype(np.bool_): "i1",
        np.dtype(np.int32): "i32", np.dtype(np.int64): "i64",
    }
    if dtype not in table:
        raise Error(f"unsupported array dtype {dtype}; seq takes float16, "
                    "bfloat16, float32, float64, complex64, complex128, bool, "
                    "int32 and int64")
    return table[dtype]


def normalize_dtype(dtype):
    """Accepts MLIR names ('f32'), NumPy dtypes and Python names ('float32')."""
    if isinstance(dtype, str):
        aliases = {"float16": "f16", "bfloat16": "bf16", "float32": "f32",
                   "float64": "f64", "complex64": "complex<f32>",
                   "complex128": "complex<f64>", "bool": "i1",
                   "int32": "i32", "int64": "i64", "c64": "complex<f32>",
                   "c128": "complex<f64>"}
        dtype = aliases.get(dtype, dtype)
        if dtype in FLOAT_TYPES + COMPLEX_TYPES + INT_TYPES:
            return dtype
    return numpy_to_mlir(dtype)


def tensor_type(shape, dtype):
    dims = "".join(f"{d}x" for d in shape)
    return f"tensor<{dims}{dtype}>"


def is_float(dtype):
    return dtype in FLOAT_TYPES


def is_complex(dtype):
    return dtype in COMPLEX_TYPES


def complex_part(dtype):
    """f32 for complex<f32>."""
    return dtype[len("complex<"):-1]


def compute_type(dtype):
    """What elementwise math runs in: f32 for f16/bf16 (no native math)."""
    return "f32" if dtype in ("f16", "bf16") else dtype


def mlir_float(value, dtype):
    """A float literal MLIR parses for `dtype` (hex bit patterns for inf/nan)."""
    value = float(value)
    if np.isnan(value) or np.isinf(value):
        bits = {"f32": np.float32, "f64": np.float64, "f16": np.float16}
        if dtype == "bf16":
            raw = int(np.array(value, np.float32).view(np.uint32)) >> 16
            return f"0x{raw:04X}"
        width = {"f32": 8, "f64": 16, "f16": 4}[dtype]
        raw = np.array(value, bits[dtype]).view(f"u{width // 2}").item()
        return f"0x{raw:0{width}X}"
    return f"{value:.17e}"


def loc_attr(location):
    filename, line, column = location
    escaped = filename.replace("\\", "\\\\").replace('"', '\\"')
    return f'loc("{escaped}":{line}:{column})'


class Builder:
    """Accumulates the body of one traced function."""

    def __init__(self, name):
        self.name = name
        self.lines = []
        self.arguments = []  # (ssa name, type)
        self._counter = 0

    def fresh(self, prefix="v"):
        self._counter += 1
        return f"%{prefix}{self._counter}"

    def emit(self, text, location=None):
        """Appends one operation (possibly multi-line) with a location."""
        location = location or user_location()
        self.lines.append(f"{text} {loc_attr(location)}")

    def add_argument(self, shape, dtype):
        name = f"%arg{len(self.arguments)}"
        self.arguments.append((name, tensor_type(shape, dtype)))
        return Tensor(self, name, tuple(shape), dtype)

    def empty(self, shape, dtype, location=None):
        name = self.fresh()
        self.emit(f"{name} = tensor.empty() : {tensor_type(shape, dtype)}",
                  location)
        return Tensor(self, name, tuple(shape), dtype)

    def finish(self, results):
        args = ", ".join(f"{n}: {t}" for n, t in self.arguments)
        result_types = ", ".join(r.type for r in results)
        body = "\n".join("    " + line.replace("\n", "\n    ")
                         for line in self.lines)
        returns = ", ".join(r.name for r in results)
        return (f"func.func @{self.name}({args}) -> ({result_types}) {{\n"
                f"{body}\n"
                f"    return {returns} : {result_types}\n"
                f"  }}")


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
    """A symbolic tensor of a traced function: a shape, an element type and
    the SSA value that holds it. Supports NumPy-style arithmetic."""

    __array_priority__ = 1000  # NumPy scalars defer to our operators.

    def __init__(self, builder, name, shape, dtype):
        self.builder = builder
        self.name = name
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def type(self):
        return tensor_type(self.shape, self.dtype)

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
