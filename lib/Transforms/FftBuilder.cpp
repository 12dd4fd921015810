//===- FftBuilder.cpp - FFTs as stages of DFT-matrix GEMMs ----------------===//

#include "FftBuilder.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using namespace mlir::seq;

//===----------------------------------------------------------------------===//
// Plans
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> primeFactors(int64_t n) {
  SmallVector<int64_t> primes;
  for (int64_t p = 2; p * p <= n; ++p)
    while (n % p == 0) {
      primes.push_back(p);
      n /= p;
    }
  if (n > 1)
    primes.push_back(n);
  return primes;
}

std::optional<SmallVector<int64_t>>
mlir::seq::fftStages(int64_t n, const FftOptions &options) {
  SmallVector<int64_t> stages;
  if (n <= 1)
    return stages;
  int64_t radix = std::max<int64_t>(2, options.radix);
  int64_t twos = 0;
  SmallVector<int64_t> odd;
  for (int64_t p : primeFactors(n)) {
    if (p > options.maxStage)
      return std::nullopt;
    if (p == 2)
      ++twos;
    else
      odd.push_back(p);
  }
  // Odd primes, largest first, each joins the first stage it fits in
  // (product at most the radix) or starts a new one.
  llvm::sort(odd, std::greater<int64_t>());
  for (int64_t p : odd) {
    auto *fit =
        llvm::find_if(stages, [&](int64_t s) { return s * p <= radix; });
    if (fit != stages.end())
      *fit *= p;
    else
      stages.push_back(p);
  }
  // Factors of two first fill the odd stages up to the radix...
  for (int64_t &s : stages)
    while (twos > 0 && s * 2 <= radix) {
      s *= 2;
      --twos;
    }
  // ...then form balanced power-of-two stages of at most the radix.
  if (twos > 0) {
    int64_t perStage = std::max<int64_t>(1, llvm::Log2_64(radix));
    int64_t count = (twos + perStage - 1) / perStage;
    for (int64_t i = 0; i < count; ++i) {
      int64_t exponent = twos / count + (i < twos % count ? 1 : 0);
      stages.push_back(int64_t(1) << exponent);
    }
  }
  // Smallest first: the GEMM of stage j runs along the N / (N1 ... Nj)
  // points after its digit, so putting the large stages last keeps those
  // runs at least one full stage (a vector of lanes) long.
  llvm::sort(stages);
  return stages;
}

double mlir::seq::fftCostPerPoint(ArrayRef<int64_t> stages) {
  // A stage GEMM does 4 Nj real multiply-adds per complex point; a twiddle
  // multiply about 6 flops and a pass over memory, counted as 6.
  double cost = 0;
  for (int64_t s : stages)
    cost += 4.0 * s;
  if (!stages.empty())
    cost += 6.0 * (stages.size() - 1);
  return cost;
}

int64_t mlir::seq::fftGoodSize(int64_t minSize) {
  return static_cast<int64_t>(
      llvm::PowerOf2Ceil(static_cast<uint64_t>(std::max<int64_t>(minSize, 1))));
}

