//===- LowerAttention.cpp - seq.attention, seq.compose_heads to loops -----===//
//
// seq.attention becomes one online-softmax pass over the allowed keys of each
// (b, h, i) query row, with the FlashAttention numerics of OPS.md section
// 2.1: the running max m is kept in raw q.k units when possible, the output
// row is rescaled only when m grows, and a row whose max is still -inf
// contributes exp(-inf) = 0 instead of NaN ("Check_inf"), so an empty row
// ends with l = 0, which gives out = 0 and lse = +inf. Every mask kind allows
// a contiguous key range per row; the loop runs over that range only and the
// mask_mod and score_mod regions are inlined into its body.
//
// seq.compose_heads uses the efficient DCMHA form: per (b, t, s) the low-rank
// terms project the H heads down to R values and back up, so no per-pair
// H x H matrix is formed.
//
// Scratch buffers are not deallocated here: the buffer deallocation pipeline
// of seq-to-cpu frees every memref.alloc and rejects IR that already frees.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::seq;
using namespace mlir::seq::lowering;

/// Inlines the single block of a score_mod / mask_mod region at the insertion
/// point with its arguments replaced by `args`; returns the yielded value.
static Value inlineModifier(OpBuilder &b, Region &region, ValueRange args) {
  Block &block = region.front();
  IRMapping mapping;
  mapping.map(block.getArguments(), args);
  for (Operation &op : block.without_terminator())
    b.clone(op, mapping);
  auto yield = cast<YieldOp>(block.getTerminator());
  return mapping.lookupOrDefault(yield.getValues().front());
}

/// sum_{x < ub} term(x), accumulated in order in `type`.
static Value sumOver(OpBuilder &b, Location loc, Value ub, Type type,
                     function_ref<Value(OpBuilder &, Location, Value)> term) {
  Value zero = floatConst(b, loc, type, 0.0);
  auto body = [&](OpBuilder &nb, Location nloc, Value x,
                  ValueRange iter) -> SmallVector<Value> {
    return {arith::AddFOp::create(nb, nloc, iter[0], term(nb, nloc, x))};
  };
  return forLoop(b, loc, indexConst(b, loc, 0), ub, zero, body).front();
}

/// An scf.if yielding `thenBody()` when `cond` holds and `elseValues`
/// otherwise; returns its results.
static SmallVector<Value>
buildIf(OpBuilder &b, Location loc, Value cond, ValueRange elseValues,
        function_ref<SmallVector<Value>(OpBuilder &, Location)> thenBody) {
  auto ifOp = scf::IfOp::create(b, loc, elseValues.getTypes(), cond,
                                /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOp.thenBlock());
  scf::YieldOp::create(b, loc, thenBody(b, loc));
  b.setInsertionPointToStart(ifOp.elseBlock());
  scf::YieldOp::create(b, loc, elseValues);
  return SmallVector<Value>(ifOp.getResults());
}

namespace {

//===----------------------------------------------------------------------===//
// seq.attention
//===----------------------------------------------------------------------===//

/// Window and offset attributes are clamped to this so index arithmetic on
/// positions cannot overflow; no tensor dimension comes close.
constexpr int64_t kMaxOffset = int64_t(1) << 60;

/// Emits the loops of one seq.attention; holds what every row shares.
struct AttentionEmitter {
  MaskKind mask = MaskKind::none;
  /// window = [left, right] (-1: unbounded), chunk_size and prefix_length,
  /// clamped.
  int64_t left = 0, right = 0, chunkSize = 1, prefixLength = 0;
  FloatType acc;
  Region *scoreMod = nullptr, *maskMod = nullptr;
  Value q, k, v, out, lse;
  Value e, ev, lk, group, shift;
  Value scale;
  /// Scores and the running max are raw q.k values (the scale is applied
  /// inside exp), as in FlashAttention.
  bool rawUnits = false;
  Value zero, one, negInf, posInf;
  /// The unnormalized output row sum_j exp(s_j - m) v_j.
  Value accRow;

  /// exp's argument from a difference of scores.
  Value toSoftmaxUnits(OpBuilder &b, Location loc, Value x) const {
    return rawUnits ? arith::MulFOp::create(b, loc, x, scale) : x;
  }

