//===- Pipelines.h - seq's named pass pipelines -----------------*- C++ -*-===//

#ifndef SEQ_TARGET_PIPELINES_H
#define SEQ_TARGET_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::seq {

/// Points the seq-to-cpu pipeline can stop after (for inspecting its stages).
enum class SeqToCpuStage {
  Seq,     ///< nothing run: the IR as written
  Loops,   ///< seq ops lowered to loops over buffers, still tensor IR
  Buffers, ///< bufferized, results as out-parameters, deallocation inserted
  LLVM,    ///< the LLVM dialect: the full pipeline
};

/// Adds the seq-to-cpu passes up to and including `upTo`.
void buildSeqToCpuPipeline(OpPassManager &pm, SeqToCpuStage upTo);

/// seq (and upstream tensor-level) IR -> LLVM dialect for the host CPU:
/// reference lowering, one-shot bufferization with identity-layout function
/// boundaries, results turned into out-parameters, deallocation, and the
/// conversions to LLVM.
void buildSeqToCpuPipeline(OpPassManager &pm);

/// Registers the named pipelines (`seq-to-cpu`) with the pass registry.
void registerPipelines();

} // namespace mlir::seq

#endif // SEQ_TARGET_PIPELINES_H
