//===- Pipelines.cpp - seq's named pass pipelines -------------------------===//

#include "seq/Target/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "seq/Conversion/Passes.h"
#include "seq/Transforms/Passes.h"

using namespace mlir;

void seq::buildSeqToCpuPipeline(OpPassManager &pm) {
  SeqToCpuOptions options;
  buildSeqToCpuPipeline(pm, options);
}

void seq::buildSeqToCpuPipeline(OpPassManager &pm,
                                const SeqToCpuOptions &options,
                                SeqToCpuStage upTo) {
  if (upTo == SeqToCpuStage::Seq || upTo == SeqToCpuStage::Tiled)
    return;
  // seq -> loops over buffers, still wrapped in tensors.
  pm.addPass(seq::createConvertSeqToLoops());
  pm.addPass(createCanonicalizerPass());
  if (upTo == SeqToCpuStage::Loops)
    return;

  // Tensors -> buffers. Function boundaries use plain row-major memrefs and
  // results become out-parameters, so a host passes its arrays by pointer;
  // inputs are the caller's and are never written.
  pm.addPass(seq::createSeqReadOnlyArguments());
  pm.addPass(seq::createSeqRankPreservingSlices());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addNestedPass<func::FuncOp>(seq::createSeqDistinctResultBuffers());
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(pm);
  if (upTo == SeqToCpuStage::Buffers)
    return;

  // Loops -> LLVM.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertComplexToStandardPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertComplexToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void seq::registerPipelines() {
  PassPipelineRegistration<SeqToCpuOptions>(
      "seq-to-cpu",
      "Lower seq and tensor-level IR to the LLVM dialect for the host CPU",
      [](OpPassManager &pm, const SeqToCpuOptions &options) {
        buildSeqToCpuPipeline(pm, options);
      });
}
