//===- AttentionDecomposition.cpp - attention into online steps and linalg ===//
//
// linalg::AggregatedOpInterface of the attention ops:
//
//  - seq.attention = seq.online_attention over all keys from the empty state
//    (acc = 0, max = -inf, sum = 0), then the normalization out = acc / sum
//    and lse = max + log(sum) (0 and +inf for rows without keys).
//  - seq.online_attention on a tile (batch 1, one key/value head) = linalg on
//    the tile, with the G query heads of the group and the M query rows as
//    one (G·M)-row matrix so every GQA head reuses the key and value tile:
//
//      S    = Q Kᵀ                              linalg.matmul (transposed B)
//      S    = mask / score_mod (S)              only when the op has one
//      m'   = max(m, rowmax(scale·S))           linalg.generic reduction
//      u    = m' == -inf ? 0 : m'               (FlashAttention's Check_inf)
//      α    = exp(m - u)
//      P    = exp(scale·S - u)
//      sum' = α·sum + rowsum(P)
//      acc' = α·acc + P V                       linalg.matmul
//
//    With a score_mod the scale is applied before it and S holds scaled
//    scores; otherwise the raw q·k scores are kept and the scale is folded
//    into the max and the exponent, as FlashAttention does.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/AttentionMask.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;
using namespace mlir::seq;

static FloatType accumulationTypeOf(Type element) {
  if (element.isF64())
    return cast<FloatType>(element);
  return Float32Type::get(element.getContext());
}

static Value floatConstant(OpBuilder &b, Location loc, Type type,
                           double value) {
  return arith::ConstantOp::create(b, loc, type,
                                   b.getFloatAttr(type, value));
}

/// An empty tensor shaped like dimensions `dims` of `like`, of `element`.
static Value emptyLike(OpBuilder &b, Location loc, Value like,
                       ArrayRef<int64_t> dims, Type element) {
  SmallVector<OpFoldResult> sizes;
  for (int64_t d : dims)
    sizes.push_back(tensor::getMixedSize(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, sizes, element);
}

static Value filled(OpBuilder &b, Location loc, Value empty, double value) {
  Value c = floatConstant(b, loc, getElementTypeOrSelf(empty.getType()), value);
  return linalg::FillOp::create(b, loc, c, empty).getResult(0);
}

/// Identity and row-broadcast maps over `rank` dimensions.
static AffineMap identity(MLIRContext *ctx, unsigned rank) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx);
}
static AffineMap dropLast(MLIRContext *ctx, unsigned rank) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx).getMajorSubMap(rank - 1);
}

/// Marks `op` with its role in the tile (kTileRoleAttrName).
static void setRole(Operation *op, StringRef role) {
  op->setAttr(kTileRoleAttrName, StringAttr::get(op->getContext(), role));
}

