//===- SeqTransformOps.cpp - transform-dialect ops for seq ----------------===//

#include "seq/TransformOps/SeqTransformOps.h"

#include "seq/Dialect/SeqOps.h"
#include "seq/Transforms/Tiling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Transform/IR/TransformDialect.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace mlir::transform;

/// A silenceable failure of `transformOp` on `target`: the reason, with a
/// note at the payload op.
static DiagnosedSilenceableFailure failOn(Operation *transformOp,
                                          Operation *target,
                                          const Twine &reason) {
  DiagnosedSilenceableFailure diag =
      emitSilenceableFailure(transformOp->getLoc(), reason);
  diag.attachNote(target->getLoc()) << "when applied to this op";
  return diag;
}

//===----------------------------------------------------------------------===//
// transform.seq.tile_attention
//===----------------------------------------------------------------------===//

DiagnosedSilenceableFailure
SeqTileAttentionOp::applyToOne(TransformRewriter &rewriter, Operation *target,
                               ApplyToEachResultList &results,
                               TransformState &state) {
  auto attention = dyn_cast<seq::AttentionOp>(target);
  if (!attention)
    return failOn(*this, target, "expects a seq.attention op");
  seq::AttentionTilingOptions options;
  options.queryTile = getQueryTile();
  options.keyTile = getKeyTile();
  FailureOr<seq::AttentionTiling> tiling =
      seq::tileAttention(rewriter, attention, options);
  if (failed(tiling))
    return failOn(*this, target,
                  "cannot tile this attention: it needs tensor semantics, "
                  "static shapes, a static scale and a non-empty problem");
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
    return failOn(*this, target,
                  "the op has no decomposition (AggregatedOpInterface)");
  rewriter.setInsertionPoint(target);
  FailureOr<SmallVector<Value>> replacements =
      aggregate.decomposeOperation(rewriter);
  if (failed(replacements))
    return failOn(*this, target, "the op's decomposition failed");
  rewriter.replaceOp(target, *replacements);
  return DiagnosedSilenceableFailure::success();
}

//===----------------------------------------------------------------------===//
// transform.seq.transpose_operand
//===----------------------------------------------------------------------===//

DiagnosedSilenceableFailure SeqTransposeOperandOp::applyToOne(
    TransformRewriter &rewriter, Operation *target,
    ApplyToEachResultList &results, TransformState &state) {
  auto generic = dyn_cast<linalg::GenericOp>(target);
  if (!generic || !generic.hasPureTensorSemantics())
    return emitDefaultSilenceableFailure(target)
           << "expects a linalg.generic on tensors";
  int64_t index = getOperand();
  if (index >= generic.getNumDpsInputs())
    return emitDefaultSilenceableFailure(target) << "has no input #" << index;
  OpOperand *operand = generic.getDpsInputOperand(index);
  auto type = dyn_cast<RankedTensorType>(operand->get().getType());
  ArrayRef<int64_t> permutation = getPermutation();
  if (!type || !isPermutationVector(permutation) ||
      (int64_t)permutation.size() != type.getRank())
    return emitDefaultSilenceableFailure(target)
           << "expects a permutation of the " << (type ? type.getRank() : 0)
           << " dimensions of input #" << index;

  Location loc = generic.getLoc();
  rewriter.setInsertionPoint(generic);
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, loc, operand->get());
  applyPermutationToVector(sizes, permutation);
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, sizes, type.getElementType());
  Value transposed = linalg::TransposeOp::create(rewriter, loc, operand->get(),
                                                 empty, permutation)
                         .getResult()[0];

  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap map = maps[operand->getOperandNumber()];
  SmallVector<AffineExpr> exprs(map.getResults());
  applyPermutationToVector(exprs, permutation);
  maps[operand->getOperandNumber()] = AffineMap::get(
      map.getNumDims(), map.getNumSymbols(), exprs, rewriter.getContext());
  rewriter.modifyOpInPlace(generic, [&] {
    operand->set(transposed);
    generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
  });
  results.push_back(generic);
  return DiagnosedSilenceableFailure::success();
}

//===----------------------------------------------------------------------===//
// transform.seq.commute_contraction
//===----------------------------------------------------------------------===//

/// Whether `value` is block argument `arg`, possibly through one cast.
static bool derivesFrom(Value value, BlockArgument arg) {
  if (value == arg)
    return true;
  Operation *def = value.getDefiningOp();
  return def && def->getNumOperands() == 1 && def->getOperand(0) == arg &&
         isa<arith::ExtFOp, arith::ExtSIOp, arith::ExtUIOp, arith::SIToFPOp,
             arith::UIToFPOp, arith::TruncFOp>(def);
}

DiagnosedSilenceableFailure SeqCommuteContractionOp::applyToOne(
    TransformRewriter &rewriter, Operation *target,
    ApplyToEachResultList &results, TransformState &state) {
  auto generic = dyn_cast<linalg::GenericOp>(target);
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1)
    return emitDefaultSilenceableFailure(target)
           << "expects a linalg.generic with two inputs and one output";
  Block *body = generic.getBody();
  BlockArgument lhs = body->getArgument(0), rhs = body->getArgument(1);
  // The one multiplication of a factor of each input.
  Operation *multiply = nullptr;
  for (Operation &op : body->without_terminator()) {
    if (!isa<arith::MulFOp, arith::MulIOp>(op))
      continue;
    if (multiply || !derivesFrom(op.getOperand(0), lhs) ||
        !derivesFrom(op.getOperand(1), rhs))
      return emitDefaultSilenceableFailure(target)
             << "expects a body multiplying a value of input #0 by a value "
                "of input #1";
    multiply = &op;
  }
  if (!multiply)
    return emitDefaultSilenceableFailure(target)
           << "expects a body multiplying a value of input #0 by a value "
              "of input #1";

  SmallVector<Value> inputs = {generic.getDpsInputs()[1],
                               generic.getDpsInputs()[0]};
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  std::swap(maps[0], maps[1]);
  rewriter.setInsertionPoint(generic);
  auto swapped = linalg::GenericOp::create(
      rewriter, generic.getLoc(), generic.getResultTypes(), inputs,
      generic.getDpsInits(), maps, generic.getIteratorTypesArray());
  swapped->setDiscardableAttrs(generic->getDiscardableAttrDictionary());
  rewriter.inlineRegionBefore(generic.getRegion(), swapped.getRegion(),
                              swapped.getRegion().end());
  Block *block = swapped.getBody();
  // New argument order (rhs, lhs, out...): insert a fresh first argument
  // standing for the old rhs, then retire the old rhs.
  BlockArgument newFirst =
      block->insertArgument(0u, rhs.getType(), rhs.getLoc());
  rewriter.replaceAllUsesWith(rhs, newFirst);
  block->eraseArgument(2);
  rewriter.modifyOpInPlace(multiply, [&] {
    Value a = multiply->getOperand(0), b = multiply->getOperand(1);
    multiply->setOperands({b, a});
  });
  rewriter.replaceOp(generic, swapped->getResults());
  results.push_back(swapped);
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
