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

#endif // SEQ_TRANSFORMS_PASSES_TD
