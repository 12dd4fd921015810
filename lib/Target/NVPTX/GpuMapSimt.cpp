//===- GpuMapSimt.cpp - host-level structured ops as SIMT kernels ---------===//
//
// One thread per point of an op's parallel loops: the thread delinearizes
// its global id into the parallel induction variables (innermost fastest,
// so neighbouring threads touch neighbouring elements), loops over the
// reduction dimensions and emits the op's scalar implementation. Works for
// any TilingInterface op with buffer semantics and for dynamic shapes.
//
//===----------------------------------------------------------------------===//

#include "BlockMapping.h"
#include "KernelInfo.h"
#include "KernelNames.h"
#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUMAPSIMT
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using mlir::seq::estimateLinalgWork;
using mlir::seq::KernelNamer;
using mlir::seq::setKernelInfo;

/// True for an op this pass turns into a kernel: a TilingInterface op on the
/// host whose operands are buffers or scalars (no tensors left).
static bool isHostBufferOp(Operation *op) {
  if (!isa<TilingInterface>(op) || op->getParentOfType<gpu::LaunchOp>())
    return false;
  auto isTensor = [](Type type) { return isa<TensorType>(type); };
  return op->getNumResults() == 0 &&
         llvm::none_of(op->getOperandTypes(), isTensor);
}

/// Builds the kernel of `op` and erases the op.
static LogicalResult mapToSimtKernel(RewriterBase &rewriter, TilingInterface op,
                                     int64_t blockSize, KernelNamer &namer) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Range> domain = op.getIterationDomain(rewriter);
  SmallVector<utils::IteratorType> iterators = op.getLoopIteratorTypes();
  SmallVector<unsigned> parallel, reduction;
  for (auto [dim, type] : llvm::enumerate(iterators))
    (type == utils::IteratorType::parallel ? parallel : reduction)
        .push_back(dim);

  // The trip count of each loop; the loops are normalized to [0, size).
  auto value = [&](OpFoldResult ofr) {
    return getValueOrCreateConstantIndexOp(rewriter, loc, ofr);
  };
  SmallVector<OpFoldResult> parallelSizes;
  for (unsigned dim : parallel) {
    Range r = domain[dim];
    if (!isConstantIntValue(r.stride, 1))
      return op.emitError("seq-gpu-map-simt: loop ")
             << dim << " has a non-unit step";
    parallelSizes.push_back(r.size);
  }

  // points = prod(parallel sizes); blocks = ceil(points / threads).
  AffineExpr s0, s1;
  bindSymbols(rewriter.getContext(), s0, s1);
  OpFoldResult points = rewriter.getIndexAttr(1);
  for (OpFoldResult size : parallelSizes)
    points = affine::makeComposedFoldedAffineApply(rewriter, loc, s0 * s1,
                                                   {points, size});
  int64_t threads = blockSize;
  if (std::optional<int64_t> staticPoints = getConstantIntValue(points))
    threads =
        std::clamp<int64_t>(llvm::alignTo(*staticPoints, 32), 32, blockSize);
  OpFoldResult blocks = affine::makeComposedFoldedAffineApply(
      rewriter, loc, s0.ceilDiv(threads), {points});
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value threadCount = arith::ConstantIndexOp::create(rewriter, loc, threads);

  auto [moduleName, kernelName] = namer.next(op);
  auto launch = gpu::LaunchOp::create(
      rewriter, loc, value(blocks), one, one, threadCount, one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      /*asyncDependencies=*/ValueRange(), /*workgroupAttributions=*/{},
      /*privateAttributions=*/{}, /*clusterSizeX=*/nullptr,
      /*clusterSizeY=*/nullptr, /*clusterSizeZ=*/nullptr, moduleName,
      kernelName);
  setKernelInfo(launch,
                ("SIMT, one thread per point of the " + Twine(parallel.size()) +
                 " parallel loop(s), " + Twine(threads) + " threads per block")
                    .str(),
                estimateLinalgWork(op));
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  gpu::KernelDim3 blockId = launch.getBlockIds();
  gpu::KernelDim3 threadId = launch.getThreadIds();
  Value id = affine::makeComposedAffineApply(rewriter, loc, s0 * threads + s1,
                                             {blockId.x, threadId.x});
  Value inRange = arith::CmpIOp::create(
      rewriter, loc, arith::CmpIPredicate::ult, id, value(points));
  auto guard = scf::IfOp::create(rewriter, loc, inRange);
  gpu::TerminatorOp::create(rewriter, loc);

  rewriter.setInsertionPointToStart(guard.thenBlock());
  SmallVector<Value> ivs(domain.size());
  if (!parallel.empty()) {
    auto delinearize = affine::AffineDelinearizeIndexOp::create(
        rewriter, loc, id, parallelSizes, /*hasOuterBound=*/true);
    for (auto [dim, iv] : llvm::zip(parallel, delinearize.getResults()))
      ivs[dim] = affine::makeComposedAffineApply(
          rewriter, loc, s0 + s1, {value(domain[dim].offset), iv});
  }
  // The reduction loops, outermost first, around the scalar body.
  for (unsigned dim : reduction) {
    Range r = domain[dim];
    auto loop = scf::ForOp::create(
        rewriter, loc, value(r.offset),
        affine::makeComposedAffineApply(rewriter, loc, s0 + s1,
                                        {value(r.offset), value(r.size)}),
        value(r.stride));
    ivs[dim] = loop.getInductionVar();
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  if (failed(op.generateScalarImplementation(rewriter, loc, ivs)))
    return op.emitError("seq-gpu-map-simt: the op has no scalar "
                        "implementation to run per thread");
  rewriter.eraseOp(op);
  return seq::privatizeScratch(rewriter, launch, &body);
}

namespace {
struct SeqGpuMapSimtPass
    : public seq::impl::SeqGpuMapSimtBase<SeqGpuMapSimtPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (blockSize <= 0 || blockSize % 32 != 0 || blockSize > 1024) {
      func.emitError("seq-gpu-map-simt: block-size must be a multiple of 32 "
                     "in [32, 1024], got ")
          << static_cast<int64_t>(blockSize);
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    // Host copies of bufferization become structured copies first.
    SmallVector<memref::CopyOp> copies;
    func.walk([&](memref::CopyOp copy) {
      if (!copy->getParentOfType<gpu::LaunchOp>())
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }

    SmallVector<TilingInterface> ops;
    func.walk([&](Operation *op) {
      if (isHostBufferOp(op))
        ops.push_back(cast<TilingInterface>(op));
    });
    KernelNamer namer(func);
    for (TilingInterface op : ops)
      if (failed(mapToSimtKernel(rewriter, op, blockSize, namer)))
        return signalPassFailure();
  }
};
} // namespace
