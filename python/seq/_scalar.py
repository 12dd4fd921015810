"""Scalar tracing: the bodies of elementwise maps and of attention's
score_mod / mask_mod regions.

A `Scalar` is an SSA value inside a region being built. Arithmetic on scalars
builds arith / math / complex operations through the C++ builders (result
types come from the ops' type inference). The same Python function (e.g.
`lambda x: x * seq.sigmoid(x)`) thus defines an elementwise tensor operation
(traced once into a linalg.generic body) and can be used in a score modifier.

Python numbers are *weakly typed* (as in JAX and NumPy 2): they take the type
of the traced value they meet, `s * 0.5` stays f32 for an f32 `s`, and a float
constant is materialized in that type directly (one rounding). An expression
of Python numbers and integer indices only (`0.5 * (i - j)`,
`seq.where(h == 0, 1.0, 2.0)`) is computed in f64 and stays weak until it
meets a traced float, which it is rounded to once.
"""

import numpy as np

from . import _tracer as T

_FLOAT_ARITH = {"add": "arith.addf", "sub": "arith.subf", "mul": "arith.mulf",
                "div": "arith.divf", "max": "arith.maximumf",
                "min": "arith.minimumf", "pow": "math.powf",
                "rem": "arith.remf"}
_INT_ARITH = {"add": "arith.addi", "sub": "arith.subi", "mul": "arith.muli",
              "div": "arith.divsi", "max": "arith.maxsi", "min": "arith.minsi",
              "floordiv": "arith.floordivsi", "rem": "arith.remsi"}
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
_INT_TYPES = ("i1", "index", "i32", "i64")
# Promotion order when two strong types meet.
_ORDER = ["i1", "index", "i32", "i64", "f16", "bf16", "f32", "f64",
          "complex<f32>", "complex<f64>"]
_WEAK_FLOAT = "f64"


def _is_int(t):
    return t in _INT_TYPES


class Scalar:
    """An SSA scalar inside a region being traced. `weak` marks a value made
    only of Python numbers (and integer indices): it adopts the type of the
    traced value it meets. `literal` is the Python number of a constant."""

    def __init__(self, builder, value, weak=False, literal=None):
        self.builder = builder
        self.value = value
        self.type = value.type
        self.weak = weak
        self.literal = literal

    def __repr__(self):
        return f"seq.Scalar({self.type}{', weak' if self.weak else ''})"

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
    def __floordiv__(self, o): return floor_divide(self, o)
    def __rfloordiv__(self, o): return floor_divide(o, self)
    def __mod__(self, o): return mod(self, o)
    def __rmod__(self, o): return mod(o, self)

    def __neg__(self):
        if T.is_float(self.type):
            return _make(self.builder, self.builder.op("arith.negf", self.value),
                         self.weak)
        if T.is_complex(self.type):
            return _make(self.builder, self.builder.op("complex.neg", self.value),
                         self.weak)
        return binary("sub", 0, self)

    def __pow__(self, o):
        if isinstance(o, (int, np.integer)) and 0 <= int(o) <= 4:
            result = lift(self.builder, 1.0, self.type) if o == 0 else self
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
        return _make(self.builder, self.builder.op("complex.re", self.value),
                     self.weak)

    @property
    def imag(self):
        if not T.is_complex(self.type):
            return lift(self.builder, 0.0, self.type)
        return _make(self.builder, self.builder.op("complex.im", self.value),
                     self.weak)


def _make(builder, value, weak=False, literal=None):
    return Scalar(builder, value, weak, literal)


def constant(builder, value, type_, weak=False):
    return _make(builder, builder.constant(value, type_), weak, literal=value)


