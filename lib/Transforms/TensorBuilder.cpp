//===- TensorBuilder.cpp - static-shape tensor IR helpers -----------------===//

#include "TensorBuilder.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::seq;

ArrayRef<int64_t> TensorBuilder::shape(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

Type TensorBuilder::elementType(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

Value TensorBuilder::empty(ArrayRef<int64_t> shape, Type element) {
  return tensor::EmptyOp::create(b, loc, shape, element);
}

Value TensorBuilder::filled(ArrayRef<int64_t> shape, Type element,
                            double value) {
  Value init = empty(shape, element);
  return linalg::FillOp::create(b, loc, ValueRange{scalar(element, value)},
                                ValueRange{init})
      .getResult(0);
}

Value TensorBuilder::constant(ArrayRef<int64_t> shape, FloatType element,
                              ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, element);
  DenseElementsAttr attr;
  if (element.isF64()) {
    attr = DenseElementsAttr::get(type, values);
  } else {
    SmallVector<APFloat> converted;
    converted.reserve(values.size());
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(element.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      converted.push_back(f);
    }
    attr = DenseElementsAttr::get(type, converted);
  }
  return arith::ConstantOp::create(b, loc, type, attr);
}

Value TensorBuilder::scalar(Type type, double value) {
  if (auto complex = dyn_cast<ComplexType>(type)) {
    auto part = cast<FloatType>(complex.getElementType());
    return complex::ConstantOp::create(
        b, loc, complex,
        b.getArrayAttr({FloatAttr::get(part, value), FloatAttr::get(part, 0)}));
  }
  if (isa<IntegerType>(type))
    return arith::ConstantOp::create(
        b, loc, IntegerAttr::get(type, static_cast<int64_t>(value)));
  return arith::ConstantOp::create(b, loc, FloatAttr::get(type, value));
}

Value TensorBuilder::index(int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value TensorBuilder::reshape(Value v, ArrayRef<int64_t> newShape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == newShape)
    return v;
  auto target = RankedTensorType::get(newShape, type.getElementType());
  if (type.getRank() > target.getRank() || newShape.empty()) {
    if (auto re = getReassociationIndicesForCollapse(type.getShape(),
                                                     target.getShape()))
      return tensor::CollapseShapeOp::create(b, loc, target, v, *re);
  } else if (type.getRank() < target.getRank() || type.getShape().empty()) {
    if (auto re = getReassociationIndicesForCollapse(target.getShape(),
                                                     type.getShape()))
      return tensor::ExpandShapeOp::create(b, loc, target, v, *re);
  }
  // Through one dimension: always valid for contiguous data.
  int64_t count = type.getNumElements();
  Value flat = v;
  if (type.getRank() != 1) {
    ReassociationIndices all;
    for (int64_t i = 0; i < type.getRank(); ++i)
      all.push_back(i);
    flat = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({count}, type.getElementType()), v,
        ArrayRef<ReassociationIndices>{all});
  }
  if (target.getRank() == 1)
    return flat;
  ReassociationIndices all;
  for (int64_t i = 0; i < target.getRank(); ++i)
    all.push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, target, flat,
                                       ArrayRef<ReassociationIndices>{all});
}

static SmallVector<OpFoldResult> foldResults(OpBuilder &b,
                                             ArrayRef<int64_t> values) {
  SmallVector<OpFoldResult> result;
  for (int64_t v : values)
    result.push_back(b.getIndexAttr(v));
  return result;
}

Value TensorBuilder::slice(Value v, ArrayRef<int64_t> offsets,
                           ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides) {
  SmallVector<int64_t> ones(offsets.size(), 1);
  if (strides.empty())
    strides = ones;
  if (offsets == ArrayRef<int64_t>(SmallVector<int64_t>(offsets.size(), 0)) &&
      sizes == shape(v))
    return v;
  return tensor::ExtractSliceOp::create(b, loc, v, foldResults(b, offsets),
                                        foldResults(b, sizes),
                                        foldResults(b, strides));
}

