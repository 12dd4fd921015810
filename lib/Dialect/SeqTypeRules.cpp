//===- SeqTypeRules.cpp - accumulation and destination types --------------===//
//
// The element-type rule every seq op computes with, and the types of each op's
// destinations as its inputs and attributes determine them
// (InferDestinationTypesOpInterface). Builders create `outs` of these types,
// so no client restates an op's shape rules; the verifiers in SeqOps.cpp
// remain the judge of what is valid.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/CheckedArithmetic.h"

using namespace mlir;
using namespace mlir::seq;


FloatType mlir::seq::getAccumulationType(Type element) {
  if (auto complex = dyn_cast<ComplexType>(element))
    element = complex.getElementType();
  if (element.isF64())
    return cast<FloatType>(element);
  return Float32Type::get(element.getContext());
}

FloatType mlir::seq::getWidestAccumulationType(ArrayRef<Type> types) {
  FloatType acc;
  for (Type type : types) {
    if (!type)
      continue;
    FloatType candidate = getAccumulationType(getElementTypeOrSelf(type));
    if (!acc || candidate.getWidth() > acc.getWidth())
      acc = candidate;
  }
  return acc;
}

namespace {
/// Collects the destination types of one op and reports why they cannot be
/// inferred.
class Destinations {
public:
  Destinations(std::optional<Location> location, unsigned count,
               SmallVectorImpl<Type> &types)
      : location(location), count(count), types(types) {}

  LogicalResult fail(const Twine &message) const {
    return emitOptionalError(location,
                             "cannot infer the destination types: ", message);
  }

  /// The ranked tensor type of `value`, checked to have rank `rank` (exactly,
  /// or at least with `atLeast`).
  FailureOr<RankedTensorType> tensor(Value value, StringRef name, int64_t rank,
                                     bool atLeast = false) const {
    auto type =
        dyn_cast_or_null<RankedTensorType>(value ? value.getType() : Type());
    if (!type)
      return fail("'" + name + "' must be a ranked tensor");
    if (atLeast ? type.getRank() < rank : type.getRank() != rank) {
      std::string text;
      llvm::raw_string_ostream(text) << type;
      return fail("'" + name + "' must have rank " + (atLeast ? ">= " : "") +
                  Twine(rank) + ", but has type " + text);
    }
    return type;
  }

  /// Checks that `count` is one of `allowed` (`names` lists them).
  LogicalResult expect(ArrayRef<unsigned> allowed, StringRef names) const {
    if (llvm::is_contained(allowed, count))
      return success();
    std::string list;
    llvm::raw_string_ostream os(list);
    llvm::interleave(
        allowed, os, [&](unsigned n) { os << n; }, " or ");
    return fail("expects " + list + " destinations " + names + ", but " +
                Twine(count) + " were requested");
  }

  /// Adds the next destination type if it was requested.
  void add(ArrayRef<int64_t> shape, Type element) {
    if (types.size() < count)
      types.push_back(RankedTensorType::get(shape, element));
  }
  void add(Type type) {
    if (types.size() < count)
      types.push_back(type);
  }

private:
  std::optional<Location> location;
  unsigned count;
  SmallVectorImpl<Type> &types;
};

/// The shape of `type` with dimension `dim` removed.
SmallVector<int64_t> dropDim(RankedTensorType type, unsigned dim) {
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + dim);
  return shape;
}

/// The element types of the present (non-null) values.
SmallVector<Type> typesOf(ArrayRef<Value> values) {
  SmallVector<Type> types;
  for (Value value : values)
    if (value)
      types.push_back(value.getType());
  return types;
}
} // namespace

LogicalResult AttentionOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> q = dest.tensor(op.getQuery(), "query", 4);
  FailureOr<RankedTensorType> v = dest.tensor(op.getValue(), "value", 4);
  if (failed(q) || failed(v) ||
      failed(dest.expect({1, 2}, "(output[, logsumexp])")))
    return failure();
  ArrayRef<int64_t> qs = q->getShape();
  dest.add({qs[0], qs[1], qs[2], v->getDimSize(3)}, q->getElementType());
  dest.add({qs[0], qs[1], qs[2]}, getAccumulationType(q->getElementType()));
  return success();
}

