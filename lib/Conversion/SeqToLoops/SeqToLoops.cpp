//===- SeqToLoops.cpp - the reference lowering pass -----------------------===//
//
// Replaces every seq op by its reference computation (SeqOpInterface::
// prepareReference): scalar scf loops over its whole iteration domain. An op
// on memrefs is expanded in place. An op on tensors first reads its inputs
// through bufferization.to_buffer and writes fresh buffers (initialized from
// its destinations when it reads them), which are handed back with
// bufferization.to_tensor, so the result is still tensor IR that one-shot
// bufferization finishes.
//
//===----------------------------------------------------------------------===//

#include "seq/Conversion/Passes.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::seq {
#define GEN_PASS_DEF_CONVERTSEQTOLOOPS
#include "seq/Conversion/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

/// A fresh identity-layout buffer with the shape of the ranked tensor `like`.
static Value allocLike(OpBuilder &b, Location loc, Value like) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<Value> dynamicSizes;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      dynamicSizes.push_back(tensor::DimOp::create(b, loc, like, i));
  return memref::AllocOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()),
      dynamicSizes);
}

static Value readOnlyBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(
      b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
}

/// The op on buffers: `op` itself, or for tensor semantics a buffer-semantics
/// clone whose results replace `op` through to_tensor.
static SeqOpInterface toBufferSemantics(RewriterBase &rewriter,
                                        SeqOpInterface op) {
  Operation *operation = op.getOperation();
  if (llvm::none_of(operation->getOperandTypes(),
                    [](Type t) { return isa<RankedTensorType>(t); }))
    return op;
  Location loc = op.getLoc();
  auto dps = cast<DestinationStyleOpInterface>(operation);
  SmallVector<Value> operands, outputs;
  for (OpOperand &operand : operation->getOpOperands()) {
    Value value = operand.get();
    if (!isa<RankedTensorType>(value.getType())) {
      operands.push_back(value);
      continue;
    }
    if (!dps.isDpsInit(&operand)) {
      operands.push_back(readOnlyBuffer(rewriter, loc, value));
      continue;
    }
    Value buffer = allocLike(rewriter, loc, value);
    if (op.readsDestinations())
      memref::CopyOp::create(rewriter, loc,
                             readOnlyBuffer(rewriter, loc, value), buffer);
    operands.push_back(buffer);
    outputs.push_back(buffer);
  }
  Operation *onBuffers =
      cloneWithoutRegions(rewriter, operation, TypeRange(), operands);
  for (auto [from, to] :
       llvm::zip(operation->getRegions(), onBuffers->getRegions()))
    to.takeBody(from);
  SmallVector<Value> results;
  for (auto [result, buffer] : llvm::zip(operation->getResults(), outputs))
    results.push_back(bufferization::ToTensorOp::create(
        rewriter, loc, result.getType(), buffer, /*restrict=*/true,
        /*writable=*/true));
  rewriter.replaceOp(operation, results);
  return cast<SeqOpInterface>(onBuffers);
}

namespace {
struct ConvertSeqToLoopsPass
    : public seq::impl::ConvertSeqToLoopsBase<ConvertSeqToLoopsPass> {
  void runOnOperation() override {
    // Outermost first, so a seq op nested in another's region (none today)
    // is expanded with its parent's copy.
    SmallVector<SeqOpInterface> ops;
    getOperation()->walk<WalkOrder::PreOrder>(
        [&](SeqOpInterface op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (SeqOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      SeqOpInterface onBuffers = toBufferSemantics(rewriter, op);
      rewriter.setInsertionPoint(onBuffers);
      emitReferenceLoops(onBuffers, rewriter);
      rewriter.eraseOp(onBuffers);
    }
  }
};
} // namespace
