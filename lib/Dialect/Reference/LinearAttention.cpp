//===- LinearAttention.cpp - reference of linear attention, feature maps, RoPE -===//
//
// The reference computations of seq.linear_attention (the recurrent form: one
// F x Ev state per (b, h), updated once per step), seq.feature_map and
// seq.rotary as scalar scf loops over buffers.
//
// Scratch buffers are not freed here: seq-to-cpu runs the ownership-based
// buffer deallocation, which frees every non-escaping alloc and rejects
// hand-written memref.dealloc ops. Marking alloc and dealloc with
// `bufferization.manual_deallocation` is not robust either: when the sizes of
// a dynamic alloc fold to constants, canonicalization rebuilds it without the
// attribute and the buffer is freed twice.
//
//===----------------------------------------------------------------------===//

#include "ReferenceUtils.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::seq;
using namespace mlir::seq::reference;

/// An index value as a float of `type` (index -> i64 -> float).
static Value indexToFloat(OpBuilder &b, Location loc, Value index,
                          FloatType type) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, type, i64);
}

/// `lhs * rhs + addend`, rounded after the product and after the sum.
static Value mulAdd(OpBuilder &b, Location loc, Value lhs, Value rhs,
                    Value addend) {
  Value product = arith::MulFOp::create(b, loc, lhs, rhs);
  return arith::AddFOp::create(b, loc, product, addend);
}

namespace {

//===----------------------------------------------------------------------===//
// seq.linear_attention
//===----------------------------------------------------------------------===//

/// The buffers and constants of one seq.linear_attention, and the loops that
/// compute one (b, h). S (F x Ev), z (F) and the numerator (Ev) are scratch
/// buffers in the accumulation type, reused by every head.
struct LinearAttentionEmitter {
  FloatType acc;
  bool normalize;
  // Operands (null when absent); perKeyDecay tells the log_decay layout.
  Value query, key, value, logDecay, prefixKey, prefixValue, initialState,
      initialNormalizer;
  bool perKeyDecay;
  // Results (null when absent).
  Value output, finalState, finalNormalizer;
  // Scratch.
  Value state, normalizer, numerator;
  // Sizes and constants.
  Value length, features, valueDim, zero, scale, eps;

  /// S_{-1}, z_{-1}, the causal loop over t, then the final state out.
  void emitHead(OpBuilder &b, Location loc, Value bi, Value hi) const {
    // The initial state, or zero.
    forEach(b, loc, {features, valueDim},
            [&](OpBuilder &b, Location loc, ValueRange fe) {
              Value init = initialState ? loadAs(b, loc, initialState,
                                                 {bi, hi, fe[0], fe[1]}, acc)
                                        : zero;
              memref::StoreOp::create(b, loc, init, state, fe);
            });
    if (normalize) {
      forEach(b, loc, {features},
              [&](OpBuilder &b, Location loc, ValueRange f) {
                Value init =
                    initialNormalizer
                        ? loadAs(b, loc, initialNormalizer, {bi, hi, f[0]}, acc)
                        : zero;
                memref::StoreOp::create(b, loc, init, normalizer, f);
              });
    }

    // The prefix (JRT-RNN) is not causal: every query sees all M prefix
    // keys, so they are summed into the starting state.
    if (prefixKey) {
      Value prefixLength = dimSize(b, loc, prefixKey, 2);
      forEach(b, loc, {prefixLength, features},
              [&](OpBuilder &b, Location loc, ValueRange jf) {
                addPrefixRow(b, loc, bi, hi, jf[0], jf[1]);
              });
    }

    forEach(b, loc, {length}, [&](OpBuilder &b, Location loc, ValueRange t) {
      emitStep(b, loc, bi, hi, t[0]);
    });

    if (finalState) {
      forEach(b, loc, {features, valueDim},
              [&](OpBuilder &b, Location loc, ValueRange fe) {
                Value s = memref::LoadOp::create(b, loc, state, fe);
                storeAs(b, loc, s, finalState, {bi, hi, fe[0], fe[1]});
              });
    }
    if (finalNormalizer) {
      forEach(b, loc, {features},
              [&](OpBuilder &b, Location loc, ValueRange f) {
                Value z = memref::LoadOp::create(b, loc, normalizer, f);
                storeAs(b, loc, z, finalNormalizer, {bi, hi, f[0]});
              });
    }
  }

