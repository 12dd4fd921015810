//===- KernelInfo.cpp - what a kernel does, for its descriptor ------------===//

#include "KernelInfo.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::seq;

int64_t mlir::seq::shapedBytes(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasStaticShape())
    return -1;
  Type element = shaped.getElementType();
  int64_t bits;
  if (auto complex = dyn_cast<ComplexType>(element))
    bits = 2 * complex.getElementType().getIntOrFloatBitWidth();
  else if (element.isIntOrFloat())
    bits = element.getIntOrFloatBitWidth();
  else
    return -1;
  return shaped.getNumElements() * llvm::divideCeil(bits, 8);
}

std::optional<WorkEstimate> mlir::seq::estimateLinalgWork(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return std::nullopt;
  SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  int64_t points = 1;
  for (int64_t r : ranges)
    points *= r;
  int64_t perPoint = 0;
  for (Operation &nested : linalgOp->getRegion(0).front().without_terminator())
    if (llvm::any_of(nested.getResultTypes(),
                     [](Type t) { return isa<FloatType, ComplexType>(t); }) &&
        (isa<math::MathDialect>(nested.getDialect()) ||
         nested.getName().getStringRef().starts_with("arith.") ||
         nested.getName().getStringRef().starts_with("complex.")) &&
        !isa<arith::ExtFOp, arith::TruncFOp, arith::ConstantOp>(nested))
      ++perPoint;
  WorkEstimate work;
  work.flops = points * perPoint;
  for (Value operand : op->getOperands()) {
    int64_t bytes = shapedBytes(operand.getType());
    if (bytes < 0 && isa<ShapedType>(operand.getType()))
      return std::nullopt;
    work.bytes += std::max<int64_t>(0, bytes);
  }
  return work;
}

void mlir::seq::setKernelInfo(Operation *op, StringRef schedule,
                              std::optional<WorkEstimate> work) {
  Builder b(op->getContext());
  op->setAttr(kScheduleAttr, b.getStringAttr(schedule));
  if (work) {
    op->setAttr(kFlopsAttr, b.getI64IntegerAttr(work->flops));
    op->setAttr(kBytesAttr, b.getI64IntegerAttr(work->bytes));
  }
}

void mlir::seq::copyKernelInfo(Operation *from, Operation *to) {
  for (StringRef name : {kScheduleAttr, kFlopsAttr, kBytesAttr})
    if (Attribute attr = from->getAttr(name))
      to->setAttr(name, attr);
}