  /// The keys [lo, hi) that the mask kind allows for a row at position p:
  /// every kind allows a contiguous range (prefix: j < max(M, p + 1); chunk:
  /// the whole chunk of p). An empty range has hi <= lo.
  std::pair<Value, Value> keyRange(OpBuilder &b, Location loc, Value p) const {
    auto cst = [&](int64_t value) { return indexConst(b, loc, value); };
    Value zeroIndex = cst(0);
    Value pNext = arith::AddIOp::create(b, loc, p, cst(1));
    Value lo = zeroIndex, hi = lk;
    switch (mask) {
    case MaskKind::none:
      break;
    case MaskKind::causal:
      hi = pNext;
      break;
    case MaskKind::sliding_window:
      // A side of -1 is unbounded.
      if (left >= 0)
        lo = arith::SubIOp::create(b, loc, p, cst(left));
      if (right >= 0)
        hi = arith::AddIOp::create(b, loc, pNext, cst(right));
      break;
    case MaskKind::chunk_causal: {
      // The chunk of p starts at floor(p / c) * c; p < 0 leaves hi <= 0.
      Value c = cst(chunkSize);
      Value chunk = arith::FloorDivSIOp::create(b, loc, p, c);
      lo = arith::MulIOp::create(b, loc, chunk, c);
      hi = pNext;
      break;
    }
    case MaskKind::chunk: {
      // The whole chunk of p, [floor(p / c) * c, floor(p / c) * c + c).
      Value c = cst(chunkSize);
      Value chunk = arith::FloorDivSIOp::create(b, loc, p, c);
      lo = arith::MulIOp::create(b, loc, chunk, c);
      hi = arith::AddIOp::create(b, loc, lo, c);
      break;
    }
    case MaskKind::prefix:
      hi = arith::MaxSIOp::create(b, loc, pNext, cst(prefixLength));
      break;
    }
    if (lo != zeroIndex)
      lo = arith::MaxSIOp::create(b, loc, lo, zeroIndex);
    if (hi != lk)
      hi = arith::MinSIOp::create(b, loc, hi, lk);
    return {lo, hi};
  }

  /// Folds allowed key j of row (bi, h, i) into the running max m, the
  /// running sum and accRow; returns the new (m, sum).
  SmallVector<Value> addKey(OpBuilder &b, Location loc, ValueRange row,
                            Value kvh, Value j, Value m, Value sum) const {
    Value bi = row[0], h = row[1], i = row[2];
    Value s = sumOver(b, loc, e, acc, [&](OpBuilder &b, Location loc, Value x) {
      Value qx = loadAs(b, loc, q, {bi, h, i, x}, acc);
      Value kx = loadAs(b, loc, k, {bi, kvh, j, x}, acc);
      return arith::MulFOp::create(b, loc, qx, kx);
    });
    if (!rawUnits)
      s = arith::MulFOp::create(b, loc, s, scale);
    if (scoreMod)
      s = inlineModifier(b, *scoreMod, {s, bi, h, i, j});

    // Rescale the state only when the max grows (false for a NaN score).
    Value grows =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, s, m);
    auto rescale = [&](OpBuilder &b, Location loc) -> SmallVector<Value> {
      Value diff = arith::SubFOp::create(b, loc, m, s);
      Value alpha = math::ExpOp::create(b, loc, toSoftmaxUnits(b, loc, diff));
      forEach(b, loc, ev, [&](OpBuilder &b, Location loc, ValueRange y) {
        Value o = memref::LoadOp::create(b, loc, accRow, y);
        Value scaled = arith::MulFOp::create(b, loc, o, alpha);
        memref::StoreOp::create(b, loc, scaled, accRow, y);
      });
      return {s, arith::MulFOp::create(b, loc, sum, alpha)};
    };
    SmallVector<Value> state = buildIf(b, loc, grows, {m, sum}, rescale);
    m = state[0];
    sum = state[1];

