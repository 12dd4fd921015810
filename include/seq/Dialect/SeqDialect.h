//===- SeqDialect.h - the seq dialect ---------------------------*- C++ -*-===//

#ifndef SEQ_DIALECT_SEQDIALECT_H
#define SEQ_DIALECT_SEQDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "seq/SeqDialect.h.inc"

#endif // SEQ_DIALECT_SEQDIALECT_H
