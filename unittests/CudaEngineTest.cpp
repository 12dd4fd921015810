//===- CudaEngineTest.cpp - the GPU engine without a GPU ------------------===//
//
// Without a GPU the engine must fail cleanly. With the fake driver
// (FakeCudaDriver.cpp: host memory, launches recorded instead of run) the
// whole host side runs for real: seq-to-nvptx, the JIT-compiled host code,
// seq's mgpu* runtime, module loading, device allocations and copies, and
// the launch sequence, which must match what the emitter describes.
//
//===----------------------------------------------------------------------===//

#include "seq/Runtime/CudaEngine.h"
#include "seq/Runtime/CudaDriver.h"

#include "gtest/gtest.h"

#include <cstring>
#include <dlfcn.h>
#include <vector>

using namespace seq::runtime;

namespace {

std::string errorText(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// x (64x128 f16) @ w (128x256 f16) in f32, then tanh, stored as f16: three
/// SIMT kernels (fill, contraction, elementwise) and one temporary.
const char *kProgram = R"mlir(
func.func @mlp(%x: tensor<64x128xf16>, %w: tensor<128x256xf16>) -> tensor<64x256xf16> {
  %e = tensor.empty() : tensor<64x256xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x256xf32>) -> tensor<64x256xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x128xf16>, tensor<128x256xf16>)
                     outs(%f : tensor<64x256xf32>) -> tensor<64x256xf32>
  %e2 = tensor.empty() : tensor<64x256xf16>
  %g = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<64x256xf32>) outs(%e2 : tensor<64x256xf16>) {
  ^bb0(%a: f32, %o: f16):
    %t = math.tanh %a : f32
    %h = arith.truncf %t : f32 to f16
    linalg.yield %h : f16
  } -> tensor<64x256xf16>
  return %g : tensor<64x256xf16>
}
)mlir";

TEST(CudaEngine, NoDriverOnThisMachine) {
  if (void *handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(handle);
    GTEST_SKIP() << "a CUDA driver is installed here";
  }
  if (const char *path = std::getenv("SEQ_CUDA_DRIVER"); path && *path)
    GTEST_SKIP() << "SEQ_CUDA_DRIVER is set";
  auto engine = CudaEngine::create();
  ASSERT_FALSE(engine);
  std::string message = errorText(engine.takeError());
  EXPECT_EQ(message.rfind("no CUDA device available: cannot load the CUDA "
                          "driver 'libcuda.so.1'",
                          0),
            0u)
      << message;
}

#ifdef SEQ_CUDA_STUB_DRIVER
TEST(CudaEngine, StubDriver) {
  CudaEngine::Options options;
  options.driver = SEQ_CUDA_STUB_DRIVER;
  auto engine = CudaEngine::create(options);
  ASSERT_FALSE(engine);
  std::string message = errorText(engine.takeError());
  EXPECT_NE(message.find("cuInit failed: CUDA_ERROR_STUB_LIBRARY"),
            std::string::npos)
      << message;
}
#endif

#ifdef SEQ_FAKE_CUDA_DRIVER
class FakeGpu : public ::testing::Test {
protected:
  void SetUp() override {
    handle = dlopen(SEQ_FAKE_CUDA_DRIVER, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle, nullptr) << dlerror();
    takeLog = reinterpret_cast<const char *(*)()>(
        dlsym(handle, "fakeCudaTakeLaunchLog"));
    liveAllocations = reinterpret_cast<size_t (*)()>(
        dlsym(handle, "fakeCudaLiveAllocations"));
    failNextLoad =
        reinterpret_cast<void (*)()>(dlsym(handle, "fakeCudaFailNextLoad"));
    ASSERT_TRUE(takeLog && liveAllocations && failNextLoad);
    CudaEngine::Options options;
    options.driver = SEQ_FAKE_CUDA_DRIVER;
    auto created = CudaEngine::create(options);
    ASSERT_TRUE(static_cast<bool>(created)) << errorText(created.takeError());
    engine = std::move(*created);
    takeLog();
  }
  void TearDown() override {
    engine.reset();
    if (handle)
      dlclose(handle);
  }

  void *handle = nullptr;
  const char *(*takeLog)() = nullptr;
  size_t (*liveAllocations)() = nullptr;
  void (*failNextLoad)() = nullptr;
  std::unique_ptr<CudaEngine> engine;
};