Value TensorBuilder::sliceDropping(Value v, ArrayRef<int64_t> offsets,
                                   ArrayRef<int64_t> sizes,
                                   ArrayRef<int64_t> dropped) {
  SmallVector<int64_t> kept;
  for (auto [i, size] : llvm::enumerate(sizes))
    if (!llvm::is_contained(dropped, static_cast<int64_t>(i)))
      kept.push_back(size);
  auto type = RankedTensorType::get(
      kept, cast<ShapedType>(v.getType()).getElementType());
  SmallVector<int64_t> ones(offsets.size(), 1);
  return tensor::ExtractSliceOp::create(
      b, loc, type, v, foldResults(b, offsets), foldResults(b, sizes),
      foldResults(b, ones));
}

Value TensorBuilder::insert(Value source, Value dest, ArrayRef<int64_t> offsets,
                            ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> ones(offsets.size(), 1);
  if (sizes.empty())
    sizes = shape(source);
  return tensor::InsertSliceOp::create(
      b, loc, source, dest, foldResults(b, offsets), foldResults(b, sizes),
      foldResults(b, ones));
}

Value TensorBuilder::sliceAt(Value v, ArrayRef<OpFoldResult> offsets,
                             ArrayRef<OpFoldResult> sizes,
                             ArrayRef<int64_t> dropped) {
  SmallVector<int64_t> kept;
  for (auto [i, size] : llvm::enumerate(sizes))
    if (!llvm::is_contained(dropped, static_cast<int64_t>(i)))
      kept.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
  auto type = RankedTensorType::get(
      kept, cast<ShapedType>(v.getType()).getElementType());
  SmallVector<OpFoldResult> ones(offsets.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, type, v, offsets, sizes, ones);
}

Value TensorBuilder::insertAt(Value source, Value dest,
                              ArrayRef<OpFoldResult> offsets,
                              ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> ones(offsets.size(), b.getIndexAttr(1));
  return tensor::InsertSliceOp::create(b, loc, source, dest, offsets, sizes,
                                       ones);
}

SmallVector<OpFoldResult> TensorBuilder::sizes(ArrayRef<int64_t> values) {
  return foldResults(b, values);
}

SmallVector<Value> TensorBuilder::loop(
    Value lb, Value ub, ValueRange inits,
    function_ref<SmallVector<Value>(TensorBuilder &, Value, ValueRange)> body) {
  auto forOp = scf::ForOp::create(
      b, loc, lb, ub, index(1), inits,
      [&](OpBuilder &nb, Location nloc, Value iv, ValueRange iters) {
        TensorBuilder inner(nb, nloc);
        scf::YieldOp::create(nb, nloc, body(inner, iv, iters));
      });
  return SmallVector<Value>(forOp.getResults().begin(),
                            forOp.getResults().end());
}

SmallVector<Value> TensorBuilder::ifThenElse(
    Value cond, TypeRange types,
    function_ref<SmallVector<Value>(TensorBuilder &)> thenBody,
    function_ref<SmallVector<Value>(TensorBuilder &)> elseBody) {
  auto ifOp = scf::IfOp::create(b, loc, types, cond, /*addThenBlock=*/true,
                                /*addElseBlock=*/true);
  OpBuilder thenBuilder = ifOp.getThenBodyBuilder();
  TensorBuilder thenTb(thenBuilder, loc);
  scf::YieldOp::create(thenBuilder, loc, thenBody(thenTb));
  OpBuilder elseBuilder = ifOp.getElseBodyBuilder();
  TensorBuilder elseTb(elseBuilder, loc);
  scf::YieldOp::create(elseBuilder, loc, elseBody(elseTb));
  return SmallVector<Value>(ifOp.getResults().begin(), ifOp.getResults().end());
}

