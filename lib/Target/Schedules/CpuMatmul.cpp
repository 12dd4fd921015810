//===- CpuMatmul.cpp - register-tiled contractions on CPUs ----------------===//
//
// The CPU schedule of the `matmul` family: every linalg contraction
// (linalg.matmul, linalg.batch_matmul, and the linalg.generic the DSL emits
// for `@`, seq.matmul and seq.einsum, with any operand layout and batch
// dimensions) on static shapes.
//
// Roles. C's innermost dimension is the vector dimension `n` (C is written
// with unit stride); the input that has it is the vector operand "B", the
// other one, "A", is read a scalar at a time and broadcast. The row
// dimension `m` is A's free dimension innermost in C. All other parallel
// dimensions (batches, further free dimensions) are iterated one at a time;
// all reduction dimensions are stepped by one inside the register tile.
//
// Size rule (L = vector lanes of the accumulator type, R = vector registers,
// S = element size in bytes; every tile is static):
//
//  register tile  nr = V·L columns, V the largest power of two with
//                 V <= R/8 (AVX-512: 4, AVX2: 2) whose padding of n stays
//                 within 1/8 of n rounded to L (under a reduction of at
//                 most 64 with n whole vectors: the largest V dividing n,
//                 no padding copies); mr = min((R - V - 2) / V, 12)
//                 rows (AVX-512 6x64, AVX2 6x16 for f32: V + 1 registers for
//                 the B row and the broadcast, the rest accumulate).
//  k cache tile   kc = clamp(2·L1 / (nr·S), 64, 512), not tiled when
//                 K <= 3/2·kc.
//  thread tiles   mc x nc output tiles, nc <= L2 / (4·kc·S) and mc <= the
//                 same bound for A's block, both dividing the (padded)
//                 extents so every tile is static; halved (nc first) until
//                 there are at least two tiles per core, or down to one
//                 register tile. The tiles are an scf.forall (one OpenMP
//                 worksharing loop) unless the op already sits in a parallel
//                 loop.
//  padding        n is padded to a multiple of nr and m, when it has no
//                 divisor that makes a usable mc, to a multiple of mr; the
//                 padded operands are copied once (linalg.copy), the result
//                 copied back.
//
// Inside a thread tile: k cache loop, then register loops n, m, k with the
// C tile in registers across the k loop (hoisted transfers), the m loop
// peeled when mr does not divide mc (a static remainder tile), and every
// register tile vectorized into a vector.contract lowered to outer products,
// i.e. mr·V FMAs per k step.
//
// Fused fill: when C is a fill only this op uses and the reduction is short
// (<= 64, no k cache tile), the tiles are cut by transform.structured.fuse,
// which takes the fill into the register tile; the reduction is unrolled
// there and the accumulators start as zero vectors (no memset, no reload).
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Schedules.h"

#include "ScheduleWriter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Interfaces/TilingInterface.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::seq;

/// Multiply-adds below which a contraction runs on one core: forking the
/// OpenMP team costs microseconds, about what one core needs for this many.
static constexpr int64_t kParallelWork = 1 << 18;

/// The longest reduction a register tile unrolls to start its accumulators
/// from a fused fill (an FFT stage's GEMM contracts 2..64 points).
static constexpr int64_t kMaxUnrolledReduction = 64;

namespace {

/// How one contraction is cut.
struct MatmulPlan {
  unsigned numLoops = 0;
  SmallVector<int64_t> extents;
  /// Loop dimensions by role.
  int64_t vecDim = -1, rowDim = -1;
  SmallVector<unsigned> outerDims, reductionDims;
  /// The reduction dimension the k cache tile cuts (innermost in A).
  int64_t cacheReductionDim = -1;
  /// Extents after padding.
  int64_t rows = 1, cols = 1;
  int64_t mr = 1, nr = 1, mc = 1, nc = 1, kc = 0;
  bool parallel = true;
  /// Whether C's initial value, a linalg.fill, is fused into the register
  /// tiles (the whole reduction is then unrolled in the tile).
  bool fuseFill = false;
  /// Padding values of the three operands ("0.0 : f32").
  SmallVector<std::string> zeros;
  /// Whether the vector operand is input #0 (the factors are then swapped so
  /// the broadcast operand is the contraction's left-hand side).
  bool commute = false;
  /// When the vector operand does not have the vector dimension innermost:
  /// its index and the permutation that moves it there.
  int64_t transposeOperand = -1;
  SmallVector<int64_t> transposePermutation;
};

} // namespace

