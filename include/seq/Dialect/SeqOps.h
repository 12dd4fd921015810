//===- SeqOps.h - seq operations --------------------------------*- C++ -*-===//

#ifndef SEQ_DIALECT_SEQOPS_H
#define SEQ_DIALECT_SEQOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "seq/Dialect/SeqDialect.h"
#include "seq/Dialect/SeqTiling.h"

#include "seq/SeqEnums.h.inc"

namespace mlir::seq {

/// The type seq ops compute in for data of `element` type: f64 for f64 (and
/// complex<f64>) data, f32 for f16, bf16 and f32 (and complex<f32>). The one
/// definition of the rule; the Python DSL reads it through seq._core.
FloatType getAccumulationType(Type element);

/// The accumulation type of an op whose float operands may differ in
/// precision: f64 as soon as one of `types` (element or shaped types) has
/// f64 elements, f32 otherwise. Null types are skipped.
FloatType getWidestAccumulationType(ArrayRef<Type> types);

} // namespace mlir::seq

#include "seq/SeqInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "seq/SeqAttrs.h.inc"

#define GET_OP_CLASSES
#include "seq/SeqOps.h.inc"

#endif // SEQ_DIALECT_SEQOPS_H
