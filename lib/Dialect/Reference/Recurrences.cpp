//===- Recurrences.cpp - reference of seq.scan, seq.ema, timestep_norm ----===//
//
// The sequential recurrences: per point of the iteration domain (the
// independent batch, channel and state positions) an scf.for over time
// carries the state. All arithmetic is in the accumulation type; values are
// converted on load and store.
//
//===----------------------------------------------------------------------===//

#include "ReferenceUtils.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::seq;
using namespace mlir::seq::reference;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// lhs * rhs for float or complex operands.
static Value mul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<ComplexType>(lhs.getType()))
    return complex::MulOp::create(b, loc, lhs, rhs);
  return arith::MulFOp::create(b, loc, lhs, rhs);
}

/// lhs + rhs for float or complex operands.
static Value add(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  if (isa<ComplexType>(lhs.getType()))
    return complex::AddOp::create(b, loc, lhs, rhs);
  return arith::AddFOp::create(b, loc, lhs, rhs);
}

static Value sub(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return arith::SubFOp::create(b, loc, lhs, rhs);
}

static Value div(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  return arith::DivFOp::create(b, loc, lhs, rhs);
}

/// An index value as a float of `type`.
static Value indexToFloat(OpBuilder &b, Location loc, Value index,
                          FloatType type) {
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  return arith::SIToFPOp::create(b, loc, type, i64);
}

/// σ(x) = 1 / (1 + e^{−x}). For very negative x, e^{−x} overflows to +inf and
/// the result is 0, which is σ(x) to within the type's range.
static Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value one = floatConst(b, loc, type, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return div(b, loc, one, add(b, loc, one, e));
}

/// The index (b, t, s...) of a (B, L, S...) buffer from a state index
/// (b, s...) and a time index t.
static SmallVector<Value> insertTimeIndex(ValueRange stateIndex, Value t) {
  SmallVector<Value> index(stateIndex.begin(), stateIndex.end());
  index.insert(index.begin() + 1, t);
  return index;
}

//===----------------------------------------------------------------------===//
// seq.scan
//===----------------------------------------------------------------------===//

/// For every state position (b, s...), an scf.for over time carries h:
///
///   h = initial[b, s...] (or 0)
///   for i in 0..L:  t = reverse ? L-1-i : i
///                   h = a[b,t,s...] * h + b[b,t,s...];  states[b,t,s...] = h
///   final[b, s...] = h
std::unique_ptr<ReferenceImplementation>
ScanOp::prepareReference(OpBuilder &builder) {
  Location loc = getLoc();
  Type element = getElementTypeOrSelf(getA().getType());
  Type acc = accumulationType(element);
  if (isa<ComplexType>(element))
    acc = ComplexType::get(acc);
  Value a = getA(), b = getB(), initial = getInitial();
  Value states = getOuts()[0], final = getFinal();
  Value length = dimSize(builder, loc, a, 1);
  Value zero = indexConst(builder, loc, 0);
  bool reverse = getReverse();
  Value lastIndex =
      reverse ? arith::SubIOp::create(builder, loc, length,
                                      indexConst(builder, loc, 1))
                    .getResult()
              : Value();
  return pointwise([=](OpBuilder &nb, Location nloc, ValueRange state) {
    Value h0 = initial ? loadAs(nb, nloc, initial, state, acc)
                       : floatConst(nb, nloc, acc, 0.0);
    ValueRange last = forLoop(
        nb, nloc, zero, length, h0,
        [&](OpBuilder &lb, Location lloc, Value i,
            ValueRange iterArgs) -> SmallVector<Value> {
          Value t = reverse ? arith::SubIOp::create(lb, lloc, lastIndex, i) : i;
          SmallVector<Value> index = insertTimeIndex(state, t);
          Value at = loadAs(lb, lloc, a, index, acc);
          Value bt = loadAs(lb, lloc, b, index, acc);
          Value h = add(lb, lloc, mul(lb, lloc, at, iterArgs[0]), bt);
          storeAs(lb, lloc, h, states, index);
          return {h};
        });
    if (final)
      storeAs(nb, nloc, last[0], final, state);
  });
}

//===----------------------------------------------------------------------===//
// seq.ema
//===----------------------------------------------------------------------===//

