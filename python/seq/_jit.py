"""@seq.jit: trace on first call, specialize on shapes and dtypes, compile
once, cache, run on NumPy arrays.

Arguments and results may be nested tuples, lists, dicts and namedtuples of
arrays (pytrees); Python constants in them are compile-time constants. As in
`jax.jit`, `f.lower(*args)` traces without compiling and `.compile()` (or
`f.compile(*args)`) compiles ahead of the first call, so compile time and run
time can be measured apart.
"""

import functools

import numpy as np

from . import _tracer as T

_engines = {}


def _core():
    return T.core()


def engine(pipeline="tiled"):
    """The process-wide compiler engine of a pipeline ('tiled', the default,
    or 'reference'), created on first use."""
    if pipeline not in _engines:
        _engines[pipeline] = _core().Engine(pipeline=pipeline)
    return _engines[pipeline]


DEVICES = ("cpu", "cuda")


def cuda_engine():
    """The process-wide GPU engine (seq._core.CudaEngine), created on first
    use; raises seq.Error naming the reason when there is no usable NVIDIA
    driver or GPU."""
    if "cuda" not in _engines:
        try:
            _engines["cuda"] = _core().CudaEngine()
        except _core().CudaError as e:
            raise T.Error(f"device='cuda': {e}") from None
    return _engines["cuda"]


def buffer_cache_stats():
    """The JIT's cache of intermediate buffers: a dict with `hits`, `misses`,
    `cached_bytes` (kept now) and `cap_bytes`. Compiled code reuses blocks of
    64 KiB and more across calls instead of faulting in fresh pages, result
    arrays included (a dead result's block serves a later call); the cap
    is SEQ_BUFFER_CACHE_MB in MiB (default: a quarter of physical memory,
    at least 1 GiB)."""
    return dict(_core().buffer_cache_stats())


def release_buffer_cache():
    """Returns every buffer the JIT's cache keeps to the system."""
    _core().release_buffer_cache()


def cuda_available():
    """Whether an NVIDIA GPU can run seq programs here (a driver and a
    device open)."""
    try:
        cuda_engine()
        return True
    except T.Error:
        return False


class ShapeDtype:
    """The shape and dtype of an array, for `f.lower(...)` / `f.compile(...)`
    without data (like jax.ShapeDtypeStruct)."""

    def __init__(self, shape, dtype):
        self.shape = tuple(int(d) for d in shape)
        self.dtype = np.dtype(dtype) if not isinstance(dtype, str) else \
            T.mlir_to_numpy(T.normalize_dtype(dtype))

    def __repr__(self):
        return f"seq.ShapeDtype({self.shape}, {self.dtype})"


#===----------------------------------------------------------------------===#
# Pytrees
#===----------------------------------------------------------------------===#

_CONSTANTS = (type(None), bool, int, float, str)


def _is_array(x):
    return isinstance(x, (np.ndarray, ShapeDtype))


def _flatten(x, leaves, what):
    """The structure of `x` (hashable), appending its array leaves to
    `leaves`. `what` names x in messages ('argument #0')."""
    if _is_array(x):
        dtype = T.numpy_to_mlir(x.dtype)   # any byte order: copied if needed
        leaves.append(x)
        return ("array", tuple(x.shape), dtype)
    if isinstance(x, _CONSTANTS):
        return ("const", type(x).__name__, x)
    if isinstance(x, tuple) and hasattr(type(x), "_fields"):
        return ("namedtuple", type(x),
                tuple(_flatten(c, leaves, what) for c in x))
    if isinstance(x, (tuple, list)):
        return (type(x).__name__, tuple(_flatten(c, leaves, what) for c in x))
    if isinstance(x, dict):
        keys = tuple(x)
        if not all(isinstance(k, _CONSTANTS) for k in keys):
            raise T.Error(f"{what}: dict keys must be Python constants")
        return ("dict", keys, tuple(_flatten(x[k], leaves, what) for k in keys))
    raise T.Error(f"{what} is a {type(x).__name__}; @seq.jit functions take NumPy "
                  "arrays and Python constants (bool, int, float, str, None), and "
                  "tuples, lists and dicts of them")


