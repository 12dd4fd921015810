//===- Pipeline.h - the seq-to-nvptx pipeline -------------------*- C++ -*-===//
//
// seq and tensor-level IR -> GPU kernels for an NVIDIA chip: the target's
// schedules tile the program (thread blocks, warps, shared memory, tensor-
// core MMA), one-shot bufferization turns tensors into device buffers, the
// remaining structured ops become SIMT kernels, the kernels are outlined into
// gpu.modules, lowered to NVVM and serialized to PTX or cubin. The host code
// that allocates device buffers and launches the kernels is left in the LLVM
// dialect (calling MLIR's mgpu* runtime ABI, which seq's CUDA runtime
// implements on the driver API).
//
//   seq-opt --seq-to-nvptx='chip=sm_90a format=isa' in.mlir
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TARGET_NVPTX_PIPELINE_H
#define SEQ_TARGET_NVPTX_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::seq {

/// Points seq-to-nvptx can stop after (for inspecting and testing stages).
enum class SeqToNVPTXStage {
  Seq,     ///< nothing run
  Tiled,   ///< the target's tensor-level schedules applied
  Buffers, ///< bufferized; results are out-parameters
  Mapped,  ///< every computation in a gpu.launch; host code is alloc/launch
  Kernels, ///< kernels outlined into gpu.modules (gpu.launch_func on the host)
  NVVM,    ///< kernels in the LLVM/NVVM dialects with the NVVM target attached
  Binary,  ///< gpu.binary objects (PTX or cubin); host code in LLVM dialect
};

struct SeqToNVPTXOptions : public PassPipelineOptions<SeqToNVPTXOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("Target model (sm_80, sm_90a; see --seq-print-target)"),
      llvm::cl::init("sm_80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("What gpu.binary holds: 'isa' (PTX text), 'bin' (cubin "
                     "through ptxas) or 'fatbin'"),
      llvm::cl::init("isa")};
  PassOptions::Option<int> optLevel{
      *this, "opt-level",
      llvm::cl::desc("LLVM optimization level of the kernels (0-3)"),
      llvm::cl::init(3)};
  PassOptions::Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit root for ptxas and libdevice (default: "
                     "$CUDA_HOME, else /usr/local/cuda)"),
      llvm::cl::init("")};
  PassOptions::Option<std::string> stopAfter{
      *this, "stop-after",
      llvm::cl::desc("Stop after a stage (tiled, buffers, mapped, kernels, "
                     "nvvm; default: the whole pipeline) to inspect it"),
      llvm::cl::init("")};
  PassOptions::Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Map matmuls and attention to tensor-core MMA (off: "
                     "SIMT kernels only)"),
      llvm::cl::init(true)};
};

/// Adds the seq-to-nvptx passes of the stages after `from` up to and
/// including `upTo` (so a program can be inspected between two runs).
void buildSeqToNVPTXPipeline(OpPassManager &pm,
                             const SeqToNVPTXOptions &options,
                             SeqToNVPTXStage upTo = SeqToNVPTXStage::Binary,
                             SeqToNVPTXStage from = SeqToNVPTXStage::Seq);

/// Registers what a context needs to run seq-to-nvptx: every upstream
/// dialect and extension, the LLVM IR translations (for serializing
/// kernels), the seq dialect and its transform ops (for the schedules).
void registerSeqToNVPTXDependencies(DialectRegistry &registry);

/// The CUDA toolkit root the pipeline uses when `toolkit` is empty.
std::string defaultCudaToolkit();

/// Registers `seq-to-nvptx` with the pass registry.
void registerSeqToNVPTXPipeline();

} // namespace mlir::seq

#endif // SEQ_TARGET_NVPTX_PIPELINE_H
