//===- GpuMapBlocks.cpp - tile loops to thread blocks ---------------------===//
//
// A host-level scf.forall over buffers is a grid of thread blocks: each
// iteration becomes one block of a gpu.launch, and the structured ops of its
// body are shared out among the block's threads (SIMT, through their scalar
// implementation) or, for f16/bf16 contractions, among its warps as
// tensor-core MMA. Buffers the body allocates become shared memory, and a
// barrier follows every distributed op, so each op sees its predecessors'
// results.
//
//===----------------------------------------------------------------------===//

#include "BlockMapping.h"
#include "GpuTarget.h"
#include "KernelInfo.h"
#include "KernelNames.h"
#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUMAPBLOCKS
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

/// The attributes a schedule may put on a block-level forall.
static constexpr StringLiteral kThreadsAttr = "seq.gpu.threads";
static constexpr StringLiteral kKernelAttr = "seq.gpu.kernel";

/// A gpu.launch running the iterations of `forall` as blocks; returns the
/// launch with the forall's body moved into it.
static FailureOr<gpu::LaunchOp> launchForall(RewriterBase &rewriter,
                                             scf::ForallOp forall,
                                             int64_t threads,
                                             KernelNamer &namer) {
  Location loc = forall.getLoc();
  rewriter.setInsertionPoint(forall);
  auto value = [&](OpFoldResult ofr) {
    return getValueOrCreateConstantIndexOp(rewriter, loc, ofr);
  };
  AffineExpr s0, s1, s2;
  bindSymbols(rewriter.getContext(), s0, s1, s2);
  SmallVector<OpFoldResult> counts;
  for (auto [lb, ub, step] :
       llvm::zip(forall.getMixedLowerBound(), forall.getMixedUpperBound(),
                 forall.getMixedStep()))
    counts.push_back(affine::makeComposedFoldedAffineApply(
        rewriter, loc, (s1 - s0).ceilDiv(s2), {lb, ub, step}));
  size_t rank = counts.size();
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  // Up to three loops map to z, y, x (the innermost to x); more are
  // linearized into x.
  SmallVector<Value> grid(3, one);
  if (rank <= 3) {
    for (size_t i = 0; i < rank; ++i)
      grid[i] = value(counts[rank - 1 - i]);
  } else {
    OpFoldResult total = rewriter.getIndexAttr(1);
    for (OpFoldResult c : counts)
      total = affine::makeComposedFoldedAffineApply(rewriter, loc, s0 * s1,
                                                    {total, c});
    grid[0] = value(total);
  }
  std::string stem = "block";
  if (auto name = forall->getAttrOfType<StringAttr>(kKernelAttr))
    stem = name.getValue().str();
  auto [moduleName, kernelName] = namer.next(stem);
  auto launch = gpu::LaunchOp::create(
      rewriter, loc, grid[0], grid[1], grid[2],
      arith::ConstantIndexOp::create(rewriter, loc, threads), one, one,
      /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
      ValueRange(), {}, {}, nullptr, nullptr, nullptr, moduleName, kernelName);
  copyKernelInfo(forall, launch);
  if (!launch->hasAttr(kScheduleAttr))
    setKernelInfo(launch,
                  ("a block per iteration of the tile loop, " + Twine(threads) +
                   " threads")
                      .str(),
                  std::nullopt);
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  auto terminator = gpu::TerminatorOp::create(rewriter, loc);
  rewriter.setInsertionPoint(terminator);

  gpu::KernelDim3 ids = launch.getBlockIds();
  SmallVector<Value> blockIds;
  if (rank <= 3) {
    Value xyz[3] = {ids.x, ids.y, ids.z};
    for (size_t i = 0; i < rank; ++i)
      blockIds.push_back(xyz[rank - 1 - i]);
  } else {
    auto delinearize = affine::AffineDelinearizeIndexOp::create(
        rewriter, loc, ids.x, counts, /*hasOuterBound=*/true);
    blockIds.assign(delinearize.getResults().begin(),
                    delinearize.getResults().end());
  }
  SmallVector<Value> ivs;
  for (auto [id, lb, step] :
       llvm::zip(blockIds, forall.getMixedLowerBound(), forall.getMixedStep()))
    ivs.push_back(affine::makeComposedAffineApply(
        rewriter, loc, s0 + s1 * s2, {value(lb), id, value(step)}));
  rewriter.eraseOp(forall.getTerminator());
  rewriter.inlineBlockBefore(forall.getBody(), terminator, ivs);
  rewriter.eraseOp(forall);
  return launch;
}

