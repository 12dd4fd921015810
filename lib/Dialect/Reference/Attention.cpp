//===- Attention.cpp - reference of seq.attention, online_attention, compose_heads -===//
//
// seq.attention is one online-softmax pass over the allowed keys of each
// (b, h, i) query row, with the FlashAttention numerics of OPS.md section
// 2.1: the running max m is kept in raw q.k units when possible, the output
// row is rescaled only when m grows, and a row whose max is still -inf
// contributes exp(-inf) = 0 instead of NaN ("Check_inf"), so an empty row
// ends with l = 0, which gives out = 0 and lse = +inf. Every mask kind allows
// a contiguous key range per row; the loop runs over that range only and the
// mask_mod and score_mod regions are inlined into its body.
//
// seq.online_attention folds one key (b, h, i, j) into the running state
// kept in its destinations, with the same numerics in scaled-score units.
//
// seq.compose_heads uses the efficient DCMHA form: per (b, t, s) the low-rank
// terms project the H heads down to R values and back up, so no per-pair
// H x H matrix is formed.
//
// Scratch buffers are not deallocated here: the buffer deallocation pipeline
// of seq-to-cpu frees every memref.alloc and rejects IR that already frees.
//
//===----------------------------------------------------------------------===//

#include "ReferenceUtils.h"
#include "seq/Dialect/AttentionMask.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::seq;
using namespace mlir::seq::reference;

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
// What seq.attention and seq.online_attention share
//===----------------------------------------------------------------------===//

/// The operands, mask and modifiers of an attention-like op, and the
/// per-element pieces both reference computations are made of.
struct AttentionCommon {
  AttentionMask mask;
  FloatType acc;
  Region *scoreMod = nullptr, *maskMod = nullptr;
  Value q, k, v;
  Value e, ev, lk, group;
  /// Positions of query row 0 and key 0.
  Value queryPosition, keyPosition;
  Value scale;
  /// Whether the scale is positive and there is no score_mod: scores may
  /// then be compared in raw q.k units, applying the scale inside exp.
  bool rawUnitsAllowed = false;
  Value zero, one, negInf, posInf;

  template <typename OpTy> void init(OpBuilder &b, OpTy op) {
    Location loc = op.getLoc();
    mask = AttentionMask::of(op);
    acc = accumulationType(getElementTypeOrSelf(op.getQuery().getType()));
    if (!op.getScoreMod().empty())
      scoreMod = &op.getScoreMod();
    if (!op.getMaskMod().empty())
      maskMod = &op.getMaskMod();
    q = op.getQuery();
    k = op.getKey();
    v = op.getValue();
    Value hq = dimSize(b, loc, q, 1);
    Value lq = dimSize(b, loc, q, 2);
    e = dimSize(b, loc, q, 3);
    Value hkv = dimSize(b, loc, k, 1);
    lk = dimSize(b, loc, k, 2);
    ev = dimSize(b, loc, v, 3);
    group = arith::DivUIOp::create(b, loc, hq, hkv);
    if (op.getPositions().size() == 2) {
      queryPosition = op.getPositions()[0];
      keyPosition = op.getPositions()[1];
    } else {
      // Bottom-right alignment: row i sits at p(i) = i + (Lk - Lq).
      queryPosition = arith::SubIOp::create(b, loc, lk, lq);
      keyPosition = indexConst(b, loc, 0);
    }
    // The softmax scale, 1/sqrt(E) by default (at run time if E is dynamic).
    bool positiveScale = true;
    if (std::optional<double> value = op.getStaticScale()) {
      positiveScale = *value > 0;
      scale = floatConst(b, loc, acc, *value);
    } else {
      Value size = arith::IndexCastOp::create(b, loc, b.getI64Type(), e);
      Value sizeF = arith::SIToFPOp::create(b, loc, acc, size);
      scale = math::RsqrtOp::create(b, loc, sizeF);
    }
    rawUnitsAllowed = !scoreMod && positiveScale;
    double inf = std::numeric_limits<double>::infinity();
    zero = floatConst(b, loc, acc, 0.0);
    one = floatConst(b, loc, acc, 1.0);
    negInf = floatConst(b, loc, acc, -inf);
    posInf = floatConst(b, loc, acc, inf);
  }

