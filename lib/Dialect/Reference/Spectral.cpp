//===- Spectral.cpp - reference of the FFT ops and seq.long_conv ----------===//
//
// seq.fft, seq.ifft, seq.rfft, seq.irfft and seq.long_conv as scalar loops,
// one row (FFTs: a leading index; long_conv: a (batch, channel) pair) per
// iteration point.
//
// The transforms are direct O(N^2) DFTs per row of the last dimension, valid
// for every N >= 1. The twiddles exp(±2πi t/N) are tabulated once per op in
// f64 (then rounded to the accumulation type), and each row indexes the table
// with t = n·k mod N, kept exact in integer arithmetic by adding k (or n) per
// step and subtracting N on overflow. So no angle ever grows with N.
//
// seq.long_conv is the direct causal sum for every `method`: the FFT form
// (zero-padded to 2L) belongs to the tiled path's decompositions.
//
//===----------------------------------------------------------------------===//

#include "ReferenceUtils.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::seq;
using namespace mlir::seq::reference;

namespace {

/// The table tw[t] = exp(sign·2πi·t/N), t in [0, N), split in real and
/// imaginary scratch buffers of the accumulation type. They are not freed
/// here: seq-to-cpu's ownership-based deallocation inserts the frees, and it
/// rejects IR that already contains memref.dealloc.
struct Twiddles {
  Value re, im;
};

} // namespace

/// Tabulates the twiddles. The angle is formed in f64 from the exact residue
/// t, mapped to t − N when t > N/2 so that |angle| ≤ π.
static Twiddles buildTwiddles(OpBuilder &b, Location loc, Value n, double sign,
                              FloatType acc) {
  Twiddles tw{allocScratch(b, loc, {n}, acc), allocScratch(b, loc, {n}, acc)};
  Type i64 = b.getI64Type();
  Type f64 = b.getF64Type();
  Value nI64 = arith::IndexCastOp::create(b, loc, i64, n);
  Value nF64 = arith::SIToFPOp::create(b, loc, f64, nI64);
  Value twoPi = floatConst(b, loc, f64, sign * 2.0 * llvm::numbers::pi);
  forEach(b, loc, {n}, [&](OpBuilder &b, Location loc, ValueRange ivs) {
    Value t = arith::IndexCastOp::create(b, loc, i64, ivs[0]);
    Value twice = arith::AddIOp::create(b, loc, t, t);
    Value upper =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, twice, nI64);
    Value wrapped = arith::SubIOp::create(b, loc, t, nI64);
    Value centered = arith::SelectOp::create(b, loc, upper, wrapped, t);
    Value ratio = arith::DivFOp::create(
        b, loc, arith::SIToFPOp::create(b, loc, f64, centered), nF64);
    Value angle = arith::MulFOp::create(b, loc, ratio, twoPi);
    storeAs(b, loc, math::CosOp::create(b, loc, angle), tw.re, ivs);
    storeAs(b, loc, math::SinOp::create(b, loc, angle), tw.im, ivs);
  });
  return tw;
}

/// (t + step) mod n for t, step in [0, n): one conditional subtraction.
static Value addMod(OpBuilder &b, Location loc, Value t, Value step, Value n) {
  Value sum = arith::AddIOp::create(b, loc, t, step);
  Value wraps =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, sum, n);
  Value reduced = arith::SubIOp::create(b, loc, sum, n);
  return arith::SelectOp::create(b, loc, wraps, reduced, sum);
}

/// The factor s of `norm` for a transform of length n, or null when s = 1.
/// Formed in f64 and rounded once to `acc`.
static Value normScale(OpBuilder &b, Location loc, FftNorm norm, bool inverse,
                       Value n, FloatType acc) {
  bool unscaled = norm == FftNorm::backward  ? !inverse
                  : norm == FftNorm::forward ? inverse
                                             : false;
  if (unscaled)
    return Value();
  Type f64 = b.getF64Type();
  Value size = arith::SIToFPOp::create(
      b, loc, f64, arith::IndexCastOp::create(b, loc, b.getI64Type(), n));
  if (norm == FftNorm::ortho)
    size = math::SqrtOp::create(b, loc, size);
  Value scale =
      arith::DivFOp::create(b, loc, floatConst(b, loc, f64, 1.0), size);
  return castFloat(b, loc, scale, acc);
}

