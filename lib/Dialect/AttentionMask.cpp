//===- AttentionMask.cpp - the mask kinds of the attention ops ------------===//

#include "seq/Dialect/AttentionMask.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::seq;

/// Attributes beyond this act like it on any real length, and position
/// arithmetic on it cannot overflow.
static constexpr int64_t kMaxOffset = int64_t(1) << 60;

template <typename OpTy> static AttentionMask maskOf(OpTy op) {
  auto clamp = [](int64_t value) { return std::min(value, kMaxOffset); };
  AttentionMask mask;
  mask.kind = op.getMask();
  // A window side of -1 stays -1: unbounded.
  auto side = [&](int64_t value) { return value < 0 ? value : clamp(value); };
  if (std::optional<ArrayRef<int64_t>> window = op.getWindow()) {
    mask.left = side((*window)[0]);
    mask.right = side((*window)[1]);
  }
  if (std::optional<uint64_t> chunk = op.getChunkSize())
    mask.chunkSize = clamp(static_cast<int64_t>(*chunk));
  if (std::optional<uint64_t> prefix = op.getPrefixLength())
    mask.prefixLength = clamp(static_cast<int64_t>(*prefix));
  return mask;
}

AttentionMask AttentionMask::of(AttentionOp op) { return maskOf(op); }
AttentionMask AttentionMask::of(OnlineAttentionOp op) { return maskOf(op); }

namespace {
/// Index arithmetic at one insertion point.
struct IndexMath {
  OpBuilder &b;
  Location loc;
  Value c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value floorDiv(Value x, Value y) {
    return arith::FloorDivSIOp::create(b, loc, x, y);
  }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  /// The first position of the chunk holding p.
  Value chunkStart(Value p, int64_t size) {
    return mul(floorDiv(p, c(size)), c(size));
  }
};
} // namespace

Value AttentionMask::emitAllowed(OpBuilder &b, Location loc, Value p,
                                 Value k) const {
  IndexMath m{b, loc};
  using P = arith::CmpIPredicate;
  auto both = [&](Value x, Value y) {
    return arith::AndIOp::create(b, loc, x, y).getResult();
  };
  switch (kind) {
  case MaskKind::none:
    return arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
  case MaskKind::causal:
    return m.cmp(P::sle, k, p);
  case MaskKind::sliding_window: {
    Value allowed = arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1);
    if (left >= 0)
      allowed = both(allowed, m.cmp(P::sge, k, m.sub(p, m.c(left))));
    if (right >= 0)
      allowed = both(allowed, m.cmp(P::sle, k, m.add(p, m.c(right))));
    return allowed;
  }
  case MaskKind::chunk_causal:
    return both(m.cmp(P::sle, k, p),
                m.cmp(P::eq, m.chunkStart(k, chunkSize),
                      m.chunkStart(p, chunkSize)));
  case MaskKind::chunk:
    return m.cmp(P::eq, m.chunkStart(k, chunkSize), m.chunkStart(p, chunkSize));
  case MaskKind::prefix:
    return arith::OrIOp::create(b, loc, m.cmp(P::slt, k, m.c(prefixLength)),
                                m.cmp(P::sle, k, p));
  }
  llvm_unreachable("unknown mask kind");
}

std::pair<Value, Value> AttentionMask::emitUnion(OpBuilder &b, Location loc,
                                                 Value p0, Value p1) const {
  IndexMath m{b, loc};
  Value after = m.add(p1, m.c(1));
  switch (kind) {
  case MaskKind::none:
    return {Value(), Value()};
  case MaskKind::causal:
    return {Value(), after};
  case MaskKind::sliding_window:
    return {left >= 0 ? m.sub(p0, m.c(left)) : Value(),
            right >= 0 ? m.add(after, m.c(right)) : Value()};
  case MaskKind::chunk_causal:
    return {m.chunkStart(p0, chunkSize), after};
  case MaskKind::chunk:
    return {m.chunkStart(p0, chunkSize),
            m.add(m.chunkStart(p1, chunkSize), m.c(chunkSize))};
  case MaskKind::prefix:
    return {Value(), m.max(after, m.c(prefixLength))};
  }
  llvm_unreachable("unknown mask kind");
}

std::pair<Value, Value> AttentionMask::emitIntersection(OpBuilder &b,
                                                        Location loc, Value p0,
                                                        Value p1) const {
  IndexMath m{b, loc};
  Value after0 = m.add(p0, m.c(1));
  switch (kind) {
  case MaskKind::none:
    return {Value(), Value()};
  case MaskKind::causal:
    return {Value(), after0};
  case MaskKind::sliding_window:
    return {left >= 0 ? m.sub(p1, m.c(left)) : Value(),
            right >= 0 ? m.add(after0, m.c(right)) : Value()};
  case MaskKind::chunk_causal:
    // Rows in one chunk see [start, p0]; rows spanning two chunks share
    // nothing, and then start > p0.
    return {m.chunkStart(p1, chunkSize), after0};
  case MaskKind::chunk:
    // Rows in one chunk all see it whole; rows spanning two chunks share
    // nothing (start(p1) >= start(p0) + c).
    return {m.chunkStart(p1, chunkSize),
            m.add(m.chunkStart(p0, chunkSize), m.c(chunkSize))};
  case MaskKind::prefix:
    return {Value(), m.max(after0, m.c(prefixLength))};
  }
  llvm_unreachable("unknown mask kind");
}
