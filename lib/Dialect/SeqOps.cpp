//===- SeqOps.cpp - seq op verifiers and helpers --------------------------===//
//
// Every shape, type and attribute rule of the seq ops, each with a diagnostic
// that names the operand and the expected versus the actual type.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir;
using namespace mlir::seq;

/// Marks a dimension the rule does not constrain.
static constexpr int64_t kAny = ShapedType::kDynamic;

namespace {
/// Checks the operands of one op against the shape rules of its layout and
/// reports the first violation on the op.
class OperandChecker {
public:
  explicit OperandChecker(Operation *op) : op(op) {}

  static int64_t dim(Value value, unsigned index) {
    auto type = cast<ShapedType>(value.getType());
    return index < type.getRank() ? type.getDimSize(index) : kAny;
  }

  LogicalResult rank(Value value, StringRef name, int64_t rank,
                     StringRef layout) {
    auto type = cast<ShapedType>(value.getType());
    if (type.getRank() == rank)
      return success();
    return op->emitOpError()
           << "'" << name << "' must be a rank-" << rank << " tensor " << layout
           << ", but has type " << value.getType();
  }

  LogicalResult minRank(Value value, StringRef name, int64_t rank,
                        StringRef layout) {
    auto type = cast<ShapedType>(value.getType());
    if (type.getRank() >= rank)
      return success();
    return op->emitOpError()
           << "'" << name << "' must have rank >= " << rank << " " << layout
           << ", but has type " << value.getType();
  }

  /// `expected` may hold kAny for unconstrained or unknown dimensions; a
  /// dynamic actual dimension is compatible with anything.
  LogicalResult shape(Value value, StringRef name, ArrayRef<int64_t> expected,
                      StringRef layout) {
    auto type = cast<ShapedType>(value.getType());
    bool ok = type.getRank() == static_cast<int64_t>(expected.size());
    for (auto [actual, want] : llvm::zip(type.getShape(), expected))
      ok = ok &&
           (want == kAny || ShapedType::isDynamic(actual) || actual == want);
    if (ok)
      return success();
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "(";
    llvm::interleaveComma(expected, os, [&](int64_t d) {
      if (d == kAny)
        os << "*";
      else
        os << d;
    });
    os << ")";
    return op->emitOpError()
           << "'" << name << "' must have shape " << layout << " = " << text
           << ", but has type " << value.getType();
  }

  LogicalResult floatElements(Value value, StringRef name) {
    Type element = getElementTypeOrSelf(value.getType());
    if (isa<Float16Type, BFloat16Type, Float32Type, Float64Type>(element))
      return success();
    return op->emitOpError() << "'" << name
                             << "' must have f16, bf16, f32 or f64 elements, "
                                "but has type "
                             << value.getType();
  }

  LogicalResult complexElements(Value value, StringRef name) {
    auto complex = dyn_cast<ComplexType>(getElementTypeOrSelf(value.getType()));
    if (complex && isa<Float32Type, Float64Type>(complex.getElementType()))
      return success();
    return op->emitOpError()
           << "'" << name
           << "' must have complex<f32> or complex<f64> elements, but has type "
           << value.getType();
  }

  LogicalResult elementType(Value value, StringRef name, Type expected,
                            StringRef why) {
    if (getElementTypeOrSelf(value.getType()) == expected)
      return success();
    return op->emitOpError()
           << "'" << name << "' must have element type " << expected << " ("
           << why << "), but has type " << value.getType();
  }

  LogicalResult outsCount(ValueRange outs, ArrayRef<unsigned> allowed,
                          StringRef names) {
    if (llvm::is_contained(allowed, outs.size()))
      return success();
    auto diag = op->emitOpError() << "expects ";
    llvm::interleave(
        allowed, diag, [&](unsigned n) { diag << n; }, " or ");
    return diag << " destinations " << names << ", but got " << outs.size();
  }

  LogicalResult requireWith(Value operand, StringRef name, bool condition,
                            StringRef condName) {
    if (!operand || condition)
      return success();
    return op->emitOpError() << "'" << name << "' requires " << condName;
  }

private:
  Operation *op;
};
} // namespace

static bool isFiniteDouble(double value) { return std::isfinite(value); }

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

/// The scale attribute, or 1/sqrt(E) when E is static.
template <typename OpTy>
static std::optional<double> staticScaleOf(OpTy op) {
  if (std::optional<APFloat> scale = op.getScale())
    return scale->convertToDouble();
  int64_t e = cast<ShapedType>(op.getQuery().getType()).getDimSize(3);
  if (ShapedType::isDynamic(e))
    return std::nullopt;
  return 1.0 / std::sqrt(static_cast<double>(e));
}

