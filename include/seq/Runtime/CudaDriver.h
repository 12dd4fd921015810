//===- CudaDriver.h - the CUDA driver API, opened at run time ---*- C++ -*-===//
//
// seq has no link-time dependency on the NVIDIA driver: libcuda.so.1 is
// opened with dlopen the first time a GPU is asked for, and the entry points
// seq needs are resolved by name. Every call is checked; a failure comes back
// as an llvm::Error that names the call and the CUDA error:
//
//   cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_PTX (a PTX JIT compilation
//   failed); JIT log: ...
//
// On a machine without a driver or a GPU, Driver::get() (and everything built
// on it) returns an error saying so; nothing crashes.
//
//   auto device = cuda::Device::open();          // driver, cuInit, context
//   auto module = (*device)->loadModule(ptx);    // PTX (JIT) or cubin
//   auto kernel = (*module)->function("attention_kernel");
//   auto q = (*device)->allocate(bytes);
//   ... copyToDevice, kernel->launch({gx, gy, gz}, {bx, by, bz}, smem, args),
//   device->synchronize(), copyToHost.
//
// The types below mirror the driver's ABI (cuda.h is not needed to build).
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_CUDADRIVER_H
#define SEQ_RUNTIME_CUDADRIVER_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Error.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace seq::runtime::cuda {

//===----------------------------------------------------------------------===//
// Driver ABI types
//===----------------------------------------------------------------------===//

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;

/// The enumerators seq passes to the driver (values from the driver ABI).
enum : int {
  CUDA_SUCCESS = 0,
  CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75,
  CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
  CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK = 0,
  CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES = 1,
  CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES = 3,
  CU_FUNC_ATTRIBUTE_NUM_REGS = 4,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
  CU_JIT_INFO_LOG_BUFFER = 3,
  CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
  CU_JIT_OPTIMIZATION_LEVEL = 7,
};

/// The driver's symbolic name of a CUresult ("CUDA_ERROR_NO_DEVICE"), from
/// a table of the common codes; "CUDA error N" for others.
std::string errorName(CUresult result);

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

/// The entry points of one opened driver library. Members are null until
/// open() resolves them; open() fails unless all resolve.
class Driver {
public:
  /// Opens `library` with dlopen and resolves every entry point seq uses.
  /// Does not initialize the driver (see initialize()).
  static llvm::Expected<std::unique_ptr<Driver>> open(llvm::StringRef library);

  /// The process-wide driver: $SEQ_CUDA_DRIVER or libcuda.so.1, opened and
  /// initialized (cuInit) on the first call. A failure is remembered and
  /// returned again (as a fresh error) by later calls.
  static llvm::Expected<Driver &> get();

  /// cuInit(0), checked.
  llvm::Error initialize();

  /// success, or an error "CALL failed: NAME (description)".
  llvm::Error check(CUresult result, const llvm::Twine &call) const;

  /// The library this driver was opened from.
  llvm::StringRef path() const { return libraryPath; }

  ~Driver();
  Driver(const Driver &) = delete;
  Driver &operator=(const Driver &) = delete;

  CUresult (*cuInit)(unsigned flags) = nullptr;
  CUresult (*cuDriverGetVersion)(int *version) = nullptr;
  CUresult (*cuGetErrorName)(CUresult error, const char **name) = nullptr;
  CUresult (*cuGetErrorString)(CUresult error, const char **text) = nullptr;
  CUresult (*cuDeviceGetCount)(int *count) = nullptr;
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal) = nullptr;
  CUresult (*cuDeviceGetName)(char *name, int length,
                              CUdevice device) = nullptr;
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute,
                                   CUdevice device) = nullptr;
  CUresult (*cuDeviceTotalMem)(size_t *bytes, CUdevice device) = nullptr;
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *context,
                                       CUdevice device) = nullptr;
  CUresult (*cuDevicePrimaryCtxRelease)(CUdevice device) = nullptr;
  CUresult (*cuCtxSetCurrent)(CUcontext context) = nullptr;
  CUresult (*cuCtxSynchronize)() = nullptr;
  CUresult (*cuModuleLoadDataEx)(CUmodule *module, const void *image,
                                 unsigned numOptions, int *options,
                                 void **values) = nullptr;
  CUresult (*cuModuleUnload)(CUmodule module) = nullptr;
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                  const char *name) = nullptr;
  CUresult (*cuFuncGetAttribute)(int *value, int attribute,
                                 CUfunction function) = nullptr;
  CUresult (*cuFuncSetAttribute)(CUfunction function, int attribute,
                                 int value) = nullptr;
  CUresult (*cuMemAlloc)(CUdeviceptr *pointer, size_t bytes) = nullptr;
  CUresult (*cuMemFree)(CUdeviceptr pointer) = nullptr;
  CUresult (*cuMemcpyHtoD)(CUdeviceptr destination, const void *source,
                           size_t bytes) = nullptr;
  CUresult (*cuMemcpyDtoH)(void *destination, CUdeviceptr source,
                           size_t bytes) = nullptr;
  CUresult (*cuMemcpyAsync)(CUdeviceptr destination, CUdeviceptr source,
                            size_t bytes, CUstream stream) = nullptr;
  CUresult (*cuMemsetD32Async)(CUdeviceptr destination, unsigned value,
                               size_t count, CUstream stream) = nullptr;
  CUresult (*cuMemsetD16Async)(CUdeviceptr destination, unsigned short value,
                               size_t count, CUstream stream) = nullptr;
  CUresult (*cuLaunchKernel)(CUfunction function, unsigned gridX,
                             unsigned gridY, unsigned gridZ, unsigned blockX,
                             unsigned blockY, unsigned blockZ,
                             unsigned sharedBytes, CUstream stream,
                             void **params, void **extra) = nullptr;
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags) = nullptr;
  CUresult (*cuStreamDestroy)(CUstream stream) = nullptr;
  CUresult (*cuStreamSynchronize)(CUstream stream) = nullptr;
  CUresult (*cuStreamWaitEvent)(CUstream stream, CUevent event,
                                unsigned flags) = nullptr;
  CUresult (*cuEventCreate)(CUevent *event, unsigned flags) = nullptr;
  CUresult (*cuEventDestroy)(CUevent event) = nullptr;
  CUresult (*cuEventRecord)(CUevent event, CUstream stream) = nullptr;
  CUresult (*cuEventSynchronize)(CUevent event) = nullptr;
  CUresult (*cuEventElapsedTime)(float *milliseconds, CUevent start,
                                 CUevent end) = nullptr;

