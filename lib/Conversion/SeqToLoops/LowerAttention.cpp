//===- LowerAttention.cpp - reference lowering (placeholder) -----------------------===//

#include "LoweringUtils.h"
#include "Patterns.h"
#include "seq/Dialect/SeqOps.h"

using namespace mlir;
using namespace mlir::seq;

void mlir::seq::populateAttentionLoweringPatterns(RewritePatternSet &patterns) {}
