//===- DecomposeLongConv.cpp - seq.long_conv by direct or FFT convolution -===//
//
// seq.long_conv (B, L, C) with a (C, K) filter becomes a direct tap
// reduction, one FFT convolution, or an overlap-add of block FFT
// convolutions, chosen by a cost rule. The FFTs run along L straight from
// the channels-last layout (the channels are the trailing dimension of every
// stage) and stay digit-reversed between the forward stages, the product
// with the filter's spectrum and the inverse stages. A filter given as its
// spectrum rfft(k, n) skips the filter's transform: its bins are gathered
// straight into the digit-reversed layout of the size-n stages.
//
//===----------------------------------------------------------------------===//

#include "FftBuilder.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/PatternMatch.h"

#include <algorithm>
#include <limits>

namespace mlir::seq {
#define GEN_PASS_DEF_SEQDECOMPOSELONGCONV
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {

/// How one long convolution is computed.
struct ConvPlan {
  bool direct = true;
  /// FFT size and the number of outputs per block (L for one block).
  int64_t fftSize = 0, block = 0;
};

/// Real multiply-adds per output and channel of an FFT convolution of size
/// n on blocks of `block` outputs (the last block padded), for L outputs in
/// a batch of `batch`: forward and inverse transforms and the complex
/// product per block (for half the channels when they are paired into
/// complex signals), the filter's transform once for the whole batch.
double fftConvCost(int64_t n, int64_t block, int64_t length, int64_t batch,
                   bool paired, const FftOptions &options) {
  double perPoint = fftCostPerPoint(n, options);
  int64_t blocks = (length + block - 1) / block;
  double perBlock =
      (2.0 * perPoint + 8.0) * static_cast<double>(n) * (paired ? 0.5 : 1.0);
  double filter = perPoint * static_cast<double>(n);
  return (perBlock * blocks + filter / batch) / static_cast<double>(length);
}

ConvPlan choosePlan(ConvMethod method, int64_t length, int64_t taps,
                    int64_t batch, bool paired, const FftOptions &options,
                    double directTapCost, int64_t forcedBlock) {
  ConvPlan direct;
  int64_t single = fftGoodSize(length + taps - 1);
  ConvPlan whole{false, single, length};
  if (length == 1 || single < 2 || method == ConvMethod::direct)
    return direct;
  if (method == ConvMethod::fft)
    return whole;
  if (forcedBlock > 0 && forcedBlock >= 2 * taps - 1 &&
      forcedBlock - taps + 1 < length && fftStages(forcedBlock, options))
    return {false, forcedBlock, forcedBlock - taps + 1};

  double bestCost = directTapCost * static_cast<double>(taps);
  ConvPlan best = direct;
  double wholeCost =
      fftConvCost(single, length, length, batch, paired, options);
  if (wholeCost < bestCost) {
    bestCost = wholeCost;
    best = whole;
  }
  // Overlap-add blocks: FFT sizes from 2K' up (doubling) while the block
  // is shorter than the sequence.
  for (int64_t n = fftGoodSize(2 * taps); n - taps + 1 < length;
       n = fftGoodSize(2 * n)) {
    int64_t block = n - taps + 1;
    double cost = fftConvCost(n, block, length, batch, paired, options);
    if (cost < bestCost) {
      bestCost = cost;
      best = {false, n, block};
    }
  }
  return best;
}

class LongConvRewriter {
public:
  LongConvRewriter(LongConvOp op, TensorBuilder &tb, FloatType acc,
                   const FftOptions &options)
      : op(op), tb(tb), acc(acc), options(options) {
    ArrayRef<int64_t> s = TensorBuilder::shape(op.getInput());
    batch = s[0];
    length = s[1];
    channels = s[2];
    hasSpectrum = op.hasFilterSpectrum();
    // A spectrum's taps are irfft(S, n): n of them, all of which the
    // circular product uses.
    taps = hasSpectrum
               ? op.spectrumSize()
               : std::min(TensorBuilder::shape(op.getFilter())[1], length);
  }

  int64_t batch, length, channels, taps;
  bool hasSpectrum;

  /// The filters' spectrum S (C, n/2 + 1) in the digit-reversed layout that
  /// toPermuted gives the transform of their taps zero-extended to n =
  /// prod(stages), scaled by `scale`: (R N / Nk, 2, Nk, T), where row r and
  /// trailing index t hold channel `channelOf(r, t)`. Bins above n/2 are
  /// conj(S[n - f]); the imaginary parts of bins 0 and n/2 are dropped, as
  /// irfft drops them. With a `pairOffset`, channel c and c + pairOffset
  /// are gathered as the spectrum of one complex filter (K + i M, i.e. K -
  /// Im M + i (Im K + Re M)), as multiplyPairedSpectra takes them. One
  /// gather per element, O(n) per channel: far less than the transform it
  /// replaces.
  Value spectrumPermuted(
      TensorBuilder &t, ArrayRef<int64_t> stages, int64_t rows,
      int64_t trailing, double scale, int64_t pairOffset,
      function_ref<Value(OpBuilder &, Location, Value, Value)> channelOf) {
    Value bins = op.getFilter();
    int64_t k = stages.size(), n = computeProduct(stages);
    // Loops (r, N1 .. N(k-1), plane, Nk, t): digit i at 1 + i, the last at
    // k + 1, the plane at k.
    SmallVector<int64_t> shape{rows};
    shape.append(stages.begin(), stages.end() - 1);
    shape.append({2, stages.back(), trailing});
    unsigned rank = shape.size();
    auto digitDim = [&](int64_t i) { return i < k - 1 ? 1 + i : k + 1; };
    Value gathered = t.generic(
        {}, t.empty(shape, acc), {t.identity(rank)}, rank, {},
        [&](OpBuilder &b, Location loc, ValueRange) -> SmallVector<Value> {
          auto cIndex = [&](int64_t v) -> Value {
            return arith::ConstantIndexOp::create(b, loc, v);
          };
          auto at = [&](int64_t d) -> Value {
            return linalg::IndexOp::create(b, loc, d);
          };
          // f = p1 + N1 (p2 + N2 (p3 + ...)).
          Value f = at(digitDim(k - 1));
          for (int64_t i = k - 2; i >= 0; --i)
            f = arith::AddIOp::create(
                b, loc, at(digitDim(i)),
                arith::MulIOp::create(b, loc, f, cIndex(stages[i])));
          Value upper = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                              f, cIndex(n / 2));
          Value bin = arith::SelectOp::create(
              b, loc, upper, arith::SubIOp::create(b, loc, cIndex(n), f), f);
          Value zero = TensorBuilder(b, loc).scalar(acc, 0.0);
          Value unpaired = arith::OrIOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bin,
                                    cIndex(0)),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, bin,
                                    cIndex(n / 2)));
          // One channel's bin f of the full spectrum, (re, im).
          auto binOf = [&](Value channel) -> std::pair<Value, Value> {
            Value s = tensor::ExtractOp::create(b, loc, bins,
                                                ValueRange{channel, bin});
            Value re = TensorBuilder::castFloat(
                b, loc, complex::ReOp::create(b, loc, s), acc);
            Value im = TensorBuilder::castFloat(
                b, loc, complex::ImOp::create(b, loc, s), acc);
            im = arith::SelectOp::create(
                b, loc, unpaired, zero,
                arith::SelectOp::create(b, loc, upper,
                                        arith::NegFOp::create(b, loc, im), im));
            return {re, im};
          };
          Value channel = channelOf(b, loc, at(0), at(rank - 1));
          auto [re, im] = binOf(channel);
          if (pairOffset) {
            auto [mRe, mIm] = binOf(
                arith::AddIOp::create(b, loc, channel, cIndex(pairOffset)));
            re = arith::SubFOp::create(b, loc, re, mIm);
            im = arith::AddFOp::create(b, loc, im, mRe);
          }
          Value isRe = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             at(k), cIndex(0));
          Value part = arith::SelectOp::create(b, loc, isRe, re, im);
          return {arith::MulFOp::create(
              b, loc, part, TensorBuilder(b, loc).scalar(acc, scale))};
        })[0];
    return t.reshape(gathered,
                     {rows * n / stages.back(), 2, stages.back(), trailing});
  }

  /// w = u * pregate in the accumulation type, (B, L, C).
  Value gatedInput() {
    Value u = op.getInput();
    Value pre = op.getPregate();
    if (!pre && TensorBuilder::elementType(u) == acc)
      return u;
    SmallVector<Value> ins{u};
    if (pre)
      ins.push_back(pre);
    SmallVector<AffineMap> maps(ins.size() + 1, tb.identity(3));
    return tb.generic(
        ins, tb.empty({batch, length, channels}, acc), maps, 3, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          Value w = TensorBuilder::castFloat(b, loc, a[0], acc);
          if (pre)
            w = arith::MulFOp::create(
                b, loc, w, TensorBuilder::castFloat(b, loc, a[1], acc));
          return {w};
        })[0];
  }

  /// The first K' taps by tap, in the accumulation type: (planes, K',
  /// C / planes), channel p C/planes + c at [p, :, c]. One plane is the
  /// (K', C) transpose; two are a channel pair's real and imaginary parts.
  Value filterByTap(int64_t planes = 1) {
    int64_t lanes = channels / planes;
    Value k = tb.slice(op.getFilter(), {0, 0}, {channels, taps});
    return tb.generic(
        k, tb.empty({planes, taps, lanes}, acc),
        {tb.map(3, {tb.dim(0) * lanes + tb.dim(2), tb.dim(1)}),
         tb.identity(3)},
        3, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          return {TensorBuilder::castFloat(b, loc, a[0], acc)};
        })[0];
  }

  /// y[b, l, c] = sum_j k[j, c] w[b, l - j, c], reducing over j.
  Value direct(Value w) {
    Value padded = tb.pad(w, {0, taps - 1, 0}, {0, 0, 0});
    // Loops (b, l, j, c): the channels innermost, contiguous in every
    // operand.
    return tb.generic(
        {padded, tb.reshape(filterByTap(), {taps, channels})},
        tb.zeros({batch, length, channels}, acc),
        {tb.map(4, {tb.dim(0), tb.dim(1) + (taps - 1) - tb.dim(2), tb.dim(3)}),
         tb.project(4, {2, 3}), tb.project(4, {0, 1, 3})},
        4, {2},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          Value prod = arith::MulFOp::create(b, loc, a[0], a[1]);
          return {arith::AddFOp::create(b, loc, a[2], prod)};
        })[0];
  }

  /// The FFT convolution on blocks of `block` outputs with FFT size n;
  /// returns the (B, L, C) causal convolution. With an even number of
  /// channels, channel c and c + C/2 travel as the real and imaginary parts
  /// of one complex signal (half the transforms); their spectra are
  /// separated in the product with the two filters.
  Value fft(Value w, int64_t n, int64_t block) {
    FftBuilder fb(tb, acc, options);
    SmallVector<int64_t> stages = *fftStages(n, options);
    int64_t blocks = (length + block - 1) / block;
    int64_t kept = blocks == 1 ? length : block + taps - 1;
    bool paired = channels % 2 == 0;
    int64_t lanes = paired ? channels / 2 : channels;
    // The channels trail every stage. With a vector of them (the radix is
    // about the vector lanes) every GEMM runs along whole vectors in any
    // stage order, so the largest stage goes first: it is the one that
    // contracts only the nonzero half of the zero-extended input.
    if (lanes >= options.radix)
      llvm::sort(stages, std::greater<int64_t>());
    // Blocks of inputs, each zero-extended to n by the first stage.
    Value data = tb.padHigh(w, {0, blocks * block - length, 0});
    if (paired) {
      data = tb.reshape(data, {batch * blocks, block, 2, lanes});
      data = tb.transpose(data, {0, 2, 1, 3});
    } else {
      data = tb.reshape(data, {batch * blocks, 1, block, channels});
    }
    Value spectrum = fb.toPermuted(data, stages, -1, 1.0);
    // The filters' spectrum (1/n folded in; paired channels: of channel c +
    // i channel c + C/2, with multiplyPairedSpectra's scale).
    double scale = (paired ? FftBuilder::pairedFilterScale : 1.0) /
                   static_cast<double>(n);
    int64_t planes = paired ? 2 : 1;
    Value kernelSpectrum;
    if (hasSpectrum) {
      kernelSpectrum = spectrumPermuted(
          tb, stages, 1, lanes, scale, paired ? lanes : 0,
          [](OpBuilder &, Location, Value, Value t) { return t; });
    } else {
      Value kernel =
          tb.reshape(filterByTap(planes), {1, planes, taps, lanes});
      kernelSpectrum = fb.toPermuted(kernel, stages, -1, scale);
    }
    Value y;
    if (paired) {
      Value product = fb.multiplyPairedSpectra(spectrum, kernelSpectrum, stages);
      y = fb.fromPermuted(product, batch * blocks, stages, +1, 1.0, kept,
                          /*realOut=*/false);
      // (B blocks, 2, kept, C/2) -> (B blocks, kept, C).
      y = tb.transpose(y, {0, 2, 1, 3});
      y = tb.reshape(y, {batch * blocks, 1, kept, channels});
    } else {
      Value product = fb.multiplySpectra(spectrum, kernelSpectrum);
      y = fb.fromPermuted(product, batch * blocks, stages, +1, 1.0, kept,
                          /*realOut=*/true);
    }
    if (blocks == 1)
      return tb.reshape(y, {batch, length, channels});
    // Overlap-add: the K' - 1 outputs past each block go to the next one.
    y = tb.reshape(y, {batch, blocks, kept, channels});
    Value head = tb.slice(y, {0, 0, 0, 0}, {batch, blocks, block, channels});
    if (taps == 1)
      return tb.slice(tb.reshape(head, {batch, blocks * block, channels}),
                      {0, 0, 0}, {batch, length, channels});
    Value tails =
        tb.slice(y, {0, 0, block, 0}, {batch, blocks - 1, taps - 1, channels});
    Value shifted = tb.insert(
        tails, tb.zeros({batch, blocks, block, channels}, acc), {0, 1, 0, 0});
    Value sum = tb.generic(
        {head, shifted}, tb.empty({batch, blocks, block, channels}, acc),
        {tb.identity(4), tb.identity(4), tb.identity(4)}, 4, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          return {arith::AddFOp::create(b, loc, a[0], a[1])};
        })[0];
    sum = tb.reshape(sum, {batch, blocks * block, channels});
    return tb.slice(sum, {0, 0, 0}, {batch, length, channels});
  }

  /// The whole-sequence FFT convolution (size n) with the channel pairs as
  /// rows: (B, L, C) -> (B C/2, 2, L), channel c and c + C/2 the planes of
  /// row c. Blocks of `rowsPerBlock` rows (dividing C/2) run the forward
  /// stages, the product with their pairs' filter spectra and the inverse
  /// stages in an scf.forall, each block in one core's cache.
  Value fftRows(Value w, int64_t n, int64_t rowsPerBlock) {
    SmallVector<int64_t> stages = *fftStages(n, options);
    int64_t pairs = channels / 2, rows = batch * pairs;
    Value data = tb.transpose(tb.reshape(w, {batch, length, 2, pairs}),
                              {0, 3, 2, 1});
    data = tb.reshape(data, {rows, 2, length, 1});

    Value filters = hasSpectrum
                        ? Value()
                        : tb.slice(op.getFilter(), {0, 0}, {channels, taps});
    Value y = tb.forall(
        {rows / rowsPerBlock}, tb.empty({rows, 2, length, 1}, acc),
        [&](TensorBuilder &t, ValueRange ivs, ValueRange shared)
            -> SmallVector<TensorBuilder::ParallelInsert> {
          FftBuilder inner(t, acc, options);
          Value first = t.affineIndex(ivs[0], rowsPerBlock);
          Value x = t.sliceAt(data, {first, t.index(0), t.index(0), t.index(0)},
                              t.sizes({rowsPerBlock, 2, length, 1}));
          Value spectrum = inner.toPermuted(x, stages, -1, 1.0);
          // The block's filter pairs (channel j + i channel j + C/2, j the
          // block's pairs), transformed here while the block is in cache,
          // 1/n and multiplyPairedSpectra's scale folded in.
          double scale =
              FftBuilder::pairedFilterScale / static_cast<double>(n);
          AffineExpr d0 = t.dim(0);
          Value channel = affine::AffineApplyOp::create(
              t.b, t.loc, AffineMap::get(1, 0, (d0 * rowsPerBlock) % pairs),
              ValueRange{ivs[0]});
          Value filterPairs;
          if (hasSpectrum) {
            filterPairs = spectrumPermuted(
                t, stages, rowsPerBlock, 1, scale, pairs,
                [&](OpBuilder &b, Location loc, Value row, Value) -> Value {
                  return arith::AddIOp::create(b, loc, channel, row);
                });
          } else {
            auto rowsFrom = [&](int64_t offset) {
              Value first = affine::AffineApplyOp::create(
                  t.b, t.loc, AffineMap::get(1, 0, t.dim(0) + offset),
                  ValueRange{channel});
              return t.sliceAt(filters, {first, t.index(0)},
                               t.sizes({rowsPerBlock, taps}));
            };
            // (rows, taps) twice -> (rows, 2, taps) in the accumulation type.
            AffineMap rowTap = t.map(3, {t.dim(0), t.dim(2)});
            Value pairsOfRows = t.generic(
                {rowsFrom(0), rowsFrom(pairs)},
                t.empty({rowsPerBlock, 2, taps}, acc),
                {rowTap, rowTap, t.identity(3)}, 3, {},
                [&](OpBuilder &b, Location loc, ValueRange a) {
                  return SmallVector<Value>{TensorBuilder::pickByIndex(
                      b, loc, 1, TensorBuilder::castFloat(b, loc, a[0], acc),
                      TensorBuilder::castFloat(b, loc, a[1], acc))};
                })[0];
            filterPairs = inner.toPermuted(
                t.reshape(pairsOfRows, {rowsPerBlock, 2, taps, 1}), stages, -1,
                scale);
          }
          Value product =
              inner.multiplyPairedSpectra(spectrum, filterPairs, stages);
          Value out = inner.fromPermuted(product, rowsPerBlock, stages, +1,
                                         1.0, length, /*realOut=*/false);
          return {{out,
                   {first, t.b.getIndexAttr(0), t.b.getIndexAttr(0),
                    t.b.getIndexAttr(0)},
                   t.sizes({rowsPerBlock, 2, length, 1})}};
        })[0];
    // (B C/2, 2, L) -> (B, L, 2, C/2) = (B, L, C).
    y = tb.transpose(tb.reshape(y, {batch, pairs, 2, length}), {0, 3, 2, 1});
    return tb.reshape(y, {batch, length, channels});
  }

  /// The circular convolution of size n with a spectrum of non-smooth size
  /// (no Monarch stages): natural-order transforms (Bluestein's algorithm)
  /// of each (batch, channel) row, the product, the inverse, the first L.
  Value fftNatural(Value w, int64_t n) {
    FftBuilder fb(tb, acc, options);
    int64_t rows = batch * channels;
    Value data = tb.transpose(w, {0, 2, 1});
    data = tb.padHigh(tb.reshape(data, {rows, 1, length}), {0, 0, n - length});
    Value transformed = fb.transform(data, -1, 1.0, /*realOut=*/false);
    // One stage of n points is the natural order: (C, 2, n, 1).
    Value kernel = spectrumPermuted(
        tb, {n}, channels, 1, 1.0 / static_cast<double>(n), /*pairOffset=*/0,
        [](OpBuilder &, Location, Value row, Value) { return row; });
    Value product =
        fb.multiplySpectra(tb.reshape(transformed, {rows, 2, n, 1}), kernel);
    Value y = fb.transform(tb.reshape(product, {rows, 2, n}), +1, 1.0,
                           /*realOut=*/true);
    y = tb.slice(y, {0, 0, 0}, {rows, 1, length});
    return tb.transpose(tb.reshape(y, {batch, channels, length}), {0, 2, 1});
  }

  /// out = (conv + D * w) * postgate in the output's element type.
  Value epilogue(Value conv, Value w) {
    Value skip = op.getSkip(), post = op.getPostgate();
    SmallVector<Value> ins{conv};
    SmallVector<AffineMap> maps{tb.identity(3)};
    if (skip) {
      ins.append({w, skip});
      maps.append({tb.identity(3), tb.project(3, {2})});
    }
    if (post) {
      ins.push_back(post);
      maps.push_back(tb.identity(3));
    }
    maps.push_back(tb.identity(3));
    Type outType = TensorBuilder::elementType(op.getOuts()[0]);
    return tb.generic(
        ins, op.getOuts()[0], maps, 3, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          Value y = a[0];
          unsigned next = 1;
          if (skip) {
            Value d = TensorBuilder::castFloat(b, loc, a[2], acc);
            y = arith::AddFOp::create(b, loc, y,
                                      arith::MulFOp::create(b, loc, d, a[1]));
            next = 3;
          }
          if (post)
            y = arith::MulFOp::create(
                b, loc, y, TensorBuilder::castFloat(b, loc, a[next], acc));
          return {TensorBuilder::castFloat(b, loc, y, outType)};
        })[0];
  }