std::optional<double> AttentionOp::getStaticScale() {
  return staticScaleOf(*this);
}
std::optional<double> OnlineAttentionOp::getStaticScale() {
  return staticScaleOf(*this);
}

/// The rules seq.attention and seq.online_attention share: operand shapes,
/// positions, scale and mask attributes. Sets (b, hq, lq, ev) and `element`.
template <typename OpTy>
static LogicalResult verifyAttentionOperands(OpTy op, OperandChecker &check,
                                             SmallVector<int64_t> &dims,
                                             Type &element) {
  Value q = op.getQuery(), k = op.getKey(), v = op.getValue();
  if (failed(check.rank(q, "query", 4, "(B, Hq, Lq, E)")) ||
      failed(check.rank(k, "key", 4, "(B, Hkv, Lk, E)")) ||
      failed(check.rank(v, "value", 4, "(B, Hkv, Lk, Ev)")) ||
      failed(check.floatElements(q, "query")))
    return failure();
  element = getElementTypeOrSelf(q.getType());
  if (failed(check.elementType(k, "key", element, "same as 'query'")) ||
      failed(check.elementType(v, "value", element, "same as 'query'")))
    return failure();

  auto d = OperandChecker::dim;
  int64_t b = d(q, 0), hq = d(q, 1), lq = d(q, 2), e = d(q, 3);
  if (failed(check.shape(k, "key", {b, kAny, kAny, e}, "(B, Hkv, Lk, E)")))
    return failure();
  int64_t hkv = d(k, 1), lk = d(k, 2);
  if (failed(check.shape(v, "value", {b, hkv, lk, kAny}, "(B, Hkv, Lk, Ev)")))
    return failure();
  int64_t ev = d(v, 3);
  if (!ShapedType::isDynamic(hq) && !ShapedType::isDynamic(hkv) &&
      (hkv == 0 || hq % hkv != 0))
    return op.emitOpError() << "query heads (" << hq
                            << ") must be a multiple of key/value heads ("
                            << hkv << ") for grouped-query attention";
  if (op.getPositions().size() != 0 && op.getPositions().size() != 2)
    return op.emitOpError()
           << "'positions' takes the position of query row 0 and of key 0 "
              "(2 values), but got "
           << op.getPositions().size();
  if (e == 0 && !op.getScale())
    return op.emitOpError() << "head dimension E is 0, so the default scale "
                               "1/sqrt(E) is undefined; give 'scale'";
  if (std::optional<APFloat> scale = op.getScale())
    if (!scale->isFinite())
      return op.emitOpError() << "'scale' must be finite";

  MaskKind mask = op.getMask();
  // `attr` is required by, and only allowed with, the mask kinds `kinds`.
  auto attrOnlyWith = [&](bool present, StringRef attr,
                          ArrayRef<MaskKind> kinds) -> LogicalResult {
    bool wanted = llvm::is_contained(kinds, mask);
    if (present && !wanted) {
      auto diag = op.emitOpError()
                  << "'" << attr << "' is only meaningful with mask ";
      llvm::interleave(
          kinds, diag, [&](MaskKind kind) { diag << stringifyMaskKind(kind); },
          " or ");
      return diag << ", but mask is " << stringifyMaskKind(mask);
    }
    if (!present && wanted)
      return op.emitOpError() << "mask " << stringifyMaskKind(mask)
                              << " requires the '" << attr << "' attribute";
    return success();
  };
  if (failed(attrOnlyWith(op.getWindow().has_value(), "window",
                          {MaskKind::sliding_window})) ||
      failed(attrOnlyWith(op.getChunkSize().has_value(), "chunk_size",
                          {MaskKind::chunk_causal, MaskKind::chunk})) ||
      failed(attrOnlyWith(op.getPrefixLength().has_value(), "prefix_length",
                          {MaskKind::prefix})))
    return failure();
  if (std::optional<ArrayRef<int64_t>> window = op.getWindow()) {
    if (window->size() != 2 || (*window)[0] < -1 || (*window)[1] < -1)
      return op.emitOpError() << "'window' must be [left, right] with both "
                                 ">= 0 or -1 (unbounded)";
  }
  if (std::optional<uint64_t> chunk = op.getChunkSize())
    if (static_cast<int64_t>(*chunk) <= 0)
      return op.emitOpError() << "'chunk_size' must be positive, but is "
                              << static_cast<int64_t>(*chunk);
  if (std::optional<uint64_t> prefix = op.getPrefixLength())
    if (static_cast<int64_t>(*prefix) < 0)
      return op.emitOpError() << "'prefix_length' must be >= 0, but is "
                              << static_cast<int64_t>(*prefix);
  dims = {b, hq, lq, ev};
  return success();
}

