//===- Schedules.cpp - which schedule an op gets --------------------------===//

#include "seq/Target/Schedules.h"

#include "seq/Dialect/SeqOps.h"

using namespace mlir;
using namespace mlir::seq;

std::optional<std::string> seq::scheduleFamily(Operation *op) {
  if (auto attention = dyn_cast<AttentionOp>(op))
    return attention.hasPureTensorSemantics() ? std::optional<std::string>("attention")
                                              : std::nullopt;
  return std::nullopt;
}

std::optional<Schedule> seq::builtinSchedule(Operation *op,
                                             const TargetModel &target) {
  std::optional<std::string> family = scheduleFamily(op);
  if (!family)
    return std::nullopt;
  if (*family == "attention")
    return target.isCpu() ? cpuAttentionSchedule(op, target)
                          : gpuAttentionSchedule(op, target);
  return std::nullopt;
}
