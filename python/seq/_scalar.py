"""Scalar tracing: the bodies of elementwise maps and of attention's
score_mod / mask_mod regions.

A `Scalar` is an SSA value inside a region being built by a `RegionEmitter`.
Arithmetic on scalars emits arith / math / complex operations. The same Python
function (e.g. `lambda x: x * seq.sigmoid(x)`) thus defines an elementwise
tensor operation (traced once into a linalg.generic body) and can be used in a
score modifier.
"""

import numpy as np

from . import _tracer as T

_FLOAT_ARITH = {"add": "arith.addf", "sub": "arith.subf", "mul": "arith.mulf",
                "div": "arith.divf", "max": "arith.maximumf",
                "min": "arith.minimumf", "pow": "math.powf"}
_INT_ARITH = {"add": "arith.addi", "sub": "arith.subi", "mul": "arith.muli",
              "div": "arith.divsi", "max": "arith.maxsi", "min": "arith.minsi"}
_COMPLEX_ARITH = {"add": "complex.add", "sub": "complex.sub",
                  "mul": "complex.mul", "div": "complex.div",
                  "pow": "complex.pow"}
_FLOAT_PRED = {"lt": "olt", "le": "ole", "gt": "ogt", "ge": "oge",
               "eq": "oeq", "ne": "une"}
_INT_PRED = {"lt": "slt", "le": "sle", "gt": "sgt", "ge": "sge",
             "eq": "eq", "ne": "ne"}
_MATH_UNARY = {"exp": "math.exp", "log": "math.log", "log1p": "math.log1p",
               "sqrt": "math.sqrt", "rsqrt": "math.rsqrt", "tanh": "math.tanh",
               "sin": "math.sin", "cos": "math.cos", "abs": "math.absf",
               "erf": "math.erf", "expm1": "math.expm1", "floor": "math.floor"}
_COMPLEX_UNARY = {"exp": "complex.exp", "log": "complex.log",
                  "sqrt": "complex.sqrt", "tanh": "complex.tanh",
                  "sin": "complex.sin", "cos": "complex.cos"}


class RegionEmitter:
    """Collects the operations of one region body."""

    def __init__(self, builder):
        self.builder = builder
        self.lines = []

    def op(self, text, result_type=None):
        name = self.builder.fresh("s")
        self.lines.append(f"{name} = {text}")
        return Scalar(self, name, result_type)

    def constant(self, value, dtype):
        if dtype == "index":
            return self.op(f"arith.constant {int(value)} : index", "index")
        if dtype in ("i1",):
            return self.op(f"arith.constant {'true' if value else 'false'}", "i1")
        if dtype in ("i32", "i64"):
            return self.op(f"arith.constant {int(value)} : {dtype}", dtype)
        if T.is_complex(dtype):
            part = T.complex_part(dtype)
            value = complex(value)
            return self.op(
                f"complex.constant [{T.mlir_float(value.real, part)} : {part}, "
                f"{T.mlir_float(value.imag, part)} : {part}] : {dtype}", dtype)
        return self.op(f"arith.constant {T.mlir_float(value, dtype)} : {dtype}",
                       dtype)

    def cast(self, value, to):
        """Converts a scalar to `to` (float widths, index/int -> float,
        real -> complex)."""
        frm = value.type
        if frm == to:
            return value
        if T.is_complex(to):
            part = T.complex_part(to)
            re = self.cast(value, part)
            zero = self.constant(0.0, part)
            return self.op(f"complex.create {re.name}, {zero.name} : {to}", to)
        if T.is_complex(frm):
            raise T.error("seq", f"cannot convert {frm} to {to}; use seq.real")
        if frm == "index":
            as_int = self.op(f"arith.index_cast {value.name} : index to i64", "i64")
            return self.cast(as_int, to)
        if to == "index":
            return self.op(f"arith.index_cast {value.name} : {frm} to index", "index")
        if frm in ("i1", "i32", "i64") and T.is_float(to):
            op = "arith.uitofp" if frm == "i1" else "arith.sitofp"
            return self.op(f"{op} {value.name} : {frm} to {to}", to)
        if T.is_float(frm) and T.is_float(to):
            widths = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}
            if widths[frm] < widths[to] or (frm, to) == ("f16", "bf16"):
                op = "arith.extf" if widths[frm] < widths[to] else None
                if op is None:  # f16 <-> bf16 goes through f32
                    return self.cast(self.cast(value, "f32"), to)
                return self.op(f"{op} {value.name} : {frm} to {to}", to)
            if (frm, to) == ("bf16", "f16"):
                return self.cast(self.cast(value, "f32"), to)
            return self.op(f"arith.truncf {value.name} : {frm} to {to}", to)
        if frm in ("i1", "i32", "i64") and to in ("i1", "i32", "i64"):
            widths = {"i1": 1, "i32": 32, "i64": 64}
            op = "arith.extsi" if widths[frm] < widths[to] else "arith.trunci"
            return self.op(f"{op} {value.name} : {frm} to {to}", to)
        if T.is_float(frm) and to in ("i32", "i64"):
            return self.op(f"arith.fptosi {value.name} : {frm} to {to}", to)
        raise T.error("seq", f"cannot convert {frm} to {to}")