double mlir::seq::fftCostPerPoint(int64_t n, const FftOptions &options) {
  if (auto stages = fftStages(n, options))
    return fftCostPerPoint(*stages);
  // Bluestein: two forward transforms and one inverse of size m >= 2n - 1
  // (the chirp's spectrum counted once per call), three chirp products.
  int64_t m = fftGoodSize(2 * n - 1);
  return 3.0 * fftCostPerPoint(*fftStages(m, options)) * m / n + 18.0;
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

int64_t mlir::seq::rowsPerCacheBlock(int64_t rows, int64_t length,
                                     int64_t elementBytes, int64_t budget,
                                     int64_t maxRows) {
  int64_t rowBytes = std::max<int64_t>(4 * 2 * length * elementBytes, 1);
  int64_t limit = std::clamp<int64_t>(budget / rowBytes, 1,
                                      std::max<int64_t>(maxRows, 1));
  for (int64_t block = limit; block > 1; --block)
    if (rows % block == 0)
      return block;
  return 1;
}

std::pair<double, double> mlir::seq::unitRoot(int64_t e, int64_t n, int sign) {
  e %= n;
  if (e < 0)
    e += n;
  if (2 * e > n)
    e -= n;
  double angle =
      sign * 2.0 * M_PI * static_cast<double>(e) / static_cast<double>(n);
  return {std::cos(angle), std::sin(angle)};
}

Value FftBuilder::dftMatrix(int64_t n, int sign, double scale, int64_t rows,
                            int64_t cols, int64_t planesIn, int64_t planesOut,
                            bool transposed) {
  int64_t height = planesOut * rows, width = planesIn * cols;
  SmallVector<double> values(height * width);
  for (int64_t co = 0; co < planesOut; ++co)
    for (int64_t p = 0; p < rows; ++p)
      for (int64_t ci = 0; ci < planesIn; ++ci)
        for (int64_t a = 0; a < cols; ++a) {
          auto [re, im] = unitRoot(p * a, n, sign);
          // [[Fr, -Fi], [Fi, Fr]] acting on (re, im) planes.
          double v = co == ci ? re : (co == 0 ? -im : im);
          int64_t row = co * rows + p, col = ci * cols + a;
          if (transposed)
            values[col * height + row] = v * scale;
          else
            values[row * width + col] = v * scale;
        }
  if (transposed)
    return tb.constant({width, height}, type, values);
  return tb.constant({height, width}, type, values);
}

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//

Value FftBuilder::planeOf(Value x, int64_t dim, int64_t plane) {
  SmallVector<int64_t> offsets(TensorBuilder::shape(x).size(), 0);
  SmallVector<int64_t> sizes(TensorBuilder::shape(x));
  offsets[dim] = plane;
  sizes[dim] = 1;
  return tb.sliceDropping(x, offsets, sizes, {dim});
}

static int64_t product(ArrayRef<int64_t> values) {
  return std::accumulate(values.begin(), values.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

Value FftBuilder::gemm(Value x, int64_t height,
                       function_ref<Value(bool transposed)> matrix) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t r = shape[0], k = shape[1], w = shape[2];
  if (w == 1) {
    // The stage contracts the innermost dimension: one long GEMM over all
    // rows, x (R x K) times G^T (K x H).
    Value lhs = tb.reshape(x, {r, k});
    Value out = tb.matmul(lhs, matrix(/*transposed=*/true),
                          tb.zeros({r, height}, type));
    return tb.reshape(out, {r, height, 1});
  }
  Value g = matrix(/*transposed=*/false);
  if (r == 1) {
    Value rhs = tb.reshape(x, {k, w});
    Value out = tb.matmul(g, rhs, tb.zeros({height, w}, type));
    return tb.reshape(out, {1, height, w});
  }
  return tb.batchMatmulSharedLhs(g, x, tb.zeros({r, height, w}, type));
}

Value FftBuilder::realMatrix(int64_t rows, int64_t cols,
                             function_ref<double(int64_t p, int64_t a)> fn,
                             bool transposed) {
  SmallVector<double> values(rows * cols);
  for (int64_t p = 0; p < rows; ++p)
    for (int64_t a = 0; a < cols; ++a)
      values[transposed ? a * rows + p : p * cols + a] = fn(p, a);
  if (transposed)
    return tb.constant({cols, rows}, type, values);
  return tb.constant({rows, cols}, type, values);
}

Value FftBuilder::stageGemm(Value x, int64_t n, int sign, double scale,
                            int64_t rows, int64_t cols, int64_t planesIn,
                            int64_t planesOut) {
  return gemm(x, planesOut * rows, [&](bool transposed) {
    return dftMatrix(n, sign, scale, rows, cols, planesIn, planesOut,
                     transposed);
  });
}

/// The twiddle tables of a stage of `nj` points before `mj` inner points
/// grouped as `groups` (high to low): per group, its real and its imaginary
/// part as (nj x group) constants of their own (plain maps),
/// w_{nj mj}^{sign p m_i stride_i}.
static SmallVector<Value> twiddleTables(TensorBuilder &tb, FloatType type,
                                        int64_t nj, int64_t mj,
                                        ArrayRef<int64_t> groups, int sign) {
  SmallVector<Value> tables;
  int64_t stride = mj;
  for (int64_t group : groups) {
    stride /= group;
    SmallVector<double> re(nj * group), im(nj * group);
    for (int64_t p = 0; p < nj; ++p)
      for (int64_t m = 0; m < group; ++m)
        std::tie(re[p * group + m], im[p * group + m]) =
            unitRoot(p * m * stride, nj * mj, sign);
    tables.push_back(tb.constant({nj, group}, type, re));
    tables.push_back(tb.constant({nj, group}, type, im));
  }
  return tables;
}

/// (re, im) times the unit root (wr, wi) of each pair in `roots`; then the
/// plane loop `planeDim` picks the real (0) or the imaginary (1) part.
static Value rotateAndPick(OpBuilder &b, Location loc, Value re, Value im,
                           ValueRange roots, unsigned planeDim) {
  for (size_t i = 0; i + 1 < roots.size(); i += 2) {
    Value wr = roots[i], wi = roots[i + 1];
    Value nre =
        arith::SubFOp::create(b, loc, arith::MulFOp::create(b, loc, re, wr),
                              arith::MulFOp::create(b, loc, im, wi));
    Value nim =
        arith::AddFOp::create(b, loc, arith::MulFOp::create(b, loc, re, wi),
                              arith::MulFOp::create(b, loc, im, wr));
    re = nre;
    im = nim;
  }
  return TensorBuilder::pickByIndex(b, loc, planeDim, re, im);
}

/// Groups the inner digits (high to low) so that each twiddle table
/// (nj x group size) stays small; returns the group sizes.
static SmallVector<int64_t> twiddleGroups(int64_t nj, ArrayRef<int64_t> inner) {
  constexpr int64_t kTableEntries = 4096;
  int64_t limit = std::max<int64_t>(kTableEntries / nj, 1);
  SmallVector<int64_t> groups;
  for (int64_t digit : inner) {
    if (!groups.empty() && groups.back() * digit <= limit)
      groups.back() *= digit;
    else
      groups.push_back(digit);
  }
  return groups;
}

Value FftBuilder::twiddle(Value x, int64_t rows, int64_t nj,
                          ArrayRef<int64_t> inner, int64_t t, int sign,
                          bool forward) {
  int64_t mj = product(inner);
  SmallVector<int64_t> groups = twiddleGroups(nj, inner);
  int64_t g = groups.size();
  // Loops: (r, p, c, m_1 .. m_g, t); m = sum_i m_i stride_i.
  // No loop for a unit trailing batch: unit dimensions would end up inside
  // the vectors (vector<16x1xf32>) and be unrolled.
  bool hasT = t > 1;
  unsigned numLoops = 3 + g + (hasT ? 1 : 0);
  unsigned rDim = 0, pDim = 1, cDim = 2, tDim = 3 + g;
  SmallVector<int64_t> shapeIn, shapeOut;
  auto withInner = [&](SmallVector<int64_t> head) {
    head.append(groups.begin(), groups.end());
    if (hasT)
      head.push_back(t);
    return head;
  };
  if (forward) {
    shapeIn = withInner({rows, 2, nj});
    shapeOut = withInner({rows, nj, 2});
  } else {
    shapeIn = withInner({rows, nj, 2});
    shapeOut = withInner({rows, 2, nj});
  }
  Value in = tb.reshape(x, shapeIn);

  auto dataMap = [&](std::optional<AffineExpr> plane, bool planeFirst) {
    SmallVector<AffineExpr> exprs{tb.dim(rDim)};
    if (plane && planeFirst)
      exprs.push_back(*plane);
    exprs.push_back(tb.dim(pDim));
    if (plane && !planeFirst)
      exprs.push_back(*plane);
    for (int64_t i = 0; i < g; ++i)
      exprs.push_back(tb.dim(3 + i));
    if (hasT)
      exprs.push_back(tb.dim(tDim));
    return tb.map(numLoops, exprs);
  };

  // The planes as slices (views), so that every input map is a projected
  // permutation the vectorizer takes.
  int64_t planeDim = forward ? 1 : 2;
  SmallVector<Value> inputs{planeOf(in, planeDim, 0), planeOf(in, planeDim, 1)};
  SmallVector<AffineMap> maps{dataMap(std::nullopt, forward),
                              dataMap(std::nullopt, forward)};
  // One (nj x group) table per group and part: w_n^{sign p m_i stride_i}.
  for (Value table : twiddleTables(tb, type, nj, mj, groups, sign))
    inputs.push_back(table);
  for (int64_t i = 0; i < g; ++i)
    maps.append(2, tb.map(numLoops, {tb.dim(pDim), tb.dim(3 + i)}));
  maps.push_back(dataMap(tb.dim(cDim), !forward));
  Value init = tb.empty(shapeOut, type);
  Value out = tb.generic(
      inputs, init, maps, numLoops, {},
      [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
        return {rotateAndPick(b, loc, args[0], args[1],
                              args.slice(2, 2 * g), cDim)};
      })[0];
  return out;
}

int64_t FftBuilder::subRowGroup(int64_t rows, int64_t points,
                                int64_t t) const {
  int64_t elementBytes = FloatType(type).getWidth() / 8;
  if (options.cacheBytes <= 0 ||
      4 * 2 * rows * points * t * elementBytes <= options.cacheBytes)
    return 0;
  return rowsPerCacheBlock(rows, points * t, elementBytes, options.cacheBytes,
                           rows);
}

Value FftBuilder::toPermuted(Value x, ArrayRef<int64_t> stages, int sign,
                             double scale, bool realOut, bool skipLast) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t rows = shape[0], planes = shape[1], n = shape[2], t = shape[3];
  int64_t k = stages.size();
  assert(k > 0 && n <= product(stages) && "transform shorter than its input");
  int64_t nk = stages.back(), planesOut = realOut ? 1 : 2;
  Value d = x;
  for (int64_t j = 0; j < k; ++j) {
    int64_t nj = stages[j];
    int64_t mj = product(stages.drop_front(j + 1));
    int64_t cols = nj;
    if (j == 0) {
      // Zero-extended input: only the first ceil(n / M1) digits a are
      // nonzero, so the first GEMM contracts over those alone.
      cols = (n + mj - 1) / mj;
      d = tb.padHigh(d, {0, 0, cols * mj - n, 0});
    }
    bool last = j == k - 1;
    ArrayRef<int64_t> inner = stages.drop_front(j + 1);
    if (last && skipLast)
      return tb.reshape(d, {rows, planesOut, nj, t});
    if (!last && pairs(nj)) {
      // A stage with all its digits (the first one's may be zero-extended)
      // also pairs its columns: mirrored digits' sums and differences.
      Value in = tb.reshape(d, {rows, planes, cols, mj * t});
      PairRows g = mirrors(nj, cols) ? mirroredPairGemm(in, nj, sign, 1.0)
                                     : pairGemm(in, nj, sign, 1.0, cols);
      d = pairTwiddle(g, rows, planes, nj, inner, t, sign);
    } else {
      Value view = tb.reshape(d, {rows, planes * cols, mj * t});
      Value y = stageGemm(view, nj, sign, last ? scale : 1.0, nj, cols, planes,
                          last ? planesOut : 2);
      if (last)
        return tb.reshape(y, {rows, planesOut, nj, t});
      d = twiddle(y, rows, nj, inner, t, sign, /*forward=*/true);
    }
    rows *= nj;
    planes = 2;
    // The later stages are `rows` independent transforms of mj points:
    // when they outgrow the cache, run them group by group (each group's
    // output rows are contiguous in the digit-reversed result). Only after
    // the first stage: rows x mj is the same after every stage, and the
    // recursion cuts sub-rows that are still too large.
    int64_t group = j == 0 ? subRowGroup(rows, mj, t) : 0;
    if (!group)
      continue;
    Value subRows = tb.reshape(d, {rows, 2, mj, t});
    SmallVector<int64_t> part{group * mj / nk, planesOut, nk, t};
    return tb.loop(
        tb.index(0), tb.index(rows / group),
        tb.empty({rows * mj / nk, planesOut, nk, t}, type),
        [&](TensorBuilder &lb, Value iv, ValueRange acc) -> SmallVector<Value> {
          FftBuilder innerBuilder(lb, type, options);
          Value sub = lb.sliceAt(
              subRows, {lb.affineIndex(iv, group), lb.b.getIndexAttr(0),
                        lb.b.getIndexAttr(0), lb.b.getIndexAttr(0)},
              lb.sizes({group, 2, mj, t}));
          Value y = innerBuilder.toPermuted(sub, inner, sign, scale, realOut,
                                            skipLast);
          SmallVector<OpFoldResult> offsets(part.size(), lb.b.getIndexAttr(0));
          offsets[0] = lb.affineIndex(iv, group * mj / nk);
          return {lb.insertAt(y, acc[0], offsets, lb.sizes(part))};
        })[0];
  }
  llvm_unreachable("loop returns at the last stage");
}

//===----------------------------------------------------------------------===//
// Conjugate-pair stages
//===----------------------------------------------------------------------===//

FftBuilder::PairRows FftBuilder::pairGemm(Value x, int64_t nj, int sign,
                                          double scale, int64_t cols) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t rows = shape[0], planes = shape[1], w = shape[3];
  // Rows 0 .. h: Fr for p = 0 .. h; rows h + 1 .. Nj - 1: Fi for p = 1 ..
  // (Nj - 1) / 2 (Fi vanishes at p = 0 and p = Nj / 2): Nj rows in all.
  int64_t h = nj / 2;
  auto matrix = [&](bool transposed) {
    return realMatrix(
        nj, cols,
        [&](int64_t row, int64_t a) {
          int64_t p = row <= h ? row : row - h;
          auto [re, im] = unitRoot(p * a, nj, sign);
          return (row <= h ? re : im) * scale;
        },
        transposed);
  };
  // Each input plane is a batch row of its own.
  Value g = tb.reshape(
      gemm(tb.reshape(x, {rows * planes, cols, w}), nj, matrix),
      {rows, planes, nj, w});
  int64_t f = (nj - 1) / 2;
  return {tb.slice(g, {0, 0, 0, 0}, {rows, planes, h + 1, w}),
          f > 0 ? tb.slice(g, {0, 0, h + 1, 0}, {rows, planes, f, w})
                : Value()};
}

