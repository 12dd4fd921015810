// RUN: seq-opt %s --canonicalize --split-input-file | FileCheck %s

// Casts that only erase static sizes fold into the seq op; the results are
// cast back for their users.
// CHECK-LABEL: func.func @fold_casts_into_attention
//  CHECK-SAME:   (%[[Q:.*]]: tensor<1x2x5x4xf32>, %[[K:.*]]: tensor<1x1x7x4xf32>, %[[V:.*]]: tensor<1x1x7x3xf32>)
//       CHECK:   %[[O:.*]]:2 = seq.attention ins(%[[Q]], %[[K]], %[[V]] : tensor<1x2x5x4xf32>, tensor<1x1x7x4xf32>, tensor<1x1x7x3xf32>)
//  CHECK-SAME:     -> tensor<1x2x5x3xf32>, tensor<1x2x5xf32>
//       CHECK:   %[[C:.*]] = tensor.cast %[[O]]#0 : tensor<1x2x5x3xf32> to tensor<?x?x?x?xf32>
//       CHECK:   return %[[C]], %[[O]]#1
func.func @fold_casts_into_attention(%q: tensor<1x2x5x4xf32>, %k: tensor<1x1x7x4xf32>,
    %v: tensor<1x1x7x3xf32>) -> (tensor<?x?x?x?xf32>, tensor<1x2x5xf32>) {
  %q1 = tensor.cast %q : tensor<1x2x5x4xf32> to tensor<?x?x?x?xf32>
  %k1 = tensor.cast %k : tensor<1x1x7x4xf32> to tensor<?x?x?x?xf32>
  %v1 = tensor.cast %v : tensor<1x1x7x3xf32> to tensor<?x?x?x?xf32>
  %o = tensor.empty() : tensor<1x2x5x3xf32>
  %l = tensor.empty() : tensor<1x2x5xf32>
  %o1 = tensor.cast %o : tensor<1x2x5x3xf32> to tensor<?x?x?x?xf32>
  %l1 = tensor.cast %l : tensor<1x2x5xf32> to tensor<?x?x?xf32>
  %r:2 = seq.attention ins(%q1, %k1, %v1 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
    outs(%o1, %l1 : tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 3, 2>}
    -> tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
  %s = tensor.cast %r#1 : tensor<?x?x?xf32> to tensor<1x2x5xf32>
  return %r#0, %s : tensor<?x?x?x?xf32>, tensor<1x2x5xf32>
}

// -----

// The regions move into the folded op.
// CHECK-LABEL: func.func @fold_casts_keeps_regions
//       CHECK:   seq.attention ins(%{{.*}} : tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>, tensor<1x1x5x4xf32>)
//       CHECK:   score_mod
//       CHECK:     arith.mulf
//       CHECK:     seq.yield
func.func @fold_casts_keeps_regions(%q: tensor<1x1x5x4xf32>) -> tensor<1x1x5x4xf32> {
  %q1 = tensor.cast %q : tensor<1x1x5x4xf32> to tensor<?x?x?x?xf32>
  %o = tensor.empty() : tensor<1x1x5x4xf32>
  %o1 = tensor.cast %o : tensor<1x1x5x4xf32> to tensor<?x?x?x?xf32>
  %r = seq.attention ins(%q1, %q1, %q1 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
    outs(%o1 : tensor<?x?x?x?xf32>)
    score_mod {
    ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
      %t = arith.mulf %s, %s : f32
      seq.yield %t : f32
    } -> tensor<?x?x?x?xf32>
  %s = tensor.cast %r : tensor<?x?x?x?xf32> to tensor<1x1x5x4xf32>
  return %s : tensor<1x1x5x4xf32>
}