LogicalResult AttentionOp::verify() {
  OperandChecker check(*this);
  SmallVector<int64_t> dims;
  Type element;
  if (failed(verifyAttentionOperands(*this, check, dims, element)))
    return failure();
  int64_t b = dims[0], hq = dims[1], lq = dims[2], ev = dims[3];
  if (failed(check.outsCount(getOuts(), {1, 2}, "(output[, logsumexp])")))
    return failure();
  if (failed(check.shape(getOutput(), "output", {b, hq, lq, ev},
                         "(B, Hq, Lq, Ev)")) ||
      failed(
          check.elementType(getOutput(), "output", element, "same as 'query'")))
    return failure();
  if (Value lse = getLogsumexp()) {
    if (failed(check.shape(lse, "logsumexp", {b, hq, lq}, "(B, Hq, Lq)")) ||
        failed(check.elementType(lse, "logsumexp", getAccumulationType(element),
                                 "the accumulation type")))
      return failure();
  }
  return success();
}

LogicalResult OnlineAttentionOp::verify() {
  OperandChecker check(*this);
  SmallVector<int64_t> dims;
  Type element;
  if (failed(verifyAttentionOperands(*this, check, dims, element)))
    return failure();
  int64_t b = dims[0], hq = dims[1], lq = dims[2], ev = dims[3];
  Type acc = getAccumulationType(element);
  if (failed(check.outsCount(getOuts(), {3}, "(accumulator, max, sum)")) ||
      failed(check.shape(getAccumulator(), "accumulator", {b, hq, lq, ev},
                         "(B, Hq, Lq, Ev)")) ||
      failed(check.elementType(getAccumulator(), "accumulator", acc,
                               "the accumulation type")) ||
      failed(check.shape(getMax(), "max", {b, hq, lq}, "(B, Hq, Lq)")) ||
      failed(check.elementType(getMax(), "max", acc, "the accumulation type")) ||
      failed(check.shape(getSum(), "sum", {b, hq, lq}, "(B, Hq, Lq)")) ||
      failed(check.elementType(getSum(), "sum", acc, "the accumulation type")))
    return failure();
  return success();
}

/// Checks that an optional modifier region has one block with `argTypes` and
/// ends in a seq.yield of one `yieldType` value.
static LogicalResult verifyModifierRegion(Operation *op, Region &region,
                                          StringRef name,
                                          ArrayRef<Type> argTypes,
                                          Type yieldType, StringRef signature) {
  if (region.empty())
    return success();
  if (!region.hasOneBlock())
    return op->emitOpError() << "'" << name << "' region must have one block";
  Block &block = region.front();
  if (block.getNumArguments() != argTypes.size() ||
      !llvm::equal(block.getArgumentTypes(), argTypes))
    return op->emitOpError()
           << "'" << name << "' region must take " << signature;
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield || yield.getValues().size() != 1 ||
      yield.getValues()[0].getType() != yieldType)
    return op->emitOpError()
           << "'" << name << "' region must end in 'seq.yield' of one "
           << yieldType << " value";
  // The region may read values of the enclosing function (captured tensors
  // indexed with b, h, i, j), but lowerings evaluate it any number of times
  // and in any order, or not at all for skipped keys: it must not write.
  for (Operation &inner : block.without_terminator()) {
    std::optional<SmallVector<MemoryEffects::EffectInstance>> effects =
        getEffectsRecursively(&inner);
    bool readOnly = effects && llvm::all_of(*effects, [](const auto &effect) {
                      return isa<MemoryEffects::Read>(effect.getEffect());
                    });
    if (!readOnly)
      return op->emitOpError()
             << "'" << name << "' region may only read memory, but '"
             << inner.getName() << "' has other side effects";
  }
  return success();
}

template <typename OpTy>
static LogicalResult verifyModifierRegions(OpTy op) {
  MLIRContext *ctx = op.getContext();
  Type acc = getAccumulationType(getElementTypeOrSelf(op.getQuery().getType()));
  Type index = IndexType::get(ctx);
  std::string scoreSig;
  llvm::raw_string_ostream(scoreSig)
      << "(score: " << acc << ", b: index, h: index, i: index, j: index)";
  if (failed(verifyModifierRegion(op, op.getScoreMod(), "score_mod",
                                  {acc, index, index, index, index}, acc,
                                  scoreSig)))
    return failure();
  return verifyModifierRegion(
      op, op.getMaskMod(), "mask_mod", {index, index, index, index},
      IntegerType::get(ctx, 1), "(b: index, h: index, i: index, j: index)");
}

LogicalResult AttentionOp::verifyRegions() {
  return verifyModifierRegions(*this);
}
LogicalResult OnlineAttentionOp::verifyRegions() {
  return verifyModifierRegions(*this);
}

//===----------------------------------------------------------------------===//
// ComposeHeadsOp
//===----------------------------------------------------------------------===//

