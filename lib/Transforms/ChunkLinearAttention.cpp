//===- ChunkLinearAttention.cpp - chunked seq.linear_attention ------------===//
//
// seq.linear_attention as chunks: within a chunk the masked, decayed
// attention matrix A is built with GEMMs (sub-chunk GEMMs in the
// reference-point form for per-key decays) and applied to V, across chunks
// the F x Ev state carries the past. Heads (and, when heads are few, chunks)
// run in parallel.
//
//===----------------------------------------------------------------------===//

#include "TensorBuilder.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

#include <limits>

namespace mlir::seq {
#define GEN_PASS_DEF_SEQCHUNKLINEARATTENTION
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {

enum class Decay { none, head, key };

/// One chunk's operands in the accumulation type.
struct Chunk {
  Value q, k, v; ///< (C, F), (C, F), (C, E)
  Value g;       ///< cumulative log decay: (C) per head, (C, F) per key
  Value rest;    ///< log decay still to come in the chunk, sum_{m > j}
};

/// What a chunk contributes to the state: S' = decay ⊙ S + dS.
struct ChunkUpdate {
  Value dS;    ///< (F, E)
  Value dz;    ///< (F), when normalized
  Value decay; ///< e^{G_last}: (1) per head, (F) per key, null without decay
};

class LinearAttentionRewriter {
public:
  LinearAttentionRewriter(LinearAttentionOp op, TensorBuilder &tb,
                          int64_t chunkSize, int64_t subChunk)
      : op(op), tb(tb) {
    ArrayRef<int64_t> qs = TensorBuilder::shape(op.getQuery());
    batch = qs[0];
    heads = qs[1];
    length = qs[2];
    features = qs[3];
    valueDim = TensorBuilder::shape(op.getValue())[3];
    chunk = std::min(chunkSize, length);
    chunks = (length + chunk - 1) / chunk;
    sub = chunk % subChunk == 0 ? subChunk : chunk;
    normalize = op.getNormalize();
    scale = op.getScale().convertToDouble();
    eps = op.getEps().convertToDouble();
    decay = Decay::none;
    if (Value ld = op.getLogDecay())
      decay = TensorBuilder::shape(ld).size() == 3 ? Decay::head : Decay::key;
    acc = widestAccumulationFloat(SmallVector<Value>(op->getOperands()));
    outType = TensorBuilder::elementType(op.getOuts()[0]);
  }

  int64_t batch, heads, length, features, valueDim, chunk, chunks, sub;

  SmallVector<Value> rewrite(bool parallelChunks) {
    padInputs();
    lowerTriangle = triangular(true);
    upperTriangle = triangular(false);
    auto [s0, z0] = startingState();
    Value out;
    Value sFinal, zFinal;
    if (parallelChunks)
      std::tie(out, sFinal, zFinal) = chunksInParallel(s0, z0);
    else
      std::tie(out, sFinal, zFinal) = chunksInOrder(s0, z0);
    SmallVector<Value> results{out};
    if (op.getOuts().size() > 1)
      results.push_back(castInto(sFinal, op.getOuts()[1]));
    if (op.getOuts().size() > 2)
      results.push_back(castInto(zFinal, op.getOuts()[2]));
    return results;
  }

private:
  //===--------------------------------------------------------------------===//
  // Setup
  //===--------------------------------------------------------------------===//

  /// Zero-pads q, k, v and the log decays to a whole number of chunks: zero
  /// keys add nothing to the state, zero log decays keep it, and the padded
  /// outputs are never written.
  void padInputs() {
    int64_t extra = chunks * chunk - length;
    q = tb.padHigh(op.getQuery(), {0, 0, extra, 0});
    k = tb.padHigh(op.getKey(), {0, 0, extra, 0});
    v = tb.padHigh(op.getValue(), {0, 0, extra, 0});
    if (Value ld = op.getLogDecay()) {
      SmallVector<int64_t> high(TensorBuilder::shape(ld).size(), 0);
      high[2] = extra;
      logDecay = tb.padHigh(ld, high);
    }
  }

  /// T[i, j] = 1 for j <= i: G = T x log decays is the cumulative sum.
  /// U[i, j] = 1 for j > i: U x log decays is what the chunk still decays
  /// after step i, summed directly rather than as G_last - G_i, which would
  /// cancel when G is large.
  Value triangular(bool lower) {
    SmallVector<double> values(chunk * chunk, 0.0);
    for (int64_t i = 0; i < chunk; ++i)
      for (int64_t j = 0; j < chunk; ++j)
        values[i * chunk + j] = (lower ? j <= i : j > i) ? 1.0 : 0.0;
    return tb.constant({chunk, chunk}, acc, values);
  }

  /// Converts a tensor to the accumulation type elementwise.
  Value toAcc(TensorBuilder &t, Value value) {
    if (TensorBuilder::elementType(value) == acc)
      return value;
    int64_t rank = TensorBuilder::shape(value).size();
    return t.generic(value, t.empty(TensorBuilder::shape(value), acc),
                     {t.identity(rank), t.identity(rank)}, rank, {},
                     [&](OpBuilder &b, Location loc, ValueRange a) {
                       return SmallVector<Value>{
                           TensorBuilder::castFloat(b, loc, a[0], acc)};
                     })[0];
  }

  /// S_{-1} (B, H, F, E) and z_{-1} (B, H, F): initial state and normalizer
  /// plus the prefix's sum_j pk_j (x) pv_j and sum_j pk_j.
  std::pair<Value, Value> startingState() {
    Value s = op.getInitialState()
                  ? toAcc(tb, op.getInitialState())
                  : tb.zeros({batch, heads, features, valueDim}, acc);
    Value z;
    if (normalize)
      z = op.getInitialNormalizer() ? toAcc(tb, op.getInitialNormalizer())
                                    : tb.zeros({batch, heads, features}, acc);
    if (Value pk = op.getPrefixKey()) {
      int64_t m = TensorBuilder::shape(pk)[2];
      Value keys = tb.reshape(toAcc(tb, pk), {batch * heads, m, features});
      Value vals = tb.reshape(toAcc(tb, op.getPrefixValue()),
                              {batch * heads, m, valueDim});
      Value flat = tb.reshape(s, {batch * heads, features, valueDim});
      s = tb.reshape(tb.batchMatmulTransposedA(keys, vals, flat),
                     {batch, heads, features, valueDim});
      if (normalize)
        z = tb.generic(tb.reshape(keys, {batch, heads, m, features}), z,
                       {tb.project(4, {0, 1, 3, 2}), tb.project(4, {0, 1, 2})},
                       4, {3}, [&](OpBuilder &b, Location loc, ValueRange a) {
                         return SmallVector<Value>{
                             arith::AddFOp::create(b, loc, a[1], a[0])};
                       })[0];
    }
    return {s, z};
  }

  Value castInto(Value value, Value dest) {
    int64_t rank = TensorBuilder::shape(dest).size();
    Type element = TensorBuilder::elementType(dest);
    return tb.generic(value, dest, {tb.identity(rank), tb.identity(rank)}, rank,
                      {}, [&](OpBuilder &b, Location loc, ValueRange a) {
                        return SmallVector<Value>{
                            TensorBuilder::castFloat(b, loc, a[0], element)};
                      })[0];
  }

  //===--------------------------------------------------------------------===//
  // One chunk
  //===--------------------------------------------------------------------===//

  /// Chunk c of head (bi, hi): q, k, v and the cumulative log decays.
  Chunk load(TensorBuilder &t, Value bi, Value hi, Value ci) {
    Value start = t.affineIndex(ci, chunk);
    auto rows = [&](Value x, int64_t width) {
      return toAcc(t, t.sliceAt(x, {bi, hi, start, t.b.getIndexAttr(0)},
                                t.sizes({1, 1, chunk, width}), {0, 1}));
    };
    Chunk c{rows(q, features), rows(k, features), rows(v, valueDim), Value(),
            Value()};
    if (decay == Decay::head) {
      Value ld = toAcc(t, t.sliceAt(logDecay, {bi, hi, start},
                                    t.sizes({1, 1, chunk}), {0, 1}));
      Value column = t.reshape(ld, {chunk, 1});
      c.g = t.reshape(t.matmul(lowerTriangle, column, t.zeros({chunk, 1}, acc)),
                      {chunk});
      c.rest = t.reshape(
          t.matmul(upperTriangle, column, t.zeros({chunk, 1}, acc)), {chunk});
    } else if (decay == Decay::key) {
      Value ld = rows(logDecay, features);
      c.g = t.matmul(lowerTriangle, ld, t.zeros({chunk, features}, acc));
      c.rest = t.matmul(upperTriangle, ld, t.zeros({chunk, features}, acc));
    }
    return c;
  }

  static Value exp(OpBuilder &b, Location loc, Value x) {
    return math::ExpOp::create(b, loc, x);
  }

  /// Rows of `x` (C, W) times e^{e_i}: a per-head exponent (C) broadcast
  /// over the row, a per-key one (C, W) elementwise. Every exponent is <= 0.
  Value scaleRows(TensorBuilder &t, Value x, Value exponent) {
    int64_t width = TensorBuilder::shape(x)[1];
    AffineMap expMap = decay == Decay::head ? t.project(2, {0}) : t.identity(2);
    return t.generic({x, exponent}, t.empty({chunk, width}, acc),
                     {t.identity(2), expMap, t.identity(2)}, 2, {},
                     [&](OpBuilder &b, Location loc, ValueRange a) {
                       return SmallVector<Value>{arith::MulFOp::create(
                           b, loc, a[0], exp(b, loc, a[1]))};
                     })[0];
  }

  /// The masked, decayed intra-chunk matrix A (C, C).
  Value intraChunk(TensorBuilder &t, const Chunk &c) {
    if (decay != Decay::key) {
      Value scores =
          t.matmulTransposedB(c.q, c.k, t.zeros({chunk, chunk}, acc));
      SmallVector<Value> ins{scores};
      SmallVector<AffineMap> maps{t.identity(2)};
      if (decay == Decay::head) {
        ins.append({c.g, c.g});
        maps.append({t.project(2, {0}), t.project(2, {1})});
      }
      maps.push_back(t.identity(2));
      return t.generic(
          ins, t.empty({chunk, chunk}, acc), maps, 2, {},
          [&](OpBuilder &b, Location loc, ValueRange a) {
            TensorBuilder h(b, loc);
            Value i = linalg::IndexOp::create(b, loc, 0);
            Value j = linalg::IndexOp::create(b, loc, 1);
            Value causal =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, j, i);
            Value value = a[0];
            if (decay == Decay::head) {
              // exp(G_i - G_j) only where j <= i, where it is <= 0.
              Value d = arith::SubFOp::create(b, loc, a[1], a[2]);
              d = arith::SelectOp::create(b, loc, causal, d,
                                          h.scalar(acc, 0.0));
              value = arith::MulFOp::create(b, loc, value, exp(b, loc, d));
            }
            return SmallVector<Value>{arith::SelectOp::create(
                b, loc, causal, value, h.scalar(acc, 0.0))};
          })[0];
    }

    // Per-key decay, sub-chunks of `sub` rows. Diagonal blocks elementwise:
    // A[I, i, j] = sum_f q k e^{G_i - G_j} for j <= i.
    int64_t blocks = chunk / sub;
    Value a = t.zeros({chunk, chunk}, acc);
    AffineExpr row = t.dim(0) * sub + t.dim(1), col = t.dim(0) * sub + t.dim(2);
    Value diag = t.generic(
        {c.q, c.k, c.g, c.g}, t.zeros({blocks, sub, sub}, acc),
        {t.map(4, {row, t.dim(3)}), t.map(4, {col, t.dim(3)}),
         t.map(4, {row, t.dim(3)}), t.map(4, {col, t.dim(3)}),
         t.project(4, {0, 1, 2})},
        4, {3}, [&](OpBuilder &b, Location loc, ValueRange v) {
          TensorBuilder h(b, loc);
          Value i = linalg::IndexOp::create(b, loc, 1);
          Value j = linalg::IndexOp::create(b, loc, 2);
          Value causal =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, j, i);
          Value d = arith::SubFOp::create(b, loc, v[2], v[3]);
          d = arith::SelectOp::create(b, loc, causal, d, h.scalar(acc, 0.0));
          Value term = arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, v[0], v[1]),
              exp(b, loc, d));
          term =
              arith::SelectOp::create(b, loc, causal, term, h.scalar(acc, 0.0));
          return SmallVector<Value>{arith::AddFOp::create(b, loc, v[4], term)};
        })[0];
    for (int64_t i = 0; i < blocks; ++i)
      a = t.insert(t.sliceDropping(diag, {i, 0, 0}, {1, sub, sub}, {0}), a,
                   {i * sub, i * sub});
    // Earlier key sub-chunks through the reference point G_n, n = I sub:
    // (q_i e^{G_i - G_n}) . (k_j e^{G_n - G_j}), both exponents <= 0.
    for (int64_t i = 1; i < blocks; ++i) {
      int64_t n = i * sub;
      auto shifted = [&](Value x, int64_t first, int64_t count, bool query) {
        Value rowsOfX = t.slice(x, {first, 0}, {count, features});
        Value rowsOfG = t.slice(c.g, {first, 0}, {count, features});
        return t.generic(
            {rowsOfX, rowsOfG, c.g}, t.empty({count, features}, acc),
            {t.identity(2), t.identity(2), t.map(2, {t.cst(n), t.dim(1)}),
             t.identity(2)},
            2, {}, [&](OpBuilder &b, Location loc, ValueRange v) {
              Value e = query ? arith::SubFOp::create(b, loc, v[1], v[2])
                              : arith::SubFOp::create(b, loc, v[2], v[1]);
              return SmallVector<Value>{
                  arith::MulFOp::create(b, loc, v[0], exp(b, loc, e))};
            })[0];
      };
      Value qs = shifted(c.q, n, sub, true);
      Value ks = shifted(c.k, 0, n, false);
      Value block = t.matmulTransposedB(qs, ks, t.zeros({sub, n}, acc));
      a = t.insert(block, a, {n, 0});
    }
    return a;
  }

  /// The chunk's output rows (C, E), scaled and normalized, from the state
  /// before it.
  Value chunkOutput(TensorBuilder &t, const Chunk &c, Value s, Value z) {
    Value a = intraChunk(t, c);
    Value qd = decay == Decay::none ? c.q : scaleRows(t, c.q, c.g);
    Value num = t.matmul(a, c.v, t.zeros({chunk, valueDim}, acc));
    num = t.matmul(qd, s, num);
    Value den;
    if (normalize) {
      // rowsum A + (q e^G) . z
      den = t.generic(a, t.zeros({chunk}, acc),
                      {t.identity(2), t.project(2, {0})}, 2, {1},
                      [&](OpBuilder &b, Location loc, ValueRange v) {
                        return SmallVector<Value>{
                            arith::AddFOp::create(b, loc, v[1], v[0])};
                      })[0];
      den = t.generic(
          {qd, z}, den, {t.identity(2), t.project(2, {1}), t.project(2, {0})},
          2, {1}, [&](OpBuilder &b, Location loc, ValueRange v) {
            Value p = arith::MulFOp::create(b, loc, v[0], v[1]);
            return SmallVector<Value>{arith::AddFOp::create(b, loc, v[2], p)};
          })[0];
    }
    SmallVector<Value> ins{num};
    SmallVector<AffineMap> maps{t.identity(2)};
    if (normalize) {
      ins.push_back(den);
      maps.push_back(t.project(2, {0}));
    }
    maps.push_back(t.identity(2));
    return t.generic(ins, t.empty({chunk, valueDim}, outType), maps, 2, {},
                     [&](OpBuilder &b, Location loc, ValueRange v) {
                       TensorBuilder h(b, loc);
                       Value s = h.scalar(acc, scale);
                       Value y = arith::MulFOp::create(b, loc, s, v[0]);
                       if (normalize) {
                         Value d = arith::AddFOp::create(
                             b, loc, arith::MulFOp::create(b, loc, s, v[1]),
                             h.scalar(acc, eps));
                         y = arith::DivFOp::create(b, loc, y, d);
                       }
                       return SmallVector<Value>{
                           TensorBuilder::castFloat(b, loc, y, outType)};
                     })[0];
  }

  /// dS = (k e^{G_last - G})^T v, dz = its column sums, decay = e^{G_last}.
  ChunkUpdate chunkUpdate(TensorBuilder &t, const Chunk &c) {
    ChunkUpdate u;
    Value kd = decay == Decay::none ? c.k : scaleRows(t, c.k, c.rest);
    u.dS = t.matmulTransposedA(kd, c.v, t.zeros({features, valueDim}, acc));
    if (normalize)
      u.dz = t.generic(kd, t.zeros({features}, acc),
                       {t.project(2, {1, 0}), t.project(2, {0})}, 2, {1},
                       [&](OpBuilder &b, Location loc, ValueRange v) {
                         return SmallVector<Value>{
                             arith::AddFOp::create(b, loc, v[1], v[0])};
                       })[0];
    if (decay != Decay::none) {
      bool perKey = decay == Decay::key;
      Value last = perKey ? t.slice(c.g, {chunk - 1, 0}, {1, features})
                          : t.slice(c.g, {chunk - 1}, {1});
      int64_t n = perKey ? features : 1;
      last = t.reshape(last, {n});
      u.decay =
          t.generic(last, t.empty({n}, acc), {t.identity(1), t.identity(1)}, 1,
                    {}, [&](OpBuilder &b, Location loc, ValueRange v) {
                      return SmallVector<Value>{exp(b, loc, v[0])};
                    })[0];
    }
    return u;
  }

  /// S' = decay ⊙ S + dS, z' = decay ⊙ z + dz for one head; the decay is
  /// (1) per head or (F) per key (rows of S).
  std::pair<Value, Value> advance(TensorBuilder &t, Value s, Value z,
                                  const ChunkUpdate &u) {
    AffineMap decayMap =
        decay == Decay::key ? t.project(2, {0}) : t.map(2, {t.cst(0)});
    auto update = [&](Value state, Value delta, unsigned rank) {
      SmallVector<Value> ins{delta};
      SmallVector<AffineMap> maps{t.identity(rank)};
      if (u.decay) {
        ins.push_back(u.decay);
        maps.push_back(rank == 2             ? decayMap
                       : decay == Decay::key ? t.project(1, {0})
                                             : t.map(1, {t.cst(0)}));
      }
      maps.push_back(t.identity(rank));
      return t.generic(ins, state, maps, rank, {},
                       [&](OpBuilder &b, Location loc, ValueRange v) {
                         Value old = v.back();
                         if (u.decay)
                           old = arith::MulFOp::create(b, loc, v[1], old);
                         return SmallVector<Value>{
                             arith::AddFOp::create(b, loc, old, v[0])};
                       })[0];
    };
    Value s2 = update(s, u.dS, 2);
    Value z2 = normalize ? update(z, u.dz, 1) : Value();
    return {s2, z2};
  }

  /// Writes the chunk's rows into the (B, H, L, E) output tile of its head:
  /// rows beyond L (padding) are dropped.
  Value writeRows(TensorBuilder &t, Value rows, Value tile, Value ci,
                  bool tileIsHead) {
    Value start = t.affineIndex(ci, chunk);
    Value rest = arith::SubIOp::create(t.b, t.loc, t.index(length), start);
    Value len = arith::MinSIOp::create(t.b, t.loc, rest, t.index(chunk));
    Value kept =
        t.sliceAt(rows, t.sizes({0, 0}), {len, t.b.getIndexAttr(valueDim)});
    if (tileIsHead)
      return t.insertAt(kept, tile, {start, t.b.getIndexAttr(0)},
                        {len, t.b.getIndexAttr(valueDim)});
    return kept;
  }

  //===--------------------------------------------------------------------===//
  // Schedules
  //===--------------------------------------------------------------------===//

  /// Heads in parallel, chunks in order carrying the state.
  std::tuple<Value, Value, Value> chunksInOrder(Value s0, Value z0) {
    SmallVector<Value> shared{
        op.getOuts()[0], tb.empty({batch, heads, features, valueDim}, acc)};
    if (normalize)
      shared.push_back(tb.empty({batch, heads, features}, acc));
    SmallVector<Value> r = tb.forall(
        {batch, heads}, shared,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange sh) {
          Value bi = ivs[0], hi = ivs[1];
          Value s =
              t.sliceAt(s0, {bi, hi, t.b.getIndexAttr(0), t.b.getIndexAttr(0)},
                        t.sizes({1, 1, features, valueDim}), {0, 1});
          SmallVector<Value> inits{s};
          if (normalize)
            inits.push_back(t.sliceAt(z0, {bi, hi, t.b.getIndexAttr(0)},
                                      t.sizes({1, 1, features}), {0, 1}));
          SmallVector<OpFoldResult> tileAt{bi, hi, t.b.getIndexAttr(0),
                                           t.b.getIndexAttr(0)};
          auto tileSizes = t.sizes({1, 1, length, valueDim});
          inits.push_back(t.sliceAt(sh[0], tileAt, tileSizes, {0, 1}));
          SmallVector<Value> res = t.loop(
              t.index(0), t.index(chunks), inits,
              [&](TensorBuilder &l, Value ci, ValueRange carried) {
                Value sPrev = carried[0];
                Value zPrev = normalize ? carried[1] : Value();
                Chunk c = load(l, bi, hi, ci);
                Value rows = chunkOutput(l, c, sPrev, zPrev);
                auto [sNext, zNext] =
                    advance(l, sPrev, zPrev, chunkUpdate(l, c));
                SmallVector<Value> next{sNext};
                if (normalize)
                  next.push_back(zNext);
                next.push_back(writeRows(l, rows, carried.back(), ci, true));
                return next;
              });
          SmallVector<TensorBuilder::ParallelInsert> inserts{
              {res.back(), tileAt, tileSizes},
              {res[0],
               {bi, hi, t.b.getIndexAttr(0), t.b.getIndexAttr(0)},
               t.sizes({1, 1, features, valueDim})}};
          if (normalize)
            inserts.push_back({res[1],
                               {bi, hi, t.b.getIndexAttr(0)},
                               t.sizes({1, 1, features})});
          return inserts;
        });
    return {r[0], r[1], normalize ? r[2] : Value()};
  }

  /// Chunks in parallel: per-chunk updates, a sequential pass over the chunk
  /// summaries for all heads at once, then every chunk's output.
  std::tuple<Value, Value, Value> chunksInParallel(Value s0, Value z0) {
    int64_t decayWidth = decay == Decay::key ? features : 1;
    SmallVector<Value> shared{
        tb.empty({batch, heads, chunks, features, valueDim}, acc)};
    if (normalize)
      shared.push_back(tb.empty({batch, heads, chunks, features}, acc));
    if (decay != Decay::none)
      shared.push_back(tb.empty({batch, heads, chunks, decayWidth}, acc));
    SmallVector<Value> updates = tb.forall(
        {batch, heads, chunks}, shared,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange) {
          Value bi = ivs[0], hi = ivs[1], ci = ivs[2];
          ChunkUpdate u = chunkUpdate(t, load(t, bi, hi, ci));
          OpFoldResult zero = t.b.getIndexAttr(0);
          SmallVector<TensorBuilder::ParallelInsert> inserts{
              {u.dS,
               {bi, hi, ci, zero, zero},
               t.sizes({1, 1, 1, features, valueDim})}};
          if (normalize)
            inserts.push_back(
                {u.dz, {bi, hi, ci, zero}, t.sizes({1, 1, 1, features})});
          if (u.decay)
            inserts.push_back(
                {u.decay, {bi, hi, ci, zero}, t.sizes({1, 1, 1, decayWidth})});
          return inserts;
        });

    // The states entering every chunk: S_c = decay_c ⊙ S_{c-1} + dS_c.
    SmallVector<Value> inits{s0};
    if (normalize)
      inits.push_back(z0);
    inits.push_back(tb.empty({batch, heads, chunks, features, valueDim}, acc));
    if (normalize)
      inits.push_back(tb.empty({batch, heads, chunks, features}, acc));
    unsigned np = normalize ? 2 : 1;
    SmallVector<Value> passed = tb.loop(
        tb.index(0), tb.index(chunks), inits,
        [&](TensorBuilder &t, Value ci, ValueRange carried) {
          OpFoldResult zero = t.b.getIndexAttr(0);
          SmallVector<Value> next;
          SmallVector<Value> entering;
          entering.push_back(
              t.insertAt(carried[0], carried[np], {zero, zero, ci, zero, zero},
                         t.sizes({batch, heads, 1, features, valueDim})));
          if (normalize)
            entering.push_back(
                t.insertAt(carried[1], carried[np + 1], {zero, zero, ci, zero},
                           t.sizes({batch, heads, 1, features})));
          Value dS =
              t.sliceAt(updates[0], {zero, zero, ci, zero, zero},
                        t.sizes({batch, heads, 1, features, valueDim}), {2});
          Value dz = normalize
                         ? t.sliceAt(updates[1], {zero, zero, ci, zero},
                                     t.sizes({batch, heads, 1, features}), {2})
                         : Value();
          Value dec =
              decay != Decay::none
                  ? t.sliceAt(updates[np], {zero, zero, ci, zero},
                              t.sizes({batch, heads, 1, decayWidth}), {2})
                  : Value();
          auto step = [&](Value state, Value delta, unsigned rank) {
            SmallVector<Value> ins{delta};
            SmallVector<AffineMap> maps{t.identity(rank)};
            if (dec) {
              ins.push_back(dec);
              AffineExpr f = decay == Decay::key ? t.dim(2) : t.cst(0);
              maps.push_back(t.map(rank, {t.dim(0), t.dim(1), f}));
            }
            maps.push_back(t.identity(rank));
            return t.generic(ins, state, maps, rank, {},
                             [&](OpBuilder &b, Location loc, ValueRange v) {
                               Value old = v.back();
                               if (dec)
                                 old = arith::MulFOp::create(b, loc, v[1], old);
                               return SmallVector<Value>{
                                   arith::AddFOp::create(b, loc, old, v[0])};
                             })[0];
          };
          next.push_back(step(carried[0], dS, 4));
          if (normalize)
            next.push_back(step(carried[1], dz, 3));
          next.append(entering.begin(), entering.end());
          return next;
        });
    Value sFinal = passed[0];
    Value zFinal = normalize ? passed[1] : Value();
    Value sIn = passed[np];
    Value zIn = normalize ? passed[np + 1] : Value();

    Value out = tb.forall(
        {batch, heads, chunks}, op.getOuts()[0],
        [&](TensorBuilder &t, ValueRange ivs, ValueRange) {
          Value bi = ivs[0], hi = ivs[1], ci = ivs[2];
          OpFoldResult zero = t.b.getIndexAttr(0);
          Value s =
              t.sliceAt(sIn, {bi, hi, ci, zero, zero},
                        t.sizes({1, 1, 1, features, valueDim}), {0, 1, 2});
          Value z = normalize
                        ? t.sliceAt(zIn, {bi, hi, ci, zero},
                                    t.sizes({1, 1, 1, features}), {0, 1, 2})
                        : Value();
          Value rows = chunkOutput(t, load(t, bi, hi, ci), s, z);
          Value kept = writeRows(t, rows, Value(), ci, false);
          Value start = t.affineIndex(ci, chunk);
          Value len = t.b.createOrFold<tensor::DimOp>(t.loc, kept, 0);
          return SmallVector<TensorBuilder::ParallelInsert>{
              {kept,
               {bi, hi, start, zero},
               {t.b.getIndexAttr(1), t.b.getIndexAttr(1), len,
                t.b.getIndexAttr(valueDim)}}};
        })[0];
    return {out, sFinal, zFinal};
  }

  LinearAttentionOp op;
  TensorBuilder &tb;
  bool normalize;
  double scale, eps;
  Decay decay;
  FloatType acc;
  Type outType;
  Value q, k, v, logDecay, lowerTriangle, upperTriangle;
};

