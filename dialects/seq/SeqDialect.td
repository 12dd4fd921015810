//===- SeqDialect.td - the seq dialect ---------------------*- tablegen -*-===//
//
// The seq dialect: sequence operators of long-context neural networks.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_DIALECT_TD
#define SEQ_DIALECT_TD

include "mlir/IR/OpBase.td"

def Seq_Dialect : Dialect {
  let name = "seq";
  let cppNamespace = "::mlir::seq";
  let summary = "Sequence operators of long-context neural networks";
  let description = [{
    The `seq` dialect says *what* a sequence layer computes — softmax attention
    with every common mask, DCFormer head composition, linear recurrences
    (scans), MEGA/MEGALODON exponential moving averages, long convolutions,
    FFTs, linear attention with decays and prefixes, feature maps, timestep
    normalization and rotary embeddings — on ranked tensors, in
    destination-passing style. Passes decide *how*: tiling for fast memory,
    FFTs as Monarch GEMMs, chunked scans, and lowering to CPU and NVPTX.

    The exact formula and layout of every op is in its description below and
    in `docs/Semantics.md`; both follow `specs/OPS.md`, the math taken from
    each paper's official code.
  }];
  let useDefaultAttributePrinterParser = 1;
  // Folds tensor.cast producers into seq ops (see SeqCanonicalization.cpp).
  let hasCanonicalizer = 1;
  // The dialects seq ops are decomposed into and whose ops their reference
  // computations and tiles are made of.
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

class Seq_Op<string mnemonic, list<Trait> traits = []>
    : Op<Seq_Dialect, mnemonic, traits>;

#endif // SEQ_DIALECT_TD