LogicalResult ComposeHeadsOp::verify() {
  OperandChecker check(*this);
  Value a = getScores();
  if (failed(check.rank(a, "scores", 4, "(B, H, T, S)")) ||
      failed(check.floatElements(a, "scores")))
    return failure();
  Type element = getElementTypeOrSelf(a.getType());
  auto d = OperandChecker::dim;
  int64_t b = d(a, 0), h = d(a, 1), t = d(a, 2), s = d(a, 3);

  auto operand = [&](Value value, StringRef name, ArrayRef<int64_t> shape,
                     StringRef layout) -> LogicalResult {
    if (!value)
      return success();
    if (failed(check.shape(value, name, shape, layout)))
      return failure();
    return check.elementType(value, name, element, "same as 'scores'");
  };
  if (failed(operand(getStaticWeight(), "static", {h, h}, "(H, H)")))
    return failure();
  if (static_cast<bool>(getQueryW1()) != static_cast<bool>(getQueryW2()) ||
      static_cast<bool>(getKeyW1()) != static_cast<bool>(getKeyW2()))
    return emitOpError()
           << "'query_w1'/'query_w2' and 'key_w1'/'key_w2' come in pairs";
  int64_t rq = getQueryW1() ? d(getQueryW1(), 2) : kAny;
  int64_t rk = getKeyW1() ? d(getKeyW1(), 2) : kAny;
  if (failed(
          operand(getQueryW1(), "query_w1", {b, t, kAny, h}, "(B, T, R, H)")) ||
      failed(
          operand(getQueryW2(), "query_w2", {b, t, rq, h}, "(B, T, R, H)")) ||
      failed(operand(getKeyW1(), "key_w1", {b, s, kAny, h}, "(B, S, R, H)")) ||
      failed(operand(getKeyW2(), "key_w2", {b, s, rk, h}, "(B, S, R, H)")) ||
      failed(operand(getQueryGate(), "query_gate", {b, t, h}, "(B, T, H)")) ||
      failed(operand(getKeyGate(), "key_gate", {b, s, h}, "(B, S, H)")))
    return failure();
  if (failed(check.outsCount(getOuts(), {1}, "(output)")))
    return failure();
  return operand(getOuts()[0], "output", {b, h, t, s}, "(B, H, T, S)");
}

//===----------------------------------------------------------------------===//
// ScanOp
//===----------------------------------------------------------------------===//

/// The shape of `shape` without its sequence dimension (dimension 1).
static SmallVector<int64_t> dropSequenceDim(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result(shape);
  result.erase(result.begin() + 1);
  return result;
}