/// Moves `memref.copy %invariant, %alloc` out of block-level loops when
/// %alloc is allocated in the loop body, the copy is its only writer and it
/// does not leave the iteration.
static void hoistInvariantCopies(RewriterBase &rewriter, gpu::LaunchOp launch) {
  bool changed = true;
  while (changed) {
    changed = false;
    launch.walk([&](memref::CopyOp copy) {
      auto loop = dyn_cast<scf::ForOp>(copy->getParentOp());
      auto alloc = copy.getTarget().getDefiningOp<memref::AllocOp>();
      if (!loop || !alloc || alloc->getParentOp() != loop ||
          !loop.isDefinedOutsideOfLoop(copy.getSource()) ||
          !alloc.getType().hasStaticShape())
        return WalkResult::advance();
      // Every other use (through views) only reads, inside this iteration.
      SmallVector<Value> values{alloc.getResult()};
      while (!values.empty()) {
        Value value = values.pop_back_val();
        for (OpOperand &use : value.getUses()) {
          Operation *user = use.getOwner();
          if (user == copy)
            continue;
          if (auto view = dyn_cast<ViewLikeOpInterface>(user);
              view && view.getViewSource() == value) {
            values.append(user->result_begin(), user->result_end());
            continue;
          }
          auto dps = dyn_cast<DestinationStyleOpInterface>(user);
          bool reads =
              (dps && dps.isDpsInput(&use)) ||
              isa<memref::LoadOp, vector::LoadOp, vector::TransferReadOp>(
                  user) ||
              (isa<memref::CopyOp>(user) &&
               cast<memref::CopyOp>(user).getSource() == value);
          if (!reads || isa<scf::YieldOp>(user))
            return WalkResult::advance();
        }
      }
      rewriter.moveOpBefore(alloc, loop);
      rewriter.moveOpBefore(copy, loop);
      changed = true;
      return WalkResult::interrupt();
    });
  }
}