def _lift(emitter, value, like_type):
    """A Python number or Scalar as a Scalar of a type compatible with
    `like_type`."""
    if isinstance(value, Scalar):
        return value
    if isinstance(value, (bool, np.bool_)):
        return emitter.constant(bool(value), "i1")
    if isinstance(value, (int, np.integer)) and like_type in ("index", "i32", "i64"):
        return emitter.constant(int(value), like_type)
    if isinstance(value, (int, float, complex, np.number)):
        dtype = like_type if like_type not in ("index", "i1", "i32", "i64") else "f32"
        if isinstance(value, complex) and not T.is_complex(dtype):
            dtype = "complex<f32>" if dtype != "f64" else "complex<f64>"
        return emitter.constant(value, dtype)
    raise T.error("seq", f"cannot use {type(value).__name__} in a scalar expression")


def _unify(a, b):
    """Brings two scalars to one type: index/int meet floats as floats,
    reals meet complex as complex."""
    emitter = a.emitter if isinstance(a, Scalar) else b.emitter
    like = a.type if isinstance(a, Scalar) else b.type
    a = _lift(emitter, a, like)
    b = _lift(emitter, b, a.type)
    if a.type == b.type:
        return a, b
    order = ["i1", "index", "i32", "i64", "f16", "bf16", "f32", "f64",
             "complex<f32>", "complex<f64>"]
    target = max(a.type, b.type, key=order.index)
    if target in ("f16", "bf16") and ({a.type, b.type} == {"f16", "bf16"}):
        target = "f32"
    return emitter.cast(a, target), emitter.cast(b, target)


def binary(kind, a, b):
    a, b = _unify(a, b)
    e, t = a.emitter, a.type
    if T.is_complex(t):
        if kind not in _COMPLEX_ARITH:
            raise T.error("seq", f"'{kind}' is not defined for complex values")
        return e.op(f"{_COMPLEX_ARITH[kind]} {a.name}, {b.name} : {t}", t)
    if T.is_float(t):
        return e.op(f"{_FLOAT_ARITH[kind]} {a.name}, {b.name} : {t}", t)
    if kind not in _INT_ARITH:
        raise T.error("seq", f"'{kind}' is not defined for {t} values")
    return e.op(f"{_INT_ARITH[kind]} {a.name}, {b.name} : {t}", t)


def compare(kind, a, b):
    a, b = _unify(a, b)
    e, t = a.emitter, a.type
    if T.is_float(t):
        return e.op(f"arith.cmpf {_FLOAT_PRED[kind]}, {a.name}, {b.name} : {t}", "i1")
    if T.is_complex(t):
        raise T.error("seq", "complex values cannot be ordered")
    return e.op(f"arith.cmpi {_INT_PRED[kind]}, {a.name}, {b.name} : {t}", "i1")


