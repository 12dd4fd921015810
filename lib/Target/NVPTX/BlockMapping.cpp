//===- BlockMapping.cpp - the work of one thread block --------------------===//

#include "BlockMapping.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::seq;

static Value indexConst(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

//===----------------------------------------------------------------------===//
// Threads
//===----------------------------------------------------------------------===//

LogicalResult mlir::seq::privatizeScratch(RewriterBase &rewriter,
                                          Operation *scope, Block *entry) {
  SmallVector<memref::AllocOp> allocs;
  scope->walk([&](memref::AllocOp alloc) {
    if (!alloc.getType().getMemorySpace())
      allocs.push_back(alloc);
  });
  for (memref::AllocOp alloc : allocs) {
    MemRefType type = alloc.getType();
    if (!type.hasStaticShape())
      return alloc.emitError("a kernel allocates a per-thread scratch buffer "
                             "of dynamic size ")
             << type << "; GPU threads need static scratch sizes";
    // Every point overwrites its scratch before reading it, so one buffer
    // per thread, allocated once, serves all of the thread's points.
    for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
      if (isa<memref::DeallocOp>(user))
        rewriter.eraseOp(user);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(entry);
    auto scratch = memref::AllocaOp::create(rewriter, alloc.getLoc(), type,
                                            alloc.getAlignmentAttr());
    rewriter.replaceOp(alloc, scratch);
  }
  return success();
}

LogicalResult mlir::seq::distributeOverThreads(RewriterBase &rewriter,
                                               TilingInterface op,
                                               const BlockContext &block) {
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  SmallVector<Range> domain = op.getIterationDomain(rewriter);
  SmallVector<utils::IteratorType> iterators = op.getLoopIteratorTypes();
  auto value = [&](OpFoldResult ofr) {
    return getValueOrCreateConstantIndexOp(rewriter, loc, ofr);
  };
  SmallVector<unsigned> parallel, reduction;
  SmallVector<OpFoldResult> parallelSizes;
  for (auto [dim, type] : llvm::enumerate(iterators)) {
    if (!isConstantIntValue(domain[dim].stride, 1))
      return op.emitError("seq-gpu-map-blocks: loop ")
             << dim << " has a non-unit step";
    if (type == utils::IteratorType::parallel) {
      parallel.push_back(dim);
      parallelSizes.push_back(domain[dim].size);
    } else {
      reduction.push_back(dim);
    }
  }
  AffineExpr s0, s1;
  bindSymbols(rewriter.getContext(), s0, s1);
  OpFoldResult points = rewriter.getIndexAttr(1);
  for (OpFoldResult size : parallelSizes)
    points = affine::makeComposedFoldedAffineApply(rewriter, loc, s0 * s1,
                                                   {points, size});
  // Thread t takes points t, t + threads, ...: neighbouring threads take
  // neighbouring points of the innermost parallel loop.
  auto loop = scf::ForOp::create(rewriter, loc, block.threadId, value(points),
                                 indexConst(rewriter, loc, block.threads));
  rewriter.setInsertionPointToStart(loop.getBody());
  SmallVector<Value> ivs(domain.size());
  if (!parallel.empty()) {
    auto delinearize = affine::AffineDelinearizeIndexOp::create(
        rewriter, loc, loop.getInductionVar(), parallelSizes,
        /*hasOuterBound=*/true);
    for (auto [dim, iv] : llvm::zip(parallel, delinearize.getResults()))
      ivs[dim] = affine::makeComposedAffineApply(
          rewriter, loc, s0 + s1, {value(domain[dim].offset), iv});
  }
  for (unsigned dim : reduction) {
    Range r = domain[dim];
    Value lb = value(r.offset);
    Value ub = affine::makeComposedAffineApply(rewriter, loc, s0 + s1,
                                               {lb, value(r.size)});
    auto inner = scf::ForOp::create(rewriter, loc, lb, ub, value(r.stride));
    ivs[dim] = inner.getInductionVar();
    rewriter.setInsertionPointToStart(inner.getBody());
  }
  if (failed(op.generateScalarImplementation(rewriter, loc, ivs)))
    return op.emitError("seq-gpu-map-blocks: the op has no scalar "
                        "implementation to run per thread");
  rewriter.eraseOp(op);
  return privatizeScratch(rewriter, loop, block.body);
}

//===----------------------------------------------------------------------===//
// Warps: matching
//===----------------------------------------------------------------------===//

static bool fail(std::string *reason, StringRef message) {
  if (reason)
    *reason = message.str();
  return false;
}

/// Position of loop dimension `dim` among the results of `map`, if any.
static std::optional<unsigned> resultPosition(AffineMap map, unsigned dim) {
  for (auto [i, expr] : llvm::enumerate(map.getResults()))
    if (auto d = dyn_cast<AffineDimExpr>(expr); d && d.getPosition() == dim)
      return i;
  return std::nullopt;
}

FailureOr<MmaContraction>
mlir::seq::matchMmaContraction(linalg::LinalgOp op, const TargetModel &model,
                               std::string *reason) {
  auto miss = [&](StringRef message) -> FailureOr<MmaContraction> {
    fail(reason, message);
    return failure();
  };
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return miss("not a two-input contraction on buffers");
  if (!linalg::isaContractionOpInterface(op))
    return miss("not a contraction (multiply-add) body");
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.size() != 1)
    return miss("needs m, n and exactly one k dimension");
  for (AffineMap map : op.getIndexingMapsArray())
    if (!map.isProjectedPermutation())
      return miss("an operand is not indexed by a permutation of the loops");

  MmaContraction c;
  c.op = op;
  c.kDim = dims->k.front();
  c.loopSizes = op.getStaticLoopRanges();
  if (llvm::any_of(c.loopSizes, ShapedType::isDynamic))
    return miss("dynamic sizes");
  c.batchDims.assign(dims->batch.begin(), dims->batch.end());
  // Several m (or n) dimensions are fine when all but one are 1 wide (a
  // tile of a batched product): those run like batch dimensions.
  auto pick = [&](ArrayRef<unsigned> candidates, unsigned &chosen) -> bool {
    std::optional<unsigned> wide;
    for (unsigned d : candidates) {
      if (c.loopSizes[d] == 1)
        continue;
      if (wide)
        return false;
      wide = d;
    }
    chosen = wide ? *wide : candidates.back();
    for (unsigned d : candidates)
      if (d != chosen)
        c.batchDims.push_back(d);
    return true;
  };
  if (!pick(dims->m, c.mDim) || !pick(dims->n, c.nDim))
    return miss("more than one m or n dimension wider than 1");
  AffineMap map0 = op.getMatchingIndexingMap(op.getDpsInputOperand(0));
  c.aOperand = resultPosition(map0, c.mDim) ? 0 : 1;
  c.bOperand = 1 - c.aOperand;

  Type aType = getElementTypeOrSelf(op.getDpsInputs()[c.aOperand].getType());
  Type bType = getElementTypeOrSelf(op.getDpsInputs()[c.bOperand].getType());
  Type cType = getElementTypeOrSelf(op.getDpsInits()[0].getType());
  auto isHalf = [](Type t) { return t.isF16() || t.isBF16(); };
  // A schedule may allow an f32 operand (attention's P) to be rounded to
  // the other operand's 16-bit type as it is staged.
  if (aType != bType && op->hasAttr(kRoundOperandsAttr)) {
    if (isHalf(aType) && bType.isF32())
      bType = aType;
    else if (isHalf(bType) && aType.isF32())
      aType = bType;
  }
  if (aType != bType || !isHalf(aType))
    return miss("operands are not both f16 or both bf16");
  if (!cType.isF32())
    return miss("the accumulator is not f32");
  c.operandType = aType;
  StringRef operandName = aType.isF16() ? "f16" : "bf16";
  const MmaShape *shape = nullptr;
  for (const MmaShape &s : model.mmaShapes)
    if (s.instruction == "mma.sync" && s.operandType == operandName)
      shape = &s;
  if (!shape)
    return miss("the target has no mma.sync for " + operandName.str());
  c.mmaM = shape->m;
  c.mmaN = shape->n;
  c.mmaK = shape->k;

  if (c.loopSizes[c.mDim] % c.mmaM || c.loopSizes[c.nDim] % c.mmaN ||
      c.loopSizes[c.kDim] % c.mmaK)
    return miss("sizes are not multiples of the MMA shape");
  // The accumulator is read and written as (m, n) row-major fragments.
  AffineMap cMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  unsigned rank = cMap.getNumResults();
  if (resultPosition(cMap, c.mDim) != rank - 2 ||
      resultPosition(cMap, c.nDim) != rank - 1)
    return miss("the accumulator is not stored (..., m, n)");
  return c;
}