def lift(builder, value, like_type):
    """A Python number (weak) or Scalar as a Scalar; numbers take a type
    compatible with `like_type` where they can."""
    if isinstance(value, Scalar):
        return value
    if isinstance(value, (bool, np.bool_)):
        return constant(builder, bool(value), "i1")
    if isinstance(value, (int, np.integer)) and like_type in ("index", "i32", "i64"):
        return constant(builder, int(value), like_type, weak=True)
    if isinstance(value, (int, float, complex, np.number)):
        if isinstance(value, (complex, np.complexfloating)):
            dtype = like_type if T.is_complex(like_type) else "complex<f64>"
        elif T.is_float(like_type) or T.is_complex(like_type):
            dtype = like_type
        else:
            dtype = _WEAK_FLOAT
        return constant(builder, value, dtype, weak=True)
    raise T.Error(f"cannot use a {type(value).__name__} in a scalar expression")


def _builder_of(*values):
    for v in values:
        if isinstance(v, Scalar):
            return v.builder
    return T.current_builder("seq")


def is_scalar_context(*values):
    """True when scalar code is being traced (a region body) with these
    values: one is a Scalar."""
    return any(isinstance(v, Scalar) for v in values)


def _to_type(value, to):
    """`value` in type `to`; a weak constant is rebuilt in `to` (one
    rounding of the Python number)."""
    if value.type == to:
        return value
    if value.literal is not None and not _is_int(to) and not (
            T.is_complex(value.type) and not T.is_complex(to)):
        return constant(value.builder, value.literal, to, weak=value.weak)
    return cast(value, to)


def _unify(a, b):
    """Brings two operands (Scalars or Python numbers) to one type; returns
    them and whether the result is weak."""
    builder = _builder_of(a, b)
    like = a.type if isinstance(a, Scalar) else (
        b.type if isinstance(b, Scalar) else _WEAK_FLOAT)
    a = lift(builder, a, like)
    b = lift(builder, b, a.type)
    weak = a.weak and b.weak
    if a.type == b.type:
        return a, b, weak
    strong = [v for v in (a, b) if not v.weak]
    if len(strong) == 1:
        anchor = strong[0].type
        other = b if strong[0] is a else a
        # A weak value adopts a strong float or complex type; an integer
        # index meeting a weak float becomes a (weak) float.
        if T.is_float(anchor) or T.is_complex(anchor):
            target = anchor
            if T.is_complex(other.type) and T.is_float(anchor):
                target = f"complex<{anchor}>"
            weak = False
        elif _is_int(other.type):
            target = max(a.type, b.type, key=_ORDER.index)
            weak = False
        else:
            target = other.type
            weak = True
    else:
        target = max(a.type, b.type, key=_ORDER.index)
        if {a.type, b.type} == {"f16", "bf16"}:
            target = "f32"
    return _to_type(a, target), _to_type(b, target), weak


def binary(kind, a, b):
    a, b, weak = _unify(a, b)
    builder, t = a.builder, a.type
    if T.is_complex(t):
        if kind not in _COMPLEX_ARITH:
            raise T.error("seq", f"'{kind}' is not defined for complex values")
        name = _COMPLEX_ARITH[kind]
    elif T.is_float(t):
        name = _FLOAT_ARITH[kind]
    else:
        if kind not in _INT_ARITH:
            raise T.error("seq", f"'{kind}' is not defined for {t} values")
        name = _INT_ARITH[kind]
    return _make(builder, builder.op(name, a.value, b.value), weak)


def floor_divide(a, b):
    """a // b with Python's (and NumPy's) floor semantics."""
    a, b, weak = _unify(a, b)
    if T.is_complex(a.type):
        raise T.error("seq", "'//' is not defined for complex values")
    if T.is_float(a.type):
        return unary("floor", binary("div", a, b))
    return _make(a.builder, a.builder.op("arith.floordivsi", a.value, b.value), weak)


def mod(a, b):
    """a % b with Python's (and NumPy's) sign convention: the result has
    the sign of b (arith's remainders take the sign of a)."""
    a, b, weak = _unify(a, b)
    if T.is_complex(a.type):
        raise T.error("seq", "'%' is not defined for complex values")
    r = binary("rem", a, b)
    zero = lift(a.builder, 0, a.type)
    # r != 0 and (r < 0) != (b < 0): shift by b into b's sign.
    fix = logical("and", compare("ne", r, zero),
                  logical("xor", compare("lt", r, zero), compare("lt", b, zero)))
    shifted = binary("add", r, b)
    result = select(fix, shifted, r)
    result.weak = weak
    return result


