//===- TileAttention.cpp - FlashAttention-2's loop nest for seq.attention -===//
//
// seq.attention (B, Hq, Lq, E) x (B, Hkv, Lk, E) becomes
//
//   scf.forall (b, kvh, qt) in (B, Hkv, ceil(Lq / Bm)) {
//     Q = q[b, kvh*g : (kvh+1)*g, qt*Bm : (qt+1)*Bm, :]      (g = Hq / Hkv)
//     state = (acc = 0, max = -inf, sum = 0)
//     for key tiles t in [first, fullBegin):  state = online(Q, K_t, V_t, mask)
//     for key tiles t in [fullBegin, fullEnd): state = online(Q, K_t, V_t)
//     for key tiles t in [fullEnd, last):     state = online(Q, K_t, V_t, mask)
//     out, lse = acc / sum, max + log(sum)
//   }
//
// The three key ranges come from the positions of the tile's first and last
// rows and the mask kind: tiles outside [first, last) are empty for every
// row, tiles in [fullBegin, fullEnd) are fully visible to every row. With a
// mask_mod, which no bound can see through, one loop over [first, last)
// tests each tile: it is skipped when the mask empties it, run unmasked when
// the mask allows all of it, and run masked otherwise.
//
// Lengths that are not multiples of the tiles are padded with zeros: padded
// query rows are computed and dropped, padded keys are masked out (the tiles
// that hold them are never in the fully visible range and get a mask_mod
// that rejects key indices >= Lk).
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Tiling.h"

#include "seq/Dialect/AttentionMask.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>

using namespace mlir;
using namespace mlir::seq;

/// Marks `op` with its role in the tiled program (kTileRoleAttrName).
static void setRole(Operation *op, StringRef role) {
  op->setAttr(kTileRoleAttrName, StringAttr::get(op->getContext(), role));
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

FloatType accumulationTypeOf(Type element) {
  if (element.isF64())
    return cast<FloatType>(element);
  return Float32Type::get(element.getContext());
}

Value floatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// `value` padded with zeros at the end of dimension 2 to `length`.
Value padSequence(OpBuilder &b, Location loc, Value value, int64_t length) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getDimSize(2) == length)
    return value;
  SmallVector<int64_t> shape(type.getShape());
  shape[2] = length;
  auto padded = RankedTensorType::get(shape, type.getElementType());
  Value zero = floatConstant(b, loc, type.getElementType(), 0.0);
  return tensor::createPadHighOp(padded, value, zero, /*nofold=*/false, loc,
                                 b);
}

Value filled(OpBuilder &b, Location loc, ArrayRef<int64_t> shape, Type element,
             double value) {
  Value empty = tensor::EmptyOp::create(b, loc, shape, element);
  return linalg::FillOp::create(b, loc,
                                floatConstant(b, loc, element, value), empty)
      .getResult(0);
}

/// Everything one query tile's loops share.
struct TileContext {
  TileContext(AttentionOp op, Location loc)
      : op(op), loc(loc), mask(AttentionMask::of(op)) {}

  mutable AttentionOp op;
  Location loc;
  AttentionMask mask;
  int64_t groupSize = 0, queryTile = 0, keyTile = 0, headDim = 0,
          valueDim = 0, keyLength = 0, numKeyTiles = 0;
  bool keysPadded = false;
  FloatType acc = {};
  /// Padded operands (and the keys transposed to (B, Hkv, E, Lk)), and the
  /// tile's indices and positions.
  Value query, key, value, keyTransposed;
  Value batch, kvHead, firstHead, firstRow, queryPosition, keyPosition;
  Value queryTileValue;

