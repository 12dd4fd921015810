//===- SharedMemoryPlan.cpp - one shared-memory arena per block -----------===//
//
// The shared buffers of a block (its tiles, MMA staging buffers) are packed
// into one byte arena by their lifetimes: two buffers whose uses never
// overlap share bytes. A buffer's lifetime is measured in the ops of the
// block that allocates it, so a buffer allocated outside a loop and used in
// it lives for the whole loop, and one allocated in a loop's body lives in
// one iteration. Reuse is safe because every distributed op ends with a
// barrier. Arenas up to 48 KiB are static shared memory; larger ones (up to
// the model's opt-in limit) are dynamic shared memory of the launch.
//
//===----------------------------------------------------------------------===//

#include "BlockMapping.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::seq;

namespace {
struct SharedBuffer {
  memref::AllocOp alloc;
  int64_t bytes;
  /// [first, last] op indices of its lifetime.
  int64_t first, last;
  int64_t offset = -1;
};
} // namespace

static bool isWorkgroup(MemRefType type) {
  auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
  return space && space.getValue() == gpu::AddressSpace::Workgroup;
}

static int64_t elementBytes(Type type) {
  if (auto complex = dyn_cast<ComplexType>(type))
    return 2 * elementBytes(complex.getElementType());
  return type.isIndex() ? 8 : llvm::divideCeil(type.getIntOrFloatBitWidth(), 8);
}

FailureOr<int64_t> mlir::seq::planSharedMemory(RewriterBase &rewriter,
                                               gpu::LaunchOp launch,
                                               const TargetModel &model) {
  // Number the ops of the block; `end[op]` is the last number inside op.
  llvm::DenseMap<Operation *, int64_t> start, end;
  int64_t counter = 0;
  std::function<void(Operation *)> number = [&](Operation *op) {
    start[op] = counter++;
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (Operation &nested : block)
          number(&nested);
    end[op] = counter - 1;
  };
  for (Operation &op : launch.getBody().front())
    number(&op);

  SmallVector<SharedBuffer> buffers;
  WalkResult walk = launch.walk([&](memref::AllocOp alloc) {
    MemRefType type = alloc.getType();
    if (!isWorkgroup(type))
      return WalkResult::advance();
    if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
      alloc.emitError("seq-gpu-map-blocks: shared memory needs a static, "
                      "row-major shape, got ")
          << type;
      return WalkResult::interrupt();
    }
    SharedBuffer buffer{
        alloc, type.getNumElements() * elementBytes(type.getElementType()),
        start[alloc], start[alloc]};
    // Every use, through views, extended to its ancestor in the block that
    // allocates the buffer.
    Block *home = alloc->getBlock();
    SmallVector<Value> values{alloc.getResult()};
    while (!values.empty()) {
      Value value = values.pop_back_val();
      for (Operation *user : value.getUsers()) {
        if (auto view = dyn_cast<ViewLikeOpInterface>(user);
            view && view.getViewSource() == value)
          values.append(user->result_begin(), user->result_end());
        Operation *anchor = home->findAncestorOpInBlock(*user);
        if (!anchor)
          continue;
        buffer.first = std::min(buffer.first, start[anchor]);
        buffer.last = std::max(buffer.last, end[anchor]);
      }
    }
    buffers.push_back(buffer);
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (buffers.empty())
    return 0;

  // First fit by lifetime, 16-byte aligned (ldmatrix rows, vector loads).
  llvm::sort(buffers, [](const SharedBuffer &a, const SharedBuffer &b) {
    return a.first < b.first;
  });
  int64_t total = 0;
  for (size_t i = 0; i < buffers.size(); ++i) {
    SmallVector<std::pair<int64_t, int64_t>> taken;
    for (size_t j = 0; j < i; ++j)
      if (buffers[j].first <= buffers[i].last &&
          buffers[i].first <= buffers[j].last)
        taken.push_back(
            {buffers[j].offset, buffers[j].offset + buffers[j].bytes});
    llvm::sort(taken);
    int64_t offset = 0;
    for (auto [lo, hi] : taken) {
      if (offset + buffers[i].bytes <= lo)
        break;
      offset = std::max<int64_t>(offset, llvm::alignTo(hi, 16));
    }
    buffers[i].offset = offset;
    total = std::max(total, offset + buffers[i].bytes);
  }
  total = static_cast<int64_t>(llvm::alignTo(total, 16));
  if (total > model.sharedBytesPerBlock)
    return launch.emitError("seq-gpu-map-blocks: the block needs ")
           << total << " bytes of shared memory; " << model.name << " allows "
           << model.sharedBytesPerBlock;

  // The arena: static up to 48 KiB, else the launch's dynamic shared memory.
  constexpr int64_t kStaticLimit = 48 * 1024;
  MLIRContext *ctx = rewriter.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Block &body = launch.getBody().front();
  rewriter.setInsertionPointToStart(&body);
  Value arena;
  if (total <= kStaticLimit) {
    arena = launch.addWorkgroupAttribution(
        MemRefType::get({total}, rewriter.getI8Type(),
                        MemRefLayoutAttrInterface(), workgroup),
        launch.getLoc());
  } else {
    arena = gpu::DynamicSharedMemoryOp::create(
        rewriter, launch.getLoc(),
        MemRefType::get({ShapedType::kDynamic}, rewriter.getI8Type(),
                        MemRefLayoutAttrInterface(), workgroup));
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(launch);
    Value bytes = arith::ConstantIntOp::create(rewriter, launch.getLoc(), total,
                                               /*width=*/32);
    launch.getDynamicSharedMemorySizeMutable().assign(bytes);
  }
  rewriter.setInsertionPointToStart(&body);
  if (Operation *def = arena.getDefiningOp())
    rewriter.setInsertionPointAfter(def);
  for (SharedBuffer &buffer : buffers) {
    Value offset = arith::ConstantIndexOp::create(rewriter, launch.getLoc(),
                                                  buffer.offset);
    auto view = memref::ViewOp::create(rewriter, buffer.alloc.getLoc(),
                                       buffer.alloc.getType(), arena, offset,
                                       ValueRange());
    rewriter.replaceAllUsesWith(buffer.alloc.getResult(), view.getResult());
    rewriter.eraseOp(buffer.alloc);
  }
  return total;
}
