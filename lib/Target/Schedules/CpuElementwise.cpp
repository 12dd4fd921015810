//===- CpuElementwise.cpp - vectorized elementwise ops and reductions -----===//
//
// The CPU schedule of the `elementwise` family: every linalg op on tensors
// that is not a contraction (elementwise and broadcasting generics, named
// elementwise ops, fills, copies, transposes, and reductions such as the
// row max / sum of a softmax, the statistics of a norm, the gate of a
// SiLU). Static shapes, projected-permutation maps (no convolutions), ops
// the vectorizer accepts and whose math functions have vector code (LLVM
// intrinsics or seq-approximate-math polynomials; not, say, atan or f64
// tanh); everything else is left to the loops of the reference lowering.
//
// Two shapes of op, by the innermost dimension of the first input (or the
// output for ops without inputs):
//
//  rows  it is parallel (elementwise ops, broadcasts, reductions over an
//        outer dimension): vectors run along the output's innermost
//        dimension, every other dimension is stepped by one.
//  inner it is a reduction (row max, row sum): each output element reduces
//        a contiguous run. Rows are stepped one at a time; the run is read
//        in vector tiles accumulated elementwise into a vector of partial
//        results (tile_reduction_using_for), reduced once per row. Bodies
//        whose combiner has no neutral element are instead reduced chunk by
//        chunk into the accumulator carried in a register.
//
// Size rule (L = lanes of the widest element type on the target's vectors):
//
//  vector tile     V = 4·L elements along the vector dimension (four
//                  registers per operand: AVX-512 f32 64, AVX2 32), the
//                  whole dimension when it is shorter; a remainder that V
//                  does not divide is a static tile of its own (peeled).
//  reduction chunk partial results of V elements; without them chunks of
//                  4·V elements (one horizontal reduction per 16 registers
//                  read), the whole run when it is shorter.
//  threads         ops of at least 65536 iteration points get an
//                  scf.forall over their parallel dimensions (outermost
//                  first, the vector dimension last and in multiples of V)
//                  with tiles that divide each extent, aiming at 2 x cores
//                  tiles, unless they already run inside a parallel loop;
//                  smaller ones run on one core.
//  tiny            ops of fewer than 256 iteration points are left alone:
//                  their scalar loops cost less than a vector tile's setup.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Schedules.h"

#include "ScheduleWriter.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/SmallBitVector.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::seq;

/// Iteration points below which an op is left to scalar loops.
static constexpr int64_t kTinyPoints = 256;
/// Iteration points from which an op is spread over the cores.
static constexpr int64_t kParallelPoints = 1 << 16;

/// The largest tile that divides `extent`, is a multiple of `quantum` and
/// cuts `extent` into at least `needed` tiles; failing that the smallest
/// such tile (`quantum` itself when it divides); 0 when none cuts.
static int64_t evenTile(int64_t extent, int64_t quantum, int64_t needed) {
  int64_t best = 0;
  for (int64_t tile = quantum; tile < extent; tile += quantum) {
    if (extent % tile != 0)
      continue;
    if (extent / tile >= needed)
      best = tile;
    else if (!best)
      return tile;
  }
  return best;
}

/// Whether every output of `op` is a reduction with one combiner that has a
/// neutral element, which is what tile_reduction_using_for needs to keep
/// partial results.
static bool hasPartialReductions(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body)
    return false;
  SmallVector<BlockArgument> outputs(op.getRegionOutputArgs());
  for (unsigned i = 0, e = outputs.size(); i < e; ++i) {
    SmallVector<Operation *, 4> combiners;
    if (!matchReduction(outputs, i, combiners) || combiners.size() != 1 ||
        !arith::getNeutralElement(combiners.front()))
      return false;
  }
  return true;
}

/// Whether the pipeline lowers `op`, on vectors, to vector code: math ops
/// with an LLVM intrinsic, and those seq-approximate-math turns into
/// polynomials (f32, f16 and bf16 only). The others become libm calls one
/// element at a time, after the vector lowering has run, so ops holding
/// them keep their scalar loops.
static bool lowersOnVectors(Operation *op) {
  if (!isa_and_present<math::MathDialect>(op->getDialect()))
    return true;
  StringRef name = op->getName().stripDialect();
  if (llvm::is_contained({"absf",  "absi",      "ceil",    "copysign", "cos",
                          "sin",   "ctlz",      "ctpop",   "cttz",     "exp",
                          "exp2",  "expm1",     "floor",   "fma",      "fpowi",
                          "log",   "log10",     "log1p",   "log2",     "powf",
                          "round", "roundeven", "rsqrt",   "sqrt",     "trunc",
                          "isnan", "isinf",     "isfinite"},
                         name))
    return true;
  Type type = getElementTypeOrSelf(op->getResultTypes().front());
  return llvm::is_contained({"tanh", "erf"}, name) &&
         (type.isF32() || type.isF16() || type.isBF16());
}