//===----------------------------------------------------------------------===//
// Warps: emission
//===----------------------------------------------------------------------===//

/// The allocation or argument a buffer is a view of.
static Value rootBuffer(Value buffer) {
  while (auto view = buffer.getDefiningOp<ViewLikeOpInterface>())
    buffer = view.getViewSource();
  return buffer;
}

/// Whether `buffer` is defined outside `loop` and nothing in `loop` other
/// than `reader` (which only reads it) may write to the memory it views.
static bool isReadOnlyIn(Value buffer, scf::ForOp loop, Operation *reader) {
  if (!loop.isDefinedOutsideOfLoop(buffer))
    return false;
  Value root = rootBuffer(buffer);
  bool written = false;
  loop.walk([&](Operation *op) {
    // A barrier orders memory but writes nothing.
    if (op == reader || written || isa<gpu::BarrierOp>(op))
      return;
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      // Unknown effects: only ops whose regions hold the effects are fine.
      written |= !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
                 !isMemoryEffectFree(op);
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (MemoryEffects::EffectInstance &effect : instances) {
      if (!isa<MemoryEffects::Write, MemoryEffects::Free>(effect.getEffect()))
        continue;
      Value target = effect.getValue();
      // A write to an unknown or the same buffer might alias.
      if (!target || rootBuffer(target) == root)
        written = true;
    }
  });
  return !written;
}