static Value scaled(OpBuilder &b, Location loc, Value value, Value scale) {
  return scale ? arith::MulFOp::create(b, loc, value, scale) : value;
}

/// The index of element `last` of the row at leading indices `row`.
static SmallVector<Value> rowIndices(ValueRange row, Value last) {
  SmallVector<Value> indices(row);
  indices.push_back(last);
  return indices;
}

/// out[..., k] = s · Σ_n x[..., n] · exp(sign·2πi·nk/N) for k < out's last
/// dimension; x is real (rfft) or complex (fft, ifft), N its last dimension.
static std::unique_ptr<ReferenceImplementation>
prepareDft(OpBuilder &builder, Location loc, Value in, Value out, double sign,
           FftNorm norm, bool inverse) {
  FloatType acc = accumulationType(getElementTypeOrSelf(out.getType()));
  bool complexInput = isa<ComplexType>(getElementTypeOrSelf(in.getType()));
  int64_t last = cast<ShapedType>(in.getType()).getRank() - 1;
  Value n = dimSize(builder, loc, in, last);
  Value bins = dimSize(builder, loc, out, last);
  Twiddles tw = buildTwiddles(builder, loc, n, sign, acc);
  Value scale = normScale(builder, loc, norm, inverse, n, acc);
  Value zero = floatConst(builder, loc, acc, 0.0);
  Value c0 = indexConst(builder, loc, 0);
  Type complexAcc = ComplexType::get(acc);

  return pointwise([=](OpBuilder &b, Location loc, ValueRange row) {
    forEach(b, loc, bins, [&](OpBuilder &b, Location loc, ValueRange kRange) {
      Value k = kRange[0];
      ValueRange sums =
          forLoop(b, loc, c0, n, {zero, zero, c0},
                  [&](OpBuilder &b, Location loc, Value i, ValueRange iter) {
                    SmallVector<Value> at = rowIndices(row, i);
                    Value c = memref::LoadOp::create(b, loc, tw.re, iter[2]);
                    Value s = memref::LoadOp::create(b, loc, tw.im, iter[2]);
                    Value re, im;
                    if (complexInput) {
                      Value x = loadAs(b, loc, in, at, complexAcc);
                      Value xr = complex::ReOp::create(b, loc, x);
                      Value xi = complex::ImOp::create(b, loc, x);
                      // (xr + i xi)(c + i s)
                      re = arith::SubFOp::create(
                          b, loc, arith::MulFOp::create(b, loc, xr, c),
                          arith::MulFOp::create(b, loc, xi, s));
                      im = arith::AddFOp::create(
                          b, loc, arith::MulFOp::create(b, loc, xr, s),
                          arith::MulFOp::create(b, loc, xi, c));
                    } else {
                      Value xr = loadAs(b, loc, in, at, acc);
                      re = arith::MulFOp::create(b, loc, xr, c);
                      im = arith::MulFOp::create(b, loc, xr, s);
                    }
                    return SmallVector<Value>{
                        arith::AddFOp::create(b, loc, iter[0], re),
                        arith::AddFOp::create(b, loc, iter[1], im),
                        addMod(b, loc, iter[2], k, n)};
                  });
      Value re = scaled(b, loc, sums[0], scale);
      Value im = scaled(b, loc, sums[1], scale);
      storeAs(b, loc, complex::CreateOp::create(b, loc, complexAcc, re, im),
              out, rowIndices(row, k));
    });
  });
}

// The inverse transform takes the conjugate twiddles.
std::unique_ptr<ReferenceImplementation>
FftOp::prepareReference(OpBuilder &b) {
  return prepareDft(b, getLoc(), getInput(), getOuts()[0], /*sign=*/-1.0,
                    getNorm(), /*inverse=*/false);
}
std::unique_ptr<ReferenceImplementation>
IfftOp::prepareReference(OpBuilder &b) {
  return prepareDft(b, getLoc(), getInput(), getOuts()[0], /*sign=*/1.0,
                    getNorm(), /*inverse=*/true);
}
std::unique_ptr<ReferenceImplementation>
RfftOp::prepareReference(OpBuilder &b) {
  return prepareDft(b, getLoc(), getInput(), getOuts()[0], /*sign=*/-1.0,
                    getNorm(), /*inverse=*/false);
}

