//===- GpuAttention.cpp - FlashAttention on NVIDIA GPUs -------------------===//
//
// The GPU schedule of seq.attention, the same loop nest as on CPUs with
// sizes for a thread block:
//
//  1. transform.seq.tile_attention: one thread block per (batch, key/value
//     head, query tile) — the scf.forall seq-gpu-map-blocks turns into the
//     grid — with the key tiles in an scf.for whose bounds come from the
//     mask; Kᵀ laid out once per call (a SIMT transpose kernel).
//  2. transform.seq.decompose: each key tile's online-softmax update becomes
//     linalg — S = Q K^T, the mask, row max, exp, row sum, rescale, and
//     acc += P V. In the block, the two matmuls run on the warps' tensor
//     cores (f16/bf16 operands), the softmax ops SIMT; S, P, the accumulator
//     and the running max and sum live in shared memory.
//  3. The two matmuls (tile roles "scores" and "values") are marked
//     `seq.gpu.round_operands`: P (f32) is rounded to the input type as it
//     is staged for P V, as FlashAttention does.
//
// Tile sizes, from the model: the block's tile of query rows, G * Bm for G
// query heads per key/value head, is 64 (Bm = 64 / G, at least 16 and at
// most the query length); Bn = 32 keys. With E = Ev = 64 that is 8 KiB of
// scores, 16 KiB of accumulator and 14 KiB of staging: within the 48 KiB of
// static shared memory a block may use without opting in. 128 threads.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Schedules.h"

#include "seq/Dialect/SeqOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::seq;

std::optional<Schedule> seq::gpuAttentionSchedule(Operation *op,
                                                  const TargetModel &target) {
  auto attention = cast<AttentionOp>(op);
  auto query = cast<ShapedType>(attention.getQuery().getType());
  auto key = cast<ShapedType>(attention.getKey().getType());
  auto value = cast<ShapedType>(attention.getValue().getType());
  if (!query.hasStaticShape() || !key.hasStaticShape() ||
      !value.hasStaticShape() || !attention.getStaticScale())
    return std::nullopt;
  int64_t heads = query.getDimSize(1), kvHeads = key.getDimSize(1);
  int64_t group = heads / kvHeads;
  int64_t rows = 64;
  int64_t queryTile = std::max<int64_t>(16, rows / group);
  queryTile = std::min(queryTile, query.getDimSize(2));
  int64_t keyTile = 32;
  int64_t threads = 4 * target.warpSize;
  std::string text = llvm::formatv(R"mlir(
module attributes {{transform.with_named_sequence} {
  transform.named_sequence @seq_attention(%func: !transform.any_op {{transform.readonly},
                                          %op: !transform.any_op {{transform.consumed}) {
    // The loop nest; Kᵀ once per call (a kernel of its own on the GPU).
    %forall, %key_t = transform.seq.tile_attention %op {{query_tile = {0}, key_tile = {1}}
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %tiles = transform.structured.match ops{{["seq.online_attention"]} in %forall
        : (!transform.any_op) -> !transform.any_op
    transform.seq.decompose %tiles : (!transform.any_op) -> ()
    transform.apply_patterns to %forall {{
      transform.apply_patterns.canonicalization
    } : !transform.any_op
    transform.apply_cse to %forall : !transform.any_op
    // Both matmuls on tensor cores; P (f32) rounded to the input type.
    %scores = transform.structured.match attributes{{seq.tile_role = "scores"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %values = transform.structured.match attributes{{seq.tile_role = "values"} in %forall
        : (!transform.any_op) -> !transform.any_op
    %matmuls = transform.merge_handles %scores, %values : !transform.any_op
    transform.annotate %matmuls "seq.gpu.round_operands" : !transform.any_op
    %threads = transform.param.constant {2} : i64 -> !transform.param<i64>
    transform.annotate %forall "seq.gpu.threads" = %threads
        : !transform.any_op, !transform.param<i64>
    %name = transform.param.constant "attention" -> !transform.any_param
    transform.annotate %forall "seq.gpu.kernel" = %name
        : !transform.any_op, !transform.any_param
    transform.yield
  }
}
)mlir",
                                   queryTile, keyTile, threads);
  return Schedule{"attention", text};
}
