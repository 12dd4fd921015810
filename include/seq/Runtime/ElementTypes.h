//===- ElementTypes.h - runtime dtypes <-> MLIR element types ---*- C++ -*-===//
//
// The mapping between the runtime's DType table (seq/Runtime/Tensor.h) and
// MLIR element types. It is derived from the table's MLIR spellings, so the
// table stays the one place that lists the element types seq exchanges.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_ELEMENTTYPES_H
#define SEQ_RUNTIME_ELEMENTTYPES_H

#include "seq/Runtime/Tensor.h"

#include "mlir/IR/Types.h"

#include <optional>

namespace mlir {
class MLIRContext;
} // namespace mlir

namespace seq::runtime {

/// The DType of an MLIR element type, if compiled functions can exchange it.
std::optional<DType> dtypeOf(mlir::Type elementType);

/// The MLIR element type of `dtype`.
mlir::Type elementType(DType dtype, mlir::MLIRContext &context);

} // namespace seq::runtime

#endif // SEQ_RUNTIME_ELEMENTTYPES_H
