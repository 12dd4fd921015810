//===- DecomposeFft.cpp - seq FFT ops as Monarch GEMM stages --------------===//
//
// seq.fft, seq.ifft, seq.rfft and seq.irfft with static shapes become the
// FFT stages of FftBuilder (DFT-matrix GEMMs and twiddle generics), with the
// complex <-> plane conversions and the real-input packing around them.
// Leading dimensions are flattened into one batch of rows.
//
//===----------------------------------------------------------------------===//

#include "FftBuilder.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <algorithm>
#include <cmath>

namespace mlir::seq {
#define GEN_PASS_DEF_SEQDECOMPOSEFFT
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {

/// The factor a norm applies to a transform of length n.
double normScale(FftNorm norm, bool inverse, int64_t n) {
  switch (norm) {
  case FftNorm::backward:
    return inverse ? 1.0 / static_cast<double>(n) : 1.0;
  case FftNorm::forward:
    return inverse ? 1.0 : 1.0 / static_cast<double>(n);
  case FftNorm::ortho:
    return 1.0 / std::sqrt(static_cast<double>(n));
  }
  llvm_unreachable("unknown norm");
}

/// Splits a length m into (m / s, s) with s a divisor close to sqrt(m), so
/// that tables indexed by k = kh s + kl stay small.
std::pair<int64_t, int64_t> splitLength(int64_t m) {
  if (m <= 4096)
    return {1, m};
  int64_t best = 1;
  for (int64_t s = 1; s * s <= m; ++s)
    if (m % s == 0)
      best = s;
  return {m / best, best};
}

class FftRewriter {
public:
  FftRewriter(TensorBuilder &tb, FloatType type, const FftOptions &options)
      : tb(tb), fb(tb, type, options), type(type) {}

  /// Rows (R, n) of complex elements as planes (R, 2, n).
  Value toPlanes(Value rows) {
    ArrayRef<int64_t> s = TensorBuilder::shape(rows);
    return tb.generic(
        rows, tb.empty({s[0], 2, s[1]}, type),
        {tb.project(3, {0, 2}), tb.identity(3)}, 3, {},
        [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
          Value re = complex::ReOp::create(b, loc, args[0]);
          Value im = complex::ImOp::create(b, loc, args[0]);
          return {TensorBuilder::pickByIndex(b, loc, 1, re, im)};
        })[0];
  }

  /// Planes (R, 2, >= n) to complex rows written into `dest` (R, n).
  Value fromPlanes(Value planes, Value dest) {
    auto cType = cast<ComplexType>(TensorBuilder::elementType(dest));
    ArrayRef<int64_t> s = TensorBuilder::shape(dest);
    planes = tb.slice(planes, {0, 0, 0}, {s[0], 2, s[1]});
    return tb.generic(
        {planes, planes}, dest,
        {tb.map(2, {tb.dim(0), tb.cst(0), tb.dim(1)}),
         tb.map(2, {tb.dim(0), tb.cst(1), tb.dim(1)}), tb.identity(2)},
        2, {},
        [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
          return {complex::CreateOp::create(b, loc, cType, args[0], args[1])};
        })[0];
  }

  /// fft / ifft: planes, transform, back to complex.
  Value complexTransform(Value x, Value dest, int sign, double scale) {
    Value y = fb.transform(toPlanes(x), sign, scale, /*realOut=*/false);
    return fromPlanes(y, dest);
  }

  /// rfft of real rows (R, n) into dest (R, n/2 + 1).
  Value rfft(Value x, Value dest, double scale) {
    ArrayRef<int64_t> s = TensorBuilder::shape(x);
    int64_t rows = s[0], n = s[1];
    if (n % 2) {
      Value y = fb.transform(tb.reshape(x, {rows, 1, n}), -1, scale, false);
      return fromPlanes(y, dest);
    }
    // z[j] = x[2j] + i x[2j+1]: a transpose of (R, M, 2) gives its planes.
    int64_t m = n / 2;
    Value z = tb.transpose(tb.reshape(x, {rows, m, 2}), {0, 2, 1});
    Value zf = fb.transform(z, -1, 1.0, false);
    // Zext[k] = Z[k mod M] for k <= M, so that k and M - k are affine reads.
    Value ext = tb.padHigh(zf, {0, 0, 1});
    ext = tb.insert(tb.slice(zf, {0, 0, 0}, {rows, 2, 1}), ext, {0, 0, m});

    // X[k] = s (E[k] + w_N^k O[k]), E = (Z[k] + conj Z[M-k]) / 2,
    // O = (Z[k] - conj Z[M-k]) / 2i, over k = kh S + kl < M; X[M] apart.
    auto [mh, ms] = splitLength(m);
    SmallVector<double> high(2 * mh), low(2 * ms);
    for (int64_t i = 0; i < mh; ++i)
      std::tie(high[i], high[mh + i]) = unitRoot(i * ms, n, -1);
    for (int64_t i = 0; i < ms; ++i)
      std::tie(low[i], low[ms + i]) = unitRoot(i, n, -1);
    Value highTable = tb.constant({2, mh}, type, high);
    Value lowTable = tb.constant({2, ms}, type, low);
    AffineExpr k = tb.dim(1) * ms + tb.dim(2);
    AffineExpr mk = tb.cst(m) - k;
    auto at = [&](int64_t plane, AffineExpr e) {
      return tb.map(3, {tb.dim(0), tb.cst(plane), e});
    };
    auto table = [&](int64_t plane, unsigned d) {
      return tb.map(3, {tb.cst(plane), tb.dim(d)});
    };
    auto cType = cast<ComplexType>(TensorBuilder::elementType(dest));
    Value s0 = tb.scalar(type, 0.5 * scale);
    Value body = tb.slice(dest, {0, 0}, {rows, m});
    body = tb.reshape(body, {rows, mh, ms});
    body = tb.generic(
        {ext, ext, ext, ext, highTable, highTable, lowTable, lowTable}, body,
        {at(0, k), at(1, k), at(0, mk), at(1, mk), table(0, 1), table(1, 1),
         table(0, 2), table(1, 2), tb.identity(3)},
        3, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          auto add = [&](Value x, Value y) {
            return arith::AddFOp::create(b, loc, x, y).getResult();
          };
          auto sub = [&](Value x, Value y) {
            return arith::SubFOp::create(b, loc, x, y).getResult();
          };
          auto mul = [&](Value x, Value y) {
            return arith::MulFOp::create(b, loc, x, y).getResult();
          };
          Value zr = a[0], zi = a[1], mr = a[2], mi = a[3];
          // w = w_N^{kh S} w_N^{kl}.
          Value wr = sub(mul(a[4], a[6]), mul(a[5], a[7]));
          Value wi = add(mul(a[4], a[7]), mul(a[5], a[6]));
          // 2E = (zr + mr, zi - mi); 2O = (zi + mi, mr - zr).
          Value er = add(zr, mr), ei = sub(zi, mi);
          Value orr = add(zi, mi), oi = sub(mr, zr);
          Value xr = add(er, sub(mul(wr, orr), mul(wi, oi)));
          Value xi = add(ei, add(mul(wr, oi), mul(wi, orr)));
          return {complex::CreateOp::create(b, loc, cType, mul(xr, s0),
                                            mul(xi, s0))};
        })[0];
    Value result = tb.insert(tb.reshape(body, {rows, m}), dest, {0, 0});
    // X[M] = s (Re Z[0] - Im Z[0]).
    Value nyquist = tb.generic(
        {zf, zf}, tb.empty({rows, 1}, cType),
        {tb.map(2, {tb.dim(0), tb.cst(0), tb.cst(0)}),
         tb.map(2, {tb.dim(0), tb.cst(1), tb.cst(0)}), tb.identity(2)},
        2, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          Value v = arith::MulFOp::create(
              b, loc, arith::SubFOp::create(b, loc, a[0], a[1]),
              TensorBuilder(b, loc).scalar(type, scale));
          return {complex::CreateOp::create(
              b, loc, cType, v, TensorBuilder(b, loc).scalar(type, 0.0))};
        })[0];
    return tb.insert(nyquist, result, {0, m});
  }