/// First the coefficients u, q, eta of every (d, n) go to scratch buffers,
/// then for every (b, d) the N states live in a scratch vector while an
/// scf.for over time updates them and reduces y:
///
///   h[n] = initial[b,d,n] (or 0)
///   for t in 0..L:  y = 0
///                   for n:  h[n] = u[d,n]·x[b,t,d] + q[d,n]·h[n]
///                           y += Re(eta[d,n]·h[n])
///                   out[b,t,d] = y + omega[d]·x[b,t,d]
///   final[b,d,n] = h[n]
///
/// The complex kind keeps q, eta and h as complex values of the accumulation
/// type and updates h with complex dialect arithmetic.
std::unique_ptr<ReferenceImplementation>
EmaOp::prepareReference(OpBuilder &rewriter) {
    EmaOp op = *this;
    Location loc = op.getLoc();
    bool isComplex = op.isComplex();
    FloatType acc = widestAccumulationType(
        {op.getInput(), op.getWeightLogit(), op.getInitial(), op.getFinal()});
    Type stateType = isComplex ? Type(ComplexType::get(acc)) : Type(acc);

    Value x = op.getInput();
    Value weightLogit = op.getWeightLogit();
    Value dampingLogit = op.getDampingLogit();
    Value gamma = op.getGamma();
    Value omega = op.getOmega();
    Value beta = op.getBeta();
    Value theta = op.getTheta();
    Value initial = op.getInitial();
    Value output = op.getOuts()[0], final = op.getFinal();

    Value length = dimSize(rewriter, loc, x, 1);
    Value channels = dimSize(rewriter, loc, x, 2);
    Value stateSize = dimSize(rewriter, loc, weightLogit, 1);
    Value zero = indexConst(rewriter, loc, 0);

    // Coefficients, once per (d, n): computed in f64 and rounded once to the
    // accumulation type. They are O(D N) work, and a decay near 1 or a phase
    // error in q compounds over every step of the recurrence.
    FloatType coef = rewriter.getF64Type();
    Type coefState = isComplex ? Type(ComplexType::get(coef)) : Type(coef);
    Value uBuf = allocScratch(rewriter, loc, {channels, stateSize}, acc);
    Value qBuf = allocScratch(rewriter, loc, {channels, stateSize}, stateType);
    Value etaBuf =
        allocScratch(rewriter, loc, {channels, stateSize}, stateType);
    Value stateSizeF = indexToFloat(rewriter, loc, stateSize, coef);
    Value sqrtN = math::SqrtOp::create(rewriter, loc, stateSizeF);
    Value angleStep =
        isComplex ? div(rewriter, loc,
                        floatConst(rewriter, loc, coef, 2.0 * M_PI), stateSizeF)
                  : Value();
    forEach(
        rewriter, loc, {channels, stateSize},
        [&](OpBuilder &nb, Location nloc, ValueRange dn) {
          Value d = dn[0], n = dn[1];
          Value one = floatConst(nb, nloc, coef, 1.0);
          Value p = sigmoid(nb, nloc, loadAs(nb, nloc, weightLogit, dn, coef));
          Value damping =
              sigmoid(nb, nloc, loadAs(nb, nloc, dampingLogit, dn, coef));
          Value mag = sub(nb, nloc, one, mul(nb, nloc, p, damping));
          Value u, q, eta;
          if (isComplex) {
            // q = mag · e^{iφ},  φ = (n+1)·σ(theta[d])·2π/N.
            Value frequency =
                sigmoid(nb, nloc, loadAs(nb, nloc, theta, d, coef));
            Value harmonic =
                add(nb, nloc, indexToFloat(nb, nloc, n, coef), one);
            Value phi =
                mul(nb, nloc, mul(nb, nloc, harmonic, frequency), angleStep);
            Value re = mul(nb, nloc, mag, math::CosOp::create(nb, nloc, phi));
            Value im = mul(nb, nloc, mag, math::SinOp::create(nb, nloc, phi));
            q = complex::CreateOp::create(nb, nloc, coefState, re, im);
            u = p;
            Value c0 = indexConst(nb, nloc, 0), c1 = indexConst(nb, nloc, 1);
            Value gammaRe = loadAs(nb, nloc, gamma, {d, n, c0}, coef);
            Value gammaIm = loadAs(nb, nloc, gamma, {d, n, c1}, coef);
            eta = complex::CreateOp::create(nb, nloc, coefState,
                                            div(nb, nloc, gammaRe, sqrtN),
                                            div(nb, nloc, gammaIm, sqrtN));
          } else {
            q = mag;
            u = mul(nb, nloc, p, loadAs(nb, nloc, beta, dn, coef));
            eta = div(nb, nloc, loadAs(nb, nloc, gamma, dn, coef), sqrtN);
          }
          storeAs(nb, nloc, castFloat(nb, nloc, u, acc), uBuf, dn);
          storeAs(nb, nloc, castFloat(nb, nloc, q, stateType), qBuf, dn);
          storeAs(nb, nloc, castFloat(nb, nloc, eta, stateType), etaBuf, dn);
        });

    // The recurrence, per (b, d), with the N states in `hBuf`.
    Value hBuf = allocScratch(rewriter, loc, {stateSize}, stateType);
    return pointwise(
        [=](OpBuilder &nb, Location nloc, ValueRange bd) {
          Value b = bd[0], d = bd[1];
          forEach(nb, nloc, stateSize,
                  [&](OpBuilder &ib, Location iloc, ValueRange n) {
                    Value h0 = initial ? loadAs(ib, iloc, initial, {b, d, n[0]},
                                                stateType)
                                       : floatConst(ib, iloc, stateType, 0.0);
                    memref::StoreOp::create(ib, iloc, h0, hBuf, n);
                  });
          Value omegaD = loadAs(nb, nloc, omega, d, acc);
          forEach(
              nb, nloc, length,
              [&](OpBuilder &tb, Location tloc, ValueRange t) {
                SmallVector<Value> xIndex = {b, t[0], d};
                Value xt = loadAs(tb, tloc, x, xIndex, acc);
                ValueRange sum = forLoop(
                    tb, tloc, zero, stateSize, floatConst(tb, tloc, acc, 0.0),
                    [&](OpBuilder &lb, Location lloc, Value n,
                        ValueRange partial) -> SmallVector<Value> {
                      SmallVector<Value> dn = {d, n};
                      Value u = memref::LoadOp::create(lb, lloc, uBuf, dn);
                      Value q = memref::LoadOp::create(lb, lloc, qBuf, dn);
                      Value eta = memref::LoadOp::create(lb, lloc, etaBuf, dn);
                      Value h = memref::LoadOp::create(lb, lloc, hBuf, n);
                      Value input =
                          castFloat(lb, lloc, mul(lb, lloc, u, xt), stateType);
                      h = add(lb, lloc, mul(lb, lloc, q, h), input);
                      memref::StoreOp::create(lb, lloc, h, hBuf, n);
                      // Only Re(eta·h) is needed.
                      Value contribution = mul(lb, lloc, eta, h);
                      if (isComplex)
                        contribution =
                            complex::ReOp::create(lb, lloc, contribution);
                      return {add(lb, lloc, partial[0], contribution)};
                    });
                Value y = add(tb, tloc, sum[0], mul(tb, tloc, omegaD, xt));
                storeAs(tb, tloc, y, output, xIndex);
              });
          if (final)
            forEach(nb, nloc, stateSize,
                    [&](OpBuilder &ib, Location iloc, ValueRange n) {
                      Value h = memref::LoadOp::create(ib, iloc, hBuf, n);
                      storeAs(ib, iloc, h, final, {b, d, n[0]});
                    });
        });
}

