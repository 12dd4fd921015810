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
  /// A slice at possibly dynamic offsets with static sizes; the dimensions
  /// in `dropped` (of size 1) are dropped from the result type.
  Value sliceAt(Value v, ArrayRef<OpFoldResult> offsets,
                ArrayRef<OpFoldResult> sizes, ArrayRef<int64_t> dropped = {});
  /// Inserts `source` at possibly dynamic offsets; `sizes` are the slice's
  /// sizes in `dest` (they may include unit dimensions `source` drops).
  Value insertAt(Value source, Value dest, ArrayRef<OpFoldResult> offsets,
                 ArrayRef<OpFoldResult> sizes);
  /// Static sizes or offsets as OpFoldResults.
  SmallVector<OpFoldResult> sizes(ArrayRef<int64_t> values);

  /// An scf.for from lb to ub (step 1) carrying `inits`; `body` gets a
  /// builder inside the loop, the induction variable and the carried values
  /// and returns the next ones. Returns the loop results.
  SmallVector<Value>
  loop(Value lb, Value ub, ValueRange inits,
       function_ref<SmallVector<Value>(TensorBuilder &, Value, ValueRange)>
           body);

  /// scf.if `cond` with results of the types of what the branches return.
  SmallVector<Value>
  ifThenElse(Value cond, TypeRange types,
             function_ref<SmallVector<Value>(TensorBuilder &)> thenBody,
             function_ref<SmallVector<Value>(TensorBuilder &)> elseBody);

  /// One parallel_insert_slice of an scf.forall's terminator.
  struct ParallelInsert {
    Value source;
    SmallVector<OpFoldResult> offsets;
    SmallVector<OpFoldResult> sizes;
  };
  /// An scf.forall over [0, ubs) with shared outputs `outs`; `body` gets a
  /// builder inside, the induction variables and the shared outputs, and
  /// returns one ParallelInsert per shared output. Returns the results.
  SmallVector<Value>
  forall(ArrayRef<int64_t> ubs, ValueRange outs,
         function_ref<SmallVector<ParallelInsert>(TensorBuilder &, ValueRange,
                                                  ValueRange)>
             body);

  /// An index value c0 + c1 * iv (folded to a constant when iv is).
  Value affineIndex(Value iv, int64_t scale, int64_t offset = 0);

  /// A read-only memref view of `tensor`'s buffer (fully dynamic layout),
  /// for memref.prefetch in tensor IR: one-shot bufferization resolves it
  /// to the tensor's buffer.
  Value prefetchView(Value tensor);
  /// Step `time` + `distance` of a sequence of `length` steps, clamped into
  /// it (at the last step going forward, at 0 going back): the row a
  /// prefetch asks for.
  Value stepAhead(Value time, int64_t distance, int64_t length);
  /// Prefetches view[leading..., offset : offset + count] (the innermost
  /// dimension contiguous), one memref.prefetch per 64-byte line, into L2
  /// (`write`: in a writable state, for a row a later step stores).
  void prefetchRun(Value view, ArrayRef<Value> leading, Value offset,
                   int64_t count, bool write);

  /// Zero padding at the high end of every dimension.
  Value padHigh(Value v, ArrayRef<int64_t> high);
  /// Zero padding at both ends.
  Value pad(Value v, ArrayRef<int64_t> low, ArrayRef<int64_t> high);
  Value transpose(Value v, ArrayRef<int64_t> permutation);

  /// C += A·B for 2-D A (M x K), B (K x N), C (M x N).
  Value matmul(Value a, Value bMat, Value acc);
  /// C += A^T B (A is K x M) and C += A B^T (B is N x K): linalg.matmul
  /// with transposing indexing maps.
  Value matmulTransposedA(Value a, Value bMat, Value acc);
  Value matmulTransposedB(Value a, Value bMat, Value acc);
  /// C[r] += A[r] B[r]: linalg.batch_matmul.
  Value batchMatmul(Value a, Value bMat, Value acc);
  /// C[r] += A[r]^T B[r] (A is R x K x M, B is R x K x N).
  Value batchMatmulTransposedA(Value a, Value bMat, Value acc);
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

  /// Converts a float scalar to float type `to` (extf, truncf or nothing),
  /// or a complex scalar to complex type `to`.
  static Value castFloat(OpBuilder &b, Location loc, Value v, Type to);
  /// lhs * rhs and lhs + rhs for float or complex scalars.
  static Value mul(OpBuilder &b, Location loc, Value lhs, Value rhs);
  static Value add(OpBuilder &b, Location loc, Value lhs, Value rhs);
  /// In a linalg.generic body: `atZero` where loop `dim`'s index is 0,
  /// else `otherwise` (e.g. the real or the imaginary plane of a result).
  static Value pickByIndex(OpBuilder &b, Location loc, unsigned dim,
                           Value atZero, Value otherwise);
};

/// How a recurrence over time is split: blocks of channels (the vectorized
/// extent) and, when they are too few for the cores, chunks of time.
struct ChunkPlan {
  int64_t channelBlock; ///< channels per work item (divides the channels)
  int64_t chunk;        ///< time steps per chunk (the whole length: none)
  int64_t chunks;       ///< ceil(length / chunk)
};

/// The rule shared by the chunked recurrences: the largest divisor of
/// `channels` up to `channelBlock` (all channels when no divisor is at least
/// a quarter of it); time chunks only when rows x channel blocks is below
/// `parallelWork`, as many as make up the difference but none shorter than
/// `minChunk`. A positive `forcedChunk` sets the chunk length.
ChunkPlan planChunks(int64_t rows, int64_t channels, int64_t length,
                     int64_t channelBlock, int64_t parallelWork,
                     int64_t minChunk, int64_t forcedChunk);

/// f64 for f64 data, f32 for f16/bf16/f32: the type seq ops compute in.
FloatType accumulationFloat(Type element);

/// The widest accumulation type of the float or complex element types of
/// `values` (null values skipped): f64 as soon as one is f64.
FloatType widestAccumulationFloat(ArrayRef<Value> values);

/// True when every value is null or a ranked tensor with a static shape.
bool allStatic(ArrayRef<Value> values);

/// True when a value is a ranked tensor with a zero dimension.
bool hasEmptyTensor(ArrayRef<Value> values);

} // namespace mlir::seq

#endif // SEQ_LIB_TRANSFORMS_TENSORBUILDER_H