/// Whether the chunk can be copied in 16-byte vectors: 16-bit elements,
/// unit stride along the chunk's columns (the source's innermost dimension)
/// and whole vectors per row, no rounding on the way.
static bool vectorizable(const StagedCopy &copy) {
  auto source = cast<MemRefType>(copy.source.getType());
  auto staged = cast<MemRefType>(copy.shared.getType()).getElementType();
  if (source.getElementType() != staged ||
      staged.getIntOrFloatBitWidth() != 16 || copy.cols % 8 != 0 ||
      copy.map.getNumResults() == 0 ||
      copy.map.getResults().back() !=
          getAffineDimExpr(copy.colDim, copy.map.getContext()))
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(source.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

void StagedCopy::emit(RewriterBase &rewriter, const BlockContext &block) {
  Location loc = before->getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(before);
  auto cst = [&](int64_t v) { return indexConst(rewriter, loc, v); };
  // Affine index arithmetic only (see distributeOverWarps).
  AffineExpr s0, s1;
  bindSymbols(rewriter.getContext(), s0, s1);
  auto apply = [&](AffineExpr e, ValueRange v) -> Value {
    return affine::AffineApplyOp::create(rewriter, loc,
                                         AffineMap::get(0, v.size(), e), v);
  };
  Value kBase = base ? base : cst(0);
  auto sourceIndices = [&](Value row, Value col) {
    SmallVector<Value> l = loops;
    l[rowDim] = rowIsK ? apply(s0 + s1, {kBase, row}) : row;
    l[colDim] = rowIsK ? col : apply(s0 + s1, {kBase, col});
    SmallVector<Value> indices;
    for (AffineExpr e : map.getResults())
      indices.push_back(l[cast<AffineDimExpr>(e).getPosition()]);
    return indices;
  };

  // Element by element: neighbouring threads read neighbouring addresses,
  // walking the chunk along whichever of its dimensions is innermost in
  // memory.
  auto scalarCopy = [&]() {
    bool colsInnermost = resultPosition(map, colDim).value_or(0) >
                         resultPosition(map, rowDim).value_or(0);
    int64_t inner = colsInnermost ? cols : rows;
    auto loop = scf::ForOp::create(rewriter, loc, block.threadId,
                                   cst(rows * cols), cst(block.threads));
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value p = loop.getInductionVar();
    Value outer = apply(s0.floorDiv(inner), p);
    Value in = apply(s0 % inner, p);
    Value row = colsInnermost ? outer : in;
    Value col = colsInnermost ? in : outer;
    Value v =
        memref::LoadOp::create(rewriter, loc, source, sourceIndices(row, col));
    Type staged = cast<MemRefType>(shared.getType()).getElementType();
    if (v.getType() != staged)
      v = arith::TruncFOp::create(rewriter, loc, staged, v);
    memref::StoreOp::create(rewriter, loc, v, shared, ValueRange{row, col});
  };
  if (!vectorizable(*this))
    return scalarCopy();

  // 16 bytes per thread and step when the source's rows start 16-byte
  // aligned: its base pointer, offset and outer strides are checked once
  // (the same for every thread); the staging rows are padded to 16 bytes.
  auto metadata =
      memref::ExtractStridedMetadataOp::create(rewriter, loc, source);
  Value pointer =
      memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc, source);
  Value aligned = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                        apply(s0 % 16, pointer), cst(0));
  auto andAligned = [&](Value v, int64_t multiple) {
    Value ok = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq,
                                     apply(s0 % multiple, v), cst(0));
    aligned = arith::AndIOp::create(rewriter, loc, aligned, ok);
  };
  andAligned(metadata.getOffset(), 8);
  for (Value stride : metadata.getStrides().drop_back())
    andAligned(stride, 8);
  auto branch = scf::IfOp::create(rewriter, loc, aligned,
                                  /*withElseRegion=*/true);
  rewriter.setInsertionPointToStart(branch.elseBlock());
  scalarCopy();
  rewriter.setInsertionPointToStart(branch.thenBlock());
  int64_t vectorsPerRow = cols / 8;
  auto loop = scf::ForOp::create(rewriter, loc, block.threadId,
                                 cst(rows * vectorsPerRow), cst(block.threads));
  rewriter.setInsertionPointToStart(loop.getBody());
  Value p = loop.getInductionVar();
  Value row = apply(s0.floorDiv(vectorsPerRow), p);
  Value col = apply((s0 % vectorsPerRow) * 8, p);
  auto type =
      VectorType::get({8}, cast<MemRefType>(shared.getType()).getElementType());
  Value v = vector::LoadOp::create(rewriter, loc, type, source,
                                   sourceIndices(row, col),
                                   /*nontemporal=*/false, llvm::Align(16));
  vector::StoreOp::create(rewriter, loc, v, shared, ValueRange{row, col},
                          /*nontemporal=*/false, llvm::Align(16));
}

