//===- RankPreservingSlices.cpp - slices keep their rank ------------------===//
//
// MLIR 22's rank-reducing memref.subview infers its dropped dimensions from
// the source strides, which fails when a kept dimension has a step, and
// expand-strided-metadata then crashes. Tensor slices therefore keep their
// rank here, and a reshape adds or drops the unit dimensions.
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQRANKPRESERVINGSLICES
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

/// The reassociation that collapses the `dropped` unit dimensions of a rank
/// `rank` shape: each kept dimension with the dropped ones after it (the
/// leading dropped ones join the first kept dimension).
static SmallVector<ReassociationIndices>
reassociationDropping(const llvm::SmallBitVector &dropped, int64_t rank) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices leading;
  for (int64_t dim = 0; dim < rank; ++dim) {
    if (dropped.test(dim)) {
      if (groups.empty())
        leading.push_back(dim);
      else
        groups.back().push_back(dim);
      continue;
    }
    groups.emplace_back(leading);
    leading.clear();
    groups.back().push_back(dim);
  }
  return groups; // empty for a rank-0 result: every dimension is dropped
}

/// The slice's own shape: its static sizes, dynamic ones as `?`.
static RankedTensorType fullSliceType(OffsetSizeAndStrideOpInterface op,
                                      Type elementType) {
  return RankedTensorType::get(op.getStaticSizes(), elementType);
}

namespace {
struct SeqRankPreservingSlicesPass
    : public seq::impl::SeqRankPreservingSlicesBase<
          SeqRankPreservingSlicesPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    getOperation()->walk([&](tensor::ExtractSliceOp op) {
      RankedTensorType reduced = op.getType();
      RankedTensorType full = fullSliceType(op, reduced.getElementType());
      if (full.getRank() == reduced.getRank())
        return;
      rewriter.setInsertionPoint(op);
      Value slice = tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), full, op.getSource(), op.getMixedOffsets(),
          op.getMixedSizes(), op.getMixedStrides());
      rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
          op, reduced, slice,
          reassociationDropping(op.getDroppedDims(), full.getRank()));
    });
    getOperation()->walk([&](tensor::InsertSliceOp op) {
      RankedTensorType reduced = op.getSourceType();
      RankedTensorType full = fullSliceType(op, reduced.getElementType());
      if (full.getRank() == reduced.getRank())
        return;
      rewriter.setInsertionPoint(op);
      Value expanded = tensor::ExpandShapeOp::create(
          rewriter, op.getLoc(), full, op.getSource(),
          reassociationDropping(op.getDroppedDims(), full.getRank()),
          op.getMixedSizes());
      rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
          op, expanded, op.getDest(), op.getMixedOffsets(), op.getMixedSizes(),
          op.getMixedStrides());
    });
  }
};
} // namespace
