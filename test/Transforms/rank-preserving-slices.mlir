// RUN: seq-opt %s --split-input-file --seq-rank-preserving-slices | FileCheck %s
// RUN: seq-opt %s --split-input-file --seq-to-cpu | FileCheck %s --check-prefix=LLVM

// Rank-reducing slices keep their rank; a reshape drops (or adds) the unit
// dimensions. Each function crashed expand-strided-metadata before (a step
// on a kept dimension defeats MLIR 22's stride matching of dropped dims).

// CHECK-LABEL: func.func @extract
// CHECK-SAME:    (%[[X:.*]]: tensor<7x16x7xi64>)
// CHECK:         %[[F:.*]] = tensor.extract_slice %[[X]][3, 0, 1] [1, 16, 1] [1, 1, 2] : tensor<7x16x7xi64> to tensor<1x16x1xi64>
// CHECK:         %[[R:.*]] = tensor.collapse_shape %[[F]] {{\[}}[0, 1], [2]] : tensor<1x16x1xi64> into tensor<16x1xi64>
// CHECK:         return %[[R]]
// LLVM-LABEL: llvm.func @extract
func.func @extract(%x: tensor<7x16x7xi64>) -> tensor<16x1xi64> {
  %s = tensor.extract_slice %x[3, 0, 1] [1, 16, 1] [1, 1, 2] : tensor<7x16x7xi64> to tensor<16x1xi64>
  return %s : tensor<16x1xi64>
}

// A unit source stride shared by a dropped and a kept dimension (fuzz seed
// 7, program 246).
// CHECK-LABEL: func.func @shared_stride
// CHECK:         tensor.extract_slice %{{.*}}[1, 0, 1, 0] [1, 1, 8, 1] [3, 1, 2, 1] : tensor<2x5x16x1xf32> to tensor<1x1x8x1xf32>
// CHECK:         tensor.collapse_shape %{{.*}} {{\[}}[0, 1], [2], [3]] : tensor<1x1x8x1xf32> into tensor<1x8x1xf32>
// LLVM-LABEL: llvm.func @shared_stride
func.func @shared_stride(%x: tensor<2x5x16x1xf32>) -> tensor<1x8x1xf32> {
  %s = tensor.extract_slice %x[1, 0, 1, 0] [1, 1, 8, 1] [3, 1, 2, 1] : tensor<2x5x16x1xf32> to tensor<1x8x1xf32>
  return %s : tensor<1x8x1xf32>
}

// Every dimension dropped: a rank-0 result.
// CHECK-LABEL: func.func @scalar
// CHECK:         tensor.extract_slice %{{.*}}[1, 2] [1, 1] [1, 1] : tensor<3x4xf64> to tensor<1x1xf64>
// CHECK:         tensor.collapse_shape %{{.*}} [] : tensor<1x1xf64> into tensor<f64>
// LLVM-LABEL: llvm.func @scalar
func.func @scalar(%x: tensor<3x4xf64>) -> tensor<f64> {
  %s = tensor.extract_slice %x[1, 2] [1, 1] [1, 1] : tensor<3x4xf64> to tensor<f64>
  return %s : tensor<f64>
}

// -----

// Dynamic sizes of the kept dimensions carry over.

// CHECK-LABEL: func.func @dynamic
// CHECK-SAME:    (%[[X:.*]]: tensor<8x8xf32>, %[[N:.*]]: index)
// CHECK:         %[[F:.*]] = tensor.extract_slice %[[X]][0, 0] [1, %[[N]]] [1, 2] : tensor<8x8xf32> to tensor<1x?xf32>
// CHECK:         tensor.collapse_shape %[[F]] {{\[}}[0, 1]] : tensor<1x?xf32> into tensor<?xf32>
func.func @dynamic(%x: tensor<8x8xf32>, %n: index) -> tensor<?xf32> {
  %r = tensor.extract_slice %x[0, 0] [1, %n] [1, 2] : tensor<8x8xf32> to tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// insert_slice: the inserted value is expanded to the slice's rank.

// CHECK-LABEL: func.func @insert
// CHECK-SAME:    (%[[V:.*]]: tensor<4xf16>, %[[D:.*]]: tensor<5x8x3xf16>)
// CHECK:         %[[E:.*]] = tensor.expand_shape %[[V]] {{\[}}[0, 1, 2]] output_shape [1, 4, 1] : tensor<4xf16> into tensor<1x4x1xf16>
// CHECK:         tensor.insert_slice %[[E]] into %[[D]][2, 0, 1] [1, 4, 1] [3, 2, 2] : tensor<1x4x1xf16> into tensor<5x8x3xf16>
// LLVM-LABEL: llvm.func @insert
func.func @insert(%v: tensor<4xf16>, %d: tensor<5x8x3xf16>) -> tensor<5x8x3xf16> {
  %r = tensor.insert_slice %v into %d[2, 0, 1] [1, 4, 1] [3, 2, 2] : tensor<4xf16> into tensor<5x8x3xf16>
  return %r : tensor<5x8x3xf16>
}

// -----

// Rank-preserving slices are left alone.

// CHECK-LABEL: func.func @unchanged
// CHECK-NEXT:    tensor.extract_slice %{{.*}}[0, 0] [2, 1] [3, 1] : tensor<6x4xf32> to tensor<2x1xf32>
// CHECK-NEXT:    return
func.func @unchanged(%x: tensor<6x4xf32>) -> tensor<2x1xf32> {
  %s = tensor.extract_slice %x[0, 0] [2, 1] [3, 1] : tensor<6x4xf32> to tensor<2x1xf32>
  return %s : tensor<2x1xf32>
}
