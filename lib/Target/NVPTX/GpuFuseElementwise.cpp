//===- GpuFuseElementwise.cpp - one kernel per elementwise chain ----------===//
//
// On the GPU every host-level op is a kernel with its own pass over memory,
// so chains of elementwise ops (the DSL's casts, activations, scalings) are
// fused into one linalg.generic first. Only host-level ops are touched: the
// tiles of a schedule are already laid out for the block mapping, and shapes
// are left alone (no reshape propagation), so contractions keep their
// dimensions for the tensor-core tiling.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUFUSEELEMENTWISE
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {
struct SeqGpuFuseElementwisePass
    : public seq::impl::SeqGpuFuseElementwiseBase<SeqGpuFuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *fused) {
          Operation *producer = fused->get().getDefiningOp();
          Operation *consumer = fused->getOwner();
          auto onHost = [](Operation *op) {
            return op && !op->getParentOfType<scf::ForallOp>();
          };
          // A producer with other users would be computed twice.
          return onHost(producer) && onHost(consumer) && producer->hasOneUse();
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