namespace {
/// Σ_{k<M} w_k·Re(X[row, k] e^{2πi·pos·k/N}), the unscaled inverse real
/// transform at `pos` of the M stored bins of row `row` (X Hermitian-extended
/// to N points): bins k and N−k pair into 2·Re(X[k] e^{2πi·pos·k/N}) (w_k =
/// 2); bin 0 and, for even N, bin N/2 have no partner, count once, and only
/// their real part enters. `tw` holds exp(+2πi t/N).
struct HermitianSum {
  /// The constants, built once where the op's shared work is.
  HermitianSum(OpBuilder &b, Location loc, Value n, FloatType acc)
      : n(n), acc(acc), tw(buildTwiddles(b, loc, n, /*sign=*/1.0, acc)),
        zero(floatConst(b, loc, acc, 0.0)), one(floatConst(b, loc, acc, 1.0)),
        two(floatConst(b, loc, acc, 2.0)), c0(indexConst(b, loc, 0)) {}

  Value operator()(OpBuilder &b, Location loc, Value in, ValueRange row,
                   Value bins, Value pos) const;

  Value n;
  FloatType acc;
  Twiddles tw;
  Value zero, one, two, c0;
};
} // namespace

Value HermitianSum::operator()(OpBuilder &b, Location loc, Value in,
                               ValueRange row, Value bins, Value pos) const {
  Type complexAcc = ComplexType::get(acc);
  return forLoop(
      b, loc, c0, bins, {zero, c0},
      [&](OpBuilder &b, Location loc, Value k, ValueRange iter) {
        Value x = loadAs(b, loc, in, rowIndices(row, k), complexAcc);
        Value xr = complex::ReOp::create(b, loc, x);
        Value xi = complex::ImOp::create(b, loc, x);
        Value isDc =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k, c0);
        Value isNyquist =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                  arith::AddIOp::create(b, loc, k, k), n);
        Value unpaired = arith::OrIOp::create(b, loc, isDc, isNyquist);
        xi = arith::SelectOp::create(b, loc, unpaired, zero, xi);
        Value weight = arith::SelectOp::create(b, loc, unpaired, one, two);
        Value c = memref::LoadOp::create(b, loc, tw.re, iter[1]);
        Value s = memref::LoadOp::create(b, loc, tw.im, iter[1]);
        // Re((xr + i xi)(c + i s)) = xr c − xi s
        Value re =
            arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, xr, c),
                                  arith::MulFOp::create(b, loc, xi, s));
        Value term = arith::MulFOp::create(b, loc, weight, re);
        return SmallVector<Value>{arith::AddFOp::create(b, loc, iter[0], term),
                                  addMod(b, loc, iter[1], pos, n)};
      })[0];
}

/// x[..., n] = s · Σ_{k<N} X[..., k] e^{2πi nk/N} with X Hermitian-extended
/// from its M = N/2+1 stored bins.
std::unique_ptr<ReferenceImplementation>
IrfftOp::prepareReference(OpBuilder &builder) {
  Location loc = getLoc();
  Value in = getInput(), out = getOuts()[0];
  FloatType acc = accumulationType(getElementTypeOrSelf(out.getType()));
  int64_t last = cast<ShapedType>(out.getType()).getRank() - 1;
  Value n = dimSize(builder, loc, out, last);
  Value bins = dimSize(builder, loc, in, last);
  HermitianSum hermitianSum(builder, loc, n, acc);
  Value scale = normScale(builder, loc, getNorm(), /*inverse=*/true, n, acc);

  return pointwise([=](OpBuilder &b, Location loc, ValueRange row) {
    forEach(b, loc, n, [&](OpBuilder &b, Location loc, ValueRange posRange) {
      Value pos = posRange[0];
      Value sum = hermitianSum(b, loc, in, row, bins, pos);
      storeAs(b, loc, scaled(b, loc, sum, scale), out, rowIndices(row, pos));
    });
  });
}