  /// S[f, :] += pk[j, f] * pv[j, :] and z[f] += pk[j, f].
  void addPrefixRow(OpBuilder &b, Location loc, Value bi, Value hi, Value j,
                    Value f) const {
    Value pk = loadAs(b, loc, prefixKey, {bi, hi, j, f}, acc);
    if (normalize) {
      Value z = memref::LoadOp::create(b, loc, normalizer, f);
      memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, z, pk),
                              normalizer, f);
    }
    forEach(b, loc, {valueDim}, [&](OpBuilder &b, Location loc, ValueRange e) {
      Value pv = loadAs(b, loc, prefixValue, {bi, hi, j, e[0]}, acc);
      Value s = memref::LoadOp::create(b, loc, state, ValueRange{f, e[0]});
      memref::StoreOp::create(b, loc, mulAdd(b, loc, pk, pv, s), state,
                              ValueRange{f, e[0]});
    });
  }

  /// One step t. Row f of S is decayed, gets k_t[f] * v_t, and is at once
  /// multiplied into the numerator (q_t[f] * S[f, :]), so S is read once per
  /// step: O(F Ev). q_t . z_t is carried through the loop over f.
  void emitStep(OpBuilder &b, Location loc, Value bi, Value hi, Value t) const {
    fill(b, loc, numerator, zero);
    Value headDecay;
    if (logDecay && !perKeyDecay)
      headDecay = math::ExpOp::create(
          b, loc, loadAs(b, loc, logDecay, {bi, hi, t}, acc));

    SmallVector<Value> denInit;
    if (normalize)
      denInit.push_back(zero);
    Value lb = indexConst(b, loc, 0);
    ValueRange qz = forLoop(
        b, loc, lb, features, denInit,
        [&](OpBuilder &b, Location loc, Value f,
            ValueRange iterArgs) -> SmallVector<Value> {
          Value qf = loadAs(b, loc, query, {bi, hi, t, f}, acc);
          Value kf = loadAs(b, loc, key, {bi, hi, t, f}, acc);
          Value g = headDecay;
          if (perKeyDecay)
            g = math::ExpOp::create(
                b, loc, loadAs(b, loc, logDecay, {bi, hi, t, f}, acc));
          auto decayed = [&](Value old) -> Value {
            return g ? arith::MulFOp::create(b, loc, g, old).getResult() : old;
          };

          forEach(b, loc, {valueDim},
                  [&](OpBuilder &b, Location loc, ValueRange e) {
                    Value v = loadAs(b, loc, value, {bi, hi, t, e[0]}, acc);
                    SmallVector<Value, 2> fe{f, e[0]};
                    Value old = memref::LoadOp::create(b, loc, state, fe);
                    Value s = mulAdd(b, loc, kf, v, decayed(old));
                    memref::StoreOp::create(b, loc, s, state, fe);
                    Value num = memref::LoadOp::create(b, loc, numerator, e);
                    memref::StoreOp::create(b, loc, mulAdd(b, loc, qf, s, num),
                                            numerator, e);
                  });
          if (!normalize)
            return {};
          Value oldZ = memref::LoadOp::create(b, loc, normalizer, f);
          Value z = arith::AddFOp::create(b, loc, decayed(oldZ), kf);
          memref::StoreOp::create(b, loc, z, normalizer, f);
          return {mulAdd(b, loc, qf, z, iterArgs[0])};
        });

    Value denominator = normalize ? mulAdd(b, loc, scale, qz[0], eps) : Value();
    forEach(b, loc, {valueDim}, [&](OpBuilder &b, Location loc, ValueRange e) {
      Value num = memref::LoadOp::create(b, loc, numerator, e);
      Value out = arith::MulFOp::create(b, loc, scale, num);
      if (normalize)
        out = arith::DivFOp::create(b, loc, out, denominator);
      storeAs(b, loc, out, output, {bi, hi, t, e[0]});
    });
  }
};

} // namespace

