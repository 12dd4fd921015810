// RUN: seq-opt %s --transform-interpreter --split-input-file -verify-diagnostics | FileCheck %s

// C[m, n] += B[n, k]·A[m, k] becomes C[m, n] += A[m, k]·B[n, k]: inputs,
// maps, block arguments and the factors of the multiplication swap.

// CHECK-DAG:   #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG:   #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @swap
// CHECK-SAME:    %[[X:.*]]: tensor<8x3xf16>, %[[Y:.*]]: tensor<4x3xf16>
// CHECK:         linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #{{.*}}]
// CHECK-SAME:      ins(%[[Y]], %[[X]] : tensor<4x3xf16>, tensor<8x3xf16>)
// CHECK-NEXT:    ^bb0(%[[IA:.*]]: f16, %[[IB:.*]]: f16, %[[O:.*]]: f32):
// CHECK-DAG:       %[[EA:.*]] = arith.extf %[[IA]] : f16 to f32
// CHECK-DAG:       %[[EB:.*]] = arith.extf %[[IB]] : f16 to f32
// CHECK:           %[[P:.*]] = arith.mulf %[[EA]], %[[EB]] : f32
// CHECK:           arith.addf %[[O]], %[[P]] : f32
func.func @swap(%x: tensor<8x3xf16>, %y: tensor<4x3xf16>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %y : tensor<8x3xf16>, tensor<4x3xf16>) outs(%c : tensor<4x8xf32>) {
  ^bb0(%b: f16, %a: f16, %o: f32):
    %eb = arith.extf %b : f16 to f32
    %ea = arith.extf %a : f16 to f32
    %p = arith.mulf %eb, %ea : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    %t = transform.seq.commute_contraction %g : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @no_product(%x: tensor<4xf32>, %y: tensor<4xf32>, %c: tensor<f32>) -> tensor<f32> {
  // expected-note @below {{when applied to this op}}
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> ()>], iterator_types = ["reduction"]}
      ins(%x, %y : tensor<4xf32>, tensor<4xf32>) outs(%c : tensor<f32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %t = arith.addf %o, %s : f32
    linalg.yield %t : f32
  } -> tensor<f32>
  return %r : tensor<f32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expects a body multiplying a value of input #0 by a value of input #1}}
    %t = transform.seq.commute_contraction %g : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}

// -----

func.func @one_input(%x: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
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
    // expected-error @below {{expects a linalg.generic with two inputs and one output}}
    %t = transform.seq.commute_contraction %g : (!transform.any_op) -> !transform.any_op
    transform.yield
  }
}
