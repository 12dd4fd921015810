//===- ReferenceUtils.cpp - helpers of the reference computations ---------===//

#include "ReferenceUtils.h"

#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::seq;

namespace {
struct PointwiseReference : ReferenceImplementation {
  explicit PointwiseReference(reference::PointEmitter emit)
      : emit(std::move(emit)) {}
  void emitPoint(OpBuilder &b, Location loc, ValueRange ivs) override {
    emit(b, loc, ivs);
  }
  reference::PointEmitter emit;
};
} // namespace

std::unique_ptr<ReferenceImplementation>
reference::pointwise(PointEmitter emit) {
  return std::make_unique<PointwiseReference>(std::move(emit));
}

FloatType reference::accumulationType(Type element) {
  return getAccumulationType(element);
}

FloatType reference::widestAccumulationType(ArrayRef<Value> values) {
  SmallVector<Type> types;
  for (Value value : values)
    types.push_back(value ? value.getType() : Type());
  return getWidestAccumulationType(types);
}

Value reference::dimSize(OpBuilder &b, Location loc, Value shaped, int64_t dim) {
  auto type = cast<ShapedType>(shaped.getType());
  if (!type.isDynamicDim(dim))
    return indexConst(b, loc, type.getDimSize(dim));
  if (isa<MemRefType>(type))
    return memref::DimOp::create(b, loc, shaped, dim);
  return tensor::DimOp::create(b, loc, shaped, dim);
}

Value reference::allocScratch(OpBuilder &b, Location loc, ArrayRef<Value> sizes,
                             Type element) {
  SmallVector<int64_t> shape;
  SmallVector<Value> dynamicSizes;
  for (Value size : sizes) {
    if (std::optional<int64_t> c = getConstantIntValue(size)) {
      shape.push_back(*c);
    } else {
      shape.push_back(ShapedType::kDynamic);
      dynamicSizes.push_back(size);
    }
  }
  return memref::AllocOp::create(b, loc, MemRefType::get(shape, element),
                                 dynamicSizes);
}

Value reference::indexConst(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

Value reference::floatConst(OpBuilder &b, Location loc, Type type,
                           double value) {
  if (auto complex = dyn_cast<ComplexType>(type)) {
    auto element = cast<FloatType>(complex.getElementType());
    Value re = floatConst(b, loc, element, value);
    Value im = floatConst(b, loc, element, 0.0);
    return complex::CreateOp::create(b, loc, complex, re, im);
  }
  return arith::ConstantOp::create(
      b, loc, type, b.getFloatAttr(cast<FloatType>(type), value));
}

Value reference::castFloat(OpBuilder &b, Location loc, Value value, Type to) {
  Type from = value.getType();
  if (from == to)
    return value;
  auto fromComplex = dyn_cast<ComplexType>(from);
  auto toComplex = dyn_cast<ComplexType>(to);
  if (fromComplex && toComplex) {
    Type part = toComplex.getElementType();
    Value re = castFloat(b, loc, complex::ReOp::create(b, loc, value), part);
    Value im = castFloat(b, loc, complex::ImOp::create(b, loc, value), part);
    return complex::CreateOp::create(b, loc, toComplex, re, im);
  }
  if (toComplex) {
    Value re = castFloat(b, loc, value, toComplex.getElementType());
    Value im = floatConst(b, loc, toComplex.getElementType(), 0.0);
    return complex::CreateOp::create(b, loc, toComplex, re, im);
  }
  if (fromComplex)
    return castFloat(b, loc, complex::ReOp::create(b, loc, value), to);
  if (isa<IntegerType>(from) && isa<FloatType>(to))
    return arith::SIToFPOp::create(b, loc, to, value);
  if (cast<FloatType>(from).getWidth() < cast<FloatType>(to).getWidth())
    return arith::ExtFOp::create(b, loc, to, value);
  return arith::TruncFOp::create(b, loc, to, value);
}

Value reference::loadAs(OpBuilder &b, Location loc, Value buffer,
                       ValueRange indices, Type to) {
  Value value = memref::LoadOp::create(b, loc, buffer, indices);
  return castFloat(b, loc, value, to);
}

void reference::storeAs(OpBuilder &b, Location loc, Value value, Value buffer,
                       ValueRange indices) {
  Type element = cast<MemRefType>(buffer.getType()).getElementType();
  memref::StoreOp::create(b, loc, castFloat(b, loc, value, element), buffer,
                          indices);
}

void reference::fill(OpBuilder &b, Location loc, Value buffer, Value value) {
  auto type = cast<MemRefType>(buffer.getType());
  SmallVector<Value> ubs;
  for (int64_t i = 0; i < type.getRank(); ++i)
    ubs.push_back(dimSize(b, loc, buffer, i));
  forEach(b, loc, ubs, [&](OpBuilder &nb, Location nloc, ValueRange ivs) {
    memref::StoreOp::create(nb, nloc, value, buffer, ivs);
  });
}

void reference::forEach(
    OpBuilder &b, Location loc, ArrayRef<Value> ubs,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  SmallVector<Value> lbs(ubs.size(), indexConst(b, loc, 0));
  SmallVector<Value> steps(ubs.size(), indexConst(b, loc, 1));
  scf::buildLoopNest(b, loc, lbs, ubs, steps, body);
}

ValueRange reference::forLoop(
    OpBuilder &b, Location loc, Value lb, Value ub, ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        body) {
  Value one = indexConst(b, loc, 1);
  auto loop = scf::ForOp::create(
      b, loc, lb, ub, one, inits,
      [&](OpBuilder &nb, Location nloc, Value iv, ValueRange iterArgs) {
        SmallVector<Value> next = body(nb, nloc, iv, iterArgs);
        scf::YieldOp::create(nb, nloc, next);
      });
  return loop.getResults();
}
