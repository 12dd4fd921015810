//===- ReferenceUtils.h - helpers of the reference computations -*- C++ -*-===//
//
// The reference computation of every seq op (SeqOpInterface::
// prepareReference) is scalar scf loops over the op's buffers: loads
// converted to the accumulation type, arithmetic, stores converted back.
// These helpers keep the per-op code about the math.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_DIALECT_REFERENCE_REFERENCEUTILS_H
#define SEQ_LIB_DIALECT_REFERENCE_REFERENCEUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"
#include "seq/Dialect/SeqTiling.h"

#include <functional>
#include <memory>

namespace mlir::seq::reference {

/// The emitter of one iteration point, as a callable.
using PointEmitter = std::function<void(OpBuilder &, Location, ValueRange)>;

/// A ReferenceImplementation that runs `emit` for each point. The callable
/// owns (copies of) the values the shared work produced.
std::unique_ptr<ReferenceImplementation> pointwise(PointEmitter emit);

/// f64 for f64 data, f32 for f16/bf16/f32: the type the reference computes in
/// (mlir::seq::getAccumulationType).
FloatType accumulationType(Type element);

/// The accumulation type of an op whose float operands may differ in
/// precision: f64 as soon as one of `values` is f64 (or complex<f64>), f32
/// otherwise. Null values (absent optional operands) are skipped
/// (mlir::seq::getWidestAccumulationType).
FloatType widestAccumulationType(ArrayRef<Value> values);

/// A scratch buffer with static or dynamic `sizes` (index values). Do not
/// free it: seq-to-cpu's ownership-based deallocation frees every
/// non-escaping buffer and rejects hand-written memref.dealloc ops (and
/// `bufferization.manual_deallocation` marks do not survive canonicalization
/// rebuilding an alloc whose sizes fold to constants).
Value allocScratch(OpBuilder &b, Location loc, ArrayRef<Value> sizes,
                   Type element);

/// Size of dimension `dim` of a tensor or memref as an index value.
Value dimSize(OpBuilder &b, Location loc, Value shaped, int64_t dim);

Value indexConst(OpBuilder &b, Location loc, int64_t value);
Value floatConst(OpBuilder &b, Location loc, Type type, double value);

/// Converts between float types (extf/truncf) and to/from complex of them.
Value castFloat(OpBuilder &b, Location loc, Value value, Type to);

/// Loads `buffer[indices]` converted to `to` (float or complex of float).
Value loadAs(OpBuilder &b, Location loc, Value buffer, ValueRange indices,
             Type to);

/// Stores `value` converted to the buffer's element type.
void storeAs(OpBuilder &b, Location loc, Value value, Value buffer,
             ValueRange indices);

/// Fills `buffer` with `value` (already of the element type).
void fill(OpBuilder &b, Location loc, Value buffer, Value value);

/// Builds a loop nest over [0, ubs[i]) and calls `body` with the induction
/// variables (innermost last).
void forEach(OpBuilder &b, Location loc, ArrayRef<Value> ubs,
             function_ref<void(OpBuilder &, Location, ValueRange)> body);

/// An scf.for over [lb, ub) with loop-carried `inits`; `body` returns the
/// next values. Returns the final values.
ValueRange forLoop(
    OpBuilder &b, Location loc, Value lb, Value ub, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body);

} // namespace mlir::seq::reference

#endif // SEQ_LIB_DIALECT_REFERENCE_REFERENCEUTILS_H
