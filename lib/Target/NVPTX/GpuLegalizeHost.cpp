//===- GpuLegalizeHost.cpp - device-memory-only host code -----------------===//
//
// The host side of a mapped function allocates, launches and frees, on
// device memory only. Buffers the host allocated become device buffers
// freed at the return; globals that only kernels read move into them; any
// remaining host op that touches memory is an error at its location.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPULEGALIZEHOST
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

static bool onHost(Operation *op) {
  return !op->getParentOfType<gpu::LaunchOp>() &&
         !op->getParentOfType<gpu::GPUModuleOp>();
}

/// Replaces a host allocation with a device allocation freed before every
/// return of `func`.
static LogicalResult toDeviceAllocation(RewriterBase &rewriter,
                                        func::FuncOp func, Operation *alloc) {
  auto type = cast<MemRefType>(alloc->getResult(0).getType());
  if (alloc->getBlock() != &func.getBody().front())
    return alloc->emitError("seq-gpu-legalize-host: a buffer allocated "
                            "inside host control flow; the GPU mapping "
                            "expects host code to be straight-line");
  if (type.getMemorySpace())
    return alloc->emitError("seq-gpu-legalize-host: a host buffer in memory "
                            "space ")
           << type.getMemorySpace() << "; expected the default (global) space";
  rewriter.setInsertionPoint(alloc);
  auto deviceAlloc = gpu::AllocOp::create(
      rewriter, alloc->getLoc(), type, /*asyncToken=*/Type(),
      /*asyncDependencies=*/ValueRange(), alloc->getOperands(),
      /*symbolOperands=*/ValueRange(), /*hostShared=*/false);
  Value buffer = deviceAlloc.getMemref();
  rewriter.replaceOp(alloc, buffer);

  bool freed = false;
  for (Operation *user : llvm::make_early_inc_range(buffer.getUsers())) {
    if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
      rewriter.setInsertionPoint(dealloc);
      rewriter.replaceOpWithNewOp<gpu::DeallocOp>(
          dealloc, /*asyncToken=*/Type(), ValueRange(), buffer);
      freed = true;
    } else if (isa<func::ReturnOp>(user)) {
      return user->emitError("seq-gpu-legalize-host: the function returns a "
                             "buffer it allocated; results must be "
                             "out-parameters on the GPU path");
    }
  }
  if (freed)
    return success();
  WalkResult walk = func.walk([&](func::ReturnOp ret) {
    rewriter.setInsertionPoint(ret);
    gpu::DeallocOp::create(rewriter, ret.getLoc(), /*asyncToken=*/Type(),
                           ValueRange(), buffer);
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// Moves a host memref.get_global into each kernel that uses it. Fails when
/// the host itself uses it.
static LogicalResult sinkGlobal(RewriterBase &rewriter,
                                memref::GetGlobalOp global) {
  llvm::SetVector<gpu::LaunchOp> launches;
  for (Operation *user : global->getUsers()) {
    auto launch = user->getParentOfType<gpu::LaunchOp>();
    if (!launch)
      return user->emitError("seq-gpu-legalize-host: the host reads the "
                             "constant global @")
             << global.getName() << "; only kernels may read it";
    launches.insert(launch);
  }
  for (gpu::LaunchOp launch : launches) {
    rewriter.setInsertionPointToStart(&launch.getBody().front());
    Operation *clone = rewriter.clone(*global);
    rewriter.replaceUsesWithIf(
        global, clone->getResult(0), [&](OpOperand &use) {
          return launch->isProperAncestor(use.getOwner());
        });
  }
  rewriter.eraseOp(global);
  return success();
}

namespace {
struct SeqGpuLegalizeHostPass
    : public seq::impl::SeqGpuLegalizeHostBase<SeqGpuLegalizeHostPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());

    SmallVector<Operation *> allocs;
    SmallVector<memref::GetGlobalOp> globals;
    func.walk([&](Operation *op) {
      if (!onHost(op))
        return;
      if (isa<memref::AllocOp, memref::AllocaOp>(op))
        allocs.push_back(op);
      else if (auto global = dyn_cast<memref::GetGlobalOp>(op))
        globals.push_back(global);
    });
    for (Operation *alloc : allocs)
      if (failed(toDeviceAllocation(rewriter, func, alloc)))
        return signalPassFailure();
    for (memref::GetGlobalOp global : globals)
      if (failed(sinkGlobal(rewriter, global)))
        return signalPassFailure();

    // Whatever remains on the host must not touch memory.
    WalkResult walk = func->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      if (op == func ||
          op->getDialect() == getContext().getLoadedDialect<gpu::GPUDialect>())
        return WalkResult::advance();
      if (op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() ||
          isMemoryEffectFree(op))
        return WalkResult::advance();
      op->emitError("seq-gpu-legalize-host: '")
          << op->getName()
          << "' would run on the host and access device memory; it has no "
             "GPU mapping";
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
