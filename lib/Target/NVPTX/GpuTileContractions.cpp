//===- GpuTileContractions.cpp - contractions as tiles of thread blocks ---===//
//
// The GPU schedule of a tensor-core contraction: one block per BM x BN tile
// of C (batch and unit dimensions one at a time), the zero fill of C fused
// into the tile, the whole K range in the tile (the block mapping stages it
// through shared memory). The tile sizes come from the target model.
//
//===----------------------------------------------------------------------===//

#include "GpuTarget.h"
#include "KernelInfo.h"
#include "seq/Target/NVPTX/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQGPUTILECONTRACTIONS
#include "seq/Target/NVPTX/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {
/// The loop dimensions of a contraction the schedule tiles.
struct ContractionTiling {
  /// The m and n dimensions tiled by BM and BN (the innermost of each kind
  /// that is not 1); the other m/n and batch dimensions get tiles of 1.
  unsigned mDim, nDim;
  SmallVector<int64_t> tileSizes;
  int64_t threads;
  int64_t bm, bn, k;
  /// 2 M N K flops; bytes with these tiles: A and B once per block row /
  /// column of C, C written once.
  WorkEstimate work;
};
} // namespace

/// The largest candidate that divides `size`, or 0.
static int64_t largestDivisor(int64_t size, ArrayRef<int64_t> candidates) {
  for (int64_t c : candidates)
    if (size % c == 0)
      return c;
  return 0;
}

/// The tiling of `op` when it can run on the target's tensor cores: f16 or
/// bf16 operands into an f32 accumulator, static sizes the MMA shape
/// divides.
static std::optional<ContractionTiling>
planContraction(linalg::LinalgOp op, const TargetModel &model) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->k.size() != 1)
    return std::nullopt;
  Type a = getElementTypeOrSelf(op.getDpsInputs()[0].getType());
  Type b = getElementTypeOrSelf(op.getDpsInputs()[1].getType());
  Type c = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  if (a != b || !(a.isF16() || a.isBF16()) || !c.isF32())
    return std::nullopt;
  StringRef name = a.isF16() ? "f16" : "bf16";
  const MmaShape *shape = nullptr;
  for (const MmaShape &s : model.mmaShapes)
    if (s.instruction == "mma.sync" && s.operandType == name)
      shape = &s;
  if (!shape)
    return std::nullopt;
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  if (llvm::any_of(sizes, ShapedType::isDynamic))
    return std::nullopt;

  // One m and one n dimension carry the tile; any others must be 1 wide
  // after tiling, so they get tiles of 1.
  auto pick = [&](ArrayRef<unsigned> candidates) -> std::optional<unsigned> {
    std::optional<unsigned> chosen;
    for (unsigned d : candidates)
      if (sizes[d] != 1 || !chosen)
        chosen = d;
    return chosen;
  };
  std::optional<unsigned> m = pick(dims->m), n = pick(dims->n);
  if (!m || !n)
    return std::nullopt;
  int64_t M = sizes[*m], N = sizes[*n], K = sizes[dims->k.front()];
  if (K % shape->k)
    return std::nullopt;
  // Tiles of 64 x 64 keep a warp's accumulators at 32 registers with four
  // warps; smaller tiles when the problem would fill too few of the
  // multiprocessors.
  int64_t bm = largestDivisor(M, {64, 32, 16});
  int64_t bn = largestDivisor(N, {64, 32, 16, 8});
  if (!bm || !bn || bm % shape->m || bn % shape->n)
    return std::nullopt;
  int64_t other = 1;
  for (auto [d, size] : llvm::enumerate(sizes))
    if (d != *m && d != *n && d != dims->k.front())
      other *= size;
  auto blocks = [&] { return other * (M / bm) * (N / bn); };
  while (blocks() < model.multiprocessors && bm > 32 && M % (bm / 2) == 0)
    bm /= 2;
  while (blocks() < model.multiprocessors && bn > 32 && N % (bn / 2) == 0)
    bn /= 2;

  ContractionTiling tiling;
  tiling.mDim = *m;
  tiling.nDim = *n;
  tiling.tileSizes.assign(sizes.size(), 1);
  tiling.tileSizes[dims->k.front()] = 0;
  tiling.tileSizes[*m] = bm;
  tiling.tileSizes[*n] = bn;
  tiling.threads = 4 * model.warpSize;
  tiling.bm = bm;
  tiling.bn = bn;
  tiling.k = K;
  int64_t elem = llvm::divideCeil(a.getIntOrFloatBitWidth(), 8);
  tiling.work.flops = 2 * other * M * N * K;
  tiling.work.bytes =
      blocks() * (bm * K + K * bn) * elem + other * M * N * /*f32*/ 4;
  return tiling;
}

namespace {
struct SeqGpuTileContractionsPass
    : public seq::impl::SeqGpuTileContractionsBase<SeqGpuTileContractionsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<linalg::LinalgOp> candidates;
    func.walk([&](linalg::LinalgOp op) {
      if (!op->getParentOfType<scf::ForallOp>())
        candidates.push_back(op);
    });
    if (candidates.empty())
      return;
    FailureOr<TargetModel> model = getGpuTarget(func);
    if (failed(model))
      return signalPassFailure();
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      std::optional<ContractionTiling> tiling = planContraction(op, *model);
      if (!tiling)
        continue;
      scf::SCFTilingOptions tilingOptions;
      tilingOptions.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      tilingOptions.setTileSizes(
          getAsIndexOpFoldResult(&getContext(), tiling->tileSizes));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tilingOptions);
      // The zero fill of the accumulator moves into the tile.
      options.setFusionControlFn(
          [](tensor::ExtractSliceOp, OpResult producer, bool)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            if (isa<linalg::FillOp>(producer.getOwner()))
              return scf::SCFTileAndFuseOptions::ControlFnResult{};
            return std::nullopt;
          });
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTileAndFuseResult> tiled =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled)) {
        op.emitError("seq-gpu-tile-contractions: tiling failed");
        return signalPassFailure();
      }
      for (OpResult result : op->getResults())
        if (Value replacement = tiled->replacements.lookup(result))
          rewriter.replaceAllUsesWith(result, replacement);
      Operation *loop = tiled->loops.front().getOperation();
      loop->setAttr("seq.gpu.threads",
                    rewriter.getI64IntegerAttr(tiling->threads));
      loop->setAttr("seq.gpu.kernel", rewriter.getStringAttr("matmul"));
      setKernelInfo(loop,
                    ("tensor cores: block tile " + Twine(tiling->bm) + "x" +
                     Twine(tiling->bn) + " of C, all of K (" +
                     Twine(tiling->k) + ") staged through shared memory, " +
                     Twine(tiling->threads) + " threads, mma.sync m16n8k16")
                        .str(),
                    tiling->work);
      if (op->use_empty())
        rewriter.eraseOp(op);
    }
  }
};
} // namespace
