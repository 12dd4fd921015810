//===- HoistTileBuffers.cpp - one scratch buffer per tile, not per step ---===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQHOISTTILEBUFFERS
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

/// Whether `buffer` (or a view of it) reaches the terminator of `loop`, i.e.
/// outlives one iteration.
static bool escapesIteration(Value buffer, scf::ForOp loop) {
  SmallVector<Value> worklist = {buffer};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (user == loop.getBody()->getTerminator())
        return true;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == value)
          llvm::append_range(worklist, user->getResults());
    }
  }
  return false;
}

namespace {
struct SeqHoistTileBuffersPass
    : public seq::impl::SeqHoistTileBuffersBase<SeqHoistTileBuffersPass> {
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp alloc) {
      if (alloc.getMemref().getType().hasStaticShape() &&
          alloc->getNumOperands() == 0)
        allocs.push_back(alloc);
    });
    for (memref::AllocOp alloc : allocs) {
      // Out of every enclosing scf.for up to the first parallel body.
      Operation *target = nullptr;
      for (Operation *parent = alloc->getParentOp(); parent;
           parent = parent->getParentOp()) {
        auto loop = dyn_cast<scf::ForOp>(parent);
        if (!loop || escapesIteration(alloc, loop))
          break;
        target = loop;
      }
      if (target)
        alloc->moveBefore(target);
    }
  }
};
} // namespace
