//===- NpyTest.cpp - .npy reading and writing
//------------------------------===//

#include "seq/Runtime/Npy.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "gtest/gtest.h"

#include <cstring>
#include <string>

using namespace seq::runtime;

namespace {
class NpyTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("seq-npy", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string path(llvm::StringRef name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return std::string(p);
  }
  /// Writes a file with a v1.0 header `dict` followed by `dataBytes` zeros.
  std::string writeRaw(llvm::StringRef name, llvm::StringRef dict,
                       size_t dataBytes, bool badMagic = false) {
    std::string header = dict.str();
    header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
    header += '\n';
    std::string file = path(name);
    std::error_code ec;
    llvm::raw_fd_ostream os(file, ec);
    os << (badMagic ? "\x93NUMPZ" : "\x93NUMPY") << '\x01' << '\x00'
       << static_cast<char>(header.size() & 0xff)
       << static_cast<char>(header.size() >> 8) << header
       << std::string(dataBytes, '\0');
    return file;
  }
  std::string errorOf(llvm::StringRef file) {
    auto result = readNpy(file);
    EXPECT_FALSE(static_cast<bool>(result));
    return result ? "" : llvm::toString(result.takeError());
  }

  llvm::SmallString<128> dir;
};
} // namespace

TEST_F(NpyTest, RoundTripsEveryDtype) {
  for (DType dtype :
       {DType::f16, DType::bf16, DType::f32, DType::f64, DType::c64,
        DType::c128, DType::i1, DType::i32, DType::i64}) {
    NpyArray array = NpyArray::zeros(dtype, {2, 3, 5});
    for (size_t i = 0; i < array.bytes.size(); ++i)
      array.bytes[i] = dtype == DType::i1 ? (i % 2) : static_cast<char>(i * 7);
    std::string file = path("rt.npy");
    ASSERT_FALSE(static_cast<bool>(writeNpy(file, array.view())));
    auto back = readNpy(file);
    ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->dtype, dtype) << dtypeName(dtype).str();
    EXPECT_EQ(back->shape, array.shape);
    EXPECT_EQ(back->bytes, array.bytes);
  }
}

TEST_F(NpyTest, ScalarAndVectorShapes) {
  for (llvm::SmallVector<int64_t, 4> shape :
       {llvm::SmallVector<int64_t, 4>{}, {7}, {0, 3}}) {
    NpyArray array = NpyArray::zeros(DType::f32, shape);
    std::string file = path("s.npy");
    ASSERT_FALSE(static_cast<bool>(writeNpy(file, array.view())));
    auto back = readNpy(file);
    ASSERT_TRUE(static_cast<bool>(back)) << llvm::toString(back.takeError());
    EXPECT_EQ(back->shape, shape);
  }
}

TEST_F(NpyTest, ReadsVersionTwoAndBf16Payloads) {
  std::string file = writeRaw(
      "v.npy", "{'descr': '|V2', 'fortran_order': False, 'shape': (4,), }", 8);
  auto array = readNpy(file);
  ASSERT_TRUE(static_cast<bool>(array)) << llvm::toString(array.takeError());
  EXPECT_EQ(array->dtype, DType::bf16);
  EXPECT_TRUE(array->isTwoByteRaw);
}

TEST_F(NpyTest, MissingFile) {
  EXPECT_NE(errorOf(path("nope.npy")).find("cannot read file"),
            std::string::npos);
}

TEST_F(NpyTest, BadMagic) {
  std::string file = writeRaw(
      "m.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", 4,
      /*badMagic=*/true);
  EXPECT_NE(errorOf(file).find("bad magic"), std::string::npos);
}

TEST_F(NpyTest, UnsupportedDtype) {
  std::string file = writeRaw(
      "u.npy", "{'descr': '<u4', 'fortran_order': False, 'shape': (1,), }", 4);
  EXPECT_NE(errorOf(file).find("unsupported dtype '<u4'"), std::string::npos);
  file = writeRaw(
      "be.npy", "{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }", 4);
  EXPECT_NE(errorOf(file).find("unsupported dtype '>f4'"), std::string::npos);
}

TEST_F(NpyTest, FortranOrderIsRefused) {
  std::string file = writeRaw(
      "f.npy", "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
      16);
  EXPECT_NE(errorOf(file).find("Fortran-order"), std::string::npos);
}

TEST_F(NpyTest, DataSizeMismatch) {
  std::string file = writeRaw(
      "t.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
      20);
  EXPECT_NE(errorOf(file).find("needs 24"), std::string::npos);
}

TEST_F(NpyTest, MalformedHeader) {
  std::string file = writeRaw("h.npy", "{'descr': '<f4'}", 4);
  EXPECT_NE(errorOf(file).find("malformed header"), std::string::npos);
  file = writeRaw(
      "s.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }", 4);
  EXPECT_NE(errorOf(file).find("malformed shape"), std::string::npos);
}

TEST_F(NpyTest, WriteRefusesStridedViews) {
  float data[4] = {};
  TensorView view(DType::f32, data, {2, 2}, {1, 2});
  llvm::Error err = writeNpy(path("w.npy"), view);
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("contiguous"),
            std::string::npos);
}

TEST_F(NpyTest, WriteToMissingDirectoryFails) {
  float data[1] = {};
  llvm::Error err =
      writeNpy(path("no/such/dir/x.npy"), TensorView(DType::f32, data, {1}));
  ASSERT_TRUE(static_cast<bool>(err));
  EXPECT_NE(llvm::toString(std::move(err)).find("cannot write"),
            std::string::npos);
}
