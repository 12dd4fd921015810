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

#define GET_ATTRDEF_CLASSES
#include "seq/SeqAttrs.h.inc"

#include "seq/SeqInterfaces.h.inc"

#define GET_OP_CLASSES
#include "seq/SeqOps.h.inc"

#endif // SEQ_DIALECT_SEQOPS_H
