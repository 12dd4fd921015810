//===- CudaRuntime.cpp - MLIR's GPU runtime ABI on seq's driver -----------===//
//
// The signatures are those gpu-to-llvm and the gpu.binary embedding emit
// calls to; the bodies are seq's own, on cuda::Driver. Every call checks the
// scope first: without one, or after an error, it does nothing.
//
//===----------------------------------------------------------------------===//

#include "seq/Runtime/CudaRuntime.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ExecutionEngine/Orc/CoreContainers.h"

#include <cstdint>
#include <cstring>

using namespace seq::runtime::cuda;

static thread_local RuntimeScope *currentScope = nullptr;

RuntimeScope::RuntimeScope(const Device &device)
    : dev(device), outer(currentScope) {
  currentScope = this;
}

RuntimeScope::~RuntimeScope() { currentScope = outer; }

RuntimeScope *RuntimeScope::current() { return currentScope; }

void RuntimeScope::record(llvm::Error err) {
  if (!err)
    return;
  std::string message = llvm::toString(std::move(err));
  if (firstError.empty())
    firstError = message;
}

llvm::Error RuntimeScope::takeError() {
  if (firstError.empty())
    return llvm::Error::success();
  std::string message;
  std::swap(message, firstError);
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// The scope if the call may proceed, else null. A call outside any scope
/// has nowhere to report, so it must not touch the driver.
RuntimeScope *active() {
  RuntimeScope *scope = RuntimeScope::current();
  return scope && !scope->failed() ? scope : nullptr;
}

Driver &driverOf(RuntimeScope *scope) { return scope->device().driver(); }

/// Records a failed driver call; true when it succeeded.
bool checked(RuntimeScope *scope, CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return true;
  scope->record(driverOf(scope).check(result, call));
  return false;
}

/// Loads a cubin/fatbin image or, for PTX, a NUL-terminated text. Returns
/// a heap-allocated Module (freed by mgpuModuleUnload) or null.
void *loadModule(llvm::StringRef image, int optLevel) {
  RuntimeScope *scope = active();
  if (!scope)
    return nullptr;
  auto module = scope->device().loadModule(image, optLevel);
  if (!module) {
    scope->record(module.takeError());
    return nullptr;
  }
  return module->release();
}
} // namespace

//===----------------------------------------------------------------------===//
// The ABI
//===----------------------------------------------------------------------===//

extern "C" {

static void *seqMgpuModuleLoad(void *data, size_t bytes) {
  return loadModule(llvm::StringRef(static_cast<const char *>(data), bytes),
                    /*optLevel=*/4);
}

static void *seqMgpuModuleLoadJIT(void *data, int optLevel) {
  // PTX text, NUL-terminated.
  const char *text = static_cast<const char *>(data);
  return loadModule(llvm::StringRef(text, std::strlen(text)),
                    std::clamp(optLevel, 0, 4));
}

static void seqMgpuModuleUnload(void *module) {
  // A failing unload (no context current any more) is harmless here.
  delete static_cast<Module *>(module);
}

static void *seqMgpuModuleGetFunction(void *module, const char *name) {
  RuntimeScope *scope = active();
  if (!scope)
    return nullptr;
  if (!module) {
    scope->record(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "kernel %s requested from a module that failed to load", name));
    return nullptr;
  }
  auto kernel = static_cast<Module *>(module)->function(name);
  if (!kernel) {
    scope->record(kernel.takeError());
    return nullptr;
  }
  return kernel->handle();
}

static void seqMgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                                intptr_t gridZ, intptr_t blockX,
                                intptr_t blockY, intptr_t blockZ,
                                int32_t sharedBytes, void *stream,
                                void **params, void **extra,
                                size_t /*paramsCount*/) {
  RuntimeScope *scope = active();
  if (!scope || !function)
    return;
  Driver &driver = driverOf(scope);
  auto fn = static_cast<CUfunction>(function);
  // Above 48 KiB a kernel must opt in to its dynamic shared memory.
  if (sharedBytes > 48 * 1024 &&
      !checked(
          scope,
          driver.cuFuncSetAttribute(
              fn, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, sharedBytes),
          "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES)"))
    return;
  checked(scope,
          driver.cuLaunchKernel(fn, gridX, gridY, gridZ, blockX, blockY, blockZ,
                                sharedBytes, static_cast<CUstream>(stream),
                                params, extra),
          "cuLaunchKernel");
}

static void *seqMgpuStreamCreate() {
  RuntimeScope *scope = active();
  if (!scope)
    return nullptr;
  CUstream stream = nullptr;
  checked(scope, driverOf(scope).cuStreamCreate(&stream, /*flags=*/0),
          "cuStreamCreate");
  return stream;
}

static void seqMgpuStreamDestroy(void *stream) {
  RuntimeScope *scope = RuntimeScope::current();
  if (scope && stream)
    driverOf(scope).cuStreamDestroy(static_cast<CUstream>(stream));
}