Value FftBuilder::mirrorSums(Value x, int64_t nj) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t rows = shape[0], w = shape[2], h = nj / 2;
  // One generic per digit a = 0 .. h and its mirror Nj - a (a reversed
  // read is no plain indexing map), writing (u_a, v_a) as one strided
  // output so that it works in place. a = 0 (and a = Nj / 2) pair with
  // themselves: u = 2 x, v = 0, the factor 2 undone in C exactly.
  auto pairDigits = [&](TensorBuilder &b, Value dest, Value a, Value mirror) {
    auto zero = b.b.getIndexAttr(0);
    auto xRow = [&](Value row) {
      return b.sliceAt(x, {zero, row, zero}, b.sizes({rows, 1, w}), {1});
    };
    SmallVector<OpFoldResult> at{zero, zero, a, zero};
    SmallVector<OpFoldResult> sizes = b.sizes({rows, 2, 1, w});
    Value out = b.sliceAt(dest, at, sizes, {2});
    AffineMap row = b.map(3, {b.dim(0), b.dim(2)});
    Value sums = b.generic(
        {xRow(a), xRow(mirror)}, out, {row, row, b.identity(3)}, 3, {},
        [](OpBuilder &ob, Location loc, ValueRange args) -> SmallVector<Value> {
          return {TensorBuilder::pickByIndex(
              ob, loc, 1, arith::AddFOp::create(ob, loc, args[0], args[1]),
              arith::SubFOp::create(ob, loc, args[0], args[1]))};
        })[0];
    return b.insertAt(sums, dest, at, sizes);
  };
  // All digits in one loop (a first piece outside it would get a buffer of
  // its own, copied in).
  AffineExpr d = getAffineDimExpr(0, tb.b.getContext());
  AffineMap mirrorMap = AffineMap::get(1, 0, (nj - d) % nj);
  return tb.loop(
      tb.index(0), tb.index(h + 1), tb.empty({rows, 2, h + 1, w}, type),
      [&](TensorBuilder &lb, Value a, ValueRange acc) -> SmallVector<Value> {
        Value mirror = affine::AffineApplyOp::create(lb.b, lb.loc, mirrorMap,
                                                     ValueRange{a});
        return {pairDigits(lb, acc[0], a, mirror)};
      })[0];
}

