"""Random well-typed seq programs, written as DSL source.

A program is a Python function over NumPy inputs that calls the public DSL
(`import seq`): every seq op (attention with its masks and modifiers,
compose_heads, scan, ema, long_conv, the FFTs, linear_attention, feature_map,
timestep_norm, rotary) and the DSL's tensor ops (elementwise math and custom
maps, reductions, einsum/matmul, reshapes, slices, concat, pad, norms, complex
numbers, constants), composed in random order over shapes that include 0 and
1, every element type the op takes, optional operands present or absent, and
results returned several times, as inputs, or as views of inputs.

The generator keeps its own model of each value's shape and element type (the
documented semantics: NumPy broadcasting and docs/Semantics.md layouts) to
choose operands that fit. The runner checks the compiled results against that
model, so a DSL result type that disagrees with the documented rule shows up
as a failure too.

`generate(seed, index)` is deterministic: the same (seed, index) always gives
the same program and inputs.
"""

import json
import random

import numpy as np

FLOATS = ("f16", "bf16", "f32", "f64")
COMPLEXES = ("complex<f32>", "complex<f64>")
INTS = ("i32", "i64")
BOOL = "i1"

# Combinations the generator avoids because the DSL does not handle them yet;
# each is a known issue (reported; see docs/Testing.md), not a design choice.
# Remove an entry when its issue is fixed so the fuzzer covers it again.
KNOWN_ISSUES = {
    # a / b on integer tensors lowers to arith.divsi: SIGFPE on a zero
    # divisor (NumPy: true division to float64).
    "int-division": True,
    # seq.max/seq.min on integer tensors raise OverflowError (the -inf/+inf
    # identity is converted to an integer).
    "int-max-min": True,
    # seq.mean/seq.var over an empty axis raise ZeroDivisionError.
    "mean-empty-axis": True,
    # seq.where(cond, a, b) with f16/bf16 a, b returns f32 (NumPy keeps f16).
    "where-half": True,
    # x ** 0 on integer tensors returns f32.
    "int-pow-zero": True,
    # seq.astype between complex<f32> and complex<f64> raises seq.Error
    # ("cannot convert complex<f64> to f32").
    "complex-astype": True,
    # Without `initial`, the DSL gives the EMA's final state the
    # accumulation type of the parameters only; docs/Semantics.md (and the
    # C++ type inference that replaces the DSL's rule) take the widest
    # accumulation type of the input and the parameters (complex<f64> for an
    # f64 input with f32 parameters).
    "ema-state-type": True,
    # getitem, concat and pad emit tensor.extract_slice/insert_slice whose
    # offset into an empty dimension (or one past the end, for an empty
    # slice) the MLIR verifier rejects ("offset 0 is out-of-bounds: 0 >= 0").
    "empty-slice": True,
    # The tiled path computes FFTs as GEMM stages, long convolutions by FFT,
    # and scans, EMAs, linear attention and timestep norms in chunks
    # (docs/Algorithms.md): products are reassociated (0 x inf in a masked or
    # zero-padded GEMM, inf - inf in a cumulative decay, a product of decays
    # that underflows where the step-by-step one stays inf), so non-finite
    # inputs reach different positions than in the reference's loops.
    # Tiled attention multiplies whole key tiles, so a non-finite value in a
    # masked key row turns 0 x inf into NaN where the reference skips the
    # row (the finite keys/values contract in docs/Semantics.md, as in
    # FlashAttention). Their programs get finite inputs only.
    "nonfinite-decomposed": True,
}

# Ops whose tiled lowering reassociates products (see above).
DECOMPOSED_OPS = ("scan", "ema", "long_conv", "fft", "ifft", "rfft", "irfft",
                  "linear_attention", "timestep_norm", "attention")


def has_zero(shape):
    return any(d == 0 for d in shape)


def is_float(t):
    return t in FLOATS


def is_complex(t):
    return t in COMPLEXES


def part(t):
    return t[len("complex<"):-1] if is_complex(t) else t


def acc_type(t):
    """The accumulation type of seq ops: f64 for f64 data, f32 otherwise."""
    return "f64" if t == "f64" else "f32"


def compute_type(t):
    return "f32" if t in ("f16", "bf16") else t


def broadcast(*shapes):
    return tuple(np.broadcast_shapes(*shapes))


# Score and mask modifiers of seq.attention (Python source: the reproducer
# shows exactly what was traced).
SCORE_MODS = [
    "lambda s, b, h, i, j: 30.0 * seq.tanh(s / 30.0)",
    "lambda s, b, h, i, j: s - 0.25 * (i - j)",
    "lambda s, b, h, i, j: s + 0.5 * h",
    "lambda s, b, h, i, j: seq.where(j > i, s - 1.0, s)",
    "lambda s, b, h, i, j: s * 2.0 + b",
]
MASK_MODS = [
    "lambda b, h, i, j: j <= i",
    "lambda b, h, i, j: (i - j) < 3",
    "lambda b, h, i, j: seq.where(h > 0, j >= 1, j >= 0)",
    "lambda b, h, i, j: j > 1000",
]
# Bodies of seq.map over one or two operands of the same float type.
MAPS1 = [
    "lambda x: x * x + 1.0",
    "lambda x: seq.exp(-x * x)",
    "lambda x: seq.where(x < 0.0, -x, x * 0.5)",
    "lambda x: seq.sigmoid(x) * seq.tanh(x)",
    "lambda x: seq.maximum(x, 0.25)",
]
MAPS2 = [
    "lambda x, y: x * y - y",
    "lambda x, y: seq.where(x < y, x, y * 2.0)",
    "lambda x, y: seq.minimum(x, y) + seq.abs(y)",
]


class Value:
    def __init__(self, index, shape, dtype, origin):
        self.index = index
        self.shape = tuple(int(d) for d in shape)
        self.dtype = dtype
        self.origin = origin  # "input" or "step"
        self.used = False

    @property
    def name(self):
        return f"a{self.index}" if self.origin == "input" else f"v{self.index}"

    @property
    def ndim(self):
        return len(self.shape)

    def to_json(self):
        return {"name": self.name, "shape": list(self.shape), "dtype": self.dtype}