/// The recurrent form per (b, h): O(M F Ev) for the prefix plus O(L F Ev).
std::unique_ptr<ReferenceImplementation>
LinearAttentionOp::prepareReference(OpBuilder &rewriter) {
    LinearAttentionOp op = *this;
    Location loc = op.getLoc();

    LinearAttentionEmitter la;
    la.acc = widestAccumulationType(llvm::to_vector(op->getOperands()));
    la.normalize = op.getNormalize();
    la.query = op.getQuery();
    la.key = op.getKey();
    la.value = op.getValue();
    la.logDecay = op.getLogDecay();
    la.perKeyDecay =
        la.logDecay && cast<MemRefType>(la.logDecay.getType()).getRank() == 4;
    la.prefixKey = op.getPrefixKey();
    la.prefixValue = op.getPrefixValue();
    la.initialState = op.getInitialState();
    la.initialNormalizer = op.getInitialNormalizer();

    la.length = dimSize(rewriter, loc, la.query, 2);
    la.features = dimSize(rewriter, loc, la.query, 3);
    la.valueDim = dimSize(rewriter, loc, la.value, 3);

    la.output = op.getOuts()[0];
    la.finalState = op.getFinalState();
    la.finalNormalizer = op.getFinalNormalizer();

    la.state = allocScratch(rewriter, loc, {la.features, la.valueDim}, la.acc);
    if (la.normalize)
      la.normalizer = allocScratch(rewriter, loc, {la.features}, la.acc);
    la.numerator = allocScratch(rewriter, loc, {la.valueDim}, la.acc);

    la.zero = floatConst(rewriter, loc, la.acc, 0.0);
    la.scale =
        floatConst(rewriter, loc, la.acc, op.getScale().convertToDouble());
    if (la.normalize)
      la.eps = floatConst(rewriter, loc, la.acc, op.getEps().convertToDouble());

    return pointwise([la](OpBuilder &b, Location loc, ValueRange bh) {
      la.emitHead(b, loc, bh[0], bh[1]);
    });
}

//===----------------------------------------------------------------------===//
// seq.feature_map
//===----------------------------------------------------------------------===//