FftBuilder::PairRows FftBuilder::mirroredPairGemm(Value x, int64_t nj,
                                                  int sign, double scale) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t rows = shape[0], planes = shape[1], w = shape[3], h = nj / 2,
          f = (nj - 1) / 2;
  Value sums = mirrorSums(tb.reshape(x, {rows * planes, nj, w}), nj);
  // Fr x from u (digits 0 .. h), Fi x from v (digits 1 .. f).
  auto half = [&](int64_t plane, int64_t count) {
    bool imaginary = plane == 1;
    int64_t base = imaginary ? 1 : 0;
    Value in = tb.sliceDropping(sums, {0, plane, base, 0},
                                {rows * planes, 1, count, w}, {1});
    Value y = gemm(in, count, [&](bool transposed) {
      return realMatrix(
          count, count,
          [&](int64_t p, int64_t a) {
            auto [re, im] = unitRoot((p + base) * (a + base), nj, sign);
            // u_0 and (even Nj) u_{Nj / 2} are twice the digit.
            bool doubled = !imaginary && (a == 0 || 2 * a == nj);
            return (imaginary ? im : re) * scale * (doubled ? 0.5 : 1.0);
          },
          transposed);
    });
    return tb.reshape(y, {rows, planes, count, w});
  };
  return {half(0, h + 1), f > 0 ? half(1, f) : Value()};
}

std::pair<Value, Value> FftBuilder::combinePair(OpBuilder &b, Location loc,
                                                ValueRange fr, ValueRange fi,
                                                bool mirrored) {
  // fr, fi: Fr x and Fi x per input plane. F[p] x = Fr x + i Fi x and
  // F[Nj - p] x = Fr x - i Fi x, with x = xr + i xi.
  auto sub = [&](Value l, Value r) -> Value {
    return arith::SubFOp::create(b, loc, l, r);
  };
  auto add = [&](Value l, Value r) -> Value {
    return arith::AddFOp::create(b, loc, l, r);
  };
  Value frXr = fr[0];
  Value frXi = fr.size() > 1 ? fr[1] : Value();
  if (fi.empty())
    return {frXr, frXi ? frXi : TensorBuilder(b, loc).scalar(type, 0.0)};
  Value fiXr = fi[0];
  Value fiXi = fi.size() > 1 ? fi[1] : Value();
  if (!mirrored)
    return {fiXi ? sub(frXr, fiXi) : frXr, frXi ? add(fiXr, frXi) : fiXr};
  return {fiXi ? add(frXr, fiXi) : frXr,
          frXi ? sub(frXi, fiXr) : arith::NegFOp::create(b, loc, fiXr)};
}