static SmallVector<utils::IteratorType> parallel(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

//===----------------------------------------------------------------------===//
// seq.attention
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<Value>> AttentionOp::decomposeOperation(OpBuilder &b) {
  if (!hasPureTensorSemantics())
    return emitOpError() << "decomposes only on tensors";
  Location loc = getLoc();
  MLIRContext *ctx = getContext();
  Value output = getOutput();
  Type element = getElementTypeOrSelf(output.getType());
  FloatType acc = accumulationTypeOf(element);
  double inf = std::numeric_limits<double>::infinity();

  // The empty state.
  Value accumulator = filled(b, loc, emptyLike(b, loc, output, {0, 1, 2, 3},
                                               acc), 0.0);
  Value rowShaped = emptyLike(b, loc, output, {0, 1, 2}, acc);
  Value max = filled(b, loc, rowShaped, -inf);
  Value sum = filled(b, loc, rowShaped, 0.0);

  OperationState state(loc, OnlineAttentionOp::getOperationName());
  state.addOperands({getQuery(), getKey(), getValue()});
  state.addOperands(getPositions());
  state.addOperands({accumulator, max, sum});
  state.addTypes({accumulator.getType(), max.getType(), sum.getType()});
  NamedAttrList attributes(getOperation()->getAttrDictionary());
  attributes.set("operandSegmentSizes",
                 b.getDenseI32ArrayAttr(
                     {1, 1, 1, static_cast<int32_t>(getPositions().size()), 3}));
  state.addAttributes(attributes);
  for (Region &region : getOperation()->getRegions()) {
    IRMapping mapping;
    region.cloneInto(state.addRegion(), mapping);
  }
  Operation *online = b.create(state);
  Value finalAcc = online->getResult(0), finalMax = online->getResult(1),
        finalSum = online->getResult(2);

  // out = sum == 0 ? 0 : acc / sum, in the output's element type.
  SmallVector<Value> results;
  auto normalize = linalg::GenericOp::create(
      b, loc, output.getType(), ValueRange{finalAcc, finalSum}, output,
      ArrayRef<AffineMap>{identity(ctx, 4), dropLast(ctx, 4), identity(ctx, 4)},
      parallel(4), [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value zero = floatConstant(nb, nloc, acc, 0.0);
        Value one = floatConstant(nb, nloc, acc, 1.0);
        Value empty = arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ,
                                            args[1], zero);
        Value divisor = arith::SelectOp::create(nb, nloc, empty, one, args[1]);
        Value value = arith::DivFOp::create(nb, nloc, args[0], divisor);
        value = convertScalarToDtype(nb, nloc, value, element,
                                     /*isUnsignedCast=*/false);
        linalg::YieldOp::create(nb, nloc, value);
      });
  results.push_back(normalize.getResult(0));

  // lse = sum == 0 ? +inf : max + log(sum).
  if (Value lse = getLogsumexp()) {
    auto logsumexp = linalg::GenericOp::create(
        b, loc, lse.getType(), ValueRange{finalMax, finalSum}, lse,
        ArrayRef<AffineMap>{identity(ctx, 3), identity(ctx, 3),
                            identity(ctx, 3)},
        parallel(3), [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value zero = floatConstant(nb, nloc, acc, 0.0);
          Value posInf = floatConstant(nb, nloc, acc, inf);
          Value empty = arith::CmpFOp::create(
              nb, nloc, arith::CmpFPredicate::OEQ, args[1], zero);
          Value value = arith::AddFOp::create(
              nb, nloc, args[0], math::LogOp::create(nb, nloc, args[1]));
          value = arith::SelectOp::create(nb, nloc, empty, posInf, value);
          linalg::YieldOp::create(nb, nloc, value);
        });
    results.push_back(logsumexp.getResult(0));
  }
  return results;
}

//===----------------------------------------------------------------------===//
// seq.online_attention
//===----------------------------------------------------------------------===//

namespace {
/// Inlines a modifier region's block at the insertion point.
Value inlineRegion(OpBuilder &b, Region &region, ValueRange args) {
  IRMapping mapping;
  mapping.map(region.front().getArguments(), args);
  for (Operation &op : region.front().without_terminator())
    b.clone(op, mapping);
  return mapping.lookupOrDefault(
      cast<YieldOp>(region.front().getTerminator()).getValues().front());
}
} // namespace

