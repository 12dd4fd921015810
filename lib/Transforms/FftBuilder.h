//===- FftBuilder.h - FFTs as stages of DFT-matrix GEMMs --------*- C++ -*-===//
//
// Builds discrete Fourier transforms as tensor IR made of real GEMMs
// (linalg.matmul / linalg.batch_matmul against small constant DFT matrices)
// and twiddle multiplies (linalg.generic), the Monarch decomposition of
// FlashFFTConv (OPS.md §4):
//
//   N = N1 N2 ... Nk,  n = a M1 + m  (M1 = N / N1),  k = p + N1 q
//   X[p + N1 q] = FFT_{M1}( w_N^{p m} · sum_a w_{N1}^{a p} x[a M1 + m] )[q]
//
// applied recursively, so the result is digit-reversed ("permuted"): the
// element at row-major position [p1, p2, ..., pk] of (N1, ..., Nk) holds the
// frequency p1 + N1 (p2 + N2 (p3 + ...)). Convolutions multiply spectra in
// this layout and run the inverse stages in mirror order, which take the
// permuted layout back to natural order; transforms with a natural-order
// result end with one transpose.
//
// Complex data is a real tensor with a plane dimension (re, im) placed just
// before the dimension a stage contracts, so each stage is ONE real GEMM
// with the (2 Nj x 2 Nj) block matrix [[Fr, -Fi], [Fi, Fr]]; the twiddle
// multiply moves the plane dimension in front of the next stage's digit.
// Real inputs have one plane (the first GEMM is 2 Nj x Nj), real outputs keep
// one plane (the last GEMM is Nj x 2 Nj).
//
// Sizes with a prime factor above the largest allowed stage use Bluestein's
// algorithm: a chirp multiply and a circular convolution of smooth size
// M >= 2N - 1 on the stages above, kept in the permuted layout.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_TRANSFORMS_FFTBUILDER_H
#define SEQ_LIB_TRANSFORMS_FFTBUILDER_H

#include "TensorBuilder.h"

#include <optional>

namespace mlir::seq {

/// The smallest stage computed as conjugate pairs by default (below it the
/// saving is less than the extra generics cost).
constexpr int64_t kMinPairStage = 4;

/// How transforms are split into stages.
struct FftOptions {
  /// Preferred stage size (a power of two): powers of two are split into
  /// balanced stages of at most this size.
  int64_t radix = 16;
  /// The largest stage (a DFT-matrix GEMM of this size); a prime factor
  /// above it makes the transform use Bluestein's algorithm. This is the
  /// "small N" below which a transform is one direct DFT GEMM.
  int64_t maxStage = 64;
  /// Cache budget in bytes (0: none). When the rows of a transform outgrow
  /// it (about four copies of their planes live), the stages after the
  /// first, which are independent transforms of N / N1 points per row and
  /// first digit, run group by group over those sub-rows (the four-step
  /// split), so that only the first and the last stage stream the whole
  /// rows through memory.
  int64_t cacheBytes = 0;
  /// Conjugate-pair stages: a forward stage of at least minPairStage points
  /// computes only the real DFT-matrix rows Fr (p <= Nj / 2) and Fi (0 < p
  /// < Nj / 2), against each plane apart (half the multiply-adds), and
  /// forms the outputs above Nj / 2 from row Nj - p (F[Nj - p] = conj F[p])
  /// in the pass after it: the twiddle multiply or, for the last stage of a
  /// natural-order result, a combine after the transpose.
  bool conjugatePairs = true;
  /// The smallest stage computed as conjugate pairs.
  int64_t minPairStage = kMinPairStage;
  /// The smallest pair stage computed from the sums and differences of its
  /// mirrored digits (half the GEMM's multiply-adds, one more pass).
  int64_t minMirrorStage = 16;
};

/// Stage sizes of a transform of length n (their product is n; empty for
/// n = 1), or nullopt when a prime factor of n exceeds options.maxStage.
std::optional<SmallVector<int64_t>> fftStages(int64_t n,
                                              const FftOptions &options);

/// Real multiply-adds per complex point of a transform with these stages
/// (GEMMs and twiddles): the unit of the cost rules.
double fftCostPerPoint(ArrayRef<int64_t> stages);

/// The transform size a padded transform (a convolution, Bluestein's)
/// uses for at least minSize points: the next power of two. Smooth sizes
/// with odd factors would pad less, but their stages run 3-15x slower per
/// point (64 x 2000 points: 3.2 ms, 64 x 2048: 0.22 ms; 6144: 2.9 ms, 8192:
/// 0.89 ms), far more than the padding saves.
int64_t fftGoodSize(int64_t minSize);

/// Real multiply-adds per point of a length-n transform, Bluestein included.
double fftCostPerPoint(int64_t n, const FftOptions &options);

/// Rows per cache block when `rows` rows of `length`-point transforms
/// (`elementBytes` per real) run block by block: a row's transform keeps
/// about four copies of its planes live, so a block holds as many rows as fit
/// `budget` bytes (at least one: a larger row still beats streaming every
/// stage over the whole batch), at most `maxRows`, and a divisor of `rows`.
int64_t rowsPerCacheBlock(int64_t rows, int64_t length, int64_t elementBytes,
                          int64_t budget, int64_t maxRows);

/// exp(sign 2 pi i e / n) as (cos, sin) in f64, the exponent reduced exactly
/// modulo n so that the angle is at most pi in magnitude whatever n is.
std::pair<double, double> unitRoot(int64_t e, int64_t n, int sign);

class FftBuilder {
public:
  FftBuilder(TensorBuilder &tb, FloatType type, const FftOptions &options)
      : tb(tb), type(type), options(options) {}

