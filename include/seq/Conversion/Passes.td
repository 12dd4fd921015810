//===- Passes.td - seq conversion passes -------------------*- tablegen -*-===//

#ifndef SEQ_CONVERSION_PASSES_TD
#define SEQ_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSeqToLoops : Pass<"convert-seq-to-loops"> {
  let summary = "Lower every seq op to reference loops over buffers";
  let description = [{
    The reference lowering: every seq op, with every variant its verifier
    accepts, becomes `scf` loops over `memref` buffers with `arith`, `math`
    and `complex` scalar code. Inputs are read through
    `bufferization.to_buffer`, results are fresh buffers returned through
    `bufferization.to_tensor`, so the output is still tensor IR that
    one-shot bufferization finishes.

    It is numerically careful rather than fast: attention subtracts the row
    maximum before exponentiating, fully masked rows give zeros and a `+inf`
    logsumexp, f16/bf16 data is computed in f32, and FFTs are direct DFTs
    with exactly reduced twiddle angles. Later passes (tiling, Monarch FFTs,
    chunked scans) are measured against it.

    Example:
    ```
    seq-opt --convert-seq-to-loops input.mlir
    ```
    turns `seq.scan ins(%a, %b ...)` into an `scf.for` over time nested in
    loops over the batch and state dimensions. An op it cannot lower is
    reported as an error at the op's location.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // SEQ_CONVERSION_PASSES_TD