LogicalResult OnlineAttentionOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> q = dest.tensor(op.getQuery(), "query", 4);
  FailureOr<RankedTensorType> v = dest.tensor(op.getValue(), "value", 4);
  if (failed(q) || failed(v) ||
      failed(dest.expect({3}, "(accumulator, max, sum)")))
    return failure();
  ArrayRef<int64_t> qs = q->getShape();
  FloatType acc = getAccumulationType(q->getElementType());
  dest.add({qs[0], qs[1], qs[2], v->getDimSize(3)}, acc);
  dest.add({qs[0], qs[1], qs[2]}, acc);
  dest.add({qs[0], qs[1], qs[2]}, acc);
  return success();
}

LogicalResult ComposeHeadsOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> scores = dest.tensor(op.getScores(), "scores", 4);
  if (failed(scores) || failed(dest.expect({1}, "(output)")))
    return failure();
  dest.add(*scores);
  return success();
}

LogicalResult
ScanOp::inferDestinationTypes(MLIRContext *, std::optional<Location> location,
                              ValueRange operands, DictionaryAttr attributes,
                              OpaqueProperties properties, RegionRange regions,
                              unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> a = dest.tensor(op.getA(), "a", 2, true);
  if (failed(a) || failed(dest.expect({1, 2}, "(states[, final])")))
    return failure();
  dest.add(*a);
  dest.add(dropDim(*a, 1), a->getElementType());
  return success();
}

LogicalResult
EmaOp::inferDestinationTypes(MLIRContext *, std::optional<Location> location,
                             ValueRange operands, DictionaryAttr attributes,
                             OpaqueProperties properties, RegionRange regions,
                             unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(op.getInput(), "input", 3);
  FailureOr<RankedTensorType> wl =
      dest.tensor(op.getWeightLogit(), "weight_logit", 2);
  if (failed(x) || failed(wl) ||
      failed(dest.expect({1, 2}, "(output[, final])")))
    return failure();
  dest.add(*x);
  // The final state has the initial state's type, or the widest
  // accumulation type (complex for the complex EMA).
  if (Value initial = op.getInitial()) {
    dest.add(initial.getType());
    return success();
  }
  Type state = getWidestAccumulationType(
      typesOf({op.getInput(), op.getWeightLogit(), op.getDampingLogit(),
               op.getGamma(), op.getOmega(), op.getBeta(), op.getTheta()}));
  if (op.getKind() == EmaKind::complex)
    state = ComplexType::get(state);
  dest.add({x->getDimSize(0), wl->getDimSize(0), wl->getDimSize(1)}, state);
  return success();
}

LogicalResult LongConvOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> u = dest.tensor(op.getInput(), "input", 3);
  if (failed(u) || failed(dest.expect({1}, "(output)")))
    return failure();
  dest.add(*u);
  return success();
}

/// fft and ifft: the input's type.
static LogicalResult sameAsInput(Value input, std::optional<Location> location,
                                 unsigned count, SmallVectorImpl<Type> &types) {
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(input, "input", 1, true);
  if (failed(x) || failed(dest.expect({1}, "(output)")))
    return failure();
  dest.add(*x);
  return success();
}

LogicalResult
FftOp::inferDestinationTypes(MLIRContext *, std::optional<Location> location,
                             ValueRange operands, DictionaryAttr attributes,
                             OpaqueProperties properties, RegionRange regions,
                             unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  return sameAsInput(op.getInput(), location, count, types);
}

LogicalResult
IfftOp::inferDestinationTypes(MLIRContext *, std::optional<Location> location,
                              ValueRange operands, DictionaryAttr attributes,
                              OpaqueProperties properties, RegionRange regions,
                              unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  return sameAsInput(op.getInput(), location, count, types);
}

LogicalResult
RfftOp::inferDestinationTypes(MLIRContext *, std::optional<Location> location,
                              ValueRange operands, DictionaryAttr attributes,
                              OpaqueProperties properties, RegionRange regions,
                              unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(op.getInput(), "input", 1, true);
  if (failed(x) || failed(dest.expect({1}, "(output)")))
    return failure();
  // N/2 + 1 bins of complex of the input's float type.
  SmallVector<int64_t> shape(x->getShape());
  if (!ShapedType::isDynamic(shape.back()))
    shape.back() = shape.back() / 2 + 1;
  dest.add(shape, ComplexType::get(x->getElementType()));
  return success();
}

