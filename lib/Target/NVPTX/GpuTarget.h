//===- GpuTarget.h - the GPU model a module is compiled for -----*- C++ -*-===//

#ifndef SEQ_LIB_TARGET_NVPTX_GPUTARGET_H
#define SEQ_LIB_TARGET_NVPTX_GPUTARGET_H

#include "seq/Target/TargetModel.h"

#include "mlir/IR/Operation.h"

namespace mlir::seq {

/// The module attribute naming the target model (`seq.target = "sm_90a"`).
constexpr StringLiteral kTargetAttrName = "seq.target";

/// A GPU target model by name; the error lists the GPU models.
llvm::Expected<TargetModel> lookupGpuTarget(StringRef chip);

/// The model recorded on `op`'s module by seq-gpu-target; emits an error at
/// `op` when there is none.
FailureOr<TargetModel> getGpuTarget(Operation *op);

} // namespace mlir::seq

#endif // SEQ_LIB_TARGET_NVPTX_GPUTARGET_H
