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

#endif // SEQ_TRANSFORMS_PASSES_TD
