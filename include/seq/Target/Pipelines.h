//===- Pipelines.h - seq's named pass pipelines -----------------*- C++ -*-===//

#ifndef SEQ_TARGET_PIPELINES_H
#define SEQ_TARGET_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::seq {

/// Points the seq-to-cpu pipeline can stop after (for inspecting its stages).
enum class SeqToCpuStage {
  Seq,     ///< nothing run: the IR as written
  Tiled,   ///< the target's schedules applied: tiles, linalg/vector on tiles
           ///< (the reference path runs nothing here)
  Loops,   ///< remaining seq ops lowered to loops, still tensor IR
  Buffers, ///< bufferized, results as out-parameters, deallocation inserted
  LLVM,    ///< the LLVM dialect: the full pipeline
};

/// Options of seq-to-cpu, also spelled `seq-opt --seq-to-cpu='reference=1'`.
struct SeqToCpuOptions : public PassPipelineOptions<SeqToCpuOptions> {
  PassOptions::Option<bool> reference{
      *this, "reference",
      llvm::cl::desc("Compile with the reference lowering (scalar loops, one "
                     "thread): the oracle the tiled path is checked against"),
      llvm::cl::init(false)};
  PassOptions::Option<std::string> target{
      *this, "target",
      llvm::cl::desc("Target model whose schedules tile the program ('host': "
                     "the CPU this runs on; see --seq-print-target)"),
      llvm::cl::init("host")};
  PassOptions::Option<std::string> schedule{
      *this, "schedule",
      llvm::cl::desc("A transform-dialect file whose named sequences replace "
                     "the built-in schedules of the op families it defines"),
      llvm::cl::init("")};
  PassOptions::Option<int64_t> attentionQueryTile{
      *this, "attention-query-tile",
      llvm::cl::desc("Query rows per tile of the CPU attention schedule (0: "
                     "from the target model)"),
      llvm::cl::init(0)};
  PassOptions::Option<int64_t> attentionKeyTile{
      *this, "attention-key-tile",
      llvm::cl::desc("Keys per key/value tile of the CPU attention schedule "
                     "(0: from the target model)"),
      llvm::cl::init(0)};
};

/// Adds the seq-to-cpu passes up to and including `upTo`.
void buildSeqToCpuPipeline(OpPassManager &pm, const SeqToCpuOptions &options,
                           SeqToCpuStage upTo = SeqToCpuStage::LLVM);

/// seq (and upstream tensor-level) IR -> LLVM dialect for the host CPU with
/// the default options (the tiled path).
void buildSeqToCpuPipeline(OpPassManager &pm);

/// Registers the named pipelines (`seq-to-cpu`) with the pass registry.
void registerPipelines();

} // namespace mlir::seq

#endif // SEQ_TARGET_PIPELINES_H
