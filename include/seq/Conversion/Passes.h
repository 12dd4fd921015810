//===- Passes.h - seq conversion passes -------------------------*- C++ -*-===//

#ifndef SEQ_CONVERSION_PASSES_H
#define SEQ_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::seq {

#define GEN_PASS_DECL
#include "seq/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seq/Conversion/Passes.h.inc"

} // namespace mlir::seq

#endif // SEQ_CONVERSION_PASSES_H
