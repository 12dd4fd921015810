//===- ChunkEma.cpp - seq.ema as a chunked, channel-vectorized recurrence -===//
//
// seq.ema keeps the N-dimensional state of a block of channels as (N, Db)
// planes, so each time step is one linalg.generic that updates the state and
// reduces the output over n with the channels in vector lanes. Blocks of
// channels run in an scf.forall; time is chunked as for seq.scan when the
// blocks are too few for the cores. Without an initial state the state is
// kept divided by u (h' = h / u), so the input enters as x itself and the
// output weight becomes u eta: one multiply fewer per state and step.
//
//===----------------------------------------------------------------------===//

#include "FftBuilder.h"
#include "TensorBuilder.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

#include <cmath>

namespace mlir::seq {
#define GEN_PASS_DEF_SEQCHUNKEMA
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {

/// Time steps per state-update generic: the states and coefficients are read
/// once for four steps (a load and a store per multiply otherwise, which
/// bounds the step on the load ports rather than the FMA units). With a
/// block of four vectors of channels, four steps' y sums still mostly stay
/// in registers; eight spill more and are slower.
constexpr int64_t kStepsPerGeneric = 4;

/// The per-(n, d) coefficients in the accumulation type, laid out (N, D)
/// or (N, channel block).
/// Imaginary parts are null for the damped EMA. qChunk / qLast are the
/// powers q^Q and q^(last chunk's length) of the chunked form. In the
/// scaled form (no initial state) er/ei hold u eta.
struct Coefficients {
  Value u, qr, qi, er, ei;
  Value qChunkR, qChunkI, qLastR, qLastI;
};

/// A block of state planes: (.., N, Db) real and imaginary (null if real).
struct Planes {
  Value re, im;
};

class EmaRewriter {
public:
  EmaRewriter(EmaOp op, TensorBuilder &tb, const ChunkPlan &plan,
              int64_t prefetchDistance)
      : op(op), tb(tb), plan(plan), complex(op.isComplex()),
        prefetchDistance(prefetchDistance) {
    ArrayRef<int64_t> xs = TensorBuilder::shape(op.getInput());
    batch = xs[0];
    length = xs[1];
    channels = xs[2];
    stateSize = TensorBuilder::shape(op.getWeightLogit())[1];
    acc = widestAccumulationFloat(
        {op.getInput(), op.getWeightLogit(), op.getInitial(), op.getFinal()});
    storage = TensorBuilder::elementType(op.getInput());
    block = plan.channelBlock;
    // h' = h / u needs h0 / u, which overflows for tiny u: only without h0.
    scaled = !op.getInitial();
  }

  SmallVector<Value> rewrite() {
    bool chunked = plan.chunks > 1;
    // With one batch row and no time chunks every work item computes the
    // coefficients of its own block (in parallel, into buffers of its own).
    // Otherwise they are computed once for all channels (several work items
    // share a block; the chunked form also needs q^Q) and copied per block.
    sharedCoefficients = chunked || batch > 1;
    if (sharedCoefficients)
      c = coefficients(tb, Value(), channels, /*powers=*/chunked);
    omega = tb.generic(
        op.getOmega(), tb.empty({channels}, acc),
        {tb.identity(1), tb.identity(1)}, 1, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          return {TensorBuilder::castFloat(b, loc, a[0], acc)};
        })[0];
    Planes initial = initialPlanes();
    Planes entering, final;
    if (chunked)
      std::tie(entering, final) = chunkEntryStates(initial);
    auto [y, lastState] = runChunks(chunked ? entering : initial, chunked);
    SmallVector<Value> results{y};
    // With coefficients of its own a work item multiplies its final state
    // back by u itself.
    if (Value finalDest = op.getFinal())
      results.push_back(
          finalTensor(chunked ? final : lastState, finalDest,
                      sharedCoefficients && scaled ? c.u : Value()));
    return results;
  }

private:
  /// u, q, eta (and with `powers` q^Q and q^(last chunk's length)) of the
  /// channels [offset, offset + count) (all of them for a null offset), in
  /// f64 and rounded once, as (N, count) planes.
  Coefficients coefficients(TensorBuilder &t, Value offset, int64_t count,
                            bool powers) {
    FloatType f64 = t.b.getF64Type();
    // The parameters of the channels: (count, N), (count), (count, N, 2).
    auto channelsOf = [&](Value v) -> Value {
      if (!offset)
        return v;
      ArrayRef<int64_t> shape = TensorBuilder::shape(v);
      SmallVector<OpFoldResult> at(shape.size(), t.b.getIndexAttr(0));
      at[0] = offset;
      SmallVector<int64_t> sizes(shape);
      sizes[0] = count;
      return t.sliceAt(v, at, t.sizes(sizes));
    };
    SmallVector<Value> ins{channelsOf(op.getWeightLogit()),
                           channelsOf(op.getDampingLogit())};
    // Loops (n, d) over the (N, count) outputs; parameters are (count, N).
    SmallVector<AffineMap> maps{t.project(2, {1, 0}), t.project(2, {1, 0})};
    if (complex) {
      Value gamma = channelsOf(op.getGamma());
      ins.append({channelsOf(op.getTheta()), gamma, gamma});
      maps.append({t.project(2, {1}),
                   t.map(2, {t.dim(1), t.dim(0), t.cst(0)}),
                   t.map(2, {t.dim(1), t.dim(0), t.cst(1)})});
    } else {
      ins.append({channelsOf(op.getBeta()), channelsOf(op.getGamma())});
      maps.append({t.project(2, {1, 0}), t.project(2, {1, 0})});
    }
    int64_t lastLength = length - (plan.chunks - 1) * plan.chunk;
    unsigned numOuts = complex ? 5 : 3;
    if (powers)
      numOuts += complex ? 4 : 2;
    SmallVector<Value> outs;
    for (unsigned i = 0; i < numOuts; ++i) {
      outs.push_back(t.empty({stateSize, count}, acc));
      maps.push_back(t.identity(2));
    }
    double n = static_cast<double>(stateSize);
    SmallVector<Value> r = t.generic(
        ins, outs, maps, 2, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          TensorBuilder h(b, loc);
          auto cast = [&](Value v) {
            return TensorBuilder::castFloat(b, loc, v, f64);
          };
          auto sigmoid = [&](Value x) -> Value {
            Value one = h.scalar(f64, 1.0);
            Value e =
                math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
            return arith::DivFOp::create(b, loc, one,
                                         arith::AddFOp::create(b, loc, one, e));
          };
          auto mulf = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(b, loc, x, y);
          };
          Value p = sigmoid(cast(a[0]));
          Value mag = arith::SubFOp::create(b, loc, h.scalar(f64, 1.0),
                                            mulf(p, sigmoid(cast(a[1]))));
          Value rootN = h.scalar(f64, std::sqrt(n));
          SmallVector<Value> values;
          Value phi;
          if (complex) {
            Value harmonic = arith::AddFOp::create(
                b, loc,
                arith::SIToFPOp::create(
                    b, loc, f64,
                    arith::IndexCastOp::create(
                        b, loc, b.getI64Type(),
                        linalg::IndexOp::create(b, loc, 0))),
                h.scalar(f64, 1.0));
            phi = mulf(mulf(harmonic, sigmoid(cast(a[2]))),
                       h.scalar(f64, 2.0 * M_PI / n));
            values = {p, mulf(mag, math::CosOp::create(b, loc, phi)),
                      mulf(mag, math::SinOp::create(b, loc, phi)),
                      arith::DivFOp::create(b, loc, cast(a[3]), rootN),
                      arith::DivFOp::create(b, loc, cast(a[4]), rootN)};
          } else {
            values = {mulf(p, cast(a[2])), mag,
                      arith::DivFOp::create(b, loc, cast(a[3]), rootN)};
          }
          if (scaled) {
            // The output weight of h' = h / u.
            values[complex ? 3 : 2] = mulf(values[0], values[complex ? 3 : 2]);
            if (complex)
              values[4] = mulf(values[0], values[4]);
          }
          if (powers) {
            // q^m = mag^m e^{i m phi}, mag^m = exp(m log mag).
            Value logMag = math::LogOp::create(b, loc, mag);
            for (int64_t m : {plan.chunk, lastLength}) {
              Value mm = h.scalar(f64, static_cast<double>(m));
              Value power = math::ExpOp::create(b, loc, mulf(mm, logMag));
              if (complex) {
                Value angle = mulf(mm, phi);
                values.push_back(
                    mulf(power, math::CosOp::create(b, loc, angle)));
                values.push_back(
                    mulf(power, math::SinOp::create(b, loc, angle)));
              } else {
                values.push_back(power);
              }
            }
          }
          for (Value &v : values)
            v = TensorBuilder::castFloat(b, loc, v, acc);
          return values;
        });
    Coefficients k;
    unsigned i = 0;
    k.u = r[i++];
    k.qr = r[i++];
    if (complex)
      k.qi = r[i++];
    k.er = r[i++];
    if (complex)
      k.ei = r[i++];
    if (powers) {
      k.qChunkR = r[i++];
      if (complex)
        k.qChunkI = r[i++];
      k.qLastR = r[i++];
      if (complex)
        k.qLastI = r[i++];
    }
    return k;
  }

  /// initial (B, D, N) as (B, N, D) planes, or zeros.
  Planes initialPlanes() {
    Planes p;
    if (!op.getInitial()) {
      p.re = tb.zeros({batch, stateSize, channels}, acc);
      if (complex)
        p.im = tb.zeros({batch, stateSize, channels}, acc);
      return p;
    }
    SmallVector<Value> outs{tb.empty({batch, stateSize, channels}, acc)};
    if (complex)
      outs.push_back(tb.empty({batch, stateSize, channels}, acc));
    SmallVector<AffineMap> maps{tb.project(3, {0, 2, 1})};
    maps.append(outs.size(), tb.identity(3));
    SmallVector<Value> r = tb.generic(
        op.getInitial(), outs, maps, 3, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          if (!complex)
            return {TensorBuilder::castFloat(b, loc, a[0], acc)};
          return {TensorBuilder::castFloat(
                      b, loc, complex::ReOp::create(b, loc, a[0]), acc),
                  TensorBuilder::castFloat(
                      b, loc, complex::ImOp::create(b, loc, a[0]), acc)};
        });
    p.re = r[0];
    if (complex)
      p.im = r[1];
    return p;
  }

  /// (B, N, D) planes of the final state into the (B, D, N) destination,
  /// times `u` (N, D) when given (the scaled form with shared coefficients).
  Value finalTensor(Planes state, Value dest, Value u) {
    Type element = TensorBuilder::elementType(dest);
    SmallVector<Value> ins{state.re};
    if (complex)
      ins.push_back(state.im);
    SmallVector<AffineMap> maps(ins.size(), tb.project(3, {0, 2, 1}));
    if (u) {
      ins.push_back(u);
      maps.push_back(tb.project(3, {2, 1}));
    }
    maps.push_back(tb.identity(3));
    return tb.generic(
        ins, dest, maps, 3, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          auto unscaled = [&](Value part) -> Value {
            return u ? arith::MulFOp::create(b, loc, part, a[ins.size() - 1])
                     : part;
          };
          if (!complex)
            return {TensorBuilder::castFloat(b, loc, unscaled(a[0]), element)};
          auto part = cast<ComplexType>(element).getElementType();
          return {complex::CreateOp::create(
              b, loc, element,
              TensorBuilder::castFloat(b, loc, unscaled(a[0]), part),
              TensorBuilder::castFloat(b, loc, unscaled(a[1]), part))};
        })[0];
  }

  /// The (N, Db) block at channel `offset` of an (N, D) coefficient, copied
  /// into a buffer of its own: the rows of the (N, D) planes are 4 D bytes
  /// apart, which for D a multiple of 1024 puts all N rows of every plane
  /// in the same few L1 sets, and each step reads them all.
  Value coefBlock(TensorBuilder &t, Value coef, Value offset) {
    if (!coef)
      return Value();
    Value view = t.sliceAt(coef, {t.b.getIndexAttr(0), offset},
                           t.sizes({stateSize, block}));
    return t.generic(
        view, t.empty({stateSize, block}, acc), {t.identity(2), t.identity(2)},
        2, {}, [](OpBuilder &, Location, ValueRange a) -> SmallVector<Value> {
          return {a[0]};
        })[0];
  }

  /// A scaled state plane h / u (N, Db) multiplied back by u.
  Value unscale(TensorBuilder &t, Value plane, Value u) {
    return t.generic(
        {plane, u}, t.empty({stateSize, block}, acc),
        {t.identity(2), t.identity(2), t.identity(2)}, 2, {},
        [](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          return {arith::MulFOp::create(b, loc, a[0], a[1])};
        })[0];
  }

  /// The (N, Db) block of (B, [chunks,] N, D) planes.
  Value planeBlock(TensorBuilder &t, Value planes, ArrayRef<Value> lead,
                   Value offset) {
    SmallVector<OpFoldResult> at(lead.begin(), lead.end());
    at.append({t.b.getIndexAttr(0), offset});
    SmallVector<int64_t> sizes(lead.size(), 1);
    sizes.append({stateSize, block});
    SmallVector<int64_t> dropped;
    for (int64_t i = 0, e = lead.size(); i < e; ++i)
      dropped.push_back(i);
    return t.sliceAt(planes, at, t.sizes(sizes), dropped);
  }

  /// Time index of step i of a chunk.
  std::pair<Value, Value> chunkBounds(TensorBuilder &t, Value chunk) {
    Value start = t.affineIndex(chunk, plan.chunk);
    Value rest = arith::SubIOp::create(t.b, t.loc, t.index(length), start);
    Value len = arith::MinSIOp::create(t.b, t.loc, rest, t.index(plan.chunk));
    return {start, len};
  }

  /// Runs `body` over the steps [0, len) of a chunk, kStepsPerGeneric at a
  /// time, then the remaining ones one by one. `body` gets the first step,
  /// the number of steps and the carried values, and returns the next ones.
  SmallVector<Value> overSteps(
      TensorBuilder &t, Value len, ValueRange inits,
      function_ref<SmallVector<Value>(TensorBuilder &, Value, int64_t,
                                      ValueRange)>
          body) {
    Value groups = arith::DivUIOp::create(t.b, t.loc, len,
                                          t.index(kStepsPerGeneric));
    SmallVector<Value> carried = t.loop(
        t.index(0), groups, inits,
        [&](TensorBuilder &s, Value g, ValueRange values) {
          return body(s, s.affineIndex(g, kStepsPerGeneric), kStepsPerGeneric,
                      values);
        });
    Value grouped = t.affineIndex(groups, kStepsPerGeneric);
    return t.loop(grouped, len, carried,
                  [&](TensorBuilder &s, Value i, ValueRange values) {
                    return body(s, i, 1, values);
                  });
  }

  /// A view of `tensor`'s buffer for prefetches (null without prefetching).
  Value prefetchView(TensorBuilder &t, Value tensor) {
    return prefetchDistance > 0 ? t.prefetchView(tensor) : Value();
  }

  /// Prefetches the (B, L, D) row [bi, time + prefetchDistance (clamped to
  /// the last), offset : offset + Db] of `view`: a block's rows are D
  /// elements apart (a page for D = 1024 f32), and the hardware prefetchers
  /// do not cross pages. `write` asks for the row a later step stores.
  void prefetchRow(TensorBuilder &s, Value view, Value bi, Value time,
                   Value offset, bool write) {
    if (!view)
      return;
    s.prefetchRun(view, {bi, s.stepAhead(time, prefetchDistance, length)},
                  offset, block, write);
  }

  /// The rows x[bi, start + first + k, offset : offset + Db], k < count,
  /// each after the prefetch of a later row of `xView` (when not null).
  SmallVector<Value> inputRows(TensorBuilder &s, Value xView, Value bi,
                               Value start, Value first, int64_t count,
                               Value offset) {
    SmallVector<Value> rows;
    for (int64_t k = 0; k < count; ++k) {
      Value time = arith::AddIOp::create(s.b, s.loc, start,
                                         s.affineIndex(first, 1, k));
      prefetchRow(s, xView, bi, time, offset, /*write=*/false);
      rows.push_back(s.sliceAt(op.getInput(), {bi, time, offset},
                               s.sizes({1, 1, block}), {0, 1}));
    }
    return rows;
  }

  /// Steps on a block, one per row of `xs` (in time order): h <- q h + u x
  /// (h <- q h + x scaled), in place; with `ysums` (one per row), also
  /// ysum += sum_n Re(eta h) (loops (n, d), n reducing). Several steps in
  /// one generic read each state and coefficient once for all of them.
  /// Products are fused into FMAs; y gets one add per state, so its chain
  /// across n is short.
  SmallVector<Value> step(TensorBuilder &s, ArrayRef<Value> xs,
                          const Planes &coefQ, Value u, const Planes &eta,
                          Planes h, ArrayRef<Value> ysums) {
    SmallVector<Value> ins(xs.begin(), xs.end());
    if (!scaled)
      ins.push_back(u);
    ins.push_back(coefQ.re);
    if (complex)
      ins.push_back(coefQ.im);
    if (!ysums.empty()) {
      ins.push_back(eta.re);
      if (complex)
        ins.push_back(eta.im);
    }
    SmallVector<Value> outs{h.re};
    if (complex)
      outs.push_back(h.im);
    outs.append(ysums.begin(), ysums.end());
    SmallVector<AffineMap> maps(xs.size(), s.project(2, {1}));
    maps.append(ins.size() - xs.size(), s.identity(2));
    maps.append(complex ? 2 : 1, s.identity(2));
    maps.append(ysums.size(), s.project(2, {1}));
    SmallVector<unsigned> reductions;
    if (!ysums.empty())
      reductions.push_back(0);
    return s.generic(
        ins, outs, maps, 2, reductions,
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          auto mulf = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(b, loc, x, y);
          };
          auto fma = [&](Value x, Value y, Value z) -> Value {
            return math::FmaOp::create(b, loc, x, y, z);
          };
          auto negf = [&](Value x) -> Value {
            return arith::NegFOp::create(b, loc, x);
          };
          unsigned i = xs.size();
          Value uv = scaled ? Value() : a[i++];
          Value qr = a[i++];
          Value qi = complex ? a[i++] : Value();
          Value er = ysums.empty() ? Value() : a[i++];
          Value ei = !ysums.empty() && complex ? a[i++] : Value();
          Value hr = a[i++];
          Value hi = complex ? a[i++] : Value();
          SmallVector<Value> ys;
          for (unsigned k = 0, e = xs.size(); k < e; ++k) {
            Value xv = TensorBuilder::castFloat(b, loc, a[k], acc);
            Value input = scaled ? xv : mulf(uv, xv);
            if (complex) {
              Value nr = fma(negf(qi), hi, fma(qr, hr, input));
              hi = fma(qr, hi, mulf(qi, hr));
              hr = nr;
            } else {
              hr = fma(qr, hr, input);
            }
            if (ysums.empty())
              continue;
            Value contribution =
                complex ? fma(negf(ei), hi, mulf(er, hr)) : mulf(er, hr);
            ys.push_back(arith::AddFOp::create(b, loc, a[i + k], contribution));
          }
          SmallVector<Value> r{hr};
          if (complex)
            r.push_back(hi);
          r.append(ys);
          return r;
        });
  }

  /// Phases 1 and 2 of the chunked form: the end state of every chunk from
  /// zero (in parallel), then the states entering the chunks and the final
  /// state by a sequential pass. Returns (entering (B, chunks, N, D) planes,
  /// final (B, N, D) planes).
  std::pair<Planes, Planes> chunkEntryStates(const Planes &initial) {
    int64_t blocks = channels / block;
    SmallVector<Value> shared{
        tb.empty({batch, plan.chunks, stateSize, channels}, acc)};
    if (complex)
      shared.push_back(
          tb.empty({batch, plan.chunks, stateSize, channels}, acc));
    SmallVector<Value> ends = tb.forall(
        {batch, plan.chunks, blocks}, shared,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange) {
          Value bi = ivs[0], ci = ivs[1];
          Value offset = t.affineIndex(ivs[2], block);
          Value start, len;
          std::tie(start, len) = chunkBounds(t, ci);
          Value u = coefBlock(t, scaled ? Value() : c.u, offset);
          Planes q{coefBlock(t, c.qr, offset), coefBlock(t, c.qi, offset)};
          SmallVector<Value> h0{t.zeros({stateSize, block}, acc)};
          if (complex)
            h0.push_back(t.zeros({stateSize, block}, acc));
          Value xView = prefetchView(t, op.getInput());
          SmallVector<Value> h = overSteps(
              t, len, h0,
              [&](TensorBuilder &s, Value first, int64_t count,
                  ValueRange carried) {
                Planes hp{carried[0], complex ? carried[1] : Value()};
                return step(s,
                            inputRows(s, xView, bi, start, first, count, offset),
                            q, u, Planes{}, hp, {});
              });
          SmallVector<OpFoldResult> at{bi, ci, t.b.getIndexAttr(0), offset};
          auto sizes = t.sizes({1, 1, stateSize, block});
          SmallVector<TensorBuilder::ParallelInsert> inserts{{h[0], at, sizes}};
          if (complex)
            inserts.push_back({h[1], at, sizes});
          return inserts;
        });

    // H_c = q^Q H_{c-1} + end_c over the chunks, all channels at once; the
    // last chunk (q^last) gives the final state.
    SmallVector<Value> inits{initial.re};
    if (complex)
      inits.push_back(initial.im);
    inits.push_back(tb.empty({batch, plan.chunks, stateSize, channels}, acc));
    if (complex)
      inits.push_back(tb.empty({batch, plan.chunks, stateSize, channels}, acc));
    SmallVector<Value> passed = tb.loop(
        tb.index(0), tb.index(plan.chunks), inits,
        [&](TensorBuilder &t, Value ci, ValueRange carried) {
          unsigned np = complex ? 2 : 1;
          SmallVector<OpFoldResult> at{t.b.getIndexAttr(0), ci,
                                       t.b.getIndexAttr(0),
                                       t.b.getIndexAttr(0)};
          auto sizes = t.sizes({batch, 1, stateSize, channels});
          SmallVector<Value> next;
          SmallVector<Value> entering;
          for (unsigned p = 0; p < np; ++p)
            entering.push_back(
                t.insertAt(carried[p], carried[np + p], at, sizes));
          Value isLast =
              arith::CmpIOp::create(t.b, t.loc, arith::CmpIPredicate::eq, ci,
                                    t.index(plan.chunks - 1));
          SmallVector<Value> ins;
          for (unsigned p = 0; p < np; ++p)
            ins.push_back(t.sliceAt(ends[p], at, sizes, {1}));
          ins.append({c.qChunkR, c.qLastR});
          if (complex)
            ins.append({c.qChunkI, c.qLastI});
          SmallVector<AffineMap> maps(np, t.identity(3));
          maps.append(complex ? 4 : 2, t.project(3, {1, 2}));
          maps.append(np, t.identity(3));
          SmallVector<Value> outs(carried.begin(), carried.begin() + np);
          SmallVector<Value> h = t.generic(
              ins, outs, maps, 3, {},
              [&](OpBuilder &b, Location loc,
                  ValueRange a) -> SmallVector<Value> {
                auto mulf = [&](Value x, Value y) -> Value {
                  return arith::MulFOp::create(b, loc, x, y);
                };
                auto addf = [&](Value x, Value y) -> Value {
                  return arith::AddFOp::create(b, loc, x, y);
                };
                Value qr =
                    arith::SelectOp::create(b, loc, isLast, a[np + 1], a[np]);
                if (!complex)
                  return {addf(mulf(qr, a[np + 2]), a[0])};
                Value qi = arith::SelectOp::create(b, loc, isLast, a[np + 3],
                                                   a[np + 2]);
                Value hr = a[np + 4], hi = a[np + 5];
                Value nr =
                    arith::SubFOp::create(b, loc, mulf(qr, hr), mulf(qi, hi));
                Value ni = addf(mulf(qr, hi), mulf(qi, hr));
                return {addf(nr, a[0]), addf(ni, a[1])};
              });
          next.append(h.begin(), h.end());
          next.append(entering.begin(), entering.end());
          return next;
        });
    Planes entering, final;
    final.re = passed[0];
    if (complex) {
      final.im = passed[1];
      entering = {passed[2], passed[3]};
    } else {
      entering.re = passed[1];
    }
    return {entering, final};
  }

  /// Every (row, chunk, channel block) runs its chunk from its entering state
  /// (`states` is (B, chunks, N, D) when chunked, else (B, N, D)), writing y.
  /// Returns y and, unchunked, the final state planes.
  std::pair<Value, Planes> runChunks(const Planes &states, bool chunked) {
    int64_t blocks = channels / block;
    SmallVector<Value> shared{op.getOuts()[0]};
    bool wantFinal = !chunked && op.getFinal();
    if (wantFinal) {
      shared.push_back(tb.empty({batch, stateSize, channels}, acc));
      if (complex)
        shared.push_back(tb.empty({batch, stateSize, channels}, acc));
    }
    SmallVector<Value> r = tb.forall(
        {batch, plan.chunks, blocks}, shared,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange sharedArgs) {
          Value bi = ivs[0], ci = ivs[1];
          Value offset = t.affineIndex(ivs[2], block);
          Value start, len;
          std::tie(start, len) = chunkBounds(t, ci);
          Coefficients own;
          if (sharedCoefficients) {
            own.u = coefBlock(t, c.u, offset);
            own.qr = coefBlock(t, c.qr, offset);
            own.qi = coefBlock(t, c.qi, offset);
            own.er = coefBlock(t, c.er, offset);
            own.ei = coefBlock(t, c.ei, offset);
          } else {
            own = coefficients(t, offset, block, /*powers=*/false);
          }
          Value u = scaled ? Value() : own.u;
          Planes q{own.qr, own.qi};
          Planes eta{own.er, own.ei};
          Value omegaBlock = t.sliceAt(omega, {offset}, t.sizes({block}));
          SmallVector<Value> lead{bi};
          if (chunked)
            lead.push_back(ci);
          SmallVector<Value> inits{planeBlock(t, states.re, lead, offset)};
          if (complex)
            inits.push_back(planeBlock(t, states.im, lead, offset));
          SmallVector<OpFoldResult> tileAt{bi, start, offset};
          SmallVector<OpFoldResult> tileSizes{t.b.getIndexAttr(1), len,
                                              t.b.getIndexAttr(block)};
          inits.push_back(t.sliceAt(sharedArgs[0], tileAt, tileSizes, {0}));
          // y sums in the accumulation type: in fresh rows inserted into y
          // when that is y's type (a slice of y as the init would be copied
          // in first: two rows of one tensor written in place), else in
          // carried scratch rows, one per step of a group, each rounded
          // into y (one tensor: equal tensor.empty inits of a loop share a
          // buffer).
          bool sumInPlace = storage == acc;
          if (!sumInPlace)
            inits.push_back(t.empty({kStepsPerGeneric, block}, acc));
          unsigned np = complex ? 2 : 1;
          Value xView = prefetchView(t, op.getInput());
          Value yView = prefetchView(t, sharedArgs[0]);
          SmallVector<Value> res = overSteps(
              t, len, inits,
              [&](TensorBuilder &s, Value first, int64_t count,
                  ValueRange carried) {
                SmallVector<Value> xs =
                    inputRows(s, xView, bi, start, first, count, offset);
                for (int64_t k = 0; k < count; ++k)
                  prefetchRow(s, yView, bi,
                              arith::AddIOp::create(s.b, s.loc, start,
                                                    s.affineIndex(first, 1, k)),
                              offset, /*write=*/true);
                // y = omega x, then += sum_n Re(eta h).
                Value tile = carried[np];
                Value scratch = sumInPlace ? Value() : carried[np + 1];
                auto rowSizes = s.sizes({1, block});
                auto tileRow = [&](int64_t k) -> SmallVector<OpFoldResult> {
                  return {s.affineIndex(first, 1, k), s.b.getIndexAttr(0)};
                };
                auto scratchRow = [&](int64_t k) -> SmallVector<OpFoldResult> {
                  return {s.b.getIndexAttr(k), s.b.getIndexAttr(0)};
                };
                SmallVector<Value> ysums;
                for (int64_t k = 0; k < count; ++k)
                  ysums.push_back(s.generic(
                      {xs[k], omegaBlock},
                      sumInPlace
                          ? s.empty({block}, acc)
                          : s.sliceAt(scratch, scratchRow(k), rowSizes, {0}),
                      {s.identity(1), s.identity(1), s.identity(1)}, 1, {},
                      [&](OpBuilder &b, Location loc,
                          ValueRange a) -> SmallVector<Value> {
                        return {arith::MulFOp::create(
                            b, loc, TensorBuilder::castFloat(b, loc, a[0], acc),
                            a[1])};
                      })[0]);
                Planes hp{carried[0], complex ? carried[1] : Value()};
                SmallVector<Value> h = step(s, xs, q, u, eta, hp, ysums);
                for (int64_t k = 0; k < count; ++k) {
                  Value row = h[np + k];
                  if (!sumInPlace) {
                    row = s.generic(
                        row, s.sliceAt(tile, tileRow(k), rowSizes, {0}),
                        {s.identity(1), s.identity(1)}, 1, {},
                        [&](OpBuilder &b, Location loc,
                            ValueRange a) -> SmallVector<Value> {
                          return {
                              TensorBuilder::castFloat(b, loc, a[0], storage)};
                        })[0];
                    scratch = s.insertAt(h[np + k], scratch, scratchRow(k),
                                         rowSizes);
                  }
                  tile = s.insertAt(row, tile, tileRow(k), rowSizes);
                }
                SmallVector<Value> next(h.begin(), h.begin() + np);
                next.push_back(tile);
                if (!sumInPlace)
                  next.push_back(scratch);
                return next;
              });
          SmallVector<TensorBuilder::ParallelInsert> inserts{
              {res[np], tileAt, tileSizes}};
          if (wantFinal) {
            SmallVector<OpFoldResult> at{bi, t.b.getIndexAttr(0), offset};
            auto sizes = t.sizes({1, stateSize, block});
            for (unsigned p = 0; p < np; ++p)
              inserts.push_back({scaled && !sharedCoefficients
                                     ? unscale(t, res[p], own.u)
                                     : res[p],
                                 at, sizes});
          }
          return inserts;
        });
    Planes last;
    if (wantFinal) {
      last.re = r[1];
      if (complex)
        last.im = r[2];
    }
    return {r[0], last};
  }

  EmaOp op;
  TensorBuilder &tb;
  ChunkPlan plan;
  bool complex;
  /// The state is kept as h / u (no initial state to divide).
  bool scaled;
  /// Steps ahead of the input rows' prefetches (0: none).
  int64_t prefetchDistance;
  int64_t batch, length, channels, stateSize, block;
  FloatType acc;
  Type storage;
  /// All channels' coefficients (only when `sharedCoefficients`).
  Coefficients c;
  /// Coefficients computed once for all channels rather than per work item.
  bool sharedCoefficients = false;
  /// omega in the accumulation type, (D).
  Value omega;
};

