//===- GpuRegisterBudget.cpp - registers per thread from the model --------===//
//
// Without a budget, ptxas picks registers for occupancy and, on sm_90a,
// spills the MMA accumulators of 128-thread blocks to reach 80 registers.
// The budget gives each kernel what two resident blocks of its size leave
// per thread (the model's register file per multiprocessor / (2 x block
// threads), at most the model's per-thread limit) as nvvm.maxnreg.
//
//===----------------------------------------------------------------------===//

#include "GpuTarget.h"
#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUREGISTERBUDGET
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {
struct SeqGpuRegisterBudgetPass
    : public seq::impl::SeqGpuRegisterBudgetBase<SeqGpuRegisterBudgetPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool any = false;
    module.walk([&](gpu::GPUFuncOp) { any = true; });
    if (!any)
      return;
    FailureOr<TargetModel> model = getGpuTarget(module);
    if (failed(model))
      return signalPassFailure();
    module.walk([&](gpu::GPUFuncOp func) {
      if (!func.isKernel())
        return;
      std::optional<ArrayRef<int32_t>> block = func.getKnownBlockSize();
      if (!block)
        return;
      int64_t threads = 1;
      for (int32_t d : *block)
        threads *= d;
      int64_t budget =
          std::min<int64_t>(model->registersPerThread,
                            model->registersPerMultiprocessor / (2 * threads));
      // Register allocation granularity is 8 per thread.
      budget = std::max<int64_t>(32, budget / 8 * 8);
      func->setAttr(
          NVVM::NVVMDialect::getMaxnregAttrName(),
          IntegerAttr::get(IntegerType::get(&getContext(), 32), budget));
    });
  }
};
} // namespace
