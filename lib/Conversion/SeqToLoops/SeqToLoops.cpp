//===- SeqToLoops.cpp - the reference lowering pass
//------------------------===//
//
// Drives the per-family patterns (Lower*.cpp) with the dialect conversion
// framework, so an op no pattern can lower is reported at its location.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"
#include "seq/Conversion/Passes.h"
#include "seq/Dialect/SeqDialect.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::seq {
#define GEN_PASS_DEF_CONVERTSEQTOLOOPS
#include "seq/Conversion/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {
struct ConvertSeqToLoopsPass
    : public seq::impl::ConvertSeqToLoopsBase<ConvertSeqToLoopsPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    populateAttentionLoweringPatterns(patterns);
    populateRecurrenceLoweringPatterns(patterns);
    populateSpectralLoweringPatterns(patterns);
    populateLinearAttentionLoweringPatterns(patterns);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<SeqDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