struct SeqChunkLinearAttentionPass
    : public seq::impl::SeqChunkLinearAttentionBase<
          SeqChunkLinearAttentionPass> {
  using Base::Base;

  void runOnOperation() override {
    if (chunkSize < 1 || subChunk < 1 || parallelWork < 1) {
      getOperation()->emitError()
          << "seq-chunk-linear-attention: chunk-size, sub-chunk and "
             "parallel-work must be positive";
      return signalPassFailure();
    }
    SmallVector<LinearAttentionOp> ops;
    getOperation()->walk([&](LinearAttentionOp op) { ops.push_back(op); });
    for (LinearAttentionOp op : ops) {
      SmallVector<Value> operands(op->getOperands());
      if (!allStatic(operands) || hasEmptyTensor(operands))
        continue;
      ArrayRef<int64_t> qs = TensorBuilder::shape(op.getQuery());
      if (llvm::is_contained(qs, 0) ||
          TensorBuilder::shape(op.getValue())[3] == 0)
        continue;
      IRRewriter rewriter(op);
      TensorBuilder tb(rewriter, op.getLoc());
      LinearAttentionRewriter la(op, tb, chunkSize, subChunk);
      bool parallelChunks = la.batch * la.heads < parallelWork && la.chunks > 1;
      rewriter.replaceOp(op, la.rewrite(parallelChunks));
    }
  }
};

} // namespace
