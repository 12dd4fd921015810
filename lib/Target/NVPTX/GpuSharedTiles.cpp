//===- GpuSharedTiles.cpp - block-local tensors live in shared memory -----===//
//
// Inside a tile loop that becomes a thread block, every tensor the body
// creates (the scores, the running max and sum, the accumulator of an
// attention tile; padded copies of boundary tiles) is shared by the block's
// threads: it is allocated in the workgroup memory space, which one-shot
// bufferization then keeps for everything derived from it.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUSHAREDTILES
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

/// A workgroup-memory tensor of `type` (with the dynamic sizes `sizes`).
static Value sharedTensor(RewriterBase &rewriter, Location loc,
                          RankedTensorType type, ValueRange sizes) {
  auto alloc = bufferization::AllocTensorOp::create(rewriter, loc, type, sizes);
  alloc.setMemorySpaceAttr(gpu::AddressSpaceAttr::get(
      rewriter.getContext(), gpu::AddressSpace::Workgroup));
  return alloc;
}

namespace {
struct SeqGpuSharedTilesPass
    : public seq::impl::SeqGpuSharedTilesBase<SeqGpuSharedTilesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    for (auto forall : func.getBody().getOps<scf::ForallOp>()) {
      SmallVector<tensor::EmptyOp> empties;
      SmallVector<tensor::PadOp> pads;
      forall.walk([&](Operation *op) {
        if (auto empty = dyn_cast<tensor::EmptyOp>(op))
          empties.push_back(empty);
        else if (auto pad = dyn_cast<tensor::PadOp>(op))
          pads.push_back(pad);
      });
      for (tensor::EmptyOp empty : empties) {
        rewriter.setInsertionPoint(empty);
        rewriter.replaceOp(empty, sharedTensor(rewriter, empty.getLoc(),
                                               empty.getType(),
                                               empty.getDynamicSizes()));
      }
      // A padded tile: a shared buffer filled with the padding value, with
      // the source copied in.
      for (tensor::PadOp pad : pads) {
        Value padding = pad.getConstantPaddingValue();
        if (!padding) {
          pad.emitError("seq-gpu-shared-tiles: only constant padding can be "
                        "staged in shared memory");
          return signalPassFailure();
        }
        Location loc = pad.getLoc();
        rewriter.setInsertionPoint(pad);
        SmallVector<OpFoldResult> sizes =
            tensor::getMixedSizes(rewriter, loc, pad.getResult());
        SmallVector<Value> dynamic;
        for (auto [i, size] : llvm::enumerate(sizes))
          if (pad.getResultType().isDynamicDim(i))
            dynamic.push_back(cast<Value>(size));
        Value buffer =
            sharedTensor(rewriter, loc, pad.getResultType(), dynamic);
        Value filled =
            linalg::FillOp::create(rewriter, loc, padding, buffer).getResult(0);
        SmallVector<OpFoldResult> sourceSizes =
            tensor::getMixedSizes(rewriter, loc, pad.getSource());
        SmallVector<OpFoldResult> strides(sourceSizes.size(),
                                          rewriter.getIndexAttr(1));
        rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
            pad, pad.getSource(), filled, pad.getMixedLowPad(), sourceSizes,
            strides);
      }
    }
  }
};
} // namespace