SmallVector<Value> TensorBuilder::forall(
    ArrayRef<int64_t> ubs, ValueRange outs,
    function_ref<SmallVector<ParallelInsert>(TensorBuilder &, ValueRange,
                                             ValueRange)>
        body) {
  auto forallOp =
      scf::ForallOp::create(b, loc, foldResults(b, ubs), outs, std::nullopt);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(forallOp.getTerminator());
  TensorBuilder inner(b, loc);
  SmallVector<ParallelInsert> inserts =
      body(inner, forallOp.getInductionVars(), forallOp.getRegionIterArgs());
  b.setInsertionPointToStart(forallOp.getTerminator().getBody());
  for (auto [insert, dest] :
       llvm::zip_equal(inserts, forallOp.getRegionIterArgs())) {
    SmallVector<OpFoldResult> ones(insert.offsets.size(), b.getIndexAttr(1));
    tensor::ParallelInsertSliceOp::create(b, loc, insert.source, dest,
                                          insert.offsets, insert.sizes, ones);
  }
  return SmallVector<Value>(forallOp.getResults().begin(),
                            forallOp.getResults().end());
}

Value TensorBuilder::affineIndex(Value iv, int64_t scale, int64_t offset) {
  AffineExpr d = getAffineDimExpr(0, b.getContext());
  return affine::AffineApplyOp::create(
      b, loc, AffineMap::get(1, 0, d * scale + offset), ValueRange{iv});
}

Value TensorBuilder::prefetchView(Value tensor) {
  return bufferization::ToBufferOp::create(
      b, loc,
      bufferization::getMemRefTypeWithFullyDynamicLayout(
          cast<TensorType>(tensor.getType())),
      tensor, /*read_only=*/true);
}

Value TensorBuilder::stepAhead(Value time, int64_t distance, int64_t length) {
  Value ahead = affineIndex(time, 1, distance);
  if (distance < 0)
    return arith::MaxSIOp::create(b, loc, ahead, index(0));
  return arith::MinSIOp::create(b, loc, ahead, index(length - 1));
}

void TensorBuilder::prefetchRun(Value view, ArrayRef<Value> leading,
                                Value offset, int64_t count, bool write) {
  Type element = cast<MemRefType>(view.getType()).getElementType();
  int64_t bits = element.isIntOrFloat() ? element.getIntOrFloatBitWidth() : 64;
  int64_t perLine = std::max<int64_t>(1, 512 / bits);
  // Straight-line prefetches: as an scf.for over the lines, a 64K x 4096
  // scan ran at 165 instead of 110 ms.
  for (int64_t j = 0; j < count; j += perLine) {
    SmallVector<Value> indices(leading.begin(), leading.end());
    indices.push_back(affineIndex(offset, 1, j));
    memref::PrefetchOp::create(b, loc, view, indices, write,
                               /*localityHint=*/2, /*isDataCache=*/true);
  }
}

Value TensorBuilder::padHigh(Value v, ArrayRef<int64_t> high) {
  return pad(v, SmallVector<int64_t>(high.size(), 0), high);
}

Value TensorBuilder::pad(Value v, ArrayRef<int64_t> low,
                         ArrayRef<int64_t> high) {
  auto isZero = [](int64_t h) { return h == 0; };
  if (llvm::all_of(high, isZero) && llvm::all_of(low, isZero))
    return v;
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> padded(type.getShape());
  for (auto [d, l, h] : llvm::zip(padded, low, high))
    d += l + h;
  Value zero = scalar(type.getElementType(), 0.0);
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(padded, type.getElementType()), v,
      foldResults(b, low), foldResults(b, high), zero);
}

Value TensorBuilder::transpose(Value v, ArrayRef<int64_t> permutation) {
  ArrayRef<int64_t> in = shape(v);
  SmallVector<int64_t> out;
  for (int64_t p : permutation)
    out.push_back(in[p]);
  Value init = empty(out, elementType(v));
  return linalg::TransposeOp::create(b, loc, v, init, permutation)
      .getResult()[0];
}

Value TensorBuilder::matmul(Value a, Value bMat, Value acc) {
  return linalg::MatmulOp::create(b, loc, TypeRange{acc.getType()},
                                  ValueRange{a, bMat}, ValueRange{acc})
      .getResult(0);
}