    // Check_inf: while every score is -inf, subtract 0 instead of m so that
    // exp(-inf - 0) = 0 rather than NaN.
    Value mIsNegInf =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m, negInf);
    Value mUse = arith::SelectOp::create(b, loc, mIsNegInf, zero, m);
    Value diff = arith::SubFOp::create(b, loc, s, mUse);
    Value weight = math::ExpOp::create(b, loc, toSoftmaxUnits(b, loc, diff));
    sum = arith::AddFOp::create(b, loc, sum, weight);
    forEach(b, loc, ev, [&](OpBuilder &b, Location loc, ValueRange y) {
      Value vy = loadAs(b, loc, v, {bi, kvh, j, y[0]}, acc);
      Value o = memref::LoadOp::create(b, loc, accRow, y);
      Value term = arith::MulFOp::create(b, loc, weight, vy);
      memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, o, term),
                              accRow, y);
    });
    return {m, sum};
  }

  /// Computes out[bi, h, i, :] and lse[bi, h, i].
  void emitRow(OpBuilder &b, Location loc, ValueRange row) const {
    Value bi = row[0], h = row[1], i = row[2];
    // GQA: query head h reads key/value head h / (Hq / Hkv).
    Value kvh = arith::DivUIOp::create(b, loc, h, group);
    Value p = arith::AddIOp::create(b, loc, i, shift);
    std::pair<Value, Value> range = keyRange(b, loc, p);
    fill(b, loc, accRow, zero);

    auto keyStep = [&](OpBuilder &b, Location loc, Value j,
                       ValueRange iter) -> SmallVector<Value> {
      auto add = [&](OpBuilder &b, Location loc) {
        return addKey(b, loc, row, kvh, j, iter[0], iter[1]);
      };
      if (!maskMod)
        return add(b, loc);
      // Keys the mask_mod rejects are skipped, not given -inf.
      Value allowed = inlineModifier(b, *maskMod, {bi, h, i, j});
      return buildIf(b, loc, allowed, iter, add);
    };
    ValueRange state =
        forLoop(b, loc, range.first, range.second, {negInf, zero}, keyStep);
    Value m = state[0], sum = state[1];

    // sum is 0 exactly when no allowed key has a score above -inf; accRow is
    // then 0 too, and dividing by 1 keeps it so.
    Value empty =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, sum, zero);
    Value divisor = arith::SelectOp::create(b, loc, empty, one, sum);
    forEach(b, loc, ev, [&](OpBuilder &b, Location loc, ValueRange y) {
      Value o = memref::LoadOp::create(b, loc, accRow, y);
      Value normalized = arith::DivFOp::create(b, loc, o, divisor);
      storeAs(b, loc, normalized, out, {bi, h, i, y[0]});
    });
    if (!lse)
      return;
    Value logSum = math::LogOp::create(b, loc, divisor);
    Value value =
        arith::AddFOp::create(b, loc, toSoftmaxUnits(b, loc, m), logSum);
    value = arith::SelectOp::create(b, loc, empty, posInf, value);
    storeAs(b, loc, value, lse, {bi, h, i});
  }
};