  /// The forward stages. `x` is (R, P, n, T) of `type`, P = 1 (real) or 2
  /// (re, im planes), transformed along dimension 2 and zero-extended to
  /// N = prod(stages) >= n. Returns the digit-reversed spectrum as
  /// (R N / Nk, P', Nk, T), i.e. (R, N1, ..., N(k-1), P', Nk, T), with
  /// P' = 1 (its real part only) when `realOut`. The twiddles are
  /// exp(sign 2 pi i ...); `scale` multiplies the result.
  Value toPermuted(Value x, ArrayRef<int64_t> stages, int sign, double scale,
                   bool realOut = false, bool skipLast = false);

  /// The inverse stages, in mirror order: `y` is a digit-reversed (R N / Nk,
  /// 2, Nk, T) spectrum as toPermuted returns for a batch of `rows`. Returns
  /// the first `nOut` points in natural order, (R, P', nOut, T) with P' = 1
  /// when `realOut`.
  Value fromPermuted(Value y, int64_t rows, ArrayRef<int64_t> stages, int sign,
                     double scale, int64_t nOut, bool realOut);

  /// Pointwise complex product of digit-reversed spectra: `lhs` is
  /// (R Q, 2, Nk, T), `rhs` is (Q, 2, Nk, T) and is shared by the R rows.
  Value multiplySpectra(Value lhs, Value rhs);

  /// Two real convolutions for one complex transform. `z` is the digit-
  /// reversed spectrum of a + i b (two real signals), (R Q, 2, Nk, T); `w`
  /// that of k + i m (their two real filters), (Q, 2, Nk, T) shared by the R
  /// rows or (R Q, 2, Nk, T) one per row, scaled by pairedFilterScale
  /// (1/4). Returns
  ///   Y[f] = Z[f] P[f] + conj(Z[-f]) Q[f],
  ///   4 P[f] = (1 - i) W[f] + (1 + i) conj(W[-f])  ((K + M) / 2),
  ///   4 Q[f] = (1 + i) W[f] + (1 - i) conj(W[-f])  ((K - M) / 2),
  /// the spectrum of (a * k) + i (b * m): one filter transform for both
  /// filters, and P and Q formed inside the product's pass. The partner -f
  /// of a digit-reversed position is piecewise affine: with j the first
  /// nonzero digit, p_j -> N_j - p_j and every later p_i -> N_i - 1 - p_i;
  /// so one generic per j (and one for f = 0).
  Value multiplyPairedSpectra(Value z, Value w, ArrayRef<int64_t> stages);
  /// The scale `w` of multiplyPairedSpectra carries (with its transform's).
  static constexpr double pairedFilterScale = 0.25;

  /// A natural-order transform of length n along dimension 2 of (R, P, n)
  /// (Monarch stages, or Bluestein for non-smooth n): (R, P', n).
  Value transform(Value x, int sign, double scale, bool realOut);

  /// The stage GEMM: out[r, (c', p), w] = sum_{c, a} G[(c', p), (c, a)]
  /// x[r, (c, a), w] with the block DFT matrix G of a length-n stage, rows
  /// p < `rows`, columns a < `cols`, `planesIn`/`planesOut` planes.
  Value stageGemm(Value x, int64_t n, int sign, double scale, int64_t rows,
                  int64_t cols, int64_t planesIn, int64_t planesOut);

private:
  /// Whether a forward stage of `nj` points is computed as conjugate pairs
  /// (every stage but the last of toPermuted: the pass after it combines).
  bool pairs(int64_t nj) const {
    return options.conjugatePairs && nj >= options.minPairStage;
  }

  /// Whether a pair stage of `nj` points reading `cols` of its digits is
  /// computed from its mirrored digits' sums and differences
  /// (mirroredPairGemm): all digits present, and a stage of at least
  /// minMirrorStage points (below it the extra pass costs more than the
  /// GEMM saves).
  bool mirrors(int64_t nj, int64_t cols) const {
    return cols == nj && nj >= options.minMirrorStage;
  }