def _unflatten(tree, leaves):
    """Rebuilds a structure from `tree`, taking array leaves from the
    iterator `leaves`."""
    kind = tree[0]
    if kind == "array":
        return next(leaves)
    if kind == "const":
        return tree[2]
    if kind == "namedtuple":
        return tree[1](*(_unflatten(c, leaves) for c in tree[2]))
    if kind == "tuple":
        return tuple(_unflatten(c, leaves) for c in tree[1])
    if kind == "list":
        return [_unflatten(c, leaves) for c in tree[1]]
    if kind == "dict":
        return {k: _unflatten(c, leaves) for k, c in zip(tree[1], tree[2])}
    raise AssertionError(kind)


def _flatten_result(x, leaves, name):
    """The structure of a traced function's result; its leaves must be seq
    tensors."""
    if isinstance(x, T.Tensor):
        leaves.append(x)
        return ("array",)
    if isinstance(x, tuple) and hasattr(type(x), "_fields"):
        return ("namedtuple", type(x),
                tuple(_flatten_result(c, leaves, name) for c in x))
    if isinstance(x, (tuple, list)):
        return (type(x).__name__, tuple(_flatten_result(c, leaves, name) for c in x))
    if isinstance(x, dict):
        return ("dict", tuple(x),
                tuple(_flatten_result(v, leaves, name) for v in x.values()))
    raise T.Error(f"{name}: a traced function must return a seq tensor or a tuple, "
                  f"list or dict of them, got {type(x).__name__}")


#===----------------------------------------------------------------------===#
# Traces and compiled functions
#===----------------------------------------------------------------------===#

class _Trace:
    """One traced signature: the built module and the result structure."""

    def __init__(self, name, module, out_tree):
        self.name = name
        self.module = module
        self.out_tree = out_tree
        self._text = None

    @property
    def text(self):
        """The module as MLIR text with the user's locations."""
        if self._text is None:
            self._text = self.module.text(debug_info=True)
        return self._text


class Lowered:
    """A function traced for one signature, not yet compiled (as
    jax.jit(f).lower(...)). `.as_text()` shows its IR, `.compile()`
    compiles it."""

    def __init__(self, jit, key, trace):
        self._jit, self._key, self._trace = jit, key, trace

    def as_text(self, stage="seq"):
        """The IR after a stage of seq-to-cpu ("seq": as traced)."""
        return self._jit._lower_trace(self._trace, stage)

    def compile(self):
        """Compiles (once; cached by the JitFunction too) and returns a
        Compiled callable."""
        return Compiled(self._jit, self._key, self._jit._compile(self._key, self._trace))


class Compiled:
    """A function compiled for one signature: call it with arrays of that
    signature (as jax.jit(f).lower(...).compile())."""

    def __init__(self, jit, key, function):
        self._jit, self._key, self._function = jit, key, function

    def __call__(self, *args):
        key, leaves = self._jit._signature(args)
        if key != self._key:
            raise T.Error(f"{self._jit.name}: compiled for another signature; "
                          "call the JitFunction to compile for new shapes")
        return self._jit._run(self._function, self._jit._traces[key], leaves)

    def as_text(self, stage="seq"):
        return self._jit._lower_trace(self._jit._traces[self._key], stage)

    @property
    def inputs(self):
        """(dtype, shape) of each array argument."""
        return self._function.inputs

    @property
    def outputs(self):
        return self._function.outputs