  /// Clones `source` (a modifier region) into `dest` with its index
  /// arguments shifted from the tile's own indices to the whole problem's.
  /// `withValidity`: a mask_mod that also rejects padded keys; with an
  /// empty `source` it is just that check.
  void buildRegion(OpBuilder &b, Region &source, Region &dest,
                   bool isMaskMod, Value keyOffset, bool withValidity) const {
    Block *block = new Block();
    dest.push_back(block);
    Type index = b.getIndexType();
    if (!isMaskMod)
      block->addArgument(acc, loc);
    for (int i = 0; i < 4; ++i)
      block->addArgument(index, loc);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(block);
    unsigned first = isMaskMod ? 0 : 1;
    auto arg = [&](unsigned i) { return block->getArgument(first + i); };
    SmallVector<Value> global = {
        arith::AddIOp::create(b, loc, arg(0), batch),
        arith::AddIOp::create(b, loc, arg(1), firstHead),
        arith::AddIOp::create(b, loc, arg(2), firstRow),
        arith::AddIOp::create(b, loc, arg(3), keyOffset)};
    Value result;
    if (!source.empty()) {
      IRMapping mapping;
      Block &src = source.front();
      if (!isMaskMod)
        mapping.map(src.getArgument(0), block->getArgument(0));
      for (unsigned i = 0; i < 4; ++i)
        mapping.map(src.getArgument(first + i), global[i]);
      for (Operation &inner : src.without_terminator())
        b.clone(inner, mapping);
      result = mapping.lookupOrDefault(
          cast<YieldOp>(src.getTerminator()).getValues().front());
    }
    if (withValidity) {
      Value valid =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, global[3],
                                indexConstant(b, loc, keyLength));
      result = result ? arith::AndIOp::create(b, loc, result, valid).getResult()
                      : valid;
    }
    YieldOp::create(b, loc, result);
  }

  /// One key tile t: state' = online_attention(Q, K_t, V_t, state).
  SmallVector<Value> keyTileStep(OpBuilder &b, Value t, ValueRange state,
                                 bool masked) const {
    Value j0 = arith::MulIOp::create(b, loc, t, indexConstant(b, loc, keyTile));
    auto slice = [&](Value source, int64_t last) {
      SmallVector<OpFoldResult> offsets = {batch, kvHead, j0, b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                         b.getIndexAttr(keyTile),
                                         b.getIndexAttr(last)};
      SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
      return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                            strides)
          .getResult();
    };
    Value vTile = slice(value, valueDim);
    // K was transposed once per call: a key tile is the transpose of a
    // (1, 1, E, Bn) tile of Kᵀ, which the decomposition uses as it is.
    SmallVector<OpFoldResult> tOffsets = {batch, kvHead, b.getIndexAttr(0), j0};
    SmallVector<OpFoldResult> tSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                        b.getIndexAttr(headDim),
                                        b.getIndexAttr(keyTile)};
    SmallVector<OpFoldResult> unit(4, b.getIndexAttr(1));
    Value kTransposedTile = tensor::ExtractSliceOp::create(
        b, loc, keyTransposed, tOffsets, tSizes, unit);
    Value kTileInit = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{1, 1, keyTile, headDim},
        getElementTypeOrSelf(key.getType()));
    Value kTile = linalg::TransposeOp::create(b, loc, kTransposedTile,
                                              kTileInit,
                                              ArrayRef<int64_t>{0, 1, 3, 2})
                      .getResult()[0];
    Value kPos = arith::AddIOp::create(b, loc, keyPosition, j0);

    MaskKind kind = masked ? op.getMask() : MaskKind::none;
    auto online = OnlineAttentionOp::create(
        b, loc, state.getTypes(), queryTileValue, kTile, vTile,
        ValueRange{queryPosition, kPos}, state, op.getScaleAttr(),
        MaskKindAttr::get(b.getContext(), kind),
        masked ? op.getWindowAttr() : DenseI64ArrayAttr(),
        masked ? op.getChunkSizeAttr() : IntegerAttr(),
        masked ? op.getPrefixLengthAttr() : IntegerAttr());
    if (!op.getScoreMod().empty())
      buildRegion(b, op.getScoreMod(), online.getScoreMod(),
                  /*isMaskMod=*/false, j0, /*withValidity=*/false);
    bool validity = masked && keysPadded;
    if (masked && (!op.getMaskMod().empty() || validity))
      buildRegion(b, op.getMaskMod(), online.getMaskMod(), /*isMaskMod=*/true,
                  j0, validity);
    return SmallVector<Value>(online.getResults());
  }

  /// state after key tiles [lo, hi), masked or not.
  SmallVector<Value> keyLoop(OpBuilder &b, Value lo, Value hi,
                             ValueRange state, bool masked) const {
    auto loop = scf::ForOp::create(
        b, loc, lo, hi, indexConstant(b, loc, 1), state,
        [&](OpBuilder &nb, Location, Value t, ValueRange iter) {
          scf::YieldOp::create(nb, loc, keyTileStep(nb, t, iter, masked));
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// With a mask_mod: per tile, (any, all) of allowed(i, j) over the tile
  /// (a vectorizable reduction), then skip it, or run it unmasked or masked.
  SmallVector<Value> testedKeyLoop(OpBuilder &b, Value lo, Value hi,
                                   ValueRange state) const {
    auto loop = scf::ForOp::create(
        b, loc, lo, hi, indexConstant(b, loc, 1), state,
        [&](OpBuilder &nb, Location, Value t, ValueRange iter) {
          std::pair<Value, Value> coverage = tileCoverage(nb, t);
          Value any = coverage.first, all = coverage.second;
          auto step = [&](bool masked) {
            return [&, masked](OpBuilder &sb, Location) {
              scf::YieldOp::create(sb, loc, keyTileStep(sb, t, iter, masked));
            };
          };
          auto visited = [&](OpBuilder &vb, Location) {
            auto run = scf::IfOp::create(vb, loc, all, step(false), step(true));
            scf::YieldOp::create(vb, loc, run.getResults());
          };
          auto skipped = [&](OpBuilder &sb, Location) {
            scf::YieldOp::create(sb, loc, iter);
          };
          auto run = scf::IfOp::create(nb, loc, any, visited, skipped);
          scf::YieldOp::create(nb, loc, run.getResults());
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// (any, all) of allowed(h, i, j) over the query heads and rows of the
  /// tile and the keys of key tile t: the mask kind on positions, the
  /// mask_mod on the problem's indices, and key validity.
  std::pair<Value, Value> tileCoverage(OpBuilder &b, Value t) const {
    MLIRContext *ctx = b.getContext();
    Value j0 = arith::MulIOp::create(b, loc, t, indexConstant(b, loc, keyTile));
    Type i1 = b.getI1Type();
    auto scalar = [&](bool value) {
      Value empty = tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, i1);
      Value c = arith::ConstantIntOp::create(b, loc, i1, value);
      return linalg::FillOp::create(b, loc, c, empty).getResult(0);
    };
    // The iteration domain (g, Bm, Bn) comes from an unread operand.
    Value domain = tensor::EmptyOp::create(
        b, loc, ArrayRef<int64_t>{groupSize, queryTile, keyTile}, i1);
    AffineMap identity = AffineMap::getMultiDimIdentityMap(3, ctx);
    AffineMap toScalar = AffineMap::get(3, 0, {}, ctx);
    SmallVector<utils::IteratorType> reductions(3,
                                                utils::IteratorType::reduction);
    Value none = scalar(false), every = scalar(true);
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{none.getType(), every.getType()}, domain,
        ValueRange{none, every},
        ArrayRef<AffineMap>{identity, toScalar, toScalar}, reductions,
        [&](OpBuilder &nb, Location nloc, ValueRange args) {
          Value h = linalg::IndexOp::create(nb, nloc, 0);
          Value i = linalg::IndexOp::create(nb, nloc, 1);
          Value j = linalg::IndexOp::create(nb, nloc, 2);
          Value allowed = elementAllowed(nb, h, i, j, j0);
          linalg::YieldOp::create(
              nb, nloc,
              ValueRange{arith::OrIOp::create(nb, nloc, args[1], allowed),
                         arith::AndIOp::create(nb, nloc, args[2], allowed)});
        });
    setRole(generic, kRoleCoverage);
    Value any = tensor::ExtractOp::create(b, loc, generic.getResult(0),
                                          ValueRange{});
    Value all = tensor::ExtractOp::create(b, loc, generic.getResult(1),
                                          ValueRange{});
    return {any, all};
  }

  /// allowed(h, i, j) for tile-local indices.
  Value elementAllowed(OpBuilder &b, Value h, Value i, Value j,
                       Value j0) const {
    Value jg = arith::AddIOp::create(b, loc, j0, j);
    Value p = arith::AddIOp::create(b, loc, queryPosition, i);
    Value k = arith::AddIOp::create(b, loc, keyPosition, jg);
    Value allowed = mask.emitAllowed(b, loc, p, k);
    if (keysPadded)
      allowed = arith::AndIOp::create(
          b, loc, allowed,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, jg,
                                indexConstant(b, loc, keyLength)));
    Region &maskMod = op.getMaskMod();
    IRMapping mapping;
    Block &src = maskMod.front();
    mapping.map(src.getArgument(0), batch);
    mapping.map(src.getArgument(1), arith::AddIOp::create(b, loc, firstHead, h));
    mapping.map(src.getArgument(2), arith::AddIOp::create(b, loc, firstRow, i));
    mapping.map(src.getArgument(3), jg);
    for (Operation &inner : src.without_terminator())
      b.clone(inner, mapping);
    Value user = mapping.lookupOrDefault(
        cast<YieldOp>(src.getTerminator()).getValues().front());
    return arith::AndIOp::create(b, loc, allowed, user);
  }

  /// The key tiles [first, fullBegin, fullEnd, last) of this query tile.
  SmallVector<Value> keyTileRanges(OpBuilder &b) const {
    auto c = [&](int64_t v) { return indexConstant(b, loc, v); };
    auto add = [&](Value x, Value y) {
      return arith::AddIOp::create(b, loc, x, y).getResult();
    };
    auto sub = [&](Value x, Value y) {
      return arith::SubIOp::create(b, loc, x, y).getResult();
    };
    auto clamp = [&](Value x, Value lo, Value hi) {
      Value above = arith::MaxSIOp::create(b, loc, x, lo);
      return arith::MinSIOp::create(b, loc, above, hi).getResult();
    };
    Value zero = c(0), tiles = c(numKeyTiles), bn = c(keyTile);
    Value lk = c(keyLength);
    // Positions of the tile's first and last rows (padded rows included:
    // they only widen the ranges of the last tile).
    Value p0 = queryPosition;
    Value p1 = add(queryPosition, c(queryTile - 1));
    // Key positions -> key indices clamped to [0, Lk].
    auto toKeys = [&](std::pair<Value, Value> range) {
      Value lo = range.first ? clamp(sub(range.first, keyPosition), zero, lk)
                             : zero;
      Value hi = range.second ? clamp(sub(range.second, keyPosition), zero, lk)
                              : lk;
      return std::make_pair(lo, hi);
    };
    auto [uLo, uHi] = toKeys(mask.emitUnion(b, loc, p0, p1));
    auto [fLo, fHi] = toKeys(mask.emitIntersection(b, loc, p0, p1));
    auto floorDiv = [&](Value x) {
      return arith::FloorDivSIOp::create(b, loc, x, bn).getResult();
    };
    auto ceilDiv = [&](Value x) {
      return arith::CeilDivSIOp::create(b, loc, x, bn).getResult();
    };
    Value first = floorDiv(uLo);
    Value last = clamp(ceilDiv(uHi), first, tiles);
    // Whole tiles inside [fLo, fHi); a tile holding padded keys never is.
    Value fullBegin = clamp(ceilDiv(fLo), first, last);
    Value fullEnd = clamp(floorDiv(fHi), fullBegin, last);
    return {first, fullBegin, fullEnd, last};
  }
};

} // namespace

FailureOr<AttentionTiling>
seq::tileAttention(RewriterBase &rewriter, AttentionOp op,
                   const AttentionTilingOptions &options) {
  if (!op.hasPureTensorSemantics())
    return rewriter.notifyMatchFailure(op, "expects tensor semantics");
  auto qType = cast<RankedTensorType>(op.getQuery().getType());
  auto kType = cast<RankedTensorType>(op.getKey().getType());
  auto vType = cast<RankedTensorType>(op.getValue().getType());
  if (!qType.hasStaticShape() || !kType.hasStaticShape() ||
      !vType.hasStaticShape())
    return rewriter.notifyMatchFailure(op, "expects static shapes");
  int64_t batch = qType.getDimSize(0), heads = qType.getDimSize(1),
          queryLength = qType.getDimSize(2), kvHeads = kType.getDimSize(1),
          keyLength = kType.getDimSize(2);
  if (queryLength == 0 || keyLength == 0 || batch == 0 || heads == 0)
    return rewriter.notifyMatchFailure(op, "empty problem");
  if (!op.getStaticScale())
    return rewriter.notifyMatchFailure(op, "expects a static scale");

  Location loc = op.getLoc();
  TileContext ctx(op, loc);
  ctx.groupSize = heads / kvHeads;
  ctx.queryTile = std::min(options.queryTile, queryLength);
  ctx.keyTile = std::min(options.keyTile, keyLength);
  ctx.headDim = qType.getDimSize(3);
  ctx.valueDim = vType.getDimSize(3);
  ctx.keyLength = keyLength;
  ctx.acc = accumulationTypeOf(qType.getElementType());
  int64_t numQueryTiles = llvm::divideCeil(queryLength, ctx.queryTile);
  ctx.numKeyTiles = llvm::divideCeil(keyLength, ctx.keyTile);
  int64_t paddedQueries = numQueryTiles * ctx.queryTile;
  int64_t paddedKeys = ctx.numKeyTiles * ctx.keyTile;
  ctx.keysPadded = paddedKeys != keyLength;

  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  ctx.query = padSequence(rewriter, loc, op.getQuery(), paddedQueries);
  ctx.key = padSequence(rewriter, loc, op.getKey(), paddedKeys);
  ctx.value = padSequence(rewriter, loc, op.getValue(), paddedKeys);
  Operation *keyTranspose = nullptr;
  {
    auto kt = cast<RankedTensorType>(ctx.key.getType());
    Value init = tensor::EmptyOp::create(
        rewriter, loc,
        ArrayRef<int64_t>{batch, kvHeads, ctx.headDim, paddedKeys},
        kt.getElementType());
    auto transpose = linalg::TransposeOp::create(
        rewriter, loc, ctx.key, init, ArrayRef<int64_t>{0, 1, 3, 2});
    setRole(transpose, kRoleKeyTranspose);
    keyTranspose = transpose;
    ctx.keyTransposed = transpose.getResult()[0];
  }
  Value queryPosition, keyPosition;
  if (op.getPositions().size() == 2) {
    queryPosition = op.getPositions()[0];
    keyPosition = op.getPositions()[1];
  } else {
    queryPosition = indexConstant(rewriter, loc, keyLength - queryLength);
    keyPosition = indexConstant(rewriter, loc, 0);
  }
  ctx.keyPosition = keyPosition;

  // Destinations, padded to whole query tiles.
  bool queriesPadded = paddedQueries != queryLength;
  SmallVector<Value> outs;
  for (Value out : op.getOuts()) {
    auto type = cast<RankedTensorType>(out.getType());
    if (!queriesPadded) {
      outs.push_back(out);
      continue;
    }
    SmallVector<int64_t> shape(type.getShape());
    shape[2] = paddedQueries;
    outs.push_back(
        tensor::EmptyOp::create(rewriter, loc, shape, type.getElementType()));
  }

  SmallVector<OpFoldResult> upper = {rewriter.getIndexAttr(batch),
                                     rewriter.getIndexAttr(kvHeads),
                                     rewriter.getIndexAttr(numQueryTiles)};
  auto forall =
      scf::ForallOp::create(rewriter, loc, upper, outs, std::nullopt);
  {
    OpBuilder::InsertionGuard bodyGuard(rewriter);
    rewriter.setInsertionPointToStart(forall.getBody());
    SmallVector<Value> ivs = forall.getInductionVars();
    int64_t g = ctx.groupSize, bm = ctx.queryTile;
    ctx.batch = ivs[0];
    ctx.kvHead = ivs[1];
    ctx.firstHead = arith::MulIOp::create(rewriter, loc, ivs[1],
                                          indexConstant(rewriter, loc, g));
    ctx.firstRow = arith::MulIOp::create(rewriter, loc, ivs[2],
                                         indexConstant(rewriter, loc, bm));
    ctx.queryPosition =
        arith::AddIOp::create(rewriter, loc, queryPosition, ctx.firstRow);
    SmallVector<OpFoldResult> qOffsets = {ctx.batch, ctx.firstHead,
                                          ctx.firstRow,
                                          rewriter.getIndexAttr(0)};
    SmallVector<OpFoldResult> qSizes = {
        rewriter.getIndexAttr(1), rewriter.getIndexAttr(g),
        rewriter.getIndexAttr(bm), rewriter.getIndexAttr(ctx.headDim)};
    SmallVector<OpFoldResult> unit(4, rewriter.getIndexAttr(1));
    ctx.queryTileValue = tensor::ExtractSliceOp::create(
        rewriter, loc, ctx.query, qOffsets, qSizes, unit);

    SmallVector<Value> state = {
        filled(rewriter, loc, {1, g, bm, ctx.valueDim}, ctx.acc, 0.0),
        filled(rewriter, loc, {1, g, bm}, ctx.acc, -kInf),
        filled(rewriter, loc, {1, g, bm}, ctx.acc, 0.0)};
    SmallVector<Value> ranges = ctx.keyTileRanges(rewriter);
    if (op.getMaskMod().empty()) {
      state = ctx.keyLoop(rewriter, ranges[0], ranges[1], state, true);
      state = ctx.keyLoop(rewriter, ranges[1], ranges[2], state, false);
      state = ctx.keyLoop(rewriter, ranges[2], ranges[3], state, true);
    } else {
      state = ctx.testedKeyLoop(rewriter, ranges[0], ranges[3], state);
    }

    // out = sum == 0 ? 0 : acc / sum;  lse = sum == 0 ? +inf : max + log sum.
    MLIRContext *mlirCtx = rewriter.getContext();
    AffineMap id4 = AffineMap::getMultiDimIdentityMap(4, mlirCtx);
    AffineMap row4 = id4.getMajorSubMap(3);
    AffineMap id3 = AffineMap::getMultiDimIdentityMap(3, mlirCtx);
    Type element = qType.getElementType();
    FloatType acc = ctx.acc;
    auto outTileType =
        RankedTensorType::get({1, g, bm, ctx.valueDim}, element);
    Value outTile = tensor::EmptyOp::create(rewriter, loc,
                                            outTileType.getShape(), element);
    SmallVector<utils::IteratorType> par4(4, utils::IteratorType::parallel);
    SmallVector<utils::IteratorType> par3(3, utils::IteratorType::parallel);
    auto isEmpty = [&](OpBuilder &nb, Location nloc, Value sum) {
      return arith::CmpFOp::create(nb, nloc, arith::CmpFPredicate::OEQ, sum,
                                   floatConstant(nb, nloc, acc, 0.0))
          .getResult();
    };
    auto normalize =
        linalg::GenericOp::create(
            rewriter, loc, outTileType, ValueRange{state[0], state[2]},
            outTile, ArrayRef<AffineMap>{id4, row4, id4}, par4,
            [&](OpBuilder &nb, Location nloc, ValueRange args) {
              Value divisor = arith::SelectOp::create(
                  nb, nloc, isEmpty(nb, nloc, args[1]),
                  floatConstant(nb, nloc, acc, 1.0), args[1]);
              Value value = arith::DivFOp::create(nb, nloc, args[0], divisor);
              linalg::YieldOp::create(
                  nb, nloc,
                  convertScalarToDtype(nb, nloc, value, element,
                                       /*isUnsignedCast=*/false));
            });
    setRole(normalize, kRoleOutput);
    Value normalized = normalize.getResult(0);
    Value logsumexp;
    if (op.getLogsumexp()) {
      Value lseTile = tensor::EmptyOp::create(
          rewriter, loc, ArrayRef<int64_t>{1, g, bm}, acc);
      auto lse =
          linalg::GenericOp::create(
              rewriter, loc, lseTile.getType(), ValueRange{state[1], state[2]},
              lseTile, ArrayRef<AffineMap>{id3, id3, id3}, par3,
              [&](OpBuilder &nb, Location nloc, ValueRange args) {
                Value value = arith::AddFOp::create(
                    nb, nloc, args[0], math::LogOp::create(nb, nloc, args[1]));
                value = arith::SelectOp::create(
                    nb, nloc, isEmpty(nb, nloc, args[1]),
                    floatConstant(nb, nloc, acc, kInf), value);
                linalg::YieldOp::create(nb, nloc, value);
              });
      setRole(lse, kRoleLogsumexp);
      logsumexp = lse.getResult(0);
    }

    rewriter.setInsertionPointToStart(forall.getTerminator().getBody());
    SmallVector<Value> shared(forall.getRegionIterArgs());
    SmallVector<OpFoldResult> outSizes = {
        rewriter.getIndexAttr(1), rewriter.getIndexAttr(g),
        rewriter.getIndexAttr(bm), rewriter.getIndexAttr(ctx.valueDim)};
    tensor::ParallelInsertSliceOp::create(rewriter, loc, normalized, shared[0],
                                          qOffsets, outSizes, unit);
    if (logsumexp) {
      SmallVector<OpFoldResult> rowOffsets(qOffsets.begin(),
                                           qOffsets.begin() + 3);
      SmallVector<OpFoldResult> rowSizes(outSizes.begin(),
                                         outSizes.begin() + 3);
      SmallVector<OpFoldResult> rowUnit(3, rewriter.getIndexAttr(1));
      tensor::ParallelInsertSliceOp::create(rewriter, loc, logsumexp, shared[1],
                                            rowOffsets, rowSizes, rowUnit);
    }
  }

  // Drop the padded query rows.
  SmallVector<Value> replacements;
  for (auto [result, original] :
       llvm::zip(forall.getResults(), op.getResults())) {
    if (!queriesPadded) {
      replacements.push_back(result);
      continue;
    }
    auto type = cast<RankedTensorType>(original.getType());
    SmallVector<OpFoldResult> offsets(type.getRank(), rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> sizes;
    for (int64_t d : type.getShape())
      sizes.push_back(rewriter.getIndexAttr(d));
    SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
    replacements.push_back(tensor::ExtractSliceOp::create(
        rewriter, loc, type, result, offsets, sizes, strides));
  }
  rewriter.replaceOp(op, replacements);
  return AttentionTiling{forall, keyTranspose};
}