struct AttentionLowering : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    AttentionEmitter em;
    // Attributes beyond kMaxOffset act like kMaxOffset on any real length.
    auto clamp = [](int64_t value) { return std::min(value, kMaxOffset); };
    em.mask = op.getMask();
    if (std::optional<ArrayRef<int64_t>> window = op.getWindow()) {
      em.left = clamp((*window)[0]);
      em.right = clamp((*window)[1]);
    }
    if (std::optional<uint64_t> chunk = op.getChunkSize())
      em.chunkSize = clamp(static_cast<int64_t>(*chunk));
    if (std::optional<uint64_t> prefix = op.getPrefixLength())
      em.prefixLength = clamp(static_cast<int64_t>(*prefix));
    em.acc = accumulationType(getElementTypeOrSelf(op.getQuery().getType()));
    if (!op.getScoreMod().empty())
      em.scoreMod = &op.getScoreMod();
    if (!op.getMaskMod().empty())
      em.maskMod = &op.getMaskMod();

    em.q = toBuffer(rewriter, loc, op.getQuery());
    em.k = toBuffer(rewriter, loc, op.getKey());
    em.v = toBuffer(rewriter, loc, op.getValue());
    em.out = allocLike(rewriter, loc, op.getOutput());
    if (Value lse = op.getLogsumexp())
      em.lse = allocLike(rewriter, loc, lse);

    Value batch = dimSize(rewriter, loc, em.q, 0);
    Value hq = dimSize(rewriter, loc, em.q, 1);
    Value lq = dimSize(rewriter, loc, em.q, 2);
    em.e = dimSize(rewriter, loc, em.q, 3);
    Value hkv = dimSize(rewriter, loc, em.k, 1);
    em.lk = dimSize(rewriter, loc, em.k, 2);
    em.ev = dimSize(rewriter, loc, em.v, 3);
    em.group = arith::DivUIOp::create(rewriter, loc, hq, hkv);
    // Bottom-right alignment: row i sits at p(i) = i + (Lk - Lq).
    em.shift = arith::SubIOp::create(rewriter, loc, em.lk, lq);

    // The softmax scale, 1/sqrt(E) by default (at run time if E is dynamic).
    bool positiveScale = true;
    if (std::optional<double> value = op.getStaticScale()) {
      positiveScale = *value > 0;
      em.scale = floatConst(rewriter, loc, em.acc, *value);
    } else {
      Value size = arith::IndexCastOp::create(rewriter, loc,
                                              rewriter.getI64Type(), em.e);
      Value sizeF = arith::SIToFPOp::create(rewriter, loc, em.acc, size);
      em.scale = math::RsqrtOp::create(rewriter, loc, sizeF);
    }
    // A score_mod needs the scaled score, and a non-positive scale would
    // turn the max of raw scores into a min.
    em.rawUnits = !em.scoreMod && positiveScale;

    double inf = std::numeric_limits<double>::infinity();
    em.zero = floatConst(rewriter, loc, em.acc, 0.0);
    em.one = floatConst(rewriter, loc, em.acc, 1.0);
    em.negInf = floatConst(rewriter, loc, em.acc, -inf);
    em.posInf = floatConst(rewriter, loc, em.acc, inf);
    em.accRow = allocScratch(rewriter, loc, {em.ev}, em.acc);

    forEach(rewriter, loc, {batch, hq, lq},
            [&](OpBuilder &b, Location loc, ValueRange row) {
              em.emitRow(b, loc, row);
            });

    SmallVector<Value> buffers{em.out};
    if (em.lse)
      buffers.push_back(em.lse);
    replaceWithBuffers(rewriter, op, buffers);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// seq.compose_heads
//===----------------------------------------------------------------------===//

/// Emits the loops of one seq.compose_heads. Optional operands are null.
struct ComposeHeadsEmitter {
  FloatType acc;
  Value scores, staticW, qw1, qw2, kw1, kw2, qdd, kdd, out;
  Value heads, rq, rk;
  /// Per (b, t, s): the column A[b, :, t, s] and the rank-R projections
  /// sum_n A[n] w1[r, n] of the query-wise and key-wise terms.
  Value column, qProj, kProj;

  Value columnAt(OpBuilder &b, Location loc, Value n) const {
    return memref::LoadOp::create(b, loc, column, n);
  }

  /// proj[r] = sum_n A[n] w1[bi, pos, r, n]: H -> R.
  void project(OpBuilder &b, Location loc, Value w1, Value bi, Value pos,
               Value rank, Value proj) const {
    forEach(b, loc, rank, [&](OpBuilder &b, Location loc, ValueRange r) {
      Value dot =
          sumOver(b, loc, heads, acc, [&](OpBuilder &b, Location loc, Value n) {
            Value w = loadAs(b, loc, w1, {bi, pos, r[0], n}, acc);
            return arith::MulFOp::create(b, loc, columnAt(b, loc, n), w);
          });
      memref::StoreOp::create(b, loc, dot, proj, r);
    });
  }

  /// sum_r proj[r] w2[bi, pos, r, m]: R -> H.
  Value expand(OpBuilder &b, Location loc, Value w2, Value bi, Value pos,
               Value rank, Value proj, Value m) const {
    return sumOver(b, loc, rank, acc, [&](OpBuilder &b, Location loc, Value r) {
      Value x = memref::LoadOp::create(b, loc, proj, r);
      Value w = loadAs(b, loc, w2, {bi, pos, r, m}, acc);
      return arith::MulFOp::create(b, loc, x, w);
    });
  }

