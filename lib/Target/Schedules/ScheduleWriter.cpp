//===- ScheduleWriter.cpp - writing transform-dialect schedules -----------===//

#include "ScheduleWriter.h"

#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::seq;

static constexpr StringLiteral kAny = "!transform.any_op";

std::string seq::formatList(ArrayRef<int64_t> values) {
  std::string text = "[";
  llvm::interleave(
      values, [&](int64_t v) { text += std::to_string(v); },
      [&] { text += ", "; });
  return text + "]";
}

std::string ScheduleWriter::fresh(StringRef base) {
  return ("%" + base + std::to_string(counter++)).str();
}

void ScheduleWriter::line(const Twine &text) {
  body += "    ";
  body += text.str();
  body += "\n";
}

/// Fresh handles for an op and `numLoops` loops.
ScheduleWriter::Tiled ScheduleWriter::freshTiled(StringRef opBase,
                                                 StringRef loopBase,
                                                 unsigned numLoops) {
  Tiled tiled;
  tiled.op = fresh(opBase);
  for (unsigned i = 0; i < numLoops; ++i)
    tiled.loops.push_back(fresh(loopBase));
  return tiled;
}

/// The line `%op, %loop.. = <op> : (!transform.any_op) -> (...)` of a
/// transform op that defines `tiled`'s handles from one handle.
static std::string definedBy(const ScheduleWriter::Tiled &tiled,
                             const Twine &op) {
  std::string results = tiled.op, types = kAny.str();
  for (const std::string &loop : tiled.loops) {
    results += ", " + loop;
    types += ", " + kAny.str();
  }
  return results + " = " + op.str() + " : (" + kAny.str() + ") -> (" + types +
         ")";
}

ScheduleWriter::Tiled
ScheduleWriter::tileUsingFor(StringRef target, ArrayRef<int64_t> sizes,
                             ArrayRef<int64_t> interchange) {
  Tiled tiled = freshTiled(
      "tiled", "loop", llvm::count_if(sizes, [](int64_t s) { return s != 0; }));
  std::string text = "transform.structured.tile_using_for " + target.str() +
                     " tile_sizes " + formatList(sizes);
  if (!interchange.empty())
    text += " interchange = " + formatList(interchange);
  line(definedBy(tiled, text));
  return tiled;
}

ScheduleWriter::Tiled ScheduleWriter::tileUsingForall(StringRef target,
                                                      ArrayRef<int64_t> sizes) {
  Tiled tiled = freshTiled("tiled", "forall", 1);
  line(definedBy(tiled, "transform.structured.tile_using_forall " + target +
                            " tile_sizes " + formatList(sizes)));
  return tiled;
}

ScheduleWriter::Tiled ScheduleWriter::tileAndFuse(StringRef target,
                                                  ArrayRef<int64_t> sizes,
                                                  ArrayRef<int64_t> interchange,
                                                  bool forall) {
  Tiled tiled = freshTiled(
      "fused", forall ? "forall" : "loop",
      forall ? 1 : llvm::count_if(sizes, [](int64_t s) { return s != 0; }));
  std::string text = "transform.structured.fuse " + target.str() +
                     " tile_sizes " + formatList(sizes);
  if (!interchange.empty())
    text += " interchange " + formatList(interchange);
  if (forall)
    text += " {use_forall}";
  line(definedBy(tiled, text));
  return tiled;
}

std::pair<std::string, std::string> ScheduleWriter::peel(StringRef loop) {
  std::string cast = fresh("for"), main = fresh("main"),
              rest = fresh("remainder");
  line(cast + " = transform.cast " + loop + " : " + kAny +
       " to !transform.op<\"scf.for\">");
  line(main + ", " + rest + " = transform.loop.peel " + cast +
       " : (!transform.op<\"scf.for\">) -> (" + kAny + ", " + kAny + ")");
  return {main, rest};
}

std::string ScheduleWriter::match(StringRef scope, ArrayRef<StringRef> names) {
  std::string handle = fresh("ops");
  std::string list;
  llvm::interleave(
      names, [&](StringRef name) { list += "\"" + name.str() + "\""; },
      [&] { list += ", "; });
  line(handle + " = transform.structured.match ops{[" + list + "]} in " +
       scope + " : (" + kAny + ") -> " + kAny);
  return handle;
}