/// The largest divisor of `extent` that is at most `bound` and a multiple
/// of `quantum`, or 0.
static int64_t largestDivisor(int64_t extent, int64_t bound, int64_t quantum) {
  for (int64_t d = std::min(extent, bound); d >= quantum; --d)
    if (extent % d == 0 && d % quantum == 0)
      return d;
  return 0;
}

static std::string zeroOf(Type type) {
  if (isa<FloatType>(type)) {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << "0.0 : " << type;
    return text;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << "0 : " << type;
  return text;
}


/// Whether transform.seq.commute_contraction applies to `op`: one
/// multiplication of a value of each input, each possibly cast once.
static bool isCommutable(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  auto from = [&](Value value, unsigned arg) {
    if (value == body->getArgument(arg))
      return true;
    Operation *def = value.getDefiningOp();
    return def && def->getNumOperands() == 1 &&
           def->getOperand(0) == body->getArgument(arg) &&
           isa<arith::ExtFOp, arith::ExtSIOp, arith::ExtUIOp, arith::SIToFPOp,
               arith::UIToFPOp, arith::TruncFOp>(def);
  };
  int multiplies = 0;
  for (Operation &inner : body->without_terminator()) {
    if (!isa<arith::MulFOp, arith::MulIOp>(inner))
      continue;
    if (++multiplies > 1 || !from(inner.getOperand(0), 0) ||
        !from(inner.getOperand(1), 1))
      return false;
  }
  return multiplies == 1;
}

/// The number of reduction steps: the product of the reduction extents.
static int64_t reductionExtent(const MatmulPlan &plan) {
  int64_t reduction = 1;
  for (unsigned dim : plan.reductionDims)
    reduction *= plan.extents[dim];
  return reduction;
}

/// Whether the register tiles start from C's fill instead of reading C: the
/// fill is C's only producer and use, no input is computed by a tileable op,
/// no padding copies C, and the whole reduction fits one unrolled register
/// tile. Without this, a GEMM of short
/// reductions (an FFT stage) spends a memset and a reload of C per call.
static bool fusesFillOfInit(linalg::LinalgOp op, const MatmulPlan &plan) {
  auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
  if (!fill || !fill->hasOneUse() || plan.kc)
    return false;
  if (plan.cols != plan.extents[plan.vecDim] ||
      (plan.rowDim >= 0 && plan.rows != plan.extents[plan.rowDim]))
    return false;
  // transform.structured.fuse fuses every tileable producer: an input
  // computed by one would be recomputed per tile.
  if (llvm::any_of(op.getDpsInputs(), [](Value input) {
        Operation *def = input.getDefiningOp();
        return def && isa<TilingInterface>(def);
      }))
    return false;
  return reductionExtent(plan) <= kMaxUnrolledReduction;
}

static std::optional<MatmulPlan> planMatmul(linalg::LinalgOp op,
                                            const TargetModel &target) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.hasIndexSemantics())
    return std::nullopt;
  if (!linalg::isaContractionOpInterface(op))
    return std::nullopt;
  if (!llvm::all_of(op->getOperandTypes(), [](Type type) {
        auto shaped = dyn_cast<ShapedType>(type);
        return shaped && shaped.hasStaticShape();
      }))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps,
                    [](AffineMap map) { return map.isProjectedPermutation(); }))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims))
    return std::nullopt;

  MatmulPlan plan;
  plan.numLoops = op.getNumLoops();
  plan.extents = op.getStaticLoopRanges();
  if (llvm::any_of(plan.extents, [](int64_t e) { return e <= 0; }))
    return std::nullopt;

  AffineMap outMap = maps[2];
  if (outMap.getNumResults() == 0)
    return std::nullopt;
  plan.vecDim = cast<AffineDimExpr>(outMap.getResults().back()).getPosition();
  auto uses = [](AffineMap map, int64_t dim) {
    return map.isFunctionOfDim(dim);
  };
  // The vector operand holds the vector dimension; the other one must not
  // (the dimension would be a batch and there is nothing to broadcast).
  unsigned vecOperand = uses(maps[1], plan.vecDim) ? 1 : 0;
  unsigned bcastOperand = 1 - vecOperand;
  plan.commute = vecOperand == 0;
  if (plan.commute && !isCommutable(op))
    return std::nullopt;
  if (!uses(maps[vecOperand], plan.vecDim) ||
      uses(maps[bcastOperand], plan.vecDim))
    return std::nullopt;
  // The vector operand is read along the vector dimension: make it
  // contiguous with one transposed copy when it is not.
  ArrayRef<AffineExpr> vecResults = maps[vecOperand].getResults();
  if (cast<AffineDimExpr>(vecResults.back()).getPosition() != plan.vecDim) {
    plan.transposeOperand = vecOperand;
    int64_t position = 0;
    for (auto [i, expr] : llvm::enumerate(vecResults))
      if (cast<AffineDimExpr>(expr).getPosition() == plan.vecDim)
        position = i;
    for (int64_t i = 0, e = vecResults.size(); i < e; ++i)
      if (i != position)
        plan.transposePermutation.push_back(i);
    plan.transposePermutation.push_back(position);
  }
  // The row dimension: A's free dimension innermost in C.
  for (AffineExpr expr : llvm::reverse(outMap.getResults())) {
    int64_t dim = cast<AffineDimExpr>(expr).getPosition();
    if (uses(maps[bcastOperand], dim) && !uses(maps[vecOperand], dim)) {
      plan.rowDim = dim;
      break;
    }
  }
  for (unsigned dim = 0; dim < plan.numLoops; ++dim) {
    if (op.getIteratorTypesArray()[dim] == utils::IteratorType::reduction)
      plan.reductionDims.push_back(dim);
    else if ((int64_t)dim != plan.vecDim && (int64_t)dim != plan.rowDim)
      plan.outerDims.push_back(dim);
  }
  if (plan.reductionDims.empty())
    return std::nullopt;
  // k cache tiles cut the reduction dimension innermost in A.
  for (AffineExpr expr : llvm::reverse(maps[bcastOperand].getResults())) {
    int64_t dim = cast<AffineDimExpr>(expr).getPosition();
    if (llvm::is_contained(plan.reductionDims, dim)) {
      plan.cacheReductionDim = dim;
      break;
    }
  }
  // A reduction only the vector operand reads (an einsum summing B over an
  // index A lacks) is not the outer-product form this schedule builds.
  if (plan.cacheReductionDim < 0)
    return std::nullopt;

  // Element types: the accumulator decides the vector lanes.
  Type accType = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (!accType.isIntOrFloat())
    return std::nullopt;
  int64_t accBits = accType.getIntOrFloatBitWidth();
  int64_t bytes = std::max<int64_t>(1, accBits / 8);
  int64_t lanes = std::max<int64_t>(1, target.vectorBits / accBits);
  for (Value operand : op->getOperands())
    plan.zeros.push_back(zeroOf(getElementTypeOrSelf(operand.getType())));

  // Register tile.
  int64_t n = plan.extents[plan.vecDim];
  int64_t nLanes = llvm::alignTo(n, lanes);
  int64_t maxVectors = std::max<int64_t>(1, target.vectorRegisters / 8);
  // A short reduction (an FFT stage's) does not amortize the padding
  // copies of B and C: when n is whole vectors, the tile divides it.
  bool noPadding =
      n % lanes == 0 && reductionExtent(plan) <= kMaxUnrolledReduction;
  int64_t vectors = 1;
  for (int64_t v = (int64_t)llvm::bit_floor((uint64_t)maxVectors); v >= 1;
       v /= 2) {
    bool fits = noPadding ? n % (v * lanes) == 0
                          : (int64_t)llvm::alignTo(n, v * lanes) * 8 <=
                                nLanes * 9;
    if (fits) {
      vectors = v;
      break;
    }
  }
  plan.nr = vectors * lanes;
  plan.cols = llvm::alignTo(n, plan.nr);
  int64_t m = plan.rowDim >= 0 ? plan.extents[plan.rowDim] : 1;
  int64_t mrMax = std::clamp<int64_t>(
      (target.vectorRegisters - vectors - 2) / vectors, 1, 12);
  plan.mr = std::min(mrMax, m);

  // k cache tile.
  int64_t k = plan.extents[plan.cacheReductionDim];
  plan.kc =
      std::clamp<int64_t>(2 * target.l1Bytes / (plan.nr * bytes), 64, 512);
  if (k * 2 <= plan.kc * 3)
    plan.kc = 0;
  int64_t kBlock = plan.kc ? plan.kc : k;

  // Thread tiles.
  int64_t blockBound =
      std::max<int64_t>(plan.nr, target.l2Bytes / (4 * kBlock * bytes));
  plan.rows = m;
  if (m <= blockBound) {
    plan.mc = m;
  } else if (int64_t d = largestDivisor(m, blockBound, plan.mr);
             d * 4 >= blockBound) {
    plan.mc = d;
  } else if (int64_t d = largestDivisor(m, blockBound, 1);
             d * 4 >= blockBound) {
    plan.mc = d;
  } else {
    int64_t tiles = llvm::divideCeil(m, blockBound);
    plan.mc = llvm::alignTo(llvm::divideCeil(m, tiles), plan.mr);
    plan.rows = tiles * plan.mc;
  }
  plan.nc =
      plan.nr *
      std::max<int64_t>(
          1, largestDivisor(plan.cols / plan.nr,
                            std::max<int64_t>(1, blockBound / plan.nr), 1));
  int64_t outer = 1;
  for (unsigned dim : plan.outerDims)
    outer *= plan.extents[dim];
  auto tileCount = [&] {
    return outer * (plan.rows / plan.mc) * (plan.cols / plan.nc);
  };
  int64_t work = 1;
  for (int64_t extent : plan.extents)
    work *= extent;
  plan.parallel =
      target.cores > 1 && work >= kParallelWork && !insideParallelLoop(op);
  while (plan.parallel && tileCount() < 2 * target.cores) {
    if (plan.nc > plan.nr) {
      plan.nc = plan.nr *
                largestDivisor(plan.cols / plan.nr, plan.nc / plan.nr - 1, 1);
      continue;
    }
    int64_t smaller =
        plan.mc > plan.mr ? largestDivisor(plan.rows, plan.mc - 1, 1) : 0;
    if (smaller < plan.mr)
      break;
    plan.mc = smaller;
  }
  // A small row tile is better cut into equal register tiles than into full
  // ones plus a remainder.
  if (plan.mc % plan.mr != 0 && plan.mc < 8 * plan.mr)
    if (int64_t d = largestDivisor(plan.mc, plan.mr, 1); d * 2 >= plan.mr)
      plan.mr = d;
  plan.fuseFill = fusesFillOfInit(op, plan);
  return plan;
}

