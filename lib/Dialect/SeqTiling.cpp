//===- SeqTiling.cpp - TilingInterface and DPS helpers of the seq ops -----===//
//
// Every seq op describes, with its TilingLayout, which iteration-domain
// dimension each operand dimension follows. From that alone this file derives
// the op's iteration domain, the slices a tile reads and writes, the result
// tiles, shape reification, memory effects and the loop nest of the reference
// computation. Attention-like ops add two things a plain slice cannot say:
// the positions of a tile's rows and keys, and the indices their score_mod /
// mask_mod regions see.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::seq;

ReferenceImplementation::~ReferenceImplementation() = default;

#include "seq/SeqInterfaces.cpp.inc"

static bool isBuffer(Value value) { return isa<MemRefType>(value.getType()); }

static bool hasBufferSemantics(Operation *op) {
  return llvm::any_of(op->getOperands(), isBuffer);
}

//===----------------------------------------------------------------------===//
// Verification, effects, reification
//===----------------------------------------------------------------------===//

LogicalResult seq::detail::verifySeqOp(Operation *op) {
  bool tensors = false, buffers = false;
  for (Value operand : op->getOperands()) {
    tensors |= isa<RankedTensorType>(operand.getType());
    buffers |= isBuffer(operand);
  }
  if (tensors && buffers)
    return op->emitOpError()
           << "mixes tensor and memref operands; its operands must be all "
              "tensors (value semantics) or all memrefs (buffer semantics)";
  auto dps = cast<DestinationStyleOpInterface>(op);
  if (buffers) {
    if (op->getNumResults() != 0)
      return op->emitOpError()
             << "writes its memref destinations in place and has no "
                "results, but has "
             << op->getNumResults();
    return success();
  }
  if (op->getNumResults() != dps.getNumDpsInits())
    return op->emitOpError()
           << "expects one result per destination (" << dps.getNumDpsInits()
           << "), but has " << op->getNumResults();
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(op->getResults(), dps.getDpsInits()))) {
    auto [result, init] = pair;
    if (result.getType() != init.getType())
      return op->emitOpError()
             << "result #" << index << " must have the type of its destination "
             << init.getType() << ", but has type " << result.getType();
  }
  return success();
}

void seq::detail::getDpsEffects(
    Operation *op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  bool readsInits = cast<SeqOpInterface>(op).readsDestinations();
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isBuffer(operand.get()))
      continue;
    bool init = dps.isDpsInit(&operand);
    if (!init || readsInits)
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
    if (init)
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

/// The size of dimension `dim` of a tensor or memref.
static OpFoldResult mixedSize(OpBuilder &b, Location loc, Value shaped,
                              int64_t dim) {
  if (isBuffer(shaped))
    return memref::getMixedSize(b, loc, shaped, dim);
  return tensor::getMixedSize(b, loc, shaped, dim);
}

