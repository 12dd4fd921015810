//===- SeqTransformOps.cpp - transform-dialect ops for seq ----------------===//

#include "seq/TransformOps/SeqTransformOps.h"

#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Tiling.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"

using namespace mlir;
using namespace mlir::transform;

//===----------------------------------------------------------------------===//
// transform.seq.tile_attention
//===----------------------------------------------------------------------===//

DiagnosedSilenceableFailure
SeqTileAttentionOp::applyToOne(TransformRewriter &rewriter, Operation *target,
                               ApplyToEachResultList &results,
                               TransformState &state) {
  auto attention = dyn_cast<seq::AttentionOp>(target);
  if (!attention)
    return emitDefaultSilenceableFailure(target)
           << "expects a seq.attention op";
  seq::AttentionTilingOptions options;
  options.queryTile = getQueryTile();
  options.keyTile = getKeyTile();
  FailureOr<seq::AttentionTiling> tiling =
      seq::tileAttention(rewriter, attention, options);
  if (failed(tiling))
    return emitDefaultSilenceableFailure(target)
           << "cannot tile this attention (it needs tensor semantics, static "
              "shapes, a static scale and a non-empty problem)";
  results.push_back(tiling->forall);
  results.push_back(tiling->keyTranspose);
  return DiagnosedSilenceableFailure::success();
}

//===----------------------------------------------------------------------===//
// transform.seq.decompose
//===----------------------------------------------------------------------===//

DiagnosedSilenceableFailure
SeqDecomposeOp::applyToOne(TransformRewriter &rewriter, Operation *target,
                           ApplyToEachResultList &results,
                           TransformState &state) {
  auto aggregate = dyn_cast<linalg::AggregatedOpInterface>(target);
  if (!aggregate)
    return emitDefaultSilenceableFailure(target)
           << "has no decomposition (AggregatedOpInterface)";
  rewriter.setInsertionPoint(target);
  FailureOr<SmallVector<Value>> replacements =
      aggregate.decomposeOperation(rewriter);
  if (failed(replacements))
    return emitDefaultSilenceableFailure(target) << "failed to decompose";
  rewriter.replaceOp(target, *replacements);
  return DiagnosedSilenceableFailure::success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

#define GET_OP_CLASSES
#include "seq/TransformOps/SeqTransformOps.cpp.inc"

namespace {
class SeqTransformDialectExtension
    : public TransformDialectExtension<SeqTransformDialectExtension> {
public:
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(SeqTransformDialectExtension)

  void init() {
    declareDependentDialect<seq::SeqDialect>();
    declareGeneratedDialect<linalg::LinalgDialect>();
    declareGeneratedDialect<scf::SCFDialect>();
    declareGeneratedDialect<tensor::TensorDialect>();
    registerTransformOps<
#define GET_OP_LIST
#include "seq/TransformOps/SeqTransformOps.cpp.inc"
        >();
  }
};
} // namespace

void mlir::seq::registerTransformDialectExtension(DialectRegistry &registry) {
  registry.addExtensions<SeqTransformDialectExtension>();
}
