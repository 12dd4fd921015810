//===- TensorBuilder.h - static-shape tensor IR helpers ---------*- C++ -*-===//
//
// The algorithmic decompositions (FFT stages, chunked scans, chunked linear
// attention, ...) build tensor IR out of linalg named ops, linalg.generic,
// tensor reshapes and slices, all with static shapes. TensorBuilder keeps the
// per-pass code about the algorithm: it holds the builder and location and
// spells the few shapes of ops they need in one line each.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_TRANSFORMS_TENSORBUILDER_H
#define SEQ_LIB_TRANSFORMS_TENSORBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

#include <functional>

namespace mlir::seq {

/// The body of a linalg.generic: gets the block arguments (inputs, then
/// outputs) and returns the values to yield.
using GenericBody =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

class TensorBuilder {
public:
  TensorBuilder(OpBuilder &builder, Location loc) : b(builder), loc(loc) {}

  OpBuilder &b;
  Location loc;

  /// Static shape of a ranked tensor value.
  static ArrayRef<int64_t> shape(Value v);
  static Type elementType(Value v);

  Value empty(ArrayRef<int64_t> shape, Type element);
  /// A tensor of `shape` filled with `value` (linalg.fill).
  Value filled(ArrayRef<int64_t> shape, Type element, double value);
  Value zeros(ArrayRef<int64_t> shape, Type element) {
    return filled(shape, element, 0.0);
  }
  /// A dense constant of float type `element` from f64 values (row-major).
  Value constant(ArrayRef<int64_t> shape, FloatType element,
                 ArrayRef<double> values);

  Value scalar(Type type, double value);
  Value index(int64_t value);

  /// Any static reshape with the same element count (collapse, expand or
  /// both); returns `v` when the shape is already `shape`.
  Value reshape(Value v, ArrayRef<int64_t> shape);

  Value slice(Value v, ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes,
              ArrayRef<int64_t> strides = {});
  /// A slice that drops the unit dimensions listed in `dropped`.
  Value sliceDropping(Value v, ArrayRef<int64_t> offsets,
                      ArrayRef<int64_t> sizes, ArrayRef<int64_t> dropped);
  /// Inserts `source` at `offsets`; `sizes` are needed only when `source`
  /// is rank-reduced (it drops unit dimensions of the slice).
  Value insert(Value source, Value dest, ArrayRef<int64_t> offsets,
               ArrayRef<int64_t> sizes = {});
  /// Zero padding at the high end of every dimension.
  Value padHigh(Value v, ArrayRef<int64_t> high);
  /// Zero padding at both ends.
  Value pad(Value v, ArrayRef<int64_t> low, ArrayRef<int64_t> high);
  Value transpose(Value v, ArrayRef<int64_t> permutation);

  /// C += A·B for 2-D A (M x K), B (K x N), C (M x N).
  Value matmul(Value a, Value bMat, Value acc);
  /// C[r] += A·B[r] with A (M x K) shared by every r: B (R x K x N),
  /// C (R x M x N). A linalg.batch_matmul whose A map drops the batch.
  Value batchMatmulSharedLhs(Value a, Value bMat, Value acc);

  /// linalg.generic over `numLoops` loops. `maps` lists the indexing maps of
  /// the inputs, then of the outputs; `reductions` the loops that reduce.
  SmallVector<Value> generic(ValueRange inputs, ValueRange outputs,
                             ArrayRef<AffineMap> maps, unsigned numLoops,
                             ArrayRef<unsigned> reductions, GenericBody body);

  /// An affine map from `numLoops` dims to the given results.
  AffineMap map(unsigned numLoops, ArrayRef<AffineExpr> results);
  /// The projection (d_i for i in `dims`).
  AffineMap project(unsigned numLoops, ArrayRef<unsigned> dims);
  AffineMap identity(unsigned numLoops);
  AffineExpr dim(unsigned i) { return getAffineDimExpr(i, b.getContext()); }
  AffineExpr cst(int64_t v) { return getAffineConstantExpr(v, b.getContext()); }

  /// Converts a float scalar to float type `to` (extf, truncf or nothing).
  static Value castFloat(OpBuilder &b, Location loc, Value v, Type to);
};

/// f64 for f64 data, f32 for f16/bf16/f32: the type seq ops compute in.
FloatType accumulationFloat(Type element);

/// The widest accumulation type of the float or complex element types of
/// `values` (null values skipped): f64 as soon as one is f64.
FloatType widestAccumulationFloat(ArrayRef<Value> values);

/// True when every value is null or a ranked tensor with a static shape.
bool allStatic(ArrayRef<Value> values);

} // namespace mlir::seq

#endif // SEQ_LIB_TRANSFORMS_TENSORBUILDER_H
