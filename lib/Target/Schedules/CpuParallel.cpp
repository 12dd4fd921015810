//===- CpuParallel.cpp - seq ops on every core ----------------------------===//
//
// The CPU schedule of the `parallel` family: every seq op other than
// seq.attention that no algorithmic decomposition replaced (scan, ema,
// long_conv, the FFTs, linear_attention, feature_map, timestep_norm,
// rotary, compose_heads, online_attention). Their reference computation
// stays what it is; the schedule cuts the parallel dimensions of the op's
// iteration domain (TilingInterface) into an scf.forall so every core runs
// a share of it.
//
// Size rule: the op is cut into T = 2 x cores tiles (two per core, so
// uneven tiles still balance) over its parallel dimensions, outermost first:
// a dimension of static extent e >= the tiles still needed r gets tile
// size ceil(e / r); a smaller one is cut into single indices and the rest
// of r carries to the next parallel dimension. Reduction and sequential
// dimensions (a scan's time, an FFT's length) and dynamic ones are never
// cut. No schedule (the op runs on one core) when the target has one core,
// when both its iteration domain and the elements of its operands number
// fewer than 4096 (forking the OpenMP team would cost more than the work),
// when the op already runs inside a parallel loop, or when nothing can be
// cut.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Schedules.h"

#include "ScheduleWriter.h"

#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/TilingInterface.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::seq;

/// Work (iteration points or elements touched) below which an op is not
/// worth forking threads for.
static constexpr int64_t kParallelWork = 4096;

std::optional<Schedule> seq::cpuParallelSchedule(Operation *op,
                                                 const TargetModel &target) {
  if (!isa<TilingInterface>(op) || target.cores <= 1)
    return std::nullopt;
  if (insideParallelLoop(op))
    return std::nullopt;

  // The extent of each domain dimension, from an operand dimension that
  // follows it (the tiling layout), without building IR.
  auto seqOp = dyn_cast<SeqOpInterface>(op);
  if (!seqOp)
    return std::nullopt;
  TilingLayout layout = seqOp.getTilingLayout();
  SmallVector<utils::IteratorType> iterators = layout.iterators;
  SmallVector<std::optional<int64_t>> extents(iterators.size());
  SmallVector<bool> known(iterators.size(), false);
  for (auto [operand, dims] :
       llvm::zip(op->getOperands(), layout.operandDims)) {
    auto shaped = dyn_cast<ShapedType>(operand.getType());
    if (!shaped)
      continue;
    for (auto [index, dim] : llvm::enumerate(dims)) {
      if (dim < 0 || known[dim])
        continue;
      known[dim] = true;
      if (!shaped.isDynamicDim(index))
        extents[dim] = shaped.getDimSize(index);
    }
  }
  int64_t points = 1;
  for (std::optional<int64_t> extent : extents)
    if (extent)
      points *= *extent;
  // The domain may leave out what each point walks (a scan's time): count
  // the elements the op reads and writes too.
  int64_t elements = 0;
  for (Type type : op->getOperandTypes()) {
    auto shaped = dyn_cast<ShapedType>(type);
    if (!shaped || !shaped.hasStaticShape())
      continue;
    // An empty operand makes an empty op (nothing to run in parallel); its
    // tiles would slice past the end of the empty dimension.
    if (shaped.getNumElements() == 0)
      return std::nullopt;
    elements += shaped.getNumElements();
  }
  if (std::max(points, elements) < kParallelWork)
    return std::nullopt;

  int64_t needed = 2 * target.cores;
  SmallVector<int64_t> tiles(iterators.size(), 0);
  bool cut = false;
  for (auto [dim, iterator] : llvm::enumerate(iterators)) {
    if (needed <= 1)
      break;
    if (iterator != utils::IteratorType::parallel || !extents[dim] ||
        *extents[dim] <= 1)
      continue;
    int64_t extent = *extents[dim];
    cut = true;
    if (extent >= needed) {
      tiles[dim] = llvm::divideCeil(extent, needed);
      needed = 1;
    } else {
      tiles[dim] = 1;
      needed = llvm::divideCeil(needed, extent);
    }
  }
  if (!cut)
    return std::nullopt;

  ScheduleWriter w("parallel");
  w.comment("parallel dimensions over the cores; the tiles keep the op");
  w.tileUsingForall("%op", tiles);
  return Schedule{"parallel", w.str()};
}
