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
#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;

/// Target-independent algorithmic rewrites of the tiled path, before the
/// schedules: long convolutions by FFT, FFTs as Monarch GEMM stages, chunked
/// scans, linear attention and timestep norms. Parameters that depend on the
/// chip (radix, chunk sizes) come from `target`. One pass per rewrite.
/// Steps ahead at which the recurrences (EMA, scan) prefetch their rows on
/// CPUs: a block's rows are a page apart at 1024 channels (the EMA) or a
/// page each (the scan's 1024-channel blocks), which the hardware
/// prefetchers do not cross; GPUs have no such prefetch.
static constexpr int64_t kRowPrefetchDistance = 8;

static void addAlgorithmicDecompositions(OpPassManager &pm,
                                         const seq::TargetModel &target) {
  // FFT stages (docs/Algorithms.md): a radix-r stage is one (2r x 2r) real
  // GEMM, 4r multiply-adds per complex point, so a transform costs
  // 4 r log_r N: fewer stages (larger r) save passes over memory, smaller r
  // saves arithmetic (r = 32 does 1.6x the work of r = 16). r = the f32
  // lanes (8 on AVX2, 16 on AVX-512, within [8, 16]) gives the register-tiled
  // GEMMs a reduction of 2r = two vectors of lanes; GPUs use their 16x16
  // tensor-core tiles. Single stages up to max(64, 4r) points are cheaper
  // than Bluestein's three transforms of twice the size.
  int64_t lanes = std::max<int64_t>(target.f32Lanes(), 1);
  int64_t radix = target.isGpu()
                      ? 16
                      : std::clamp<int64_t>(llvm::PowerOf2Ceil(lanes), 8, 16);
  int64_t maxStage = std::max<int64_t>(64, 4 * radix);
  // Recurrences: a work item is a block of 4 vectors of channels; time is
  // chunked only when the blocks cannot give every core four of them. The
  // EMA goes first: its convolution form (when cheaper) is a seq.long_conv.
  int64_t channelBlock = 4 * lanes;
  int64_t parallelWork = 4 * std::max<int64_t>(target.cores, 1);
  seq::SeqChunkEmaOptions ema;
  ema.channelBlock = channelBlock;
  ema.parallelWork = parallelWork;
  ema.radix = radix;
  ema.maxStage = maxStage;
  ema.prefetchDistance = target.isGpu() ? 0 : kRowPrefetchDistance;
  pm.addPass(seq::createSeqChunkEma(ema));

  // Long convolutions by the cost rule of seq-decompose-long-conv: a direct
  // tap and an FFT-GEMM multiply-add both run as vector FMAs.
  seq::SeqDecomposeLongConvOptions conv;
  conv.radix = radix;
  conv.maxStage = maxStage;
  // Whole-sequence convolutions of paired channels run as blocks of channel
  // rows in one core's L2 (the same reason as the FFT's blocks).
  conv.cacheBytes = target.isGpu() ? 0 : target.l2Bytes;
  pm.addPass(seq::createSeqDecomposeLongConv(conv));
  seq::SeqDecomposeFftOptions fft;
  fft.radix = radix;
  fft.maxStage = maxStage;
  // A batch of transforms runs block by block, each block's stages in one
  // core's L2 cache, instead of every stage streaming the whole batch
  // through memory (a 128 x 16K FFT: 2.4x faster).
  fft.blockBytes = target.isGpu() ? 0 : target.l2Bytes;
  pm.addPass(seq::createSeqDecomposeFft(fft));

  seq::SeqChunkScanOptions scan;
  scan.channelBlock = channelBlock;
  scan.parallelWork = parallelWork;
  // Wide scans stream in blocks of up to a 4 KiB page of f32 channels per
  // step (64K x 4096 channels: 300 -> 175 ms on two cores).
  scan.maxChannelBlock = target.isGpu() ? 0 : 1024;
  scan.prefetchDistance = target.isGpu() ? 0 : kRowPrefetchDistance;
  pm.addPass(seq::createSeqChunkScan(scan));


  // Linear attention: sub-chunks of one vector of rows (the per-key decay's
  // elementwise diagonal blocks), chunks of four sub-chunks (the intra-chunk
  // GEMMs are C x C x F, the state F x E); chunks in parallel only when the
  // heads cannot occupy the cores.
  seq::SeqChunkLinearAttentionOptions linear;
  linear.subChunk = std::clamp<int64_t>(lanes, 4, 16);
  linear.chunkSize = 4 * linear.subChunk;
  linear.parallelWork = parallelWork;
  pm.addPass(seq::createSeqChunkLinearAttention(linear));

  // Timestep norm: a work item is one batch row's (chunk of) time steps.
  seq::SeqChunkTimestepNormOptions norm;
  norm.parallelWork = parallelWork;
  pm.addPass(seq::createSeqChunkTimestepNorm(norm));
}

/// Tensors -> buffers. Function boundaries use plain row-major memrefs so a
/// host passes its arrays by pointer; inputs are the caller's and are never
/// written.
static void addBufferization(OpPassManager &pm) {
  pm.addPass(seq::createSeqReadOnlyArguments());
  // After the last CSE: one scratch buffer per parallel tile, not one shared.
  pm.addPass(seq::createSeqPrivateEmptyTensors());
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
  // Strided copies as loops LLVM vectorizes, not the runtime's element-wise
  // copy.
  if (tiled)
    pm.addPass(seq::createSeqStridedCopies());
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
  schedules.attentionQueryTile = options.attentionQueryTile;
  schedules.attentionKeyTile = options.attentionKeyTile;
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
  pm.addPass(seq::createSeqEraseSelfCopies());
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
