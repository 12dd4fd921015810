//===- LoweringUtils.h - helpers of the reference lowering ------*- C++ -*-===//
//
// The reference lowering reads tensors through bufferization.to_buffer, writes
// fresh buffers with scalar scf loops, and hands them back with
// bufferization.to_tensor. These helpers keep the per-op code about the math.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_CONVERSION_SEQTOLOOPS_LOWERINGUTILS_H
#define SEQ_LIB_CONVERSION_SEQTOLOOPS_LOWERINGUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq::lowering {

/// f64 for f64 data, f32 for f16/bf16/f32: the type the reference computes in
/// (mlir::seq::getAccumulationType).
FloatType accumulationType(Type element);

/// The accumulation type of an op whose float operands may differ in
/// precision: f64 as soon as one of `values` is f64 (or complex<f64>), f32
/// otherwise. Null values (absent optional operands) are skipped
/// (mlir::seq::getWidestAccumulationType).
FloatType widestAccumulationType(ArrayRef<Value> values);

/// A read-only buffer view of `tensor` (identity layout).
Value toBuffer(OpBuilder &b, Location loc, Value tensor);

/// toBuffer, or null for an absent optional operand.
Value toBufferOrNull(OpBuilder &b, Location loc, Value tensor);

/// A fresh buffer shaped like the ranked tensor `like` (dynamic sizes taken
/// from it with tensor.dim).
Value allocLike(OpBuilder &b, Location loc, Value like);

/// A fresh buffer of `type`'s shape and `element` type, with sizes from `like`.
Value allocLike(OpBuilder &b, Location loc, Value like, Type element);

/// A scratch buffer with static or dynamic `sizes` (index values). Do not
/// free it: seq-to-cpu's ownership-based deallocation frees every
/// non-escaping buffer and rejects hand-written memref.dealloc ops (and
/// `bufferization.manual_deallocation` marks do not survive canonicalization
/// rebuilding an alloc whose sizes fold to constants).
Value allocScratch(OpBuilder &b, Location loc, ArrayRef<Value> sizes,
                   Type element);

/// The tensor value of a buffer the lowering filled.
Value toTensor(OpBuilder &b, Location loc, Value buffer, Type tensorType);

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

/// Replaces `op` with the tensors of `buffers` (one per result).
void replaceWithBuffers(RewriterBase &rewriter, Operation *op,
                        ArrayRef<Value> buffers);

} // namespace mlir::seq::lowering

#endif // SEQ_LIB_CONVERSION_SEQTOLOOPS_LOWERINGUTILS_H