namespace {
/// Emits the warp-level MMA code of one contraction.
struct WarpMmaEmitter {
  RewriterBase &rewriter;
  MmaContraction c;
  const BlockContext &block;
  Location loc;
  int64_t M, N, K;
  Type abType;

  WarpMmaEmitter(RewriterBase &rewriter, const MmaContraction &c,
                 const BlockContext &block)
      : rewriter(rewriter), c(c), block(block), loc(this->c.op.getLoc()) {
    M = this->c.loopSizes[this->c.mDim];
    N = this->c.loopSizes[this->c.nDim];
    K = this->c.loopSizes[this->c.kDim];
    abType = this->c.operandType;
  }

  Value cst(int64_t v) { return indexConst(rewriter, loc, v); }

  /// Indices of operand `operand` for the loop values `loops` (one per loop
  /// dimension; unused ones may be null).
  SmallVector<Value> indices(OpOperand *operand, ArrayRef<Value> loops) {
    AffineMap map = c.op.getMatchingIndexingMap(operand);
    SmallVector<Value> result;
    for (AffineExpr e : map.getResults())
      result.push_back(loops[cast<AffineDimExpr>(e).getPosition()]);
    return result;
  }

  /// A block-shared staging buffer, allocated where the contraction was so
  /// that the shared-memory plan sees it live only while it runs.
  Value sharedBuffer(ArrayRef<int64_t> shape) {
    auto space = gpu::AddressSpaceAttr::get(rewriter.getContext(),
                                            gpu::AddressSpace::Workgroup);
    auto type =
        MemRefType::get(shape, abType, MemRefLayoutAttrInterface(), space);
    return memref::AllocOp::create(rewriter, loc, type);
  }