Value FftBuilder::pairTwiddle(PairRows g, int64_t rows, int64_t planes,
                              int64_t nj, ArrayRef<int64_t> inner, int64_t t,
                              int sign, bool planeFirst) {
  int64_t mj = product(inner);
  SmallVector<int64_t> groups = twiddleGroups(nj, inner);
  int64_t numGroups = groups.size();
  // Loops (r, p, c, m_1 .. m_g[, t]) as in twiddle().
  bool hasT = t > 1;
  unsigned numLoops = 3 + numGroups + (hasT ? 1 : 0);
  auto withInner = [&](SmallVector<int64_t> head) {
    head.append(groups.begin(), groups.end());
    if (hasT)
      head.push_back(t);
    return head;
  };
  int64_t h = nj / 2, f = (nj - 1) / 2;
  Value frRows = tb.reshape(g.fr, withInner({rows, planes, h + 1}));
  Value fiRows =
      f > 0 ? tb.reshape(g.fi, withInner({rows, planes, f})) : Value();
  SmallVector<AffineExpr> data{tb.dim(0), tb.dim(1)};
  for (int64_t i = 0; i < numGroups; ++i)
    data.push_back(tb.dim(3 + i));
  if (hasT)
    data.push_back(tb.dim(3 + numGroups));
  AffineMap dataMap = tb.map(numLoops, data);

  // The twiddle tables as twiddle() has them; a piece reads the rows of its
  // digits.
  SmallVector<Value> tables = twiddleTables(tb, type, nj, mj, groups, sign);

  // One piece: `count` output digits from `digit` on, reading the rows of
  // Fr x from `frRow` and those of Fi x from `fiRow` (null: none) on;
  // `mirrored`: the digit is Nj - row.
  auto piece = [&](TensorBuilder &pb, Value dest, OpFoldResult frRow,
                   OpFoldResult fiRow, OpFoldResult digit, int64_t count,
                   bool mirrored) -> Value {
    OpFoldResult zero = pb.b.getIndexAttr(0);
    SmallVector<Value> ins;
    auto readRows = [&](Value gemmRows, OpFoldResult row) {
      for (int64_t plane = 0; plane < planes; ++plane) {
        SmallVector<OpFoldResult> offsets(3 + numGroups + (hasT ? 1 : 0),
                                          zero);
        offsets[1] = pb.b.getIndexAttr(plane);
        offsets[2] = row;
        ins.push_back(pb.sliceAt(gemmRows, offsets,
                                 pb.sizes(withInner({rows, 1, count})),
                                 /*dropped=*/{1}));
      }
    };
    readRows(frRows, frRow);
    if (fiRow)
      readRows(fiRows, fiRow);
    int64_t numRows = ins.size();
    SmallVector<AffineMap> maps(numRows, dataMap);
    for (int64_t i = 0; i < numGroups; ++i)
      for (int64_t part = 0; part < 2; ++part) {
        ins.push_back(pb.sliceAt(tables[2 * i + part], {digit, zero},
                                 pb.sizes({count, groups[i]})));
        maps.push_back(tb.map(numLoops, {tb.dim(1), tb.dim(3 + i)}));
      }
    // The output (R, Nj, 2, ...), or (R, 2, Nj, ...) with `planeFirst`.
    SmallVector<AffineExpr> outExprs;
    for (unsigned i = 0; i < numLoops; ++i)
      outExprs.push_back(tb.dim(i));
    if (planeFirst)
      std::swap(outExprs[1], outExprs[2]);
    maps.push_back(tb.map(numLoops, outExprs));
    SmallVector<OpFoldResult> offsets(3 + numGroups + (hasT ? 1 : 0), zero);
    offsets[planeFirst ? 2 : 1] = digit;
    SmallVector<OpFoldResult> sizes = pb.sizes(
        withInner(planeFirst ? SmallVector<int64_t>{rows, 2, count}
                             : SmallVector<int64_t>{rows, count, 2}));
    Value out = pb.generic(
        ins, pb.sliceAt(dest, offsets, sizes), maps, numLoops, {},
        [&](OpBuilder &b, Location loc,
            ValueRange args) -> SmallVector<Value> {
          ValueRange rowArgs = args.take_front(numRows);
          auto [re, im] =
              combinePair(b, loc, rowArgs.take_front(planes),
                          rowArgs.drop_front(planes), mirrored);
          return {rotateAndPick(b, loc, re, im,
                                args.slice(numRows, 2 * numGroups), 2)};
        })[0];
    return pb.insertAt(out, dest, offsets, sizes);
  };
  // p = 0 and (even Nj) p = Nj / 2 have no Fi row; p = 1 .. f pair row p
  // of Fr with row p - 1 of Fi; p = Nj - q (q = 1 .. f) reads the same
  // rows, in an scf.for over q (a reversed read is no plain indexing map).
  auto at = [&](int64_t v) -> OpFoldResult { return tb.b.getIndexAttr(v); };
  Value dest = tb.empty(withInner(planeFirst
                                      ? SmallVector<int64_t>{rows, 2, nj}
                                      : SmallVector<int64_t>{rows, nj, 2}),
                        type);
  dest = piece(tb, dest, at(0), OpFoldResult(), at(0), 1, false);
  if (f > 0)
    dest = piece(tb, dest, at(1), at(0), at(1), f, false);
  if (nj % 2 == 0)
    dest = piece(tb, dest, at(h), OpFoldResult(), at(h), 1, false);
  if (f == 0)
    return dest;
  return tb.loop(
      tb.index(1), tb.index(f + 1), dest,
      [&](TensorBuilder &lb, Value q, ValueRange acc) -> SmallVector<Value> {
        return {piece(lb, acc[0], q, lb.affineIndex(q, 1, -1),
                      lb.affineIndex(q, -1, nj), 1, /*mirrored=*/true)};
      })[0];
}

Value FftBuilder::fromPermuted(Value y, int64_t rows, ArrayRef<int64_t> stages,
                               int sign, double scale, int64_t nOut,
                               bool realOut) {
  int64_t k = stages.size();
  int64_t t = TensorBuilder::shape(y)[3];
  Value d = y;
  int64_t planesOut = 2;
  int64_t kept = 0;
  int64_t top = k - 1;
  // The mirror of toPermuted's split: stages k-1 .. 1 are independent
  // inverse transforms of M1 points per row and first digit; when they
  // outgrow the cache they run group by group, and only the first stage
  // (below) sees the whole rows.
  int64_t m1 = k > 1 ? product(stages.drop_front()) : 0;
  int64_t subRows = k > 1 ? rows * stages.front() : 0;
  if (int64_t group = k > 1 ? subRowGroup(subRows, m1, t) : 0) {
    ArrayRef<int64_t> rest = stages.drop_front();
    int64_t nk = stages.back();
    Value init = tb.empty({subRows, 2, m1, t}, type);
    d = tb.loop(
        tb.index(0), tb.index(subRows / group), init,
        [&](TensorBuilder &lb, Value iv, ValueRange acc) -> SmallVector<Value> {
          FftBuilder inner(lb, type, options);
          Value part = lb.sliceAt(
              y, {lb.affineIndex(iv, group * m1 / nk), lb.b.getIndexAttr(0),
                  lb.b.getIndexAttr(0), lb.b.getIndexAttr(0)},
              lb.sizes({group * m1 / nk, 2, nk, t}));
          Value z = inner.fromPermuted(part, group, rest, sign, 1.0, m1,
                                       /*realOut=*/false);
          return {lb.insertAt(z, acc[0],
                              {lb.affineIndex(iv, group), lb.b.getIndexAttr(0),
                               lb.b.getIndexAttr(0), lb.b.getIndexAttr(0)},
                              lb.sizes({group, 2, m1, t}))};
        })[0];
    top = 0;
  }
  for (int64_t j = top; j >= 0; --j) {
    int64_t nj = stages[j];
    ArrayRef<int64_t> inner = stages.drop_front(j + 1);
    int64_t mj = product(inner);
    int64_t rj = rows * product(stages.take_front(j));
    if (j < k - 1)
      d = twiddle(d, rj, nj, inner, t, sign, /*forward=*/false);
    // Only the outputs below nOut are needed: the last GEMM computes the
    // first ceil(nOut / M1) digits.
    int64_t outRows = j == 0 ? (nOut + mj - 1) / mj : nj;
    planesOut = j == 0 && realOut ? 1 : 2;
    Value view = tb.reshape(d, {rj, 2 * nj, mj * t});
    d = stageGemm(view, nj, sign, j == 0 ? scale : 1.0, outRows, nj, 2,
                  planesOut);
    kept = outRows * mj;
  }
  d = tb.reshape(d, {rows, planesOut, kept, t});
  return tb.slice(d, {0, 0, 0, 0}, {rows, planesOut, nOut, t});
}

