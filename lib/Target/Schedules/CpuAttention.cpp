//===- CpuAttention.cpp - FlashAttention on CPUs --------------------------===//
//
// The CPU schedule of seq.attention (docs/Schedules.md has the reasoning):
//
//  1. transform.seq.tile_attention: FlashAttention-2's loop nest, an
//     scf.forall over (batch, key/value head, query tile) that the pipeline
//     maps onto the cores, key tiles in scf.for loops with mask-derived
//     bounds, K transposed once per call.
//  2. transform.seq.decompose: each seq.online_attention tile becomes linalg
//     whose ops carry a `seq.tile_role`.
//  3. By role: both matmuls get register tiles (MR rows x NR columns of
//     accumulators, an outer product per step of the reduction), the
//     softmax ops are cut into rows of one vector loop each, and everything
//     in the tile is vectorized and lowered to FMAs on the widest ISA.
//
// Sizes, from the target model:
//  - NR = 4 vectors (64 f32 on AVX-512, 32 on AVX2): four accumulator
//    registers per row; MR = the largest of 6, 4, 2, 1 that divides the
//    tile's rows and keeps MR x 4 accumulators, the 4 vectors of the B row
//    and a broadcast within the register file.
//  - Key tile BN = NR rounded up to 64 keys: the score tile of a row fills
//    whole vectors and the two matmuls share the same register tile.
//  - Query rows per tile: 64 / (query heads per key/value head), at least
//    MR, so a tile of all the group's heads is 64 rows; its working set
//    (Q, S, the accumulator: 64 x (E + BN + Ev) floats) stays in L2.
//  - The attention-query-tile / attention-key-tile overrides replace the
//    two tile rules; the register tiles then follow from them as above.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Schedules.h"

#include "ScheduleWriter.h"

#include "seq/Dialect/SeqOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::seq;

namespace {
/// The sizes of one attention schedule.
struct AttentionSizes {
  int64_t queryTile, keyTile, registerRows, registerColumns, lanes;
};

AttentionSizes attentionSizes(const TargetModel &target,
                              const ScheduleOverrides &overrides,
                              int64_t groupSize, int64_t queryLength,
                              int64_t keyLength) {
  AttentionSizes sizes;
  sizes.lanes = std::max<int64_t>(1, target.f32Lanes());
  sizes.registerColumns = 4 * sizes.lanes;
  constexpr int64_t rowsPerTile = 64;
  int64_t perHead =
      std::max<int64_t>(1, rowsPerTile / std::max<int64_t>(1, groupSize));
  if (overrides.attentionQueryTile > 0)
    perHead = overrides.attentionQueryTile;
  sizes.queryTile = std::min(perHead, queryLength);
  int64_t keyTile = overrides.attentionKeyTile > 0
                        ? overrides.attentionKeyTile
                        : std::max<int64_t>(sizes.registerColumns, 64);
  sizes.keyTile = std::min(keyTile, keyLength);
  int64_t rows = sizes.queryTile * groupSize;
  // Accumulators, the B row and one broadcast must fit the registers.
  int64_t columnVectors = sizes.registerColumns / sizes.lanes;
  sizes.registerRows = 1;
  for (int64_t mr : {6, 4, 2, 1})
    if (rows % mr == 0 &&
        mr * columnVectors + columnVectors + 1 <= target.vectorRegisters) {
      sizes.registerRows = mr;
      break;
    }
  return sizes;
}
} // namespace