  /// irfft of complex rows (R, n/2 + 1) into real dest (R, n).
  Value irfft(Value x, Value dest, double scale) {
    int64_t rows = TensorBuilder::shape(dest)[0];
    int64_t n = TensorBuilder::shape(dest)[1];
    int64_t bins = TensorBuilder::shape(x)[1];
    if (n % 2) {
      // The Hermitian extension: X[k] for k < bins (imaginary part of bin 0
      // dropped), conj X[n - k] above.
      Value full = tb.empty({rows, 2, n}, type);
      Value low = tb.generic(
          x, tb.empty({rows, 2, bins}, type),
          {tb.project(3, {0, 2}), tb.identity(3)}, 3, {},
          [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
            Value plane = linalg::IndexOp::create(b, loc, 1);
            Value k = linalg::IndexOp::create(b, loc, 2);
            Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
            Value isRe = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                               plane, c0);
            Value isDc =
                arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k, c0);
            Value im = arith::SelectOp::create(
                b, loc, isDc, TensorBuilder(b, loc).scalar(type, 0.0),
                complex::ImOp::create(b, loc, a[0]));
            return {arith::SelectOp::create(
                b, loc, isRe, complex::ReOp::create(b, loc, a[0]), im)};
          })[0];
      full = tb.insert(low, full, {0, 0, 0});
      if (n > bins) {
        Value high = tb.generic(
            x, tb.empty({rows, 2, n - bins}, type),
            {tb.map(3, {tb.dim(0), tb.cst(n - bins) - tb.dim(2)}),
             tb.identity(3)},
            3, {},
            [&](OpBuilder &b, Location loc,
                ValueRange a) -> SmallVector<Value> {
              Value plane = linalg::IndexOp::create(b, loc, 1);
              Value isRe = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::eq, plane,
                  arith::ConstantIndexOp::create(b, loc, 0));
              Value im = arith::NegFOp::create(
                  b, loc, complex::ImOp::create(b, loc, a[0]));
              return {arith::SelectOp::create(
                  b, loc, isRe, complex::ReOp::create(b, loc, a[0]), im)};
            })[0];
        full = tb.insert(high, full, {0, 0, bins});
      }
      Value y = fb.transform(full, +1, scale, /*realOut=*/true);
      return copyInto(tb.reshape(y, {rows, n}), dest);
    }
    // Even n: Z[k] = (X[k] + conj X[M-k]) + i (X[k] - conj X[M-k]) w_N^{-k}
    // for k < M (the imaginary parts of X[0] and X[M] dropped), then
    // z = ifft_M(Z) unnormalized and x[2j] = Re z[j], x[2j+1] = Im z[j].
    int64_t m = n / 2;
    auto [mh, ms] = splitLength(m);
    SmallVector<double> high(2 * mh), low(2 * ms);
    for (int64_t i = 0; i < mh; ++i)
      std::tie(high[i], high[mh + i]) = unitRoot(i * ms, n, +1);
    for (int64_t i = 0; i < ms; ++i)
      std::tie(low[i], low[ms + i]) = unitRoot(i, n, +1);
    Value highTable = tb.constant({2, mh}, type, high);
    Value lowTable = tb.constant({2, ms}, type, low);
    // Loops (r, c, kh, kl).
    AffineExpr k = tb.dim(2) * ms + tb.dim(3);
    auto table = [&](int64_t plane, unsigned d) {
      return tb.map(4, {tb.cst(plane), tb.dim(d)});
    };
    Value s = tb.scalar(type, scale);
    Value packed = tb.generic(
        {x, x, highTable, highTable, lowTable, lowTable},
        tb.empty({rows, 2, mh, ms}, type),
        {tb.map(4, {tb.dim(0), k}), tb.map(4, {tb.dim(0), tb.cst(m) - k}),
         table(0, 2), table(1, 2), table(0, 3), table(1, 3), tb.identity(4)},
        4, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          auto add = [&](Value x, Value y) {
            return arith::AddFOp::create(b, loc, x, y).getResult();
          };
          auto sub = [&](Value x, Value y) {
            return arith::SubFOp::create(b, loc, x, y).getResult();
          };
          auto mul = [&](Value x, Value y) {
            return arith::MulFOp::create(b, loc, x, y).getResult();
          };
          Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
          Value zero = TensorBuilder(b, loc).scalar(type, 0.0);
          Value kh = linalg::IndexOp::create(b, loc, 2);
          Value kl = linalg::IndexOp::create(b, loc, 3);
          Value isDc = arith::AndIOp::create(
              b, loc,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kh, c0),
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, kl, c0));
          Value ar = complex::ReOp::create(b, loc, a[0]);
          Value ai = arith::SelectOp::create(
              b, loc, isDc, zero, complex::ImOp::create(b, loc, a[0]));
          Value cr = complex::ReOp::create(b, loc, a[1]);
          Value ci = arith::SelectOp::create(
              b, loc, isDc, zero, complex::ImOp::create(b, loc, a[1]));
          Value wr = sub(mul(a[2], a[4]), mul(a[3], a[5]));
          Value wi = add(mul(a[2], a[5]), mul(a[3], a[4]));
          // E = X[k] + conj X[M-k], D = X[k] - conj X[M-k], O = D w.
          Value er = add(ar, cr), ei = sub(ai, ci);
          Value dr = sub(ar, cr), di = add(ai, ci);
          Value orr = sub(mul(dr, wr), mul(di, wi));
          Value oi = add(mul(dr, wi), mul(di, wr));
          // Z = E + i O.
          Value zr = sub(er, oi), zi = add(ei, orr);
          Value plane = linalg::IndexOp::create(b, loc, 1);
          Value isRe = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             plane, c0);
          return {mul(arith::SelectOp::create(b, loc, isRe, zr, zi), s)};
        })[0];
    Value z = fb.transform(tb.reshape(packed, {rows, 2, m}), +1, 1.0, false);
    Value interleaved = tb.transpose(z, {0, 2, 1});
    return copyInto(tb.reshape(interleaved, {rows, n}), dest);
  }

  /// Copies `value` into `dest` of the same shape (a destination-passing
  /// result for the op's `outs`).
  Value copyInto(Value value, Value dest) {
    return tb.generic(
        value, dest, {tb.identity(2), tb.identity(2)}, 2, {},
        [&](OpBuilder &, Location, ValueRange a) -> SmallVector<Value> {
          return {a[0]};
        })[0];
  }

