"""Writes the seq programs of the DSL examples as .mlir files, without
running them: every @seq.jit call is traced (JitFunction.source) and answers
zeros of its result types, so main() goes through all of its programs
quickly (its own checks then fail, which is ignored here).

    trace_examples.py EXAMPLES_DIR OUT_DIR

Needs the seq package on PYTHONPATH. Prints one line per program written.
"""

import contextlib
import importlib.util
import io
import os
import re
import sys

import numpy as np

import seq
import seq._jit as jit

DTYPES = {"f32": np.float32, "f64": np.float64, "f16": np.float16,
          "i32": np.int32, "i64": np.int64, "i1": np.bool_,
          "complex<f32>": np.complex64, "complex<f64>": np.complex128}

EXAMPLES = ["flash_attention.py", "dcformer.py", "megalodon/megalodon.py",
            "based.py", "gla.py", "h3.py", "hyena.py", "jrt_rnn.py",
            "mamba2.py", "mega_ema.py", "s4d.py"]


def result_arrays(text):
    """Zero arrays of the result types of the traced function."""
    signature = re.search(r"func\.func @\w+\((.*?)\) -> \(?(.*?)\)? \{", text)
    results = re.findall(r"tensor<([0-9x]*)x?([a-z0-9<>]+)>", signature.group(2))
    arrays = []
    for shape, element in results:
        dims = [int(d) for d in shape.split("x") if d] if shape else []
        if element == "bf16":
            import ml_dtypes
            arrays.append(np.zeros(dims, ml_dtypes.bfloat16))
        else:
            arrays.append(np.zeros(dims, DTYPES[element]))
    return arrays


def main():
    examples_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    seen = {}
    current = [""]

    def traced_call(self, *args):
        text = self.source(*args)
        if text not in seen:
            name = f"{current[0]}.{self.name}.{len(seen)}.mlir"
            seen[text] = name
            with open(os.path.join(out_dir, name), "w") as f:
                f.write(text)
        arrays = result_arrays(text)
        return arrays[0] if len(arrays) == 1 else tuple(arrays)

    jit.JitFunction.__call__ = traced_call
    for relpath in EXAMPLES:
        current[0] = os.path.basename(relpath)[:-3]
        path = os.path.join(examples_dir, relpath)
        sys.path.insert(0, os.path.dirname(path))
        spec = importlib.util.spec_from_file_location("example_" + current[0], path)
        module = importlib.util.module_from_spec(spec)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                spec.loader.exec_module(module)
                module.main([])
        except Exception:  # the example's own checks fail on the zero results
            pass
        finally:
            sys.path.pop(0)
    for name in seen.values():
        print(name)
    return 0 if seen else 1


if __name__ == "__main__":
    sys.exit(main())
