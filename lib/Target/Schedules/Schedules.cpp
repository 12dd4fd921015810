//===- Schedules.cpp - which schedule an op gets --------------------------===//

#include "seq/Target/Schedules.h"

#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;
using namespace mlir::seq;

std::optional<std::string> seq::scheduleFamily(Operation *op) {
  if (auto attention = dyn_cast<AttentionOp>(op))
    return attention.hasPureTensorSemantics()
               ? std::optional<std::string>("attention")
               : std::nullopt;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureTensorSemantics())
      return std::nullopt;
    if (linalg::isaContractionOpInterface(linalgOp))
      return std::string("matmul");
    return std::string("elementwise");
  }
  if (op->getDialect() && isa<SeqDialect>(op->getDialect()) &&
      isa<TilingInterface>(op) && isa<DestinationStyleOpInterface>(op)) {
    auto dps = cast<DestinationStyleOpInterface>(op);
    return dps.hasPureTensorSemantics() ? std::optional<std::string>("parallel")
                                        : std::nullopt;
  }
  return std::nullopt;
}

std::optional<Schedule>
seq::builtinSchedule(Operation *op, const TargetModel &target,
                     const ScheduleOverrides &overrides) {
  std::optional<std::string> family = scheduleFamily(op);
  if (!family)
    return std::nullopt;
  if (*family == "attention")
    return target.isCpu() ? cpuAttentionSchedule(op, target, overrides)
                          : gpuAttentionSchedule(op, target);
  // The other families have CPU schedules only; on a GPU those ops become
  // SIMT kernels (seq-gpu-map-simt) or block-tiled contractions.
  if (!target.isCpu())
    return std::nullopt;
  if (*family == "matmul")
    return cpuMatmulSchedule(op, target);
  if (*family == "elementwise")
    return cpuElementwiseSchedule(op, target);
  if (*family == "parallel")
    return cpuParallelSchedule(op, target);
  return std::nullopt;
}
