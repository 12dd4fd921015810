//===- EngineTest.cpp - the JIT engine API and its error paths ------------===//

#include "seq/Runtime/Engine.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace seq::runtime;

namespace {
/// out = a + b, and a second result that returns `a` itself.
constexpr const char *kAdd = R"mlir(
func.func @add(%a: tensor<2x3xf32>, %b: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %c = linalg.add ins(%a, %b : tensor<2x3xf32>, tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %c, %a : tensor<2x3xf32>, tensor<2x3xf32>
}
)mlir";

/// A seq op end to end: relu feature map.
constexpr const char *kRelu = R"mlir(
func.func @relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %y = seq.feature_map <relu> ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
)mlir";

std::string errorText(llvm::Error err) {
  return err ? llvm::toString(std::move(err)) : std::string();
}

template <typename T> std::string errorText(llvm::Expected<T> &value) {
  return value ? std::string() : llvm::toString(value.takeError());
}
template <typename T> std::string errorText(llvm::Expected<T> &&value) {
  return errorText(value);
}

class EngineTest : public ::testing::Test {
protected:
  const CompiledFunction *compileAdd() {
    auto fn = engine.compile(kAdd, "add");
    EXPECT_TRUE(static_cast<bool>(fn)) << errorText(fn);
    return fn ? *fn : nullptr;
  }

  Engine engine;
  std::vector<float> a{0, 1, 2, 3, 4, 5}, b{1, 1, 1, 1, 1, 1};
  std::vector<float> out0 = std::vector<float>(6), out1 = std::vector<float>(6);
  TensorView av{DType::f32, a.data(), {2, 3}}, bv{DType::f32, b.data(), {2, 3}};
  TensorView o0{DType::f32, out0.data(), {2, 3}},
      o1{DType::f32, out1.data(), {2, 3}};
};
} // namespace

TEST_F(EngineTest, CompilesAndRunsWithoutCopies) {
  const CompiledFunction *fn = compileAdd();
  ASSERT_NE(fn, nullptr);
  EXPECT_EQ(fn->name(), "add");
  ASSERT_EQ(fn->inputs().size(), 2u);
  ASSERT_EQ(fn->outputs().size(), 2u);
  EXPECT_EQ(fn->inputs()[0].str(), "tensor<2x3xf32>");
  ASSERT_EQ(errorText(fn->call({av, bv}, {o0, o1})), "");
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(out0[i], a[i] + 1.0f);
    EXPECT_EQ(out1[i], a[i]);
  }
}

TEST_F(EngineTest, RunsASeqOp) {
  auto fn = engine.compile(kRelu, "relu");
  ASSERT_TRUE(static_cast<bool>(fn)) << errorText(fn);
  std::vector<float> x{-1.5f, 0.0f, 2.0f, -0.0f}, y(4, 7.0f);
  ASSERT_EQ(errorText((*fn)->call({TensorView(DType::f32, x.data(), {4})},
                                  {TensorView(DType::f32, y.data(), {4})})),
            "");
  EXPECT_EQ(y, (std::vector<float>{0.0f, 0.0f, 2.0f, 0.0f}));
}

TEST_F(EngineTest, CachesByModuleContent) {
  ASSERT_NE(compileAdd(), nullptr);
  const CompiledFunction *again = compileAdd();
  EXPECT_EQ(engine.numCompilations(), 1u);
  ASSERT_NE(again, nullptr);
  // A different module (even one space) is a different compilation.
  auto other = engine.compile(std::string(kAdd) + " ", "add");
  ASSERT_TRUE(static_cast<bool>(other)) << errorText(other);
  EXPECT_EQ(engine.numCompilations(), 2u);
}

TEST_F(EngineTest, CompilesABuiltModule) {
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(kAdd, &engine.context());
  ASSERT_TRUE(module);
  auto fn = engine.compile(*module, "add");
  ASSERT_TRUE(static_cast<bool>(fn)) << errorText(fn);
  EXPECT_EQ(errorText((*fn)->call({av, bv}, {o0, o1})), "");
  EXPECT_EQ(out0[5], 6.0f);
}

TEST_F(EngineTest, RejectsModuleFromAnotherContext) {
  mlir::MLIRContext other;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::ModuleOp::create(mlir::UnknownLoc::get(&other));
  auto fn = engine.compile(*module, "add");
  EXPECT_NE(errorText(fn).find("another MLIRContext"), std::string::npos);
}

TEST_F(EngineTest, ParseErrorNamesTheLocation) {
  auto fn = engine.compile("func.func @f(", "f", "broken.mlir");
  std::string text = errorText(fn);
  EXPECT_NE(text.find("broken.mlir is not a valid program"), std::string::npos);
  EXPECT_NE(text.find("broken.mlir:1:"), std::string::npos) << text;
}

TEST_F(EngineTest, VerifierErrorIsReported) {
  const char *bad = R"mlir(
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = seq.rotary ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
)mlir";
  std::string text = errorText(engine.compile(bad, "f", "bad.mlir"));
  EXPECT_NE(text.find("bad.mlir:3:"), std::string::npos) << text;
  EXPECT_NE(text.find("must have rank >= 2"), std::string::npos) << text;
}

