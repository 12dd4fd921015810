//===- FakeCudaDriver.cpp - a CUDA driver without a GPU, for tests --------===//
//
// Exports the driver entry points seq resolves, backed by host memory: it
// allocates and copies for real, accepts any PTX or cubin image, and records
// each kernel launch (name, grid, block, shared bytes, parameter count)
// instead of running it. Tests load it with CudaEngine::Options::driver to
// check the host side of compiled programs — module loading, allocations,
// copies and the launch sequence — on machines without a GPU.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>

namespace {
struct Function {
  std::string name;
};
struct Module {
  std::string image;
  /// The module owns its functions, as the driver's do.
  std::map<std::string, Function> functions;
};
std::string launchLog;
std::map<uintptr_t, size_t> allocations;
int failNextLoad = 0;
} // namespace

#define FAKE_API extern "C" __attribute__((visibility("default")))

FAKE_API int cuInit(unsigned) { return 0; }
FAKE_API int cuDriverGetVersion(int *v) {
  *v = 13000;
  return 0;
}
FAKE_API int cuGetErrorName(int, const char **name) {
  *name = "CUDA_ERROR_FAKE";
  return 0;
}
FAKE_API int cuGetErrorString(int, const char **text) {
  *text = "error reported by the fake driver";
  return 0;
}
FAKE_API int cuDeviceGetCount(int *count) {
  *count = 1;
  return 0;
}
FAKE_API int cuDeviceGet(int *device, int ordinal) {
  if (ordinal != 0)
    return 101; // CUDA_ERROR_INVALID_DEVICE
  *device = 0;
  return 0;
}
FAKE_API int cuDeviceGetName(char *name, int length, int) {
  std::strncpy(name, "Fake GPU", length);
  return 0;
}
FAKE_API int cuDeviceGetAttribute(int *value, int attribute, int) {
  switch (attribute) {
  case 75: // compute capability major
    *value = 9;
    return 0;
  case 76:
    *value = 0;
    return 0;
  case 16: // multiprocessors
    *value = 132;
    return 0;
  case 97: // max shared memory per block (opt-in)
    *value = 227 * 1024;
    return 0;
  default:
    *value = 0;
    return 0;
  }
}
FAKE_API int cuDeviceTotalMem_v2(size_t *bytes, int) {
  *bytes = size_t(1) << 34;
  return 0;
}
FAKE_API int cuDevicePrimaryCtxRetain(void **context, int) {
  static int token;
  *context = &token;
  return 0;
}
FAKE_API int cuDevicePrimaryCtxRelease_v2(int) { return 0; }
FAKE_API int cuCtxSetCurrent(void *) { return 0; }
FAKE_API int cuCtxSynchronize() { return 0; }
FAKE_API int cuModuleLoadDataEx(void **module, const void *image, unsigned,
                                int *, void **) {
  if (failNextLoad) {
    failNextLoad = 0;
    return 218; // CUDA_ERROR_INVALID_PTX
  }
  *module = new Module{static_cast<const char *>(image), {}};
  return 0;
}
FAKE_API int cuModuleUnload(void *module) {
  delete static_cast<Module *>(module);
  return 0;
}
FAKE_API int cuModuleGetFunction(void **function, void *module,
                                 const char *name) {
  auto *owner = static_cast<Module *>(module);
  if (owner->image.find(name) == std::string::npos)
    return 500; // CUDA_ERROR_NOT_FOUND
  Function &found = owner->functions[name];
  found.name = name;
  *function = &found;
  return 0;
}
FAKE_API int cuFuncGetAttribute(int *value, int, void *) {
  *value = 0;
  return 0;
}
FAKE_API int cuFuncSetAttribute(void *, int, int) { return 0; }
FAKE_API int cuMemAlloc_v2(unsigned long long *pointer, size_t bytes) {
  void *memory = std::malloc(bytes);
  std::memset(memory, 0x5a, bytes);
  *pointer = reinterpret_cast<uintptr_t>(memory);
  allocations[*pointer] = bytes;
  return 0;
}
FAKE_API int cuMemFree_v2(unsigned long long pointer) {
  if (!allocations.erase(pointer))
    return 1; // CUDA_ERROR_INVALID_VALUE: not allocated here
  std::free(reinterpret_cast<void *>(pointer));
  return 0;
}
FAKE_API int cuMemcpyHtoD_v2(unsigned long long to, const void *from,
                             size_t bytes) {
  std::memcpy(reinterpret_cast<void *>(to), from, bytes);
  return 0;
}
FAKE_API int cuMemcpyDtoH_v2(void *to, unsigned long long from, size_t bytes) {
  std::memcpy(to, reinterpret_cast<void *>(from), bytes);
  return 0;
}
FAKE_API int cuMemcpyAsync(unsigned long long to, unsigned long long from,
                           size_t bytes, void *) {
  std::memcpy(reinterpret_cast<void *>(to), reinterpret_cast<void *>(from),
              bytes);
  return 0;
}
FAKE_API int cuMemsetD32Async(unsigned long long to, unsigned value,
                              size_t count, void *) {
  auto *p = reinterpret_cast<uint32_t *>(to);
  for (size_t i = 0; i < count; ++i)
    p[i] = value;
  return 0;
}
FAKE_API int cuMemsetD16Async(unsigned long long to, unsigned short value,
                              size_t count, void *) {
  auto *p = reinterpret_cast<uint16_t *>(to);
  for (size_t i = 0; i < count; ++i)
    p[i] = value;
  return 0;
}
FAKE_API int cuLaunchKernel(void *function, unsigned gx, unsigned gy,
                            unsigned gz, unsigned bx, unsigned by, unsigned bz,
                            unsigned shared, void *, void **params, void **) {
  launchLog += static_cast<Function *>(function)->name + " grid " +
               std::to_string(gx) + "x" + std::to_string(gy) + "x" +
               std::to_string(gz) + " block " + std::to_string(bx) + "x" +
               std::to_string(by) + "x" + std::to_string(bz) + " shared " +
               std::to_string(shared) + (params ? "" : " no-params") + "\n";
  return 0;
}
FAKE_API int cuStreamCreate(void **stream, unsigned) {
  static int token;
  *stream = &token;
  return 0;
}
FAKE_API int cuStreamDestroy_v2(void *) { return 0; }
FAKE_API int cuStreamSynchronize(void *) { return 0; }
FAKE_API int cuStreamWaitEvent(void *, void *, unsigned) { return 0; }
FAKE_API int cuEventCreate(void **event, unsigned) {
  static int token;
  *event = &token;
  return 0;
}
FAKE_API int cuEventDestroy_v2(void *) { return 0; }
FAKE_API int cuEventRecord(void *, void *) { return 0; }
FAKE_API int cuEventSynchronize(void *) { return 0; }
FAKE_API int cuEventElapsedTime(float *ms, void *, void *) {
  *ms = 1.0f;
  return 0;
}

/// Test hooks: the launches so far (one line each), cleared by reading.
FAKE_API const char *fakeCudaTakeLaunchLog() {
  static std::string taken;
  taken = launchLog;
  launchLog.clear();
  return taken.c_str();
}
/// Device buffers not freed yet.
FAKE_API size_t fakeCudaLiveAllocations() { return allocations.size(); }
/// Makes the next module load fail with CUDA_ERROR_INVALID_PTX.
FAKE_API void fakeCudaFailNextLoad() { failNextLoad = 1; }
