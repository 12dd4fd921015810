// RUN: seq-opt %s --transform-interpreter --split-input-file -verify-diagnostics | FileCheck %s

// C = A·Bᵀ becomes C = A·B' with B' = transpose(B): the generic reads the
// copy through the permuted map.

// CHECK-DAG:   #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG:   #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @nt
// CHECK-SAME:    %[[X:.*]]: tensor<4x3xf32>, %[[Y:.*]]: tensor<8x3xf32>
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<3x8xf32>
// CHECK:         %[[T:.*]] = linalg.transpose ins(%[[Y]] : tensor<8x3xf32>) outs(%[[E]] : tensor<3x8xf32>) permutation = [1, 0]
// CHECK:         linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]]
// CHECK-SAME:      ins(%[[X]], %[[T]] : tensor<4x3xf32>, tensor<3x8xf32>)
func.func @nt(%x: tensor<4x3xf32>, %y: tensor<8x3xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : tensor<4x3xf32>, tensor<8x3xf32>) outs(%c : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    %t = transform.seq.transpose_operand %g {operand = 1, permutation = array<i64: 1, 0>} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

// A rank-3 operand: the batch stays outermost, the last two dimensions swap.

// CHECK-DAG:   #[[$B3:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-LABEL: func.func @batched
// CHECK:         linalg.transpose ins(%{{.*}} : tensor<2x8x3xf32>) outs(%{{.*}} : tensor<2x3x8xf32>) permutation = [0, 2, 1]
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #[[$B3]], #{{.*}}]
func.func @batched(%x: tensor<2x4x3xf32>, %y: tensor<2x8x3xf32>, %c: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %y : tensor<2x4x3xf32>, tensor<2x8x3xf32>) outs(%c : tensor<2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x4x8xf32>
  return %r : tensor<2x4x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    %t = transform.seq.transpose_operand %g {operand = 1, permutation = array<i64: 0, 2, 1>} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @not_generic(%x: tensor<4x3xf32>, %y: tensor<3x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-note @below {{when applied to this op}}
  %r = linalg.matmul ins(%x, %y : tensor<4x3xf32>, tensor<3x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expects a linalg.generic on tensors}}
    %t = transform.seq.transpose_operand %g {operand = 1, permutation = array<i64: 1, 0>} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @bad_operand(%x: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @below {{when applied to this op}}
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%c : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{has no input #1}}
    %t = transform.seq.transpose_operand %g {operand = 1, permutation = array<i64: 0>} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @bad_permutation(%x: tensor<4x3xf32>, %c: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-note @below {{when applied to this op}}
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x3xf32>) outs(%c : tensor<4x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expects a permutation of the 2 dimensions of input #0}}
    %t = transform.seq.transpose_operand %g {operand = 0, permutation = array<i64: 0, 0>} : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
