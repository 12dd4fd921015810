//===- Pipelines.cpp - seq's named pass pipelines -------------------------===//
//
// seq-to-cpu has two paths to the same LLVM dialect:
//
//  tiled (default)  decompositions -> schedules (tiles, vectors, scf.forall)
//                   -> bufferize -> remaining seq ops to loops -> OpenMP,
//                   vector and math lowerings -> LLVM
//  reference        every seq op to scalar loops -> bufferize -> LLVM; one
//                   thread, the oracle the tiled path is checked against
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Pipelines.h"

#include "seq/Conversion/Passes.h"
#include "seq/Target/Passes.h"
#include "seq/Target/TargetModel.h"
#include "seq/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Target-independent algorithmic rewrites of the tiled path, before the
/// schedules: long convolutions by FFT, FFTs as Monarch GEMM stages, chunked
/// scans, linear attention and timestep norms. Parameters that depend on the
/// chip (radix, chunk sizes) come from `target`. One pass per rewrite.
static void addAlgorithmicDecompositions(OpPassManager &pm,
                                         const seq::TargetModel &target) {
  (void)pm;
  (void)target;
}

/// Tensors -> buffers. Function boundaries use plain row-major memrefs so a
/// host passes its arrays by pointer; inputs are the caller's and are never
/// written.
static void addBufferization(OpPassManager &pm) {
  pm.addPass(seq::createSeqReadOnlyArguments());
  pm.addPass(seq::createSeqRankPreservingSlices());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
}

/// Buffers of at most 64 KiB, statically shaped, inside a parallel tile (an
/// scf.forall body): the scratch of one thread, which its stack holds (the
/// OpenMP runtime's default stack is 4 MiB per thread).
static bool isSmallTileBuffer(Value alloc) {
  auto type = cast<MemRefType>(alloc.getType());
  if (!type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return false;
  int64_t bytes = type.getNumElements() *
                  llvm::divideCeil(type.getElementTypeBitWidth(), 8);
  return bytes <= 64 * 1024 &&
         alloc.getDefiningOp()->getParentOfType<scf::ForallOp>();
}

/// Results become out-parameters, then every allocation gets its free.
static void addOutParamsAndDeallocation(OpPassManager &pm) {
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  // Before out-params: a buffer returned twice crashes MLIR 22's pass.
  pm.addNestedPass<func::FuncOp>(seq::createSeqDistinctResultBuffers());
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(pm);
}

/// Loops, vectors, OpenMP and math -> the LLVM dialect.
static void addLLVMLowering(OpPassManager &pm, bool tiled) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (tiled) {
    // Parallel tiles -> OpenMP worksharing loops over the cores.
    pm.addPass(createForallToParallelLoopPass());
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createConvertVectorToSCFPass(
        VectorTransferToSCFOptions().enableFullUnroll()));
    pm.addPass(seq::createSeqApproximateMath());
  }
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // memref.alloca_scope must reach the LLVM conversion as one block.
  if (tiled)
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createConvertComplexToStandardPass());
  if (tiled) {
    // Row sums of a tile may be added as a tree instead of strictly in
    // order: one horizontal reduction per row instead of a chain of scalar
    // adds.
    ConvertVectorToLLVMPassOptions vectorToLLVM;
    vectorToLLVM.reassociateFPReductions = true;
    pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  }
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertComplexToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  if (!tiled)
    pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  if (tiled)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void seq::buildSeqToCpuPipeline(OpPassManager &pm) {
  SeqToCpuOptions options;
  buildSeqToCpuPipeline(pm, options);
}

void seq::buildSeqToCpuPipeline(OpPassManager &pm,
                                const SeqToCpuOptions &options,
                                SeqToCpuStage upTo) {
  if (upTo == SeqToCpuStage::Seq)
    return;

  if (options.reference) {
    if (upTo == SeqToCpuStage::Tiled)
      return;
    // seq -> loops over buffers, still wrapped in tensors.
    pm.addPass(seq::createConvertSeqToLoops());
    pm.addPass(createCanonicalizerPass());
    if (upTo == SeqToCpuStage::Loops)
      return;
    addBufferization(pm);
    addOutParamsAndDeallocation(pm);
    if (upTo == SeqToCpuStage::Buffers)
      return;
    addLLVMLowering(pm, /*tiled=*/false);
    return;
  }

  // An unknown target name is reported by seq-apply-schedules; the
  // decompositions fall back to the host model meanwhile.
  llvm::Expected<TargetModel> target = lookupTarget(options.target);
  addAlgorithmicDecompositions(pm, target ? *target : hostTarget());
  if (!target)
    llvm::consumeError(target.takeError());
  SeqApplySchedulesOptions schedules;
  schedules.target = options.target;
  schedules.schedule = options.schedule;
  pm.addPass(seq::createSeqApplySchedules(schedules));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (upTo == SeqToCpuStage::Tiled)
    return;

  // The seq ops no schedule took become loops over their buffers, inside
  // the tiles where a schedule tiled them.
  addBufferization(pm);
  // CSE first: bufferized tile loops leave copies of a subview into an equal
  // subview, which canonicalization removes once they are the same value.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(seq::createConvertSeqToLoops());
  pm.addPass(createCanonicalizerPass());
  if (upTo == SeqToCpuStage::Loops)
    return;
  // Scratch tiles: allocated once per parallel tile, on its thread's stack.
  pm.addNestedPass<func::FuncOp>(seq::createSeqHoistTileBuffers());
  pm.addNestedPass<func::FuncOp>(bufferization::createPromoteBuffersToStackPass(
      [](Value alloc) { return isSmallTileBuffer(alloc); }));
  addOutParamsAndDeallocation(pm);
  if (upTo == SeqToCpuStage::Buffers)
    return;
  addLLVMLowering(pm, /*tiled=*/true);
}

void seq::registerPipelines() {
  PassPipelineRegistration<SeqToCpuOptions>(
      "seq-to-cpu",
      "Lower seq and tensor-level IR to the LLVM dialect for the host CPU",
      [](OpPassManager &pm, const SeqToCpuOptions &options) {
        buildSeqToCpuPipeline(pm, options);
      });
}
