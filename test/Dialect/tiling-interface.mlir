// RUN: seq-opt %s --transform-interpreter --canonicalize --split-input-file | FileCheck %s

// seq ops implement TilingInterface, so upstream tiling cuts them.
// seq.attention's domain is (B, Hq, Lq): [0, 1, 64] tiles query heads by 1
// and rows by 64. A tile reads its key/value head (h / group) and all keys,
// and carries the rows' absolute positions (Lk - Lq + row: bottom-right
// alignment survives tiling).
// CHECK-LABEL: func.func @attention_rows
//       CHECK:   scf.for %[[H:.*]] = %c0 to %c4 step %c1
//       CHECK:     scf.for %[[ROW:.*]] = %c0 to %c200 step %c64
//       CHECK:       %[[N:.*]] = affine.min #{{.*}}(%[[ROW]])
//       CHECK:       %[[Q:.*]] = tensor.extract_slice %{{.*}}[0, %[[H]], %[[ROW]], 0] [1, 1, %[[N]], 32]
//       CHECK:       %[[KVH:.*]] = arith.divui %[[H]], %c2
//       CHECK:       %[[K:.*]] = tensor.extract_slice %{{.*}}[0, %[[KVH]], 0, 0] [1, 1, 300, 32]
//       CHECK:       %[[QPOS:.*]] = arith.addi %[[ROW]], %c100
//       CHECK:       seq.attention ins(%[[Q]], %[[K]], %{{.*}} : tensor<1x1x?x32xf32>, tensor<1x1x300x32xf32>, tensor<1x1x300x16xf32>)
//  CHECK-SAME:         positions(%[[QPOS]], %c0 : index, index)
//  CHECK-SAME:         {mask = #seq.mask<causal>}
//       CHECK:       tensor.insert_slice
//       CHECK:       tensor.insert_slice
func.func @attention_rows(%q: tensor<1x4x200x32xf32>, %k: tensor<1x2x300x32xf32>, %v: tensor<1x2x300x16xf32>)
    -> (tensor<1x4x200x16xf32>, tensor<1x4x200xf32>) {
  %o = tensor.empty() : tensor<1x4x200x16xf32>
  %l = tensor.empty() : tensor<1x4x200xf32>
  %r:2 = seq.attention ins(%q, %k, %v : tensor<1x4x200x32xf32>, tensor<1x2x300x32xf32>, tensor<1x2x300x16xf32>)
    outs(%o, %l : tensor<1x4x200x16xf32>, tensor<1x4x200xf32>) {mask = #seq.mask<causal>}
    -> tensor<1x4x200x16xf32>, tensor<1x4x200xf32>
  return %r#0, %r#1 : tensor<1x4x200x16xf32>, tensor<1x4x200xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l1, %l2 = transform.structured.tile_using_for %a tile_sizes [0, 1, 64]
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// seq.online_attention adds the key dimension as a reduction: tiling it
// threads the softmax state (acc, max, sum) through the key loop — the
// online softmax, FlashAttention's inner loop.
// CHECK-LABEL: func.func @online_keys
//       CHECK:   scf.for %[[H:.*]] = %c0 to %c2 step %c1 iter_args
//       CHECK:     scf.for %[[ROW:.*]] = %c0 to %c128 step %c64 iter_args
//       CHECK:       scf.for %[[KEY:.*]] = %c0 to %c256 step %c64 iter_args(%[[ACC:.*]] = %{{.*}}, %[[MAX:.*]] = %{{.*}}, %[[SUM:.*]] = %{{.*}})
//       CHECK:         %[[KT:.*]] = tensor.extract_slice %{{.*}}[0, %{{.*}}, %[[KEY]], 0] [1, 1, 64, 16]
//       CHECK:         %[[A:.*]] = tensor.extract_slice %[[ACC]][0, %[[H]], %[[ROW]], 0] [1, 1, 64, 8]
//       CHECK:         %[[M:.*]] = tensor.extract_slice %[[MAX]][0, %[[H]], %[[ROW]]] [1, 1, 64]
//       CHECK:         %[[S:.*]] = tensor.extract_slice %[[SUM]][0, %[[H]], %[[ROW]]] [1, 1, 64]
//       CHECK:         %[[QPOS:.*]] = arith.addi %[[ROW]], %c128
//       CHECK:         seq.online_attention ins(%{{.*}}, %[[KT]], %{{.*}}) positions(%[[QPOS]], %[[KEY]] : index, index)
//  CHECK-SAME:           outs(%[[A]], %[[M]], %[[S]] :
func.func @online_keys(%q: tensor<1x2x128x16xf32>, %k: tensor<1x1x256x16xf32>, %v: tensor<1x1x256x8xf32>,
    %a: tensor<1x2x128x8xf32>, %m: tensor<1x2x128xf32>, %s: tensor<1x2x128xf32>)
    -> (tensor<1x2x128x8xf32>, tensor<1x2x128xf32>, tensor<1x2x128xf32>) {
  %r:3 = seq.online_attention ins(%q, %k, %v : tensor<1x2x128x16xf32>, tensor<1x1x256x16xf32>, tensor<1x1x256x8xf32>)
    outs(%a, %m, %s : tensor<1x2x128x8xf32>, tensor<1x2x128xf32>, tensor<1x2x128xf32>) {mask = #seq.mask<causal>}
    -> tensor<1x2x128x8xf32>, tensor<1x2x128xf32>, tensor<1x2x128xf32>
  return %r#0, %r#1, %r#2 : tensor<1x2x128x8xf32>, tensor<1x2x128xf32>, tensor<1x2x128xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.online_attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l1, %l2, %l3 = transform.structured.tile_using_for %a tile_sizes [0, 1, 64, 64]
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// seq.scan's domain is (batch, state...): time stays inside the tile, so
// channel blocks run in parallel.
// CHECK-LABEL: func.func @scan_channels
//       CHECK:   scf.forall (%[[B:.*]], %[[C:.*]]) in (2, 2)
//       CHECK:     %[[OFF:.*]] = affine.apply #{{.*}}(%[[C]])
//       CHECK:     tensor.extract_slice %{{.*}}[%[[B]], 0, %[[OFF]]] [1, 64, 8]
//       CHECK:     seq.scan ins({{.*}} : tensor<1x64x8xf32>, tensor<1x64x8xf32>)
//       CHECK:     tensor.parallel_insert_slice %{{.*}}[%[[B]], 0, %[[OFF]]] [1, 64, 8]
func.func @scan_channels(%a: tensor<2x64x16xf32>, %b: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> {
  %o = tensor.empty() : tensor<2x64x16xf32>
  %h = seq.scan ins(%a, %b : tensor<2x64x16xf32>, tensor<2x64x16xf32>) outs(%o : tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
  return %h : tensor<2x64x16xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.scan"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %a tile_sizes [1, 8]
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
