//===- EraseSelfCopies.cpp - copies of a buffer onto itself ---------------===//
//
// Erases memref.copy ops whose source and target are the same memory seen
// through different views (reshapes of one another, equal subviews).
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQERASESELFCOPIES
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {

/// The view `v` reshapes, through any chain of expand and collapse shapes
/// (they keep the elements and their order in memory).
Value peelReshapes(Value v) {
  while (true) {
    if (auto expand = v.getDefiningOp<memref::ExpandShapeOp>())
      v = expand.getSrc();
    else if (auto collapse = v.getDefiningOp<memref::CollapseShapeOp>())
      v = collapse.getSrc();
    else
      return v;
  }
}

bool sameFoldResults(ArrayRef<OpFoldResult> a, ArrayRef<OpFoldResult> b) {
  return a.size() == b.size() &&
         llvm::all_of(llvm::zip(a, b), [](auto pair) {
           return std::get<0>(pair) == std::get<1>(pair);
         });
}

/// Whether the views `a` and `b` are the same elements of the same buffer.
bool sameMemory(Value a, Value b) {
  a = peelReshapes(a);
  b = peelReshapes(b);
  if (a == b)
    return true;
  auto subA = a.getDefiningOp<memref::SubViewOp>();
  auto subB = b.getDefiningOp<memref::SubViewOp>();
  return subA && subB && sameMemory(subA.getSource(), subB.getSource()) &&
         sameFoldResults(subA.getMixedOffsets(), subB.getMixedOffsets()) &&
         sameFoldResults(subA.getMixedSizes(), subB.getMixedSizes()) &&
         sameFoldResults(subA.getMixedStrides(), subB.getMixedStrides());
}

struct SeqEraseSelfCopiesPass
    : public seq::impl::SeqEraseSelfCopiesBase<SeqEraseSelfCopiesPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation()->walk([&](memref::CopyOp copy) {
      if (sameMemory(copy.getSource(), copy.getTarget()))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies)
      copy->erase();
  }
};

} // namespace
