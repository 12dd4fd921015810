//===- ChunkTimestepNorm.cpp - seq.timestep_norm in parallel parts --------===//
//
// seq.timestep_norm = per-step group statistics (parallel), the running
// Welford state over time on those statistics only (a chunked prefix when the
// batch cannot occupy the cores), and the normalization (parallel).
//
//===----------------------------------------------------------------------===//

#include "TensorBuilder.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQCHUNKTIMESTEPNORM
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {

/// A Welford state of one batch row: the count (i64 scalar) and, per group,
/// the mean, the variance and their Kahan compensations (G).
struct Welford {
  Value count, mean, var, meanErr, varErr;
};

class TimestepNormRewriter {
public:
  TimestepNormRewriter(TimestepNormOp op, TensorBuilder &tb,
                       const ChunkPlan &plan)
      : op(op), tb(tb), plan(plan) {
    ArrayRef<int64_t> xs = TensorBuilder::shape(op.getInput());
    batch = xs[0];
    length = xs[1];
    features = xs[2];
    groups = op.getNumGroups();
    groupSize = features / groups;
    SmallVector<Value> floats{op.getInput(), op.getWeight(), op.getBias(),
                              op.getPrevMean(), op.getPrevVar()};
    if (op.getOuts().size() == 4)
      floats.append({op.getOuts()[2], op.getOuts()[3]});
    acc = widestAccumulationFloat(floats);
    i64 = tb.b.getI64Type();
  }

  SmallVector<Value> rewrite() {
    statistics();
    auto [count0, mean0, var0] = prevState();
    Value countIn, meanIn, varIn, countEnd, meanEnd, varEnd;
    bool chunked = plan.chunks > 1;
    if (chunked)
      std::tie(countIn, meanIn, varIn, countEnd, meanEnd, varEnd) =
          chunkPrefix(count0, mean0, var0);
    else
      std::tie(countIn, meanIn, varIn) = std::make_tuple(count0, mean0, var0);
    SmallVector<Value> running = runChunks(countIn, meanIn, varIn, chunked);
    SmallVector<Value> results{normalize(running[0], running[1])};
    if (op.getOuts().size() == 4) {
      if (!chunked) {
        countEnd = running[2];
        meanEnd = running[3];
        varEnd = running[4];
      }
      results.push_back(countEnd);
      results.push_back(castInto(meanEnd, op.getOuts()[2]));
      results.push_back(castInto(varEnd, op.getOuts()[3]));
    }
    return results;
  }

private:
  /// mu, v (B, L, G): the mean of each group, then the mean squared
  /// deviation from it (two passes, as the reference).
  void statistics() {
    Value x = tb.reshape(op.getInput(), {batch, length, groups, groupSize});
    Value k = tb.scalar(acc, static_cast<double>(groupSize));
    AffineMap all = tb.identity(4), stat = tb.project(4, {0, 1, 2});
    Value sum = tb.generic(
        x, tb.zeros({batch, length, groups}, acc), {all, stat}, 4, {3},
        [&](OpBuilder &b, Location loc, ValueRange a) {
          Value v = TensorBuilder::castFloat(b, loc, a[0], acc);
          return SmallVector<Value>{arith::AddFOp::create(b, loc, a[1], v)};
        })[0];
    mu = tb.generic(sum, tb.empty({batch, length, groups}, acc),
                    {tb.identity(3), tb.identity(3)}, 3, {},
                    [&](OpBuilder &b, Location loc, ValueRange a) {
                      return SmallVector<Value>{
                          arith::DivFOp::create(b, loc, a[0], k)};
                    })[0];
    Value squares = tb.generic(
        {x, mu}, tb.zeros({batch, length, groups}, acc), {all, stat, stat}, 4,
        {3}, [&](OpBuilder &b, Location loc, ValueRange a) {
          Value d = arith::SubFOp::create(
              b, loc, TensorBuilder::castFloat(b, loc, a[0], acc), a[1]);
          return SmallVector<Value>{arith::AddFOp::create(
              b, loc, a[2], arith::MulFOp::create(b, loc, d, d))};
        })[0];
    var = tb.generic(squares, tb.empty({batch, length, groups}, acc),
                     {tb.identity(3), tb.identity(3)}, 3, {},
                     [&](OpBuilder &b, Location loc, ValueRange a) {
                       return SmallVector<Value>{
                           arith::DivFOp::create(b, loc, a[0], k)};
                     })[0];
  }

  /// (count (B) i64, mean, var (B, G) in the accumulation type): prev_* or
  /// (0, 0, 1).
  std::tuple<Value, Value, Value> prevState() {
    if (!op.getPrevCount())
      return {tb.zeros({batch}, i64), tb.zeros({batch, groups}, acc),
              tb.filled({batch, groups}, acc, 1.0)};
    return {op.getPrevCount(), castInto(op.getPrevMean(), Value()),
            castInto(op.getPrevVar(), Value())};
  }

  /// `value` converted elementwise to `dest`'s element type (written into
  /// dest), or to the accumulation type when dest is null.
  Value castInto(Value value, Value dest) {
    ArrayRef<int64_t> shape = TensorBuilder::shape(value);
    int64_t rank = shape.size();
    Type element = dest ? TensorBuilder::elementType(dest) : Type(acc);
    if (!dest)
      dest = tb.empty(shape, acc);
    return tb.generic(value, dest, {tb.identity(rank), tb.identity(rank)}, rank,
                      {}, [&](OpBuilder &b, Location loc, ValueRange a) {
                        return SmallVector<Value>{
                            TensorBuilder::castFloat(b, loc, a[0], element)};
                      })[0];
  }

  /// One unpadded step: count += 1 and, per group, the reference's
  /// Kahan-compensated increments (the first step overwrites the state).
  Welford step(TensorBuilder &t, const Welford &w, Value muT, Value vT) {
    OpBuilder &b = t.b;
    Location loc = t.loc;
    Value one = t.scalar(i64, 1.0);
    Value next = arith::AddIOp::create(b, loc, w.count, one);
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        w.count, t.scalar(i64, 0.0));
    Value w2 = arith::DivFOp::create(
        b, loc, t.scalar(acc, 1.0), arith::SIToFPOp::create(b, loc, acc, next));
    Value w1 = arith::SubFOp::create(b, loc, t.scalar(acc, 1.0), w2);
    SmallVector<Value> r = t.generic(
        {muT, vT}, {w.mean, w.var, w.meanErr, w.varErr},
        SmallVector<AffineMap>(6, t.identity(1)), 1, {},
        [&](OpBuilder &nb, Location l, ValueRange a) {
          auto sub = [&](Value x, Value y) -> Value {
            return arith::SubFOp::create(nb, l, x, y);
          };
          auto add = [&](Value x, Value y) -> Value {
            return arith::AddFOp::create(nb, l, x, y);
          };
          auto mul = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(nb, l, x, y);
          };
          Value muV = a[0], vV = a[1], m = a[2], s = a[3], em = a[4], es = a[5];
          Value zero = TensorBuilder(nb, l).scalar(acc, 0.0);
          // Kahan: sum' = sum + (inc - err), err' = (sum' - sum) - (inc - err).
          auto kahan = [&](Value sum, Value err, Value inc, Value overwrite) {
            Value corrected = sub(inc, err);
            Value total = add(sum, corrected);
            Value newErr = sub(sub(total, sum), corrected);
            return std::make_pair(
                arith::SelectOp::create(nb, l, first, overwrite, total)
                    .getResult(),
                arith::SelectOp::create(nb, l, first, zero, newErr)
                    .getResult());
          };
          Value delta = sub(muV, m);
          auto [newMean, newMeanErr] = kahan(m, em, mul(w2, delta), muV);
          Value spread = mul(w1, mul(delta, delta));
          Value varInc = mul(w2, add(sub(vV, s), spread));
          auto [newVar, newVarErr] = kahan(s, es, varInc, vV);
          return SmallVector<Value>{newMean, newVar, newMeanErr, newVarErr};
        });
    return {next, r[0], r[1], r[2], r[3]};
  }

  /// The steps of chunk `ci` of row `bi` from `w`; with `tiles` (the
  /// (len, G) running mean and variance destinations), each step's state is
  /// written there. Returns the end state (and the written tiles).
  std::pair<Welford, SmallVector<Value>> runSteps(TensorBuilder &t, Value bi,
                                                  Value ci, Welford w,
                                                  SmallVector<Value> tiles) {
    Value start = t.affineIndex(ci, plan.chunk);
    Value rest = arith::SubIOp::create(t.b, t.loc, t.index(length), start);
    Value len = arith::MinSIOp::create(t.b, t.loc, rest, t.index(plan.chunk));
    SmallVector<Value> inits{w.count, w.mean, w.var, w.meanErr, w.varErr};
    inits.append(tiles.begin(), tiles.end());
    SmallVector<Value> r = t.loop(
        t.index(0), len, inits, [&](TensorBuilder &s, Value i, ValueRange c) {
          Value time = arith::AddIOp::create(s.b, s.loc, start, i);
          SmallVector<OpFoldResult> at{bi, time, s.b.getIndexAttr(0)};
          auto sizes = s.sizes({1, 1, groups});
          Value muT = s.sliceAt(mu, at, sizes, {0, 1});
          Value vT = s.sliceAt(var, at, sizes, {0, 1});
          Welford cur{c[0], c[1], c[2], c[3], c[4]};
          SmallVector<Value> state{c[0], c[1], c[2], c[3], c[4]};
          SmallVector<Value> next;
          if (Value mask = op.getPaddingMask()) {
            Value padded = tensor::ExtractOp::create(s.b, s.loc, mask,
                                                     ValueRange{bi, time});
            next = s.ifThenElse(
                padded, ValueRange(state).getTypes(),
                [&](TensorBuilder &) { return state; },
                [&](TensorBuilder &e) {
                  Welford n = step(e, cur, muT, vT);
                  return SmallVector<Value>{n.count, n.mean, n.var, n.meanErr,
                                            n.varErr};
                });
          } else {
            Welford n = step(s, cur, muT, vT);
            next = {n.count, n.mean, n.var, n.meanErr, n.varErr};
          }
          if (c.size() > 5) {
            SmallVector<OpFoldResult> rowAt{i, s.b.getIndexAttr(0)};
            auto rowSizes = s.sizes({1, groups});
            next.push_back(s.insertAt(next[1], c[5], rowAt, rowSizes));
            next.push_back(s.insertAt(next[2], c[6], rowAt, rowSizes));
          }
          return next;
        });
    Welford end{r[0], r[1], r[2], r[3], r[4]};
    return {end, SmallVector<Value>(r.begin() + 5, r.end())};
  }

  /// A fresh state of row `bi` from (count, mean, var) tensors indexed by
  /// `lead` (bi, or bi and the chunk), compensations zero.
  Welford stateAt(TensorBuilder &t, Value count, Value mean, Value var,
                  ArrayRef<Value> lead) {
    SmallVector<OpFoldResult> at(lead.begin(), lead.end());
    at.push_back(t.b.getIndexAttr(0));
    SmallVector<int64_t> sizes(lead.size(), 1);
    sizes.push_back(groups);
    SmallVector<int64_t> dropped;
    for (int64_t i = 0, e = lead.size(); i < e; ++i)
      dropped.push_back(i);
    Value c = tensor::ExtractOp::create(t.b, t.loc, count, ValueRange(lead));
    return {c, t.sliceAt(mean, at, t.sizes(sizes), dropped),
            t.sliceAt(var, at, t.sizes(sizes), dropped), t.zeros({groups}, acc),
            t.zeros({groups}, acc)};
  }

  /// Chunk states from empty in parallel, then the states entering every
  /// chunk by merging them in order (Chan). Returns (count (B, chunks),
  /// mean, var (B, chunks, G)) entering, and the final (count, mean, var).
  std::tuple<Value, Value, Value, Value, Value, Value>
  chunkPrefix(Value count0, Value mean0, Value var0) {
    SmallVector<Value> shared{tb.empty({batch, plan.chunks}, i64),
                              tb.empty({batch, plan.chunks, groups}, acc),
                              tb.empty({batch, plan.chunks, groups}, acc)};
    SmallVector<Value> sums = tb.forall(
        {batch, plan.chunks}, shared,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange) {
          Value bi = ivs[0], ci = ivs[1];
          Welford empty{t.scalar(i64, 0.0), t.zeros({groups}, acc),
                        t.filled({groups}, acc, 1.0), t.zeros({groups}, acc),
                        t.zeros({groups}, acc)};
          Welford end = runSteps(t, bi, ci, empty, {}).first;
          Value count = tensor::FromElementsOp::create(
              t.b, t.loc, RankedTensorType::get({1}, i64), end.count);
          SmallVector<OpFoldResult> at{bi, ci};
          SmallVector<OpFoldResult> gat{bi, ci, t.b.getIndexAttr(0)};
          auto gsizes = t.sizes({1, 1, groups});
          return SmallVector<TensorBuilder::ParallelInsert>{
              {count, at, t.sizes({1, 1})},
              {end.mean, gat, gsizes},
              {end.var, gat, gsizes}};
        });

    // Merge in order: (na, ma, sa) + (nb, mb, sb).
    SmallVector<Value> inits{count0,
                             mean0,
                             var0,
                             tb.empty({batch, plan.chunks}, i64),
                             tb.empty({batch, plan.chunks, groups}, acc),
                             tb.empty({batch, plan.chunks, groups}, acc)};
    SmallVector<Value> r = tb.loop(
        tb.index(0), tb.index(plan.chunks), inits,
        [&](TensorBuilder &t, Value ci, ValueRange c) {
          OpFoldResult zero = t.b.getIndexAttr(0);
          Value countIn =
              t.insertAt(c[0], c[3], {zero, ci}, t.sizes({batch, 1}));
          Value meanIn = t.insertAt(c[1], c[4], {zero, ci, zero},
                                    t.sizes({batch, 1, groups}));
          Value varIn = t.insertAt(c[2], c[5], {zero, ci, zero},
                                   t.sizes({batch, 1, groups}));
          Value nb = t.sliceAt(sums[0], {zero, ci}, t.sizes({batch, 1}), {1});
          Value mb = t.sliceAt(sums[1], {zero, ci, zero},
                               t.sizes({batch, 1, groups}), {1});
          Value sb = t.sliceAt(sums[2], {zero, ci, zero},
                               t.sizes({batch, 1, groups}), {1});
          SmallVector<Value> merged = t.generic(
              {c[0], nb, mb, sb}, {c[1], c[2]},
              {t.project(2, {0}), t.project(2, {0}), t.identity(2),
               t.identity(2), t.identity(2), t.identity(2)},
              2, {}, [&](OpBuilder &b, Location l, ValueRange a) {
                TensorBuilder h(b, l);
                Value na = arith::SIToFPOp::create(b, l, acc, a[0]);
                Value nbF = arith::SIToFPOp::create(b, l, acc, a[1]);
                Value n = arith::AddFOp::create(b, l, na, nbF);
                Value ma = a[4], sa = a[5], mbV = a[2], sbV = a[3];
                Value d = arith::SubFOp::create(b, l, mbV, ma);
                Value fb = arith::DivFOp::create(b, l, nbF, n);
                Value fa = arith::DivFOp::create(b, l, na, n);
                Value m = arith::AddFOp::create(
                    b, l, ma, arith::MulFOp::create(b, l, d, fb));
                Value s = arith::AddFOp::create(
                    b, l,
                    arith::AddFOp::create(b, l,
                                          arith::MulFOp::create(b, l, fa, sa),
                                          arith::MulFOp::create(b, l, fb, sbV)),
                    arith::MulFOp::create(b, l,
                                          arith::MulFOp::create(b, l, d, d),
                                          arith::MulFOp::create(b, l, fa, fb)));
                // An empty side leaves the other unchanged (and an empty
                // prefix is overwritten, as the first step does).
                Value zeroI = h.scalar(i64, 0.0);
                Value bEmpty = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::eq, a[1], zeroI);
                Value aEmpty = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::eq, a[0], zeroI);
                m = arith::SelectOp::create(b, l, aEmpty, mbV, m);
                s = arith::SelectOp::create(b, l, aEmpty, sbV, s);
                m = arith::SelectOp::create(b, l, bEmpty, ma, m);
                s = arith::SelectOp::create(b, l, bEmpty, sa, s);
                return SmallVector<Value>{m, s};
              });
          Value counts =
              t.generic(nb, c[0], {t.identity(1), t.identity(1)}, 1, {},
                        [&](OpBuilder &b, Location l, ValueRange a) {
                          return SmallVector<Value>{
                              arith::AddIOp::create(b, l, a[1], a[0])};
                        })[0];
          return SmallVector<Value>{counts,  merged[0], merged[1],
                                    countIn, meanIn,    varIn};
        });
    return {r[3], r[4], r[5], r[0], r[1], r[2]};
  }

  /// Every (row, chunk) runs its steps from its entering state, writing the
  /// running mean and variance (B, L, G). Unchunked, also returns the final
  /// (count (B), mean, var (B, G)).
  SmallVector<Value> runChunks(Value countIn, Value meanIn, Value varIn,
                               bool chunked) {
    SmallVector<Value> shared{tb.empty({batch, length, groups}, acc),
                              tb.empty({batch, length, groups}, acc)};
    bool wantFinal = !chunked && op.getOuts().size() == 4;
    if (wantFinal)
      shared.append({tb.empty({batch}, i64), tb.empty({batch, groups}, acc),
                     tb.empty({batch, groups}, acc)});
    return tb.forall(
        {batch, plan.chunks}, shared,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange sh) {
          Value bi = ivs[0], ci = ivs[1];
          SmallVector<Value> lead{bi};
          if (chunked)
            lead.push_back(ci);
          Welford w = stateAt(t, countIn, meanIn, varIn, lead);
          Value start = t.affineIndex(ci, plan.chunk);
          Value rest =
              arith::SubIOp::create(t.b, t.loc, t.index(length), start);
          Value len =
              arith::MinSIOp::create(t.b, t.loc, rest, t.index(plan.chunk));
          SmallVector<OpFoldResult> tileAt{bi, start, t.b.getIndexAttr(0)};
          SmallVector<OpFoldResult> tileSizes{t.b.getIndexAttr(1), len,
                                              t.b.getIndexAttr(groups)};
          SmallVector<Value> tiles{t.sliceAt(sh[0], tileAt, tileSizes, {0}),
                                   t.sliceAt(sh[1], tileAt, tileSizes, {0})};
          auto [end, written] = runSteps(t, bi, ci, w, tiles);
          SmallVector<TensorBuilder::ParallelInsert> inserts{
              {written[0], tileAt, tileSizes}, {written[1], tileAt, tileSizes}};
          if (wantFinal) {
            Value count = tensor::FromElementsOp::create(
                t.b, t.loc, RankedTensorType::get({1}, i64), end.count);
            SmallVector<OpFoldResult> gat{bi, t.b.getIndexAttr(0)};
            inserts.push_back({count, {bi}, t.sizes({1})});
            inserts.push_back({end.mean, gat, t.sizes({1, groups})});
            inserts.push_back({end.var, gat, t.sizes({1, groups})});
          }
          return inserts;
        });
  }

  /// y = (x - m) rsqrt(s + eps) (weight + 1) + bias, 0 at padded steps.
  Value normalize(Value mean, Value varRun) {
    Value dest = op.getOuts()[0];
    Type outType = TensorBuilder::elementType(dest);
    Value x = tb.reshape(op.getInput(), {batch, length, groups, groupSize});
    Value w = tb.reshape(op.getWeight(), {groups, groupSize});
    Value bias = tb.reshape(op.getBias(), {groups, groupSize});
    Value out = tb.reshape(dest, {batch, length, groups, groupSize});
    SmallVector<Value> ins{x, mean, varRun, w, bias};
    AffineMap stat = tb.project(4, {0, 1, 2}), param = tb.project(4, {2, 3});
    SmallVector<AffineMap> maps{tb.identity(4), stat, stat, param, param};
    Value mask = op.getPaddingMask();
    if (mask) {
      ins.push_back(mask);
      maps.push_back(tb.project(4, {0, 1}));
    }
    maps.push_back(tb.identity(4));
    double eps = op.getEps().convertToDouble();
    Value y = tb.generic(
        ins, out, maps, 4, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          TensorBuilder h(b, loc);
          auto cast = [&](Value v) {
            return TensorBuilder::castFloat(b, loc, v, acc);
          };
          Value rstd = math::RsqrtOp::create(
              b, loc, arith::AddFOp::create(b, loc, a[2], h.scalar(acc, eps)));
          Value normed = arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, cast(a[0]), a[1]), rstd);
          Value scale =
              arith::AddFOp::create(b, loc, cast(a[3]), h.scalar(acc, 1.0));
          Value v = arith::AddFOp::create(
              b, loc, arith::MulFOp::create(b, loc, normed, scale), cast(a[4]));
          if (mask)
            v = arith::SelectOp::create(b, loc, a[5], h.scalar(acc, 0.0), v);
          return {TensorBuilder::castFloat(b, loc, v, outType)};
        })[0];
    return tb.reshape(y, TensorBuilder::shape(dest));
  }

  TimestepNormOp op;
  TensorBuilder &tb;
  ChunkPlan plan;
  int64_t batch, length, features, groups, groupSize;
  FloatType acc;
  Type i64;
  Value mu, var;
};

