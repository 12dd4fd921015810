//===- AttentionMask.h - the mask kinds of the attention ops ----*- C++ -*-===//
//
// The mask kinds of seq.attention / seq.online_attention as code: the test
// allowed(p, k) of one query position p and key position k, and the ranges
// of key positions a block of query positions may see, which the reference
// lowering and FlashAttention's tiling turn into loop bounds.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_DIALECT_ATTENTIONMASK_H
#define SEQ_DIALECT_ATTENTIONMASK_H

#include "seq/Dialect/SeqOps.h"

namespace mlir::seq {

struct AttentionMask {
  MaskKind kind = MaskKind::none;
  /// window = [left, right] (a side of -1 is unbounded), chunk_size and
  /// prefix_length, clamped so that position arithmetic cannot overflow.
  int64_t left = 0, right = 0, chunkSize = 1, prefixLength = 0;

  static AttentionMask of(AttentionOp op);
  static AttentionMask of(OnlineAttentionOp op);

  /// allowed(p, k) as an i1 (index operands).
  Value emitAllowed(OpBuilder &b, Location loc, Value p, Value k) const;

  /// Key positions [lo, hi) that some query position in [p0, p1] may see
  /// (every allowed key of those rows is inside). A null bound is unbounded.
  std::pair<Value, Value> emitUnion(OpBuilder &b, Location loc, Value p0,
                                    Value p1) const;

  /// Key positions [lo, hi) that every query position in [p0, p1] sees
  /// (empty when hi <= lo). A null bound is unbounded.
  std::pair<Value, Value> emitIntersection(OpBuilder &b, Location loc,
                                           Value p0, Value p1) const;
};

} // namespace mlir::seq

#endif // SEQ_DIALECT_ATTENTIONMASK_H
