//===- ScheduleWriter.h - writing transform-dialect schedules ---*- C++ -*-===//
//
// The built-in schedules are transform-dialect text generated from the
// target model. ScheduleWriter keeps that text readable in C++: it names
// handles, spells the upstream ops the schedules share (tiling, peeling,
// vectorization, the vector lowerings that end in FMAs) and wraps the body in
// the `@seq_<family>(%func, %op)` named sequence seq-apply-schedules calls.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_TARGET_SCHEDULES_SCHEDULEWRITER_H
#define SEQ_LIB_TARGET_SCHEDULES_SCHEDULEWRITER_H

#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <string>

namespace mlir::seq {

class ScheduleWriter {
public:
  /// A writer of `@seq_<family>`; the op handle is `%op`, its function's
  /// `%func`.
  explicit ScheduleWriter(StringRef family) : family(family.str()) {}

  /// A new handle name `%<base><n>`.
  std::string fresh(StringRef base);
  /// Appends one line of the sequence body.
  void line(const Twine &text);
  /// Appends a `// ...` comment line.
  void comment(const Twine &text) { line("// " + text); }

  struct Tiled {
    std::string op;
    /// The generated loops, outermost first (one per nonzero tile size).
    SmallVector<std::string> loops;
  };
  /// transform.structured.tile_using_for (`interchange` may be empty).
  Tiled tileUsingFor(StringRef target, ArrayRef<int64_t> sizes,
                     ArrayRef<int64_t> interchange = {});
  /// transform.structured.tile_using_forall with tile sizes; returns the
  /// tiled op and the scf.forall.
  Tiled tileUsingForall(StringRef target, ArrayRef<int64_t> sizes);
  /// transform.structured.fuse: tiles `target` and fuses its producers
  /// (fills of its destination included) into the loops; `forall` makes the
  /// loops one scf.forall.
  Tiled tileAndFuse(StringRef target, ArrayRef<int64_t> sizes,
                    ArrayRef<int64_t> interchange, bool forall = false);
  /// transform.loop.peel: {main loop, remainder loop}.
  std::pair<std::string, std::string> peel(StringRef loop);
  /// Ops named `names` nested in `scope`.
  std::string match(StringRef scope, ArrayRef<StringRef> names);
  /// Ops implementing `interfaceName` (LinalgOp, TilingInterface) in `scope`.
  std::string matchInterface(StringRef scope, StringRef interfaceName);
  /// transform.structured.generalize.
  std::string generalize(StringRef target);

  /// Canonicalization (with the given extra pattern ops) on `scope`'s body.
  void applyPatterns(StringRef scope, ArrayRef<StringRef> patterns,
                     bool canonicalize = true);
  void cse(StringRef scope);
  /// Loop-invariant code motion and subset hoisting (tensors: extract/insert
  /// slices and transfer pairs) on every scf.for in `scope`, twice: the
  /// first round hoists slices, the second the vector transfers of the
  /// loop-carried tile, so accumulators stay in registers.
  void hoistInvariants(StringRef scope);
  /// transform.structured.vectorize (masked when `sizes` is not empty).
  void vectorize(StringRef target, ArrayRef<int64_t> sizes = {});
  /// Vector cleanups after vectorization: contractions from
  /// multi-reductions, transfer permutations.
  void vectorCleanup(StringRef scope);
  /// The lowering of vector contractions to outer products and of those to
  /// FMAs on the target's registers, plus the transposes and shape casts
  /// they leave.
  void lowerVectors(StringRef scope);

  /// The module text.
  std::string str() const;

private:
  Tiled freshTiled(StringRef opBase, StringRef loopBase, unsigned numLoops);

  std::string family;
  std::string body;
  unsigned counter = 0;
};

/// "[a, b, c]".
std::string formatList(ArrayRef<int64_t> values);

/// The `vector.lower_transpose` pattern for 2-D register transposes on
/// vectors of `lanes` f32 lanes: 16x16 (AVX-512) and 8x8 (AVX2) have
/// dedicated shuffle lowerings (other shapes fall back to element moves);
/// other widths go element by element.
std::string lowerTransposePattern(int64_t lanes);

/// Whether `op` runs inside a loop that is already spread over the cores
/// (its schedule then adds no threads of its own).
bool insideParallelLoop(Operation *op);

} // namespace mlir::seq

#endif // SEQ_LIB_TARGET_SCHEDULES_SCHEDULEWRITER_H