private:
  TensorBuilder &tb;
  FftBuilder fb;
  FloatType type;
};

/// Flattens the leading dimensions: (..., n) -> (R, n).
Value asRows(TensorBuilder &tb, Value v) {
  ArrayRef<int64_t> s = TensorBuilder::shape(v);
  int64_t rows = 1;
  for (int64_t d : s.drop_back())
    rows *= d;
  return tb.reshape(v, {rows, s.empty() ? 1 : s.back()});
}

/// Rows per block when the batch is cut into blocks that fit `blockBytes`
/// (0: not cut; at least two blocks). A block's stages keep about sixteen
/// copies of its planes live (each stage's GEMM output and combine, the
/// plane conversions, the transpose), so a block takes a quarter of what
/// rowsPerCacheBlock's four copies would (128 x 4096 FFT with a 1 MiB L2:
/// 2 rows a block instead of 8, 1.11 -> 0.99 ms).
int64_t rowsPerBlock(int64_t rows, int64_t length, FloatType type,
                     int64_t blockBytes) {
  if (blockBytes <= 0 || rows < 2)
    return 0;
  return rowsPerCacheBlock(rows, length, type.getWidth() / 8, blockBytes / 4,
                           rows / 2);
}

/// The transform of `op` on rows `x` (R, n) into `out`.
template <typename OpTy>
Value transformRows(OpTy op, FftRewriter &fr, Value x, Value out) {
  if constexpr (std::is_same_v<OpTy, FftOp>) {
    int64_t n = TensorBuilder::shape(x)[1];
    return fr.complexTransform(x, out, -1, normScale(op.getNorm(), false, n));
  } else if constexpr (std::is_same_v<OpTy, IfftOp>) {
    int64_t n = TensorBuilder::shape(x)[1];
    return fr.complexTransform(x, out, +1, normScale(op.getNorm(), true, n));
  } else if constexpr (std::is_same_v<OpTy, RfftOp>) {
    int64_t n = TensorBuilder::shape(x)[1];
    return fr.rfft(x, out, normScale(op.getNorm(), false, n));
  } else {
    int64_t n = TensorBuilder::shape(out)[1];
    return fr.irfft(x, out, normScale(op.getNorm(), true, n));
  }
}

