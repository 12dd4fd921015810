//===- CudaDriverTest.cpp - the CUDA driver loader without a GPU ----------===//
//
// The development and CI machines have no NVIDIA driver and no GPU, so these
// tests check the failure paths: a missing library, a library that is not a
// driver, the CUDA toolkit's stub driver (every call fails with
// CUDA_ERROR_STUB_LIBRARY), and the process-wide driver. Each must give an
// error that names the problem, and nothing may crash.
//
//===----------------------------------------------------------------------===//

#include "seq/Runtime/CudaDriver.h"

#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

#include <dlfcn.h>

using namespace seq::runtime::cuda;

namespace {

std::string errorText(llvm::Error err) {
  return llvm::toString(std::move(err));
}

TEST(CudaDriver, ErrorNames) {
  EXPECT_EQ(errorName(100), "CUDA_ERROR_NO_DEVICE");
  EXPECT_EQ(errorName(218), "CUDA_ERROR_INVALID_PTX");
  EXPECT_EQ(errorName(123456), "CUDA error 123456");
}

TEST(CudaDriver, MissingLibrary) {
  auto driver = Driver::open("/nonexistent/libcuda.so.1");
  ASSERT_FALSE(driver);
  std::string message = errorText(driver.takeError());
  EXPECT_NE(
      message.find("cannot load the CUDA driver '/nonexistent/libcuda.so.1'"),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("NVIDIA GPU driver"), std::string::npos) << message;
}

TEST(CudaDriver, NotADriver) {
  auto driver = Driver::open("libm.so.6");
  ASSERT_FALSE(driver);
  std::string message = errorText(driver.takeError());
  EXPECT_NE(message.find("has no symbol cuInit"), std::string::npos) << message;
}

#ifdef SEQ_CUDA_STUB_DRIVER
/// The toolkit's stub libcuda exports every entry point, and every call
/// returns CUDA_ERROR_STUB_LIBRARY: the checked-call path end to end.
TEST(CudaDriver, StubLibraryFailsEveryCall) {
  if (!llvm::sys::fs::exists(SEQ_CUDA_STUB_DRIVER))
    GTEST_SKIP() << "no stub driver at " SEQ_CUDA_STUB_DRIVER;
  auto driver = Driver::open(SEQ_CUDA_STUB_DRIVER);
  ASSERT_TRUE(static_cast<bool>(driver)) << errorText(driver.takeError());
  std::string init = errorText((*driver)->initialize());
  EXPECT_EQ(init.rfind("cuInit failed: CUDA_ERROR_STUB_LIBRARY", 0), 0u)
      << init;

  auto device = Device::open(**driver);
  ASSERT_FALSE(device);
  std::string message = errorText(device.takeError());
  EXPECT_EQ(
      message.rfind("cuDeviceGetCount failed: CUDA_ERROR_STUB_LIBRARY", 0), 0u)
      << message;
}
#endif

/// Without an installed driver the process-wide driver and device report it,
/// every time they are asked.
TEST(CudaDriver, NoDriverOnThisMachine) {
  if (void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(handle);
    GTEST_SKIP() << "a CUDA driver is installed here";
  }
  if (const char *path = std::getenv("SEQ_CUDA_DRIVER"); path && *path)
    GTEST_SKIP() << "SEQ_CUDA_DRIVER is set";
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto driver = Driver::get();
    ASSERT_FALSE(driver);
    std::string message = errorText(driver.takeError());
    EXPECT_NE(message.find("cannot load the CUDA driver 'libcuda.so.1'"),
              std::string::npos)
        << message;
  }
  auto device = Device::open();
  ASSERT_FALSE(device);
  EXPECT_NE(errorText(device.takeError()).find("libcuda.so.1"),
            std::string::npos);
}

} // namespace