private:
  Driver() = default;
  void *handle = nullptr;
  std::string libraryPath;
};

//===----------------------------------------------------------------------===//
// Devices, memory, modules, kernels
//===----------------------------------------------------------------------===//

class Module;

/// A grid or block shape.
using Dim3 = std::array<unsigned, 3>;

/// Device memory, freed on destruction.
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  DeviceBuffer(DeviceBuffer &&other) noexcept { *this = std::move(other); }
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  ~DeviceBuffer();

  CUdeviceptr pointer() const { return address; }
  size_t size() const { return bytes; }

private:
  friend class Device;
  Driver *driver = nullptr;
  CUdeviceptr address = 0;
  size_t bytes = 0;
};

/// What ptxas/the JIT decided for a kernel, read back from the driver.
struct KernelAttributes {
  int registers = 0;
  int staticSharedBytes = 0;
  int localBytes = 0;
  int maxThreadsPerBlock = 0;
};

/// A kernel function of a loaded module.
class Kernel {
public:
  llvm::StringRef name() const { return kernelName; }
  CUfunction handle() const { return function; }

  /// Allows `bytes` of dynamic shared memory (needed above 48 KiB).
  llvm::Error setMaxDynamicSharedBytes(int bytes) const;
  llvm::Expected<KernelAttributes> attributes() const;

  /// Launches on `stream` (null: the default stream). `params` holds one
  /// pointer per kernel parameter, to its value.
  llvm::Error launch(Dim3 grid, Dim3 block, unsigned sharedBytes,
                     llvm::ArrayRef<void *> params,
                     CUstream stream = nullptr) const;

private:
  friend class Module;
  Driver *driver = nullptr;
  CUfunction function = nullptr;
  std::string kernelName;
};

/// A loaded PTX or cubin image; unloaded on destruction.
class Module {
public:
  ~Module();
  llvm::Expected<Kernel> function(llvm::StringRef name) const;
  CUmodule handle() const { return module; }

private:
  friend class Device;
  Module() = default;
  Driver *driver = nullptr;
  CUmodule module = nullptr;
};

/// One GPU with its primary context made current on the calling thread.
class Device {
public:
  /// Opens the driver (Driver::get()) and device `ordinal`; fails with a
  /// clear error without a driver, without a GPU, or for a bad ordinal.
  static llvm::Expected<std::unique_ptr<Device>> open(int ordinal = 0);
  /// As open(ordinal), with an explicitly opened driver.
  static llvm::Expected<std::unique_ptr<Device>> open(Driver &driver,
                                                      int ordinal = 0);
  ~Device();

  Driver &driver() const { return *drv; }
  CUdevice handle() const { return device; }
  /// "NVIDIA H200"
  llvm::StringRef name() const { return deviceName; }
  /// sm_XY as the integer XY ("90" on Hopper).
  int computeCapability() const { return capability; }
  int multiprocessors() const { return smCount; }
  int maxSharedBytesPerBlock() const { return sharedOptin; }

  /// Makes this device's context current on the calling thread.
  llvm::Error makeCurrent() const;

  llvm::Expected<DeviceBuffer> allocate(size_t bytes) const;
  llvm::Error copyToDevice(const DeviceBuffer &to, const void *from,
                           size_t bytes) const;
  llvm::Error copyToHost(void *to, const DeviceBuffer &from,
                         size_t bytes) const;

  /// Loads a PTX (JIT-compiled by the driver) or cubin image. A JIT failure
  /// carries the driver's error log.
  llvm::Expected<std::unique_ptr<Module>> loadModule(llvm::StringRef image,
                                                     int optLevel = 4) const;

  /// Waits for all work on the device (cuCtxSynchronize).
  llvm::Error synchronize() const;

private:
  Device() = default;
  Driver *drv = nullptr;
  CUdevice device = 0;
  CUcontext context = nullptr;
  std::string deviceName;
  int capability = 0, smCount = 0, sharedOptin = 0;
};

} // namespace seq::runtime::cuda

#endif // SEQ_RUNTIME_CUDADRIVER_H
