// RUN: seq-opt %s --split-input-file --seq-unit-slice-strides | FileCheck %s
// RUN: seq-opt %s --split-input-file --seq-to-cpu | FileCheck %s --check-prefix=LLVM

// A size-1 dimension's stride becomes 1 (the same element is selected), also
// in a rank-reducing slice; the other dimensions keep theirs. Without this,
// the bufferized rank-reducing subview crashed expand-strided-metadata.

// CHECK-LABEL: func.func @rank_reducing
// CHECK:         tensor.extract_slice %{{.*}}[3, 0, 1] [1, 16, 1] [1, 1, 1] : tensor<7x16x7xi64> to tensor<16x1xi64>
// LLVM-LABEL: llvm.func @rank_reducing
func.func @rank_reducing(%x: tensor<7x16x7xi64>) -> tensor<16x1xi64> {
  %s = tensor.extract_slice %x[3, 0, 1] [1, 16, 1] [1, 1, 2] : tensor<7x16x7xi64> to tensor<16x1xi64>
  return %s : tensor<16x1xi64>
}

// CHECK-LABEL: func.func @kept_strides
// CHECK:         tensor.extract_slice %{{.*}}[0, 1, 0, 2] [1, 2, 3, 1] [1, 2, 3, 1] : tensor<4x5x9x3xf32> to tensor<2x3xf32>
// LLVM-LABEL: llvm.func @kept_strides
func.func @kept_strides(%x: tensor<4x5x9x3xf32>) -> tensor<2x3xf32> {
  %s = tensor.extract_slice %x[0, 1, 0, 2] [1, 2, 3, 1] [3, 2, 3, 5] : tensor<4x5x9x3xf32> to tensor<2x3xf32>
  return %s : tensor<2x3xf32>
}

// -----

// Dynamic strides of size-1 dimensions become static; dynamic sizes and
// strides of other dimensions stay.

// CHECK-LABEL: func.func @dynamic
// CHECK-SAME:    (%[[X:.*]]: tensor<8x8xf32>, %[[N:.*]]: index, %[[S:.*]]: index)
// CHECK:         tensor.extract_slice %[[X]][0, 0] [1, %[[N]]] [1, %[[S]]] : tensor<8x8xf32> to tensor<?xf32>
func.func @dynamic(%x: tensor<8x8xf32>, %n: index, %s: index) -> tensor<?xf32> {
  %r = tensor.extract_slice %x[0, 0] [1, %n] [%s, %s] : tensor<8x8xf32> to tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// insert_slice too.

// CHECK-LABEL: func.func @insert
// CHECK:         tensor.insert_slice %{{.*}} into %{{.*}}[2, 0, 1] [1, 4, 1] [1, 2, 1] : tensor<4xf16> into tensor<5x8x3xf16>
// LLVM-LABEL: llvm.func @insert
func.func @insert(%v: tensor<4xf16>, %d: tensor<5x8x3xf16>) -> tensor<5x8x3xf16> {
  %r = tensor.insert_slice %v into %d[2, 0, 1] [1, 4, 1] [3, 2, 2] : tensor<4xf16> into tensor<5x8x3xf16>
  return %r : tensor<5x8x3xf16>
}

// -----

// Unit strides and non-unit sizes are left alone.

// CHECK-LABEL: func.func @unchanged
// CHECK:         tensor.extract_slice %{{.*}}[0, 0] [2, 1] [3, 1] : tensor<6x4xf32> to tensor<2x1xf32>
func.func @unchanged(%x: tensor<6x4xf32>) -> tensor<2x1xf32> {
  %s = tensor.extract_slice %x[0, 0] [2, 1] [3, 1] : tensor<6x4xf32> to tensor<2x1xf32>
  return %s : tensor<2x1xf32>
}
