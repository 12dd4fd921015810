//===- SeqCanonicalization.cpp - dialect-wide canonicalization ------------===//
//
// The tensor dialect's generic tensor.cast folding for destination-style ops
// clones the op with `mlir::clone`, which in MLIR 22 dereferences the first
// block of every region while a rewrite listener is attached — and crashes on
// the empty optional regions (score_mod, mask_mod, ...) that most seq ops
// carry. seq folds the casts itself, with a higher benefit so that the generic
// pattern never sees a seq op with a foldable cast, and moves the regions into
// the new op instead of cloning them.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqDialect.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;
using namespace mlir::seq;

namespace {
struct FoldTensorCastIntoSeqOp
    : public OpInterfaceRewritePattern<DestinationStyleOpInterface> {
  FoldTensorCastIntoSeqOp(MLIRContext *context)
      : OpInterfaceRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(DestinationStyleOpInterface op,
                                PatternRewriter &rewriter) const override {
    if (!isa<SeqDialect>(op->getDialect()) || !op.hasPureTensorSemantics() ||
        !tensor::hasFoldableTensorCastOperand(op))
      return failure();

    SmallVector<Type> resultTypes(op->getResultTypes());
    SmallVector<Value> operands =
        tensor::getUpdatedOperandsAfterCastOpFolding(op, resultTypes);

    OperationState state(op->getLoc(), op->getName(), operands, resultTypes,
                         op->getAttrs(), op->getSuccessors());
    state.propertiesAttr = op->getPropertiesAsAttribute();
    for (unsigned i = 0, e = op->getNumRegions(); i < e; ++i)
      state.addRegion();
    Operation *folded = rewriter.create(state);
    for (auto [from, to] :
         llvm::zip_equal(op->getRegions(), folded->getRegions()))
      rewriter.inlineRegionBefore(from, to, to.end());

    SmallVector<Value> replacements;
    for (auto [oldResult, newResult] :
         llvm::zip_equal(op->getResults(), folded->getResults())) {
      Value replacement = newResult;
      if (oldResult.getType() != newResult.getType())
        replacement = tensor::CastOp::create(rewriter, op->getLoc(),
                                             oldResult.getType(), newResult);
      replacements.push_back(replacement);
    }
    rewriter.replaceOp(op, replacements);
    return success();
  }
};
} // namespace

void SeqDialect::getCanonicalizationPatterns(RewritePatternSet &results) const {
  results.add<FoldTensorCastIntoSeqOp>(getContext());
}