  /// x (R, K, W) times a constant (H x K) matrix along K: (R, H, W), as one
  /// batch matmul sharing the matrix (a matmul when R or W is 1). `matrix`
  /// builds it, transposed (K x H) when asked.
  Value gemm(Value x, int64_t height,
             function_ref<Value(bool transposed)> matrix);

  /// The (rows x cols) constant fn(p, a) as a stage matrix, or its (cols x
  /// rows) transpose.
  Value realMatrix(int64_t rows, int64_t cols,
                   function_ref<double(int64_t p, int64_t a)> fn,
                   bool transposed);

  /// The rows of a conjugate-pair GEMM: Fr x for p = 0 .. Nj / 2 as (R, P,
  /// Nj / 2 + 1, W) and Fi x for p = 1 .. (Nj - 1) / 2 as (R, P, (Nj - 1) /
  /// 2, W) (null when there are none), per input plane.
  struct PairRows {
    Value fr, fi;
  };

  /// The conjugate-pair GEMM of a stage: `x` is (R, P, cols, W).
  PairRows pairGemm(Value x, int64_t nj, int sign, double scale, int64_t cols);

  /// pairGemm for an input whose Nj digits are all present, with half its
  /// multiply-adds: Fr x = C u and Fi x = S v, where u_a = x_a + x_{Nj - a}
  /// (a = 0 .. Nj / 2) and v_a = x_a - x_{Nj - a} (a = 1 .. (Nj - 1) / 2)
  /// are formed in one pass over x, and C (Re w^{pa}) and S (Im w^{pa}) are
  /// the (h + 1)^2 and f^2 halves of the DFT matrix (Re w^{pa} = Re w^{p (Nj
  /// - a)}, Im w^{pa} = -Im w^{p (Nj - a)}): two GEMMs.
  PairRows mirroredPairGemm(Value x, int64_t nj, int sign, double scale);

  /// The sums and differences of mirrored digits of x (R, Nj, W) as (R, 2,
  /// Nj / 2 + 1, W): [:, 0, a] = x_a + x_{Nj - a}, [:, 1, a] = x_a -
  /// x_{Nj - a}, digit 0 (and Nj / 2) paired with itself (mirroredPairGemm).
  Value mirrorSums(Value x, int64_t nj);

  /// Output digit p of a pair GEMM, (re, im), from Fr x (`fr`, one value
  /// per input plane) and Fi x (`fi`, empty where Fi vanishes) of row q = p,
  /// or q = Nj - p when `mirrored`.
  std::pair<Value, Value> combinePair(OpBuilder &b, Location loc,
                                      ValueRange fr, ValueRange fi,
                                      bool mirrored);

  /// A pair GEMM's rows (W = Mj T) combined into the Nj outputs and
  /// twiddled like twiddle(forward): (R, Nj, 2, Mj, T), or (R, 2, Nj, Mj,
  /// T) with `planeFirst`. The digits p = Nj - q are written one per
  /// iteration of an scf.for over q (a reversed read is no plain indexing
  /// map).
  Value pairTwiddle(PairRows g, int64_t rows, int64_t planes, int64_t nj,
                    ArrayRef<int64_t> inner, int64_t t, int sign,
                    bool planeFirst = false);

  /// Sub-rows per group when `rows` transforms of `points` x `t` elements
  /// (after a first stage) are cut by the cache budget, or 0 when they fit.
  int64_t subRowGroup(int64_t rows, int64_t points, int64_t t) const;

  /// Plane `plane` (0: re, 1: im) of `x` along dimension `dim`, that
  /// dimension dropped: a view, read by generics with plain maps.
  Value planeOf(Value x, int64_t dim, int64_t plane);

  /// Multiplies (Rj, ., Nj, Mj, T) data by w_{Nj Mj}^{sign p m} and moves
  /// the plane dimension: forward takes (Rj, 2, Nj, Mj, T) to (Rj, Nj, 2, Mj,
  /// T), the inverse direction the other way round.
  Value twiddle(Value x, int64_t rows, int64_t nj, ArrayRef<int64_t> inner,
                int64_t t, int sign, bool forward);

  /// The Bluestein transform of a non-smooth length.
  Value bluestein(Value x, int sign, double scale, bool realOut);

  /// The constant block DFT matrix of stageGemm, transposed when the GEMM
  /// contracts the last dimension.
  Value dftMatrix(int64_t n, int sign, double scale, int64_t rows, int64_t cols,
                  int64_t planesIn, int64_t planesOut, bool transposed);

  TensorBuilder &tb;
  FloatType type;
  FftOptions options;
};

} // namespace mlir::seq

#endif // SEQ_LIB_TRANSFORMS_FFTBUILDER_H