class JitFunction:
    """A Python function compiled by seq for each new signature it is called
    with. Call it with NumPy arrays (and Python constants, and tuples, lists
    and dicts of them); inspect it with `.ir(*args)` (seq IR) and
    `.lowered(*args, stage=...)`; compile ahead of time with
    `.lower(*args).compile()` or `.compile(*args)`. `pipeline` is 'tiled'
    (tiled, vectorized, multi-threaded) or 'reference' (the scalar reference
    lowering the tiled path is checked against). `device` is 'cpu' or
    'cuda' (an NVIDIA GPU through the CUDA driver: arrays are copied to the
    device and back). `.ptx(*args, arch=...)` and `.kernels(...)` give the
    GPU code without a GPU."""

    def __init__(self, fn, name=None, pipeline="tiled", device="cpu"):
        functools.update_wrapper(self, fn)
        if pipeline not in _core().PIPELINES:
            raise T.Error(f"unknown pipeline {pipeline!r}; valid pipelines: "
                          + ", ".join(repr(p) for p in _core().PIPELINES))
        if device not in DEVICES:
            raise T.Error(f"unknown device {device!r}; valid devices: "
                          + ", ".join(repr(d) for d in DEVICES))
        self.fn = fn
        self.pipeline = pipeline
        self.device = device
        raw = name or getattr(fn, "__name__", "fn")
        # A valid MLIR symbol: '<lambda>' becomes 'lambda'.
        self.name = "".join(c if c.isalnum() or c == "_" else "_" for c in raw).strip("_") or "fn"
        if self.name[0].isdigit():
            self.name = "fn_" + self.name
        self._traces = {}
        self._compiled = {}

    def _signature(self, args):
        leaves = []
        key = tuple(_flatten(a, leaves, f"{self.name}: argument #{i}")
                    for i, a in enumerate(args))
        return key, leaves

    def _trace_for(self, key):
        trace = self._traces.get(key)
        if trace is None:
            trace = self._trace(key)
            self._traces[key] = trace
        return trace

    def _trace(self, key):
        builder = T.Builder(self.name)
        try:
            tensors = iter([builder.add_argument(leaf[1], leaf[2])
                            for leaf in _array_leaves(key)])
            traced_args = [_unflatten(tree, tensors) for tree in key]
            with T.tracing(builder):
                result = self.fn(*traced_args)
            outputs = []
            out_tree = _flatten_result(result, outputs, self.name)
            if not outputs:
                raise T.Error(f"{self.name}: a traced function must return a seq "
                              f"tensor or a structure of them, got {type(result).__name__}")
            if any(r.builder is not builder for r in outputs):
                raise T.Error(f"{self.name}: returns a tensor of another traced function")
            builder.finish(outputs)
            builder.module.verify()
        except _core().CompileError as e:
            raise T.Error(f"{self.name}: {e}") from None
        return _Trace(self.name, builder.module, out_tree)

    def _compile(self, key, trace):
        function = self._compiled.get(key)
        if function is None:
            compiler = cuda_engine() if self.device == "cuda" else engine(self.pipeline)
            try:
                function = compiler.compile(trace.text, self.name, self.name)
            except _core().CompileError as e:
                raise T.Error(f"{self.name}: {e}") from None
            self._compiled[key] = function
        return function

    def _run(self, function, trace, leaves):
        arrays = []
        for leaf in leaves:
            if not isinstance(leaf, np.ndarray):
                raise T.Error(f"{self.name}: cannot run on {leaf!r}; pass arrays")
            arrays.append(leaf)
        try:
            outputs = function(*arrays)
        except (ValueError, _core().CudaError) as e:
            raise T.Error(f"{self.name}: {e}") from None
        return _unflatten_result(trace.out_tree, iter(outputs))

    def __call__(self, *args):
        key, leaves = self._signature(args)
        function = self._compiled.get(key)
        if function is None:
            function = self._compile(key, self._trace_for(key))
        return self._run(function, self._traces[key], leaves)

    def lower(self, *args):
        """Traces for the signature of `args` (arrays or seq.ShapeDtype) and
        returns a Lowered: `.as_text(stage)`, `.compile()`."""
        key, _ = self._signature(args)
        return Lowered(self, key, self._trace_for(key))

    def compile(self, *args):
        """Traces and compiles for the signature of `args` (arrays or
        seq.ShapeDtype) ahead of the first call; returns a Compiled. Later
        calls with that signature run without compiling."""
        return self.lower(*args).compile()

    def _lower_trace(self, trace, stage):
        try:
            if stage == "seq":
                return str(trace.module)
            return trace.module.lower(stage, self.pipeline)
        except _core().CompileError as e:
            raise T.Error(f"{self.name}: {e}") from None

    def ir(self, *args):
        """The seq IR traced for these arguments (pretty-printed, verified)."""
        return self.lowered(*args, stage="seq")

    def lowered(self, *args, stage="loops"):
        """The IR after a stage of seq-to-cpu: "seq", "tiled", "loops",
        "buffers", "llvm" (on this function's pipeline)."""
        if stage not in _core().STAGES:
            raise T.Error(f"{self.name}: unknown stage {stage!r}; valid stages: "
                          + ", ".join(repr(s) for s in _core().STAGES))
        return self.lower(*args).as_text(stage)

    def source(self, *args):
        """The MLIR text that is compiled, with the user's locations."""
        return self.lower(*args)._trace.text

    def kernels(self, *args, arch="sm_90a", assemble=False):
        """The GPU kernels of this function for the signature of `args`
        (arrays or seq.ShapeDtype), compiled through seq-to-nvptx for `arch`
        ('sm_80', 'sm_90a') without needing a GPU: a list, in launch order,
        of dicts with 'name', 'ptx', 'grid', 'block', shared memory,
        'parameters', MMA instruction counts and the JSON 'descriptor'; with
        assemble=True (ptxas) also 'cubin' and 'ptxas' (registers, spills)."""
        text = self.source(*args)
        try:
            program = _core().compile_nvptx(text, self.name, chip=arch,
                                            name=self.name, assemble=assemble)
        except _core().CompileError as e:
            raise T.Error(f"{self.name}: {e}") from None
        return program["kernels"]

    def ptx(self, *args, arch="sm_90a"):
        """The PTX of each kernel, {kernel name: PTX text}, in launch order
        (see kernels())."""
        return {k["name"]: k["ptx"] for k in self.kernels(*args, arch=arch)}