  /// out[bi, m, t, s] for one output head m, the terms in formula order.
  void emitHead(OpBuilder &b, Location loc, Value bi, Value t, Value s,
                Value m) const {
    Value am = columnAt(b, loc, m);
    Value total = am;
    auto add = [&](Value term) {
      total = arith::AddFOp::create(b, loc, total, term);
    };
    if (staticW)
      add(sumOver(b, loc, heads, acc, [&](OpBuilder &b, Location loc, Value n) {
        Value w = loadAs(b, loc, staticW, {n, m}, acc);
        return arith::MulFOp::create(b, loc, columnAt(b, loc, n), w);
      }));
    if (qw1)
      add(expand(b, loc, qw2, bi, t, rq, qProj, m));
    if (kw1)
      add(expand(b, loc, kw2, bi, s, rk, kProj, m));
    if (qdd)
      add(arith::MulFOp::create(b, loc, am,
                                loadAs(b, loc, qdd, {bi, t, m}, acc)));
    if (kdd)
      add(arith::MulFOp::create(b, loc, am,
                                loadAs(b, loc, kdd, {bi, s, m}, acc)));
    storeAs(b, loc, total, out, {bi, m, t, s});
  }

  /// out[bi, :, t, s].
  void emitPair(OpBuilder &b, Location loc, ValueRange ivs) const {
    Value bi = ivs[0], t = ivs[1], s = ivs[2];
    forEach(b, loc, heads, [&](OpBuilder &b, Location loc, ValueRange n) {
      Value a = loadAs(b, loc, scores, {bi, n[0], t, s}, acc);
      memref::StoreOp::create(b, loc, a, column, n);
    });
    if (qw1)
      project(b, loc, qw1, bi, t, rq, qProj);
    if (kw1)
      project(b, loc, kw1, bi, s, rk, kProj);
    forEach(b, loc, heads, [&](OpBuilder &b, Location loc, ValueRange m) {
      emitHead(b, loc, bi, t, s, m[0]);
    });
  }
};

struct ComposeHeadsLowering : OpRewritePattern<ComposeHeadsOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ComposeHeadsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ComposeHeadsEmitter em;
    em.acc = accumulationType(getElementTypeOrSelf(op.getScores().getType()));
    em.scores = toBufferOrNull(rewriter, loc, op.getScores());
    em.staticW = toBufferOrNull(rewriter, loc, op.getStaticWeight());
    em.qw1 = toBufferOrNull(rewriter, loc, op.getQueryW1());
    em.qw2 = toBufferOrNull(rewriter, loc, op.getQueryW2());
    em.kw1 = toBufferOrNull(rewriter, loc, op.getKeyW1());
    em.kw2 = toBufferOrNull(rewriter, loc, op.getKeyW2());
    em.qdd = toBufferOrNull(rewriter, loc, op.getQueryGate());
    em.kdd = toBufferOrNull(rewriter, loc, op.getKeyGate());
    em.out = allocLike(rewriter, loc, op.getOuts().front());

    Value batch = dimSize(rewriter, loc, em.scores, 0);
    em.heads = dimSize(rewriter, loc, em.scores, 1);
    Value tLen = dimSize(rewriter, loc, em.scores, 2);
    Value sLen = dimSize(rewriter, loc, em.scores, 3);
    em.column = allocScratch(rewriter, loc, {em.heads}, em.acc);
    if (em.qw1) {
      em.rq = dimSize(rewriter, loc, em.qw1, 2);
      em.qProj = allocScratch(rewriter, loc, {em.rq}, em.acc);
    }
    if (em.kw1) {
      em.rk = dimSize(rewriter, loc, em.kw1, 2);
      em.kProj = allocScratch(rewriter, loc, {em.rk}, em.acc);
    }

    forEach(rewriter, loc, {batch, tLen, sLen},
            [&](OpBuilder &b, Location loc, ValueRange ivs) {
              em.emitPair(b, loc, ivs);
            });
    replaceWithBuffers(rewriter, op, {em.out});
    return success();
  }
};

} // namespace

void mlir::seq::populateAttentionLoweringPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionLowering, ComposeHeadsLowering>(patterns.getContext());
}
