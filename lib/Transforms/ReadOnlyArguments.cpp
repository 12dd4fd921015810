//===- ReadOnlyArguments.cpp - protect caller-owned inputs
//-----------------===//

#include "seq/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQREADONLYARGUMENTS
#include "seq/Transforms/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;

namespace {
struct SeqReadOnlyArgumentsPass
    : public seq::impl::SeqReadOnlyArgumentsBase<SeqReadOnlyArgumentsPass> {
  void runOnOperation() override {
    Builder builder(&getContext());
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (!fn.isPublic() || fn.isExternal())
        continue;
      for (auto [index, type] : llvm::enumerate(fn.getArgumentTypes()))
        if (isa<RankedTensorType>(type))
          fn.setArgAttr(index,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        builder.getBoolAttr(false));
    }
  }
};
} // namespace