/// The convolution form: k[d, t] = Re sum_n u eta q^t from one batched GEMM
/// per channel over factored powers, then seq.long_conv(x, k) + omega x.
class EmaKernelRewriter {
public:
  EmaKernelRewriter(EmaOp op, TensorBuilder &tb) : op(op), tb(tb) {
    ArrayRef<int64_t> xs = TensorBuilder::shape(op.getInput());
    length = xs[1];
    channels = xs[2];
    stateSize = TensorBuilder::shape(op.getWeightLogit())[1];
    acc = widestAccumulationFloat({op.getInput(), op.getWeightLogit()});
    complex = op.isComplex();
  }

  Value rewrite() {
    // t = th S + tl with S ~ sqrt(L): powers q^{th S} (L / S of them) and
    // q^{tl} (S of them) per (d, n), their products summed over n by a GEMM
    // with the real and imaginary parts stacked along the reduction.
    int64_t s = llvm::PowerOf2Ceil(static_cast<int64_t>(
        std::ceil(std::sqrt(static_cast<double>(length)))));
    int64_t high = (length + s - 1) / s;
    Value lhs = powers(high, s, /*weighted=*/true);
    Value rhs = powers(s, 1, /*weighted=*/false);
    // lhs (D, high, P N) with [Re(w q^{th S}), -Im(..)], rhs (D, P N, S) with
    // [Re(q^tl); Im(q^tl)]: k = Re(w q^{th S} q^{tl}).
    Value kernel = tb.batchMatmul(lhs, rhs, tb.zeros({channels, high, s}, acc));
    kernel = tb.reshape(kernel, {channels, high * s});
    kernel = tb.slice(kernel, {0, 0}, {channels, length});
    auto conv = LongConvOp::create(
        tb.b, tb.loc, TypeRange{op.getOuts()[0].getType()}, op.getInput(),
        kernel, op.getOmega(), Value(), Value(), ValueRange{op.getOuts()[0]},
        ConvMethod::fft);
    return conv.getResult(0);
  }

private:
  /// The (D, count, P N) [weighted] or (D, P N, count) table of
  /// q^{i step} (times w = u eta when weighted), computed in f64 and
  /// rounded once; the imaginary plane negated when weighted (it enters
  /// Re(a b) = Re a Re b - Im a Im b).
  Value powers(int64_t count, int64_t step, bool weighted) {
    FloatType f64 = tb.b.getF64Type();
    int64_t planes = complex ? 2 : 1;
    SmallVector<int64_t> shape =
        weighted ? SmallVector<int64_t>{channels, count, planes, stateSize}
                 : SmallVector<int64_t>{channels, planes, stateSize, count};
    // Loops (d, c, n, i): plane c, state n, power index i.
    unsigned d = 0, c = 1, n = 2, i = 3;
    AffineMap outMap =
        weighted ? tb.project(4, {d, i, c, n}) : tb.project(4, {d, c, n, i});
    SmallVector<Value> ins{op.getWeightLogit(), op.getDampingLogit()};
    SmallVector<AffineMap> maps{tb.project(4, {d, n}), tb.project(4, {d, n})};
    if (complex) {
      ins.append({op.getTheta(), op.getGamma(), op.getGamma()});
      maps.append({tb.project(4, {d}),
                   tb.map(4, {tb.dim(d), tb.dim(n), tb.cst(0)}),
                   tb.map(4, {tb.dim(d), tb.dim(n), tb.cst(1)})});
    } else {
      ins.append({op.getBeta(), op.getGamma()});
      maps.append({tb.project(4, {d, n}), tb.project(4, {d, n})});
    }
    maps.push_back(outMap);
    double nn = static_cast<double>(stateSize);
    Value table = tb.generic(
        ins, tb.empty(shape, acc), maps, 4, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          TensorBuilder h(b, loc);
          auto cast = [&](Value v) {
            return TensorBuilder::castFloat(b, loc, v, f64);
          };
          auto mulf = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(b, loc, x, y);
          };
          auto indexF = [&](unsigned dim) -> Value {
            return arith::SIToFPOp::create(
                b, loc, f64,
                arith::IndexCastOp::create(
                    b, loc, b.getI64Type(),
                    linalg::IndexOp::create(b, loc, dim)));
          };
          auto sigmoid = [&](Value x) -> Value {
            Value one = h.scalar(f64, 1.0);
            Value e =
                math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
            return arith::DivFOp::create(b, loc, one,
                                         arith::AddFOp::create(b, loc, one, e));
          };
          Value p = sigmoid(cast(a[0]));
          Value mag = arith::SubFOp::create(b, loc, h.scalar(f64, 1.0),
                                            mulf(p, sigmoid(cast(a[1]))));
          // q^m = mag^m e^{i m phi}, mag^m = exp(m log mag).
          Value m = mulf(indexF(i), h.scalar(f64, static_cast<double>(step)));
          Value power = math::ExpOp::create(
              b, loc, mulf(m, math::LogOp::create(b, loc, mag)));
          Value re = power, im = h.scalar(f64, 0.0);
          Value rootN = h.scalar(f64, std::sqrt(nn));
          Value wr, wi;
          if (complex) {
            Value harmonic =
                arith::AddFOp::create(b, loc, indexF(n), h.scalar(f64, 1.0));
            Value phi = mulf(mulf(harmonic, sigmoid(cast(a[2]))),
                             h.scalar(f64, 2.0 * M_PI / nn));
            Value angle = mulf(m, phi);
            re = mulf(power, math::CosOp::create(b, loc, angle));
            im = mulf(power, math::SinOp::create(b, loc, angle));
            // w = u eta = p (gamma0 + i gamma1) / sqrt(N).
            wr = arith::DivFOp::create(b, loc, mulf(p, cast(a[3])), rootN);
            wi = arith::DivFOp::create(b, loc, mulf(p, cast(a[4])), rootN);
          } else {
            // w = u eta = p beta gamma / sqrt(N).
            wr = arith::DivFOp::create(
                b, loc, mulf(mulf(p, cast(a[2])), cast(a[3])), rootN);
            wi = h.scalar(f64, 0.0);
          }
          if (weighted) {
            Value pr =
                arith::SubFOp::create(b, loc, mulf(wr, re), mulf(wi, im));
            Value pi =
                arith::AddFOp::create(b, loc, mulf(wr, im), mulf(wi, re));
            re = pr;
            im = arith::NegFOp::create(b, loc, pi);
          }
          Value value = re;
          if (complex) {
            Value isRe = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::eq,
                linalg::IndexOp::create(b, loc, c),
                arith::ConstantIndexOp::create(b, loc, 0));
            value = arith::SelectOp::create(b, loc, isRe, re, im);
          }
          return {TensorBuilder::castFloat(b, loc, value, acc)};
        })[0];
    return weighted ? tb.reshape(table, {channels, count, planes * stateSize})
                    : tb.reshape(table, {channels, planes * stateSize, count});
  }

  EmaOp op;
  TensorBuilder &tb;
  int64_t length, channels, stateSize;
  FloatType acc;
  bool complex;
};