Value FftBuilder::multiplySpectra(Value lhs, Value rhs) {
  ArrayRef<int64_t> l = TensorBuilder::shape(lhs);
  ArrayRef<int64_t> r = TensorBuilder::shape(rhs);
  int64_t q = r[0], nk = r[2], t = r[3];
  int64_t batch = l[0] / q;
  // Loops (b, q, c, k[, t]); no loop for a unit trailing batch (it would sit
  // inside the vectors). The planes are read as slices: plain maps.
  bool hasT = t > 1;
  unsigned numLoops = hasT ? 5 : 4;
  SmallVector<int64_t> lhsShape{batch, q, 2, nk}, rhsShape{q, 2, nk};
  if (hasT) {
    lhsShape.push_back(t);
    rhsShape.push_back(t);
  }
  Value a = tb.reshape(lhs, lhsShape), bm = tb.reshape(rhs, rhsShape);
  SmallVector<AffineExpr> lhsExprs{tb.dim(0), tb.dim(1), tb.dim(3)};
  SmallVector<AffineExpr> rhsExprs{tb.dim(1), tb.dim(3)};
  if (hasT) {
    lhsExprs.push_back(tb.dim(4));
    rhsExprs.push_back(tb.dim(4));
  }
  AffineMap lhsMap = tb.map(numLoops, lhsExprs);
  AffineMap rhsMap = tb.map(numLoops, rhsExprs);
  Value init = tb.empty(lhsShape, type);
  Value out = tb.generic(
      {planeOf(a, 2, 0), planeOf(a, 2, 1), planeOf(bm, 1, 0),
       planeOf(bm, 1, 1)},
      init, {lhsMap, lhsMap, rhsMap, rhsMap, tb.identity(numLoops)}, numLoops,
      {},
      [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
        return {rotateAndPick(b, loc, args[0], args[1], args.slice(2, 2), 2)};
      })[0];
  return tb.reshape(out, l);
}

