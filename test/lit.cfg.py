# -*- Python -*-
# lit configuration of the seq regression tests.

import os
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SEQ"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test", ".py"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "reference", "Inputs",
                   "conftest.py", "common.py", "run-lit.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.seq_obj_root, "test")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
# Under scripts/sanitize.sh the Python interpreter (not instrumented) must load
# the ASan runtime before seq's instrumented extension; the tools it starts are
# instrumented themselves and get LD_PRELOAD removed (test/Integration/common.py).
python_preload = os.environ.get("SEQ_SANITIZER_PRELOAD")
if python_preload:
    config.substitutions.append(
        ("%python", f"env LD_PRELOAD={python_preload} {config.python_executable}"))
else:
    config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%seq_src_root", config.seq_src_root))
config.substitutions.append(("%seq_obj_root", config.seq_obj_root))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

# Python tests (integration) import the NumPy reference from the source tree,
# and the dtype table and accumulation rule from the seq extension.
llvm_config.with_environment(
    "PYTHONPATH",
    [os.path.join(config.seq_src_root, "test", "Integration", "reference"),
     os.path.join(config.seq_src_root, "test", "Integration"),
     os.path.join(config.seq_obj_root, "python_packages")],
    append_path=True)
llvm_config.with_environment("SEQ_TOOLS_DIR", config.seq_tools_dir)

tool_dirs = [config.seq_tools_dir, config.llvm_tools_dir]
tools = ["seq-opt", "seq-compile", "mlir-opt"]
for optional in ["seq-run", "seq-host-attention"]:
    if os.path.exists(os.path.join(config.seq_tools_dir, optional)):
        tools.append(optional)
        config.available_features.add(optional)
llvm_config.add_tool_substitutions(tools, tool_dirs)

# Building an application against the installed package (Integration/host).
config.substitutions.append(("%cmake", config.cmake_command))
config.substitutions.append(("%cxx", config.cxx_compiler))

if shutil.which("clang-22"):
    config.available_features.add("clang")
if shutil.which("ptxas", path="/usr/local/cuda/bin"):
    config.available_features.add("ptxas")
# The CUDA driver stand-in of the unit tests (records launches, runs none).
if os.path.exists(os.path.join(config.seq_obj_root, "lib", "libSeqFakeCudaDriver.so")):
    config.available_features.add("fake-cuda-driver")