static Value matmulWithMaps(OpBuilder &b, Location loc, Value a, Value bMat,
                            Value acc, ArrayRef<AffineExpr> lhs,
                            ArrayRef<AffineExpr> rhs) {
  MLIRContext *ctx = b.getContext();
  auto maps = b.getAffineMapArrayAttr(
      {AffineMap::get(3, 0, lhs, ctx), AffineMap::get(3, 0, rhs, ctx),
       AffineMap::get(
           3, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(1, ctx)}, ctx)});
  return linalg::MatmulOp::create(b, loc, TypeRange{acc.getType()},
                                  ValueRange{a, bMat}, ValueRange{acc},
                                  {b.getNamedAttr("indexing_maps", maps)})
      .getResult(0);
}

Value TensorBuilder::matmulTransposedA(Value a, Value bMat, Value acc) {
  return matmulWithMaps(b, loc, a, bMat, acc, {dim(2), dim(0)},
                        {dim(2), dim(1)});
}

Value TensorBuilder::matmulTransposedB(Value a, Value bMat, Value acc) {
  return matmulWithMaps(b, loc, a, bMat, acc, {dim(0), dim(2)},
                        {dim(1), dim(2)});
}

Value TensorBuilder::batchMatmul(Value a, Value bMat, Value acc) {
  return linalg::BatchMatmulOp::create(b, loc, TypeRange{acc.getType()},
                                       ValueRange{a, bMat}, ValueRange{acc})
      .getResult(0);
}

Value TensorBuilder::batchMatmulTransposedA(Value a, Value bMat, Value acc) {
  MLIRContext *ctx = b.getContext();
  AffineExpr r, m, n, k;
  bindDims(ctx, r, m, n, k);
  auto maps = b.getAffineMapArrayAttr({AffineMap::get(4, 0, {r, k, m}, ctx),
                                       AffineMap::get(4, 0, {r, k, n}, ctx),
                                       AffineMap::get(4, 0, {r, m, n}, ctx)});
  return linalg::BatchMatmulOp::create(b, loc, TypeRange{acc.getType()},
                                       ValueRange{a, bMat}, ValueRange{acc},
                                       {b.getNamedAttr("indexing_maps", maps)})
      .getResult(0);
}

Value TensorBuilder::batchMatmulSharedLhs(Value a, Value bMat, Value acc) {
  MLIRContext *ctx = b.getContext();
  AffineExpr r, m, n, k;
  bindDims(ctx, r, m, n, k);
  auto maps = b.getAffineMapArrayAttr({AffineMap::get(4, 0, {m, k}, ctx),
                                       AffineMap::get(4, 0, {r, k, n}, ctx),
                                       AffineMap::get(4, 0, {r, m, n}, ctx)});
  return linalg::BatchMatmulOp::create(b, loc, TypeRange{acc.getType()},
                                       ValueRange{a, bMat}, ValueRange{acc},
                                       {b.getNamedAttr("indexing_maps", maps)})
      .getResult(0);
}

SmallVector<Value> TensorBuilder::generic(ValueRange inputs, ValueRange outputs,
                                          ArrayRef<AffineMap> maps,
                                          unsigned numLoops,
                                          ArrayRef<unsigned> reductions,
                                          GenericBody body) {
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  for (unsigned r : reductions)
    iterators[r] = utils::IteratorType::reduction;
  SmallVector<Type> resultTypes;
  for (Value out : outputs)
    resultTypes.push_back(out.getType());
  auto op = linalg::GenericOp::create(
      b, loc, resultTypes, inputs, outputs, maps, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, args));
      });
  return SmallVector<Value>(op.getResults().begin(), op.getResults().end());
}

AffineMap TensorBuilder::map(unsigned numLoops, ArrayRef<AffineExpr> results) {
  return AffineMap::get(numLoops, 0, results, b.getContext());
}

AffineMap TensorBuilder::project(unsigned numLoops, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> results;
  for (unsigned d : dims)
    results.push_back(dim(d));
  return map(numLoops, results);
}

