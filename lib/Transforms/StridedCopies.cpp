//===- StridedCopies.cpp - strided memref.copy as loops --------------------===//
//
// memref.copy lowers to llvm.memcpy when both sides are contiguous, and
// otherwise to a call of the runtime's generic `memrefCopy`, which walks
// the elements one at a time through their strides. Bufferization leaves
// such copies wherever a tile is padded or a slice of a larger buffer is
// written: the GEMM stages of an FFT whose inner extent is not whole
// vectors spent most of their time in them. Copies of static shapes become
// linalg.copy ops, i.e. loops the compiler vectorizes along the innermost
// dimension.
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQSTRIDEDCOPIES
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {

/// Whether `copy` would go to the runtime's element-wise copy: static
/// shapes (loops need no sizes from the descriptors) and a side that is not
/// one contiguous row-major block.
bool isStridedCopy(memref::CopyOp copy) {
  auto source = dyn_cast<MemRefType>(copy.getSource().getType());
  auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
  if (!source || !target || !source.hasStaticShape() ||
      !target.hasStaticShape() || source.getRank() == 0)
    return false;
  return !memref::isStaticShapeAndContiguousRowMajor(source) ||
         !memref::isStaticShapeAndContiguousRowMajor(target);
}

struct SeqStridedCopiesPass
    : public seq::impl::SeqStridedCopiesBase<SeqStridedCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      if (isStridedCopy(copy))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy->erase();
    }
  }
};

} // namespace