template <typename OpTy>
LogicalResult rewrite(OpTy op, const FftOptions &options, int64_t blockBytes) {
  Value input = op.getInput(), dest = op.getOuts()[0];
  if (!allStatic({input, dest}) || hasEmptyTensor({input, dest}))
    return failure();
  IRRewriter rewriter(op);
  TensorBuilder tb(rewriter, op.getLoc());
  FloatType type = accumulationFloat(TensorBuilder::elementType(dest));
  Value x = asRows(tb, input), out = asRows(tb, dest);
  ArrayRef<int64_t> xShape = TensorBuilder::shape(x);
  ArrayRef<int64_t> outShape = TensorBuilder::shape(out);
  int64_t rows = xShape[0];
  int64_t length = std::max(xShape[1], outShape[1]);
  Value result;
  if (int64_t block = rowsPerBlock(rows, length, type, blockBytes)) {
    // One block of rows through all stages at a time, blocks in parallel.
    result = tb.forall(
        {rows / block}, out,
        [&](TensorBuilder &inner, ValueRange ivs, ValueRange shared)
            -> SmallVector<TensorBuilder::ParallelInsert> {
          Value first = inner.affineIndex(ivs[0], block);
          auto at = [&](Value v, int64_t width) {
            return inner.sliceAt(v, {first, inner.index(0)},
                                 inner.sizes({block, width}));
          };
          FftRewriter fr(inner, type, options);
          Value y = transformRows(op, fr, at(x, xShape[1]),
                                  at(shared[0], outShape[1]));
          return {{y,
                   {first, rewriter.getIndexAttr(0)},
                   inner.sizes({block, outShape[1]})}};
        })[0];
  } else {
    FftRewriter fr(tb, type, options);
    result = transformRows(op, fr, x, out);
  }
  result = tb.reshape(result, TensorBuilder::shape(dest));
  rewriter.replaceOp(op, result);
  return success();
}

struct SeqDecomposeFftPass
    : public seq::impl::SeqDecomposeFftBase<SeqDecomposeFftPass> {
  using Base::Base;

  void runOnOperation() override {
    if (radix < 2 || maxStage < 2) {
      getOperation()->emitError()
          << "seq-decompose-fft: radix and max-stage must be at least 2";
      return signalPassFailure();
    }
    // Rows outgrowing the block budget are also cut into sub-rows after
    // their first stage (four-step).
    FftOptions options{radix, std::max<int64_t>(maxStage, radix),
                       std::max<int64_t>(blockBytes, 0), conjugatePairs};
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<FftOp, IfftOp, RfftOp, IrfftOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      (void)TypeSwitch<Operation *, LogicalResult>(op)
          .Case<FftOp, IfftOp, RfftOp, IrfftOp>(
              [&](auto typed) { return rewrite(typed, options, blockBytes); });
  }
};

} // namespace