/// Shares out the body of `launch` among its threads and warps.
static LogicalResult mapBlockBody(RewriterBase &rewriter, gpu::LaunchOp launch,
                                  int64_t threads, const TargetModel &model,
                                  bool tensorCores) {
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  BlockContext context{
      gpu::ThreadIdOp::create(rewriter, launch.getLoc(), gpu::Dimension::x),
      threads, &model, &body};

  // Loops nested in the block run in every thread.
  SmallVector<scf::ForallOp> nested;
  launch.walk([&](scf::ForallOp forall) { nested.push_back(forall); });
  for (scf::ForallOp forall : llvm::reverse(nested))
    if (failed(scf::forallToForLoop(rewriter, forall)))
      return forall.emitError("seq-gpu-map-blocks: cannot sequentialize a "
                              "loop nested in a block");
  // A copy of loop-invariant data into a buffer nothing else in the loop
  // writes (bufferization's copy of a tile that has no strided view, e.g.
  // attention's collapsed Q tile) moves out of the loop with its buffer.
  hoistInvariantCopies(rewriter, launch);
  // ... and the views of it with the rest of the loop-invariant code.
  launch.walk([&](scf::ForOp loop) {
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
  });

  SmallVector<memref::CopyOp> memrefCopies;
  launch.walk([&](memref::CopyOp copy) { memrefCopies.push_back(copy); });
  for (memref::CopyOp copy : memrefCopies) {
    rewriter.setInsertionPoint(copy);
    rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                copy.getTarget());
  }

  // Buffers bufferization allocated in the block outside the workgroup
  // space (copies of tiles that have no strided view, e.g. a collapsed
  // non-contiguous slice) are block-wide too: move them, and the views of
  // them, to shared memory.
  SmallVector<memref::AllocOp> globalAllocs;
  launch.walk([&](memref::AllocOp alloc) {
    if (!alloc.getType().getMemorySpace())
      globalAllocs.push_back(alloc);
  });
  auto workgroup = gpu::AddressSpaceAttr::get(rewriter.getContext(),
                                              gpu::AddressSpace::Workgroup);
  for (memref::AllocOp alloc : globalAllocs) {
    SmallVector<Value> worklist{alloc.getResult()};
    while (!worklist.empty()) {
      Value buffer = worklist.pop_back_val();
      auto type = cast<MemRefType>(buffer.getType());
      buffer.setType(MemRefType::get(type.getShape(), type.getElementType(),
                                     type.getLayout(), workgroup));
      for (Operation *user : buffer.getUsers())
        if (auto view = dyn_cast<ViewLikeOpInterface>(user);
            view && view.getViewSource() == buffer)
          worklist.append(user->result_begin(), user->result_end());
    }
  }

  SmallVector<Operation *> work;
  launch->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == launch)
      return WalkResult::advance();
    if (isa<TilingInterface>(op) && op->getNumResults() == 0 &&
        llvm::none_of(op->getOperandTypes(), llvm::IsaPred<TensorType>)) {
      work.push_back(op);
      return WalkResult::skip();
    }
    return WalkResult::advance();
  });
  for (Operation *op : work) {
    rewriter.setInsertionPointAfter(op);
    gpu::BarrierOp::create(rewriter, op->getLoc());
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
        linalgOp && tensorCores) {
      FailureOr<MmaContraction> mma = matchMmaContraction(linalgOp, model);
      if (succeeded(mma)) {
        if (failed(distributeOverWarps(rewriter, *mma, context)))
          return failure();
        continue;
      }
    }
    if (failed(distributeOverThreads(rewriter, cast<TilingInterface>(op),
                                     context)))
      return failure();
  }

  // Buffers of the block live in shared memory, packed by lifetime.
  if (failed(planSharedMemory(rewriter, launch, model)))
    return failure();
  SmallVector<memref::DeallocOp> deallocs;
  launch.walk([&](memref::DeallocOp dealloc) { deallocs.push_back(dealloc); });
  for (memref::DeallocOp dealloc : deallocs)
    rewriter.eraseOp(dealloc);
  return success();
}

namespace {
struct SeqGpuMapBlocksPass
    : public seq::impl::SeqGpuMapBlocksBase<SeqGpuMapBlocksPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<scf::ForallOp> foralls;
    for (Operation &op : func.getBody().getOps())
      if (auto forall = dyn_cast<scf::ForallOp>(op))
        foralls.push_back(forall);
    if (foralls.empty())
      return;
    FailureOr<TargetModel> model = getGpuTarget(func);
    if (failed(model))
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    KernelNamer namer(func);
    for (scf::ForallOp forall : foralls) {
      if (forall.getNumResults() != 0) {
        forall.emitError("seq-gpu-map-blocks: the loop still has tensor "
                         "results; bufferize first");
        return signalPassFailure();
      }
      int64_t threads = defaultThreads;
      if (auto attr = forall->getAttrOfType<IntegerAttr>(kThreadsAttr))
        threads = attr.getInt();
      if (threads <= 0 || threads % model->warpSize ||
          threads > model->maxThreadsPerBlock) {
        forall.emitError("seq-gpu-map-blocks: ")
            << threads << " threads per block; expected a multiple of "
            << model->warpSize << " up to " << model->maxThreadsPerBlock;
        return signalPassFailure();
      }
      FailureOr<gpu::LaunchOp> launch =
          launchForall(rewriter, forall, threads, namer);
      if (failed(launch) ||
          failed(mapBlockBody(rewriter, *launch, threads, *model, tensorCores)))
        return signalPassFailure();
    }
  }
};
} // namespace