def compare(kind, a, b):
    a, b, _ = _unify(a, b)
    if T.is_complex(a.type):
        raise T.error("seq", "complex values cannot be ordered")
    predicate = (_FLOAT_PRED if T.is_float(a.type) else _INT_PRED)[kind]
    return _make(a.builder, a.builder.module.compare(predicate, a.value, b.value,
                                                     T.user_location()))


def unary(kind, a):
    builder, t = a.builder, a.type
    if T.is_complex(t):
        if kind == "abs":
            return _make(builder, builder.op("complex.abs", a.value), a.weak)
        if kind not in _COMPLEX_UNARY:
            raise T.error("seq", f"'{kind}' is not defined for complex values")
        return _make(builder, builder.op(_COMPLEX_UNARY[kind], a.value), a.weak)
    if not T.is_float(t):
        a = cast(a, "f32")
    return _make(builder, builder.op(_MATH_UNARY[kind], a.value), a.weak)


def select(cond, a, b):
    """cond ? a : b; a and b may both be Python numbers (a weak result)."""
    builder = _builder_of(cond, a, b)
    a, b, weak = _unify(a, b)
    cond = lift(builder, cond, "i1")
    if cond.type != "i1":
        raise T.error("seq.where", f"condition must be boolean, got {cond.type}")
    return _make(builder, builder.op("arith.select", cond.value, a.value, b.value),
                 weak)


def logical(kind, a, b):
    builder = _builder_of(a, b)
    a, b = lift(builder, a, "i1"), lift(builder, b, "i1")
    if a.type != "i1" or b.type != "i1":
        raise T.error("seq", f"'{kind}' needs boolean operands")
    name = {"and": "arith.andi", "or": "arith.ori", "xor": "arith.xori"}[kind]
    return _make(builder, builder.op(name, a.value, b.value))


def cast(value, to):
    """Converts a scalar to `to` (float widths, index/int -> float, real ->
    complex, float -> int)."""
    builder, frm = value.builder, value.type
    if frm == to:
        return value

    def op(name, v=value, result=to):
        return _make(builder, builder.op(name, v.value, result_type=result), value.weak)
    if T.is_complex(to):
        part = T.complex_part(to)
        re = cast(value, part)
        zero = constant(builder, 0.0, part)
        return _make(builder, builder.op("complex.create", re.value, zero.value,
                                         result_type=to), value.weak)
    if T.is_complex(frm):
        raise T.error("seq", f"cannot convert {frm} to {to}; use seq.real")
    if frm == "index":
        return cast(op("arith.index_cast", result="i64"), to)
    if to == "index":
        return op("arith.index_cast")
    if _is_int(frm) and T.is_float(to):
        return op("arith.uitofp" if frm == "i1" else "arith.sitofp")
    if T.is_float(frm) and T.is_float(to):
        if {frm, to} == {"f16", "bf16"}:  # no direct conversion
            return cast(cast(value, "f32"), to)
        widths = {"f16": 16, "bf16": 16, "f32": 32, "f64": 64}
        return op("arith.extf" if widths[frm] < widths[to] else "arith.truncf")
    if _is_int(frm) and _is_int(to):
        widths = {"i1": 1, "i32": 32, "i64": 64}
        return op("arith.extsi" if widths[frm] < widths[to] else "arith.trunci")
    if T.is_float(frm) and to in ("i32", "i64"):
        return op("arith.fptosi")
    raise T.error("seq", f"cannot convert {frm} to {to}")


def resolve(value, default):
    """A weak value's final type when nothing fixed it: `default`."""
    if value.weak and (T.is_float(value.type) or T.is_complex(value.type)):
        target = default
        if T.is_complex(value.type) and not T.is_complex(default):
            target = f"complex<{default}>"
        return _to_type(value, target)
    return value