/// One row (all leading indices) per point: identity, relu and elu+1 map
/// element by element, taylor2 writes [1, x, x x^T] with its divisors.
std::unique_ptr<ReferenceImplementation>
FeatureMapOp::prepareReference(OpBuilder &rewriter) {
    FeatureMapOp op = *this;
    Location loc = op.getLoc();
    auto inputType = cast<ShapedType>(op.getInput().getType());
    int64_t rank = inputType.getRank();
    FloatType acc = accumulationType(inputType.getElementType());

    Value input = op.getInput();
    Value output = op.getOuts()[0];
    Value d = dimSize(rewriter, loc, input, rank - 1);

    auto withLast = [](ValueRange prefix, Value last) {
      SmallVector<Value> indices(prefix);
      indices.push_back(last);
      return indices;
    };

    FeatureMapKind kind = op.getKind();
    if (kind != FeatureMapKind::taylor2) {
      Value zero = floatConst(rewriter, loc, acc, 0.0);
      Value one = floatConst(rewriter, loc, acc, 1.0);
      return pointwise([=](OpBuilder &b, Location loc, ValueRange row) {
        forEach(b, loc, d, [&](OpBuilder &b, Location loc, ValueRange last) {
                SmallVector<Value> ivs = withLast(row, last[0]);
                Value x = loadAs(b, loc, input, ivs, acc);
                Value y = x;
                switch (kind) {
                case FeatureMapKind::identity:
                case FeatureMapKind::taylor2:
                  break;
                case FeatureMapKind::relu:
                  // maximumf propagates NaN, like np.maximum.
                  y = arith::MaximumFOp::create(b, loc, x, zero);
                  break;
                case FeatureMapKind::elu_plus_one: {
                  // elu(x) + 1 = x + 1 for x > 0, exp(x) otherwise (exact: no
                  // expm1(x) + 1 round trip).
                  Value positive = arith::CmpFOp::create(
                      b, loc, arith::CmpFPredicate::OGT, x, zero);
                  Value shifted = arith::AddFOp::create(b, loc, x, one);
                  Value exp = math::ExpOp::create(b, loc, x);
                  y = arith::SelectOp::create(b, loc, positive, shifted, exp);
                  break;
                }
                }
                storeAs(b, loc, y, output, ivs);
        });
      });
    }

    // taylor2: [1, x / d^(1/4), vec(x x^T) / (sqrt(2) sqrt(d))]. The divisors
    // are computed in f64 (folded when d is static), then rounded once.
    Value rootD, quadDivisor;
    if (std::optional<int64_t> staticD = getConstantIntValue(d)) {
      double dd = static_cast<double>(*staticD);
      rootD = floatConst(rewriter, loc, acc, std::sqrt(std::sqrt(dd)));
      quadDivisor =
          floatConst(rewriter, loc, acc, std::sqrt(2.0) * std::sqrt(dd));
    } else {
      FloatType f64 = rewriter.getF64Type();
      Value sqrtD = math::SqrtOp::create(rewriter, loc,
                                         indexToFloat(rewriter, loc, d, f64));
      rootD = castFloat(rewriter, loc,
                        math::SqrtOp::create(rewriter, loc, sqrtD), acc);
      Value sqrt2 = floatConst(rewriter, loc, f64, std::sqrt(2.0));
      quadDivisor =
          castFloat(rewriter, loc,
                    arith::MulFOp::create(rewriter, loc, sqrt2, sqrtD), acc);
    }
    Value one = floatConst(rewriter, loc, acc, 1.0);
    Value oneIdx = indexConst(rewriter, loc, 1);
    Value linearEnd = arith::AddIOp::create(rewriter, loc, oneIdx, d);

    return pointwise([=](OpBuilder &b, Location loc, ValueRange row) {
          storeAs(b, loc, one, output, withLast(row, indexConst(b, loc, 0)));
          forEach(b, loc, {d}, [&](OpBuilder &b, Location loc, ValueRange i) {
            Value xi = loadAs(b, loc, input, withLast(row, i[0]), acc);
            Value linearAt = arith::AddIOp::create(b, loc, oneIdx, i[0]);
            storeAs(b, loc, arith::DivFOp::create(b, loc, xi, rootD), output,
                    withLast(row, linearAt));
            // Row i of the outer product starts at 1 + d + i * d.
            Value rowStart = arith::AddIOp::create(
                b, loc, linearEnd, arith::MulIOp::create(b, loc, i[0], d));
            forEach(b, loc, {d}, [&](OpBuilder &b, Location loc, ValueRange j) {
              Value xj = loadAs(b, loc, input, withLast(row, j[0]), acc);
              Value product = arith::MulFOp::create(b, loc, xi, xj);
              Value at = arith::AddIOp::create(b, loc, rowStart, j[0]);
              storeAs(b, loc,
                      arith::DivFOp::create(b, loc, product, quadDivisor),
                      output, withLast(row, at));
            });
          });
    });
}

//===----------------------------------------------------------------------===//
// seq.rotary
//===----------------------------------------------------------------------===//

