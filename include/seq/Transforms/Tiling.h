//===- Tiling.h - seq's own tiling strategies -------------------*- C++ -*-===//
//
// Tilings that generic TilingInterface tiling cannot express: FlashAttention's
// loop nest, whose key-loop bounds depend on the query tile and the mask.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TRANSFORMS_TILING_H
#define SEQ_TRANSFORMS_TILING_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {

class AttentionOp;

struct AttentionTilingOptions {
  /// Query rows per tile, per query head (the resident tile holds the rows
  /// of all Hq / Hkv query heads of a key/value head).
  int64_t queryTile = 64;
  /// Keys per tile of the inner loop.
  int64_t keyTile = 64;
};

/// What tileAttention built.
struct AttentionTiling {
  /// The loop over (batch, key/value head, query tile).
  scf::ForallOp forall;
  /// The linalg.transpose that lays K out as (B, Hkv, E, Lk) once per call.
  Operation *keyTranspose;
};

/// Rewrites `op` (tensor semantics, static shapes) into FlashAttention-2's
/// loop nest of seq.online_attention tiles (see transform.seq.tile_attention).
FailureOr<AttentionTiling> tileAttention(RewriterBase &rewriter, AttentionOp op,
                                         const AttentionTilingOptions &options);

} // namespace mlir::seq

#endif // SEQ_TRANSFORMS_TILING_H