/// Multiply-adds per output and channel of the two forms, for the rule.
std::pair<double, double> emaCosts(EmaOp op, const FftOptions &options) {
  ArrayRef<int64_t> xs = TensorBuilder::shape(op.getInput());
  double batch = xs[0], length = xs[1];
  double n = TensorBuilder::shape(op.getWeightLogit())[1];
  // FMA-unit operations per state of a step: complex q h (4) and
  // Re(eta h) (2), the input u x folded away; damped q h, eta h, the add.
  double recurrence = (op.isComplex() ? 6.0 : 3.0) * n;
  int64_t size = fftGoodSize(2 * xs[1] - 1);
  double conv = (2.0 * fftCostPerPoint(size, options) + 6.0) * size / length +
                fftCostPerPoint(size, options) * size / (batch * length);
  double kernel = (op.isComplex() ? 4.0 : 2.0) * n / batch;
  return {recurrence, conv + kernel};
}

struct SeqChunkEmaPass : public seq::impl::SeqChunkEmaBase<SeqChunkEmaPass> {
  using Base::Base;

  void runOnOperation() override {
    if (chunkSize < 0 || channelBlock < 1 || parallelWork < 1 || minChunk < 1 ||
        prefetchDistance < 0) {
      getOperation()->emitError()
          << "seq-chunk-ema: chunk-size must be non-negative, channel-block, "
             "parallel-work and min-chunk positive, prefetch-distance "
             "non-negative";
      return signalPassFailure();
    }
    SmallVector<EmaOp> ops;
    getOperation()->walk([&](EmaOp op) { ops.push_back(op); });
    for (EmaOp op : ops) {
      SmallVector<Value> operands(op->getOperands());
      if (!allStatic(operands) || hasEmptyTensor(operands))
        continue;
      ArrayRef<int64_t> xs = TensorBuilder::shape(op.getInput());
      int64_t n = TensorBuilder::shape(op.getWeightLogit())[1];
      if (llvm::is_contained(xs, 0) || n == 0)
        continue;
      IRRewriter rewriter(op);
      TensorBuilder tb(rewriter, op.getLoc());
      FftOptions fft{radix, std::max<int64_t>(maxStage, radix)};
      auto [recurrence, convolution] = emaCosts(op, fft);
      if (!op.getInitial() && !op.getFinal() && xs[1] > 1 &&
          fftCostScale * convolution < recurrence) {
        EmaKernelRewriter kernel(op, tb);
        rewriter.replaceOp(op, kernel.rewrite());
        continue;
      }
      ChunkPlan plan = planChunks(xs[0], xs[2], xs[1], channelBlock,
                                  parallelWork, minChunk, chunkSize);
      EmaRewriter ema(op, tb, plan, prefetchDistance);
      rewriter.replaceOp(op, ema.rewrite());
    }
  }
};

} // namespace
