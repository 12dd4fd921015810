//===- DistinctResultBuffers.cpp - one buffer per function result ---------===//
//
// buffer-results-to-out-params (LLVM 22, hoist-static-allocs) erases a
// returned allocation when it first meets it and crashes if the same value is
// returned again (llvm/llvm-project#219492). Returning a value twice is
// ordinary seq (`return y, y`), so repeated allocations get their own copy
// first. Other repeated buffers (arguments, views) are copied into their
// out-parameters by that pass already and are left alone.
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/AllocationOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQDISTINCTRESULTBUFFERS
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

/// A fresh buffer with the contents of `source` (same type: identity layouts,
/// as bufferization gives function results, are allocated directly; others
/// through an identity allocation cast back to the result type).
static FailureOr<Value> copyToNewBuffer(OpBuilder &builder, Location loc,
                                        Value source) {
  auto type = cast<MemRefType>(source.getType());
  auto allocType =
      MemRefType::get(type.getShape(), type.getElementType(),
                      MemRefLayoutAttrInterface(), type.getMemorySpace());
  if (allocType != type && !memref::CastOp::areCastCompatible(allocType, type))
    return failure();
  SmallVector<Value> dynamicSizes;
  for (auto [dim, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(memref::DimOp::create(builder, loc, source, dim));
  Value copy = memref::AllocOp::create(builder, loc, allocType, dynamicSizes);
  memref::CopyOp::create(builder, loc, source, copy);
  if (allocType != type)
    copy = memref::CastOp::create(builder, loc, type, copy);
  return copy;
}

namespace {
struct SeqDistinctResultBuffersPass
    : public seq::impl::SeqDistinctResultBuffersBase<
          SeqDistinctResultBuffersPass> {
  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](func::ReturnOp ret) {
      llvm::SmallDenseSet<Value> seen;
      OpBuilder builder(ret);
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        if (!isa<MemRefType>(value.getType()) ||
            !isa_and_nonnull<bufferization::AllocationOpInterface>(
                value.getDefiningOp()) ||
            seen.insert(value).second)
          continue;
        FailureOr<Value> copy = copyToNewBuffer(builder, ret.getLoc(), value);
        if (failed(copy)) {
          ret.emitOpError("result #")
              << operand.getOperandNumber() << " repeats a buffer of type "
              << value.getType() << " that cannot be reallocated";
          return WalkResult::interrupt();
        }
        operand.set(*copy);
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
