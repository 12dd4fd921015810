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

#include "seq/Dialect/AttentionMask.h"
#include "seq/Dialect/SeqOps.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::seq;

namespace {
/// The keys [lo, hi) query position p may see (every mask kind allows a
/// contiguous range).
std::pair<int64_t, int64_t> keyRange(const AttentionMask &mask, int64_t p,
                                     int64_t keys) {
  int64_t lo = 0, hi = keys;
  switch (mask.kind) {
  case MaskKind::none:
    break;
  case MaskKind::causal:
    hi = p + 1;
    break;
  case MaskKind::sliding_window:
    if (mask.left >= 0)
      lo = p - mask.left;
    if (mask.right >= 0)
      hi = p + 1 + mask.right;
    break;
  case MaskKind::chunk_causal:
    lo = (p >= 0 ? p / mask.chunkSize : -1) * mask.chunkSize;
    hi = p + 1;
    break;
  case MaskKind::chunk:
    lo = (p >= 0 ? p / mask.chunkSize : -1) * mask.chunkSize;
    hi = lo + mask.chunkSize;
    break;
  case MaskKind::prefix:
    hi = std::max(p + 1, mask.prefixLength);
    break;
  }
  return {std::max<int64_t>(lo, 0), std::min(hi, keys)};
}

/// The model's estimate for one attention op and its tiles: flops of the
/// visible (query, key) pairs — 2E for the score, 2Ev for P·V, 5 for the
/// softmax — and global bytes: Q and the output once, K and V once per
/// query tile for the key tiles it visits (a mask_mod is taken as
/// allowing everything).
std::pair<int64_t, int64_t> attentionWork(AttentionOp op, int64_t queryTile,
                                          int64_t keyTile) {
  auto q = cast<ShapedType>(op.getQuery().getType());
  auto k = cast<ShapedType>(op.getKey().getType());
  auto v = cast<ShapedType>(op.getValue().getType());
  int64_t batch = q.getDimSize(0), heads = q.getDimSize(1),
          kvHeads = k.getDimSize(1), lq = q.getDimSize(2), lk = k.getDimSize(2),
          e = q.getDimSize(3), ev = v.getDimSize(3);
  int64_t bytesPer = llvm::divideCeil(q.getElementTypeBitWidth(), 8);
  AttentionMask mask = AttentionMask::of(op);
  int64_t pairs = 0, keyTilesVisited = 0;
  for (int64_t t0 = 0; t0 < lq; t0 += queryTile) {
    int64_t lo = lk, hi = 0;
    for (int64_t i = t0; i < std::min(lq, t0 + queryTile); ++i) {
      auto [rowLo, rowHi] = keyRange(mask, i + lk - lq, lk);
      if (rowHi <= rowLo)
        continue;
      pairs += rowHi - rowLo;
      lo = std::min(lo, rowLo);
      hi = std::max(hi, rowHi);
    }
    if (hi > lo)
      keyTilesVisited += llvm::divideCeil(hi, keyTile) - lo / keyTile;
  }
  int64_t flops = batch * heads * pairs * (2 * e + 2 * ev + 5);
  int64_t bytes =
      batch * heads * lq * (e + ev) * bytesPer +
      batch * kvHeads * keyTilesVisited * keyTile * (e + ev) * bytesPer;
  return {flops, bytes};
}
} // namespace

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
  std::pair<int64_t, int64_t> work =
      attentionWork(attention, queryTile, keyTile);
  std::string schedule =
      llvm::formatv("FlashAttention tiles: {0} query rows x {1} heads per "
                    "block, {2}-key tiles, {3} threads; QK^T and PV on "
                    "mma.sync m16n8k16 when f16/bf16",
                    queryTile, group, keyTile, threads)
          .str();
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
    %schedule = transform.param.constant "{3}" -> !transform.any_param
    transform.annotate %forall "seq.gpu.schedule" = %schedule
        : !transform.any_op, !transform.any_param
    %flops = transform.param.constant {4} : i64 -> !transform.param<i64>
    transform.annotate %forall "seq.gpu.flops" = %flops
        : !transform.any_op, !transform.param<i64>
    %bytes = transform.param.constant {5} : i64 -> !transform.param<i64>
    transform.annotate %forall "seq.gpu.bytes" = %bytes
        : !transform.any_op, !transform.param<i64>
    transform.yield
  }
}
)mlir",
                                   queryTile, keyTile, threads, schedule,
                                   work.first, work.second);
  return Schedule{"attention", text};
}