LogicalResult ScanOp::verify() {
  OperandChecker check(*this);
  Value a = getA(), b = getB();
  if (failed(check.minRank(a, "a", 2, "(B, L, S...)")))
    return failure();
  auto aType = cast<ShapedType>(a.getType());
  Type element = aType.getElementType();
  if (!isa<ComplexType>(element) && failed(check.floatElements(a, "a")))
    return failure();
  if (isa<ComplexType>(element) && failed(check.complexElements(a, "a")))
    return failure();
  SmallVector<int64_t> full(aType.getShape());
  SmallVector<int64_t> state = dropSequenceDim(full);
  if (failed(check.shape(b, "b", full, "(B, L, S...) like 'a'")) ||
      failed(check.elementType(b, "b", element, "same as 'a'")))
    return failure();
  if (Value init = getInitial())
    if (failed(check.shape(init, "initial", state, "(B, S...)")) ||
        failed(check.elementType(init, "initial", element, "same as 'a'")))
      return failure();
  if (failed(check.outsCount(getOuts(), {1, 2}, "(states[, final])")))
    return failure();
  if (failed(check.shape(getOuts()[0], "states", full, "(B, L, S...)")) ||
      failed(check.elementType(getOuts()[0], "states", element, "same as 'a'")))
    return failure();
  if (Value final = getFinal())
    if (failed(check.shape(final, "final", state, "(B, S...)")) ||
        failed(check.elementType(final, "final", element, "same as 'a'")))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// EmaOp
//===----------------------------------------------------------------------===//

LogicalResult EmaOp::verify() {
  OperandChecker check(*this);
  Value x = getInput();
  if (failed(check.rank(x, "input", 3, "(B, L, D)")) ||
      failed(check.floatElements(x, "input")) ||
      failed(check.rank(getWeightLogit(), "weight_logit", 2, "(D, N)")) ||
      failed(check.floatElements(getWeightLogit(), "weight_logit")))
    return failure();
  Type element = getElementTypeOrSelf(x.getType());
  Type param = getElementTypeOrSelf(getWeightLogit().getType());
  auto d = OperandChecker::dim;
  int64_t b = d(x, 0), l = d(x, 1), dm = d(x, 2);
  int64_t n = d(getWeightLogit(), 1);
  auto paramOperand = [&](Value value, StringRef name, ArrayRef<int64_t> shape,
                          StringRef layout) -> LogicalResult {
    if (failed(check.shape(value, name, shape, layout)))
      return failure();
    return check.elementType(value, name, param, "same as 'weight_logit'");
  };
  if (failed(
          paramOperand(getWeightLogit(), "weight_logit", {dm, n}, "(D, N)")) ||
      failed(paramOperand(getDampingLogit(), "damping_logit", {dm, n},
                          "(D, N)")) ||
      failed(paramOperand(getOmega(), "omega", {dm}, "(D)")))
    return failure();

  bool complex = isComplex();
  if (complex) {
    if (failed(paramOperand(getGamma(), "gamma", {dm, n, 2},
                            "(D, N, 2) of (real, imag)")))
      return failure();
    if (getBeta())
      return emitOpError() << "'beta' is only used by the damped EMA; the "
                              "complex EMA absorbs it into 'gamma'";
    if (!getTheta())
      return emitOpError() << "the complex EMA requires 'theta' (D)";
    if (failed(paramOperand(getTheta(), "theta", {dm}, "(D)")))
      return failure();
  } else {
    if (failed(paramOperand(getGamma(), "gamma", {dm, n}, "(D, N)")))
      return failure();
    if (getTheta())
      return emitOpError() << "'theta' is only used by the complex EMA";
    if (!getBeta())
      return emitOpError() << "the damped EMA requires 'beta' (D, N)";
    if (failed(paramOperand(getBeta(), "beta", {dm, n}, "(D, N)")))
      return failure();
  }

  // The state is real for the damped EMA and complex for the complex one.
  auto stateOperand = [&](Value value, StringRef name) -> LogicalResult {
    if (failed(check.shape(value, name, {b, dm, n}, "(B, D, N)")))
      return failure();
    if (complex)
      return check.complexElements(value, name);
    return check.floatElements(value, name);
  };
  if (Value init = getInitial())
    if (failed(stateOperand(init, "initial")))
      return failure();
  if (failed(check.outsCount(getOuts(), {1, 2}, "(output[, final])")))
    return failure();
  if (failed(check.shape(getOuts()[0], "output", {b, l, dm}, "(B, L, D)")) ||
      failed(check.elementType(getOuts()[0], "output", element,
                               "same as 'input'")))
    return failure();
  if (Value final = getFinal())
    if (failed(stateOperand(final, "final")))
      return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// LongConvOp
//===----------------------------------------------------------------------===//

LogicalResult LongConvOp::verify() {
  OperandChecker check(*this);
  Value u = getInput();
  bool spectrum = hasFilterSpectrum();
  StringRef filterLayout = spectrum ? "(C, F)" : "(C, K)";
  if (failed(check.rank(u, "input", 3, "(B, L, C)")) ||
      failed(check.floatElements(u, "input")) ||
      failed(check.rank(getFilter(), "filter", 2, filterLayout)) ||
      failed(spectrum ? check.complexElements(getFilter(), "filter")
                      : check.floatElements(getFilter(), "filter")))
    return failure();
  auto d = OperandChecker::dim;
  int64_t b = d(u, 0), l = d(u, 1), c = d(u, 2);
  if (failed(check.shape(getFilter(), "filter", {c, kAny}, filterLayout)))
    return failure();
  int64_t f = d(getFilter(), 1);
  if (!spectrum && f == 0)
    return emitOpError() << "'filter' must have at least one tap";
  if (spectrum) {
    // A spectrum rfft(k, n) of F = n/2 + 1 bins, n even and >= L.
    if (f != ShapedType::kDynamic && f < 2)
      return emitOpError() << "'filter' spectrum must have at least 2 bins "
                              "(F = n/2 + 1), but has type "
                           << getFilter().getType();
    if (f != ShapedType::kDynamic && l != ShapedType::kDynamic &&
        spectrumSize() < l)
      return emitOpError()
             << "'filter' spectrum of F = " << f << " bins is a transform of n "
             << "= 2 (F - 1) = " << spectrumSize()
             << " points, shorter than the sequence (L = " << l << ")";
    if (getMethod() == ConvMethod::direct)
      return emitOpError() << "method 'direct' needs the filter's taps, not "
                              "its spectrum";
  }
  Type element = getElementTypeOrSelf(u.getType());
  auto operand = [&](Value value, StringRef name, ArrayRef<int64_t> shape,
                     StringRef layout) -> LogicalResult {
    if (!value)
      return success();
    if (failed(check.shape(value, name, shape, layout)))
      return failure();
    return check.floatElements(value, name);
  };
  if (failed(operand(getSkip(), "skip", {c}, "(C)")) ||
      failed(operand(getPregate(), "pregate", {b, l, c}, "(B, L, C)")) ||
      failed(operand(getPostgate(), "postgate", {b, l, c}, "(B, L, C)")) ||
      failed(check.outsCount(getOuts(), {1}, "(output)")) ||
      failed(operand(getOuts()[0], "output", {b, l, c}, "(B, L, C)")) ||
      failed(check.elementType(getOuts()[0], "output", element,
                               "same as 'input'")))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// FFT ops
//===----------------------------------------------------------------------===//

/// Shared rule of the FFT ops: equal leading dimensions, the last dimension of
/// the output `outLast`, and element types `inKind` / `outKind`.
static LogicalResult verifyFftLike(Operation *op, Value input, ValueRange outs,
                                   bool inputComplex, bool outputComplex,
                                   bool isIrfft) {
  OperandChecker check(op);
  if (failed(check.minRank(input, "input", 1, "(..., N)")) ||
      failed(check.outsCount(outs, {1}, "(output)")))
    return failure();
  Value out = outs[0];
  if (failed(inputComplex ? check.complexElements(input, "input")
                          : check.floatElements(input, "input")) ||
      failed(outputComplex ? check.complexElements(out, "output")
                           : check.floatElements(out, "output")))
    return failure();
  Type inElement = getElementTypeOrSelf(input.getType());
  Type outElement = getElementTypeOrSelf(out.getType());
  if (inputComplex && outputComplex && inElement != outElement)
    return check.elementType(out, "output", inElement, "same as 'input'");
  if (!inputComplex &&
      cast<ComplexType>(outElement).getElementType() != inElement)
    return check.elementType(out, "output", ComplexType::get(inElement),
                             "complex of the input's float type");
  if (!outputComplex &&
      cast<ComplexType>(inElement).getElementType() != outElement)
    return check.elementType(out, "output",
                             cast<ComplexType>(inElement).getElementType(),
                             "the float type of the input's complex elements");

  auto inType = cast<ShapedType>(input.getType());
  auto outType = cast<ShapedType>(out.getType());
  SmallVector<int64_t> expected(inType.getShape());
  int64_t n = expected.back();
  StringRef layout = "(..., N)";
  if (!inputComplex && !ShapedType::isDynamic(n)) {
    expected.back() = n / 2 + 1; // rfft keeps the non-negative bins.
    layout = "(..., N/2+1)";
  }
  if (isIrfft) {
    // N comes from the output; the input must hold its N/2+1 bins.
    int64_t outN = outType.getRank() ? outType.getShape().back() : kAny;
    if (failed(check.rank(out, "output", inType.getRank(), "(..., N)")))
      return failure();
    if (!ShapedType::isDynamic(outN) && !ShapedType::isDynamic(n) &&
        outN / 2 + 1 != n)
      return op->emitOpError()
             << "'input' must have N/2+1 = " << outN / 2 + 1
             << " bins for an output of length N = " << outN << ", but has "
             << n << " (" << input.getType() << ")";
    expected.back() = outN;
  }
  if (failed(check.shape(out, "output", expected, layout)))
    return failure();
  // The transform length N: the input's last dimension, or the output's for
  // irfft (for rfft, expected.back() is the bin count N/2+1, never 0).
  int64_t length = isIrfft ? expected.back() : n;
  if (!ShapedType::isDynamic(length) && length < 1)
    return op->emitOpError() << "transform length must be at least 1";
  return success();
}

LogicalResult FftOp::verify() {
  return verifyFftLike(*this, getInput(), getOuts(), true, true, false);
}
LogicalResult IfftOp::verify() {
  return verifyFftLike(*this, getInput(), getOuts(), true, true, false);
}
LogicalResult RfftOp::verify() {
  return verifyFftLike(*this, getInput(), getOuts(), false, true, false);
}
LogicalResult IrfftOp::verify() {
  return verifyFftLike(*this, getInput(), getOuts(), true, false, true);
}

//===----------------------------------------------------------------------===//
// LinearAttentionOp
//===----------------------------------------------------------------------===//

LogicalResult LinearAttentionOp::verify() {
  OperandChecker check(*this);
  Value q = getQuery(), k = getKey(), v = getValue();
  if (failed(check.rank(q, "query", 4, "(B, H, L, F)")) ||
      failed(check.floatElements(q, "query")) ||
      failed(check.rank(v, "value", 4, "(B, H, L, Ev)")))
    return failure();
  auto d = OperandChecker::dim;
  int64_t b = d(q, 0), h = d(q, 1), l = d(q, 2), f = d(q, 3), ev = d(v, 3);
  auto operand = [&](Value value, StringRef name, ArrayRef<int64_t> shape,
                     StringRef layout) -> LogicalResult {
    if (!value)
      return success();
    if (failed(check.shape(value, name, shape, layout)))
      return failure();
    return check.floatElements(value, name);
  };
  if (failed(operand(k, "key", {b, h, l, f}, "(B, H, L, F)")) ||
      failed(operand(v, "value", {b, h, l, ev}, "(B, H, L, Ev)")))
    return failure();

  if (Value decay = getLogDecay()) {
    auto rank = cast<ShapedType>(decay.getType()).getRank();
    if (rank == 3) {
      if (failed(operand(decay, "log_decay", {b, h, l}, "(B, H, L) per head")))
        return failure();
    } else if (failed(operand(decay, "log_decay", {b, h, l, f},
                              "(B, H, L, F) per key dimension"))) {
      return failure();
    }
  }
  if (static_cast<bool>(getPrefixKey()) != static_cast<bool>(getPrefixValue()))
    return emitOpError() << "'prefix_key' and 'prefix_value' come together";
  if (getPrefixKey() && getLogDecay())
    return emitOpError() << "a prefix and a decay are exclusive";
  int64_t m = getPrefixKey() ? d(getPrefixKey(), 2) : kAny;
  if (failed(operand(getPrefixKey(), "prefix_key", {b, h, kAny, f},
                     "(B, H, M, F)")) ||
      failed(operand(getPrefixValue(), "prefix_value", {b, h, m, ev},
                     "(B, H, M, Ev)")) ||
      failed(operand(getInitialState(), "initial_state", {b, h, f, ev},
                     "(B, H, F, Ev)")) ||
      failed(operand(getInitialNormalizer(), "initial_normalizer", {b, h, f},
                     "(B, H, F)")) ||
      failed(check.requireWith(getInitialNormalizer(), "initial_normalizer",
                               getNormalize(), "'normalize'")))
    return failure();

  if (failed(check.outsCount(getOuts(), {1, 2, 3},
                             "(output[, final_state[, final_normalizer]])")) ||
      failed(operand(getOuts()[0], "output", {b, h, l, ev}, "(B, H, L, Ev)")) ||
      failed(operand(getFinalState(), "final_state", {b, h, f, ev},
                     "(B, H, F, Ev)")) ||
      failed(operand(getFinalNormalizer(), "final_normalizer", {b, h, f},
                     "(B, H, F)")) ||
      failed(check.requireWith(getFinalNormalizer(), "final_normalizer",
                               getNormalize(), "'normalize'")))
    return failure();
  if (!isFiniteDouble(getScale().convertToDouble()))
    return emitOpError() << "'scale' must be finite";
  if (!(getEps().convertToDouble() >= 0.0) ||
      !isFiniteDouble(getEps().convertToDouble()))
    return emitOpError() << "'eps' must be finite and >= 0";
  return success();
}

//===----------------------------------------------------------------------===//
// FeatureMapOp
//===----------------------------------------------------------------------===//

LogicalResult FeatureMapOp::verify() {
  OperandChecker check(*this);
  Value x = getInput();
  if (failed(check.minRank(x, "input", 1, "(..., d)")) ||
      failed(check.floatElements(x, "input")) ||
      failed(check.outsCount(getOuts(), {1}, "(output)")))
    return failure();
  SmallVector<int64_t> expected(cast<ShapedType>(x.getType()).getShape());
  int64_t dd = expected.back();
  if (getKind() == FeatureMapKind::taylor2 && !ShapedType::isDynamic(dd)) {
    // 1 + d + d*d, which overflows int64 for d > ~3e9.
    std::optional<int64_t> width = llvm::checkedMulAdd<int64_t>(dd, dd, dd);
    if (width)
      width = llvm::checkedAdd<int64_t>(*width, 1);
    if (!width)
      return emitOpError() << "taylor2 width 1 + d + d*d overflows for d = "
                           << dd;
    expected.back() = *width;
  }
  StringRef layout =
      getKind() == FeatureMapKind::taylor2 ? "(..., 1 + d + d*d)" : "(..., d)";
  if (failed(check.shape(getOuts()[0], "output", expected, layout)))
    return failure();
  return check.elementType(getOuts()[0], "output",
                           getElementTypeOrSelf(x.getType()),
                           "same as 'input'");
}

//===----------------------------------------------------------------------===//
// TimestepNormOp
//===----------------------------------------------------------------------===//

LogicalResult TimestepNormOp::verify() {
  OperandChecker check(*this);
  Value x = getInput();
  if (failed(check.rank(x, "input", 3, "(B, L, D)")) ||
      failed(check.floatElements(x, "input")))
    return failure();
  auto d = OperandChecker::dim;
  int64_t b = d(x, 0), l = d(x, 1), dm = d(x, 2);
  int64_t groups = getNumGroups();
  if (groups <= 0)
    return emitOpError() << "'num_groups' must be positive, but is " << groups;
  if (!ShapedType::isDynamic(dm) && dm % groups != 0)
    return emitOpError() << "feature size D = " << dm
                         << " must be a multiple of num_groups = " << groups;
  double eps = getEps().convertToDouble();
  if (!(eps >= 0.0) || !isFiniteDouble(eps))
    return emitOpError() << "'eps' must be finite and >= 0";

  Builder builder(getContext());
  auto floatOperand = [&](Value value, StringRef name, ArrayRef<int64_t> shape,
                          StringRef layout) -> LogicalResult {
    if (!value)
      return success();
    if (failed(check.shape(value, name, shape, layout)))
      return failure();
    return check.floatElements(value, name);
  };
  auto typedOperand = [&](Value value, StringRef name, ArrayRef<int64_t> shape,
                          StringRef layout, Type element) -> LogicalResult {
    if (!value)
      return success();
    if (failed(check.shape(value, name, shape, layout)))
      return failure();
    return check.elementType(value, name, element, "required");
  };
  if (failed(floatOperand(getWeight(), "weight", {dm}, "(D)")) ||
      failed(floatOperand(getBias(), "bias", {dm}, "(D)")) ||
      failed(typedOperand(getPaddingMask(), "padding_mask", {b, l}, "(B, L)",
                          builder.getI1Type())))
    return failure();
  // The parser only builds all three prev operands together, but the generic
  // form can give any subset.
  int prevCount = static_cast<bool>(getPrevCount()) +
                  static_cast<bool>(getPrevMean()) +
                  static_cast<bool>(getPrevVar());
  if (prevCount != 0 && prevCount != 3)
    return emitOpError()
           << "'prev_count', 'prev_mean' and 'prev_var' come together";
  if (failed(typedOperand(getPrevCount(), "prev_count", {b}, "(B)",
                          builder.getI64Type())) ||
      failed(floatOperand(getPrevMean(), "prev_mean", {b, groups}, "(B, G)")) ||
      failed(floatOperand(getPrevVar(), "prev_var", {b, groups}, "(B, G)")))
    return failure();

  if (failed(
          check.outsCount(getOuts(), {1, 4}, "(output[, count, mean, var])")) ||
      failed(floatOperand(getOuts()[0], "output", {b, l, dm}, "(B, L, D)")) ||
      failed(check.elementType(getOuts()[0], "output",
                               getElementTypeOrSelf(x.getType()),
                               "same as 'input'")))
    return failure();
  if (getOuts().size() == 4 &&
      (failed(typedOperand(getOuts()[1], "count", {b}, "(B)",
                           builder.getI64Type())) ||
       failed(floatOperand(getOuts()[2], "mean", {b, groups}, "(B, G)")) ||
       failed(floatOperand(getOuts()[3], "var", {b, groups}, "(B, G)"))))
    return failure();
  return success();
}

//===----------------------------------------------------------------------===//
// RotaryOp
//===----------------------------------------------------------------------===//

LogicalResult RotaryOp::verify() {
  OperandChecker check(*this);
  Value x = getInput();
  if (failed(check.minRank(x, "input", 2, "(..., L, d)")) ||
      failed(check.floatElements(x, "input")) ||
      failed(check.outsCount(getOuts(), {1}, "(output)")))
    return failure();
  auto type = cast<ShapedType>(x.getType());
  int64_t dd = type.getShape().back();
  if (!ShapedType::isDynamic(dd) && dd % 2 != 0)
    return emitOpError() << "feature size d = " << dd
                         << " must be even to form rotation pairs";
  if (failed(check.shape(getOuts()[0], "output", type.getShape(),
                         "(..., L, d) like 'input'")) ||
      failed(check.elementType(getOuts()[0], "output", type.getElementType(),
                               "same as 'input'")))
    return failure();
  double base = getBase().convertToDouble();
  if (!(base > 0.0) || !isFiniteDouble(base))
    return emitOpError() << "'base' must be finite and positive, but is "
                         << base;
  // I64Attr is returned as uint64_t; reinterpret it to see negative values.
  int64_t offset = static_cast<int64_t>(getPositionOffset());
  if (offset < 0)
    return emitOpError() << "'position_offset' must be >= 0, but is " << offset;
  if (std::optional<uint64_t> chunk = getChunkSize())
    if (static_cast<int64_t>(*chunk) <= 0)
      return emitOpError() << "'chunk_size' must be positive, but is "
                           << static_cast<int64_t>(*chunk);
  return success();
}

#define GET_OP_CLASSES
#include "seq/SeqOps.cpp.inc"