Value FftBuilder::multiplyPairedSpectra(Value z, Value w,
                                        ArrayRef<int64_t> stages) {
  ArrayRef<int64_t> zs = TensorBuilder::shape(z);
  int64_t t = zs[3];
  int64_t k = stages.size();
  int64_t rows = zs[0] / product(stages.drop_back());
  // A filter pair of its own per row (w as many rows as z), or one pair
  // shared by the rows.
  bool perRow = rows > 1 && TensorBuilder::shape(w)[0] == zs[0];
  // The digits view: (R, N1 .. N(k-1), 2, Nk[, T]); digit i (0-based) sits
  // at dimension 1 + i for i < k - 1, the last at k + 1; the plane at k. No
  // dimension for a unit trailing batch (it would sit inside the vectors).
  SmallVector<int64_t> shape{rows};
  shape.append(stages.begin(), stages.end() - 1);
  shape.append({2, stages.back()});
  if (t > 1)
    shape.push_back(t);
  int64_t rank = shape.size();
  auto digitDim = [&](int64_t i) { return i < k - 1 ? 1 + i : k + 1; };
  int64_t planeDim = k;
  int64_t filterOffset = perRow ? 0 : 1;
  Value zd = tb.reshape(z, shape);
  SmallVector<int64_t> filterShape(shape.begin() + filterOffset, shape.end());
  Value wd = tb.reshape(w, filterShape);

  // The spectrum with every digit reversed (p_i -> N_i - 1 - p_i): one pass
  // with reversed reads. The partner of a position in piece j (below) is
  // then a plain shifted read of it: digits before j at N_i - 1, digit j at
  // p_j - 1, later digits p_i. So every read of the pieces is a slice with
  // plain maps, which the schedules vectorize.
  auto reverseDigits = [&](Value v, int64_t firstDigitDim) {
    ArrayRef<int64_t> vs = TensorBuilder::shape(v);
    int64_t vRank = vs.size();
    SmallVector<AffineExpr> reversed;
    for (int64_t d = 0; d < vRank; ++d)
      reversed.push_back(tb.dim(d));
    for (int64_t i = 0; i < k; ++i) {
      int64_t d = digitDim(i) - firstDigitDim;
      reversed[d] = tb.cst(stages[i] - 1) - tb.dim(d);
    }
    return tb.generic(
        v, tb.empty(vs, type), {tb.map(vRank, reversed), tb.identity(vRank)},
        vRank, {},
        [&](OpBuilder &, Location, ValueRange a) -> SmallVector<Value> {
          return {a[0]};
        })[0];
  };
  Value zr = reverseDigits(zd, 0), wr = reverseDigits(wd, filterOffset);

  Value result = tb.empty(shape, type);
  // Piece j (0-based digit index; j = k: the all-zero position): digits
  // before j are 0, digit j runs over [1, Nj), later digits over [0, Ni).
  for (int64_t j = 0; j <= k; ++j) {
    SmallVector<int64_t> offsets(rank, 0), sizes(shape);
    SmallVector<int64_t> partner(rank, 0);
    for (int64_t i = 0; i < k; ++i) {
      if (i < j || j == k) {
        sizes[digitDim(i)] = 1;
        partner[digitDim(i)] = stages[i] - 1;
      } else if (i == j) {
        offsets[digitDim(i)] = 1;
        sizes[digitDim(i)] = stages[i] - 1;
      }
    }
    if (llvm::is_contained(sizes, 0))
      continue;
    // Own and partner values of the data and of the filters as slices of
    // the piece's extent; their real and imaginary planes as views.
    auto filterSlice = [&](Value f, ArrayRef<int64_t> at) {
      return tb.slice(f, at.drop_front(filterOffset),
                      ArrayRef<int64_t>(sizes).drop_front(filterOffset));
    };
    Value own = tb.slice(zd, offsets, sizes);
    Value other = tb.slice(zr, partner, sizes);
    Value ownFilter = filterSlice(wd, offsets);
    Value otherFilter = filterSlice(wr, partner);
    int64_t filterPlaneDim = planeDim - filterOffset;
    // Loops: the piece's dimensions; inputs without the plane dimension.
    SmallVector<AffineExpr> data, filter;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == planeDim)
        continue;
      data.push_back(tb.dim(d));
      if (d >= filterOffset)
        filter.push_back(tb.dim(d));
    }
    AffineMap dataMap = tb.map(rank, data);
    AffineMap filterMap = tb.map(rank, filter);
    SmallVector<Value> ins{planeOf(own, planeDim, 0),
                           planeOf(own, planeDim, 1),
                           planeOf(other, planeDim, 0),
                           planeOf(other, planeDim, 1),
                           planeOf(ownFilter, filterPlaneDim, 0),
                           planeOf(ownFilter, filterPlaneDim, 1),
                           planeOf(otherFilter, filterPlaneDim, 0),
                           planeOf(otherFilter, filterPlaneDim, 1)};
    SmallVector<AffineMap> maps{dataMap,   dataMap,   dataMap,
                                dataMap,   filterMap, filterMap,
                                filterMap, filterMap, tb.identity(rank)};
    // Written in place into its part of the result (a slice as the
    // destination): no scratch piece copied over afterwards.
    Value piece = tb.generic(
        ins, tb.slice(result, offsets, sizes), maps, rank, {},
        [&](OpBuilder &b, Location loc, ValueRange a) -> SmallVector<Value> {
          auto mul = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(b, loc, x, y);
          };
          auto add = [&](Value x, Value y) -> Value {
            return arith::AddFOp::create(b, loc, x, y);
          };
          auto sub = [&](Value x, Value y) -> Value {
            return arith::SubFOp::create(b, loc, x, y);
          };
          Value zr = a[0], zi = a[1], xr = a[2], xi = a[3];
          Value ur = a[4], ui = a[5], vr = a[6], vi = a[7];
          // U = W[f] and W[-f] = vr + i vi (conj(W[-f]) = vr - i vi):
          // 4P = (s1 + s2) + i (d2 - d1), 4Q = (d1 + d2) + i (s1 - s2) with
          // s1 = ur + ui, d1 = ur - ui, s2 = vr + vi, d2 = vr - vi; the 4 is
          // in w's scale.
          Value s1 = add(ur, ui), d1 = sub(ur, ui);
          Value s2 = add(vr, vi), d2 = sub(vr, vi);
          Value pr = add(s1, s2), pi = sub(d2, d1);
          Value qr = add(d1, d2), qi = sub(s1, s2);
          // Z P + conj(X) Q with X the partner's value.
          Value re =
              add(sub(mul(zr, pr), mul(zi, pi)), add(mul(xr, qr), mul(xi, qi)));
          Value im =
              add(add(mul(zr, pi), mul(zi, pr)), sub(mul(xr, qi), mul(xi, qr)));
          return {TensorBuilder::pickByIndex(b, loc, planeDim, re, im)};
        })[0];
    result = tb.insert(piece, result, offsets);
  }
  return tb.reshape(result, zs);
}

//===----------------------------------------------------------------------===//
// Natural-order transforms
//===----------------------------------------------------------------------===//

Value FftBuilder::transform(Value x, int sign, double scale, bool realOut) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t rows = shape[0], planes = shape[1], n = shape[2];
  std::optional<SmallVector<int64_t>> stages = fftStages(n, options);
  if (!stages)
    return bluestein(x, sign, scale, realOut);
  // The digit-reversal transpose below moves N1 x Nk tiles (N1 contiguous
  // in its output, Nk in its input): with a second largest stage first
  // they are whole cache lines on both sides (128K = 8 8 8 16 16 runs as
  // 16 8 8 8 16).
  if (stages->size() >= 3 && (*stages)[stages->size() - 2] == stages->back())
    std::rotate(stages->begin(), stages->end() - 1, stages->end());
  int64_t planesOut = realOut ? 1 : 2;
  if (stages->empty()) {
    // n = 1: the transform is the scale (plus a zero imaginary plane when a
    // real input must give a complex output).
    Value s = tb.scalar(type, scale);
    Value kept = tb.slice(x, {0, 0, 0}, {rows, std::min(planes, planesOut), 1});
    Value scaled = tb.generic(
        kept, tb.empty(TensorBuilder::shape(kept), type),
        {tb.identity(3), tb.identity(3)}, 3, {},
        [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
          return {arith::MulFOp::create(b, loc, args[0], s)};
        })[0];
    if (planes >= planesOut)
      return scaled;
    return tb.insert(scaled, tb.zeros({rows, planesOut, 1}, type), {0, 0, 0});
  }
  int64_t k = stages->size(), nk = stages->back();
  // A last stage of conjugate pairs runs after the transpose, on the
  // natural-order rows, so that its combine reads plain rows.
  bool pairLast = k > 1 && !realOut && pairs(nk);
  Value y = toPermuted(tb.reshape(x, {rows, planes, n, 1}), *stages, sign,
                       scale, realOut, /*skipLast=*/pairLast);
  if (k == 1)
    return tb.reshape(y, {rows, planesOut, n});
  // Undo the digit reversal: (R, N1 .. N(k-1), P', Nk) -> (R, P', Nk .. N1)
  // (with pairLast, Nk is the last stage's input digit).
  SmallVector<int64_t> digits{rows};
  digits.append(stages->begin(), stages->end() - 1);
  digits.push_back(planesOut);
  digits.push_back(nk);
  SmallVector<int64_t> permutation{0, k, k + 1};
  for (int64_t i = k - 1; i >= 1; --i)
    permutation.push_back(i);
  Value natural = tb.transpose(tb.reshape(y, digits), permutation);
  if (pairLast) {
    Value in = tb.reshape(natural, {rows, 2, nk, n / nk});
    PairRows g = mirrors(nk, nk) ? mirroredPairGemm(in, nk, sign, scale)
                                 : pairGemm(in, nk, sign, scale, nk);
    natural = pairTwiddle(g, rows, 2, nk, /*inner=*/{}, n / nk, sign,
                          /*planeFirst=*/true);
  }
  return tb.reshape(natural, {rows, planesOut, n});
}

