//===- SeqBufferization.cpp - one-shot bufferization of seq ops -----------===//
//
// seq ops are destination-passing style, so they bufferize like linalg ops:
// each result is written into the buffer of its destination, inputs are
// read. An op that only overwrites its destinations (every op but
// seq.online_attention, which updates a running state) does not read them,
// which lets bufferization reuse a destination without copying its contents.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqOps.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"

using namespace mlir;
using namespace mlir::seq;
using namespace mlir::bufferization;

namespace {
template <typename OpTy>
struct SeqBufferizableModel
    : public DstBufferizableOpInterfaceExternalModel<SeqBufferizableModel<OpTy>,
                                                     OpTy> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const AnalysisState &) const {
    if (cast<DestinationStyleOpInterface>(op).isDpsInit(&operand))
      return cast<SeqOpInterface>(op).readsDestinations();
    return true;
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(op);
    SmallVector<Value> operands;
    for (Value operand : op->getOperands()) {
      if (!isa<TensorType>(operand.getType())) {
        operands.push_back(operand);
        continue;
      }
      FailureOr<Value> buffer = getBuffer(rewriter, operand, options, state);
      if (failed(buffer))
        return failure();
      operands.push_back(*buffer);
    }
    auto dps = cast<DestinationStyleOpInterface>(op);
    SmallVector<Value> results;
    for (OpOperand &init : dps.getDpsInitsMutable())
      results.push_back(operands[init.getOperandNumber()]);
    // Move, not clone, the modifier regions: bufferization still holds the
    // ops inside them.
    Operation *onBuffers = cloneWithoutRegions(rewriter, op, TypeRange(),
                                               operands);
    for (auto [from, to] :
         llvm::zip(op->getRegions(), onBuffers->getRegions()))
      to.takeBody(from);
    replaceOpWithBufferizedValues(rewriter, op, results);
    return success();
  }
};

template <typename... OpTys>
void attachAll(MLIRContext *ctx) {
  (OpTys::template attachInterface<SeqBufferizableModel<OpTys>>(*ctx), ...);
}
} // namespace

void seq::detail::attachBufferizableOpInterfaces(MLIRContext *ctx) {
  attachAll<AttentionOp, OnlineAttentionOp, ComposeHeadsOp, ScanOp, EmaOp,
            LongConvOp, FftOp, IfftOp, RfftOp, IrfftOp, LinearAttentionOp,
            FeatureMapOp, TimestepNormOp, RotaryOp>(ctx);
}
