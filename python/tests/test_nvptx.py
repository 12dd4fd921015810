"""The GPU side of the DSL without a GPU: f.ptx()/f.kernels() compile
through seq-to-nvptx; device="cuda" fails cleanly without a driver, and runs
the whole host path (copies, launches) on the fake driver the unit tests
build (launches are recorded, not executed, so outputs are not checked)."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import seq


@seq.jit
def projection(x, w):
    return seq.tanh(x @ w)


def f16(*shape):
    return np.random.default_rng(0).standard_normal(shape).astype(np.float16)


def test_ptx_has_tensor_core_mma():
    x, w = f16(64, 128), f16(128, 256)
    ptx = projection.ptx(x, w, arch="sm_80")
    assert list(ptx) == ["projection_matmul_0", "projection_generic_0"]
    matmul = ptx["projection_matmul_0"]
    assert ".target sm_80" in matmul
    assert "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32" in matmul
    assert "ldmatrix.sync.aligned" in matmul
    assert "mma.sync" not in ptx["projection_generic_0"]
    assert ".target sm_90a" in projection.ptx(x, w, arch="sm_90a")["projection_matmul_0"]


def test_kernels_describe_launches():
    x, w = f16(64, 128), f16(128, 256)
    kernels = projection.kernels(seq.ShapeDtype(x.shape, x.dtype),
                                 seq.ShapeDtype(w.shape, w.dtype), arch="sm_80")
    matmul, generic = kernels
    assert matmul["block"] == ("128", "1", "1")
    assert matmul["mma_sync"] > 0
    assert [p[2] for p in matmul["parameters"] if p[0] == "memref"] == \
        ["input0", "input1", "temporary0"]
    assert generic["grid"] == ("64", "1", "1")
    assert '"name": "projection_matmul_0"' in matmul["descriptor"]


@pytest.mark.skipif(not os.path.exists("/usr/local/cuda/bin/ptxas"),
                    reason="no CUDA toolkit (ptxas) on this machine")
def test_kernels_assembled_by_ptxas():
    x, w = f16(64, 128), f16(128, 256)
    for kernel in projection.kernels(x, w, arch="sm_90a", assemble=True):
        assert kernel["cubin"][:4] == b"\x7fELF"
        assert kernel["ptxas"]["spill_store_bytes"] == 0


def test_bad_arch():
    with pytest.raises(seq.Error, match="unknown GPU target 'sm_70'"):
        projection.ptx(f16(64, 128), f16(128, 256), arch="sm_70")


def test_bad_device():
    with pytest.raises(seq.Error, match="unknown device 'tpu'"):
        seq.jit(lambda x: x, device="tpu")


@pytest.mark.skipif(seq.cuda_available(), reason="a CUDA GPU is available here")
def test_cuda_device_without_gpu():
    gpu = seq.jit(projection.fn, name="projection", device="cuda")
    with pytest.raises(seq.Error, match="no CUDA device available"):
        gpu(f16(64, 128), f16(128, 256))


def fake_driver():
    """The fake driver the unit tests use, next to the build's libraries."""
    build = os.path.dirname(os.path.dirname(os.path.abspath(seq.__file__)))
    path = os.path.join(os.path.dirname(build), "lib", "libSeqFakeCudaDriver.so")
    return path if os.path.exists(path) else None


@pytest.mark.skipif(fake_driver() is None, reason="the fake CUDA driver is not built")
def test_cuda_device_on_fake_driver():
    script = textwrap.dedent("""
        import numpy as np, seq
        @seq.jit(device="cuda")
        def projection(x, w):
            return seq.tanh(x @ w)
        x = np.ones((64, 128), np.float16)
        w = np.ones((128, 256), np.float16)
        y = projection(x, w)
        print(seq.cuda_available(), y.shape, y.dtype)
    """)
    env = dict(os.environ, SEQ_CUDA_DRIVER=fake_driver())
    run = subprocess.run([sys.executable, "-c", script], env=env,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["True", "(64,", "256)", "float16"]