private:
  LongConvOp op;
  TensorBuilder &tb;
  FloatType acc;
  FftOptions options;
};

struct SeqDecomposeLongConvPass
    : public seq::impl::SeqDecomposeLongConvBase<SeqDecomposeLongConvPass> {
  using Base::Base;

  /// Channel-pair rows per block for fftRows, or 0 to keep the channels
  /// last: a whole-sequence FFT of paired channels and at least two rows;
  /// blocks divide the pairs (two blocks at least for one batch row).
  int64_t pairRowsPerBlock(const LongConvRewriter &lc, const ConvPlan &plan,
                           FloatType acc) {
    int64_t pairs = lc.channels / 2;
    if (cacheBytes <= 0 || lc.channels % 2 != 0 || plan.block != lc.length ||
        lc.batch * pairs < 2)
      return 0;
    return rowsPerCacheBlock(pairs, plan.fftSize, acc.getWidth() / 8,
                             cacheBytes, lc.batch == 1 ? pairs / 2 : pairs);
  }

  void runOnOperation() override {
    if (radix < 2 || maxStage < 2 || directTapCost <= 0 || blockSize < 0) {
      getOperation()->emitError()
          << "seq-decompose-long-conv: radix and max-stage must be at least "
             "2, direct-tap-cost positive and block-size non-negative";
      return signalPassFailure();
    }
    // Pair rows outgrowing the cache are cut into sub-rows after their
    // first stage (four-step).
    FftOptions options{radix, std::max<int64_t>(maxStage, radix),
                       std::max<int64_t>(cacheBytes, 0), conjugatePairs};
    // Only stages of the full radix pair here: the paired combine of an 8-
    // point stage costs the convolution more than its halved GEMM saves
    // (64 channels, minima: 4K 2.7 -> 2.3 ms, 8K 6.0 -> 5.6; 16K and up
    // unchanged), while the FFT alone gains from it (128 x 1K: 0.23 -> 0.20).
    options.minPairStage = std::max<int64_t>(kMinPairStage, radix);
    SmallVector<LongConvOp> ops;
    getOperation()->walk([&](LongConvOp op) { ops.push_back(op); });
    for (LongConvOp op : ops) {
      SmallVector<Value> operands(op->getOperands());
      // Empty tensors (a zero dimension anywhere) have nothing to compute:
      // the reference lowering's loops do not run.
      if (!allStatic(operands) || hasEmptyTensor(operands))
        continue;
      IRRewriter rewriter(op);
      TensorBuilder tb(rewriter, op.getLoc());
      FloatType acc = widestAccumulationFloat(operands);
      LongConvRewriter lc(op, tb, acc, options);
      // A spectrum fixes the transform: one block of size n.
      ConvPlan plan =
          lc.hasSpectrum
              ? ConvPlan{false, lc.taps, lc.length}
              : choosePlan(op.getMethod(), lc.length, lc.taps, lc.batch,
                           lc.channels % 2 == 0, options, directTapCost,
                           blockSize);
      Value w = lc.gatedInput();
      Value conv;
      if (lc.hasSpectrum && !fftStages(plan.fftSize, options))
        conv = lc.fftNatural(w, plan.fftSize);
      else if (plan.direct)
        conv = lc.direct(w);
      else if (int64_t rows = pairRowsPerBlock(lc, plan, acc))
        conv = lc.fftRows(w, plan.fftSize, rows);
      else
        conv = lc.fft(w, plan.fftSize, plan.block);
      rewriter.replaceOp(op, lc.epilogue(conv, w));
    }
  }
};

} // namespace
