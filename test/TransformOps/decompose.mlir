// RUN: seq-opt %s --transform-interpreter --canonicalize --split-input-file | FileCheck %s

// transform.seq.decompose on seq.online_attention: one FlashAttention step
// as linalg on the tile, every op tagged with its role for the schedules.
// Heads and rows are collapsed into one row dimension (the GQA group shares
// the key tile).
// CHECK-LABEL: func.func @online_step
//  CHECK-SAME:   %[[ACC:[^:]*]]: tensor<1x2x8x8xf32>, %[[MAX:[^:]*]]: tensor<1x2x8xf32>, %[[SUM:[^:]*]]: tensor<1x2x8xf32>, %[[QP:[^:]*]]: index, %[[KP:[^:]*]]: index
//   CHECK-DAG:   %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
//   CHECK-DAG:   %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
//   CHECK-DAG:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
//       CHECK:   %[[Q:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2], [3]] : tensor<1x2x8x16xf32> into tensor<16x16xf32>
//       CHECK:   %[[ACC2:.*]] = tensor.collapse_shape %[[ACC]]
//       CHECK:   %[[MAX2:.*]] = tensor.collapse_shape %[[MAX]]
//       CHECK:   %[[SUM2:.*]] = tensor.collapse_shape %[[SUM]]
// S = Q Kᵀ.
//       CHECK:   %[[S:.*]] = linalg.matmul {{.*}} {seq.tile_role = "scores"} ins(%[[Q]], %{{.*}} : tensor<16x16xf32>, tensor<32x16xf32>)
// The causal mask from the positions: key kp + j against row qp + (i mod 8).
//       CHECK:   %[[MASKED:.*]] = linalg.generic {{.*}} outs(%[[S]] : tensor<16x32xf32>) attrs = {seq.tile_role = "rows"}
//       CHECK:     arith.remui %{{.*}}, %c8
//       CHECK:     %[[ROWPOS:.*]] = arith.addi %[[QP]]
//       CHECK:     %[[KEYPOS:.*]] = arith.addi %[[KP]]
//       CHECK:     %[[OK:.*]] = arith.cmpi sle, %[[KEYPOS]], %[[ROWPOS]]
//       CHECK:     arith.select %[[OK]], %{{.*}}, %[[NEGINF]]
// The block's row max, with the (positive) scale applied to the max only.
//       CHECK:   %[[BMAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[MASKED]] : tensor<16x32xf32>)
//       CHECK:     arith.mulf %{{.*}}, %[[SCALE]]
//       CHECK:     arith.maxnumf
// New max m' and the rescale factor exp(m - u), u = (m' == -inf) ? 0 : m'.
//       CHECK:   %[[NEW:.*]]:2 = linalg.generic {{.*}} ins(%[[BMAX]] : tensor<16xf32>) outs(%[[MAX2]], %{{.*}} : tensor<16xf32>, tensor<16xf32>) attrs = {seq.tile_role = "row_vector"}
//       CHECK:   ^bb0(%[[BM:.*]]: f32, %[[OLDM:.*]]: f32, %{{.*}}: f32):
//       CHECK:     %[[M:.*]] = arith.maxnumf %[[OLDM]], %[[BM]]
//       CHECK:     %[[ISINF:.*]] = arith.cmpf oeq, %[[M]], %[[NEGINF]]
//       CHECK:     %[[U:.*]] = arith.select %[[ISINF]], %[[ZERO]], %[[M]]
//       CHECK:     %[[D:.*]] = arith.subf %[[OLDM]], %[[U]]
//       CHECK:     %[[ALPHA:.*]] = math.exp %[[D]]
//       CHECK:     linalg.yield %[[M]], %[[ALPHA]]
// P = exp(scale * s - u).
//       CHECK:   %[[P:.*]] = linalg.generic {{.*}} ins(%[[NEW]]#0 : tensor<16xf32>) outs(%[[MASKED]] : tensor<16x32xf32>) attrs = {seq.tile_role = "rows"}
//       CHECK:     arith.mulf %{{.*}}, %[[SCALE]]
//       CHECK:     math.exp
// sum' = alpha * sum + rowsum(P).
//       CHECK:   %[[SCALEDSUM:.*]] = linalg.generic {{.*}} ins(%[[NEW]]#1 : tensor<16xf32>) outs(%[[SUM2]] : tensor<16xf32>)
//       CHECK:   %[[NEWSUM:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<16x32xf32>) outs(%[[SCALEDSUM]] : tensor<16xf32>)
//       CHECK:     arith.addf
// acc' = alpha * acc + P V: one rescale of the accumulator per key block.
//       CHECK:   %[[SCALEDACC:.*]] = linalg.generic {{.*}} ins(%[[NEW]]#1 : tensor<16xf32>) outs(%[[ACC2]] : tensor<16x8xf32>)
//       CHECK:     arith.mulf
//       CHECK:   %[[PV:.*]] = linalg.matmul {seq.tile_role = "values"} ins(%[[P]], %{{.*}} : tensor<16x32xf32>, tensor<32x8xf32>) outs(%[[SCALEDACC]] : tensor<16x8xf32>)
//       CHECK:   %[[OUTACC:.*]] = tensor.expand_shape %[[PV]]
//       CHECK:   %[[OUTMAX:.*]] = tensor.expand_shape %[[NEW]]#0
//       CHECK:   %[[OUTSUM:.*]] = tensor.expand_shape %[[NEWSUM]]
//       CHECK:   return %[[OUTACC]], %[[OUTMAX]], %[[OUTSUM]]
func.func @online_step(%q: tensor<1x2x8x16xf32>, %k: tensor<1x1x32x16xf32>, %v: tensor<1x1x32x8xf32>,
    %a: tensor<1x2x8x8xf32>, %m: tensor<1x2x8xf32>, %s: tensor<1x2x8xf32>, %qp: index, %kp: index)
    -> (tensor<1x2x8x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>) {
  %r:3 = seq.online_attention ins(%q, %k, %v : tensor<1x2x8x16xf32>, tensor<1x1x32x16xf32>, tensor<1x1x32x8xf32>)
    positions(%qp, %kp : index, index)
    outs(%a, %m, %s : tensor<1x2x8x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>) {mask = #seq.mask<causal>}
    -> tensor<1x2x8x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>
  return %r#0, %r#1, %r#2 : tensor<1x2x8x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.online_attention"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.seq.decompose %a : (!transform.any_op) -> ()
    transform.yield
  }
}