def _array_leaves(key):
    """The ("array", shape, dtype) leaves of a signature, in order."""
    for tree in key:
        yield from _leaves_of(tree)


def _leaves_of(tree):
    kind = tree[0]
    if kind == "array":
        yield tree
    elif kind in ("tuple", "list"):
        for c in tree[1]:
            yield from _leaves_of(c)
    elif kind in ("dict", "namedtuple"):
        for c in tree[2]:
            yield from _leaves_of(c)


def _unflatten_result(tree, outputs):
    kind = tree[0]
    if kind == "array":
        return next(outputs)
    if kind == "namedtuple":
        return tree[1](*(_unflatten_result(c, outputs) for c in tree[2]))
    if kind == "tuple":
        return tuple(_unflatten_result(c, outputs) for c in tree[1])
    if kind == "list":
        return [_unflatten_result(c, outputs) for c in tree[1]]
    if kind == "dict":
        return {k: _unflatten_result(c, outputs) for k, c in zip(tree[1], tree[2])}
    raise AssertionError(kind)


def jit(fn=None, *, name=None, pipeline="tiled", device="cpu"):
    """Decorator: compile a Python function of seq tensors.

        @seq.jit
        def layer(x, w):
            return seq.silu(x @ w)

        y = layer(x_np, w_np)        # traces, compiles, runs
        y = layer(x_np, w_np)        # cached: runs only

    `pipeline="reference"` compiles with the scalar reference lowering;
    `device="cuda"` runs on an NVIDIA GPU (seq.Error without one).
    """
    if fn is None:
        return lambda f: JitFunction(f, name=name, pipeline=pipeline, device=device)
    return JitFunction(fn, name=name, pipeline=pipeline, device=device)