/// Tabulates cos and sin of theta[l, j] = pos(l) * base^(-2j/d) once (L x d/2,
/// shared by all leading indices), then rotates every pair. The angles are
/// computed and reduced in f64, so positions of 1e4 and more keep their
/// accuracy for f32 data; only the finished cos/sin are rounded. A point is
/// one (..., L, d) slice.
std::unique_ptr<ReferenceImplementation>
RotaryOp::prepareReference(OpBuilder &rewriter) {
    RotaryOp op = *this;
    Location loc = op.getLoc();
    auto inputType = cast<ShapedType>(op.getInput().getType());
    int64_t rank = inputType.getRank();
    FloatType acc = accumulationType(inputType.getElementType());
    FloatType f64 = rewriter.getF64Type();
    bool interleaved = op.getPairing() == RotaryPairing::interleaved;

    Value input = op.getInput();
    Value output = op.getOuts()[0];
    SmallVector<Value> ubs;
    for (int64_t i = 0; i < rank; ++i)
      ubs.push_back(dimSize(rewriter, loc, input, i));
    Value length = ubs[rank - 2];
    Value d = ubs[rank - 1];
    Value two = indexConst(rewriter, loc, 2);
    Value half;
    if (inputType.isDynamicDim(rank - 1))
      half = arith::DivUIOp::create(rewriter, loc, d, two);
    else
      half = indexConst(rewriter, loc, inputType.getShape().back() / 2);
    ubs.back() = half;

    Value cosTable = allocScratch(rewriter, loc, {length, half}, acc);
    Value sinTable = allocScratch(rewriter, loc, {length, half}, acc);
    Value offset =
        indexConst(rewriter, loc, static_cast<int64_t>(op.getPositionOffset()));
    std::optional<uint64_t> chunk = op.getChunkSize();
    Value chunkSize =
        chunk ? indexConst(rewriter, loc, static_cast<int64_t>(*chunk))
              : Value();
    Value base = floatConst(rewriter, loc, f64, op.getBase().convertToDouble());
    Value minusTwo = floatConst(rewriter, loc, f64, -2.0);
    Value dFloat = indexToFloat(rewriter, loc, d, f64);

    forEach(rewriter, loc, {length, half},
            [&](OpBuilder &b, Location loc, ValueRange lj) {
              Value pos = arith::AddIOp::create(b, loc, offset, lj[0]);
              if (chunkSize)
                pos = arith::RemUIOp::create(b, loc, pos, chunkSize);
              // base^(-2j/d), with the exponent rounded as (-2 j) / d.
              Value exponent = arith::DivFOp::create(
                  b, loc,
                  arith::MulFOp::create(b, loc, minusTwo,
                                        indexToFloat(b, loc, lj[1], f64)),
                  dFloat);
              Value invFreq = math::PowFOp::create(b, loc, base, exponent);
              Value theta = arith::MulFOp::create(
                  b, loc, indexToFloat(b, loc, pos, f64), invFreq);
              storeAs(b, loc, math::CosOp::create(b, loc, theta), cosTable, lj);
              storeAs(b, loc, math::SinOp::create(b, loc, theta), sinTable, lj);
            });

    Value one = indexConst(rewriter, loc, 1);
    return pointwise([=](OpBuilder &b, Location loc, ValueRange leading) {
      forEach(b, loc, {length, half},
              [&](OpBuilder &b, Location loc, ValueRange lj) {
          SmallVector<Value> ivs(leading);
          ivs.append(lj.begin(), lj.end());
          Value l = lj[0], j = lj[1];
          // interleaved: (2j, 2j + 1); halves: (j, j + d/2).
          Value ia = j, ib;
          if (interleaved) {
            ia = arith::MulIOp::create(b, loc, j, two);
            ib = arith::AddIOp::create(b, loc, ia, one);
          } else {
            ib = arith::AddIOp::create(b, loc, j, half);
          }
          SmallVector<Value> at(ivs), bt(ivs);
          at.back() = ia;
          bt.back() = ib;
          Value x0 = loadAs(b, loc, input, at, acc);
          Value x1 = loadAs(b, loc, input, bt, acc);
          Value c = memref::LoadOp::create(b, loc, cosTable, ValueRange{l, j});
          Value s = memref::LoadOp::create(b, loc, sinTable, ValueRange{l, j});
          Value r0 = arith::SubFOp::create(
              b, loc, arith::MulFOp::create(b, loc, x0, c),
              arith::MulFOp::create(b, loc, x1, s));
          Value r1 =
              mulAdd(b, loc, x1, c, arith::MulFOp::create(b, loc, x0, s));
          storeAs(b, loc, r0, output, at);
          storeAs(b, loc, r1, output, bt);
        });
    });
}