Value FftBuilder::bluestein(Value x, int sign, double scale, bool realOut) {
  ArrayRef<int64_t> shape = TensorBuilder::shape(x);
  int64_t rows = shape[0], planes = shape[1], n = shape[2];
  int64_t m = fftGoodSize(2 * n - 1);
  SmallVector<int64_t> stages = *fftStages(m, options);
  OpBuilder &b = tb.b;
  FloatType f64 = b.getF64Type();

  // The chirp c[j] = exp(sign i pi (j^2 mod 2n) / n), computed at run time in
  // f64 from the exact residue and rounded once: plane 1 is cos(angle - pi/2).
  Value chirp = tb.generic(
      {}, tb.empty({2, n}, type), {tb.identity(2)}, 2, {},
      [&](OpBuilder &b, Location loc, ValueRange) -> SmallVector<Value> {
        TensorBuilder h(b, loc);
        Type i64 = b.getI64Type();
        Value plane = linalg::IndexOp::create(b, loc, 0);
        Value j = arith::IndexCastOp::create(
            b, loc, i64, linalg::IndexOp::create(b, loc, 1));
        Value twoN = h.scalar(i64, 2.0 * n);
        Value e = arith::RemSIOp::create(
            b, loc, arith::MulIOp::create(b, loc, j, j), twoN);
        // Map the residue to (-n, n] so the angle stays within pi.
        Value wraps = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt,
                                            e, h.scalar(i64, n));
        e = arith::SelectOp::create(b, loc, wraps,
                                    arith::SubIOp::create(b, loc, e, twoN), e);
        Value angle = arith::MulFOp::create(
            b, loc, arith::SIToFPOp::create(b, loc, f64, e),
            h.scalar(f64, sign * M_PI / static_cast<double>(n)));
        Value isIm = arith::IndexCastOp::create(b, loc, i64, plane);
        Value shift = arith::MulFOp::create(
            b, loc, arith::SIToFPOp::create(b, loc, f64, isIm),
            h.scalar(f64, M_PI / 2));
        Value v = math::CosOp::create(
            b, loc, arith::SubFOp::create(b, loc, angle, shift));
        return {TensorBuilder::castFloat(b, loc, v, type)};
      })[0];

  // a = x · c, (R, 2, n).
  SmallVector<Value> xIns{x, chirp, chirp};
  SmallVector<AffineMap> xMaps{tb.map(3, {tb.dim(0), tb.cst(0), tb.dim(2)})};
  if (planes == 2) {
    xIns.insert(xIns.begin() + 1, x);
    xMaps.push_back(tb.map(3, {tb.dim(0), tb.cst(1), tb.dim(2)}));
  }
  xMaps.push_back(tb.map(3, {tb.cst(0), tb.dim(2)}));
  xMaps.push_back(tb.map(3, {tb.cst(1), tb.dim(2)}));
  xMaps.push_back(tb.identity(3));
  Value a = tb.generic(
      xIns, tb.empty({rows, 2, n}, type), xMaps, 3, {},
      [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
        Value xr = args[0];
        Value xi =
            planes == 2 ? args[1] : TensorBuilder(b, loc).scalar(type, 0.0);
        unsigned c0 = planes == 2 ? 2 : 1;
        return {rotateAndPick(b, loc, xr, xi, args.slice(c0, 2), 1)};
      })[0];

  // The filter b[j] = conj(c[j]) for j < n and b[m - j] = conj(c[j]) for
  // 0 < j < n, zero between; its spectrum (with the 1/m of the inverse) is
  // computed once per call and shared by all rows.
  auto conjugate = [&](Value source, int64_t length, bool reversed) {
    AffineExpr at = reversed ? tb.cst(n - 1) - tb.dim(1) : tb.dim(1);
    return tb.generic(
        source, tb.empty({2, length}, type),
        {tb.map(2, {tb.dim(0), at}), tb.identity(2)}, 2, {},
        [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
          Value plane = linalg::IndexOp::create(b, loc, 0);
          Value isIm =
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, plane,
                                    arith::ConstantIndexOp::create(b, loc, 1));
          return {arith::SelectOp::create(
              b, loc, isIm, arith::NegFOp::create(b, loc, args[0]), args[0])};
        })[0];
  };
  Value filter = tb.zeros({2, m}, type);
  filter = tb.insert(conjugate(chirp, n, false), filter, {0, 0});
  if (n > 1)
    filter = tb.insert(conjugate(chirp, n - 1, true), filter, {0, m - n + 1});
  Value filterSpectrum = toPermuted(tb.reshape(filter, {1, 2, m, 1}), stages,
                                    -1, 1.0 / static_cast<double>(m));

  Value spectrum = toPermuted(tb.reshape(a, {rows, 2, n, 1}), stages, -1, 1.0);
  Value product = multiplySpectra(spectrum, filterSpectrum);
  Value conv = fromPermuted(product, rows, stages, +1, 1.0, n, false);
  conv = tb.reshape(conv, {rows, 2, n});

  // out = c · conv · scale.
  int64_t planesOut = realOut ? 1 : 2;
  Value s = tb.scalar(type, scale);
  return tb.generic(
      {conv, conv, chirp, chirp}, tb.empty({rows, planesOut, n}, type),
      {tb.map(3, {tb.dim(0), tb.cst(0), tb.dim(2)}),
       tb.map(3, {tb.dim(0), tb.cst(1), tb.dim(2)}),
       tb.map(3, {tb.cst(0), tb.dim(2)}), tb.map(3, {tb.cst(1), tb.dim(2)}),
       tb.identity(3)},
      3, {},
      [&](OpBuilder &b, Location loc, ValueRange args) -> SmallVector<Value> {
        Value v =
            rotateAndPick(b, loc, args[0], args[1], args.slice(2, 2), 1);
        return {arith::MulFOp::create(b, loc, v, s)};
      })[0];
}