  /// acc + a * b on one m16n8k16 fragment triple. f16 goes through
  /// nvgpu.mma.sync; MLIR 22's nvgpu lowering cannot type bf16 operands, so
  /// bf16 is packed into the b32 registers PTX expects and fed to
  /// nvvm.mma.sync directly.
  Value mma(Value a, Value b, Value acc) {
    if (!abType.isBF16())
      return nvgpu::MmaSyncOp::create(
          rewriter, loc, a, b, acc, ArrayRef<int64_t>{c.mmaM, c.mmaN, c.mmaK});
    auto i32 = rewriter.getI32Type();
    auto f32 = rewriter.getF32Type();
    auto registers = [&](Value fragment) {
      auto type = cast<VectorType>(fragment.getType());
      SmallVector<Value> values;
      for (int64_t r = 0; r < type.getDimSize(0); ++r) {
        Value pair = vector::ExtractOp::create(rewriter, loc, fragment,
                                               ArrayRef<int64_t>{r});
        Value packed = vector::BitCastOp::create(
            rewriter, loc, VectorType::get({1}, i32), pair);
        values.push_back(vector::ExtractOp::create(rewriter, loc, packed,
                                                   ArrayRef<int64_t>{0}));
      }
      return values;
    };
    SmallVector<Value> accValues;
    for (int64_t r = 0; r < 2; ++r)
      for (int64_t col = 0; col < 2; ++col)
        accValues.push_back(vector::ExtractOp::create(
            rewriter, loc, acc, ArrayRef<int64_t>{r, col}));
    auto resultType = LLVM::LLVMStructType::getLiteral(rewriter.getContext(),
                                                       {f32, f32, f32, f32});
    Value d = NVVM::MmaOp::create(
        rewriter, loc, resultType, registers(a), registers(b), accValues,
        ArrayRef<int64_t>{c.mmaM, c.mmaN, c.mmaK}, std::nullopt, std::nullopt,
        std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16,
                                      NVVM::MMATypes::bf16},
        std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                       NVVM::MMALayout::col});
    SmallVector<Value> out;
    for (int64_t r = 0; r < 4; ++r)
      out.push_back(LLVM::ExtractValueOp::create(rewriter, loc, d, r));
    return vector::FromElementsOp::create(rewriter, loc,
                                          VectorType::get({2, 2}, f32), out);
  }

  LogicalResult emit() {
    linalg::LinalgOp op = c.op;
    MLIRContext *ctx = rewriter.getContext();
    rewriter.setInsertionPoint(op);
    int64_t warps = block.threads / block.model->warpSize;
    // The warp grid: split m first, so each warp owns whole rows.
    int64_t wm = 0, wn = 0;
    for (int64_t total = warps; total >= 1 && !wm; total /= 2)
      for (int64_t a = total; a >= 1; a /= 2) {
        int64_t b = total / a;
        if (M % (c.mmaM * a) == 0 && N % (c.mmaN * b) == 0) {
          wm = a;
          wn = b;
          break;
        }
      }
    if (!wm)
      return op.emitError("seq-gpu-map-blocks: no warp tiling");
    int64_t used = wm * wn;
    int64_t mw = M / wm, nw = N / wn;
    int64_t fragsM = mw / c.mmaM, fragsN = nw / c.mmaN;

    // K is staged through shared memory in chunks that fit the budget.
    // Rows are padded by 16 bytes so that ldmatrix's eight row addresses
    // fall in different banks.
    constexpr int64_t kPad = 8, kStagingBytes = 24 * 1024;
    int64_t elemBytes = abType.getIntOrFloatBitWidth() / 8;
    int64_t chunk = c.mmaK;
    for (int64_t candidate : {K, int64_t(64), int64_t(32)})
      if (candidate <= K && K % candidate == 0 && candidate % c.mmaK == 0 &&
          (M * (candidate + kPad) + candidate * (N + kPad)) * elemBytes <=
              kStagingBytes) {
        chunk = candidate;
        break;
      }
    // A staged once for a whole block-level loop when it is read but not
    // written in it (attention's Q tile across the key tiles): the loop is
    // the outermost enclosing one in the block with that property, the
    // staging happens before it. Only without batch loops and with all of K
    // in one chunk, where the staged A is the whole operand.
    OpOperand *aOperand = op.getDpsInputOperand(c.aOperand);
    Operation *residentLoop = nullptr;
    if (c.batchDims.empty() && chunk == K)
      for (Operation *parent = op->getParentOp();
           parent && parent != block.body->getParentOp();
           parent = parent->getParentOp()) {
        auto loop = dyn_cast<scf::ForOp>(parent);
        if (!loop)
          continue;
        if (!isReadOnlyIn(aOperand->get(), loop, op))
          break;
        residentLoop = loop;
      }
    Value aShared;
    if (residentLoop) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(residentLoop);
      aShared = sharedBuffer({M, chunk + kPad});
      auto staged = gpu::BarrierOp::create(rewriter, loc);
      StagedCopy{staged,
                 aOperand->get(),
                 op.getMatchingIndexingMap(aOperand),
                 aShared,
                 c.mDim,
                 c.kDim,
                 M,
                 chunk,
                 /*rowIsK=*/false,
                 Value(),
                 SmallVector<Value>(c.loopSizes.size())}
          .emit(rewriter, block);
    } else {
      aShared = sharedBuffer({M, chunk + kPad});
    }
    Value bShared = sharedBuffer({chunk, N + kPad});

    // The batch loops run in every thread, one batch point at a time.
    SmallVector<Value> loops(c.loopSizes.size());
    for (unsigned dim : c.batchDims) {
      auto batch = scf::ForOp::create(rewriter, loc, cst(0),
                                      cst(c.loopSizes[dim]), cst(1));
      loops[dim] = batch.getInductionVar();
      rewriter.setInsertionPointToStart(batch.getBody());
    }

    AffineExpr s0, s1;
    bindSymbols(ctx, s0, s1);
    auto apply = [&](AffineExpr e, ValueRange v) -> Value {
      return affine::AffineApplyOp::create(rewriter, loc,
                                           AffineMap::get(0, v.size(), e), v);
    };
    // This warp's tile; idle warps recompute the last tile without storing.
    int64_t warpSize = block.model->warpSize;
    Value warp = apply(s0.floorDiv(warpSize), block.threadId);
    Value lane = apply(s0 % warpSize, block.threadId);
    Value active = arith::CmpIOp::create(
        rewriter, loc, arith::CmpIPredicate::ult, warp, cst(used));
    Value tile = affine::AffineMinOp::create(
        rewriter, loc,
        AffineMap::get(0, 1, {s0, getAffineConstantExpr(used - 1, ctx)}, ctx),
        ValueRange{warp});
    Value mBase = apply(s0.floorDiv(wn) * mw, tile);
    Value nBase = apply((s0 % wn) * nw, tile);

    OpOperand *bOperand = op.getDpsInputOperand(c.bOperand);
    OpOperand *cOperand = op.getDpsInitOperand(0);
    Value cBuffer = cOperand->get();
    auto f32 = rewriter.getF32Type();
    // The m16n8k16 register fragments (PTX ISA, "Matrix Fragments for
    // mma.m16n8k16"): with g = lane / 4 and t = lane % 4, the accumulator
    // holds C[g][2t, 2t+1] and C[g+8][2t, 2t+1] as two rows of a 2x2
    // vector; A and B come from shared memory through ldmatrix.
    auto accType = VectorType::get({2, 2}, f32);
    auto rowType = VectorType::get({2}, f32);
    auto aType = VectorType::get({4, 2}, abType);
    auto bType = VectorType::get({2, 2}, abType);
    Value groupRow = apply(s0.floorDiv(4), lane);
    Value pairCol = apply((s0 % 4) * 2, lane);
    auto accIndices = [&](int64_t i, int64_t j, int64_t half) {
      SmallVector<Value> l = loops;
      l[c.mDim] = apply(s0 + s1 + (i * c.mmaM + half * 8), {mBase, groupRow});
      l[c.nDim] = apply(s0 + s1 + j * c.mmaN, {nBase, pairCol});
      return indices(cOperand, l);
    };
    Value zeroAcc = arith::ConstantOp::create(
        rewriter, loc, accType, DenseElementsAttr::get(accType, 0.0f));
    SmallVector<Value> accs;
    for (int64_t i = 0; i < fragsM; ++i)
      for (int64_t j = 0; j < fragsN; ++j) {
        Value acc = zeroAcc;
        for (int64_t half = 0; half < 2; ++half) {
          Value row = vector::LoadOp::create(rewriter, loc, rowType, cBuffer,
                                             accIndices(i, j, half));
          acc = vector::InsertOp::create(rewriter, loc, row, acc,
                                         ArrayRef<int64_t>{half});
        }
        accs.push_back(acc);
      }

    auto chunks =
        scf::ForOp::create(rewriter, loc, cst(0), cst(K), cst(chunk), accs);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(chunks.getBody());
      // All threads stage the chunk once the previous one is consumed.
      gpu::BarrierOp::create(rewriter, loc);
      auto staged = gpu::BarrierOp::create(rewriter, loc);
      Value k0 = chunks.getInductionVar();
      if (!residentLoop)
        StagedCopy{staged,
                   aOperand->get(),
                   op.getMatchingIndexingMap(aOperand),
                   aShared,
                   c.mDim,
                   c.kDim,
                   M,
                   chunk,
                   /*rowIsK=*/false,
                   k0,
                   loops}
            .emit(rewriter, block);
      StagedCopy{staged,
                 bOperand->get(),
                 op.getMatchingIndexingMap(bOperand),
                 bShared,
                 c.kDim,
                 c.nDim,
                 chunk,
                 N,
                 /*rowIsK=*/true,
                 k0,
                 loops}
          .emit(rewriter, block);

      auto steps = scf::ForOp::create(rewriter, loc, cst(0), cst(chunk),
                                      cst(c.mmaK), chunks.getRegionIterArgs());
      rewriter.setInsertionPointToStart(steps.getBody());
      Value kk = steps.getInductionVar();
      // ldmatrix.x4: lanes 0-15 address rows 0-15 of the A fragment at
      // column kk, lanes 16-31 the same rows at kk + 8.
      SmallVector<Value> aFrags, bFrags;
      for (int64_t i = 0; i < fragsM; ++i) {
        Value row = apply(s0 + s1 % 16 + i * c.mmaM, {mBase, lane});
        Value col = apply(s0 + s1.floorDiv(16) * 8, {kk, lane});
        aFrags.push_back(nvgpu::LdMatrixOp::create(
            rewriter, loc, aType, aShared, ValueRange{row, col},
            /*transpose=*/false, /*numTiles=*/4));
      }
      // ldmatrix.x2.trans: lanes 0-15 address rows kk..kk+15 of B ([k][n])
      // at the fragment's first column.
      for (int64_t j = 0; j < fragsN; ++j) {
        Value row = apply(s0 + s1 % 16, {kk, lane});
        Value col = apply(s0 + j * c.mmaN, nBase);
        bFrags.push_back(nvgpu::LdMatrixOp::create(
            rewriter, loc, bType, bShared, ValueRange{row, col},
            /*transpose=*/true, /*numTiles=*/2));
      }
      SmallVector<Value> next;
      for (int64_t i = 0; i < fragsM; ++i)
        for (int64_t j = 0; j < fragsN; ++j)
          next.push_back(mma(aFrags[i], bFrags[j],
                             steps.getRegionIterArgs()[i * fragsN + j]));
      scf::YieldOp::create(rewriter, loc, next);
      rewriter.setInsertionPointAfter(steps);
      scf::YieldOp::create(rewriter, loc, steps.getResults());
    }

    auto store = scf::IfOp::create(rewriter, loc, active);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(store.thenBlock());
      for (int64_t i = 0; i < fragsM; ++i)
        for (int64_t j = 0; j < fragsN; ++j)
          for (int64_t half = 0; half < 2; ++half) {
            Value row = vector::ExtractOp::create(
                rewriter, loc, chunks.getResult(i * fragsN + j),
                ArrayRef<int64_t>{half});
            vector::StoreOp::create(rewriter, loc, row, cBuffer,
                                    accIndices(i, j, half));
          }
    }
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace

LogicalResult mlir::seq::distributeOverWarps(RewriterBase &rewriter,
                                             const MmaContraction &contraction,
                                             const BlockContext &block) {
  return WarpMmaEmitter(rewriter, contraction, block).emit();
}