FailureOr<SmallVector<Value>>
OnlineAttentionOp::decomposeOperation(OpBuilder &b) {
  if (!hasPureTensorSemantics())
    return emitOpError() << "decomposes only on tensors";
  auto keyType = cast<ShapedType>(getKey().getType());
  auto queryType = cast<ShapedType>(getQuery().getType());
  if (keyType.getDimSize(0) != 1 || keyType.getDimSize(1) != 1 ||
      ShapedType::isDynamic(queryType.getDimSize(1)))
    return emitOpError()
           << "decomposes tiles of one batch and one key/value head with a "
              "static number of query heads; tile it first (e.g. "
              "transform.seq.tile_attention)";
  std::optional<double> staticScale = getStaticScale();
  if (!staticScale)
    return emitOpError() << "decomposes only with a static scale";

  Location loc = getLoc();
  MLIRContext *ctx = getContext();
  Type element = queryType.getElementType();
  FloatType acc = accumulationTypeOf(element);
  double inf = std::numeric_limits<double>::infinity();
  OpFoldResult rowsPerHead = tensor::getMixedSize(b, loc, getQuery(), 2);

  // Rows r = g·M + i of the (G·M)-row matrices.
  SmallVector<ReassociationIndices> rows4 = {{0, 1, 2}, {3}};
  SmallVector<ReassociationIndices> rows3 = {{0, 1, 2}};
  auto collapse = [&](Value value, ArrayRef<ReassociationIndices> re) {
    return tensor::CollapseShapeOp::create(b, loc, value, re).getResult();
  };
  Value q = collapse(getQuery(), rows4);
  // A key tile that is the transpose of a (1, 1, E, N) tile (FlashAttention
  // tiling transposes K once per call) is used in that layout: Q Kᵀ is then
  // a plain matmul whose B rows are contiguous.
  Value keysByRow;
  if (auto transpose = getKey().getDefiningOp<linalg::TransposeOp>())
    if (transpose.getPermutation() == ArrayRef<int64_t>{0, 1, 3, 2})
      keysByRow = collapse(transpose.getInput(), {{0, 1, 2}, {3}});
  Value k = keysByRow ? Value() : collapse(getKey(), rows4);
  Value v = collapse(getValue(), rows4);
  Value accumulator = collapse(getAccumulator(), rows4);
  Value max = collapse(getMax(), rows3);
  Value sum = collapse(getSum(), rows3);

  // S = Q Kᵀ in the accumulation type.
  AffineExpr m, n, kk;
  bindDims(ctx, m, n, kk);
  auto matmulMaps = [&](bool transposeB) {
    return b.getAffineMapArrayAttr(
        {AffineMap::get(3, 0, {m, kk}, ctx),
         AffineMap::get(3, 0, transposeB ? ArrayRef<AffineExpr>{n, kk}
                                         : ArrayRef<AffineExpr>{kk, n},
                        ctx),
         AffineMap::get(3, 0, {m, n}, ctx)});
  };
  OpFoldResult numKeys = keysByRow ? tensor::getMixedSize(b, loc, keysByRow, 1)
                                  : tensor::getMixedSize(b, loc, k, 0);
  Value scores = filled(
      b, loc,
      tensor::EmptyOp::create(
          b, loc, {tensor::getMixedSize(b, loc, q, 0), numKeys}, acc),
      0.0);
  auto scoreMatmul = linalg::MatmulOp::create(
      b, loc, TypeRange{scores.getType()},
      ValueRange{q, keysByRow ? keysByRow : k}, scores,
      ArrayRef<NamedAttribute>{b.getNamedAttr(
          "indexing_maps", matmulMaps(/*transposeB=*/!keysByRow))});
  setRole(scoreMatmul, kRoleScores);
  scores = scoreMatmul.getResult(0);

  bool rawScores = getScoreMod().empty() && *staticScale > 0;
  Value scale = floatConstant(b, loc, acc, *staticScale);

  // Mask and score_mod, element by element, on the tile's own indices.
  AttentionMask mask = AttentionMask::of(*this);
  bool masked = mask.kind != MaskKind::none || !getMaskMod().empty();
  if (masked || !rawScores) {
    Value queryPosition, keyPosition;
    if (getPositions().size() == 2) {
      queryPosition = getPositions()[0];
      keyPosition = getPositions()[1];
    } else {
      Value lq = getValueOrCreateConstantIndexOp(b, loc, rowsPerHead);
      Value lk = tensor::DimOp::create(b, loc, getKey(), 2);
      queryPosition = arith::SubIOp::create(b, loc, lk, lq);
      keyPosition = arith::ConstantIndexOp::create(b, loc, 0);
    }
    Value perHead = getValueOrCreateConstantIndexOp(b, loc, rowsPerHead);
    auto modify = linalg::GenericOp::create(
        b, loc, scores.getType(), ValueRange{}, scores,
        ArrayRef<AffineMap>{identity(ctx, 2)}, parallel(2),
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value r = linalg::IndexOp::create(nb, nloc, 0);
          Value j = linalg::IndexOp::create(nb, nloc, 1);
          Value h = arith::DivUIOp::create(nb, nloc, r, perHead);
          Value i = arith::RemUIOp::create(nb, nloc, r, perHead);
          Value batch = arith::ConstantIndexOp::create(nb, nloc, 0);
          Value s = args[0];
          if (!rawScores)
            s = arith::MulFOp::create(nb, nloc, s, scale);
          if (!getScoreMod().empty())
            s = inlineRegion(nb, getScoreMod(), {s, batch, h, i, j});
          if (masked) {
            Value p = arith::AddIOp::create(nb, nloc, queryPosition, i);
            Value key = arith::AddIOp::create(nb, nloc, keyPosition, j);
            Value allowed = mask.emitAllowed(nb, nloc, p, key);
            if (!getMaskMod().empty())
              allowed = arith::AndIOp::create(
                  nb, nloc, allowed,
                  inlineRegion(nb, getMaskMod(), {batch, h, i, j}));
            s = arith::SelectOp::create(nb, nloc, allowed, s,
                                        floatConstant(nb, nloc, acc, -inf));
          }
          linalg::YieldOp::create(nb, nloc, s);
        });
    setRole(modify, kRoleRows);
    scores = modify.getResult(0);
  }
  auto toScaled = [&](OpBuilder &nb, Location nloc, Value s) -> Value {
    return rawScores ? arith::MulFOp::create(nb, nloc, s, scale).getResult()
                     : s;
  };

  // rowmax(scale·S) into a fresh row, then m' = max(m, rowmax) in place of
  // m and alpha = exp(m - u) beside it; NaN scores do not raise the max.
  Value rowEmpty = tensor::EmptyOp::create(
      b, loc, {tensor::getMixedSize(b, loc, max, 0)}, acc);
  auto rowMax = linalg::GenericOp::create(
      b, loc, max.getType(), scores, filled(b, loc, rowEmpty, -inf),
      ArrayRef<AffineMap>{identity(ctx, 2), dropLast(ctx, 2)},
      {utils::IteratorType::parallel, utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc,
            arith::MaxNumFOp::create(nb, nloc, toScaled(nb, nloc, args[0]),
                                     args[1])
                .getResult());
      });
  // u = m' == -inf ? 0 : m' (FlashAttention's Check_inf).
  auto usable = [&](OpBuilder &nb, Location nloc, Value mNew) -> Value {
    Value isNegInf = arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ,
                                           mNew,
                                           floatConstant(nb, nloc, acc, -inf));
    return arith::SelectOp::create(nb, nloc, isNegInf,
                                   floatConstant(nb, nloc, acc, 0.0), mNew);
  };
  auto rescale = linalg::GenericOp::create(
      b, loc, TypeRange{max.getType(), rowEmpty.getType()},
      ValueRange{rowMax.getResult(0)}, ValueRange{max, rowEmpty},
      ArrayRef<AffineMap>{identity(ctx, 1), identity(ctx, 1), identity(ctx, 1)},
      parallel(1), [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value mNew = arith::MaxNumFOp::create(nb, nloc, args[1], args[0]);
        Value diff =
            arith::SubFOp::create(nb, nloc, args[1], usable(nb, nloc, mNew));
        linalg::YieldOp::create(
            nb, nloc,
            ValueRange{mNew, math::ExpOp::create(nb, nloc, diff).getResult()});
      });
  setRole(rowMax, kRoleRows);
  setRole(rescale, kRoleRowVector);
  Value newMax = rescale.getResult(0);
  Value alpha = rescale.getResult(1);

  // P = exp(scale·S - u).
  auto probabilities = linalg::GenericOp::create(
      b, loc, scores.getType(), newMax, scores,
      ArrayRef<AffineMap>{dropLast(ctx, 2), identity(ctx, 2)}, parallel(2),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value diff = arith::SubFOp::create(nb, nloc, toScaled(nb, nloc, args[1]),
                                           usable(nb, nloc, args[0]));
        linalg::YieldOp::create(nb, nloc,
                                math::ExpOp::create(nb, nloc, diff).getResult());
      });
  setRole(probabilities, kRoleRows);
  Value p = probabilities.getResult(0);

  // sum' = alpha·sum + rowsum(P).
  auto scaledSum = linalg::GenericOp::create(
      b, loc, sum.getType(), alpha, sum,
      ArrayRef<AffineMap>{identity(ctx, 1), identity(ctx, 1)}, parallel(1),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, arith::MulFOp::create(nb, nloc, args[0], args[1]).getResult());
      });
  auto rowSum = linalg::GenericOp::create(
      b, loc, sum.getType(), p, scaledSum.getResult(0),
      ArrayRef<AffineMap>{identity(ctx, 2), dropLast(ctx, 2)},
      {utils::IteratorType::parallel, utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, arith::AddFOp::create(nb, nloc, args[0], args[1]).getResult());
      });
  setRole(scaledSum, kRoleRowVector);
  setRole(rowSum, kRoleRows);
  Value newSum = rowSum.getResult(0);

  // acc' = alpha·acc + P V.
  auto scaledAcc = linalg::GenericOp::create(
      b, loc, accumulator.getType(), alpha, accumulator,
      ArrayRef<AffineMap>{dropLast(ctx, 2), identity(ctx, 2)}, parallel(2),
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, arith::MulFOp::create(nb, nloc, args[0], args[1]).getResult());
      });
  auto valueMatmul = linalg::MatmulOp::create(
      b, loc, TypeRange{accumulator.getType()}, ValueRange{p, v},
      scaledAcc.getResult(0),
      ArrayRef<NamedAttribute>{
          b.getNamedAttr("indexing_maps", matmulMaps(false))});
  setRole(scaledAcc, kRoleRows);
  setRole(valueMatmul, kRoleValues);
  Value newAcc = valueMatmul.getResult(0);

  auto expand = [&](Value value, Value like,
                    ArrayRef<ReassociationIndices> re) -> Value {
    return tensor::ExpandShapeOp::create(b, loc, like.getType(), value, re,
                                         tensor::getMixedSizes(b, loc, like))
        .getResult();
  };
  return SmallVector<Value>{expand(newAcc, getAccumulator(), rows4),
                            expand(newMax, getMax(), rows3),
                            expand(newSum, getSum(), rows3)};
}
