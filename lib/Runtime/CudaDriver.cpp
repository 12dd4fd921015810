//===- CudaDriver.cpp - the CUDA driver API, opened at run time -----------===//

#include "seq/Runtime/CudaDriver.h"

#include "llvm/ADT/Twine.h"

#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

using namespace seq::runtime::cuda;
using llvm::StringRef;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

namespace {
/// Names and short descriptions of the CUresult codes a user is likely to
/// meet, used when the driver cannot describe an error itself (a stub
/// library, or a failure before cuInit).
struct ErrorInfo {
  CUresult code;
  const char *name;
  const char *description;
};
constexpr ErrorInfo kErrors[] = {
    {0, "CUDA_SUCCESS", "no error"},
    {1, "CUDA_ERROR_INVALID_VALUE", "invalid argument"},
    {2, "CUDA_ERROR_OUT_OF_MEMORY", "out of memory"},
    {3, "CUDA_ERROR_NOT_INITIALIZED", "initialization error"},
    {34, "CUDA_ERROR_STUB_LIBRARY",
     "CUDA driver is a stub library, not a real driver"},
    {35, "CUDA_ERROR_INSUFFICIENT_DRIVER",
     "CUDA driver version is insufficient"},
    {46, "CUDA_ERROR_DEVICE_UNAVAILABLE",
     "CUDA-capable device is busy or "
     "unavailable"},
    {100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"},
    {101, "CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"},
    {200, "CUDA_ERROR_INVALID_IMAGE", "device kernel image is invalid"},
    {201, "CUDA_ERROR_INVALID_CONTEXT", "invalid device context"},
    {209, "CUDA_ERROR_NO_BINARY_FOR_GPU",
     "no kernel image is available for execution on the device"},
    {218, "CUDA_ERROR_INVALID_PTX", "a PTX JIT compilation failed"},
    {221, "CUDA_ERROR_JIT_COMPILER_NOT_FOUND", "PTX JIT compiler not found"},
    {222, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
     "the provided PTX was compiled with an unsupported toolchain"},
    {400, "CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"},
    {500, "CUDA_ERROR_NOT_FOUND", "named symbol not found"},
    {700, "CUDA_ERROR_ILLEGAL_ADDRESS",
     "an illegal memory access was encountered"},
    {701, "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES",
     "too many resources requested for launch"},
    {715, "CUDA_ERROR_ILLEGAL_INSTRUCTION",
     "an illegal instruction was encountered"},
    {716, "CUDA_ERROR_MISALIGNED_ADDRESS", "misaligned address"},
    {719, "CUDA_ERROR_LAUNCH_FAILED", "unspecified launch failure"},
    {803, "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH",
     "system has unsupported display driver / cuda driver combination"},
    {999, "CUDA_ERROR_UNKNOWN", "unknown error"},
};

const ErrorInfo *lookupError(CUresult result) {
  for (const ErrorInfo &info : kErrors)
    if (info.code == result)
      return &info;
  return nullptr;
}
} // namespace

std::string seq::runtime::cuda::errorName(CUresult result) {
  if (const ErrorInfo *info = lookupError(result))
    return info->name;
  return "CUDA error " + std::to_string(result);
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

Driver::~Driver() {
  if (handle)
    dlclose(handle);
}

llvm::Expected<std::unique_ptr<Driver>> Driver::open(StringRef library) {
  std::unique_ptr<Driver> driver(new Driver());
  driver->libraryPath = library.str();
  driver->handle = dlopen(driver->libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!driver->handle) {
    const char *reason = dlerror();
    return makeError("cannot load the CUDA driver '" + library +
                     "': " + (reason ? reason : "unknown dlopen error") +
                     " (is an NVIDIA GPU driver installed?)");
  }
  // The exported names: the driver keeps old ABIs under the plain names and
  // current ones under _v2 (what cuda.h's macros select).
  std::string missing;
  auto resolve = [&](auto &entry, const char *symbol) {
    if (!missing.empty())
      return;
    void *address = dlsym(driver->handle, symbol);
    if (!address) {
      missing = symbol;
      return;
    }
    entry = reinterpret_cast<std::remove_reference_t<decltype(entry)>>(address);
  };
  Driver &d = *driver;
  resolve(d.cuInit, "cuInit");
  resolve(d.cuDriverGetVersion, "cuDriverGetVersion");
  resolve(d.cuGetErrorName, "cuGetErrorName");
  resolve(d.cuGetErrorString, "cuGetErrorString");
  resolve(d.cuDeviceGetCount, "cuDeviceGetCount");
  resolve(d.cuDeviceGet, "cuDeviceGet");
  resolve(d.cuDeviceGetName, "cuDeviceGetName");
  resolve(d.cuDeviceGetAttribute, "cuDeviceGetAttribute");
  resolve(d.cuDeviceTotalMem, "cuDeviceTotalMem_v2");
  resolve(d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  resolve(d.cuDevicePrimaryCtxRelease, "cuDevicePrimaryCtxRelease_v2");
  resolve(d.cuCtxSetCurrent, "cuCtxSetCurrent");
  resolve(d.cuCtxSynchronize, "cuCtxSynchronize");
  resolve(d.cuModuleLoadDataEx, "cuModuleLoadDataEx");
  resolve(d.cuModuleUnload, "cuModuleUnload");
  resolve(d.cuModuleGetFunction, "cuModuleGetFunction");
  resolve(d.cuFuncGetAttribute, "cuFuncGetAttribute");
  resolve(d.cuFuncSetAttribute, "cuFuncSetAttribute");
  resolve(d.cuMemAlloc, "cuMemAlloc_v2");
  resolve(d.cuMemFree, "cuMemFree_v2");
  resolve(d.cuMemcpyHtoD, "cuMemcpyHtoD_v2");
  resolve(d.cuMemcpyDtoH, "cuMemcpyDtoH_v2");
  resolve(d.cuMemcpyAsync, "cuMemcpyAsync");
  resolve(d.cuMemsetD32Async, "cuMemsetD32Async");
  resolve(d.cuMemsetD16Async, "cuMemsetD16Async");
  resolve(d.cuLaunchKernel, "cuLaunchKernel");
  resolve(d.cuStreamCreate, "cuStreamCreate");
  resolve(d.cuStreamDestroy, "cuStreamDestroy_v2");
  resolve(d.cuStreamSynchronize, "cuStreamSynchronize");
  resolve(d.cuStreamWaitEvent, "cuStreamWaitEvent");
  resolve(d.cuEventCreate, "cuEventCreate");
  resolve(d.cuEventDestroy, "cuEventDestroy_v2");
  resolve(d.cuEventRecord, "cuEventRecord");
  resolve(d.cuEventSynchronize, "cuEventSynchronize");
  resolve(d.cuEventElapsedTime, "cuEventElapsedTime");
  if (!missing.empty())
    return makeError("'" + library + "' has no symbol " + missing +
                     "; it is not a usable CUDA driver");
  return std::move(driver);
}

llvm::Error Driver::initialize() { return check(cuInit(0), "cuInit"); }

llvm::Error Driver::check(CUresult result, const llvm::Twine &call) const {
  if (result == CUDA_SUCCESS)
    return llvm::Error::success();
  // Ask the driver first; a stub or uninitialized driver may not answer.
  const char *name = nullptr, *text = nullptr;
  if (cuGetErrorName && cuGetErrorName(result, &name) != CUDA_SUCCESS)
    name = nullptr;
  if (cuGetErrorString && cuGetErrorString(result, &text) != CUDA_SUCCESS)
    text = nullptr;
  const ErrorInfo *known = lookupError(result);
  std::string message = call.str() + " failed: ";
  message += name ? std::string(name) : errorName(result);
  if (text)
    message += std::string(" (") + text + ")";
  else if (known)
    message += std::string(" (") + known->description + ")";
  return makeError(message);
}

llvm::Expected<Driver &> Driver::get() {
  static std::once_flag once;
  static std::unique_ptr<Driver> driver;
  static std::string failure;
  std::call_once(once, [] {
    const char *overridePath = std::getenv("SEQ_CUDA_DRIVER");
    std::string path =
        overridePath && *overridePath ? overridePath : "libcuda.so.1";
    auto opened = Driver::open(path);
    if (!opened) {
      failure = llvm::toString(opened.takeError());
      return;
    }
    if (llvm::Error err = (*opened)->initialize()) {
      failure = "the CUDA driver '" + path +
                "' could not be initialized: " + llvm::toString(std::move(err));
      return;
    }
    driver = std::move(*opened);
  });
  if (!driver)
    return makeError(failure);
  return *driver;
}

//===----------------------------------------------------------------------===//
// DeviceBuffer
//===----------------------------------------------------------------------===//

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    if (driver && address)
      driver->cuMemFree(address);
    driver = other.driver;
    address = other.address;
    bytes = other.bytes;
    other.driver = nullptr;
    other.address = 0;
    other.bytes = 0;
  }
  return *this;
}

DeviceBuffer::~DeviceBuffer() {
  if (driver && address)
    driver->cuMemFree(address);
}

//===----------------------------------------------------------------------===//
// Kernel and Module
//===----------------------------------------------------------------------===//

llvm::Error Kernel::setMaxDynamicSharedBytes(int bytes) const {
  return driver->check(
      driver->cuFuncSetAttribute(
          function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, bytes),
      "cuFuncSetAttribute(MAX_DYNAMIC_SHARED_SIZE_BYTES) of " + kernelName);
}

llvm::Expected<KernelAttributes> Kernel::attributes() const {
  KernelAttributes result;
  std::pair<int *, int> queries[] = {
      {&result.registers, CU_FUNC_ATTRIBUTE_NUM_REGS},
      {&result.staticSharedBytes, CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES},
      {&result.localBytes, CU_FUNC_ATTRIBUTE_LOCAL_SIZE_BYTES},
      {&result.maxThreadsPerBlock, CU_FUNC_ATTRIBUTE_MAX_THREADS_PER_BLOCK}};
  for (auto [value, attribute] : queries)
    if (llvm::Error err = driver->check(
            driver->cuFuncGetAttribute(value, attribute, function),
            "cuFuncGetAttribute of " + kernelName))
      return std::move(err);
  return result;
}

llvm::Error Kernel::launch(Dim3 grid, Dim3 block, unsigned sharedBytes,
                           llvm::ArrayRef<void *> params,
                           CUstream stream) const {
  return driver->check(
      driver->cuLaunchKernel(function, grid[0], grid[1], grid[2], block[0],
                             block[1], block[2], sharedBytes, stream,
                             const_cast<void **>(params.data()), nullptr),
      "cuLaunchKernel of " + kernelName + " (grid " + std::to_string(grid[0]) +
          "x" + std::to_string(grid[1]) + "x" + std::to_string(grid[2]) +
          ", block " + std::to_string(block[0]) + "x" +
          std::to_string(block[1]) + "x" + std::to_string(block[2]) + ", " +
          std::to_string(sharedBytes) + " bytes of dynamic shared memory)");
}

Module::~Module() {
  if (module)
    driver->cuModuleUnload(module);
}

llvm::Expected<Kernel> Module::function(StringRef name) const {
  Kernel kernel;
  kernel.driver = driver;
  kernel.kernelName = name.str();
  if (llvm::Error err =
          driver->check(driver->cuModuleGetFunction(&kernel.function, module,
                                                    kernel.kernelName.c_str()),
                        "cuModuleGetFunction(" + name + ")"))
    return std::move(err);
  return kernel;
}

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<Device>> Device::open(int ordinal) {
  llvm::Expected<Driver &> driver = Driver::get();
  if (!driver)
    return driver.takeError();
  return open(*driver, ordinal);
}

llvm::Expected<std::unique_ptr<Device>> Device::open(Driver &driver,
                                                     int ordinal) {
  int count = 0;
  if (llvm::Error err =
          driver.check(driver.cuDeviceGetCount(&count), "cuDeviceGetCount"))
    return std::move(err);
  if (count == 0)
    return makeError("no CUDA device found (the driver reports 0 devices)");
  if (ordinal < 0 || ordinal >= count)
    return makeError("CUDA device " + llvm::Twine(ordinal) +
                     " does not exist; the driver reports " +
                     llvm::Twine(count) + " device(s)");
  std::unique_ptr<Device> device(new Device());
  device->drv = &driver;
  if (llvm::Error err = driver.check(
          driver.cuDeviceGet(&device->device, ordinal), "cuDeviceGet"))
    return std::move(err);
  char name[256] = {0};
  if (llvm::Error err = driver.check(
          driver.cuDeviceGetName(name, sizeof(name) - 1, device->device),
          "cuDeviceGetName"))
    return std::move(err);
  device->deviceName = name;
  int major = 0, minor = 0;
  std::pair<int *, int> queries[] = {
      {&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR},
      {&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR},
      {&device->smCount, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT},
      {&device->sharedOptin,
       CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN}};
  for (auto [value, attribute] : queries)
    if (llvm::Error err = driver.check(
            driver.cuDeviceGetAttribute(value, attribute, device->device),
            "cuDeviceGetAttribute"))
      return std::move(err);
  device->capability = major * 10 + minor;
  if (llvm::Error err = driver.check(
          driver.cuDevicePrimaryCtxRetain(&device->context, device->device),
          "cuDevicePrimaryCtxRetain"))
    return std::move(err);
  if (llvm::Error err = device->makeCurrent())
    return std::move(err);
  return std::move(device);
}

Device::~Device() {
  if (context)
    drv->cuDevicePrimaryCtxRelease(device);
}

llvm::Error Device::makeCurrent() const {
  return drv->check(drv->cuCtxSetCurrent(context), "cuCtxSetCurrent");
}

llvm::Expected<DeviceBuffer> Device::allocate(size_t bytes) const {
  DeviceBuffer buffer;
  // cuMemAlloc rejects 0 bytes; an empty tensor needs no memory.
  if (bytes == 0)
    return std::move(buffer);
  CUdeviceptr address = 0;
  if (llvm::Error err =
          drv->check(drv->cuMemAlloc(&address, bytes),
                     "cuMemAlloc(" + std::to_string(bytes) + " bytes)"))
    return std::move(err);
  buffer.driver = drv;
  buffer.address = address;
  buffer.bytes = bytes;
  return std::move(buffer);
}

llvm::Error Device::copyToDevice(const DeviceBuffer &to, const void *from,
                                 size_t bytes) const {
  if (bytes > to.size())
    return makeError("cuMemcpyHtoD: " + llvm::Twine(bytes) +
                     " bytes do not fit a device buffer of " +
                     llvm::Twine(to.size()));
  if (bytes == 0)
    return llvm::Error::success();
  return drv->check(drv->cuMemcpyHtoD(to.pointer(), from, bytes),
                    "cuMemcpyHtoD");
}

llvm::Error Device::copyToHost(void *to, const DeviceBuffer &from,
                               size_t bytes) const {
  if (bytes > from.size())
    return makeError("cuMemcpyDtoH: " + llvm::Twine(bytes) +
                     " bytes requested from a device buffer of " +
                     llvm::Twine(from.size()));
  if (bytes == 0)
    return llvm::Error::success();
  return drv->check(drv->cuMemcpyDtoH(to, from.pointer(), bytes),
                    "cuMemcpyDtoH");
}

llvm::Expected<std::unique_ptr<Module>> Device::loadModule(StringRef image,
                                                           int optLevel) const {
  // PTX is text and must end in a NUL; a cubin is an ELF image.
  std::string copy = image.str();
  std::string errorLog(16384, '\0');
  int options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                   CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {errorLog.data(), reinterpret_cast<void *>(errorLog.size()),
                    reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  std::unique_ptr<Module> module(new Module());
  module->driver = drv;
  CUresult result = drv->cuModuleLoadDataEx(&module->module, copy.c_str(), 3,
                                            options, values);
  if (llvm::Error err = drv->check(result, "cuModuleLoadDataEx")) {
    std::string log = errorLog.c_str();
    if (log.empty())
      return std::move(err);
    return makeError(llvm::toString(std::move(err)) + "; JIT log: " + log);
  }
  return std::move(module);
}

llvm::Error Device::synchronize() const {
  return drv->check(drv->cuCtxSynchronize(), "cuCtxSynchronize");
}
