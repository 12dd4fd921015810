//===- BlockMapping.h - the work of one thread block ------------*- C++ -*-===//
//
// Helpers of seq-gpu-map-blocks: distributing a structured op over the
// threads of a block (a strided loop over its parallel points running the
// op's scalar implementation) and over its warps as tensor-core MMA.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_TARGET_NVPTX_BLOCKMAPPING_H
#define SEQ_LIB_TARGET_NVPTX_BLOCKMAPPING_H

#include "seq/Target/TargetModel.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::seq {

/// What a block mapping needs to know about its block.
struct BlockContext {
  /// The thread id in the block (x) and the number of threads.
  Value threadId;
  int64_t threads;
  const TargetModel *model;
  /// Where to put block-wide shared buffers (the start of the block body).
  Block *body;
};

/// Packs the block's shared buffers (memref.alloc in the workgroup space,
/// static shapes) into one arena by lifetime and replaces each with a view
/// of it; the arena is static shared memory up to 48 KiB, else dynamic
/// shared memory set on the launch. Returns the arena's size in bytes.
FailureOr<int64_t> planSharedMemory(RewriterBase &rewriter,
                                    gpu::LaunchOp launch,
                                    const TargetModel &model);

/// Turns the scratch buffers that scalar implementations allocate under
/// `scope` (memref.alloc in the default memory space) into per-thread
/// memref.alloca at the start of `entry` (the kernel body), so that a kernel
/// never calls malloc. Fails on a scratch buffer of dynamic size.
LogicalResult privatizeScratch(RewriterBase &rewriter, Operation *scope,
                               Block *entry);

/// Replaces `op` (buffer semantics) by a loop in which thread t runs the
/// points t, t + threads, ... of the op's parallel loops, each with the
/// op's reduction loops around its scalar implementation.
LogicalResult distributeOverThreads(RewriterBase &rewriter, TilingInterface op,
                                    const BlockContext &block);

/// A linalg contraction the warps of a block can run on tensor cores:
/// C[batch, m, n] += A[batch, m, k] * B[batch, k, n] with f16 or bf16 A and
/// B, f32 C, static sizes that the MMA shape divides.
struct MmaContraction {
  linalg::LinalgOp op;
  unsigned mDim, nDim, kDim;
  SmallVector<unsigned> batchDims;
  SmallVector<int64_t> loopSizes;
  /// Operand numbers of A and B (0 or 1).
  unsigned aOperand, bOperand;
  /// The instruction shape, from the target model.
  int64_t mmaM, mmaN, mmaK;
  /// The 16-bit type A and B are staged in (an f32 operand is rounded to it
  /// when the op allows, see kRoundOperandsAttr).
  Type operandType;
};

/// A contraction marked with this unit attribute may round an f32 operand
/// to the other operand's 16-bit type for tensor cores (FlashAttention's P).
constexpr StringLiteral kRoundOperandsAttr = "seq.gpu.round_operands";

/// Matches `op` as an MMA contraction for `model`; explains a miss in
/// `reason`.
FailureOr<MmaContraction> matchMmaContraction(linalg::LinalgOp op,
                                              const TargetModel &model,
                                              std::string *reason = nullptr);

/// A copy of one chunk of an MMA operand into its shared staging buffer, by
/// all threads, emitted before `before`: in 16-byte vectors when the layout
/// allows and the source turns out 16-byte aligned at run time, element by
/// element otherwise.
struct StagedCopy {
  Operation *before;
  /// The operand, its indexing map, and the staging buffer [rows][cols+pad].
  Value source;
  AffineMap map;
  Value shared;
  /// The loop dimensions along the buffer's rows and columns.
  unsigned rowDim, colDim;
  int64_t rows, cols;
  /// Whether the rows (else the columns) run along K, offset by `base`
  /// (the chunk's first k; null for 0).
  bool rowIsK;
  Value base;
  /// Values of the other (batch) loops.
  SmallVector<Value> loops;

  void emit(RewriterBase &rewriter, const BlockContext &block);
};

/// Replaces the contraction by warp-level MMA: A and B are staged through
/// shared memory in chunks of K (copied by all threads, see StagedCopy),
/// each warp keeps its tile of C in registers across K as m16n8k16
/// accumulator fragments and feeds nvgpu.mma.sync from nvgpu.ldmatrix. (The
/// fragments are built directly rather than through convert-vector-to-gpu,
/// whose MLIR 22 slice analysis pulls the block's other code into the MMA
/// chain and fails on it.)
LogicalResult distributeOverWarps(RewriterBase &rewriter,
                                  const MmaContraction &contraction,
                                  const BlockContext &block);

} // namespace mlir::seq

#endif // SEQ_LIB_TARGET_NVPTX_BLOCKMAPPING_H
