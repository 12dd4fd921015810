//===- Schedules.h - built-in schedules per target and op family -*- C++
//-*-===//
//
// A schedule says how one op is tiled, vectorized and parallelized on one
// target. Built-in schedules are transform-dialect named sequences generated
// from the target model; the rules that pick their sizes are documented
// next to each generator (lib/Target/Schedules/*.cpp) and in
// docs/Schedules.md.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TARGET_SCHEDULES_H
#define SEQ_TARGET_SCHEDULES_H

#include "seq/Target/TargetModel.h"

#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir::seq {

/// A built-in schedule: the transform module's text and the named sequence
/// to apply, `@seq_<family>(%func, %op)`.
struct Schedule {
  std::string family;
  std::string text;
};

/// Sizes a user fixes instead of the target model's rules (0: the rule's
/// choice). `seq-apply-schedules` and `seq-to-cpu` options, Engine options
/// and `seq-run` flags of the same names set them.
struct ScheduleOverrides {
  /// Query rows per FlashAttention tile (per query head) of the CPU
  /// attention schedule.
  int64_t attentionQueryTile = 0;
  /// Keys per streamed key/value tile of the CPU attention schedule.
  int64_t attentionKeyTile = 0;
};

/// The op family of `op` ("attention", "matmul", "elementwise", "parallel"),
/// or none when seq has no schedule for it.
std::optional<std::string> scheduleFamily(Operation *op);

/// The built-in schedule of `op` on `target`, or none when it is better left
/// to the reference lowering (dynamic shapes, tiny problems).
std::optional<Schedule>
builtinSchedule(Operation *op, const TargetModel &target,
                const ScheduleOverrides &overrides = ScheduleOverrides());

/// The CPU schedule of a seq.attention op.
std::optional<Schedule>
cpuAttentionSchedule(Operation *op, const TargetModel &target,
                     const ScheduleOverrides &overrides = ScheduleOverrides());

/// The CPU schedule of a linalg contraction (the `matmul` family).
std::optional<Schedule> cpuMatmulSchedule(Operation *op,
                                          const TargetModel &target);

/// Whether `op` is a linalg.fill the CPU matmul schedule of its one user
/// fuses into its register tiles (the fill then gets no schedule of its own).
bool cpuMatmulFusesFill(Operation *op, const TargetModel &target);

/// The CPU schedule of a linalg op that is not a contraction (the
/// `elementwise` family: elementwise ops, fills, copies, reductions).
std::optional<Schedule> cpuElementwiseSchedule(Operation *op,
                                               const TargetModel &target);

/// The CPU schedule of a seq op other than attention (the `parallel`
/// family): its parallel dimensions over the cores.
std::optional<Schedule> cpuParallelSchedule(Operation *op,
                                            const TargetModel &target);

/// The NVIDIA GPU schedule of a seq.attention op (thread-block tiles for
/// seq-to-nvptx; lib/Target/Schedules/GpuAttention.cpp).
std::optional<Schedule> gpuAttentionSchedule(Operation *op,
                                             const TargetModel &target);

} // namespace mlir::seq

#endif // SEQ_TARGET_SCHEDULES_H
