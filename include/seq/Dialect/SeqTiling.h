//===- SeqTiling.h - tiling layouts and reference emitters ------*- C++ -*-===//
//
// The pieces every seq op provides through SeqOpInterface and that the
// generic TilingInterface, bufferization and reference-lowering code is
// written against.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_DIALECT_SEQTILING_H
#define SEQ_DIALECT_SEQTILING_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "llvm/ADT/SmallVector.h"

#include <memory>

namespace mlir::seq {

/// An operand dimension that tiling never cuts.
constexpr int64_t kUntiled = -1;
/// The key/value head dimension of grouped-query attention: a tile of query
/// heads [h0, h0 + n) reads key/value heads [h0 / g, ceil((h0 + n) / g)).
constexpr int64_t kGroupedHeads = -2;

/// How an op's iteration domain maps onto its operands.
struct TilingLayout {
  /// Iterator types of the domain, outermost first.
  SmallVector<utils::IteratorType> iterators;
  /// Per operand, in operand order: per dimension, the domain dimension it
  /// follows, kUntiled or kGroupedHeads. Empty for operands that are not
  /// shaped.
  SmallVector<SmallVector<int64_t>> operandDims;
};

/// The reference computation of one op over buffers, one iteration point at
/// a time (see SeqOpInterface::prepareReference).
class ReferenceImplementation {
public:
  virtual ~ReferenceImplementation();
  /// Emits the computation of the iteration point `ivs`.
  virtual void emitPoint(OpBuilder &b, Location loc, ValueRange ivs) = 0;
};

class SeqOpInterface;

/// Decompositions mark the linalg ops of a tile with this discardable
/// string attribute, so schedules can treat each kind of op by its role
/// (`transform.structured.match attributes{seq.tile_role = "scores"}`).
inline constexpr llvm::StringLiteral kTileRoleAttrName = "seq.tile_role";
/// The roles: the score matmul Q Kᵀ, the value matmul P V, 2-D elementwise
/// and row-reduction ops over a tile's rows, 1-D ops over its rows.
inline constexpr llvm::StringLiteral kRoleScores = "scores";
inline constexpr llvm::StringLiteral kRoleValues = "values";
inline constexpr llvm::StringLiteral kRoleRows = "rows";
inline constexpr llvm::StringLiteral kRoleRowVector = "row_vector";
/// FlashAttention tiling: K transposed once per call (B, Hkv, E, Lk); the
/// (any, all) test of a mask_mod over a (heads, rows, keys) tile; the
/// normalized output tile (1, G, M, Ev) and its logsumexp (1, G, M).
inline constexpr llvm::StringLiteral kRoleKeyTranspose = "key_transpose";
inline constexpr llvm::StringLiteral kRoleCoverage = "coverage";
inline constexpr llvm::StringLiteral kRoleOutput = "output";
inline constexpr llvm::StringLiteral kRoleLogsumexp = "logsumexp";

/// Emits the reference computation of `op` (buffer semantics) at `b`'s
/// insertion point: the shared work, then one scf.for nest over the whole
/// iteration domain. The op is left in place.
void emitReferenceLoops(SeqOpInterface op, OpBuilder &b);

namespace detail {
/// Attaches BufferizableOpInterface to every seq op (called by the dialect).
void attachBufferizableOpInterfaces(MLIRContext *ctx);

LogicalResult verifySeqOp(Operation *op);
void getDpsEffects(
    Operation *op,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects);
LogicalResult reifyDpsResultShapes(Operation *op, OpBuilder &b,
                                   ReifiedRankedShapedTypeDims &shapes);
SmallVector<Range> getIterationDomain(Operation *op, OpBuilder &b);
FailureOr<TilingResult> getTiledImplementation(Operation *op, OpBuilder &b,
                                               ArrayRef<OpFoldResult> offsets,
                                               ArrayRef<OpFoldResult> sizes);
/// Attention-like ops also offset positions and modifier indices.
FailureOr<TilingResult> tileAttentionLike(Operation *op, OpBuilder &b,
                                          ArrayRef<OpFoldResult> offsets,
                                          ArrayRef<OpFoldResult> sizes);
LogicalResult getResultTilePosition(Operation *op, OpBuilder &b,
                                    unsigned resultNumber,
                                    ArrayRef<OpFoldResult> offsets,
                                    ArrayRef<OpFoldResult> sizes,
                                    SmallVector<OpFoldResult> &resultOffsets,
                                    SmallVector<OpFoldResult> &resultSizes);
FailureOr<TilingResult> generateResultTileValue(Operation *op, OpBuilder &b,
                                                unsigned resultNumber,
                                                ArrayRef<OpFoldResult> offsets,
                                                ArrayRef<OpFoldResult> sizes);
LogicalResult generateScalarImplementation(Operation *op, OpBuilder &b,
                                           Location loc, ValueRange ivs);
} // namespace detail
} // namespace mlir::seq

#endif // SEQ_DIALECT_SEQTILING_H