  /// The keys [lo, hi) the mask kind allows for query row i: every kind
  /// allows a contiguous range of positions, mapped to key indices and
  /// clamped to [0, Lk). An empty range has hi <= lo.
  std::pair<Value, Value> keyRange(OpBuilder &b, Location loc, Value i) const {
    Value p = arith::AddIOp::create(b, loc, queryPosition, i);
    auto [lo, hi] = mask.emitUnion(b, loc, p, p);
    Value first = indexConst(b, loc, 0), last = lk;
    if (lo)
      first = arith::MaxSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, lo, keyPosition), first);
    if (hi)
      last = arith::MinSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, hi, keyPosition), lk);
    return {first, last};
  }

  /// q[bi, h, i, :] . k[bi, kvh, j, :] in the accumulation type.
  Value dot(OpBuilder &b, Location loc, Value bi, Value h, Value i, Value kvh,
            Value j) const {
    return sumOver(b, loc, e, acc, [&](OpBuilder &b, Location loc, Value x) {
      Value qx = loadAs(b, loc, q, {bi, h, i, x}, acc);
      Value kx = loadAs(b, loc, k, {bi, kvh, j, x}, acc);
      return arith::MulFOp::create(b, loc, qx, kx);
    });
  }

  /// The score s[i, j] in scaled units, after score_mod.
  Value score(OpBuilder &b, Location loc, Value bi, Value h, Value i,
              Value kvh, Value j) const {
    Value s = arith::MulFOp::create(b, loc, dot(b, loc, bi, h, i, kvh, j),
                                    scale);
    if (scoreMod)
      s = inlineModifier(b, *scoreMod, {s, bi, h, i, j});
    return s;
  }

  /// Check_inf: the value subtracted before exp, 0 while the max is -inf.
  Value usableMax(OpBuilder &b, Location loc, Value m) const {
    Value mIsNegInf =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m, negInf);
    return arith::SelectOp::create(b, loc, mIsNegInf, zero, m);
  }
};

//===----------------------------------------------------------------------===//
// seq.attention
//===----------------------------------------------------------------------===//

/// Emits the rows of one seq.attention.
struct AttentionEmitter : AttentionCommon {
  Value out, lse;
  /// Scores and the running max are raw q.k values (the scale is applied
  /// inside exp), as in FlashAttention.
  bool rawUnits = false;
  /// The unnormalized output row sum_j exp(s_j - m) v_j.
  Value accRow;

  /// exp's argument from a difference of scores.
  Value toSoftmaxUnits(OpBuilder &b, Location loc, Value x) const {
    return rawUnits ? arith::MulFOp::create(b, loc, x, scale) : x;
  }

