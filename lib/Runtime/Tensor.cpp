//===- Tensor.cpp - tensor views ------------------------------------------===//

#include "seq/Runtime/Tensor.h"

#include "llvm/Support/raw_ostream.h"

#include <cassert>

using namespace seq::runtime;

static const DTypeInfo kDTypes[] = {
    {DType::f16, "f16", "float16", 'f', 2, "<f2"},
    {DType::bf16, "bf16", "bfloat16", 'f', 2, "<u2"},
    {DType::f32, "f32", "float32", 'f', 4, "<f4"},
    {DType::f64, "f64", "float64", 'f', 8, "<f8"},
    {DType::c64, "complex<f32>", "complex64", 'c', 8, "<c8"},
    {DType::c128, "complex<f64>", "complex128", 'c', 16, "<c16"},
    {DType::i1, "i1", "bool", 'b', 1, "|b1"},
    {DType::i32, "i32", "int32", 'i', 4, "<i4"},
    {DType::i64, "i64", "int64", 'i', 8, "<i8"},
};

llvm::ArrayRef<DTypeInfo> seq::runtime::dtypeTable() { return kDTypes; }

const DTypeInfo &seq::runtime::dtypeInfo(DType dtype) {
  const DTypeInfo &info = kDTypes[static_cast<size_t>(dtype)];
  assert(info.dtype == dtype && "dtype table out of enum order");
  return info;
}

std::optional<DType> seq::runtime::dtypeFromMlirName(llvm::StringRef name) {
  for (const DTypeInfo &info : kDTypes)
    if (info.mlirName == name)
      return info.dtype;
  return std::nullopt;
}

llvm::StringRef seq::runtime::dtypeName(DType dtype) {
  return dtypeInfo(dtype).mlirName;
}

size_t seq::runtime::dtypeSize(DType dtype) { return dtypeInfo(dtype).size; }

int64_t TensorView::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

llvm::SmallVector<int64_t, 4> TensorView::contiguousStrides() const {
  llvm::SmallVector<int64_t, 4> result(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    result[i] = result[i + 1] * shape[i + 1];
  return result;
}

bool TensorView::isContiguous() const {
  if (strides.empty())
    return true;
  if (strides.size() != shape.size())
    return false;
  auto expected = contiguousStrides();
  for (size_t i = 0; i < shape.size(); ++i)
    if (shape[i] != 1 && strides[i] != expected[i])
      return false;
  return true;
}

std::string seq::runtime::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text;
  llvm::raw_string_ostream os(text);
  if (shape.empty())
    return "scalar";
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (d < 0)
          os << "?";
        else
          os << d;
      },
      "x");
  return text;
}
