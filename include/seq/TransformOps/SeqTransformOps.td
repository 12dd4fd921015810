//===- SeqTransformOps.td - transform-dialect ops for seq --*- tablegen -*-===//
//
// The transform-dialect extension that seq's schedules (and users' own
// schedule files) are written with, next to upstream's structured ops.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TRANSFORM_OPS_TD
#define SEQ_TRANSFORM_OPS_TD

include "mlir/Dialect/Transform/IR/TransformDialect.td"
include "mlir/Dialect/Transform/Interfaces/TransformInterfaces.td"
include "mlir/Dialect/Transform/IR/TransformTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

def SeqTileAttentionOp : Op<Transform_Dialect, "seq.tile_attention",
    [FunctionalStyleTransformOpTrait, MemoryEffectsOpInterface,
     TransformOpInterface, TransformEachOpTrait,
     ReportTrackingListenerFailuresOpTrait]> {
  let summary = "FlashAttention-2 tiling of seq.attention";
  let description = [{
    Rewrites a `seq.attention` on tensors into FlashAttention-2's loop nest
    (OPS.md §2): an `scf.forall` over (batch, key/value head, query tile)
    whose body keeps the query tile of all `Hq / Hkv` query heads of the
    group resident (so every GQA head reuses each key/value tile), folds key
    tiles into an online-softmax state with `seq.online_attention` ops of
    `query_tile` rows by `key_tile` keys, and normalizes once at the end,
    writing the output tile and its logsumexp.

    The mask kind becomes loop bounds: for each query tile, the key tiles no
    row may see are never visited, the tiles every row sees in full run
    without a mask (`mask = none`), and only the boundary tiles before and
    after them apply the mask. With a `mask_mod` region each visited tile is
    first tested: tiles it empties are skipped, tiles it fully allows run
    unmasked. Lengths that are not multiples of the tiles are zero-padded;
    padded keys are masked in the last key tile, padded query rows are
    dropped. `score_mod` is applied inside every tile.

    Returns the `scf.forall` and the `linalg.transpose` that lays the keys
    out as (B, Hkv, E, Lk) once per call, so every score tile is a matmul
    with contiguous rows. The ops of the tiles carry a `seq.tile_role`
    attribute for schedules to match (docs/Schedules.md). The target handle
    is consumed.

    ```mlir
    %forall, %transpose = transform.seq.tile_attention %attention
        {query_tile = 64, key_tile = 64}
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target,
                       ConfinedAttr<I64Attr, [IntPositive]>:$query_tile,
                       ConfinedAttr<I64Attr, [IntPositive]>:$key_tile);
  let results = (outs TransformHandleTypeInterface:$forall,
                      TransformHandleTypeInterface:$key_transpose);
  let assemblyFormat =
      "$target attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    ::mlir::DiagnosedSilenceableFailure applyToOne(
        ::mlir::transform::TransformRewriter &rewriter,
        ::mlir::Operation *target,
        ::mlir::transform::ApplyToEachResultList &results,
        ::mlir::transform::TransformState &state);
  }];
}

def SeqDecomposeOp : Op<Transform_Dialect, "seq.decompose",
    [FunctionalStyleTransformOpTrait, MemoryEffectsOpInterface,
     TransformOpInterface, TransformEachOpTrait,
     ReportTrackingListenerFailuresOpTrait]> {
  let summary = "Decompose seq ops into simpler ops (linalg on tiles)";
  let description = [{
    Replaces each target seq op by its decomposition
    (`linalg::AggregatedOpInterface`): `seq.attention` becomes
    `seq.online_attention` over all keys plus the normalization,
    a `seq.online_attention` tile becomes linalg (score matmul, mask and
    score_mod, row max, exponentials, rescale, P·V matmul). Unlike
    `transform.structured.decompose_interface` it handles ops with several
    results. The target handle is consumed.

    ```mlir
    transform.seq.decompose %tiles : (!transform.any_op) -> ()
    ```
  }];
  let arguments = (ins TransformHandleTypeInterface:$target);
  let results = (outs);
  let assemblyFormat = "$target attr-dict `:` functional-type(operands, results)";
  let extraClassDeclaration = [{
    ::mlir::DiagnosedSilenceableFailure applyToOne(
        ::mlir::transform::TransformRewriter &rewriter,
        ::mlir::Operation *target,
        ::mlir::transform::ApplyToEachResultList &results,
        ::mlir::transform::TransformState &state);
  }];
}

#endif // SEQ_TRANSFORM_OPS_TD
