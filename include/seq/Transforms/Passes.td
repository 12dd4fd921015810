//===- Passes.td - target-independent seq passes -----------*- tablegen -*-===//

#ifndef SEQ_TRANSFORMS_PASSES_TD
#define SEQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SeqReadOnlyArguments : Pass<"seq-read-only-arguments", "::mlir::ModuleOp"> {
  let summary = "Mark tensor arguments of public functions read-only for bufferization";
  let description = [{
    A compiled seq function reads its inputs from caller-owned memory (the
    JIT engine passes NumPy or host arrays by pointer, with no copy). One-shot
    bufferization treats public function arguments as writable and may update
    them in place, which would corrupt the caller's arrays. This pass sets
    `bufferization.writable = false` on every ranked-tensor argument of every
    public `func.func`, so bufferization copies before writing instead.

    Example: after the pass,
    ```mlir
    func.func @f(%x: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32>
    ```
  }];
}

def SeqApproximateMath : Pass<"seq-approximate-math"> {
  let summary = "Polynomial approximations of exp, log, tanh and erf";
  let description = [{
    Replaces `math.exp`, `expm1`, `log`, `log1p`, `log2`, `tanh` and `erf`
    on f32 (and, through f32, on f16 and bf16) scalars and vectors by
    MLIR's polynomial approximations, which vectorize: a call of libm's
    `expf` costs 2-3.5 ns per element, the polynomial 0.14-0.46 ns (the
    FlashAttention recipe in shared/recipes). Trigonometric functions are
    left to libm, whose argument reduction stays exact for large angles.

    Example: `%e = math.exp %x : vector<16xf32>` becomes a range reduction,
    a polynomial and an exponent insertion on `vector<16xf32>`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def SeqHoistTileBuffers : Pass<"seq-hoist-tile-buffers", "::mlir::func::FuncOp"> {
  let summary = "Allocate the scratch buffers of a tile once, not per iteration";
  let description = [{
    After bufferization every tensor a tile computes in a sequential loop
    (FlashAttention's score tile, per key tile) is a `memref.alloc` inside
    that `scf.for`, i.e. a malloc and free per iteration. This pass moves
    each statically shaped allocation that does not flow out of its
    iteration (through the loop's `scf.yield`, directly or through a view)
    out of the enclosing `scf.for` loops — but never out of an `scf.forall`
    or `scf.parallel` body, whose iterations run on different threads and
    need buffers of their own. `promote-buffers-to-stack` then turns the
    small ones into stack allocations of each thread.

    Example: `scf.for %j ... { %s = memref.alloc() : memref<64x64xf32> ... }`
    becomes `%s = memref.alloc() : memref<64x64xf32>; scf.for %j ... { ... }`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def SeqDistinctResultBuffers
    : Pass<"seq-distinct-result-buffers", "::mlir::func::FuncOp"> {
  let summary = "Give every memref result of a function its own SSA value";
  let description = [{
    After bufferization a function may return one buffer in several result
    positions (`return %y, %y` in the source, or two tensor results that
    bufferized to the same allocation). Each result becomes its own
    caller-owned out-parameter in `buffer-results-to-out-params`, and that
    pass (LLVM 22, with `hoist-static-allocs`) replaces and erases a returned
    allocation the first time it sees it, then reads the erased operation at
    the repeated position (llvm/llvm-project#219492, fixed upstream after
    LLVM 22).

    This pass runs just before it and establishes its precondition: in every
    `func.return`, an operand defined by an allocation
    (`AllocationOpInterface`) that repeats an earlier operand is replaced by
    a fresh allocation holding a copy. The first occurrence keeps the
    original buffer (and so may still be hoisted into its out-parameter);
    each repetition costs one copy, which the distinct out-parameters need
    anyway. Dynamic sizes are taken with `memref.dim`. Other repeated buffers
    (function arguments, views) are left alone: the out-parameter pass copies
    them into each out-parameter already.

    Example:
    ```mlir
    func.func @f() -> (memref<4xf32>, memref<4xf32>) {
      %a = memref.alloc() : memref<4xf32>
      return %a, %a : memref<4xf32>, memref<4xf32>
    }
    ```
    becomes
    ```mlir
    func.func @f() -> (memref<4xf32>, memref<4xf32>) {
      %a = memref.alloc() : memref<4xf32>
      %b = memref.alloc() : memref<4xf32>
      memref.copy %a, %b : memref<4xf32> to memref<4xf32>
      return %a, %b : memref<4xf32>, memref<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def SeqRankPreservingSlices : Pass<"seq-rank-preserving-slices"> {
  let summary = "Rewrite rank-reducing tensor slices as rank-preserving slices and reshapes";
  let description = [{
    Indexing with integers (`x[3, :, 1:3:2]`) gives a rank-reducing
    `tensor.extract_slice` (and storing into such a slice a rank-reducing
    `tensor.insert_slice`). Bufferized, they become rank-reducing
    `memref.subview`s, and MLIR 22 decides which dimensions such a subview
    drops by matching the strides of the *source* against those of the
    result: with a step on a kept dimension (whose result stride is then
    source stride × step) the matching fails, `getDroppedDims` dereferences
    the failure and `expand-strided-metadata` crashes (a SIGSEGV).

    This pass removes rank reduction from tensor slices before
    bufferization: the slice keeps every dimension, and a
    `tensor.collapse_shape` (for `insert_slice`, a `tensor.expand_shape` of
    the inserted value) drops or adds the unit dimensions. The elements and
    types are unchanged; the subviews no longer drop dimensions.

    Example:
    ```mlir
    %s = tensor.extract_slice %x[3, 0, 1] [1, 16, 1] [1, 1, 2]
        : tensor<7x16x7xi64> to tensor<16x1xi64>
    ```
    becomes
    ```mlir
    %f = tensor.extract_slice %x[3, 0, 1] [1, 16, 1] [1, 1, 2]
        : tensor<7x16x7xi64> to tensor<1x16x1xi64>
    %s = tensor.collapse_shape %f [[0, 1], [2]]
        : tensor<1x16x1xi64> into tensor<16x1xi64>
    ```
  }];
}

#endif // SEQ_TRANSFORMS_PASSES_TD