/// The widest element type (in bits) `op` reads, writes or computes with.
static int64_t widestElementBits(linalg::LinalgOp op) {
  int64_t bits = 8;
  auto consider = [&](Type type) {
    type = getElementTypeOrSelf(type);
    if (type.isIntOrFloat())
      bits = std::max<int64_t>(bits, type.getIntOrFloatBitWidth());
  };
  for (Type type : op->getOperandTypes())
    consider(type);
  if (Block *body = op.getBlock())
    for (Operation &inner : *body)
      for (Type type : inner.getResultTypes())
        consider(type);
  return bits;
}

/// Whether every result of `map` is a distinct loop dimension or a constant
/// (a fixed plane of an operand): accesses whose tiles are plain slices.
/// The linalg vectorizer still rejects the constants (its precondition
/// decides); such ops get parallel scalar tiles when they are large.
static bool isPermutationWithConstants(AffineMap map) {
  llvm::SmallBitVector seen(map.getNumDims());
  for (AffineExpr expr : map.getResults()) {
    if (isa<AffineConstantExpr>(expr))
      continue;
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || seen.test(dim.getPosition()))
      return false;
    seen.set(dim.getPosition());
  }
  return true;
}

/// Whether the vector schedule below can vectorize `op` (its loops known
/// to be static and non-empty).
static bool isVectorizable(linalg::LinalgOp linalgOp) {
  Operation *op = linalgOp.getOperation();
  // Booleans are stored one per byte, but LLVM loads and stores a vector of
  // i1 as packed bits: an i1 operand (a `where` mask, a comparison's result)
  // keeps the scalar loops.
  if (llvm::any_of(op->getOperandTypes(), [](Type type) {
        auto shaped = dyn_cast<ShapedType>(type);
        return shaped && shaped.getElementType().isInteger(1);
      }))
    return false;
  if (!llvm::all_of(linalgOp.getIndexingMapsArray(),
                    isPermutationWithConstants))
    return false;
  if (failed(linalg::vectorizeOpPrecondition(op)))
    return false;
  if (Block *body = linalgOp.getBlock())
    for (Operation &inner : *body)
      if (!lowersOnVectors(&inner))
        return false;
  return true;
}

/// Ops the vector schedule cannot take (complex numbers, libm calls, i1
/// data) still run on every core: their parallel loops are tiled into an
/// scf.forall of 2 x cores tiles, the bodies stay scalar loops.
static std::optional<Schedule>
scalarParallelSchedule(linalg::LinalgOp linalgOp, ArrayRef<int64_t> extents,
                       const TargetModel &target) {
  // Tiles of shifted or reversed accesses (the partner reads of a paired
  // spectrum product, x[N - k]) may be cut wrongly: those keep their loops.
  if (!llvm::all_of(linalgOp.getIndexingMapsArray(),
                    isPermutationWithConstants))
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = linalgOp.getIteratorTypesArray();
  SmallVector<int64_t> tiles(extents.size(), 0);
  int64_t needed = 2 * target.cores;
  for (unsigned dim = 0; dim < extents.size() && needed > 1; ++dim) {
    if (iterators[dim] != utils::IteratorType::parallel)
      continue;
    int64_t tile = evenTile(extents[dim], 1, needed);
    if (!tile)
      continue;
    tiles[dim] = tile;
    needed = llvm::divideCeil(needed, extents[dim] / tile);
  }
  if (llvm::all_of(tiles, [](int64_t t) { return t == 0; }))
    return std::nullopt;
  ScheduleWriter w("elementwise");
  w.comment("scalar loops (not vectorizable), parallel tiles over the cores");
  w.tileUsingForall("%op", tiles);
  return Schedule{"elementwise", w.str()};
}