AffineMap TensorBuilder::identity(unsigned numLoops) {
  return AffineMap::getMultiDimIdentityMap(numLoops, b.getContext());
}

Value TensorBuilder::castFloat(OpBuilder &b, Location loc, Value v, Type to) {
  Type from = v.getType();
  if (from == to)
    return v;
  if (auto toComplex = dyn_cast<ComplexType>(to)) {
    Value re = complex::ReOp::create(b, loc, v);
    Value im = complex::ImOp::create(b, loc, v);
    Type part = toComplex.getElementType();
    return complex::CreateOp::create(b, loc, toComplex,
                                     castFloat(b, loc, re, part),
                                     castFloat(b, loc, im, part));
  }
  auto fromFloat = cast<FloatType>(from);
  auto toFloat = cast<FloatType>(to);
  if (fromFloat.getWidth() < toFloat.getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

FloatType mlir::seq::accumulationFloat(Type element) {
  if (auto complex = dyn_cast<ComplexType>(element))
    element = complex.getElementType();
  if (element.isF64())
    return cast<FloatType>(element);
  return Float32Type::get(element.getContext());
}

FloatType mlir::seq::widestAccumulationFloat(ArrayRef<Value> values) {
  FloatType result;
  for (Value v : values) {
    if (!v)
      continue;
    FloatType acc = accumulationFloat(getElementTypeOrSelf(v.getType()));
    if (!result || acc.isF64())
      result = acc;
  }
  return result;
}

bool mlir::seq::allStatic(ArrayRef<Value> values) {
  return llvm::all_of(values, [](Value v) {
    if (!v)
      return true;
    auto type = dyn_cast<RankedTensorType>(v.getType());
    return type && type.hasStaticShape();
  });
}

Value TensorBuilder::mul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<ComplexType>(lhs.getType()))
    return complex::MulOp::create(b, loc, lhs, rhs);
  return arith::MulFOp::create(b, loc, lhs, rhs);
}

Value TensorBuilder::add(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<ComplexType>(lhs.getType()))
    return complex::AddOp::create(b, loc, lhs, rhs);
  return arith::AddFOp::create(b, loc, lhs, rhs);
}

Value TensorBuilder::pickByIndex(OpBuilder &b, Location loc, unsigned dim,
                                 Value atZero, Value otherwise) {
  Value index = linalg::IndexOp::create(b, loc, dim);
  Value isZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, index,
                            arith::ConstantIndexOp::create(b, loc, 0));
  return arith::SelectOp::create(b, loc, isZero, atZero, otherwise);
}

ChunkPlan mlir::seq::planChunks(int64_t rows, int64_t channels, int64_t length,
                                int64_t channelBlock, int64_t parallelWork,
                                int64_t minChunk, int64_t forcedChunk) {
  ChunkPlan plan{channels, length, 1};
  if (channels > channelBlock) {
    int64_t best = 1;
    for (int64_t d = 1; d <= channelBlock; ++d)
      if (channels % d == 0)
        best = d;
    if (4 * best >= channelBlock)
      plan.channelBlock = best;
  }
  int64_t blocks = rows * (channels / plan.channelBlock);
  if (forcedChunk > 0) {
    plan.chunk = std::min(forcedChunk, length);
  } else if (blocks < parallelWork && length >= 2 * minChunk) {
    int64_t wanted = (parallelWork + blocks - 1) / blocks;
    int64_t count = std::min(wanted, length / minChunk);
    plan.chunk = (length + count - 1) / count;
  }
  plan.chunk = std::max<int64_t>(plan.chunk, 1);
  plan.chunks = (length + plan.chunk - 1) / plan.chunk;
  return plan;
}

bool mlir::seq::hasEmptyTensor(ArrayRef<Value> values) {
  return llvm::any_of(values, [](Value v) {
    auto type = v ? dyn_cast<RankedTensorType>(v.getType()) : nullptr;
    return type && llvm::is_contained(type.getShape(), 0);
  });
}