def unary(kind, a):
    e, t = a.emitter, a.type
    if T.is_complex(t):
        if kind == "abs":
            return e.op(f"complex.abs {a.name} : {t}", T.complex_part(t))
        if kind not in _COMPLEX_UNARY:
            raise T.error("seq", f"'{kind}' is not defined for complex values")
        return e.op(f"{_COMPLEX_UNARY[kind]} {a.name} : {t}", t)
    if not T.is_float(t):
        a = e.cast(a, "f32")
        t = "f32"
    return e.op(f"{_MATH_UNARY[kind]} {a.name} : {t}", t)


def select(cond, a, b):
    a, b = _unify(a, b)
    e = a.emitter
    cond = _lift(e, cond, "i1")
    if cond.type != "i1":
        raise T.error("seq.where", f"condition must be boolean, got {cond.type}")
    return e.op(f"arith.select {cond.name}, {a.name}, {b.name} : {a.type}", a.type)


def logical(kind, a, b):
    e = a.emitter if isinstance(a, Scalar) else b.emitter
    a, b = _lift(e, a, "i1"), _lift(e, b, "i1")
    if a.type != "i1" or b.type != "i1":
        raise T.error("seq", f"'{kind}' needs boolean operands")
    op = {"and": "arith.andi", "or": "arith.ori", "xor": "arith.xori"}[kind]
    return e.op(f"{op} {a.name}, {b.name} : i1", "i1")


class Scalar:
    """An SSA scalar inside a region being traced."""

    def __init__(self, emitter, name, type):
        self.emitter = emitter
        self.name = name
        self.type = type

    def __repr__(self):
        return f"seq.Scalar({self.type})"

    def __bool__(self):
        raise T.Error("a traced seq scalar has no truth value; use seq.where")

    def __add__(self, o): return binary("add", self, o)
    def __radd__(self, o): return binary("add", o, self)
    def __sub__(self, o): return binary("sub", self, o)
    def __rsub__(self, o): return binary("sub", o, self)
    def __mul__(self, o): return binary("mul", self, o)
    def __rmul__(self, o): return binary("mul", o, self)
    def __truediv__(self, o): return binary("div", self, o)
    def __rtruediv__(self, o): return binary("div", o, self)

    def __neg__(self):
        if T.is_float(self.type):
            return self.emitter.op(f"arith.negf {self.name} : {self.type}", self.type)
        if T.is_complex(self.type):
            return self.emitter.op(f"complex.neg {self.name} : {self.type}", self.type)
        return binary("sub", 0, self)

    def __pow__(self, o):
        if isinstance(o, (int, np.integer)) and 0 <= int(o) <= 4:
            result = _lift(self.emitter, 1.0, self.type) if o == 0 else self
            for _ in range(int(o) - 1):
                result = result * self
            return result
        return binary("pow", self, o)

    def __rpow__(self, o):
        return binary("pow", o, self)

    def __lt__(self, o): return compare("lt", self, o)
    def __le__(self, o): return compare("le", self, o)
    def __gt__(self, o): return compare("gt", self, o)
    def __ge__(self, o): return compare("ge", self, o)
    def __eq__(self, o): return compare("eq", self, o)
    def __ne__(self, o): return compare("ne", self, o)
    def __and__(self, o): return logical("and", self, o)
    def __rand__(self, o): return logical("and", o, self)
    def __or__(self, o): return logical("or", self, o)
    def __ror__(self, o): return logical("or", o, self)
    def __xor__(self, o): return logical("xor", self, o)
    def __invert__(self): return logical("xor", self, True)
    __hash__ = None

    @property
    def real(self):
        if not T.is_complex(self.type):
            return self
        return self.emitter.op(f"complex.re {self.name} : {self.type}",
                               T.complex_part(self.type))

    @property
    def imag(self):
        if not T.is_complex(self.type):
            return _lift(self.emitter, 0.0, self.type)
        return self.emitter.op(f"complex.im {self.name} : {self.type}",
                               T.complex_part(self.type))
