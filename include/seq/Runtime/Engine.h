//===- Engine.h - JIT engine for seq programs -------------------*- C++ -*-===//
//
// Compile seq IR (text or a built module) once through the seq-to-cpu
// pipeline, get a callable, and call it on caller-owned tensors without
// copies:
//
//   seq::runtime::Engine engine;
//   auto fn = engine.compile(mlirText, "attention");
//   if (!fn) { report(fn.takeError()); ... }
//   llvm::Error err = (*fn)->call({q, k, v}, {out});
//
// Every mismatch (argument count, dtype, shape, layout) comes back as an
// llvm::Error that names the argument; nothing is written on failure.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_ENGINE_H
#define SEQ_RUNTIME_ENGINE_H

#include "seq/Runtime/Tensor.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
class MLIRContext;
class ModuleOp;
class Type;
} // namespace mlir

namespace seq::runtime {

/// The type of one argument or result of a compiled function. A dynamic
/// dimension is -1.
struct TensorSpec {
  DType dtype;
  llvm::SmallVector<int64_t, 4> shape;
  /// "tensor<2x8xf32>"
  std::string str() const;
};

/// The TensorSpec of argument or result #`index` (`role`) of function
/// @`entry`, or an error naming it when it is not a ranked tensor of an
/// exchangeable element type. Shared by the CPU and CUDA engines.
llvm::Expected<TensorSpec> tensorSpecOf(mlir::Type type, llvm::StringRef role,
                                        size_t index, llvm::StringRef entry);

/// Checks that `view` can be passed as #`index` (`role`) of @`entry`: dtype,
/// rank, shape, contiguity and data; the error names the argument.
llvm::Error checkTensorArgument(const TensorView &view, const TensorSpec &spec,
                                llvm::StringRef role, size_t index,
                                llvm::StringRef entry);

/// A function compiled for the host CPU. Owned by its Engine.
class CompiledFunction {
public:
  llvm::StringRef name() const { return entry; }
  llvm::ArrayRef<TensorSpec> inputs() const { return inputSpecs; }
  llvm::ArrayRef<TensorSpec> outputs() const { return outputSpecs; }

  /// Runs the function: reads `inputs`, writes `outputs` (caller-allocated,
  /// one per result, contiguous). Checks every view against the signature
  /// first.
  llvm::Error call(llvm::ArrayRef<TensorView> inputs,
                   llvm::ArrayRef<TensorView> outputs) const;

  /// Writes the compiled module as a native object file (for AOT linking).
  llvm::Error writeObjectFile(llvm::StringRef path) const;

  ~CompiledFunction();

private:
  friend class Engine;
  CompiledFunction() = default;
  llvm::Error checkArgument(const TensorView &view, const TensorSpec &spec,
                            llvm::StringRef role, size_t index) const;

  std::string entry;
  std::vector<TensorSpec> inputSpecs, outputSpecs;
  std::unique_ptr<mlir::ExecutionEngine> engine;
  /// Threads for parallel tiles, resolved when compiled (never 0).
  unsigned numThreads = 0;
};

/// Compiles seq programs; caches compiled functions by module content and
/// entry name.
class Engine {
public:
  struct Options {
    /// LLVM optimization level of the generated code (0-3).
    unsigned optLevel = 2;
    /// Compile with the reference lowering (scalar loops, one thread)
    /// instead of the tiled path: the oracle, and a baseline to measure.
    bool reference = false;
    /// A transform-dialect file whose named sequences replace the built-in
    /// schedules (empty: the target model's own).
    std::string scheduleFile;
    /// The CPU target model whose schedules the tiled path applies: "host",
    /// or a named model the host can run (x86-64-avx2 on an AVX-512 host).
    std::string target = "host";
    /// Tile sizes of the CPU attention schedule fixed by the user (query
    /// rows, keys per tile; 0: from the target model).
    int64_t attentionQueryTile = 0, attentionKeyTile = 0;
    /// Threads the compiled code runs its parallel tiles on; 0 takes
    /// SEQ_NUM_THREADS from the environment (read when compiling), or else
    /// every core the process may run on.
    unsigned numThreads = 0;
  };

  Engine();
  explicit Engine(Options options);
  ~Engine();

  /// Parses `source` (MLIR text; `bufferName` names it in diagnostics) and
  /// compiles function `entry`. Parse, verification and lowering
  /// diagnostics are returned in the error.
  llvm::Expected<const CompiledFunction *>
  compile(llvm::StringRef source, llvm::StringRef entry,
          llvm::StringRef bufferName = "<source>");

  /// Compiles `entry` of an already built module (the module is cloned; it
  /// must live in this engine's context()).
  llvm::Expected<const CompiledFunction *> compile(mlir::ModuleOp module,
                                                   llvm::StringRef entry);

  /// The context modules passed to compile(ModuleOp) must be built in.
  mlir::MLIRContext &context();

  /// Number of distinct compilations so far (cache misses).
  unsigned numCompilations() const { return compilations; }

private:
  llvm::Expected<const CompiledFunction *>
  compileModule(mlir::ModuleOp module, llvm::StringRef entry,
                const std::string &key);

  Options options;
  std::unique_ptr<mlir::MLIRContext> ctx;
  llvm::StringMap<std::unique_ptr<CompiledFunction>> cache;
  unsigned compilations = 0;
};

} // namespace seq::runtime

#endif // SEQ_RUNTIME_ENGINE_H
