//===- Pipelines.h - seq's named pass pipelines -----------------*- C++ -*-===//

#ifndef SEQ_TARGET_PIPELINES_H
#define SEQ_TARGET_PIPELINES_H

#include "mlir/Pass/PassManager.h"

namespace mlir::seq {


/// seq (and upstream tensor-level) IR -> LLVM dialect for the host CPU:
/// reference lowering, one-shot bufferization with identity-layout function
/// boundaries, results turned into out-parameters, deallocation, and the
/// conversions to LLVM.
void buildSeqToCpuPipeline(OpPassManager &pm);

/// Registers the named pipelines (`seq-to-cpu`) with the pass registry.
void registerPipelines();

} // namespace mlir::seq

#endif // SEQ_TARGET_PIPELINES_H
