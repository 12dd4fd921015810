//===- PrivateEmptyTensors.cpp - one empty tensor per parallel tile -------===//
//
// Clones `tensor.empty` ops into the `scf.forall` bodies that use them from
// outside, so that bufferization gives each parallel iteration its own
// scratch buffer instead of one buffer shared by every thread.
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQPRIVATEEMPTYTENSORS
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {
struct SeqPrivateEmptyTensorsPass
    : public seq::impl::SeqPrivateEmptyTensorsBase<
          SeqPrivateEmptyTensorsPass> {
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> empties;
    getOperation()->walk([&](tensor::EmptyOp op) { empties.push_back(op); });
    for (tensor::EmptyOp empty : empties) {
      // One clone per forall body, shared by that body's uses.
      llvm::SmallDenseMap<Operation *, Value> clones;
      for (OpOperand &use : llvm::make_early_inc_range(empty->getUses())) {
        // The innermost forall around the use that does not contain the
        // empty: its iterations may run on different threads.
        scf::ForallOp forall;
        for (Operation *parent = use.getOwner()->getParentOp();
             parent && !parent->isAncestor(empty);
             parent = parent->getParentOp()) {
          if ((forall = dyn_cast<scf::ForallOp>(parent)))
            break;
        }
        if (!forall)
          continue;
        Value &clone = clones[forall];
        if (!clone) {
          // The dynamic sizes are defined above the forall: valid inside.
          OpBuilder builder = OpBuilder::atBlockBegin(forall.getBody());
          clone = builder.clone(*empty)->getResult(0);
        }
        use.set(clone);
      }
      if (empty->use_empty())
        empty->erase();
    }
  }
};
} // namespace
