//===- CudaEngine.h - run seq programs on an NVIDIA GPU ---------*- C++ -*-===//
//
// The GPU counterpart of Engine: compiles a function through seq-to-nvptx
// for the chip of the opened device, JIT-compiles the host code that
// allocates device buffers and launches the kernels (calling seq's CUDA
// runtime on the dlopen'ed driver), and runs it on host arrays: inputs are
// copied to the device, outputs back.
//
//   auto engine = seq::runtime::CudaEngine::create();   // error without GPU
//   auto fn = (*engine)->compile(mlirText, "attention");
//   llvm::Error err = (*fn)->call({q, k, v}, {out});
//
// Without a driver or a GPU, create() returns an error saying so. For PTX
// without a GPU use mlir::seq::emitNVPTX (seq/Target/NVPTX/Emitter.h).
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_CUDAENGINE_H
#define SEQ_RUNTIME_CUDAENGINE_H

#include "seq/Runtime/Engine.h"
#include "seq/Runtime/Tensor.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ExecutionEngine;
class MLIRContext;
} // namespace mlir

namespace seq::runtime {
namespace cuda {
class Device;
class Driver;
} // namespace cuda

/// A function compiled for the engine's GPU. Owned by its CudaEngine.
class CudaFunction {
public:
  llvm::StringRef name() const { return entry; }
  llvm::ArrayRef<TensorSpec> inputs() const { return inputSpecs; }
  llvm::ArrayRef<TensorSpec> outputs() const { return outputSpecs; }

  /// Copies `inputs` to the device, runs every kernel, synchronizes and
  /// copies the results into `outputs` (contiguous host arrays). Checks
  /// every view against the signature first; a CUDA error names the call.
  llvm::Error call(llvm::ArrayRef<TensorView> inputs,
                   llvm::ArrayRef<TensorView> outputs) const;

  /// As call(), then runs the function `repeats` more times on the same
  /// device buffers and returns the device time per run in milliseconds
  /// (CUDA events around the launches, copies excluded).
  llvm::Expected<double> timedCall(llvm::ArrayRef<TensorView> inputs,
                                   llvm::ArrayRef<TensorView> outputs,
                                   unsigned repeats) const;

  ~CudaFunction();

private:
  friend class CudaEngine;
  CudaFunction() = default;
  llvm::Expected<double> run(llvm::ArrayRef<TensorView> inputs,
                             llvm::ArrayRef<TensorView> outputs,
                             unsigned repeats) const;

  std::string entry;
  std::vector<TensorSpec> inputSpecs, outputSpecs;
  const cuda::Device *device = nullptr;
  std::unique_ptr<mlir::ExecutionEngine> engine;
};

class CudaEngine {
public:
  struct Options {
    /// CUDA device ordinal.
    int device = 0;
    /// Target model; empty: from the device (sm_90a on compute capability
    /// 9.x, else sm_80).
    std::string chip;
    /// Map matmuls and attention to tensor cores (off: SIMT only).
    bool tensorCores = true;
    /// The driver library to open; empty: the process-wide driver
    /// ($SEQ_CUDA_DRIVER or libcuda.so.1).
    std::string driver;
  };

  /// Opens the driver and the device; an error (naming the missing driver
  /// or device) on machines without one.
  static llvm::Expected<std::unique_ptr<CudaEngine>> create();
  static llvm::Expected<std::unique_ptr<CudaEngine>> create(Options options);
  ~CudaEngine();

  /// Parses `source` and compiles `entry` for the device.
  llvm::Expected<const CudaFunction *>
  compile(llvm::StringRef source, llvm::StringRef entry,
          llvm::StringRef bufferName = "<source>");

  /// The chip the engine compiles for.
  llvm::StringRef chip() const { return targetChip; }
  const cuda::Device &device() const { return *dev; }

private:
  CudaEngine() = default;
  Options options;
  std::string targetChip;
  // Destroyed in reverse order: functions, context, device, driver.
  std::unique_ptr<cuda::Driver> ownDriver;
  std::unique_ptr<cuda::Device> dev;
  std::unique_ptr<mlir::MLIRContext> ctx;
  llvm::StringMap<std::unique_ptr<CudaFunction>> cache;
};

} // namespace seq::runtime

#endif // SEQ_RUNTIME_CUDAENGINE_H
