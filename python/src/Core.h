//===- Core.h - shared pieces of the seq._core extension --------*- C++ -*-===//
//
// What the translation units of seq._core share: the MLIR context the
// extension builds, verifies and lowers IR in, the lock that serializes its
// use, the exception that becomes seq._core.CompileError, and the diagnostic
// collector that formats MLIR diagnostics with the user's source lines.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_PYTHON_CORE_H
#define SEQ_PYTHON_CORE_H

#include "seq/Target/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/pybind11.h>

#include <mutex>
#include <optional>
#include <string>

namespace seq::python {

/// Thrown for a program that does not parse, verify, build, lower or
/// JIT-compile; translated to seq._core.CompileError.
struct CompileFailure {
  std::string message;
};

/// The context of the IR builder, verify() and lower(): every upstream
/// dialect and extension plus seq, like the engine's. Created on first use
/// and never destroyed (no teardown order issues at interpreter exit).
mlir::MLIRContext &coreContext();

/// Serializes every use of coreContext(): it runs without threading, and
/// lower() releases the GIL. Recursive, so entry points may nest.
std::recursive_mutex &coreMutex();

/// Collects the diagnostics emitted while it lives as 'file:line:col:
/// error: ...' lines followed by the source line and a caret (source files
/// are read from disk, so Python locations show the user's code).
class DiagnosticCollector {
public:
  explicit DiagnosticCollector(mlir::MLIRContext &context)
      : stream(text), handler(sourceMgr, &context, stream) {}
  llvm::SourceMgr &getSourceMgr() { return sourceMgr; }
  /// The diagnostics so far.
  std::string str() { return text; }

private:
  llvm::SourceMgr sourceMgr;
  std::string text;
  llvm::raw_string_ostream stream;
  mlir::SourceMgrDiagnosticHandler handler;
};

/// Runs seq-to-cpu on `module` up to `stage` and returns the printed IR.
/// Throws CompileFailure with `diagnostics`' text on failure.
std::string lowerModule(mlir::ModuleOp module, mlir::seq::SeqToCpuStage stage,
                        bool reference, const std::string &name,
                        DiagnosticCollector &diagnostics);

/// "tiled" -> false, "reference" -> true; ValueError otherwise.
bool parsePipeline(const std::string &name);
/// A stage name of seq-to-cpu; ValueError otherwise.
mlir::seq::SeqToCpuStage parseStage(const std::string &name);

/// Adds the IR-building API (Module, Block, Value) to `m`.
void bindIRBuilder(pybind11::module_ &m);

} // namespace seq::python

#endif // SEQ_PYTHON_CORE_H
