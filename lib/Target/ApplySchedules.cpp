//===- ApplySchedules.cpp - run each op's schedule for the target --------===//
//
// For every op with a schedule, binds (its function, the op) to the named
// sequence of its family — the user's from the `schedule` file if it has
// one, else the built-in one generated from the target model — and runs
// the transform interpreter on it.
//
//===----------------------------------------------------------------------===//

#include "seq/Target/Passes.h"

#include "seq/Target/Schedules.h"
#include "seq/Target/TargetModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Transform/IR/TransformOps.h"
#include "mlir/Dialect/Transform/Transforms/TransformInterpreterUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::seq {
#define GEN_PASS_DEF_SEQAPPLYSCHEDULES
#include "seq/Target/Passes.h.inc"
} // namespace mlir::seq

using namespace mlir;
using namespace mlir::seq;

namespace {
struct SeqApplySchedulesPass
    : public seq::impl::SeqApplySchedulesBase<SeqApplySchedulesPass> {
  using SeqApplySchedulesBase::SeqApplySchedulesBase;

  void runOnOperation() override;
};

/// The schedule modules of one run: the user's and the built-in ones.
struct ScheduleLibrary {
  ScheduleLibrary(MLIRContext *context, bool print,
                  ScheduleOverrides overrides)
      : context(context), print(print), overrides(overrides) {}

  MLIRContext *context;
  bool print;
  ScheduleOverrides overrides;
  /// The parsed built-in schedule modules, by text.
  llvm::StringMap<OwningOpRef<ModuleOp>> builtins;
  OwningOpRef<ModuleOp> user;

  /// The named sequence `@seq_<family>` to run on an op, with the module it
  /// lives in; null when there is none.
  std::pair<transform::NamedSequenceOp, ModuleOp>
  sequenceFor(Operation *op, const TargetModel &model);
};
} // namespace

std::pair<transform::NamedSequenceOp, ModuleOp>
ScheduleLibrary::sequenceFor(Operation *op, const TargetModel &model) {
  std::optional<std::string> family = scheduleFamily(op);
  if (!family)
    return {};
  std::string name = "seq_" + *family;
  if (user)
    if (auto sequence = user->lookupSymbol<transform::NamedSequenceOp>(name))
      return {sequence, *user};
  std::optional<Schedule> schedule = builtinSchedule(op, model, overrides);
  if (!schedule)
    return {};
  if (print)
    llvm::errs() << "// seq-apply-schedules: schedule of '"
                 << op->getName().getStringRef() << "' at " << op->getLoc()
                 << " on " << model.name << "\n"
                 << schedule->text << "\n";
  OwningOpRef<ModuleOp> &module = builtins[schedule->text];
  if (!module) {
    module = parseSourceString<ModuleOp>(schedule->text, context,
                                         "<seq-schedule>");
    if (!module) {
      op->emitError() << "internal error: the built-in '" << name
                      << "' schedule does not parse";
      return {};
    }
  }
  return {module->lookupSymbol<transform::NamedSequenceOp>(name), *module};
}

void SeqApplySchedulesPass::runOnOperation() {
  ModuleOp module = getOperation();
  llvm::Expected<TargetModel> model = lookupTarget(target);
  if (!model) {
    // A bad option, not a bad module: no dump of the module with it.
    emitError(module.getLoc()) << llvm::toString(model.takeError());
    return signalPassFailure();
  }
  if (attentionQueryTile < 0 || attentionKeyTile < 0) {
    emitError(module.getLoc())
        << "attention-query-tile and attention-key-tile must be positive (or "
           "0 for the target model's choice), got "
        << static_cast<int64_t>(attentionQueryTile) << " and "
        << static_cast<int64_t>(attentionKeyTile);
    return signalPassFailure();
  }
  transform::TransformOptions options;
  ScheduleOverrides overrides;
  overrides.attentionQueryTile = attentionQueryTile;
  overrides.attentionKeyTile = attentionKeyTile;
  ScheduleLibrary library(&getContext(), printSchedules, overrides);
  if (!schedule.empty()) {
    if (failed(transform::detail::parseTransformModuleFromFile(
            &getContext(), schedule, library.user)))
      return signalPassFailure();
    // A whole-module script replaces every built-in schedule.
    if (auto main = library.user->lookupSymbol<transform::NamedSequenceOp>(
            transform::TransformDialect::kTransformEntryPointSymbolName)) {
      if (failed(transform::applyTransformNamedSequence(
              module, main, *library.user, options)))
        return signalPassFailure();
      return;
    }
  }

  // Collect first: schedules create ops (the linalg inside attention tiles)
  // that must not be scheduled again on their own.
  SmallVector<std::pair<func::FuncOp, Operation *>> work;
  module.walk([&](func::FuncOp func) {
    func.walk([&](Operation *op) {
      if (scheduleFamily(op))
        work.emplace_back(func, op);
    });
  });
  bool builtinMatmul =
      !library.user ||
      !library.user->lookupSymbol<transform::NamedSequenceOp>("seq_matmul");
  for (auto [func, op] : work) {
    // A fill the built-in matmul schedule fuses into its register tiles is
    // scheduled with its user.
    if (builtinMatmul && model->isCpu() && cpuMatmulFusesFill(op, *model))
      continue;
    auto [sequence, scheduleModule] = library.sequenceFor(op, *model);
    if (!sequence)
      continue;
    RaggedArray<transform::MappedValue> bindings;
    bindings.push_back(ArrayRef<transform::MappedValue>{func.getOperation()});
    bindings.push_back(ArrayRef<transform::MappedValue>{op});
    if (failed(transform::applyTransformNamedSequence(
            bindings, cast<transform::TransformOpInterface>(*sequence),
            scheduleModule, options)))
      return signalPassFailure();
  }
}
