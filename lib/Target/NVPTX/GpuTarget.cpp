//===- GpuTarget.cpp - the GPU model a module is compiled for -------------===//

#include "GpuTarget.h"
#include "seq/Target/NVPTX/Passes.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringExtras.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUTARGET
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

llvm::Expected<TargetModel> seq::lookupGpuTarget(StringRef chip) {
  llvm::Expected<TargetModel> model = lookupTarget(chip);
  SmallVector<StringRef> gpus;
  for (StringRef name : knownTargetNames()) {
    llvm::Expected<TargetModel> known = lookupTarget(name);
    if (known && known->isGpu())
      gpus.push_back(name);
    else if (!known)
      llvm::consumeError(known.takeError());
  }
  if (!model) {
    llvm::consumeError(model.takeError());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "unknown GPU target '" + chip +
            "'; known GPU targets: " + llvm::join(gpus, ", "));
  }
  if (!model->isGpu())
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "'" + chip +
            "' is a CPU model; known GPU targets: " + llvm::join(gpus, ", "));
  return model;
}

FailureOr<TargetModel> seq::getGpuTarget(Operation *op) {
  auto module =
      isa<ModuleOp>(op) ? cast<ModuleOp>(op) : op->getParentOfType<ModuleOp>();
  auto name = module ? module->getAttrOfType<StringAttr>(kTargetAttrName)
                     : StringAttr();
  if (!name)
    return op->emitError("no GPU target chosen: run seq-gpu-target (or the "
                         "seq-to-nvptx pipeline) first");
  llvm::Expected<TargetModel> model = lookupGpuTarget(name.getValue());
  if (!model)
    return op->emitError(llvm::toString(model.takeError()));
  return *model;
}

namespace {
struct SeqGpuTargetPass : public seq::impl::SeqGpuTargetBase<SeqGpuTargetPass> {
  using Base::Base;
  void runOnOperation() override {
    llvm::Expected<TargetModel> model = lookupGpuTarget(chip);
    if (!model) {
      getOperation().emitError("seq-gpu-target: ")
          << llvm::toString(model.takeError());
      return signalPassFailure();
    }
    getOperation()->setAttr(kTargetAttrName,
                            StringAttr::get(&getContext(), model->name));
  }
};
} // namespace
