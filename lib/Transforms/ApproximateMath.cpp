//===- ApproximateMath.cpp - vectorizable exp, log, tanh, erf -------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQAPPROXIMATEMATH
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {
struct SeqApproximateMathPass
    : public seq::impl::SeqApproximateMathBase<SeqApproximateMathPass> {
  void runOnOperation() override {
    // The predicate sees op names with or without the "math." prefix.
    auto approximated = [](StringRef name) {
      name.consume_front("math.");
      return llvm::is_contained({"exp", "expm1", "log", "log1p", "log2",
                                 "tanh", "erf"},
                                name);
    };
    RewritePatternSet patterns(&getContext());
    populateMathF32ExpansionPatterns(patterns, approximated);
    populateMathPolynomialApproximationPatterns(patterns, approximated);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