// -----

// A negative scale flips the order: scaling -inf would give +inf, so the
// scores are scaled before the mask selects -inf.
// CHECK-LABEL: func.func @negative_scale
//       CHECK:   linalg.generic
//       CHECK:     %[[SCALED:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
//       CHECK:     %[[OK:.*]] = arith.cmpi sle
//       CHECK:     arith.select %[[OK]], %[[SCALED]], %{{.*}} : f32
//       CHECK:   linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
//   CHECK-NOT:     arith.mulf
//       CHECK:     arith.maxnumf
func.func @negative_scale(%q: tensor<1x1x8x16xf32>, %k: tensor<1x1x8x16xf32>, %v: tensor<1x1x8x8xf32>,
    %a: tensor<1x1x8x8xf32>, %m: tensor<1x1x8xf32>, %s: tensor<1x1x8xf32>)
    -> (tensor<1x1x8x8xf32>, tensor<1x1x8xf32>, tensor<1x1x8xf32>) {
  %r:3 = seq.online_attention ins(%q, %k, %v : tensor<1x1x8x16xf32>, tensor<1x1x8x16xf32>, tensor<1x1x8x8xf32>)
    outs(%a, %m, %s : tensor<1x1x8x8xf32>, tensor<1x1x8xf32>, tensor<1x1x8xf32>) {mask = #seq.mask<causal>, scale = -0.7 : f64}
    -> tensor<1x1x8x8xf32>, tensor<1x1x8xf32>, tensor<1x1x8xf32>
  return %r#0, %r#1, %r#2 : tensor<1x1x8x8xf32>, tensor<1x1x8xf32>, tensor<1x1x8xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.online_attention"]} in %root : (!transform.any_op) -> !transform.any_op
    transform.seq.decompose %a : (!transform.any_op) -> ()
    transform.yield
  }
}
