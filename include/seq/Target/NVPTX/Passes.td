//===- Passes.td - passes of the NVPTX target --------------*- tablegen -*-===//
//
// The pieces of seq-to-nvptx that upstream MLIR does not have. Everything
// else in the pipeline (tiling with GPU mappings, bufferization, forall to
// blocks and threads, vector to nvgpu MMA, NVVM, gpu-module-to-binary) is
// upstream.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TARGET_NVPTX_PASSES_TD
#define SEQ_TARGET_NVPTX_PASSES_TD

include "mlir/Pass/PassBase.td"

def SeqGpuTarget : Pass<"seq-gpu-target", "::mlir::ModuleOp"> {
  let summary = "Choose the GPU target model the NVPTX schedules read";
  let description = [{
    Looks the chip up among seq's target models (`seq-opt
    --seq-print-target=NAME`) and records it on the module as
    `seq.target = "sm_90a"`, so that the GPU schedules and the NVVM target
    attached later agree. An unknown name, or a CPU model, is an error that
    lists the GPU models.

    Example: `seq-opt --seq-gpu-target=chip=sm_90a` adds
    `module attributes {seq.target = "sm_90a"}`.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_80\"",
           "The GPU model: sm_80 or sm_90a">,
  ];
}

def SeqGpuMapSimt : Pass<"seq-gpu-map-simt", "::mlir::func::FuncOp"> {
  let summary = "Run each host-level structured op on buffers as a SIMT kernel";
  let description = [{
    The fallback of the GPU mapping: every op that is still on the host after
    the target's schedules ran, works on buffers and implements
    `TilingInterface` (linalg ops, `linalg.copy` of bufferization, seq ops in
    their buffer form) becomes one `gpu.launch` with one thread per point of
    the op's parallel loops. Each thread runs the op's reduction loops and
    its scalar implementation (`generateScalarImplementation`, the reference
    semantics of the op), so the kernel computes exactly what the op means.
    Consecutive threads take consecutive points of the innermost parallel
    loop, so loads and stores along it coalesce. Host-level `memref.copy`
    ops become `linalg.copy` first.

    The launch has 1-D blocks of `block-size` threads (fewer when the op has
    fewer points) and enough blocks to cover every point; threads past the
    end do nothing, so dynamic shapes work. The kernel is named after the
    function and the op (`@layer_generic_2`).

    Example: a 128x256 `linalg.generic` becomes a launch of 128 blocks of
    256 threads whose body loads, computes and stores one element.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block (a multiple of the warp size)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def SeqGpuLegalizeHost : Pass<"seq-gpu-legalize-host", "::mlir::func::FuncOp"> {
  let summary = "Make the host side of a mapped function device-memory only";
  let description = [{
    After the GPU mapping, the host code of a function only allocates,
    launches and frees: its arguments are device buffers, and every
    computation runs in a `gpu.launch`. This pass finishes the host side:

    - `memref.alloc`/`memref.alloca` outside kernels become `gpu.alloc`, and
      each is freed with `gpu.dealloc` before the function returns (a host
      `memref.dealloc` becomes `gpu.dealloc`);
    - `memref.get_global` ops used only inside kernels move into those
      kernels (outlining then copies the global into the GPU module);
    - anything left on the host that reads or writes memory (a load, a
      store, an op without a GPU mapping) is reported at its location: it
      would touch device memory from the CPU.

    Example:
    ```mlir
    %t = memref.alloc() : memref<128xf32>      // becomes gpu.alloc
    gpu.launch ... { ... %t ... }
    return                                      // preceded by gpu.dealloc %t
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

#endif // SEQ_TARGET_NVPTX_PASSES_TD