struct SeqChunkTimestepNormPass
    : public seq::impl::SeqChunkTimestepNormBase<SeqChunkTimestepNormPass> {
  using Base::Base;

  void runOnOperation() override {
    if (chunkSize < 0 || parallelWork < 1 || minChunk < 1) {
      getOperation()->emitError()
          << "seq-chunk-timestep-norm: chunk-size must be non-negative, "
             "parallel-work and min-chunk positive";
      return signalPassFailure();
    }
    SmallVector<TimestepNormOp> ops;
    getOperation()->walk([&](TimestepNormOp op) { ops.push_back(op); });
    for (TimestepNormOp op : ops) {
      SmallVector<Value> operands(op->getOperands());
      if (!allStatic(operands) || hasEmptyTensor(operands))
        continue;
      ArrayRef<int64_t> xs = TensorBuilder::shape(op.getInput());
      if (llvm::is_contained(xs, 0))
        continue;
      int64_t groups = op.getNumGroups();
      ChunkPlan plan = planChunks(xs[0], groups, xs[1], groups, parallelWork,
                                  minChunk, chunkSize);
      IRRewriter rewriter(op);
      TensorBuilder tb(rewriter, op.getLoc());
      TimestepNormRewriter tsn(op, tb, plan);
      rewriter.replaceOp(op, tsn.rewrite());
    }
  }
};

} // namespace