  /// Folds allowed key j of row (bi, h, i) into the running max m, the
  /// running sum and accRow; returns the new (m, sum).
  SmallVector<Value> addKey(OpBuilder &b, Location loc, ValueRange row,
                            Value kvh, Value j, Value m, Value sum) const {
    Value bi = row[0], h = row[1], i = row[2];
    Value s = rawUnits ? dot(b, loc, bi, h, i, kvh, j)
                       : score(b, loc, bi, h, i, kvh, j);

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

    Value diff = arith::SubFOp::create(b, loc, s, usableMax(b, loc, m));
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
    std::pair<Value, Value> range = keyRange(b, loc, i);
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

//===----------------------------------------------------------------------===//
// seq.online_attention
//===----------------------------------------------------------------------===//

/// Folds key (b, h, i, j) into the state (acc, max, sum) kept in the
/// destinations, in scaled-score units.
struct OnlineAttentionEmitter : AttentionCommon {
  Value accumulator, max, sum;

  void emitKey(OpBuilder &b, Location loc, ValueRange ivs) const {
    Value bi = ivs[0], h = ivs[1], i = ivs[2], j = ivs[3];
    Value kvh = arith::DivUIOp::create(b, loc, h, group);
    std::pair<Value, Value> range = keyRange(b, loc, i);
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, j,
                              range.first),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, j,
                              range.second));
    auto add = [&](OpBuilder &b, Location loc) {
      SmallVector<Value> row = {bi, h, i};
      Value s = score(b, loc, bi, h, i, kvh, j);
      Value m = memref::LoadOp::create(b, loc, max, row);
      Value l = memref::LoadOp::create(b, loc, sum, row);
      Value grows =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, s, m);
      auto rescale = [&](OpBuilder &b, Location loc) -> SmallVector<Value> {
        Value alpha =
            math::ExpOp::create(b, loc, arith::SubFOp::create(b, loc, m, s));
        forEach(b, loc, ev, [&](OpBuilder &b, Location loc, ValueRange y) {
          SmallVector<Value> index = {bi, h, i, y[0]};
          Value o = memref::LoadOp::create(b, loc, accumulator, index);
          memref::StoreOp::create(b, loc, arith::MulFOp::create(b, loc, o, alpha),
                                  accumulator, index);
        });
        return {s, arith::MulFOp::create(b, loc, l, alpha)};
      };
      SmallVector<Value> state = buildIf(b, loc, grows, {m, l}, rescale);
      m = state[0];
      l = state[1];
      Value weight = math::ExpOp::create(
          b, loc, arith::SubFOp::create(b, loc, s, usableMax(b, loc, m)));
      l = arith::AddFOp::create(b, loc, l, weight);
      forEach(b, loc, ev, [&](OpBuilder &b, Location loc, ValueRange y) {
        SmallVector<Value> index = {bi, h, i, y[0]};
        Value vy = loadAs(b, loc, v, {bi, kvh, j, y[0]}, acc);
        Value o = memref::LoadOp::create(b, loc, accumulator, index);
        Value term = arith::MulFOp::create(b, loc, weight, vy);
        memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, o, term),
                                accumulator, index);
      });
      memref::StoreOp::create(b, loc, m, max, row);
      memref::StoreOp::create(b, loc, l, sum, row);
      return SmallVector<Value>();
    };
    auto allowed = [&](OpBuilder &b, Location loc) -> SmallVector<Value> {
      if (!maskMod)
        return add(b, loc);
      Value keep = inlineModifier(b, *maskMod, {bi, h, i, j});
      return buildIf(b, loc, keep, {}, add);
    };
    buildIf(b, loc, inRange, {}, allowed);
  }
};

} // namespace

std::unique_ptr<ReferenceImplementation>
AttentionOp::prepareReference(OpBuilder &b) {
  AttentionEmitter em;
  em.init(b, *this);
  em.rawUnits = em.rawUnitsAllowed;
  em.out = getOutput();
  em.lse = getLogsumexp();
  em.accRow = allocScratch(b, getLoc(), {em.ev}, em.acc);
  return pointwise([em](OpBuilder &b, Location loc, ValueRange ivs) {
    em.emitRow(b, loc, ivs);
  });
}

std::unique_ptr<ReferenceImplementation>
OnlineAttentionOp::prepareReference(OpBuilder &b) {
  OnlineAttentionEmitter em;
  em.init(b, *this);
  em.accumulator = getAccumulator();
  em.max = getMax();
  em.sum = getSum();
  return pointwise([em](OpBuilder &b, Location loc, ValueRange ivs) {
    em.emitKey(b, loc, ivs);
  });
}

//===----------------------------------------------------------------------===//
// seq.compose_heads
//===----------------------------------------------------------------------===//

namespace {

/// Emits the points of one seq.compose_heads. Optional operands are null.
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

} // namespace

std::unique_ptr<ReferenceImplementation>
ComposeHeadsOp::prepareReference(OpBuilder &b) {
  Location loc = getLoc();
  ComposeHeadsEmitter em;
  em.acc = accumulationType(getElementTypeOrSelf(getScores().getType()));
  em.scores = getScores();
  em.staticW = getStaticWeight();
  em.qw1 = getQueryW1();
  em.qw2 = getQueryW2();
  em.kw1 = getKeyW1();
  em.kw2 = getKeyW2();
  em.qdd = getQueryGate();
  em.kdd = getKeyGate();
  em.out = getOuts().front();
  em.heads = dimSize(b, loc, em.scores, 1);
  em.column = allocScratch(b, loc, {em.heads}, em.acc);
  if (em.qw1) {
    em.rq = dimSize(b, loc, em.qw1, 2);
    em.qProj = allocScratch(b, loc, {em.rq}, em.acc);
  }
  if (em.kw1) {
    em.rk = dimSize(b, loc, em.kw1, 2);
    em.kProj = allocScratch(b, loc, {em.rk}, em.acc);
  }
  return pointwise([em](OpBuilder &b, Location loc, ValueRange ivs) {
    em.emitPair(b, loc, ivs);
  });
}