LogicalResult seq::detail::reifyDpsResultShapes(Operation *op, OpBuilder &b,
                                           ReifiedRankedShapedTypeDims &shapes) {
  auto dps = cast<DestinationStyleOpInterface>(op);
  for (Value init : dps.getDpsInits()) {
    auto type = cast<ShapedType>(init.getType());
    SmallVector<OpFoldResult> sizes;
    for (int64_t dim = 0; dim < type.getRank(); ++dim)
      sizes.push_back(mixedSize(b, op->getLoc(), init, dim));
    shapes.push_back(sizes);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Iteration domain and tiles
//===----------------------------------------------------------------------===//

SmallVector<Range> seq::detail::getIterationDomain(Operation *op, OpBuilder &b) {
  TilingLayout layout = cast<SeqOpInterface>(op).getTilingLayout();
  Location loc = op->getLoc();
  SmallVector<Range> domain;
  for (int64_t d = 0, e = layout.iterators.size(); d < e; ++d) {
    OpFoldResult size;
    for (auto [operand, dims] : llvm::zip(op->getOperands(), layout.operandDims))
      for (auto [dim, follows] : llvm::enumerate(dims))
        if (!size && follows == d)
          size = mixedSize(b, loc, operand, dim);
    assert(size && "every domain dimension must be some operand's dimension");
    domain.push_back(Range{b.getIndexAttr(0), size, b.getIndexAttr(1)});
  }
  return domain;
}

/// The group size Hq / Hkv of grouped-query attention (operands 0 and 1).
static OpFoldResult queryGroupSize(OpBuilder &b, Location loc, Operation *op) {
  OpFoldResult hq = mixedSize(b, loc, op->getOperand(0), 1);
  OpFoldResult hkv = mixedSize(b, loc, op->getOperand(1), 1);
  std::optional<int64_t> q = getConstantIntValue(hq),
                         kv = getConstantIntValue(hkv);
  if (q && kv && *kv != 0)
    return b.getIndexAttr(*q / *kv);
  return arith::DivUIOp::create(b, loc, getValueOrCreateConstantIndexOp(b, loc, hq),
                                getValueOrCreateConstantIndexOp(b, loc, hkv))
      .getResult();
}

/// The offsets and sizes of the slice of operand `index` a tile reads or
/// writes; fails (with a diagnostic on `op`) for a head tile that breaks the
/// grouped-query structure.
static LogicalResult operandTile(OpBuilder &b, Operation *op,
                                 const TilingLayout &layout, unsigned index,
                                 ArrayRef<OpFoldResult> offsets,
                                 ArrayRef<OpFoldResult> sizes,
                                 SmallVector<OpFoldResult> &sliceOffsets,
                                 SmallVector<OpFoldResult> &sliceSizes) {
  Location loc = op->getLoc();
  Value operand = op->getOperand(index);
  for (auto [dim, follows] : llvm::enumerate(layout.operandDims[index])) {
    if (follows >= 0) {
      sliceOffsets.push_back(offsets[follows]);
      sliceSizes.push_back(sizes[follows]);
      continue;
    }
    if (follows == kUntiled) {
      sliceOffsets.push_back(b.getIndexAttr(0));
      sliceSizes.push_back(mixedSize(b, loc, operand, dim));
      continue;
    }
    // Grouped heads: query heads [h0, h0 + n) of groups of g read key/value
    // heads [h0 / g, h0 / g + max(n / g, 1)), which keeps the tile a valid
    // GQA problem only when n is a multiple or a divisor of g.
    OpFoldResult group = queryGroupSize(b, loc, op);
    std::optional<int64_t> g = getConstantIntValue(group);
    std::optional<int64_t> n = getConstantIntValue(sizes[1]);
    if (g && *g == 1) {
      sliceOffsets.push_back(offsets[1]);
      sliceSizes.push_back(sizes[1]);
      continue;
    }
    if (!g || !n || (*n % *g != 0 && *g % *n != 0))
      return op->emitOpError()
             << "cannot tile the query heads: a tile of "
             << (n ? std::to_string(*n) : std::string("a dynamic number of"))
             << " heads must be a multiple or a divisor of the grouped-query "
                "group size "
             << (g ? std::to_string(*g) : std::string("(dynamic)"));
    Value h0 = getValueOrCreateConstantIndexOp(b, loc, offsets[1]);
    Value first = arith::DivUIOp::create(
        b, loc, h0, arith::ConstantIndexOp::create(b, loc, *g));
    sliceOffsets.push_back(first);
    sliceSizes.push_back(b.getIndexAttr(std::max<int64_t>(*n / *g, 1)));
  }
  return success();
}

static Value sliceOf(OpBuilder &b, Location loc, Value value,
                     ArrayRef<OpFoldResult> offsets,
                     ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
  if (isBuffer(value))
    return memref::SubViewOp::create(b, loc, value, offsets, sizes, strides);
  return tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes,
                                        strides);
}

/// The tile's operands: slices of the shaped operands, other operands as
/// they are (attention-like ops replace the positions afterwards).
static FailureOr<SmallVector<Value>>
tileOperands(OpBuilder &b, Operation *op, const TilingLayout &layout,
             ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
             SmallVector<Operation *> &slices) {
  SmallVector<Value> operands;
  for (auto [index, operand] : llvm::enumerate(op->getOperands())) {
    if (layout.operandDims[index].empty()) {
      operands.push_back(operand);
      continue;
    }
    SmallVector<OpFoldResult> sliceOffsets, sliceSizes;
    if (failed(operandTile(b, op, layout, index, offsets, sizes, sliceOffsets,
                           sliceSizes)))
      return failure();
    Value slice = sliceOf(b, op->getLoc(), operand, sliceOffsets, sliceSizes);
    slices.push_back(slice.getDefiningOp());
    operands.push_back(slice);
  }
  return operands;
}

/// Result types of a tile: the types of its tensor destinations.
static SmallVector<Type> tileResultTypes(Operation *op, ValueRange operands) {
  SmallVector<Type> types;
  auto dps = cast<DestinationStyleOpInterface>(op);
  for (OpOperand &init : dps.getDpsInitsMutable())
    if (isa<RankedTensorType>(operands[init.getOperandNumber()].getType()))
      types.push_back(operands[init.getOperandNumber()].getType());
  return types;
}

FailureOr<TilingResult>
seq::detail::getTiledImplementation(Operation *op, OpBuilder &b,
                               ArrayRef<OpFoldResult> offsets,
                               ArrayRef<OpFoldResult> sizes) {
  TilingLayout layout = cast<SeqOpInterface>(op).getTilingLayout();
  SmallVector<Operation *> slices;
  FailureOr<SmallVector<Value>> operands =
      tileOperands(b, op, layout, offsets, sizes, slices);
  if (failed(operands))
    return failure();
  Operation *tiled = clone(b, op, tileResultTypes(op, *operands), *operands);
  return TilingResult{{tiled}, SmallVector<Value>(tiled->getResults()),
                      slices};
}

/// Adds `offset` to every use of `arg` inside its block (a modifier region
/// argument), so the region keeps seeing indices of the untiled problem.
static void offsetBlockArgument(OpBuilder &b, BlockArgument arg,
                                OpFoldResult offset) {
  if (isZeroInteger(offset) || arg.use_empty())
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(arg.getOwner());
  Location loc = arg.getLoc();
  Value shifted = arith::AddIOp::create(
      b, loc, arg, getValueOrCreateConstantIndexOp(b, loc, offset));
  arg.replaceAllUsesExcept(shifted, shifted.getDefiningOp());
}

FailureOr<TilingResult> seq::detail::tileAttentionLike(
    Operation *op, OpBuilder &b, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes) {
  TilingLayout layout = cast<SeqOpInterface>(op).getTilingLayout();
  Location loc = op->getLoc();
  SmallVector<Operation *> slices;
  FailureOr<SmallVector<Value>> tiledOperands =
      tileOperands(b, op, layout, offsets, sizes, slices);
  if (failed(tiledOperands))
    return failure();

  // Operand order: query, key, value, positions..., outs...
  Value query = op->getOperand(0), key = op->getOperand(1);
  unsigned numPositions = 0;
  while (isa<IndexType>(op->getOperand(3 + numPositions).getType()))
    ++numPositions;
  Value queryPosition, keyPosition;
  if (numPositions == 2) {
    queryPosition = op->getOperand(3);
    keyPosition = op->getOperand(4);
  } else {
    // Bottom-right alignment of the untiled problem: Lk - Lq and 0.
    Value lq = getValueOrCreateConstantIndexOp(b, loc,
                                               mixedSize(b, loc, query, 2));
    Value lk =
        getValueOrCreateConstantIndexOp(b, loc, mixedSize(b, loc, key, 2));
    queryPosition = arith::SubIOp::create(b, loc, lk, lq);
    keyPosition = arith::ConstantIndexOp::create(b, loc, 0);
  }
  auto shift = [&](Value position, OpFoldResult offset) -> Value {
    if (isZeroInteger(offset))
      return position;
    return arith::AddIOp::create(
        b, loc, position, getValueOrCreateConstantIndexOp(b, loc, offset));
  };
  bool tilesKeys = offsets.size() > 3;
  SmallVector<Value> operands(tiledOperands->begin(),
                              tiledOperands->begin() + 3);
  operands.push_back(shift(queryPosition, offsets[2]));
  operands.push_back(tilesKeys ? shift(keyPosition, offsets[3]) : keyPosition);
  llvm::append_range(operands, ArrayRef<Value>(*tiledOperands)
                                   .drop_front(3 + numPositions));

  OperationState state(loc, op->getName());
  state.addOperands(operands);
  int32_t numOuts = op->getNumOperands() - 3 - numPositions;
  for (Value out : ArrayRef<Value>(operands).take_back(numOuts))
    if (isa<RankedTensorType>(out.getType()))
      state.addTypes(out.getType());
  NamedAttrList attributes(op->getAttrDictionary());
  attributes.set("operandSegmentSizes",
                 b.getDenseI32ArrayAttr({1, 1, 1, 2, numOuts}));
  state.addAttributes(attributes);
  for (Region &region : op->getRegions()) {
    Region *copy = state.addRegion();
    IRMapping mapping;
    region.cloneInto(copy, mapping);
  }
  Operation *tiled = b.create(state);

  // Modifier regions see (score,) b, h, i, j of the untiled problem.
  for (Region &region : tiled->getRegions()) {
    if (region.empty())
      continue;
    Block &block = region.front();
    unsigned first = block.getNumArguments() == 5 ? 1 : 0;
    offsetBlockArgument(b, block.getArgument(first), offsets[0]);
    offsetBlockArgument(b, block.getArgument(first + 1), offsets[1]);
    offsetBlockArgument(b, block.getArgument(first + 2), offsets[2]);
    if (tilesKeys)
      offsetBlockArgument(b, block.getArgument(first + 3), offsets[3]);
  }
  return TilingResult{{tiled}, SmallVector<Value>(tiled->getResults()),
                      slices};
}

LogicalResult seq::detail::getResultTilePosition(
    Operation *op, OpBuilder &b, unsigned resultNumber,
    ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
    SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  TilingLayout layout = cast<SeqOpInterface>(op).getTilingLayout();
  auto dps = cast<DestinationStyleOpInterface>(op);
  unsigned index = dps.getDpsInitOperand(resultNumber)->getOperandNumber();
  return operandTile(b, op, layout, index, offsets, sizes, resultOffsets,
                     resultSizes);
}

FailureOr<TilingResult> seq::detail::generateResultTileValue(
    Operation *op, OpBuilder &b, unsigned resultNumber,
    ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes) {
  // The domain tile that produces this result tile: the result's tiled
  // dimensions fix their domain dimensions, every other domain dimension is
  // computed whole. Reduction dimensions are never cut here.
  auto tiling = cast<TilingInterface>(op);
  TilingLayout layout = cast<SeqOpInterface>(op).getTilingLayout();
  auto dps = cast<DestinationStyleOpInterface>(op);
  unsigned index = dps.getDpsInitOperand(resultNumber)->getOperandNumber();
  SmallVector<Range> domain = tiling.getIterationDomain(b);
  SmallVector<OpFoldResult> domainOffsets, domainSizes;
  for (const Range &range : domain) {
    domainOffsets.push_back(range.offset);
    domainSizes.push_back(range.size);
  }
  for (auto [dim, follows] : llvm::enumerate(layout.operandDims[index]))
    if (follows >= 0) {
      domainOffsets[follows] = offsets[dim];
      domainSizes[follows] = sizes[dim];
    }
  return tiling.getTiledImplementation(b, domainOffsets, domainSizes);
}

//===----------------------------------------------------------------------===//
// The reference computation
//===----------------------------------------------------------------------===//

LogicalResult seq::detail::generateScalarImplementation(Operation *op, OpBuilder &b,
                                                   Location loc,
                                                   ValueRange ivs) {
  if (!hasBufferSemantics(op))
    return op->emitOpError()
           << "has a scalar implementation only on memrefs; bufferize first";
  cast<SeqOpInterface>(op).prepareReference(b)->emitPoint(b, loc, ivs);
  return success();
}

void seq::emitReferenceLoops(SeqOpInterface op, OpBuilder &b) {
  Location loc = op.getLoc();
  auto tiling = cast<TilingInterface>(op.getOperation());
  SmallVector<Value> lbs, ubs, steps;
  for (const Range &range : tiling.getIterationDomain(b)) {
    lbs.push_back(getValueOrCreateConstantIndexOp(b, loc, range.offset));
    ubs.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    steps.push_back(getValueOrCreateConstantIndexOp(b, loc, range.stride));
  }
  std::unique_ptr<ReferenceImplementation> impl = op.prepareReference(b);
  scf::buildLoopNest(b, loc, lbs, ubs, steps,
                     [&](OpBuilder &nb, Location nloc, ValueRange ivs) {
                       impl->emitPoint(nb, nloc, ivs);
                     });
}

//===----------------------------------------------------------------------===//
// The layouts of the seq ops
//===----------------------------------------------------------------------===//

namespace {
/// Builds a TilingLayout operand by operand. `U` marks untiled dimensions
/// and `G` grouped key/value heads in the dimension lists.
constexpr int64_t U = kUntiled, G = kGroupedHeads;

struct LayoutBuilder {
  LayoutBuilder(Operation *op, int64_t parallel, int64_t reduction = 0) {
    layout.iterators.assign(parallel, utils::IteratorType::parallel);
    layout.iterators.append(reduction, utils::IteratorType::reduction);
    layout.operandDims.resize(op->getNumOperands());
  }
  /// Every operand of `range` (zero or one for optional operands) has `dims`.
  LayoutBuilder &set(MutableOperandRange range, ArrayRef<int64_t> dims) {
    for (unsigned i = 0; i < range.size(); ++i)
      layout.operandDims[range[i].getOperandNumber()].assign(dims.begin(),
                                                             dims.end());
    return *this;
  }
  /// `dims` for one operand given by index.
  LayoutBuilder &set(unsigned index, ArrayRef<int64_t> dims) {
    layout.operandDims[index].assign(dims.begin(), dims.end());
    return *this;
  }
  TilingLayout layout;
};

int64_t rankOf(Value value) {
  return value ? cast<ShapedType>(value.getType()).getRank() : 0;
}

/// (0, 1, ..., n-1) followed by `tail`.
SmallVector<int64_t> leading(int64_t n, ArrayRef<int64_t> tail = {}) {
  SmallVector<int64_t> dims = llvm::to_vector(llvm::seq<int64_t>(0, n));
  dims.append(tail.begin(), tail.end());
  return dims;
}
} // namespace

TilingLayout AttentionOp::getTilingLayout() {
  LayoutBuilder l(*this, /*parallel=*/3);
  l.set(getQueryMutable(), {0, 1, 2, U})
      .set(getKeyMutable(), {0, G, U, U})
      .set(getValueMutable(), {0, G, U, U});
  l.set(getOutsMutable()[0].getOperandNumber(), {0, 1, 2, U});
  if (getLogsumexp())
    l.set(getOutsMutable()[0].getOperandNumber() + 1, {0, 1, 2});
  return l.layout;
}

TilingLayout OnlineAttentionOp::getTilingLayout() {
  LayoutBuilder l(*this, /*parallel=*/3, /*reduction=*/1);
  unsigned outs = getOutsMutable()[0].getOperandNumber();
  l.set(getQueryMutable(), {0, 1, 2, U})
      .set(getKeyMutable(), {0, G, 3, U})
      .set(getValueMutable(), {0, G, 3, U})
      .set(outs, {0, 1, 2, U});
  for (unsigned i = 1; i < getOuts().size(); ++i)
    l.set(outs + i, {0, 1, 2});
  return l.layout;
}

bool OnlineAttentionOp::readsDestinations() { return true; }

TilingLayout ComposeHeadsOp::getTilingLayout() {
  // Domain (B, T, S): heads are mixed, so they are never cut.
  LayoutBuilder l(*this, /*parallel=*/3);
  l.set(getScoresMutable(), {0, U, 1, 2})
      .set(getStaticWeightMutable(), {U, U})
      .set(getQueryW1Mutable(), {0, 1, U, U})
      .set(getQueryW2Mutable(), {0, 1, U, U})
      .set(getKeyW1Mutable(), {0, 2, U, U})
      .set(getKeyW2Mutable(), {0, 2, U, U})
      .set(getQueryGateMutable(), {0, 1, U})
      .set(getKeyGateMutable(), {0, 2, U})
      .set(getOutsMutable(), {0, U, 1, 2});
  return l.layout;
}

TilingLayout ScanOp::getTilingLayout() {
  // Domain (B, S...): time (dimension 1 of a, b, states) is sequential.
  int64_t stateRank = rankOf(getA()) - 1;
  SmallVector<int64_t> full = {0, U};
  llvm::append_range(full, llvm::seq<int64_t>(1, stateRank));
  LayoutBuilder l(*this, stateRank);
  l.set(getAMutable(), full)
      .set(getBMutable(), full)
      .set(getInitialMutable(), leading(stateRank))
      .set(getOutsMutable()[0].getOperandNumber(), full);
  if (getFinal())
    l.set(getOutsMutable()[0].getOperandNumber() + 1, leading(stateRank));
  return l.layout;
}

TilingLayout EmaOp::getTilingLayout() {
  // Domain (B, D).
  LayoutBuilder l(*this, /*parallel=*/2);
  SmallVector<int64_t> gamma = {1, U};
  if (isComplex())
    gamma.push_back(U);
  l.set(getInputMutable(), {0, U, 1})
      .set(getWeightLogitMutable(), {1, U})
      .set(getDampingLogitMutable(), {1, U})
      .set(getGammaMutable(), gamma)
      .set(getOmegaMutable(), {1})
      .set(getBetaMutable(), {1, U})
      .set(getThetaMutable(), {1})
      .set(getInitialMutable(), {0, 1, U})
      .set(getOutsMutable()[0].getOperandNumber(), {0, U, 1});
  if (getFinal())
    l.set(getOutsMutable()[0].getOperandNumber() + 1, {0, 1, U});
  return l.layout;
}

TilingLayout LongConvOp::getTilingLayout() {
  // Domain (B, C): each output row depends on the whole history.
  LayoutBuilder l(*this, /*parallel=*/2);
  l.set(getInputMutable(), {0, U, 1})
      .set(getFilterMutable(), {1, U})
      .set(getSkipMutable(), {1})
      .set(getPregateMutable(), {0, U, 1})
      .set(getPostgateMutable(), {0, U, 1})
      .set(getOutsMutable(), {0, U, 1});
  return l.layout;
}

/// FFTs, feature maps: the leading dimensions are independent rows.
static TilingLayout rowLayout(Operation *op, Value input, int64_t rowDims) {
  LayoutBuilder l(op, rowDims);
  SmallVector<int64_t> dims = leading(rowDims, {U});
  for (unsigned i = 0; i < op->getNumOperands(); ++i) {
    SmallVector<int64_t> operandDims = dims;
    operandDims.resize(rankOf(op->getOperand(i)), U);
    l.set(i, operandDims);
  }
  return l.layout;
}

TilingLayout FftOp::getTilingLayout() {
  return rowLayout(*this, getInput(), rankOf(getInput()) - 1);
}
TilingLayout IfftOp::getTilingLayout() {
  return rowLayout(*this, getInput(), rankOf(getInput()) - 1);
}
TilingLayout RfftOp::getTilingLayout() {
  return rowLayout(*this, getInput(), rankOf(getInput()) - 1);
}
TilingLayout IrfftOp::getTilingLayout() {
  return rowLayout(*this, getInput(), rankOf(getInput()) - 1);
}
TilingLayout FeatureMapOp::getTilingLayout() {
  return rowLayout(*this, getInput(), rankOf(getInput()) - 1);
}
TilingLayout RotaryOp::getTilingLayout() {
  // Positions run along the sequence dimension, which stays whole.
  return rowLayout(*this, getInput(), rankOf(getInput()) - 2);
}

TilingLayout LinearAttentionOp::getTilingLayout() {
  // Domain (B, H): every head is one recurrence over time.
  LayoutBuilder l(*this, /*parallel=*/2);
  SmallVector<int64_t> decay = {0, 1, U};
  if (rankOf(getLogDecay()) == 4)
    decay.push_back(U);
  l.set(getQueryMutable(), {0, 1, U, U})
      .set(getKeyMutable(), {0, 1, U, U})
      .set(getValueMutable(), {0, 1, U, U})
      .set(getLogDecayMutable(), decay)
      .set(getPrefixKeyMutable(), {0, 1, U, U})
      .set(getPrefixValueMutable(), {0, 1, U, U})
      .set(getInitialStateMutable(), {0, 1, U, U})
      .set(getInitialNormalizerMutable(), {0, 1, U});
  unsigned outs = getOutsMutable()[0].getOperandNumber();
  l.set(outs, {0, 1, U, U});
  if (getFinalState())
    l.set(outs + 1, {0, 1, U, U});
  if (getFinalNormalizer())
    l.set(outs + 2, {0, 1, U});
  return l.layout;
}

TilingLayout TimestepNormOp::getTilingLayout() {
  // Domain (B): the groups share one count and a step's weight slices.
  LayoutBuilder l(*this, /*parallel=*/1);
  l.set(getInputMutable(), {0, U, U})
      .set(getWeightMutable(), {U})
      .set(getBiasMutable(), {U})
      .set(getPaddingMaskMutable(), {0, U})
      .set(getPrevCountMutable(), {0})
      .set(getPrevMeanMutable(), {0, U})
      .set(getPrevVarMutable(), {0, U});
  unsigned outs = getOutsMutable()[0].getOperandNumber();
  l.set(outs, {0, U, U});
  if (getOuts().size() == 4)
    l.set(outs + 1, {0}).set(outs + 2, {0, U}).set(outs + 3, {0, U});
  return l.layout;
}