//===----------------------------------------------------------------------===//
// seq.timestep_norm
//===----------------------------------------------------------------------===//

/// Per batch b, an scf.for over time carries the count c; the per-group mean
/// m and variance s live in scratch vectors. A step that is not padded does
///
///   c += 1;  w2 = 1/c;  w1 = 1 − w2
///   per group g:  μ, v = two-pass mean and population variance of the group
///                 Δ = μ − m;  m += w2·Δ;  s += w2·((v − s) + w1·Δ²)
///                 y = (x − m)·rsqrt(s + eps)·(weight + 1) + bias
///
/// which is Semantics.md's update (w1·m + w2·μ = m + w2·Δ, and likewise for s)
/// written as increments, so that the two additions can be Kahan-compensated
/// as MEGALODON does: without compensation the running mean drifts by
/// O(c·ulp(m)), which rsqrt(s) magnifies when |m| is large against the
/// spread. The first step (c = 0, so w1 = 0) overwrites the state exactly
/// instead, since s + (v − s) would lose v when v ≪ s.
std::unique_ptr<ReferenceImplementation>
TimestepNormOp::prepareReference(OpBuilder &rewriter) {
    TimestepNormOp op = *this;
    Location loc = op.getLoc();
    bool hasFinal = op.getOuts().size() == 4;
    SmallVector<Value> floats = {op.getInput(), op.getWeight(), op.getBias(),
                                 op.getPrevMean(), op.getPrevVar()};
    if (hasFinal)
      floats.append({op.getOuts()[2], op.getOuts()[3]});
    FloatType acc = widestAccumulationType(floats);

    Value x = op.getInput();
    Value weight = op.getWeight();
    Value bias = op.getBias();
    Value mask = op.getPaddingMask();
    bool hasPrev = static_cast<bool>(op.getPrevCount());
    Value prevCount = op.getPrevCount(), prevMean = op.getPrevMean(),
          prevVar = op.getPrevVar();
    SmallVector<Value> results(op.getOuts());
    Value output = results[0];

    Value length = dimSize(rewriter, loc, x, 1);
    Value features = dimSize(rewriter, loc, x, 2);
    Value groups = indexConst(rewriter, loc, op.getNumGroups());
    Value groupSize = arith::DivUIOp::create(rewriter, loc, features, groups);
    Value zero = indexConst(rewriter, loc, 0);
    Value groupSizeF = indexToFloat(rewriter, loc, groupSize, acc);
    Value eps = floatConst(rewriter, loc, acc, op.getEps().convertToDouble());

    // Per-group state of the current batch row and its Kahan compensations.
    Value mean = allocScratch(rewriter, loc, {groups}, acc);
    Value var = allocScratch(rewriter, loc, {groups}, acc);
    Value meanErr = allocScratch(rewriter, loc, {groups}, acc);
    Value varErr = allocScratch(rewriter, loc, {groups}, acc);

    // Σ_{i<K} f(x[b, t, g·K + i]) in the accumulation type.
    auto sumGroup = [=](OpBuilder &b, Location l, Value base,
                        function_ref<Value(OpBuilder &, Location, Value)> f) {
      Value init = floatConst(b, l, acc, 0.0);
      return forLoop(b, l, zero, groupSize, init,
                     [&](OpBuilder &ib, Location il, Value i,
                         ValueRange partial) -> SmallVector<Value> {
                       Value feature = arith::AddIOp::create(ib, il, base, i);
                       return {add(ib, il, partial[0], f(ib, il, feature))};
                     })[0];
    };

    // One unpadded step at (b, t) with count c before it; returns c + 1.
    auto step = [=](OpBuilder &b, Location l, Value bi, Value t,
                    Value count) -> Value {
      Value one = floatConst(b, l, acc, 1.0);
      Value next = arith::AddIOp::create(
          b, l, count, arith::ConstantOp::create(b, l, b.getI64IntegerAttr(1)));
      Value first = arith::CmpIOp::create(
          b, l, arith::CmpIPredicate::eq, count,
          arith::ConstantOp::create(b, l, b.getI64IntegerAttr(0)));
      Value w2 = div(b, l, one, arith::SIToFPOp::create(b, l, acc, next));
      Value w1 = sub(b, l, one, w2);
      Value accZero = floatConst(b, l, acc, 0.0);
      forEach(b, l, groups, [&](OpBuilder &gb, Location gl, ValueRange g) {
        Value base = arith::MulIOp::create(gb, gl, g[0], groupSize);
        auto xAt = [&](OpBuilder &ib, Location il, Value feature) {
          return loadAs(ib, il, x, {bi, t, feature}, acc);
        };
        Value mu = div(gb, gl, sumGroup(gb, gl, base, xAt), groupSizeF);
        Value v = div(gb, gl,
                      sumGroup(gb, gl, base,
                               [&](OpBuilder &ib, Location il, Value feature) {
                                 Value dev =
                                     sub(ib, il, xAt(ib, il, feature), mu);
                                 return mul(ib, il, dev, dev);
                               }),
                      groupSizeF);

        // Kahan: sum' = sum + (inc − err), err' = (sum' − sum) − (inc − err).
        auto kahanAdd = [&](Value sum, Value buffer, Value errBuffer,
                            Value increment, Value overwrite) -> Value {
          Value err = memref::LoadOp::create(gb, gl, errBuffer, g);
          Value corrected = sub(gb, gl, increment, err);
          Value total = add(gb, gl, sum, corrected);
          Value newErr = sub(gb, gl, sub(gb, gl, total, sum), corrected);
          total = arith::SelectOp::create(gb, gl, first, overwrite, total);
          newErr = arith::SelectOp::create(gb, gl, first, accZero, newErr);
          memref::StoreOp::create(gb, gl, total, buffer, g);
          memref::StoreOp::create(gb, gl, newErr, errBuffer, g);
          return total;
        };
        Value m = memref::LoadOp::create(gb, gl, mean, g);
        Value s = memref::LoadOp::create(gb, gl, var, g);
        Value delta = sub(gb, gl, mu, m);
        Value newMean = kahanAdd(m, mean, meanErr, mul(gb, gl, w2, delta), mu);
        Value spread = mul(gb, gl, w1, mul(gb, gl, delta, delta));
        Value varIncrement =
            mul(gb, gl, w2, add(gb, gl, sub(gb, gl, v, s), spread));
        Value newVar = kahanAdd(s, var, varErr, varIncrement, v);

        Value rstd = math::RsqrtOp::create(gb, gl, add(gb, gl, newVar, eps));
        forEach(
            gb, gl, groupSize, [&](OpBuilder &ib, Location il, ValueRange i) {
              Value feature = arith::AddIOp::create(ib, il, base, i[0]);
              Value scale = add(ib, il, loadAs(ib, il, weight, feature, acc),
                                floatConst(ib, il, acc, 1.0));
              Value normed =
                  mul(ib, il, sub(ib, il, xAt(ib, il, feature), newMean), rstd);
              Value y = add(ib, il, mul(ib, il, normed, scale),
                            loadAs(ib, il, bias, feature, acc));
              storeAs(ib, il, y, output, {bi, t, feature});
            });
      });
      return next;
    };

    return pointwise(
        [=](OpBuilder &nb, Location nloc, ValueRange bRange) {
          Value bi = bRange[0];
          Value count =
              hasPrev
                  ? memref::LoadOp::create(nb, nloc, prevCount, bi).getResult()
                  : arith::ConstantOp::create(nb, nloc, nb.getI64IntegerAttr(0))
                        .getResult();
          forEach(nb, nloc, groups,
                  [&](OpBuilder &gb, Location gl, ValueRange g) {
                    SmallVector<Value> bg = {bi, g[0]};
                    Value m = hasPrev ? loadAs(gb, gl, prevMean, bg, acc)
                                      : floatConst(gb, gl, acc, 0.0);
                    Value s = hasPrev ? loadAs(gb, gl, prevVar, bg, acc)
                                      : floatConst(gb, gl, acc, 1.0);
                    Value accZero = floatConst(gb, gl, acc, 0.0);
                    memref::StoreOp::create(gb, gl, m, mean, g);
                    memref::StoreOp::create(gb, gl, s, var, g);
                    memref::StoreOp::create(gb, gl, accZero, meanErr, g);
                    memref::StoreOp::create(gb, gl, accZero, varErr, g);
                  });

          ValueRange last = forLoop(
              nb, nloc, zero, length, count,
              [&](OpBuilder &tb, Location tloc, Value t,
                  ValueRange iterArgs) -> SmallVector<Value> {
                Value c = iterArgs[0];
                if (!mask)
                  return {step(tb, tloc, bi, t, c)};
                // Padded steps write zeros and keep the state.
                Value padded =
                    memref::LoadOp::create(tb, tloc, mask, ValueRange{bi, t});
                auto ifOp = scf::IfOp::create(tb, tloc, TypeRange{c.getType()},
                                              padded, /*addThenBlock=*/true,
                                              /*addElseBlock=*/true);
                OpBuilder thenBuilder = ifOp.getThenBodyBuilder();
                forEach(thenBuilder, tloc, features,
                        [&](OpBuilder &ib, Location il, ValueRange i) {
                          storeAs(ib, il, floatConst(ib, il, acc, 0.0), output,
                                  {bi, t, i[0]});
                        });
                scf::YieldOp::create(thenBuilder, tloc, c);
                OpBuilder elseBuilder = ifOp.getElseBodyBuilder();
                scf::YieldOp::create(elseBuilder, tloc,
                                     step(elseBuilder, tloc, bi, t, c));
                return {ifOp.getResult(0)};
              });

          if (hasFinal) {
            memref::StoreOp::create(nb, nloc, last[0], results[1], bi);
            forEach(nb, nloc, groups,
                    [&](OpBuilder &gb, Location gl, ValueRange g) {
                      SmallVector<Value> bg = {bi, g[0]};
                      storeAs(gb, gl, memref::LoadOp::create(gb, gl, mean, g),
                              results[2], bg);
                      storeAs(gb, gl, memref::LoadOp::create(gb, gl, var, g),
                              results[3], bg);
                    });
          }
        });

}
