//===- UnitSliceStrides.cpp - stride 1 on size-1 slice dimensions ---------===//
//
// A slice dimension of size 1 selects one element whatever its stride, but a
// non-unit stride there survives bufferization into the memref.subview
// layout, where MLIR 22's rank-reduction analysis (getDroppedDims) fails on
// it and expand-strided-metadata crashes. Normalizing the stride is exact.
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQUNITSLICESTRIDES
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

/// The strides of `op` with 1 on every static size-1 dimension, or nothing
/// when they are already so.
static std::optional<SmallVector<OpFoldResult>>
unitStrides(OffsetSizeAndStrideOpInterface op, Builder &builder) {
  SmallVector<OpFoldResult> strides = op.getMixedStrides();
  bool changed = false;
  for (auto [size, stride] : llvm::zip_equal(op.getMixedSizes(), strides)) {
    if (getConstantIntValue(size) != 1 || getConstantIntValue(stride) == 1)
      continue;
    stride = builder.getIndexAttr(1);
    changed = true;
  }
  if (!changed)
    return std::nullopt;
  return strides;
}

namespace {
struct SeqUnitSliceStridesPass
    : public seq::impl::SeqUnitSliceStridesBase<SeqUnitSliceStridesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](Operation *op) {
      auto slice = dyn_cast<OffsetSizeAndStrideOpInterface>(op);
      if (!slice || !isa<tensor::ExtractSliceOp, tensor::InsertSliceOp>(op))
        return;
      std::optional<SmallVector<OpFoldResult>> strides =
          unitStrides(slice, rewriter);
      if (!strides)
        return;
      rewriter.setInsertionPoint(op);
      if (auto extract = dyn_cast<tensor::ExtractSliceOp>(op)) {
        rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
            extract, extract.getType(), extract.getSource(),
            extract.getMixedOffsets(), extract.getMixedSizes(), *strides);
        return;
      }
      auto insert = cast<tensor::InsertSliceOp>(op);
      rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
          insert, insert.getSource(), insert.getDest(),
          insert.getMixedOffsets(), insert.getMixedSizes(), *strides);
    });
  }
};
} // namespace
