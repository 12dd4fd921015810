//===- SeqTransformOps.h - transform-dialect ops for seq --------*- C++ -*-===//

#ifndef SEQ_TRANSFORMOPS_SEQTRANSFORMOPS_H
#define SEQ_TRANSFORMOPS_SEQTRANSFORMOPS_H

#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.h"
#include "mlir/IR/OpImplementation.h"

#define GET_OP_CLASSES
#include "seq/TransformOps/SeqTransformOps.h.inc"

namespace mlir::seq {
/// Registers the transform.seq.* ops with the transform dialect.
void registerTransformDialectExtension(DialectRegistry &registry);
} // namespace mlir::seq

#endif // SEQ_TRANSFORMOPS_SEQTRANSFORMOPS_H