std::optional<Schedule> seq::cpuElementwiseSchedule(Operation *op,
                                                    const TargetModel &target) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInits() == 0)
    return std::nullopt;
  if (!llvm::all_of(op->getOperandTypes(), [](Type type) {
        auto shaped = dyn_cast<ShapedType>(type);
        return !shaped || shaped.hasStaticShape();
      }))
    return std::nullopt;
  unsigned numLoops = linalgOp.getNumLoops();
  if (numLoops == 0)
    return std::nullopt;
  SmallVector<int64_t> extents = linalgOp.getStaticLoopRanges();
  int64_t points = 1;
  for (int64_t extent : extents) {
    if (extent <= 0)
      return std::nullopt;
    points *= extent;
  }
  if (points < kTinyPoints)
    return std::nullopt;
  bool parallel = target.cores > 1 && points >= kParallelPoints &&
                  !insideParallelLoop(op);
  if (!isVectorizable(linalgOp)) {
    if (!parallel)
      return std::nullopt;
    return scalarParallelSchedule(linalgOp, extents, target);
  }
  SmallVector<utils::IteratorType> iterators = linalgOp.getIteratorTypesArray();
  auto isReduction = [&](int64_t dim) {
    return iterators[dim] == utils::IteratorType::reduction;
  };

  // The vector dimension: the innermost dimension of the first input, or of
  // the output when there are no (shaped) inputs or that one is a scalar.
  auto innermost = [&](OpOperand &operand) -> std::optional<int64_t> {
    AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
    // Constant (fixed-plane) and unit dimensions do not change which
    // dimension is contiguous in memory.
    for (AffineExpr expr : llvm::reverse(map.getResults())) {
      auto dim = dyn_cast<AffineDimExpr>(expr);
      if (!dim)
        continue;
      if (extents[dim.getPosition()] > 1)
        return dim.getPosition();
    }
    return std::nullopt;
  };
  std::optional<int64_t> vecDim;
  for (OpOperand *input : linalgOp.getDpsInputOperands())
    if (isa<ShapedType>(input->get().getType()))
      if ((vecDim = innermost(*input)))
        break;
  if (!vecDim)
    vecDim = innermost(*linalgOp.getDpsInitOperand(0));
  if (!vecDim)
    return std::nullopt;
  bool innerReduction = isReduction(*vecDim);
  std::optional<int64_t> inputInner = vecDim;
  if (!innerReduction) {
    // Rows: vectors along the output's innermost dimension when it is a
    // loop of its own (a transpose reads it with a stride, but writes
    // contiguously).
    if (std::optional<int64_t> out = innermost(*linalgOp.getDpsInitOperand(0)))
      vecDim = *out;
  }

  int64_t lanes =
      std::max<int64_t>(1, target.vectorBits / widestElementBits(linalgOp));
  int64_t vectorTile = std::min(4 * lanes, extents[*vecDim]);
  if (innerReduction && !hasPartialReductions(linalgOp))
    vectorTile = std::min(16 * lanes, extents[*vecDim]);

  ScheduleWriter w("elementwise");
  std::string current = "%op";
  std::string scope;
  SmallVector<int64_t> parallelTiles(numLoops, 0);
  if (parallel) {
    // 2 x cores tiles over the parallel dimensions, the vector dimension
    // last and in whole vector tiles.
    SmallVector<int64_t> &tiles = parallelTiles;
    int64_t needed = 2 * target.cores;
    SmallVector<int64_t> order;
    for (unsigned dim = 0; dim < numLoops; ++dim)
      if (!isReduction(dim) && (int64_t)dim != *vecDim)
        order.push_back(dim);
    if (!innerReduction)
      order.push_back(*vecDim);
    for (int64_t dim : order) {
      if (needed <= 1)
        break;
      // Tiles divide the extent, so every tile is static.
      int64_t quantum = dim == *vecDim ? vectorTile : 1;
      int64_t tile = evenTile(extents[dim], quantum, needed);
      if (!tile)
        continue;
      tiles[dim] = tile;
      needed = llvm::divideCeil(needed, extents[dim] / tile);
    }
    if (llvm::any_of(tiles, [](int64_t t) { return t != 0; })) {
      w.comment("parallel tiles over the cores");
      ScheduleWriter::Tiled threads = w.tileUsingForall(current, tiles);
      current = threads.op;
      scope = threads.loops.front();
    }
  }

  if (scope.empty()) {
    // A loop around everything the schedule creates, so its rewrites have a
    // scope that survives the peeling below (one iteration: the pipeline's
    // canonicalization removes it).
    SmallVector<int64_t> whole(numLoops, 0);
    whole[0] = extents[0];
    ScheduleWriter::Tiled container = w.tileUsingFor(current, whole);
    current = container.op;
    scope = container.loops.front();
  }
  if (innerReduction && hasPartialReductions(linalgOp)) {
    // Rows one at a time, then the run in vector tiles accumulated
    // elementwise into a vector of partial results that is reduced once at
    // the end (tile_reduction_using_for).
    SmallVector<int64_t> rowTiles(numLoops, 1);
    rowTiles[*vecDim] = 0;
    std::string row = current;
    if (numLoops > 1) {
      w.comment("one row at a time");
      row = w.tileUsingFor(current, rowTiles).op;
    }
    SmallVector<int64_t> partialTiles(numLoops, 0);
    partialTiles[*vecDim] = vectorTile;
    w.comment("partial results in a vector of " + std::to_string(vectorTile) +
              " elements, reduced once per row");
    std::string fill = w.fresh("fill"), partial = w.fresh("partial"),
                merge = w.fresh("merge"), loop = w.fresh("loop");
    w.line(fill + ", " + partial + ", " + merge + ", " + loop +
           " = transform.structured.tile_reduction_using_for " + row +
           " by tile_sizes = " + formatList(partialTiles) +
           " : (!transform.any_op) -> (!transform.any_op, !transform.any_op, "
           "!transform.any_op, !transform.any_op)");
    if (extents[*vecDim] % vectorTile != 0)
      w.peel(loop);
  } else {
    // Vector tiles: one element of every dimension but the vector one, the
    // vector loop innermost.
    SmallVector<int64_t> vectorTiles(numLoops, 1);
    vectorTiles[*vecDim] = vectorTile;
    // A transpose (the input's contiguous dimension is another loop than
    // the output's): square tiles of lanes x lanes, read along one
    // dimension, transposed in registers, written along the other, instead
    // of one strided element per lane.
    if (!innerReduction && inputInner && *inputInner != *vecDim &&
        !isReduction(*inputInner) && extents[*vecDim] >= lanes / 2) {
      int64_t across = 0;
      for (int64_t t = std::min(lanes, extents[*inputInner]); t >= lanes / 2;
           --t)
        if (extents[*inputInner] % t == 0 &&
            (!parallelTiles[*inputInner] || parallelTiles[*inputInner] % t == 0)) {
          across = t;
          break;
        }
      if (across > 1) {
        vectorTiles[*inputInner] = across;
        vectorTiles[*vecDim] = std::min(vectorTile, lanes);
      }
    }
    w.comment(innerReduction ? "reduce contiguous chunks of " +
                                   std::to_string(vectorTile) + " elements"
                             : "vectors of " + std::to_string(vectorTile) +
                                   " elements along the innermost dimension");
    SmallVector<int64_t> interchange;
    for (unsigned dim = 0; dim < numLoops; ++dim)
      if ((int64_t)dim != *vecDim)
        interchange.push_back(dim);
    interchange.push_back(*vecDim);
    ScheduleWriter::Tiled tiled =
        w.tileUsingFor(current, vectorTiles, interchange);
    // A remainder along the vector dimension becomes a static tile of its
    // own (parallel tiles divide the extents, so it is the extent's).
    if (extents[*vecDim] % vectorTiles[*vecDim] != 0)
      w.peel(tiled.loops.back());
  }
  w.applyPatterns(scope, {});
  std::string ops = w.matchInterface(scope, "LinalgOp");
  w.vectorize(ops);
  w.applyPatterns(scope, {"vector.transfer_permutation_patterns",
                          "vector.reduction_to_contract"});
  w.cse(scope);
  w.hoistInvariants(scope);
  w.applyPatterns(scope, {"vector.cast_away_vector_leading_one_dim"});
  w.applyPatterns(
      scope,
      {"vector.lower_multi_reduction lowering_strategy = \"innerreduction\"",
       "vector.lower_contraction lowering_strategy = \"outerproduct\"",
       "vector.lower_outerproduct", "vector.transfer_permutation_patterns",
       lowerTransposePattern(lanes),
       "vector.lower_shape_cast"},
      /*canonicalize=*/false);
  // Canonicalized apart (see ScheduleWriter::lowerVectors): a transpose
  // and its canonical form would rewrite each other forever.
  w.applyPatterns(scope, {});
  return Schedule{"elementwise", w.str()};
}
