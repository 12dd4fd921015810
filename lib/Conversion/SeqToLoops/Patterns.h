//===- Patterns.h - reference lowering patterns by op family ----*- C++ -*-===//

#ifndef SEQ_LIB_CONVERSION_SEQTOLOOPS_PATTERNS_H
#define SEQ_LIB_CONVERSION_SEQTOLOOPS_PATTERNS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {

/// seq.attention, seq.compose_heads.
void populateAttentionLoweringPatterns(RewritePatternSet &patterns);
/// seq.scan, seq.ema, seq.timestep_norm.
void populateRecurrenceLoweringPatterns(RewritePatternSet &patterns);
/// seq.fft, seq.ifft, seq.rfft, seq.irfft, seq.long_conv.
void populateSpectralLoweringPatterns(RewritePatternSet &patterns);
/// seq.linear_attention, seq.feature_map, seq.rotary.
void populateLinearAttentionLoweringPatterns(RewritePatternSet &patterns);

} // namespace mlir::seq

#endif // SEQ_LIB_CONVERSION_SEQTOLOOPS_PATTERNS_H