static std::string writeMatmulSchedule(linalg::LinalgOp op,
                                       const MatmulPlan &plan) {
  ScheduleWriter w("matmul");
  unsigned numLoops = plan.numLoops;
  auto sizes = [&](auto fn) {
    SmallVector<int64_t> result(numLoops, 0);
    for (unsigned dim = 0; dim < numLoops; ++dim)
      result[dim] = fn(dim);
    return result;
  };
  std::string current = "%op";
  if (!isa<linalg::GenericOp>(op))
    current = w.generalize(current);
  if (plan.transposeOperand >= 0) {
    w.comment("make the vector dimension of the vector operand contiguous");
    std::string transposed = w.fresh("contiguous");
    std::string list = formatList(plan.transposePermutation);
    w.line(transposed + " = transform.seq.transpose_operand " + current +
           " {operand = " + std::to_string(plan.transposeOperand) +
           ", permutation = array<i64: " + list.substr(1, list.size() - 2) +
           ">} : (!transform.any_op) -> !transform.any_op");
    current = transposed;
  }
  if (plan.commute) {
    w.comment("the broadcast operand first: the left side of the contraction");
    std::string commuted = w.fresh("commuted");
    w.line(commuted + " = transform.seq.commute_contraction " + current +
           " : (!transform.any_op) -> !transform.any_op");
    current = commuted;
  }

  // Pad the row and vector dimensions to the planned extents.
  SmallVector<int64_t> padDims, padTo;
  if (plan.rowDim >= 0 && plan.rows != plan.extents[plan.rowDim]) {
    padDims.push_back(plan.rowDim);
    padTo.push_back(plan.rows);
  }
  if (plan.cols != plan.extents[plan.vecDim]) {
    padDims.push_back(plan.vecDim);
    padTo.push_back(plan.nr);
  }
  if (!padDims.empty()) {
    w.comment("pad to whole tiles; the copies are linalg.copy ops");
    // pad_to_multiple_of of the padded extent (rows) or the register tile.
    std::string padded = w.fresh("padded"), pads = w.fresh("pads"),
                copyBack = w.fresh("copy_back");
    std::string values;
    llvm::interleave(
        plan.zeros, [&](const std::string &z) { values += z; },
        [&] { values += ", "; });
    w.line(padded + ", " + pads + ", " + copyBack +
           " = transform.structured.pad " + current + " pad_to_multiple_of " +
           formatList(padTo) + " {padding_values = [" + values +
           "], padding_dimensions = " + formatList(padDims) +
           ", copy_back_op = \"linalg.copy\"} : (!transform.any_op) -> "
           "(!transform.any_op, !transform.any_op, !transform.any_op)");
    std::string inserts = w.fresh("inserts");
    w.line(inserts +
           " = transform.structured.rewrite_in_destination_passing_style " +
           pads + " : (!transform.any_op) -> !transform.any_op");
    std::string copies = w.fresh("copies");
    w.line(copies + " = transform.structured.insert_slice_to_copy " + inserts +
           " : (!transform.any_op) -> !transform.any_op");
    current = padded;
  }

  // Thread tiles.
  SmallVector<int64_t> threadTiles = sizes([&](unsigned dim) -> int64_t {
    if ((int64_t)dim == plan.rowDim)
      return plan.mc;
    if ((int64_t)dim == plan.vecDim)
      return plan.nc;
    if (llvm::is_contained(plan.outerDims, dim))
      return 1;
    return 0;
  });
  // With a fused fill, every level tiles by transform.structured.fuse, which
  // follows C through the loops' destinations down to the fill.
  ScheduleWriter::Tiled threads =
      plan.fuseFill
          ? w.tileAndFuse(current, threadTiles, {}, plan.parallel)
      : plan.parallel ? w.tileUsingForall(current, threadTiles)
                      : w.tileUsingFor(current, threadTiles);
  std::string scope = threads.loops.front();
  current = threads.op;

  if (plan.kc) {
    ScheduleWriter::Tiled kTiles = w.tileUsingFor(
        current, sizes([&](unsigned dim) -> int64_t {
          return (int64_t)dim == plan.cacheReductionDim ? plan.kc : 0;
        }));
    current = kTiles.op;
  }

  // Register tiles: loops n, m, then the reductions innermost.
  SmallVector<int64_t> interchange;
  for (unsigned dim : plan.outerDims)
    interchange.push_back(dim);
  interchange.push_back(plan.vecDim);
  if (plan.rowDim >= 0)
    interchange.push_back(plan.rowDim);
  for (unsigned dim : plan.reductionDims)
    interchange.push_back(dim);
  // The reductions step by one (C stays in registers across that loop), or,
  // with a fused fill, are unrolled whole inside the tile.
  SmallVector<int64_t> registerTiles = sizes([&](unsigned dim) -> int64_t {
    if ((int64_t)dim == plan.rowDim)
      return plan.mr;
    if ((int64_t)dim == plan.vecDim)
      return plan.nr;
    if (plan.fuseFill && llvm::is_contained(plan.reductionDims, dim))
      return 0;
    return 1;
  });
  ScheduleWriter::Tiled regs =
      plan.fuseFill ? w.tileAndFuse(current, registerTiles, interchange)
                    : w.tileUsingFor(current, registerTiles, interchange);
  if (plan.rowDim >= 0 && plan.mc % plan.mr != 0) {
    // loops: outer dims, n, m, reductions.
    std::string rowLoop = regs.loops[plan.outerDims.size() + 1];
    w.peel(rowLoop);
  }
  w.applyPatterns(scope, {});
  // The fused fills are vectorized too: their zero vectors then fold into
  // the tiles' accumulators.
  std::string tiles = plan.fuseFill
                          ? w.match(scope, {"linalg.generic", "linalg.fill"})
                          : w.match(scope, {"linalg.generic"});
  w.vectorize(tiles);
  w.vectorCleanup(scope);
  w.hoistInvariants(scope);
  w.lowerVectors(scope);
  return w.str();
}

/// The plan of `op` when the matmul schedule applies to it.
static std::optional<MatmulPlan> schedulablePlan(Operation *op,
                                                 const TargetModel &target) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return std::nullopt;
  std::optional<MatmulPlan> plan = planMatmul(linalgOp, target);
  if (!plan || failed(linalg::vectorizeOpPrecondition(op)))
    return std::nullopt;
  return plan;
}

std::optional<Schedule> seq::cpuMatmulSchedule(Operation *op,
                                               const TargetModel &target) {
  std::optional<MatmulPlan> plan = schedulablePlan(op, target);
  if (!plan)
    return std::nullopt;
  return Schedule{"matmul",
                  writeMatmulSchedule(cast<linalg::LinalgOp>(op), *plan)};
}

bool seq::cpuMatmulFusesFill(Operation *op, const TargetModel &target) {
  auto fill = dyn_cast<linalg::FillOp>(op);
  if (!fill || !fill->hasOneUse())
    return false;
  OpOperand &use = *fill->getUses().begin();
  auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
  if (!user || !user.isDpsInit(&use))
    return false;
  std::optional<MatmulPlan> plan = schedulablePlan(user, target);
  return plan && plan->fuseFill;
}
