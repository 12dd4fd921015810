"""@seq.jit: trace on first call, specialize on shapes and dtypes, compile
once, cache, run on NumPy arrays."""

import functools

import numpy as np

from . import _tracer as T

_engines = {}


def _core():
    from . import _core
    return _core


def engine(pipeline="tiled"):
    """The process-wide compiler engine of a pipeline ('tiled', the default,
    or 'reference'), created on first use."""
    if pipeline not in _engines:
        _engines[pipeline] = _core().Engine(pipeline=pipeline)
    return _engines[pipeline]


def _static_key(value):
    """Non-array arguments are compile-time constants of the trace."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return (type(value).__name__, value)
    if isinstance(value, tuple) and all(_static_key(v) for v in value):
        return ("tuple", tuple(_static_key(v) for v in value))
    return None


class JitFunction:
    """A Python function compiled by seq for each new signature it is called
    with. Call it with NumPy arrays (and Python constants); inspect it with
    `.ir(*args)` (seq IR) and `.lowered(*args, stage=...)`. `pipeline` is
    'tiled' (tiled, vectorized, multi-threaded) or 'reference' (the scalar
    reference lowering the tiled path is checked against)."""

    def __init__(self, fn, name=None, pipeline="tiled"):
        functools.update_wrapper(self, fn)
        if pipeline not in _core().PIPELINES:
            raise T.Error(f"unknown pipeline {pipeline!r}; valid pipelines: "
                          + ", ".join(repr(p) for p in _core().PIPELINES))
        self.fn = fn
        self.pipeline = pipeline
        raw = name or getattr(fn, "__name__", "fn")
        # A valid MLIR symbol: '<lambda>' becomes 'lambda'.
        self.name = "".join(c if c.isalnum() or c == "_" else "_" for c in raw).strip("_") or "fn"
        if self.name[0].isdigit():
            self.name = "fn_" + self.name
        self._cache = {}

    def _signature(self, args):
        key = []
        for i, a in enumerate(args):
            if isinstance(a, np.ndarray):
                key.append((a.shape, a.dtype.str, a.dtype.name))
                continue
            static = _static_key(a)
            if static is None:
                raise T.Error(f"{self.name}: argument #{i} is a "
                              f"{type(a).__name__}; @seq.jit functions take NumPy "
                              "arrays and Python constants (bool, int, float, str, "
                              "None, tuples of them)")
            key.append(static)
        return tuple(key)

    def _trace(self, args):
        builder = T.Builder(self.name)
        traced_args = []
        for a in args:
            if isinstance(a, np.ndarray):
                traced_args.append(builder.add_argument(a.shape, T.numpy_to_mlir(a.dtype)))
            else:
                traced_args.append(a)
        with T.tracing(builder):
            result = self.fn(*traced_args)
        single = isinstance(result, T.Tensor)
        results = [result] if single else list(result) if isinstance(result, (tuple, list)) else None
        if not results or not all(isinstance(r, T.Tensor) for r in results):
            raise T.Error(f"{self.name}: a traced function must return a seq "
                          f"tensor or a tuple of them, got {type(result).__name__}")
        if any(r.builder is not builder for r in results):
            raise T.Error(f"{self.name}: returns a tensor of another traced function")
        text = "module {\n  " + builder.finish(results) + "\n}\n"
        return text, single

    def _compiled(self, args):
        key = self._signature(args)
        entry = self._cache.get(key)
        if entry is None:
            text, single = self._trace(args)
            try:
                function = engine(self.pipeline).compile(text, self.name, self.name)
            except _core().CompileError as e:
                raise T.Error(f"{self.name}: {e}") from None
            entry = (function, single, text)
            self._cache[key] = entry
        return entry

    def __call__(self, *args):
        function, single, _ = self._compiled(args)
        arrays = [a for a in args if isinstance(a, np.ndarray)]
        try:
            outputs = function(*arrays)
        except ValueError as e:
            raise T.Error(f"{self.name}: {e}") from None
        return outputs[0] if single else tuple(outputs)

    def ir(self, *args):
        """The seq IR traced for these arguments (pretty-printed, verified)."""
        return self.lowered(*args, stage="seq")

    def lowered(self, *args, stage="loops"):
        """The IR after a stage of seq-to-cpu: "seq", "tiled", "loops",
        "buffers", "llvm" (on this function's pipeline)."""
        cached = self._cache.get(self._signature(args))
        text = cached[2] if cached else self._trace(args)[0]
        try:
            return _core().lower(text, stage, self.name, self.pipeline)
        except _core().CompileError as e:
            raise T.Error(f"{self.name}: {e}") from None

    def source(self, *args):
        """The MLIR text as traced (before parsing)."""
        return self._trace(args)[0]


def jit(fn=None, *, name=None, pipeline="tiled"):
    """Decorator: compile a Python function of seq tensors.

        @seq.jit
        def layer(x, w):
            return seq.silu(x @ w)

        y = layer(x_np, w_np)        # traces, compiles, runs
        y = layer(x_np, w_np)        # cached: runs only

    `pipeline="reference"` compiles with the scalar reference lowering.
    """
    if fn is None:
        return lambda f: JitFunction(f, name=name, pipeline=pipeline)
    return JitFunction(fn, name=name, pipeline=pipeline)
