// RUN: seq-opt %s --split-input-file --seq-private-empty-tensors | FileCheck %s

// An empty tensor above a parallel loop, filled inside it as per-iteration
// scratch (what CSE leaves of the chunked EMA's step tensors): each forall
// body gets its own, so bufferization cannot hand one buffer to every
// thread. The use outside the loop keeps the original.

// CHECK-LABEL: func.func @scratch
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2xf32>
// CHECK:         linalg.fill ins(%{{.*}}) outs(%[[E]] : tensor<2xf32>)
// CHECK:         scf.forall (
// CHECK-NEXT:      %[[P:.*]] = tensor.empty() : tensor<2xf32>
// CHECK:           linalg.fill ins(%{{.*}}) outs(%[[P]] : tensor<2xf32>)
// CHECK:         scf.forall (
// CHECK-NEXT:      %[[Q:.*]] = tensor.empty() : tensor<2xf32>
// CHECK:           scf.for {{.*}} iter_args(%{{.*}} = %[[Q]])
func.func @scratch(%x: tensor<4x2xf32>, %c: f32) -> (tensor<2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %e = tensor.empty() : tensor<2xf32>
  %outside = linalg.fill ins(%c : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  %r = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x2xf32>) {
    %f = linalg.fill ins(%c : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %f into %o[%i, 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<4x2xf32>
    }
  }
  %s = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x2xf32>) {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %c1 = arith.constant 1 : index
    %acc = scf.for %t = %c0 to %c3 step %c1 iter_args(%a = %e) -> (tensor<2xf32>) {
      %g = linalg.fill ins(%c : f32) outs(%a : tensor<2xf32>) -> tensor<2xf32>
      scf.yield %g : tensor<2xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %acc into %o[%i, 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<4x2xf32>
    }
  }
  return %outside, %r, %s : tensor<2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Dynamic sizes come along (defined above the loop); an empty used only
// outside parallel loops stays where it is.

// CHECK-LABEL: func.func @dynamic
// CHECK-NOT:     tensor.empty
// CHECK:         scf.forall (
// CHECK-NEXT:      tensor.empty(%{{.*}}) : tensor<?xf32>
func.func @dynamic(%n: index, %x: tensor<4x8xf32>, %c: f32) -> tensor<4x8xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x8xf32>) {
    %f = linalg.fill ins(%c : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    %s = tensor.extract_slice %f[0] [8] [1] : tensor<?xf32> to tensor<8xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%i, 0] [1, 8] [1, 1] : tensor<8xf32> into tensor<4x8xf32>
    }
  }
  return %r : tensor<4x8xf32>
}

// -----

// One zero-filled accumulator that CSE shared between two GEMMs of the same
// shape (two FFT stages): each GEMM gets its own fill of its own empty
// tensor, so bufferization fills two buffers instead of filling one and
// copying it.
// CHECK-LABEL: func.func @shared_fill
// CHECK:         %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK:         %[[F1:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK:         %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK:         %[[F2:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK:         linalg.matmul {{.*}} outs(%[[F2]] : tensor<4x4xf32>)
// CHECK:         linalg.matmul {{.*}} outs(%[[F1]] : tensor<4x4xf32>)
func.func @shared_fill(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %p, %q : tensor<4x4xf32>, tensor<4x4xf32>
}