TEST_F(FakeGpu, ChipFromComputeCapability) {
  EXPECT_EQ(engine->chip(), "sm_90a");
  EXPECT_EQ(engine->device().name(), "Fake GPU");
}

TEST_F(FakeGpu, RunsTheHostCode) {
  auto fn = engine->compile(kProgram, "mlp");
  ASSERT_TRUE(static_cast<bool>(fn)) << errorText(fn.takeError());
  std::vector<uint16_t> x(64 * 128, 0x3c00), w(128 * 256, 0x3c00),
      out(64 * 256, 0);
  TensorView xv(DType::f16, x.data(), {64, 128});
  TensorView wv(DType::f16, w.data(), {128, 256});
  TensorView ov(DType::f16, out.data(), {64, 256});
  ASSERT_FALSE(static_cast<bool>((*fn)->call({xv, wv}, {ov})));

  // The matmul (with its zero fill) on tensor cores in 32 x 32 tiles of C,
  // so that the 16 blocks come closer to filling the chip, then tanh and
  // the f16 rounding, one thread per element.
  std::string log = takeLog();
  EXPECT_EQ(log, "mlp_matmul_0 grid 8x2x1 block 128x1x1 shared 0\n"
                 "mlp_generic_0 grid 64x1x1 block 256x1x1 shared 0\n");
  // The output was copied back from device memory (the fake fills fresh
  // allocations with 0x5a bytes and runs no kernel).
  EXPECT_EQ(out.front(), 0x5a5a);
  EXPECT_EQ(out.back(), 0x5a5a);
  // Arguments and the temporary are freed.
  EXPECT_EQ(liveAllocations(), 0u);
}

TEST_F(FakeGpu, SimtOnly) {
  CudaEngine::Options options;
  options.driver = SEQ_FAKE_CUDA_DRIVER;
  options.tensorCores = false;
  auto simt = CudaEngine::create(options);
  ASSERT_TRUE(static_cast<bool>(simt)) << errorText(simt.takeError());
  auto fn = (*simt)->compile(kProgram, "mlp");
  ASSERT_TRUE(static_cast<bool>(fn)) << errorText(fn.takeError());
  std::vector<uint16_t> x(64 * 128), w(128 * 256), out(64 * 256);
  TensorView xv(DType::f16, x.data(), {64, 128});
  TensorView wv(DType::f16, w.data(), {128, 256});
  TensorView ov(DType::f16, out.data(), {64, 256});
  ASSERT_FALSE(static_cast<bool>((*fn)->call({xv, wv}, {ov})));
  EXPECT_EQ(std::string(takeLog()),
            "mlp_fill_0 grid 64x1x1 block 256x1x1 shared 0\n"
            "mlp_matmul_1 grid 64x1x1 block 256x1x1 shared 0\n"
            "mlp_generic_2 grid 64x1x1 block 256x1x1 shared 0\n");
  EXPECT_EQ(liveAllocations(), 0u);
}

TEST_F(FakeGpu, WrongArgumentsAreReported) {
  auto fn = engine->compile(kProgram, "mlp");
  ASSERT_TRUE(static_cast<bool>(fn)) << errorText(fn.takeError());
  std::vector<uint16_t> x(64 * 128), w(128 * 256), out(64 * 256);
  TensorView xv(DType::f16, x.data(), {64, 128});
  TensorView wrong(DType::f32, w.data(), {128, 256});
  TensorView ov(DType::f16, out.data(), {64, 256});
  std::string message = errorText((*fn)->call({xv, wrong}, {ov}));
  EXPECT_EQ(message, "input #1 of @mlp (tensor<128x256xf16>): expected f16 "
                     "elements, got f32");
  EXPECT_EQ(std::string(takeLog()), "");
}

TEST_F(FakeGpu, ModuleLoadFailureIsReported) {
  failNextLoad();
  auto fn = engine->compile(kProgram, "mlp");
  ASSERT_FALSE(fn);
  std::string message = errorText(fn.takeError());
  EXPECT_NE(message.find("loading the kernels of @mlp on Fake GPU: "
                         "cuModuleLoadDataEx failed: CUDA_ERROR_FAKE"),
            std::string::npos)
      << message;
}

TEST_F(FakeGpu, BadProgramIsReported) {
  auto fn = engine->compile("func.func @f(", "f", "bad.mlir");
  ASSERT_FALSE(fn);
  EXPECT_NE(errorText(fn.takeError()).find("bad.mlir is not a valid program"),
            std::string::npos);
}
#endif

} // namespace
