//===- Tensor.cpp - tensor views ------------------------------------------===//

#include "seq/Runtime/Tensor.h"

#include "llvm/Support/raw_ostream.h"

using namespace seq::runtime;

llvm::StringRef seq::runtime::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::f16:
    return "f16";
  case DType::bf16:
    return "bf16";
  case DType::f32:
    return "f32";
  case DType::f64:
    return "f64";
  case DType::c64:
    return "complex<f32>";
  case DType::c128:
    return "complex<f64>";
  case DType::i1:
    return "i1";
  case DType::i32:
    return "i32";
  case DType::i64:
    return "i64";
  }
  return "unknown";
}

size_t seq::runtime::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::i1:
    return 1;
  case DType::f16:
  case DType::bf16:
    return 2;
  case DType::f32:
  case DType::i32:
    return 4;
  case DType::f64:
  case DType::c64:
  case DType::i64:
    return 8;
  case DType::c128:
    return 16;
  }
  return 0;
}

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
