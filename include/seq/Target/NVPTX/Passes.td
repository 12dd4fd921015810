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

def SeqGpuFuseElementwise
    : Pass<"seq-gpu-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse host-level elementwise chains into one op (one kernel)";
  let description = [{
    MLIR's elementwise-op fusion, restricted to the GPU path's needs: a
    producer is fused into its consumer when both are at the host level
    (outside tile loops, whose ops the schedules already arranged) and the
    producer has no other user (so nothing is computed twice). Shapes are
    left alone: no reshape propagation, so contractions keep their m, n and
    k dimensions for the tensor-core tiling.

    Example: the DSL's `seq.tanh(x @ w)` in f16 traces to the contraction,
    a `truncf` generic and a `tanh` generic; the last two become one
    generic, so one kernel instead of two.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def SeqGpuTileContractions
    : Pass<"seq-gpu-tile-contractions", "::mlir::func::FuncOp"> {
  let summary = "Tile tensor-core contractions into thread-block tiles";
  let description = [{
    The GPU schedule of a contraction (`linalg.matmul`, `batch_matmul`, a
    contraction `linalg.generic` such as the DSL's `@`) with f16 or bf16
    operands, an f32 accumulator and static sizes the target's `mma.sync`
    shape divides: `scf.forall` over tiles of BM x BN of C, one per thread
    block (batch and unit-wide dimensions one at a time), with the zero
    `linalg.fill` of C fused into the tile and the whole K range left to
    the tile (seq-gpu-map-blocks stages it through shared memory and runs it
    on the warps' tensor cores).

    Tile sizes, from the target model: BM = 64 and BN = 64 (the largest of
    64, 32, 16 resp. 64, 32, 16, 8 dividing M and N), halved down to 32
    while the grid has fewer blocks than the chip has multiprocessors; 128
    threads (four warps, a 16 x 64 accumulator tile each: 32 registers).
    The loop gets `seq.gpu.threads` and `seq.gpu.kernel = "matmul"`. Other
    contractions are left alone (they run SIMT).
  }];
  let dependentDialects = [
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqGpuSharedTiles : Pass<"seq-gpu-shared-tiles", "::mlir::func::FuncOp"> {
  let summary = "Allocate the tensors of thread-block tiles in shared memory";
  let description = [{
    In the body of a top-level `scf.forall` (a grid of thread blocks on the
    GPU path), every `tensor.empty` becomes a `bufferization.alloc_tensor`
    in the workgroup memory space, and every `tensor.pad` with a constant
    becomes such a buffer filled with the constant with the source inserted.
    One-shot bufferization keeps the memory space for everything derived, so
    the tile's intermediate results (attention's scores, running max and
    sum, accumulator; padded boundary tiles) are the block's shared memory.

    Example: inside the loop, `%s = tensor.empty() : tensor<64x32xf32>`
    becomes `%s = bufferization.alloc_tensor() {memory_space =
    #gpu.address_space<workgroup>} : tensor<64x32xf32>`.
  }];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqGpuMapBlocks : Pass<"seq-gpu-map-blocks", "::mlir::func::FuncOp"> {
  let summary = "Run host-level tile loops as thread blocks";
  let description = [{
    Every `scf.forall` at the top level of a function (on buffers, after
    bufferization) is a grid of thread blocks: it becomes a `gpu.launch`
    with one block per iteration (up to three loops map to the grid's z, y,
    x; more are linearized), and the ops of its body are shared out among
    the block's threads:

    - an f16/bf16 contraction with an f32 accumulator whose sizes the
      target's `mma.sync` shape divides runs on the warps' tensor cores: A
      and B are staged through shared memory in chunks of K (copied by all
      threads), each warp keeps its tile of C in registers as MMA
      accumulators across K (`vector.contract` on 16x8x16 fragments, which
      convert-vector-to-gpu turns into `nvgpu.mma.sync` and `ldmatrix`);
    - every other op with `TilingInterface` runs SIMT: thread t computes the
      points t, t + threads, ... of the op's parallel loops through its
      scalar implementation;
    - buffers the body allocates (in the workgroup memory space) become the
      kernel's shared memory; a `gpu.barrier` follows every distributed op.

    A schedule sets the block size with `seq.gpu.threads` on the loop and
    the kernel's name with `seq.gpu.kernel`.

    Example: `scf.forall (%i, %j) in (2, 4) {...}` becomes `gpu.launch
    blocks(...) in (4, 2, 1) threads(...) in (128, 1, 1)`.
  }];
  let options = [
    Option<"defaultThreads", "threads", "int64_t", /*default=*/"128",
           "Threads per block when the loop does not say">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Run eligible contractions on tensor cores">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
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

def SeqGpuRegisterBudget : Pass<"seq-gpu-register-budget", "::mlir::ModuleOp"> {
  let summary = "Give each kernel a register budget from the target model";
  let description = [{
    Sets `nvvm.maxnreg` on every outlined kernel with a known block size:
    the model's registers per multiprocessor divided by two blocks of the
    kernel's threads, at most the model's registers per thread (255), in
    steps of 8. Without a budget ptxas chooses registers for occupancy and,
    on sm_90a, spills the tensor-core accumulators of 128-thread blocks.

    Example: a 128-thread kernel on sm_80 gets `nvvm.maxnreg = 248`, a
    256-thread kernel 128.
  }];
  let dependentDialects = ["::mlir::NVVM::NVVMDialect"];
}

#endif // SEQ_TARGET_NVPTX_PASSES_TD