LogicalResult
IrfftOp::inferDestinationTypes(MLIRContext *, std::optional<Location> location,
                               ValueRange operands, DictionaryAttr attributes,
                               OpaqueProperties properties, RegionRange regions,
                               unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(op.getInput(), "input", 1, true);
  if (failed(x) || failed(dest.expect({1}, "(output)")))
    return failure();
  auto complex = dyn_cast<ComplexType>(x->getElementType());
  if (!complex)
    return dest.fail("'input' must have complex elements");
  // The even length N = 2 (bins - 1); an odd N needs an explicit destination.
  SmallVector<int64_t> shape(x->getShape());
  if (!ShapedType::isDynamic(shape.back()))
    shape.back() = 2 * (shape.back() - 1);
  if (shape.back() == -2 || shape.back() == 0)
    return dest.fail("'input' needs at least two bins for the default "
                     "length 2 (bins - 1); give the destination explicitly");
  dest.add(shape, complex.getElementType());
  return success();
}

LogicalResult LinearAttentionOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> q = dest.tensor(op.getQuery(), "query", 4);
  FailureOr<RankedTensorType> v = dest.tensor(op.getValue(), "value", 4);
  if (failed(q) || failed(v) ||
      failed(dest.expect({1, 2, 3},
                         "(output[, final_state[, final_normalizer]])")))
    return failure();
  int64_t b = q->getDimSize(0), h = q->getDimSize(1), l = q->getDimSize(2),
          f = q->getDimSize(3), ev = v->getDimSize(3);
  dest.add({b, h, l, ev}, v->getElementType());
  // Carried state keeps the type it came in with, or is kept in the widest
  // accumulation type of the operands.
  FloatType acc = getWidestAccumulationType(
      typesOf({op.getQuery(), op.getKey(), op.getValue(), op.getLogDecay(),
               op.getPrefixKey(), op.getPrefixValue()}));
  if (Value initial = op.getInitialState())
    dest.add(initial.getType());
  else
    dest.add({b, h, f, ev}, acc);
  if (Value initial = op.getInitialNormalizer())
    dest.add(initial.getType());
  else
    dest.add({b, h, f}, acc);
  return success();
}

LogicalResult FeatureMapOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(op.getInput(), "input", 1, true);
  if (failed(x) || failed(dest.expect({1}, "(output)")))
    return failure();
  SmallVector<int64_t> shape(x->getShape());
  int64_t d = shape.back();
  if (op.getKind() == FeatureMapKind::taylor2 && !ShapedType::isDynamic(d)) {
    std::optional<int64_t> width = llvm::checkedMulAdd<int64_t>(d, d, d);
    if (width)
      width = llvm::checkedAdd<int64_t>(*width, 1);
    if (!width)
      return dest.fail("taylor2 width 1 + d + d*d overflows for d = " +
                       Twine(d));
    shape.back() = *width;
  }
  dest.add(shape, x->getElementType());
  return success();
}

LogicalResult TimestepNormOp::inferDestinationTypes(
    MLIRContext *context, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(op.getInput(), "input", 3);
  if (failed(x) || failed(dest.expect({1, 4}, "(output[, count, mean, var])")))
    return failure();
  int64_t b = x->getDimSize(0);
  int64_t groups = static_cast<int64_t>(op.getNumGroups());
  dest.add(*x);
  dest.add({b}, IntegerType::get(context, 64));
  // The statistics keep the type of the carried ones, or the accumulation
  // type of the input.
  Type stats = getAccumulationType(x->getElementType());
  if (Value mean = op.getPrevMean())
    stats = getElementTypeOrSelf(mean.getType());
  dest.add({b, groups}, stats);
  dest.add({b, groups}, stats);
  return success();
}

LogicalResult RotaryOp::inferDestinationTypes(
    MLIRContext *, std::optional<Location> location, ValueRange operands,
    DictionaryAttr attributes, OpaqueProperties properties, RegionRange regions,
    unsigned count, SmallVectorImpl<Type> &types) {
  Adaptor op(operands, attributes, properties, regions);
  Destinations dest(location, count, types);
  FailureOr<RankedTensorType> x = dest.tensor(op.getInput(), "input", 2, true);
  if (failed(x) || failed(dest.expect({1}, "(output)")))
    return failure();
  dest.add(*x);
  return success();
}