std::optional<Schedule>
seq::cpuAttentionSchedule(Operation *op, const TargetModel &target,
                          const ScheduleOverrides &overrides) {
  auto attention = cast<AttentionOp>(op);
  auto query = cast<ShapedType>(attention.getQuery().getType());
  auto key = cast<ShapedType>(attention.getKey().getType());
  auto value = cast<ShapedType>(attention.getValue().getType());
  // Empty problems and dynamic shapes are left to the reference lowering.
  if (!query.hasStaticShape() || !key.hasStaticShape() ||
      !value.hasStaticShape() || !attention.getStaticScale() ||
      query.getNumElements() == 0 || key.getNumElements() == 0 ||
      value.getNumElements() == 0)
    return std::nullopt;
  AttentionSizes sizes =
      attentionSizes(target, overrides, query.getDimSize(1) / key.getDimSize(1),
                     query.getDimSize(2), key.getDimSize(2));
  // Kᵀ is vectorized in lanes x lanes blocks when they divide (E, padded
  // Lk); otherwise it stays a scalar copy (small or odd shapes).
  int64_t paddedKeys =
      llvm::divideCeil(key.getDimSize(2), sizes.keyTile) * sizes.keyTile;
  bool blockTranspose = query.getDimSize(3) % sizes.lanes == 0 &&
                        paddedKeys % sizes.lanes == 0;
  std::string text = llvm::formatv(
      R"mlir(
module attributes {{transform.with_named_sequence} {
  transform.named_sequence @seq_attention(%func: !transform.any_op {{transform.readonly},
                                          %op: !transform.any_op {{transform.consumed}) {
    %forall, %key_t = transform.seq.tile_attention %op {{query_tile = {0}, key_tile = {1}}
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)

    // Kᵀ once per call: (key/value head) tiles on the cores.
    %key_t_tile, %key_t_forall = transform.structured.tile_using_forall %key_t tile_sizes [1, 1, 0, 0]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
{6}

    // Each key tile: linalg marked by role.
    %tiles = transform.structured.match ops{{["seq.online_attention"]} in %forall
        : (!transform.any_op) -> !transform.any_op
    transform.seq.decompose %tiles : (!transform.any_op) -> ()
    transform.apply_patterns to %forall {{
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %forall : !transform.any_op

    // Register tiles of both matmuls: {2} rows x {3} columns, one outer
    // product per reduction step.
    %scores = transform.structured.match attributes{{seq.tile_role = "scores"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %scores_tile, %scores_loops:3 = transform.structured.tile_using_for %scores tile_sizes [{2}, {3}, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    %values = transform.structured.match attributes{{seq.tile_role = "values"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %values_tile, %values_loops:3 = transform.structured.tile_using_for %values tile_sizes [{2}, {3}, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)

    // The softmax, the mask test and the epilogue: one row per vector loop.
    %rows = transform.structured.match attributes{{seq.tile_role = "rows"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %rows_tile, %rows_loop = transform.structured.tile_using_for %rows tile_sizes [1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %coverage = transform.structured.match attributes{{seq.tile_role = "coverage"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %coverage_tile, %coverage_loops:2 = transform.structured.tile_using_for %coverage tile_sizes [1, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    %output = transform.structured.match attributes{{seq.tile_role = "output"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %output_tile, %output_loops:3 = transform.structured.tile_using_for %output tile_sizes [1, 1, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    %lse = transform.structured.match attributes{{seq.tile_role = "logsumexp"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %lse_tile, %lse_loops:2 = transform.structured.tile_using_for %lse tile_sizes [1, 1]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)

    // Vectorize what can be (an op the vectorizer rejects, e.g. a score_mod
    // with an unsupported op, stays scalar and correct).
    %linalg = transform.structured.match interface{{LinalgOp} in %forall
        : (!transform.any_op) -> !transform.any_op
    transform.foreach %linalg : !transform.any_op {{
    ^bb0(%one: !transform.any_op):
      transform.sequence %one : !transform.any_op failures(suppress) {{
      ^bb1(%it: !transform.any_op):
        transform.structured.vectorize %it : !transform.any_op
      }
    }
    transform.apply_patterns to %forall {{
      transform.apply_patterns.vector.reduction_to_contract
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %forall : !transform.any_op

    // Keep each register tile's accumulators in registers across its
    // reduction loop. (Loops are matched again: canonicalization may have
    // folded single-iteration tile loops away.)
    %loops = transform.structured.match ops{{["scf.for"]} in %forall
        : (!transform.any_op) -> !transform.any_op
    transform.apply_licm to %loops : !transform.any_op
    transform.loop.hoist_loop_invariant_subsets %loops : !transform.any_op

    // Contractions -> outer products -> FMAs.
    transform.apply_patterns to %forall {{
      transform.apply_patterns.vector.lower_contraction lowering_strategy = "outerproduct"
      transform.apply_patterns.vector.lower_outerproduct
      transform.apply_patterns.vector.lower_multi_reduction lowering_strategy = "innerreduction"
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.vector.lower_transpose lowering_strategy = "eltwise"
      transform.apply_patterns.vector.lower_broadcast
      transform.apply_patterns.vector.lower_shape_cast
    } : !transform.any_op
    transform.yield
  }
}
)mlir",
      sizes.queryTile, sizes.keyTile, sizes.registerRows,
      sizes.registerColumns, sizes.lanes, lowerTransposePattern(sizes.lanes),
      blockTranspose ? llvm::formatv(R"mlir(
    %key_t_block, %key_t_loops:2 = transform.structured.tile_using_for %key_t_tile tile_sizes [0, 0, {0}, {0}]
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.structured.vectorize %key_t_block : !transform.any_op
    transform.apply_patterns to %key_t_forall {{
      transform.apply_patterns.vector.transfer_permutation_patterns
      transform.apply_patterns.{1}
      transform.apply_patterns.vector.lower_shape_cast
    } : !transform.any_op)mlir",
                                     sizes.lanes, lowerTransposePattern(sizes.lanes))
                           .str()
                     : std::string());
  return Schedule{"attention", text};
}
