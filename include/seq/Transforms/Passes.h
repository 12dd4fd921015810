//===- Passes.h - target-independent seq passes -----------------*- C++ -*-===//

#ifndef SEQ_TRANSFORMS_PASSES_H
#define SEQ_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::seq {

#define GEN_PASS_DECL
#include "seq/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seq/Transforms/Passes.h.inc"

} // namespace mlir::seq

#endif // SEQ_TRANSFORMS_PASSES_H
