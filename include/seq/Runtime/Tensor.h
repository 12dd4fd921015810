//===- Tensor.h - tensor views passed to compiled seq code ------*- C++ -*-===//
//
// A TensorView describes caller-owned memory (dtype, shape, strides, pointer);
// the engine passes it to compiled code without copying.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_TENSOR_H
#define SEQ_RUNTIME_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace seq::runtime {

/// Element types the runtime exchanges with compiled code.
enum class DType : uint8_t { f16, bf16, f32, f64, c64, c128, i1, i32, i64 };

/// Everything seq knows about an element type, in one table shared by the
/// engine, the .npy reader and writer, the Python extension (which exports
/// it to the DSL as seq._core.DTYPES) and the tests.
struct DTypeInfo {
  DType dtype;
  /// The MLIR spelling: "f32", "bf16", "complex<f32>", "i1", ...
  llvm::StringRef mlirName;
  /// NumPy's dtype name: "float32", "bfloat16" (ml_dtypes), "complex64", ...
  llvm::StringRef numpyName;
  /// NumPy's kind: 'f' float (bf16 included), 'c' complex, 'b' bool, 'i'
  /// signed integer.
  char kind;
  /// Bytes per element.
  size_t size;
  /// The little-endian .npy descriptor seq writes ("<f4"; bf16, which has no
  /// NumPy spelling, as its raw bits "<u2").
  llvm::StringRef npyDescr;
};

/// One entry per DType, in enum order.
llvm::ArrayRef<DTypeInfo> dtypeTable();
const DTypeInfo &dtypeInfo(DType dtype);
/// The DType whose MLIR spelling is `mlirName`, if any.
std::optional<DType> dtypeFromMlirName(llvm::StringRef mlirName);

/// "f32", "bf16", "complex<f32>", ... (the MLIR spelling).
llvm::StringRef dtypeName(DType dtype);
/// Bytes per element.
size_t dtypeSize(DType dtype);

/// A view of a strided array the caller owns. `strides` are in elements; an
/// empty `strides` means contiguous row-major.
struct TensorView {
  DType dtype = DType::f32;
  void *data = nullptr;
  llvm::SmallVector<int64_t, 4> shape;
  llvm::SmallVector<int64_t, 4> strides;

  TensorView() = default;
  TensorView(DType dtype, void *data, llvm::ArrayRef<int64_t> shape,
             llvm::ArrayRef<int64_t> strides = {})
      : dtype(dtype), data(data), shape(shape), strides(strides) {}

  int64_t numElements() const;
  /// The row-major strides of `shape`.
  llvm::SmallVector<int64_t, 4> contiguousStrides() const;
  /// True when `strides` is empty or equals the row-major strides (strides of
  /// size-1 dimensions are ignored).
  bool isContiguous() const;
};

/// "2x8x?x64" (with '?' for a dynamic dimension, -1).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

} // namespace seq::runtime

#endif // SEQ_RUNTIME_TENSOR_H
