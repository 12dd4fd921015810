//===- KernelInfo.h - what a kernel does, for its descriptor ----*- C++ -*-===//
//
// Schedules and mappings record on each gpu.launch how it was scheduled
// (`seq.gpu.schedule`, a line for humans) and the model's estimate of its
// work: floating-point operations (`seq.gpu.flops`) and bytes moved to and
// from global memory with the chosen tiles (`seq.gpu.bytes`). The emitter
// puts them into the launch descriptors; their ratio is the estimated
// arithmetic intensity.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_TARGET_NVPTX_KERNELINFO_H
#define SEQ_LIB_TARGET_NVPTX_KERNELINFO_H

#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir::seq {

constexpr StringLiteral kScheduleAttr = "seq.gpu.schedule";
constexpr StringLiteral kFlopsAttr = "seq.gpu.flops";
constexpr StringLiteral kBytesAttr = "seq.gpu.bytes";

/// Work estimate of one op run over its whole iteration space.
struct WorkEstimate {
  int64_t flops = 0, bytes = 0;
};

/// For a linalg op with static sizes: (iteration points) x (floating-point
/// ops of its body), and the bytes of its operands (each read once, the
/// outputs written once). None for other ops.
std::optional<WorkEstimate> estimateLinalgWork(Operation *op);

/// Bytes of a statically shaped tensor or memref, or -1.
int64_t shapedBytes(Type type);

/// Records schedule and estimate on `op` (a loop or a launch).
void setKernelInfo(Operation *op, StringRef schedule,
                   std::optional<WorkEstimate> work);

/// Copies the kernel info attributes from `from` to `to`.
void copyKernelInfo(Operation *from, Operation *to);

} // namespace mlir::seq

#endif // SEQ_LIB_TARGET_NVPTX_KERNELINFO_H
