//===- DistinctResults.cpp - one value per returned tensor ----------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQDISTINCTRESULTS
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {
struct SeqDistinctResultsPass
    : public seq::impl::SeqDistinctResultsBase<SeqDistinctResultsPass> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isPublic() || fn.isExternal())
        continue;
      fn.walk([](func::ReturnOp ret) {
        OpBuilder b(ret);
        llvm::SmallPtrSet<Value, 8> seen;
        for (OpOperand &operand : ret->getOpOperands()) {
          Value v = operand.get();
          auto type = dyn_cast<RankedTensorType>(v.getType());
          if (!type || seen.insert(v).second)
            continue;
          SmallVector<Value> dynamicSizes;
          for (int64_t i = 0; i < type.getRank(); ++i)
            if (type.isDynamicDim(i))
              dynamicSizes.push_back(
                  b.createOrFold<tensor::DimOp>(ret.getLoc(), v, i));
          operand.set(bufferization::AllocTensorOp::create(
              b, ret.getLoc(), type, dynamicSizes, v));
        }
      });
    }
  }
};
} // namespace
