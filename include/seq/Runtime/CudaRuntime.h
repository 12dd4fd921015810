//===- CudaRuntime.h - MLIR's GPU runtime ABI on seq's driver ---*- C++ -*-===//
//
// Host code produced by MLIR's gpu-to-llvm lowering calls a small C ABI
// (mgpuModuleLoad, mgpuLaunchKernel, mgpuMemAlloc, ...). seq implements that
// ABI on its dlopen'ed driver (CudaDriver.h) and hands the symbols to the JIT,
// so compiled seq programs launch their kernels without a link-time
// dependency on libcuda or on MLIR's CUDA runtime library.
//
// The ABI functions cannot return errors. They run inside a RuntimeScope,
// which supplies the device and keeps the first error; after it, every call
// does nothing (and returns null), so a failing program stops cleanly, and
// the scope's owner reports the error:
//
//   cuda::RuntimeScope scope(device);
//   engine->invokePacked(...);
//   if (llvm::Error err = scope.takeError()) ...
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_CUDARUNTIME_H
#define SEQ_RUNTIME_CUDARUNTIME_H

#include "seq/Runtime/CudaDriver.h"

#include "llvm/ExecutionEngine/Orc/Core.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"

namespace seq::runtime::cuda {

/// Makes `device` the device of the runtime ABI on this thread for the
/// scope's lifetime (scopes nest) and collects the first error.
class RuntimeScope {
public:
  explicit RuntimeScope(const Device &device);
  ~RuntimeScope();
  RuntimeScope(const RuntimeScope &) = delete;
  RuntimeScope &operator=(const RuntimeScope &) = delete;

  /// The first error of an ABI call in this scope, or success.
  llvm::Error takeError();

  /// Records `err` unless an error is already recorded (for the ABI).
  void record(llvm::Error err);
  bool failed() const { return !firstError.empty(); }
  const Device &device() const { return dev; }
  /// The innermost scope of this thread, or null.
  static RuntimeScope *current();

private:
  const Device &dev;
  std::string firstError;
  RuntimeScope *outer;
};

/// The mgpu* entry points, for mlir::ExecutionEngine::registerSymbols.
llvm::orc::SymbolMap runtimeSymbols(llvm::orc::MangleAndInterner interner);

} // namespace seq::runtime::cuda

#endif // SEQ_RUNTIME_CUDARUNTIME_H
