//===- ChunkScan.cpp - seq.scan as chunked, channel-vectorized loops ------===//
//
// seq.scan (B, L, S...) becomes time loops whose body is one linalg.generic
// over a block of channels, blocks in an scf.forall; when the channel blocks
// cannot occupy the cores, time is chunked too: chunk summaries in parallel,
// a short sequential pass over them, then every chunk again from its
// entering state.
//
//===----------------------------------------------------------------------===//

#include "TensorBuilder.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQCHUNKSCAN
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {

class ScanRewriter {
public:
  ScanRewriter(ScanOp op, TensorBuilder &tb, const ChunkPlan &plan,
               int64_t prefetchDistance)
      : op(op), tb(tb), plan(plan), reverse(op.getReverse()),
        prefetchDistance(prefetchDistance) {
    ArrayRef<int64_t> shape = TensorBuilder::shape(op.getA());
    batch = shape[0];
    length = shape[1];
    channels = 1;
    for (int64_t d : shape.drop_front(2))
      channels *= d;
    storage = TensorBuilder::elementType(op.getA());
    Type accFloat = accumulationFloat(storage);
    acc =
        isa<ComplexType>(storage) ? Type(ComplexType::get(accFloat)) : accFloat;
    a = tb.reshape(op.getA(), {batch, length, channels});
    b = tb.reshape(op.getB(), {batch, length, channels});
  }

  Value rewrite() {
    Value entering; // (B, chunks, S) states entering each chunk, or null
    if (plan.chunks > 1)
      entering = chunkEntryStates();
    Value states = tb.reshape(op.getOuts()[0], {batch, length, channels});
    states = scanChunks(states, entering);
    return tb.reshape(states, TensorBuilder::shape(op.getOuts()[0]));
  }

  /// final = the state written last: h_{L-1}, or h_0 in reverse.
  Value finalState(Value states) {
    Value flat = tb.reshape(states, {batch, length, channels});
    Value last = tb.sliceAt(flat, tb.sizes({0, reverse ? 0 : length - 1, 0}),
                            tb.sizes({batch, 1, channels}), {1});
    return tb.reshape(last, TensorBuilder::shape(op.getOuts()[1]));
  }

private:
  /// The time index of step i of a chunk [start, start + len).
  Value timeIndex(TensorBuilder &t, Value start, Value len, Value i) {
    if (!reverse)
      return arith::AddIOp::create(t.b, t.loc, start, i);
    // start + len - 1 - i
    Value last = arith::SubIOp::create(
        t.b, t.loc, arith::AddIOp::create(t.b, t.loc, start, len), t.index(1));
    return arith::SubIOp::create(t.b, t.loc, last, i);
  }

  /// a[bi, time, block] (and b) as (channel block) tensors.
  /// Views of a and b for prefetches (nulls without prefetching).
  std::pair<Value, Value> prefetchViews(TensorBuilder &t) {
    if (prefetchDistance <= 0)
      return {};
    return {t.prefetchView(a), t.prefetchView(b)};
  }

  /// Prefetches row `time` + prefetchDistance (in scan order, clamped to
  /// the sequence) of the (B, L, S) views: a block's rows are S elements
  /// apart, and each step's rows start a page the hardware prefetchers
  /// have not seen (a 1024-channel f32 block is a whole page per row).
  void prefetchRows(TensorBuilder &t, ArrayRef<Value> views, Value bi,
                    Value time, Value offset, bool write) {
    if (views.empty() || !views.front())
      return;
    Value ahead = t.stepAhead(
        time, reverse ? -prefetchDistance : prefetchDistance, length);
    for (Value view : views)
      t.prefetchRun(view, {bi, ahead}, offset, plan.channelBlock, write);
  }

  std::pair<Value, Value> inputsAt(TensorBuilder &t, Value bi, Value time,
                                   Value offset) {
    SmallVector<OpFoldResult> at{bi, time, offset};
    auto sizes = t.sizes({1, 1, plan.channelBlock});
    return {t.sliceAt(a, at, sizes, {0, 1}), t.sliceAt(b, at, sizes, {0, 1})};
  }

  /// Chunk bounds: start = c Q, len = min(Q, L - c Q).
  std::pair<Value, Value> chunkBounds(TensorBuilder &t, Value c) {
    Value start = t.affineIndex(c, plan.chunk);
    Value rest = arith::SubIOp::create(t.b, t.loc, t.index(length), start);
    Value len = arith::MinSIOp::create(t.b, t.loc, rest, t.index(plan.chunk));
    return {start, len};
  }

  /// Phases 1 and 2: summaries of every chunk in parallel, then the states
  /// entering the chunks by one sequential pass over the summaries.
  Value chunkEntryStates() {
    int64_t blocks = channels / plan.channelBlock;
    Value sumA = tb.empty({batch, plan.chunks, channels}, acc);
    Value sumB = tb.empty({batch, plan.chunks, channels}, acc);
    SmallVector<Value> sums = tb.forall(
        {batch, plan.chunks, blocks}, {sumA, sumB},
        [&](TensorBuilder &t, ValueRange ivs, ValueRange) {
          Value bi = ivs[0], c = ivs[1];
          Value offset = t.affineIndex(ivs[2], plan.channelBlock);
          Value start, len;
          std::tie(start, len) = chunkBounds(t, c);
          Value one = t.filled({plan.channelBlock}, acc, 1.0);
          Value zero = t.zeros({plan.channelBlock}, acc);
          // Named, not a structured binding: the loop bodies capture them.
          Value aView, bView;
          std::tie(aView, bView) = prefetchViews(t);
          SmallVector<Value> ab = t.loop(
              t.index(0), len, {one, zero},
              [&](TensorBuilder &s, Value i, ValueRange carried) {
                Value time = timeIndex(s, start, len, i);
                prefetchRows(s, {aView, bView}, bi, time, offset,
                             /*write=*/false);
                auto [at, bt] = inputsAt(s, bi, time, offset);
                // (A, B) <- (a A, a B + b), updated in place.
                return s.generic(
                    {at, bt}, {carried[0], carried[1]},
                    SmallVector<AffineMap>(4, s.identity(1)), 1, {},
                    [&](OpBuilder &nb, Location l, ValueRange v) {
                      Value av = TensorBuilder::castFloat(nb, l, v[0], acc);
                      Value bv = TensorBuilder::castFloat(nb, l, v[1], acc);
                      Value prodA = TensorBuilder::mul(nb, l, av, v[2]);
                      Value prodB = TensorBuilder::add(
                          nb, l, TensorBuilder::mul(nb, l, av, v[3]), bv);
                      return SmallVector<Value>{prodA, prodB};
                    });
              });
          SmallVector<OpFoldResult> at{bi, c, offset};
          auto sizes = t.sizes({1, 1, plan.channelBlock});
          return SmallVector<TensorBuilder::ParallelInsert>{{ab[0], at, sizes},
                                                            {ab[1], at, sizes}};
        });

    // H_c = A_c H_{c-1} + B_c, in processing order, over all channels.
    Value h0 = initialState();
    Value entering = tb.empty({batch, plan.chunks, channels}, acc);
    SmallVector<Value> passed = tb.loop(
        tb.index(0), tb.index(plan.chunks), {h0, entering},
        [&](TensorBuilder &t, Value i, ValueRange carried) {
          Value c = reverse ? arith::SubIOp::create(t.b, t.loc,
                                                    t.index(plan.chunks - 1), i)
                                  .getResult()
                            : i;
          SmallVector<OpFoldResult> at{t.b.getIndexAttr(0), c,
                                       t.b.getIndexAttr(0)};
          auto sizes = t.sizes({batch, 1, channels});
          Value in = t.insertAt(carried[0], carried[1], at, sizes);
          Value ac = t.sliceAt(sums[0], at, sizes, {1});
          Value bc = t.sliceAt(sums[1], at, sizes, {1});
          Value next = t.generic(
              {ac, bc}, carried[0], SmallVector<AffineMap>(3, t.identity(2)), 2,
              {}, [&](OpBuilder &nb, Location l, ValueRange v) {
                return SmallVector<Value>{TensorBuilder::add(
                    nb, l, TensorBuilder::mul(nb, l, v[0], v[2]), v[1])};
              })[0];
          return SmallVector<Value>{next, in};
        });
    return passed[1];
  }

  /// initial (B, S) in the accumulation type, or zeros.
  Value initialState() {
    if (!op.getInitial())
      return tb.zeros({batch, channels}, acc);
    Value init = tb.reshape(op.getInitial(), {batch, channels});
    return tb.generic(init, tb.empty({batch, channels}, acc),
                      {tb.identity(2), tb.identity(2)}, 2, {},
                      [&](OpBuilder &nb, Location l, ValueRange v) {
                        return SmallVector<Value>{
                            TensorBuilder::castFloat(nb, l, v[0], acc)};
                      })[0];
  }

  /// Phase 3 (or the whole scan without chunks): every (batch row, chunk,
  /// channel block) runs its time loop from its entering state and writes
  /// its states.
  Value scanChunks(Value states, Value entering) {
    int64_t blocks = channels / plan.channelBlock;
    Value initial = entering ? Value() : initialState();
    return tb.forall(
        {batch, plan.chunks, blocks}, states,
        [&](TensorBuilder &t, ValueRange ivs, ValueRange shared) {
          Value bi = ivs[0], c = ivs[1];
          Value offset = t.affineIndex(ivs[2], plan.channelBlock);
          Value start, len;
          std::tie(start, len) = chunkBounds(t, c);
          auto blockSizes = t.sizes({1, 1, plan.channelBlock});
          Value h0 = entering ? t.sliceAt(entering, {bi, c, offset}, blockSizes,
                                          {0, 1})
                              : t.sliceAt(initial, {bi, offset},
                                          t.sizes({1, plan.channelBlock}), {0});
          SmallVector<OpFoldResult> tileAt{bi, start, offset};
          SmallVector<OpFoldResult> tileSizes{
              t.b.getIndexAttr(1), len, t.b.getIndexAttr(plan.channelBlock)};
          Value tile = t.sliceAt(shared[0], tileAt, tileSizes, {0});
          // Named, not a structured binding: the loop bodies capture them.
          Value aView, bView;
          std::tie(aView, bView) = prefetchViews(t);
          Value statesView = aView ? t.prefetchView(shared[0]) : Value();
          SmallVector<Value> result = t.loop(
              t.index(0), len, {h0, tile},
              [&](TensorBuilder &s, Value i, ValueRange carried) {
                Value time = timeIndex(s, start, len, i);
                prefetchRows(s, {aView, bView}, bi, time, offset,
                             /*write=*/false);
                prefetchRows(s, {statesView}, bi, time, offset,
                             /*write=*/true);
                auto [at, bt] = inputsAt(s, bi, time, offset);
                Value row = arith::SubIOp::create(s.b, s.loc, time, start);
                SmallVector<OpFoldResult> rowAt{row, s.b.getIndexAttr(0)};
                auto rowSizes = s.sizes({1, plan.channelBlock});
                Value dest = s.sliceAt(carried[1], rowAt, rowSizes, {0});
                // h <- a h + b in place, and h rounded into the states.
                SmallVector<Value> h = s.generic(
                    {at, bt}, {carried[0], dest},
                    SmallVector<AffineMap>(4, s.identity(1)), 1, {},
                    [&](OpBuilder &nb, Location l, ValueRange v) {
                      Value av = TensorBuilder::castFloat(nb, l, v[0], acc);
                      Value bv = TensorBuilder::castFloat(nb, l, v[1], acc);
                      Value hn = TensorBuilder::add(
                          nb, l, TensorBuilder::mul(nb, l, av, v[2]), bv);
                      return SmallVector<Value>{
                          hn, TensorBuilder::castFloat(nb, l, hn, storage)};
                    });
                Value written = s.insertAt(h[1], carried[1], rowAt, rowSizes);
                return SmallVector<Value>{h[0], written};
              });
          return SmallVector<TensorBuilder::ParallelInsert>{
              {result[1], tileAt, tileSizes}};
        })[0];
  }

  ScanOp op;
  TensorBuilder &tb;
  ChunkPlan plan;
  bool reverse;
  /// Steps ahead of the rows' prefetches (0: none).
  int64_t prefetchDistance;
  int64_t batch, length, channels;
  Type storage, acc;
  Value a, b;
};

struct SeqChunkScanPass : public seq::impl::SeqChunkScanBase<SeqChunkScanPass> {
  using Base::Base;

  /// channel-block, doubled (while it divides the channels) up to
  /// max-channel-block as long as rows x blocks stays >= parallel-work: a
  /// scan streams, and longer contiguous runs per time step are what the
  /// prefetchers and the TLB need.
  int64_t streamingBlock(int64_t rows, int64_t channels) const {
    int64_t block = channelBlock;
    while (2 * block <= maxChannelBlock && channels % (2 * block) == 0 &&
           rows * (channels / (2 * block)) >= parallelWork)
      block *= 2;
    return block;
  }

  void runOnOperation() override {
    if (chunkSize < 0 || channelBlock < 1 || parallelWork < 1 ||
        minChunk < 1 || maxChannelBlock < 0 || prefetchDistance < 0) {
      getOperation()->emitError()
          << "seq-chunk-scan: chunk-size, max-channel-block and "
             "prefetch-distance must be non-negative, channel-block, "
             "parallel-work and min-chunk positive";
      return signalPassFailure();
    }
    SmallVector<ScanOp> ops;
    getOperation()->walk([&](ScanOp op) { ops.push_back(op); });
    for (ScanOp op : ops) {
      SmallVector<Value> operands(op->getOperands());
      if (!allStatic(operands) || hasEmptyTensor(operands))
        continue;
      ArrayRef<int64_t> shape = TensorBuilder::shape(op.getA());
      if (shape[1] == 0)
        continue;
      int64_t channels = 1;
      for (int64_t d : shape.drop_front(2))
        channels *= d;
      if (channels == 0 || shape[0] == 0)
        continue;
      ChunkPlan plan =
          planChunks(shape[0], channels, shape[1],
                     streamingBlock(shape[0], channels), parallelWork,
                     minChunk, chunkSize);
      IRRewriter rewriter(op);
      TensorBuilder tb(rewriter, op.getLoc());
      ScanRewriter scan(op, tb, plan, prefetchDistance);
      SmallVector<Value> results{scan.rewrite()};
      if (op.getFinal())
        results.push_back(scan.finalState(results[0]));
      rewriter.replaceOp(op, results);
    }
  }
};

} // namespace
