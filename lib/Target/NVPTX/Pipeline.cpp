//===- Pipeline.cpp - the seq-to-nvptx pipeline ---------------------------===//

#include "seq/Target/NVPTX/Pipeline.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "seq/Dialect/SeqDialect.h"
#include "seq/Target/NVPTX/Passes.h"
#include "seq/Target/Passes.h"
#include "seq/Target/TargetModel.h"
#include "seq/TransformOps/SeqTransformOps.h"
#include "seq/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/ADT/StringSwitch.h"

#include <cstdlib>

using namespace mlir;
using namespace mlir::seq;

void mlir::seq::registerSeqToNVPTXDependencies(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registry.insert<SeqDialect>();
  registerTransformDialectExtension(registry);
}

std::string mlir::seq::defaultCudaToolkit() {
  if (const char *home = std::getenv("CUDA_HOME"); home && *home)
    return home;
  return "/usr/local/cuda";
}

static void addTiledStage(OpPassManager &pm,
                          const seq::SeqToNVPTXOptions &options) {
  // The model every later pass reads (and an error for an unknown chip).
  seq::SeqGpuTargetOptions target;
  target.chip = options.chip;
  pm.addPass(seq::createSeqGpuTarget(target));
  // The target's schedules (attention: thread-block tiles), then the
  // tensor-core tiling of the remaining contractions.
  SeqApplySchedulesOptions schedules;
  schedules.target = options.chip;
  pm.addPass(createSeqApplySchedules(schedules));
  // Chains of elementwise ops become one op, so one kernel.
  pm.addNestedPass<func::FuncOp>(createSeqGpuFuseElementwise());
  if (options.tensorCores)
    pm.addNestedPass<func::FuncOp>(seq::createSeqGpuTileContractions());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(seq::createSeqGpuSharedTiles());
}

static void addBuffersStage(OpPassManager &pm) {
  // Tensors -> device buffers. Arguments are the caller's device arrays and
  // are never written; results become out-parameters.
  pm.addPass(createSeqReadOnlyArguments());
  // The CPU pipeline's workarounds of MLIR 22 bufferization bugs apply here
  // too (rank-reducing strided subviews, a buffer returned twice).
  pm.addPass(createSeqRankPreservingSlices());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addNestedPass<func::FuncOp>(createSeqDistinctResultBuffers());
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

static void addMappedStage(OpPassManager &pm,
                           const seq::SeqToNVPTXOptions &options) {
  // Tile loops become thread blocks (warps run the MMA contractions), what
  // the schedules left on the host runs as SIMT kernels; the host keeps
  // device allocations and launches only.
  SeqGpuMapBlocksOptions blocks;
  blocks.tensorCores = options.tensorCores;
  pm.addNestedPass<func::FuncOp>(createSeqGpuMapBlocks(blocks));
  pm.addNestedPass<func::FuncOp>(createSeqGpuMapSimt());
  pm.addNestedPass<func::FuncOp>(createSeqGpuLegalizeHost());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

static void addNVVMStage(OpPassManager &pm,
                         const seq::SeqToNVPTXOptions &options) {

  // Host: the synchronous GPU ops become asynchronous ones on one stream,
  // the form gpu-to-llvm turns into mgpu* runtime calls.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  // Kernels -> NVVM (the order of MLIR's gpu-lower-to-nvvm-pipeline, plus
  // complex numbers).
  pm.addPass(createConvertComplexToStandardPass());
  pm.addPass(createConvertNVGPUToNVVMPass());
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertNVVMToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  llvm::Expected<TargetModel> model = lookupTarget(options.chip);
  GpuNVVMAttachTargetOptions nvvm;
  nvvm.chip = options.chip;
  nvvm.features = model ? model->ptxFeatures : std::string("+ptx80");
  if (!model)
    llvm::consumeError(model.takeError());
  nvvm.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(nvvm));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createStripDebugInfoPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(LLVM::createNVVMOptimizeForTargetPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
}

static void addBinaryStage(OpPassManager &pm,
                           const seq::SeqToNVPTXOptions &options) {

  pm.addPass(createGpuToLLVMConversionPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  binary.toolkitPath = options.toolkit.empty() ? defaultCudaToolkit()
                                               : std::string(options.toolkit);
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mlir::seq::buildSeqToNVPTXPipeline(OpPassManager &pm,
                                        const SeqToNVPTXOptions &options,
                                        SeqToNVPTXStage upTo,
                                        SeqToNVPTXStage from) {
  // Stage s is added when from < s <= upTo.
  auto wanted = [&](SeqToNVPTXStage stage) {
    return from < stage && stage <= upTo;
  };
  if (wanted(SeqToNVPTXStage::Tiled))
    addTiledStage(pm, options);
  if (wanted(SeqToNVPTXStage::Buffers))
    addBuffersStage(pm);
  if (wanted(SeqToNVPTXStage::Mapped))
    addMappedStage(pm, options);
  if (wanted(SeqToNVPTXStage::Kernels)) {
    // Constants and index arithmetic move into the kernels instead of
    // becoming parameters, so the kernel code sees static shapes.
    pm.addNestedPass<func::FuncOp>(createGpuLaunchSinkIndexComputationsPass());
    pm.addPass(createGpuKernelOutliningPass());
    pm.addPass(createSeqGpuRegisterBudget());
  }
  if (wanted(SeqToNVPTXStage::NVVM))
    addNVVMStage(pm, options);
  if (wanted(SeqToNVPTXStage::Binary))
    addBinaryStage(pm, options);
}

void mlir::seq::registerSeqToNVPTXPipeline() {
  PassPipelineRegistration<SeqToNVPTXOptions>(
      "seq-to-nvptx",
      "Lower seq and tensor-level IR to GPU kernels (PTX or cubin) and host "
      "code that launches them",
      [](OpPassManager &pm, const SeqToNVPTXOptions &options) {
        SeqToNVPTXStage upTo =
            llvm::StringSwitch<SeqToNVPTXStage>(options.stopAfter)
                .Case("tiled", SeqToNVPTXStage::Tiled)
                .Case("buffers", SeqToNVPTXStage::Buffers)
                .Case("mapped", SeqToNVPTXStage::Mapped)
                .Case("kernels", SeqToNVPTXStage::Kernels)
                .Case("nvvm", SeqToNVPTXStage::NVVM)
                .Default(SeqToNVPTXStage::Binary);
        buildSeqToNVPTXPipeline(pm, options, upTo);
      });
}