static void seqMgpuStreamSynchronize(void *stream) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuStreamSynchronize(static_cast<CUstream>(stream)),
            "cuStreamSynchronize");
}

static void seqMgpuStreamWaitEvent(void *stream, void *event) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuStreamWaitEvent(static_cast<CUstream>(stream),
                                              static_cast<CUevent>(event), 0),
            "cuStreamWaitEvent");
}

static void *seqMgpuEventCreate() {
  RuntimeScope *scope = active();
  if (!scope)
    return nullptr;
  CUevent event = nullptr;
  // CU_EVENT_DISABLE_TIMING (2): the events only order streams.
  checked(scope, driverOf(scope).cuEventCreate(&event, 2), "cuEventCreate");
  return event;
}

static void seqMgpuEventDestroy(void *event) {
  RuntimeScope *scope = RuntimeScope::current();
  if (scope && event)
    driverOf(scope).cuEventDestroy(static_cast<CUevent>(event));
}

static void seqMgpuEventSynchronize(void *event) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuEventSynchronize(static_cast<CUevent>(event)),
            "cuEventSynchronize");
}

static void seqMgpuEventRecord(void *event, void *stream) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuEventRecord(static_cast<CUevent>(event),
                                          static_cast<CUstream>(stream)),
            "cuEventRecord");
}

static void *seqMgpuMemAlloc(uint64_t bytes, void * /*stream*/,
                             bool isHostShared) {
  RuntimeScope *scope = active();
  if (!scope)
    return nullptr;
  if (isHostShared) {
    scope->record(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "gpu.alloc host_shared is not supported by seq's CUDA runtime"));
    return nullptr;
  }
  if (bytes == 0)
    return nullptr;
  CUdeviceptr pointer = 0;
  if (!checked(scope, driverOf(scope).cuMemAlloc(&pointer, bytes),
               "cuMemAlloc"))
    return nullptr;
  return reinterpret_cast<void *>(pointer);
}

static void seqMgpuMemFree(void *pointer, void * /*stream*/) {
  RuntimeScope *scope = RuntimeScope::current();
  if (scope && pointer)
    driverOf(scope).cuMemFree(reinterpret_cast<CUdeviceptr>(pointer));
}

static void seqMgpuMemcpy(void *destination, void *source, size_t bytes,
                          void *stream) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuMemcpyAsync(
                reinterpret_cast<CUdeviceptr>(destination),
                reinterpret_cast<CUdeviceptr>(source), bytes,
                static_cast<CUstream>(stream)),
            "cuMemcpyAsync");
}

static void seqMgpuMemset32(void *destination, unsigned value, size_t count,
                            void *stream) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuMemsetD32Async(
                reinterpret_cast<CUdeviceptr>(destination), value, count,
                static_cast<CUstream>(stream)),
            "cuMemsetD32Async");
}

static void seqMgpuMemset16(void *destination, unsigned short value,
                            size_t count, void *stream) {
  if (RuntimeScope *scope = active())
    checked(scope,
            driverOf(scope).cuMemsetD16Async(
                reinterpret_cast<CUdeviceptr>(destination), value, count,
                static_cast<CUstream>(stream)),
            "cuMemsetD16Async");
}

static void seqMgpuSetDefaultDevice(int32_t ordinal) {
  RuntimeScope *scope = active();
  if (scope && ordinal != 0)
    scope->record(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "the program selects CUDA device %d; seq runs on the device its "
        "engine opened",
        ordinal));
}

} // extern "C"

llvm::orc::SymbolMap
seq::runtime::cuda::runtimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](llvm::StringRef name, auto *function) {
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                               llvm::JITSymbolFlags::Exported};
  };
  add("mgpuModuleLoad", &seqMgpuModuleLoad);
  add("mgpuModuleLoadJIT", &seqMgpuModuleLoadJIT);
  add("mgpuModuleUnload", &seqMgpuModuleUnload);
  add("mgpuModuleGetFunction", &seqMgpuModuleGetFunction);
  add("mgpuLaunchKernel", &seqMgpuLaunchKernel);
  add("mgpuStreamCreate", &seqMgpuStreamCreate);
  add("mgpuStreamDestroy", &seqMgpuStreamDestroy);
  add("mgpuStreamSynchronize", &seqMgpuStreamSynchronize);
  add("mgpuStreamWaitEvent", &seqMgpuStreamWaitEvent);
  add("mgpuEventCreate", &seqMgpuEventCreate);
  add("mgpuEventDestroy", &seqMgpuEventDestroy);
  add("mgpuEventSynchronize", &seqMgpuEventSynchronize);
  add("mgpuEventRecord", &seqMgpuEventRecord);
  add("mgpuMemAlloc", &seqMgpuMemAlloc);
  add("mgpuMemFree", &seqMgpuMemFree);
  add("mgpuMemcpy", &seqMgpuMemcpy);
  add("mgpuMemset32", &seqMgpuMemset32);
  add("mgpuMemset16", &seqMgpuMemset16);
  add("mgpuSetDefaultDevice", &seqMgpuSetDefaultDevice);
  return symbols;
}
