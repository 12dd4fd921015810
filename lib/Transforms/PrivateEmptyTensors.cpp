//===- PrivateEmptyTensors.cpp - one empty tensor per parallel tile -------===//
//
// Clones `tensor.empty` ops into the `scf.forall` bodies that use them from
// outside, so that bufferization gives each parallel iteration its own
// scratch buffer instead of one buffer shared by every thread; clones
// fills of empty tensors per destination user, so that no filled buffer is
// copied; and gives each iter_arg of a loop its own empty tensor.
//
//===----------------------------------------------------------------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/LoopLikeInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

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
    privatizeLoopInits();
    privatizeFills();
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

  /// An empty tensor that initializes several iter_args of one scf.for gets
  /// a clone per extra iter_arg. One-shot bufferization (MLIR 22) can hand
  /// such iter_args one buffer although every iteration writes and reads
  /// each of them (seen with two rows of y sums that are also inserted into
  /// a third iter_arg: the second row overwrote the first).
  void privatizeLoopInits() {
    getOperation()->walk([](scf::ForOp loop) {
      llvm::SmallPtrSet<Value, 4> seen;
      for (OpOperand &init : loop.getInitArgsMutable()) {
        auto empty = init.get().getDefiningOp<tensor::EmptyOp>();
        if (!empty || seen.insert(init.get()).second)
          continue;
        OpBuilder builder(loop);
        init.set(builder.clone(*empty)->getResult(0));
      }
    });
  }

  /// Whether `use` needs a tensor of its own: a DPS init, the init of a
  /// loop's iter_arg or shared output (written in place), or a returned
  /// value.
  static bool writesInto(OpOperand &use) {
    Operation *owner = use.getOwner();
    // A result returned twice needs a buffer per result position.
    if (isa<func::ReturnOp>(owner))
      return true;
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(owner))
      return dps.isDpsInit(&use);
    if (auto loop = dyn_cast<LoopLikeOpInterface>(owner))
      return static_cast<bool>(loop.getTiedLoopRegionIterArg(&use));
    return false;
  }

  /// A tensor computed from empty tensors and scalars alone (a fill, or the
  /// loops a schedule made of one) and used by several ops gets one clone
  /// per extra user that writes into it, empty tensors included:
  /// recomputing it costs what bufferization would spend copying it for the
  /// second user. Readers share it, and producers of transcendental math
  /// are not cloned.
  void privatizeFills() {
    SmallVector<Operation *> producers;
    getOperation()->walk([&](Operation *op) {
      if (op->getNumResults() != 1 || op->getNumRegions() > 1 ||
          !isa<RankedTensorType>(op->getResult(0).getType()) ||
          op->getResult(0).hasOneUse() || op->getResult(0).use_empty() ||
          isa<tensor::EmptyOp>(op) || !isMemoryEffectFree(op))
        return;
      bool fromEmpties = llvm::all_of(op->getOperands(), [](Value v) {
        return !isa<TensorType>(v.getType()) || v.getDefiningOp<tensor::EmptyOp>();
      });
      bool hasTensorOperand = llvm::any_of(op->getOperands(), [](Value v) {
        return isa<TensorType>(v.getType());
      });
      // Regions may use scalars and vectors from above (a fill's constant),
      // but no tensor or buffer: the value then depends on constants alone and is
      // as cheap to recompute as to copy (unlike, say, a tiled attention,
      // whose loops read q, k and v from above).
      bool readsOnlyScalars = true;
      for (Region &region : op->getRegions()) {
        llvm::SetVector<Value> above;
        getUsedValuesDefinedAbove(region, above);
        for (Value v : above)
          if (isa<TensorType, BaseMemRefType>(v.getType()))
            readsOnlyScalars = false;
      }
      // Transcendental math (an FFT's chirp of cosines) costs far more than
      // the copy it would save.
      bool cheap = !op->walk([](Operation *inner) {
                      return isa<math::MathDialect>(inner->getDialect())
                                 ? WalkResult::interrupt()
                                 : WalkResult::advance();
                    }).wasInterrupted();
      if (fromEmpties && hasTensorOperand && readsOnlyScalars && cheap)
        producers.push_back(op);
    });
    for (Operation *producer : producers) {
      bool first = true;
      for (OpOperand &use :
           llvm::make_early_inc_range(producer->getResult(0).getUses())) {
        if (first) {
          first = false;
          continue;
        }
        // Only users that write into the tensor need one of their own; a
        // reader inside a loop would recompute it in every iteration.
        if (!writesInto(use))
          continue;
        // Right before the user: the producer's operands dominate it.
        OpBuilder builder(use.getOwner());
        IRMapping mapping;
        for (Value operand : producer->getOperands())
          if (auto empty = operand.getDefiningOp<tensor::EmptyOp>())
            if (!mapping.contains(operand))
              mapping.map(operand, builder.clone(*empty)->getResult(0));
        use.set(builder.clone(*producer, mapping)->getResult(0));
      }
    }
  }
};
} // namespace
