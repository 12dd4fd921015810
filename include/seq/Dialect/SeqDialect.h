//===- SeqDialect.h - the seq dialect ---------------------------*- C++ -*-===//

#ifndef SEQ_DIALECT_SEQDIALECT_H
#define SEQ_DIALECT_SEQDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "seq/SeqDialect.h.inc"

#endif // SEQ_DIALECT_SEQDIALECT_H