class Skip(Exception):
    """The chosen op does not fit; the generator tries another."""


class Generator:
    def __init__(self, seed, index, max_steps=8):
        self.rng = random.Random(f"{seed}/{index}")
        self.seed, self.index = seed, index
        self.values = []
        self.inputs = []   # (Value, fill)
        self.lines = []
        self.ops = []      # op names, for coverage statistics
        self.max_steps = max_steps

    # -- shapes, dtypes and operands -------------------------------------
    def dim(self, zero=True, low=0):
        choices = [1, 1, 2, 2, 3, 4, 5, 7, 8, 16]
        if zero and low == 0 and self.rng.random() < 0.08:
            return 0
        d = self.rng.choice(choices)
        return max(d, low)

    def shape(self, rank=None, zero=True):
        rank = self.rng.choice([0, 1, 1, 2, 2, 3, 3, 4]) if rank is None else rank
        return tuple(self.dim(zero) for _ in range(rank))

    def float_type(self):
        return self.rng.choice(FLOATS + ("f32", "f32", "f64"))

    def any_type(self):
        return self.rng.choice(FLOATS * 3 + COMPLEXES + INTS + (BOOL,))

    def new_input(self, shape, dtype, fill=None):
        if fill is None:
            fill = "normal"
            if dtype in INTS:
                fill = "int"
            elif dtype == BOOL:
                fill = "bool"
            elif (is_float(dtype) or is_complex(dtype)) and self.rng.random() < 0.05:
                fill = "special"
        v = Value(len(self.values), shape, dtype, "input")
        v.used = True
        self.values.append(v)
        self.inputs.append((v, fill))
        return v

    def pick(self, pred, reuse=0.75):
        candidates = [v for v in self.values if pred(v)]
        if candidates and self.rng.random() < reuse:
            # Recent values make deeper compositions more likely.
            weights = [1 + v.index for v in candidates]
            return self.rng.choices(candidates, weights)[0]
        return None

    def operand(self, shape=None, dtype=None, dtypes=None, rank=None,
                min_rank=None, fill=None):
        """An existing value that fits, or a new input."""
        def fits(v):
            if shape is not None and v.shape != tuple(shape):
                return False
            if dtype is not None and v.dtype != dtype:
                return False
            if dtypes is not None and v.dtype not in dtypes:
                return False
            if rank is not None and v.ndim != rank:
                return False
            if min_rank is not None and v.ndim < min_rank:
                return False
            return True
        v = self.pick(fits) if fill is None else None
        if v is not None:
            v.used = True
            return v
        if dtype is None:
            dtype = self.rng.choice(dtypes) if dtypes else self.any_type()
        if shape is None:
            r = rank if rank is not None else max(min_rank or 0, self.rng.choice([0, 1, 2, 3, 4]))
            shape = self.shape(r)
        return self.new_input(shape, dtype, fill)

    def emit(self, op, call, results):
        """Records `vN[, vM] = call` for results [(shape, dtype)]."""
        outs = []
        for shape, dtype in results:
            v = Value(len(self.values), shape, dtype, "step")
            self.values.append(v)
            outs.append(v)
        targets = ", ".join(v.name for v in outs)
        self.lines.append(f"{targets} = {call}")
        self.ops.append(op)
        return outs

    # -- elementwise ------------------------------------------------------
    def op_unary(self):
        x = self.operand(dtypes=FLOATS + COMPLEXES + INTS)
        if is_complex(x.dtype):
            fn = self.rng.choice(["exp", "log", "sqrt", "tanh", "sin", "cos", "abs"])
            out = part(x.dtype) if fn == "abs" else x.dtype
        elif x.dtype in INTS:
            fn = self.rng.choice(["exp", "tanh", "sin", "abs", "sqrt"])
            out = "f32"
        else:
            fn = self.rng.choice(["exp", "log", "log1p", "sqrt", "rsqrt", "tanh",
                                  "sin", "cos", "abs", "erf", "sigmoid", "silu",
                                  "softplus", "gelu", "gelu_tanh"])
            out = x.dtype
        if fn == "gelu_tanh":
            call = f"seq.gelu({x.name}, approximate='tanh')"
        else:
            call = f"seq.{fn}({x.name})"
        self.emit(fn, call, [(x.shape, out)])

    def broadcast_partner(self, shape):
        """A shape that broadcasts with `shape` to `shape` or wider."""
        r = self.rng.random()
        if r < 0.4:
            return shape
        if r < 0.7:  # some dims become 1, maybe drop leading dims
            out = [1 if self.rng.random() < 0.4 else d for d in shape]
            drop = self.rng.randint(0, len(out))
            return tuple(out[drop:])
        # a leading dim more
        return (self.dim(),) + tuple(shape)

    def op_binary(self):
        kind = self.rng.choice(["add", "sub", "mul", "div", "maximum", "minimum"])
        allowed = FLOATS + INTS + (COMPLEXES if kind in ("add", "sub", "mul", "div") else ())
        if kind == "div" and KNOWN_ISSUES["int-division"]:
            allowed = tuple(t for t in allowed if t not in INTS)
        a = self.operand(dtypes=allowed)
        symbol = {"add": "+", "sub": "-", "mul": "*", "div": "/"}.get(kind)
        if self.rng.random() < 0.25:  # a Python number operand
            number = self.rng.choice([2, -1, 0.5, 2.5, 3])
            out = a.dtype
            if a.dtype in INTS and isinstance(number, float):
                out = "f32"
            if symbol and self.rng.random() < 0.5:
                call = f"{number!r} {symbol} {a.name}"
            elif symbol:
                call = f"{a.name} {symbol} {number!r}"
            else:
                call = f"seq.{kind}({a.name}, {number!r})"
            self.emit(kind, call, [(a.shape, out)])
            return
        bshape = self.broadcast_partner(a.shape)
        b_dtype = a.dtype
        if is_complex(a.dtype) and self.rng.random() < 0.3:
            b_dtype = part(a.dtype)  # real meets complex: promoted
        b = self.operand(shape=bshape, dtype=b_dtype)
        first, second = (a, b) if self.rng.random() < 0.5 else (b, a)
        out_shape = broadcast(a.shape, b.shape)
        out = a.dtype  # the complex one when mixed
        call = (f"{first.name} {symbol} {second.name}" if symbol and self.rng.random() < 0.6
                else f"seq.{kind}({first.name}, {second.name})")
        self.emit(kind, call, [(out_shape, out)])

    def op_power(self):
        x = self.operand(dtypes=FLOATS + COMPLEXES + INTS)
        if x.dtype in INTS:
            p = self.rng.choice([1, 2, 3] if KNOWN_ISSUES["int-pow-zero"] else [0, 1, 2, 3])
        elif is_complex(x.dtype):
            p = self.rng.choice([0, 1, 2, 3, 4])
        else:
            p = self.rng.choice([0, 1, 2, 3, 4, 0.5, 2.0, -1.0])
        out = "f32" if (x.dtype in INTS and p == 0) else x.dtype
        self.emit("power", f"{x.name} ** {p!r}", [(x.shape, out)])

    def op_neg(self):
        x = self.operand(dtypes=FLOATS + COMPLEXES + INTS)
        self.emit("neg", f"-{x.name}", [(x.shape, x.dtype)])

    def op_less(self):
        a = self.operand(dtypes=FLOATS + INTS)
        b = self.operand(shape=self.broadcast_partner(a.shape), dtype=a.dtype)
        call = f"{a.name} < {b.name}" if self.rng.random() < 0.5 else f"{b.name} > {a.name}"
        self.emit("less", call, [(broadcast(a.shape, b.shape), BOOL)])

    def op_where(self):
        allowed = FLOATS + INTS + COMPLEXES
        if KNOWN_ISSUES["where-half"]:
            allowed = tuple(t for t in allowed if t not in ("f16", "bf16"))
        a = self.operand(dtypes=allowed)
        b = self.operand(shape=self.broadcast_partner(a.shape), dtype=a.dtype)
        both = broadcast(a.shape, b.shape)
        c = self.operand(shape=self.broadcast_partner(both), dtype=BOOL)
        shape = broadcast(c.shape, both)
        self.emit("where", f"seq.where({c.name}, {a.name}, {b.name})", [(shape, a.dtype)])

    def op_astype(self):
        x = self.operand()
        if is_complex(x.dtype):
            target = x.dtype if KNOWN_ISSUES["complex-astype"] else self.rng.choice(COMPLEXES)
        elif is_float(x.dtype):
            # Float -> integer conversion of NaN, inf or out-of-range values
            # is undefined (LLVM poison), so results could legitimately
            # differ: not generated.
            target = self.rng.choice(FLOATS + COMPLEXES)
        else:
            target = self.rng.choice(FLOATS + COMPLEXES + INTS + (BOOL,))
        self.emit("astype", f"seq.astype({x.name}, {target!r})", [(x.shape, target)])

    def op_complex_parts(self):
        kind = self.rng.choice(["real", "imag", "conj", "complex"])
        if kind == "complex":
            re = self.operand(dtypes=("f32", "f64"))
            im = self.operand(shape=self.broadcast_partner(re.shape), dtype=re.dtype)
            self.emit("complex", f"seq.complex({re.name}, {im.name})",
                      [(broadcast(re.shape, im.shape), f"complex<{re.dtype}>")])
            return
        x = self.operand(dtypes=COMPLEXES)
        out = x.dtype if kind == "conj" else part(x.dtype)
        self.emit(kind, f"seq.{kind}({x.name})", [(x.shape, out)])

    def op_map(self):
        x = self.operand(dtypes=FLOATS)
        if self.rng.random() < 0.5:
            fn = self.rng.choice(MAPS1)
            self.emit("map", f"seq.map({fn}, {x.name})", [(x.shape, x.dtype)])
        else:
            y = self.operand(shape=self.broadcast_partner(x.shape), dtype=x.dtype)
            fn = self.rng.choice(MAPS2)
            self.emit("map", f"seq.map({fn}, {x.name}, {y.name})",
                      [(broadcast(x.shape, y.shape), x.dtype)])

    # -- constants --------------------------------------------------------
    def op_constant(self):
        kind = self.rng.choice(["constant", "full", "zeros"])
        dtype = self.rng.choice(FLOATS + INTS + (BOOL,))
        shape = self.shape(self.rng.choice([0, 1, 2]))
        if kind == "constant":
            size = int(np.prod(shape)) if shape else 1
            if size > 12:
                shape = (self.rng.randint(1, 4),)
                size = shape[0]
            if dtype == BOOL:
                data = [self.rng.random() < 0.5 for _ in range(size)]
            elif dtype in INTS:
                data = [self.rng.randint(-5, 5) for _ in range(size)]
            else:
                data = [round(self.rng.uniform(-3, 3), 3) for _ in range(size)]
            call = f"seq.constant(np.array({data!r}).reshape({shape!r}), {dtype!r})"
        elif kind == "full":
            value = (self.rng.random() < 0.5 if dtype == BOOL else
                     self.rng.randint(-3, 3) if dtype in INTS else
                     self.rng.choice([0.5, -2.0, 0.0, 1e3]))
            call = f"seq.full({shape!r}, {value!r}, {dtype!r})"
        else:
            if dtype == BOOL:
                dtype = "i32"
            call = f"seq.zeros({shape!r}, {dtype!r})"
        self.emit(kind, call, [(shape, dtype)])

    # -- reductions -------------------------------------------------------
    def axes(self, x):
        r = self.rng.random()
        if r < 0.25 or x.ndim == 0:
            return None
        if r < 0.7:
            return self.rng.randrange(-x.ndim, x.ndim)
        k = self.rng.randint(1, x.ndim)
        return tuple(sorted(self.rng.sample(range(x.ndim), k)))

    def op_reduce(self):
        kind = self.rng.choice(["sum", "mean", "max", "min", "var"])
        allowed = FLOATS + (COMPLEXES if kind in ("sum", "mean") else ())
        if kind == "sum" or not KNOWN_ISSUES["int-max-min"] and kind in ("max", "min"):
            allowed += INTS
        x = self.operand(dtypes=allowed, min_rank=0)
        axis = self.axes(x)
        axes = (tuple(range(x.ndim)) if axis is None else
                (axis % x.ndim,) if isinstance(axis, int) else axis)
        if (kind in ("mean", "var") and KNOWN_ISSUES["mean-empty-axis"]
                and any(x.shape[a] == 0 for a in axes)):
            raise Skip()
        keepdims = self.rng.random() < 0.3
        shape = tuple((1 if d in axes else n) for d, n in enumerate(x.shape)
                      if keepdims or d not in axes)
        args = f"{x.name}"
        if axis is not None or self.rng.random() < 0.5:
            args += f", axis={axis!r}"
        if keepdims:
            args += ", keepdims=True"
        self.emit(kind, f"seq.{kind}({args})", [(shape, x.dtype)])

    def op_softmax_norm(self):
        kind = self.rng.choice(["softmax", "layer_norm", "rms_norm", "group_norm"])
        x = self.operand(dtypes=FLOATS, min_rank=1)
        if kind == "softmax":
            axis = self.rng.randrange(-x.ndim, x.ndim)
            self.emit(kind, f"seq.softmax({x.name}, axis={axis})", [(x.shape, x.dtype)])
            return
        if kind == "group_norm":
            c = x.shape[-1]
            groups = [g for g in range(1, max(c, 1) + 1) if c % g == 0] or [1]
            g = self.rng.choice(groups)
            w = self.operand(shape=(c,), dtype=x.dtype) if self.rng.random() < 0.5 else None
            b = self.operand(shape=(c,), dtype=x.dtype) if self.rng.random() < 0.5 else None
            if c == 0 and KNOWN_ISSUES["mean-empty-axis"]:
                raise Skip()  # layer_norm over groups of 0 channels
            call = f"seq.group_norm({x.name}, {g}"
            call += f", weight={w.name}" if w else ""
            call += f", bias={b.name}" if b else ""
            self.emit(kind, call + ")", [(x.shape, x.dtype)])
            return
        if x.shape[-1] == 0 and KNOWN_ISSUES["mean-empty-axis"]:
            raise Skip()
        w = self.operand(shape=(x.shape[-1],), dtype=x.dtype) if self.rng.random() < 0.5 else None
        call = f"seq.{kind}({x.name}"
        call += f", weight={w.name}" if w else ""
        if kind == "layer_norm" and self.rng.random() < 0.5:
            b = self.operand(shape=(x.shape[-1],), dtype=x.dtype)
            call += f", bias={b.name}"
        if self.rng.random() < 0.3:
            call += ", eps=0.01"
        self.emit(kind, call + ")", [(x.shape, x.dtype)])

    # -- contractions -----------------------------------------------------
    def op_matmul(self):
        dtype = self.rng.choice(FLOATS + COMPLEXES + INTS)
        a = self.operand(dtypes=(dtype,), min_rank=1)
        if a.ndim == 0:
            raise Skip()
        k = a.shape[-1]
        r = self.rng.random()
        if r < 0.2:
            b = self.operand(shape=(k,), dtype=a.dtype)
            shape = a.shape[:-1]
        elif r < 0.6 or a.ndim < 2:
            n = self.dim()
            b = self.operand(shape=(k, n), dtype=a.dtype)
            shape = a.shape[:-1] + (n,)
            if a.ndim == 1:
                shape = (n,)
        else:
            n = self.dim()
            b = self.operand(shape=a.shape[:-2] + (k, n), dtype=a.dtype)
            shape = a.shape[:-1] + (n,)
        self.emit("matmul", f"{a.name} @ {b.name}", [(shape, a.dtype)])

    def op_einsum(self):
        dtype = self.rng.choice(FLOATS + COMPLEXES + INTS)
        a = self.operand(dtypes=(dtype,), min_rank=1)
        letters = "abcdefgh"
        la = letters[:a.ndim]
        sizes = dict(zip(la, a.shape))
        operands, subs = [a], [la]
        if self.rng.random() < 0.6:
            # A second operand sharing some letters, with new ones.
            shared = [c for c in la if self.rng.random() < 0.5]
            new = letters[a.ndim:a.ndim + self.rng.randint(0, 2)]
            lb = "".join(self.rng.sample(shared + list(new), len(shared) + len(new)))
            for c in new:
                sizes[c] = self.dim()
            b = self.operand(shape=tuple(sizes[c] for c in lb), dtype=a.dtype)
            operands.append(b)
            subs.append(lb)
        every = list(dict.fromkeys("".join(subs)))
        out = "".join(self.rng.sample(every, self.rng.randint(0, len(every))))
        spec = ",".join(subs) + "->" + out
        names = ", ".join(o.name for o in operands)
        self.emit("einsum", f"seq.einsum({spec!r}, {names})",
                  [(tuple(sizes[c] for c in out), a.dtype)])

    # -- shapes -----------------------------------------------------------
    def op_reshape(self):
        x = self.operand()
        total = int(np.prod(x.shape)) if x.shape else 1
        dims = []
        rest = total
        for _ in range(self.rng.randint(0, 3)):
            divisors = [d for d in range(1, max(rest, 1) + 1) if rest % d == 0] if rest else [0, 1, 2]
            d = self.rng.choice(divisors)
            dims.append(d)
            rest = rest // d if d else 0
        if rest != 1 or total == 0 or not dims or self.rng.random() < 0.5:
            dims.append(rest if total else 0)
        if int(np.prod(dims)) != total:
            raise Skip()
        if total == 1 and self.rng.random() < 0.2:
            dims = []  # rank 0
        shape = tuple(dims)
        spelled = list(shape)
        if total and len(spelled) > 1 and self.rng.random() < 0.3:
            spelled[self.rng.randrange(len(spelled))] = -1
        call = (f"{x.name}.reshape({tuple(spelled)!r})" if self.rng.random() < 0.5
                else f"seq.reshape({x.name}, {tuple(spelled)!r})")
        self.emit("reshape", call, [(shape, x.dtype)])

    def op_transpose(self):
        x = self.operand(min_rank=1)
        perm = list(range(x.ndim))
        self.rng.shuffle(perm)
        if self.rng.random() < 0.2:
            self.emit("transpose", f"{x.name}.T", [(x.shape[::-1], x.dtype)])
            return
        self.emit("transpose", f"seq.transpose({x.name}, {tuple(perm)!r})",
                  [(tuple(x.shape[p] for p in perm), x.dtype)])

    def op_getitem(self):
        x = self.operand(min_rank=1)
        if KNOWN_ISSUES["empty-slice"] and has_zero(x.shape):
            raise Skip()
        index, shape = [], []
        for n in x.shape:
            r = self.rng.random()
            if r < 0.2 and n > 0:
                i = self.rng.randrange(-n, n)
                index.append(repr(i))
                continue
            if r < 0.35:
                index.append(":")
                shape.append(n)
                continue
            step = self.rng.choice([1, 1, 2, 3, -1, -2])
            start = self.rng.choice([None, 0, 1, -1, n // 2])
            stop = self.rng.choice([None, n, n // 2, -1, 0])
            sl = slice(start, stop, step)
            count = len(range(*sl.indices(n)))
            if KNOWN_ISSUES["empty-slice"] and count == 0:
                raise Skip()
            shape.append(count)
            text = ("" if start is None else repr(start)) + ":" + \
                   ("" if stop is None else repr(stop)) + ("" if step == 1 else f":{step}")
            index.append(text)
        if len(index) > 1 and self.rng.random() < 0.2 and all(i == ":" for i in index[:1]):
            text = "..., " + ", ".join(index[1:])
        else:
            text = ", ".join(index)
        self.emit("getitem", f"{x.name}[{text}]", [(tuple(shape), x.dtype)])

    def op_flip(self):
        x = self.operand(min_rank=1)
        axis = self.rng.choice([self.rng.randrange(x.ndim),
                                tuple(sorted(self.rng.sample(range(x.ndim), self.rng.randint(1, x.ndim))))])
        self.emit("flip", f"seq.flip({x.name}, {axis!r})", [(x.shape, x.dtype)])

    def op_broadcast_to(self):
        x = self.operand()
        target = tuple(self.dim(zero=False) if d == 1 and self.rng.random() < 0.6 else d
                       for d in x.shape)
        if self.rng.random() < 0.5:
            target = (self.dim(),) + target
        self.emit("broadcast_to", f"seq.broadcast_to({x.name}, {target!r})", [(target, x.dtype)])

    def op_concat(self):
        x = self.operand(min_rank=1)
        axis = self.rng.randrange(x.ndim)
        parts = [x]
        for _ in range(self.rng.randint(0, 3)):
            if self.rng.random() < 0.3:
                parts.append(x)  # the same value twice
                continue
            shape = list(x.shape)
            shape[axis] = self.dim()
            parts.append(self.operand(shape=tuple(shape), dtype=x.dtype))
        shape = list(x.shape)
        shape[axis] = sum(p.shape[axis] for p in parts)
        if KNOWN_ISSUES["empty-slice"] and (has_zero(shape) or any(
                p.shape[axis] == 0 for p in parts)):
            raise Skip()
        spelled_axis = axis - x.ndim if self.rng.random() < 0.3 else axis
        self.emit("concat", f"seq.concat([{', '.join(p.name for p in parts)}], axis={spelled_axis})",
                  [(tuple(shape), x.dtype)])

    def op_pad(self):
        x = self.operand(dtypes=FLOATS + INTS, min_rank=1)
        if KNOWN_ISSUES["empty-slice"] and has_zero(x.shape):
            raise Skip()
        pads = [(self.rng.choice([0, 0, 1, 2]), self.rng.choice([0, 1, 3])) for _ in x.shape]
        shape = tuple(n + lo + hi for n, (lo, hi) in zip(x.shape, pads))
        value = self.rng.choice([0.0, 1.5, -2.0]) if is_float(x.dtype) else self.rng.choice([0, 7])
        self.emit("pad", f"seq.pad({x.name}, {pads!r}, {value!r})", [(shape, x.dtype)])

    def op_heads(self):
        if self.rng.random() < 0.5:
            b, l, h, d = self.dim(), self.dim(), self.dim(zero=False), self.dim()
            x = self.operand(shape=(b, l, h * d), dtypes=FLOATS + INTS)
            self.emit("split_heads", f"seq.split_heads({x.name}, {h})", [((b, h, l, d), x.dtype)])
        else:
            x = self.operand(rank=4)
            b, h, l, d = x.shape
            self.emit("merge_heads", f"seq.merge_heads({x.name})", [((b, l, h * d), x.dtype)])

    # -- seq ops ----------------------------------------------------------
    def op_attention(self):
        dtype = self.float_type()
        q = self.operand(rank=4, dtype=dtype)
        b, hq, lq, e = q.shape
        divisors = [d for d in range(1, hq + 1) if hq % d == 0] or [self.dim(zero=False)]
        hkv = self.rng.choice(divisors)
        lk = self.rng.choice([lq, lq, self.dim()])
        ev = self.rng.choice([e, self.dim()])
        k = self.operand(shape=(b, hkv, lk, e), dtype=dtype)
        v = self.operand(shape=(b, hkv, lk, ev), dtype=dtype)
        args = [q.name, k.name, v.name]
        mask = self.rng.choice(["none", "causal", "sliding_window", "chunk_causal", "prefix"])
        if mask != "none":
            args.append(f"mask={mask!r}")
        if mask == "sliding_window":
            args.append(f"window=({self.rng.randint(0, 4)}, {self.rng.randint(0, 2)})")
        if mask == "chunk_causal":
            args.append(f"chunk_size={self.rng.randint(1, 5)}")
        if mask == "prefix":
            args.append(f"prefix_length={self.rng.randint(0, 5)}")
        if e == 0 or self.rng.random() < 0.3:
            args.append(f"scale={self.rng.choice([0.5, 1.0, 0.125])}")
        if self.rng.random() < 0.3:
            args.append(f"score_mod={self.rng.choice(SCORE_MODS)}")
        if self.rng.random() < 0.25:
            args.append(f"mask_mod={self.rng.choice(MASK_MODS)}")
        results = [((b, hq, lq, ev), dtype)]
        if self.rng.random() < 0.4:
            args.append("return_lse=True")
            results.append(((b, hq, lq), acc_type(dtype)))
        self.emit("attention", f"seq.attention({', '.join(args)})", results)

    def op_compose_heads(self):
        dtype = self.float_type()
        a = self.operand(rank=4, dtype=dtype)
        b, h, t, s = a.shape
        args = [a.name]
        if self.rng.random() < 0.5:
            args.append(f"static={self.operand(shape=(h, h), dtype=dtype).name}")
        if self.rng.random() < 0.4:
            r = self.dim()
            args.append(f"query_w1={self.operand(shape=(b, t, r, h), dtype=dtype).name}")
            args.append(f"query_w2={self.operand(shape=(b, t, r, h), dtype=dtype).name}")
        if self.rng.random() < 0.4:
            r = self.dim()
            args.append(f"key_w1={self.operand(shape=(b, s, r, h), dtype=dtype).name}")
            args.append(f"key_w2={self.operand(shape=(b, s, r, h), dtype=dtype).name}")
        if self.rng.random() < 0.4:
            args.append(f"query_gate={self.operand(shape=(b, t, h), dtype=dtype).name}")
        if self.rng.random() < 0.4:
            args.append(f"key_gate={self.operand(shape=(b, s, h), dtype=dtype).name}")
        self.emit("compose_heads", f"seq.compose_heads({', '.join(args)})", [(a.shape, dtype)])

    def op_scan(self):
        dtype = self.rng.choice(FLOATS + COMPLEXES)
        # |a| < 1 keeps states bounded; reused values are whatever they are.
        fill = "decay" if self.rng.random() < 0.5 else None
        a = self.operand(min_rank=2, dtype=dtype, fill=fill)
        bv = self.operand(shape=a.shape, dtype=dtype)
        state = a.shape[:1] + a.shape[2:]
        args = [a.name, bv.name]
        if self.rng.random() < 0.4:
            args.append(f"initial={self.operand(shape=state, dtype=dtype).name}")
        if self.rng.random() < 0.4:
            args.append("reverse=True")
        results = [(a.shape, dtype)]
        if self.rng.random() < 0.4:
            args.append("return_final=True")
            results.append((state, dtype))
        self.emit("scan", f"seq.scan({', '.join(args)})", results)

    def op_ema(self):
        x = self.operand(rank=3, dtypes=FLOATS)
        b, l, d = x.shape
        n = self.dim()
        param = self.rng.choice(["f32", "f32", "f64", x.dtype])
        kind = self.rng.choice(["damped", "complex"])
        wl = self.operand(shape=(d, n), dtype=param)
        dl = self.operand(shape=(d, n), dtype=param)
        gamma = self.operand(shape=(d, n) if kind == "damped" else (d, n, 2), dtype=param)
        omega = self.operand(shape=(d,), dtype=param)
        args = [x.name, wl.name, dl.name, gamma.name, omega.name, f"kind={kind!r}"]
        if kind == "damped":
            args.append(f"beta={self.operand(shape=(d, n), dtype=param).name}")
        else:
            args.append(f"theta={self.operand(shape=(d,), dtype=param).name}")
        widest = "f64" if "f64" in (x.dtype, param) else "f32"
        state = f"complex<{widest}>" if kind == "complex" else widest
        if self.rng.random() < 0.4:
            init_t = self.rng.choice(COMPLEXES) if kind == "complex" else self.rng.choice(FLOATS)
            init = self.operand(shape=(b, d, n), dtype=init_t)
            args.append(f"initial={init.name}")
            state = init.dtype
        results = [(x.shape, x.dtype)]
        has_initial = any(a.startswith("initial=") for a in args)
        disputed = (KNOWN_ISSUES["ema-state-type"] and not has_initial
                    and widest != acc_type(param))
        if self.rng.random() < 0.4 and not disputed:
            args.append("return_final=True")
            results.append(((b, d, n), state))
        self.emit("ema", f"seq.ema({', '.join(args)})", results)

    def op_long_conv(self):
        u = self.operand(rank=3, dtypes=FLOATS)
        b, l, c = u.shape
        ktaps = self.dim(low=1)
        k = self.operand(shape=(c, ktaps), dtype=self.rng.choice([u.dtype, "f32", "f64"]))
        args = [u.name, k.name]
        if self.rng.random() < 0.4:
            args.append(f"skip={self.operand(shape=(c,), dtypes=FLOATS).name}")
        if self.rng.random() < 0.3:
            args.append(f"pregate={self.operand(shape=u.shape, dtypes=FLOATS).name}")
        if self.rng.random() < 0.3:
            args.append(f"postgate={self.operand(shape=u.shape, dtypes=FLOATS).name}")
        if self.rng.random() < 0.4:
            args.append(f"method={self.rng.choice(['auto', 'direct', 'fft'])!r}")
        self.emit("long_conv", f"seq.long_conv({', '.join(args)})", [(u.shape, u.dtype)])

    def op_fft(self):
        kind = self.rng.choice(["fft", "ifft", "rfft", "irfft"])
        norm = self.rng.choice([None, "backward", "forward", "ortho"])
        suffix = f", norm={norm!r}" if norm else ""
        if kind in ("fft", "ifft"):
            x = self.operand(min_rank=1, dtypes=COMPLEXES)
            if x.shape[-1] < 1:
                raise Skip()
            self.emit(kind, f"seq.{kind}({x.name}{suffix})", [(x.shape, x.dtype)])
        elif kind == "rfft":
            x = self.operand(min_rank=1, dtypes=("f32", "f64"))
            n = x.shape[-1]
            if self.rng.random() < 0.3 and not (KNOWN_ISSUES["empty-slice"] and has_zero(x.shape)):
                n = self.dim(low=1)  # the DSL slices or pads to n
                suffix = f", n={n}" + suffix
            if n < 1:
                raise Skip()
            self.emit(kind, f"seq.rfft({x.name}{suffix})",
                      [(x.shape[:-1] + (n // 2 + 1,), f"complex<{x.dtype}>")])
        else:
            x = self.operand(min_rank=1, dtypes=COMPLEXES)
            bins = x.shape[-1]
            if bins < 1:
                raise Skip()
            n = 2 * (bins - 1) + self.rng.randint(0, 1)
            if n < 1:
                n = 1
            spelled = f", n={n}" if (n != 2 * (bins - 1) or self.rng.random() < 0.3) else ""
            self.emit(kind, f"seq.irfft({x.name}{spelled}{suffix})",
                      [(x.shape[:-1] + (n,), part(x.dtype))])

    def op_linear_attention(self):
        dtype = self.float_type()
        q = self.operand(rank=4, dtype=dtype)
        b, h, l, f = q.shape
        ev = self.dim()
        k = self.operand(shape=(b, h, l, f), dtype=dtype)
        v = self.operand(shape=(b, h, l, ev), dtype=dtype)
        args = [q.name, k.name, v.name]
        r = self.rng.random()
        if r < 0.3:
            shape = (b, h, l) if self.rng.random() < 0.5 else (b, h, l, f)
            args.append(f"log_decay={self.operand(shape=shape, dtype=dtype, fill='log_decay').name}")
        elif r < 0.5:
            m = self.dim()
            args.append(f"prefix_key={self.operand(shape=(b, h, m, f), dtype=dtype).name}")
            args.append(f"prefix_value={self.operand(shape=(b, h, m, ev), dtype=dtype).name}")
        normalize = self.rng.random() < 0.4
        acc = acc_type(dtype)
        if self.rng.random() < 0.3:
            args.append(f"initial_state={self.operand(shape=(b, h, f, ev), dtype=acc).name}")
        if normalize and self.rng.random() < 0.4:
            args.append(f"initial_normalizer={self.operand(shape=(b, h, f), dtype=acc, fill='positive').name}")
        if normalize:
            args.append("normalize=True")
        if self.rng.random() < 0.3:
            args.append(f"scale={self.rng.choice([0.5, 2.0])}")
        if normalize and self.rng.random() < 0.3:
            args.append("eps=1e-3")
        results = [((b, h, l, ev), dtype)]
        if self.rng.random() < 0.4:
            args.append("return_state=True")
            results.append(((b, h, f, ev), acc))
            if normalize:
                results.append(((b, h, f), acc))
        self.emit("linear_attention", f"seq.linear_attention({', '.join(args)})", results)

    def op_feature_map(self):
        x = self.operand(min_rank=1, dtypes=FLOATS)
        kind = self.rng.choice(["identity", "relu", "elu_plus_one", "taylor2"])
        d = x.shape[-1]
        if kind == "taylor2" and d > 8:
            raise Skip()
        width = 1 + d + d * d if kind == "taylor2" else d
        self.emit("feature_map", f"seq.feature_map({x.name}, {kind!r})",
                  [(x.shape[:-1] + (width,), x.dtype)])

    def op_timestep_norm(self):
        x = self.operand(rank=3, dtypes=FLOATS)
        b, l, d = x.shape
        groups = [g for g in range(1, max(d, 1) + 1) if d % g == 0] or [1]
        g = self.rng.choice(groups)
        w = self.operand(shape=(d,), dtypes=FLOATS)
        bias = self.operand(shape=(d,), dtypes=FLOATS)
        args = [x.name, w.name, bias.name, str(g)]
        if self.rng.random() < 0.3:
            args.append(f"padding_mask={self.operand(shape=(b, l), dtype=BOOL).name}")
        stats = acc_type(x.dtype)
        if self.rng.random() < 0.3:
            stats = self.rng.choice(FLOATS)
            count = self.operand(shape=(b,), dtype="i64", fill="count")
            mean = self.operand(shape=(b, g), dtype=stats)
            var = self.operand(shape=(b, g), dtype=stats, fill="positive")
            args.append(f"prev=({count.name}, {mean.name}, {var.name})")
        if self.rng.random() < 0.3:
            args.append("eps=0.001")
        results = [(x.shape, x.dtype)]
        if self.rng.random() < 0.4:
            args.append("return_state=True")
            results += [((b,), "i64"), ((b, g), stats), ((b, g), stats)]
        self.emit("timestep_norm", f"seq.timestep_norm({', '.join(args)})", results)

    def op_rotary(self):
        x = self.operand(min_rank=2, dtypes=FLOATS)
        if x.shape[-1] % 2:
            raise Skip()
        args = [x.name]
        if self.rng.random() < 0.3:
            args.append(f"base={self.rng.choice([100.0, 10000.0, 500000.0])}")
        if self.rng.random() < 0.3:
            args.append(f"position_offset={self.rng.randint(0, 9)}")
        if self.rng.random() < 0.3:
            args.append(f"chunk_size={self.rng.randint(1, 5)}")
        if self.rng.random() < 0.3:
            args.append("pairing='halves'")
        self.emit("rotary", f"seq.rotary({', '.join(args)})", [(x.shape, x.dtype)])

    OPS = [
        # (method, weight)
        ("op_unary", 4), ("op_binary", 5), ("op_power", 1), ("op_neg", 1),
        ("op_less", 1), ("op_where", 2), ("op_astype", 2), ("op_complex_parts", 2),
        ("op_map", 2), ("op_constant", 1), ("op_reduce", 3), ("op_softmax_norm", 2),
        ("op_matmul", 2), ("op_einsum", 2), ("op_reshape", 3), ("op_transpose", 2),
        ("op_getitem", 3), ("op_flip", 1), ("op_broadcast_to", 1), ("op_concat", 2),
        ("op_pad", 1), ("op_heads", 1),
        ("op_attention", 4), ("op_compose_heads", 2), ("op_scan", 3), ("op_ema", 3),
        ("op_long_conv", 3), ("op_fft", 3), ("op_linear_attention", 3),
        ("op_feature_map", 2), ("op_timestep_norm", 3), ("op_rotary", 2),
    ]

    # -- the program ------------------------------------------------------
    def returns(self):
        steps = [v for v in self.values if v.origin == "step"]
        # Results nothing else reads are returned (so no op is dead code),
        # then some more: repeats, inputs, earlier values.
        out = [v for v in steps if not v.used][-8:]
        self.rng.shuffle(out)
        for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
            r = self.rng.random()
            if steps and r < 0.7:
                out.append(self.rng.choice(steps[-3:] if r < 0.5 else steps))
            elif out and r < 0.85:
                out.append(self.rng.choice(out))     # the same value again
            else:
                out.append(self.rng.choice(self.values))  # anything, inputs too
        if self.rng.random() < 0.1 and self.inputs:
            x = self.rng.choice(self.inputs)[0]      # a view of an input
            if x.ndim and not has_zero(x.shape):
                out.append(self.emit("getitem", f"{x.name}[..., ::-1]",
                                     [(x.shape, x.dtype)])[0])
        return out

    def generate(self):
        methods, weights = zip(*self.OPS)
        steps = self.rng.randint(1, self.max_steps)
        attempts = 0
        while len(self.ops) < steps and attempts < 10 * steps:
            attempts += 1
            method = self.rng.choices(methods, weights)[0]
            mark = (len(self.values), len(self.inputs), len(self.lines), len(self.ops))
            try:
                getattr(self, method)()
            except Skip:
                # Drop whatever the failed attempt added.
                del self.values[mark[0]:], self.inputs[mark[1]:]
                del self.lines[mark[2]:], self.ops[mark[3]:]
        if not self.values:
            self.new_input(self.shape(), self.any_type())
        if KNOWN_ISSUES["nonfinite-decomposed"] and set(DECOMPOSED_OPS) & set(self.ops):
            self.inputs = [(v, "normal" if fill == "special" else fill)
                           for v, fill in self.inputs]
        results = self.returns()
        # Inputs in the order they were created are the function's arguments.
        params = ", ".join(v.name for v, _ in self.inputs)
        body = "\n".join("    " + line for line in self.lines)
        returned = ", ".join(v.name for v in results)
        source = (f"import numpy as np\nimport seq\n\n\n"
                  f"def fuzz({params}):\n{body + chr(10) if body else ''}"
                  f"    return ({returned},)\n")
        return Program(self.seed, self.index, source,
                       [(v.to_json(), fill) for v, fill in self.inputs],
                       [v.to_json() for v in results], list(self.ops),
                       loosest_float([v.dtype for v in self.values]))


# Float types from the most to the least precise.
PRECISION_ORDER = ("f64", "f32", "f16", "bf16")


def loosest_float(dtypes):
    """The least precise float type among `dtypes` (complex counts as its
    part), or None without floats: a result computed through a bf16 value
    is only as precise as bf16, whatever its own type."""
    parts = [part(t) for t in dtypes if is_float(part(t))]
    return max(parts, key=PRECISION_ORDER.index) if parts else None


class Program:
    def __init__(self, seed, index, source, inputs, results, ops, precision):
        self.seed, self.index = seed, index
        self.source = source
        self.inputs = inputs      # [({"name", "shape", "dtype"}, fill)]
        self.results = results    # [{"name", "shape", "dtype"}] as the model expects
        self.ops = ops
        self.precision = precision  # the loosest float type of any value

    def to_json(self):
        return json.dumps({"seed": self.seed, "index": self.index,
                           "source": self.source, "inputs": self.inputs,
                           "results": self.results, "ops": self.ops,
                           "precision": self.precision})

    @staticmethod
    def from_json(text):
        d = json.loads(text)
        return Program(d["seed"], d["index"], d["source"],
                       [tuple(i) for i in d["inputs"]], d["results"], d["ops"],
                       d["precision"])

    def arrays(self):
        """The program's input arrays (deterministic in seed and index)."""
        rng = np.random.default_rng([self.seed, self.index])
        return [make_array(rng, spec["shape"], spec["dtype"], fill)
                for spec, fill in self.inputs]


def numpy_dtype(dtype):
    if dtype == "bf16":
        import ml_dtypes
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype({"f16": np.float16, "f32": np.float32, "f64": np.float64,
                     "complex<f32>": np.complex64, "complex<f64>": np.complex128,
                     "i32": np.int32, "i64": np.int64, "i1": np.bool_}[dtype])


def make_array(rng, shape, dtype, fill):
    """An ndarray (also for rank 0, where NumPy would give a scalar)."""
    return np.asarray(_make_data(rng, tuple(shape), dtype, fill))


def _make_data(rng, shape, dtype, fill):
    if dtype == BOOL:
        return rng.random(shape) < 0.5
    if dtype in INTS:
        low, high = (0, 6) if fill == "count" else (-5, 6)
        return rng.integers(low, high, shape).astype(numpy_dtype(dtype))
    if fill == "positive":
        data = rng.uniform(0.1, 2.0, shape)
    elif fill == "decay":
        data = rng.uniform(-0.99, 0.99, shape)
    elif fill == "log_decay":
        data = -rng.uniform(0.0, 1.0, shape)
    else:
        data = rng.standard_normal(shape)
    if is_complex(dtype):
        data = data + 1j * rng.standard_normal(shape)
    if fill == "special" and data.size:
        flat = data.reshape(-1)
        specials = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30]
        for i in rng.choice(flat.size, size=min(3, flat.size), replace=False):
            flat[i] = specials[rng.integers(len(specials))]
    with np.errstate(over="ignore"):  # 1e30 becomes inf in f16 and bf16
        return data.astype(numpy_dtype(dtype))


def generate(seed, index, max_steps=8):
    return Generator(seed, index, max_steps).generate()
