//===- Passes.h - target-dependent seq passes -------------------*- C++ -*-===//

#ifndef SEQ_TARGET_PASSES_H
#define SEQ_TARGET_PASSES_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::seq {

#define GEN_PASS_DECL
#include "seq/Target/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seq/Target/Passes.h.inc"

} // namespace mlir::seq

#endif // SEQ_TARGET_PASSES_H