std::string ScheduleWriter::matchInterface(StringRef scope,
                                           StringRef interfaceName) {
  std::string handle = fresh("ops");
  line(handle + " = transform.structured.match interface{" + interfaceName +
       "} in " + scope + " : (" + kAny + ") -> " + kAny);
  return handle;
}

std::string ScheduleWriter::generalize(StringRef target) {
  std::string handle = fresh("generic");
  line(handle + " = transform.structured.generalize " + target + " : (" + kAny +
       ") -> " + kAny);
  return handle;
}

void ScheduleWriter::applyPatterns(StringRef scope,
                                   ArrayRef<StringRef> patterns,
                                   bool canonicalize) {
  line("transform.apply_patterns to " + scope + " {");
  for (StringRef pattern : patterns)
    line("  transform.apply_patterns." + pattern);
  if (canonicalize)
    line("  transform.apply_patterns.canonicalization");
  line("} : " + kAny);
}

void ScheduleWriter::cse(StringRef scope) {
  line("transform.apply_cse to " + scope + " : " + kAny);
}

void ScheduleWriter::hoistInvariants(StringRef scope) {
  for (int round = 0; round < 2; ++round) {
    std::string loops = match(scope, {"scf.for"});
    line("transform.apply_licm to " + loops + " : " + kAny);
    line("transform.loop.hoist_loop_invariant_subsets " + loops + " : " + kAny);
    applyPatterns(scope, {});
  }
}

void ScheduleWriter::vectorize(StringRef target, ArrayRef<int64_t> sizes) {
  std::string text = "transform.structured.vectorize " + target.str();
  if (!sizes.empty())
    text += " vector_sizes " + formatList(sizes);
  line(text + " : " + kAny);
}

void ScheduleWriter::vectorCleanup(StringRef scope) {
  applyPatterns(scope, {"vector.reduction_to_contract",
                        "vector.transfer_permutation_patterns"});
  cse(scope);
}

void ScheduleWriter::lowerVectors(StringRef scope) {
  // Leading unit dimensions first, and broadcasts are left to the LLVM
  // lowering: on unit dimensions the outer-product, broadcast and
  // canonicalization patterns rewrite each other's results forever.
  applyPatterns(scope, {"vector.cast_away_vector_leading_one_dim"});
  applyPatterns(
      scope,
      {"vector.lower_contraction lowering_strategy = \"outerproduct\"",
       "vector.lower_outerproduct", "vector.transfer_permutation_patterns",
       "vector.lower_transpose lowering_strategy = \"eltwise\"",
       "vector.lower_shape_cast"},
      /*canonicalize=*/false);
  // Canonicalized apart: in one set, canonicalization folds the lowered
  // transposes of unit-dimension vectors (a transpose of vector<64x1xf32>)
  // back into shape casts and the lowerings expand them again, forever.
  applyPatterns(scope, {});
}

std::string ScheduleWriter::str() const {
  return llvm::formatv(
             R"mlir(module attributes {{transform.with_named_sequence} {
  transform.named_sequence @seq_{0}(%func: !transform.any_op {{transform.readonly},
      %op: !transform.any_op {{transform.consumed}) {
{1}    transform.yield
  }
}
)mlir",
             family, body)
      .str();
}

std::string mlir::seq::lowerTransposePattern(int64_t lanes) {
  if (lanes == 16)
    return "vector.lower_transpose lowering_strategy = \"shuffle_16x16\"";
  if (lanes == 8)
    return "vector.lower_transpose lowering_strategy = \"eltwise\" "
           "avx2_lowering_strategy = true";
  return "vector.lower_transpose lowering_strategy = \"eltwise\"";
}

bool mlir::seq::insideParallelLoop(Operation *op) {
  return op->getParentOfType<scf::ForallOp>() ||
         op->getParentOfType<scf::ParallelOp>() ||
         op->getParentOfType<omp::ParallelOp>();
}