/// y[b,l,c] = (Σ_{j ≤ min(l, K−1)} k[c,j]·w[b,l−j,c] + D[c]·w[b,l,c])
///            · postgate[b,l,c],   w = u · pregate.
/// Always the direct sum, whatever `method` says: this is the reference.
/// A spectrum S (C, F) is first turned into its n = 2(F−1) taps
/// k = irfft(S, n) (once per op, O(C n F)); the sum is then the circular
/// one, y[b,l,c] = Σ_{m<L} k[c, (l−m) mod n]·w[b,m,c].
std::unique_ptr<ReferenceImplementation>
LongConvOp::prepareReference(OpBuilder &builder) {
  Location loc = getLoc();
  Value out = getOuts()[0];
  Value u = getInput(), filter = getFilter(), skip = getSkip(),
        pregate = getPregate(), postgate = getPostgate();
  FloatType acc = accumulationType(getElementTypeOrSelf(out.getType()));
  Value length = dimSize(builder, loc, u, 1);
  Value taps = dimSize(builder, loc, filter, 1);
  Value zero = floatConst(builder, loc, acc, 0.0);
  Value c0 = indexConst(builder, loc, 0);
  Value c1 = indexConst(builder, loc, 1);
  bool spectrum = hasFilterSpectrum();
  Value n, circularTaps;
  if (spectrum) {
    Value bins = taps;
    n = arith::MulIOp::create(builder, loc,
                              arith::SubIOp::create(builder, loc, bins, c1),
                              indexConst(builder, loc, 2));
    HermitianSum hermitianSum(builder, loc, n, acc);
    Value scale = normScale(builder, loc, FftNorm::backward, /*inverse=*/true,
                            n, acc);
    Value channels = dimSize(builder, loc, filter, 0);
    circularTaps = allocScratch(builder, loc, {channels, n}, acc);
    forEach(builder, loc, {channels, n},
            [&](OpBuilder &b, Location loc, ValueRange cj) {
              Value sum = hermitianSum(b, loc, filter, cj[0], bins, cj[1]);
              storeAs(b, loc, scaled(b, loc, sum, scale), circularTaps, cj);
            });
  }

  return pointwise([=](OpBuilder &b, Location loc, ValueRange bc) {
    Value batch = bc[0], channel = bc[1];
    forEach(b, loc, length, [&](OpBuilder &b, Location loc, ValueRange l) {
      Value pos = l[0];
      SmallVector<Value> at{batch, pos, channel};
      // The gated input w[b, l', c], in the accumulation type.
      auto gated = [&](OpBuilder &b, Location loc, Value time) {
        SmallVector<Value> index{batch, time, channel};
        Value w = loadAs(b, loc, u, index, acc);
        if (pregate)
          w = arith::MulFOp::create(b, loc, w,
                                    loadAs(b, loc, pregate, index, acc));
        return w;
      };
      Value y;
      if (spectrum) {
        // Every input m < L, tap (l − m) mod n (a true modulo: with
        // dynamic shapes nothing guarantees n >= L).
        y = forLoop(
            b, loc, c0, length, {zero},
            [&](OpBuilder &b, Location loc, Value m, ValueRange iter) {
              Value rem = arith::RemSIOp::create(
                  b, loc, arith::SubIOp::create(b, loc, pos, m), n);
              Value negative = arith::CmpIOp::create(
                  b, loc, arith::CmpIPredicate::slt, rem, c0);
              Value tap = arith::SelectOp::create(
                  b, loc, negative, arith::AddIOp::create(b, loc, rem, n), rem);
              Value kj = memref::LoadOp::create(b, loc, circularTaps,
                                                ValueRange{channel, tap});
              Value prod =
                  arith::MulFOp::create(b, loc, kj, gated(b, loc, m));
              return SmallVector<Value>{
                  arith::AddFOp::create(b, loc, iter[0], prod)};
            })[0];
      } else {
        // Causal taps j < min(l + 1, K); taps past l see no input.
        Value ub = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, pos, c1), taps);
        y = forLoop(
            b, loc, c0, ub, {zero},
            [&](OpBuilder &b, Location loc, Value j, ValueRange iter) {
              Value kj = loadAs(b, loc, filter, {channel, j}, acc);
              Value w = gated(b, loc, arith::SubIOp::create(b, loc, pos, j));
              Value prod = arith::MulFOp::create(b, loc, kj, w);
              return SmallVector<Value>{
                  arith::AddFOp::create(b, loc, iter[0], prod)};
            })[0];
      }
      if (skip) {
        Value d = loadAs(b, loc, skip, {channel}, acc);
        y = arith::AddFOp::create(
            b, loc, y, arith::MulFOp::create(b, loc, d, gated(b, loc, pos)));
      }
      if (postgate)
        y = arith::MulFOp::create(b, loc, y,
                                  loadAs(b, loc, postgate, at, acc));
      storeAs(b, loc, y, out, at);
    });
  });
}
