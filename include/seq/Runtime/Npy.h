//===- Npy.h - NumPy .npy files ---------------------------------*- C++ -*-===//
//
// Reading and writing NumPy's .npy format (version 1.0-3.0, little-endian,
// C order) for the dtypes of seq::runtime::DType. bf16 has no NumPy spelling:
// it is read from a 2-byte unsigned or void payload ('<u2', '|V2', which is
// how ml_dtypes.bfloat16 arrays are saved) and written as '<u2'.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_RUNTIME_NPY_H
#define SEQ_RUNTIME_NPY_H

#include "seq/Runtime/Tensor.h"

#include "llvm/Support/Error.h"

#include <cstddef>
#include <new>
#include <vector>

namespace seq::runtime {

/// Storage aligned to 64 bytes (a cache line, one AVX-512 vector), as the
/// runtime's own buffers are: compiled code's aligned paths (streaming
/// stores) apply to the arrays it is handed.
template <typename T>
struct CacheLineAllocator {
  using value_type = T;
  static constexpr std::align_val_t alignment{64};
  CacheLineAllocator() = default;
  template <typename U>
  CacheLineAllocator(const CacheLineAllocator<U> &) {}
  T *allocate(size_t n) {
    return static_cast<T *>(::operator new(n * sizeof(T), alignment));
  }
  void deallocate(T *p, size_t) { ::operator delete(p, alignment); }
  template <typename U>
  bool operator==(const CacheLineAllocator<U> &) const {
    return true;
  }
};

/// An owned, contiguous array read from or destined for a .npy file.
struct NpyArray {
  DType dtype = DType::f32;
  llvm::SmallVector<int64_t, 4> shape;
  std::vector<char, CacheLineAllocator<char>> bytes;
  /// True when the file held a 2-byte payload that may be bf16 (or f16 if the
  /// descriptor was '<f2').
  bool isTwoByteRaw = false;

  TensorView view() { return TensorView(dtype, bytes.data(), shape); }
  /// Allocates a zeroed array.
  static NpyArray zeros(DType dtype, llvm::ArrayRef<int64_t> shape);
};

/// Reads a .npy file. Errors name the file and the problem.
llvm::Expected<NpyArray> readNpy(llvm::StringRef path);

/// Writes a contiguous view as a .npy file.
llvm::Error writeNpy(llvm::StringRef path, const TensorView &view);

} // namespace seq::runtime

#endif // SEQ_RUNTIME_NPY_H