TEST_F(EngineTest, UnknownEntryListsFunctions) {
  auto fn = engine.compile(kAdd, "nope");
  EXPECT_NE(errorText(fn).find("no function @nope in the module (functions: "
                               "@add)"),
            std::string::npos);
}

TEST_F(EngineTest, DeclaredEntryHasNoBody) {
  const char *declared =
      "func.func private @f(tensor<2xf32>) -> tensor<2xf32>\n";
  std::string text = errorText(engine.compile(declared, "f"));
  EXPECT_NE(text.find("function @f has no body: the module only declares it"),
            std::string::npos)
      << text;
}

TEST_F(EngineTest, NonTensorArgumentIsRefused) {
  const char *scalar = R"mlir(
func.func @f(%x: f32) -> f32 { return %x : f32 }
)mlir";
  auto fn = engine.compile(scalar, "f");
  EXPECT_NE(errorText(fn).find("argument #0 of @f has type f32"),
            std::string::npos);
}

TEST_F(EngineTest, WrongArgumentCounts) {
  const CompiledFunction *fn = compileAdd();
  ASSERT_NE(fn, nullptr);
  EXPECT_NE(errorText(fn->call({av}, {o0, o1})).find("expects 2 inputs, got 1"),
            std::string::npos);
  EXPECT_NE(errorText(fn->call({av, bv}, {o0}))
                .find("has 2 results, but 1 output buffers"),
            std::string::npos);
}

TEST_F(EngineTest, WrongDtypeRankShape) {
  const CompiledFunction *fn = compileAdd();
  ASSERT_NE(fn, nullptr);
  std::vector<double> d(6);
  TensorView f64{DType::f64, d.data(), {2, 3}};
  EXPECT_NE(errorText(fn->call({av, f64}, {o0, o1}))
                .find("input #1 of @add (tensor<2x3xf32>): expected f32 "
                      "elements, got f64"),
            std::string::npos);
  TensorView rank1{DType::f32, b.data(), {6}};
  EXPECT_NE(errorText(fn->call({rank1, bv}, {o0, o1}))
                .find("input #0 of @add (tensor<2x3xf32>): expected rank 2"),
            std::string::npos);
  TensorView wrong{DType::f32, b.data(), {3, 2}};
  EXPECT_NE(errorText(fn->call({av, bv}, {o0, wrong}))
                .find("output #1 of @add (tensor<2x3xf32>): expected shape "
                      "2x3, got 3x2"),
            std::string::npos);
}

TEST_F(EngineTest, StridedAndNullViewsAreRefused) {
  const CompiledFunction *fn = compileAdd();
  ASSERT_NE(fn, nullptr);
  TensorView strided{DType::f32, a.data(), {2, 3}, {1, 2}};
  EXPECT_NE(errorText(fn->call({strided, bv}, {o0, o1})).find("strided views"),
            std::string::npos);
  TensorView null{DType::f32, nullptr, {2, 3}};
  EXPECT_NE(errorText(fn->call({av, null}, {o0, o1})).find("null data pointer"),
            std::string::npos);
}

TEST_F(EngineTest, AliasingOutputsAreRefused) {
  const CompiledFunction *fn = compileAdd();
  ASSERT_NE(fn, nullptr);
  EXPECT_NE(errorText(fn->call({av, bv}, {av, o1}))
                .find("output #0 of @add overlaps input #0"),
            std::string::npos);
  EXPECT_NE(errorText(fn->call({av, bv}, {o0, o0}))
                .find("output #1 of @add overlaps output #0"),
            std::string::npos);
  // Nothing was written by the refused calls.
  EXPECT_EQ(out0, std::vector<float>(6));
}

TEST_F(EngineTest, NeverWritesInputs) {
  // The generic updates its operand in place; bufferization must copy
  // instead of writing the caller's array (repeated calls stay identical).
  const char *addOne = R"mlir(
#id = affine_map<(i) -> (i)>
func.func @add_one(%x: tensor<4xf32>) -> tensor<4xf32> {
  %one = arith.constant 1.0 : f32
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel"]} outs(%x : tensor<4xf32>) {
  ^bb0(%a: f32):
    %s = arith.addf %a, %one : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
)mlir";
  auto fn = engine.compile(addOne, "add_one");
  ASSERT_TRUE(static_cast<bool>(fn)) << errorText(fn);
  std::vector<float> x(4, 0.0f), y(4);
  for (int run = 0; run < 3; ++run) {
    ASSERT_EQ(errorText((*fn)->call({TensorView(DType::f32, x.data(), {4})},
                                    {TensorView(DType::f32, y.data(), {4})})),
              "");
    EXPECT_EQ(x, std::vector<float>(4, 0.0f));
    EXPECT_EQ(y, std::vector<float>(4, 1.0f));
  }
}

TEST_F(EngineTest, WritesAnObjectFile) {
  const CompiledFunction *fn = compileAdd();
  ASSERT_NE(fn, nullptr);
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("seq-aot", "o", path));
  llvm::sys::fs::remove(path);
  EXPECT_EQ(errorText(fn->writeObjectFile(path)), "");
  uint64_t size = 0;
  EXPECT_FALSE(llvm::sys::fs::file_size(path, size));
  EXPECT_GT(size, 0u);
  llvm::sys::fs::remove(path);
}
