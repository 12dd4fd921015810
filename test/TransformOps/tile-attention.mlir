// RUN: seq-opt %s --transform-interpreter --canonicalize | FileCheck %s
// RUN: seq-opt %s --transform-interpreter --canonicalize | FileCheck %s --check-prefix=NO-LXL

// transform.seq.tile_attention: FlashAttention-2's loop nest. An scf.forall
// over (batch, key/value head, query tile) — here B = 1, so (Hkv, tiles) —
// keeps one query tile (all the query heads of a GQA group) resident and
// streams key tiles through seq.online_attention. The mask kind becomes the
// bounds of three key loops: boundary tiles with the mask, the tiles every
// row may see without it, boundary tiles again; tiles no row may see are
// never visited. The logsumexp and the normalized output come out of the
// loop's state.

// No intermediate of the size of the score matrix, anywhere.
// NO-LXL-NOT: x200x200x
// NO-LXL-NOT: x256x256x
// NO-LXL-NOT: x128x128x

// Causal, L = 200 (not a multiple of the 64 tile), 4 query heads on 2
// key/value heads.
// CHECK-LABEL: func.func @causal_gqa
//       CHECK:   tensor.pad %{{.*}} high[0, 0, 56, 0]
//       CHECK:     : tensor<1x4x200x64xf32> to tensor<1x4x256x64xf32>
// K is transposed once per call, outside the parallel loop.
//       CHECK:   linalg.transpose {{.*}} permutation = [0, 1, 3, 2]  {seq.tile_role = "key_transpose"}
//       CHECK:   scf.forall (%[[KVH:.*]], %[[QT:.*]]) in (2, 4)
//       CHECK:     %[[HEAD:.*]] = arith.muli %[[KVH]], %c2
//       CHECK:     %[[ROW:.*]] = arith.muli %[[QT]], %c64
// The query tile: both heads of the group, 64 rows.
//       CHECK:     tensor.extract_slice %{{.*}}[0, %[[HEAD]], %[[ROW]], 0] [1, 2, 64, 64]
// Keys end at the tile's last row (causal): ceil(min(row + 64, 200) / 64).
//       CHECK:     %[[LASTPOS:.*]] = arith.addi %[[ROW]], %c64
//       CHECK:     %[[CLAMPED:.*]] = arith.minsi %{{.*}}, %c200
//       CHECK:     %[[ENDT:.*]] = arith.ceildivsi %[[CLAMPED]], %c64
//       CHECK:     %[[END:.*]] = arith.minsi %{{.*}}, %c4
//       CHECK:     %[[LO:.*]] = arith.minsi %[[END]], %c0
//       CHECK:     %[[FULLT:.*]] = arith.floordivsi %{{.*}}, %c64
//       CHECK:     %[[FULL:.*]] = arith.minsi %{{.*}}, %[[END]]
//       CHECK:     scf.for %[[J0:.*]] = %c0 to %[[LO]]
//       CHECK:       seq.online_attention
//  CHECK-SAME:         outs(%{{.*}} : tensor<1x2x64x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64xf32>)
//  CHECK-SAME:         {mask = #seq.mask<causal>} mask_mod
// The mask_mod the tiling adds rejects the padded keys.
//       CHECK:         arith.cmpi ult, %{{.*}}, %c200
// Tiles below the diagonal: no mask at all.
//       CHECK:     scf.for %{{.*}} = %[[LO]] to %[[FULL]]
//       CHECK:       seq.online_attention
//  CHECK-SAME:         positions(%[[ROW]], %{{.*}} : index, index)
//  CHECK-NOT:          mask
//  CHECK-SAME:         -> tensor<1x2x64x64xf32>, tensor<1x2x64xf32>, tensor<1x2x64xf32>
// The diagonal tiles.
//       CHECK:     scf.for %{{.*}} = %[[FULL]] to %[[END]]
//       CHECK:       seq.online_attention {{.*}} {mask = #seq.mask<causal>} mask_mod
//       CHECK:     linalg.generic {{.*}} attrs =  {seq.tile_role = "output"}
//       CHECK:       arith.divf
//       CHECK:     linalg.generic {{.*}} attrs =  {seq.tile_role = "logsumexp"}
//       CHECK:       math.log
//       CHECK:     scf.forall.in_parallel
//       CHECK:       tensor.parallel_insert_slice %{{.*}}[0, %[[HEAD]], %[[ROW]], 0] [1, 2, 64, 64]
//       CHECK:   tensor.extract_slice %{{.*}}[0, 0, 0, 0] [1, 4, 200, 64]
func.func @causal_gqa(%q: tensor<1x4x200x64xf32>, %k: tensor<1x2x200x64xf32>, %v: tensor<1x2x200x64xf32>)
    -> (tensor<1x4x200x64xf32>, tensor<1x4x200xf32>) {
  %o = tensor.empty() : tensor<1x4x200x64xf32>
  %l = tensor.empty() : tensor<1x4x200xf32>
  %r:2 = seq.attention ins(%q, %k, %v : tensor<1x4x200x64xf32>, tensor<1x2x200x64xf32>, tensor<1x2x200x64xf32>)
    outs(%o, %l : tensor<1x4x200x64xf32>, tensor<1x4x200xf32>) {mask = #seq.mask<causal>}
    -> tensor<1x4x200x64xf32>, tensor<1x4x200xf32>
  return %r#0, %r#1 : tensor<1x4x200x64xf32>, tensor<1x4x200xf32>
}

// No mask and L a multiple of the tile: one loop over every key tile, no
// padding, no mask.
// CHECK-LABEL: func.func @full
//   CHECK-NOT:   tensor.pad
//       CHECK:   scf.forall (%{{.*}}, %{{.*}}) in (2, 2)
//       CHECK:     scf.for %{{.*}} = %c0 to %c4 step %c1
//       CHECK:       seq.online_attention
//   CHECK-NOT:         mask
//  CHECK-SAME:         -> tensor<1x1x64x32xf32>
//   CHECK-NOT:     scf.for
//       CHECK:     seq.tile_role = "output"
func.func @full(%q: tensor<1x2x128x32xf32>, %k: tensor<1x2x256x32xf32>, %v: tensor<1x2x256x32xf32>)
    -> tensor<1x2x128x32xf32> {
  %o = tensor.empty() : tensor<1x2x128x32xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x2x128x32xf32>, tensor<1x2x256x32xf32>, tensor<1x2x256x32xf32>)
    outs(%o : tensor<1x2x128x32xf32>) -> tensor<1x2x128x32xf32>
  return %r : tensor<1x2x128x32xf32>
}

// Sliding window [40, 0]: keys start at floor(max(row - 40, 0) / 64); the
// unmasked tiles start where the tile's last row still sees the key:
// row + 63 - 40 = row + 23.
// CHECK-LABEL: func.func @sliding_window
//       CHECK:   scf.forall
//       CHECK:     %[[ROW:.*]] = arith.muli %{{.*}}, %c64
//       CHECK:     arith.subi %[[ROW]], %c40
//       CHECK:     arith.addi %[[ROW]], %c23
//       CHECK:     %[[BEGIN:.*]] = arith.floordivsi %{{.*}}, %c64
//       CHECK:     scf.for %{{.*}} = %[[BEGIN]] to
//       CHECK:       seq.online_attention {{.*}} {mask = #seq.mask<sliding_window>, window = array<i64: 40, 0>}
//       CHECK:     scf.for
//       CHECK:       seq.online_attention
//   CHECK-NOT:         mask
//  CHECK-SAME:         ->
//       CHECK:     scf.for
//       CHECK:       seq.online_attention {{.*}} {mask = #seq.mask<sliding_window>, window = array<i64: 40, 0>}
func.func @sliding_window(%q: tensor<1x1x256x16xf32>, %k: tensor<1x1x256x16xf32>, %v: tensor<1x1x256x16xf32>)
    -> tensor<1x1x256x16xf32> {
  %o = tensor.empty() : tensor<1x1x256x16xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>)
    outs(%o : tensor<1x1x256x16xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 40, 0>}
    -> tensor<1x1x256x16xf32>
  return %r : tensor<1x1x256x16xf32>
}

// Chunk-causal with chunks of 48: keys start at the chunk of the tile's
// first row, floor(row / 48) * 48.
// CHECK-LABEL: func.func @chunk_causal
//       CHECK:   scf.forall
//       CHECK:     %[[ROW:.*]] = arith.muli %{{.*}}, %c64
//       CHECK:     %[[CHUNK:.*]] = arith.floordivsi %[[ROW]], %c48
//       CHECK:     arith.muli %[[CHUNK]], %c48
//       CHECK:     scf.for
//       CHECK:       seq.online_attention {{.*}} {chunk_size = 48 : i64, mask = #seq.mask<chunk_causal>}
//       CHECK:     scf.for
//       CHECK:     scf.for
func.func @chunk_causal(%q: tensor<1x1x256x16xf32>, %k: tensor<1x1x256x16xf32>, %v: tensor<1x1x256x16xf32>)
    -> tensor<1x1x256x16xf32> {
  %o = tensor.empty() : tensor<1x1x256x16xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>)
    outs(%o : tensor<1x1x256x16xf32>) {mask = #seq.mask<chunk_causal>, chunk_size = 48}
    -> tensor<1x1x256x16xf32>
  return %r : tensor<1x1x256x16xf32>
}

// Prefix 100: every row sees keys below max(row + 1, 100) without a mask;
// keys end at max(row + 64, 100).
// CHECK-LABEL: func.func @prefix
//       CHECK:   scf.forall
//       CHECK:     %[[ROW:.*]] = arith.muli %{{.*}}, %c64
//       CHECK:     %[[LAST:.*]] = arith.addi %[[ROW]], %c64
//       CHECK:     arith.maxsi %[[LAST]], %c100
//       CHECK:     %[[FIRST:.*]] = arith.addi %[[ROW]], %c1
//       CHECK:     arith.maxsi %[[FIRST]], %c100
//       CHECK:     scf.for
//       CHECK:     scf.for
//       CHECK:       seq.online_attention
//   CHECK-NOT:         mask
//  CHECK-SAME:         ->
//       CHECK:     scf.for
//       CHECK:       seq.online_attention {{.*}} {mask = #seq.mask<prefix>, prefix_length = 100 : i64}
func.func @prefix(%q: tensor<1x1x256x16xf32>, %k: tensor<1x1x256x16xf32>, %v: tensor<1x1x256x16xf32>)
    -> tensor<1x1x256x16xf32> {
  %o = tensor.empty() : tensor<1x1x256x16xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>)
    outs(%o : tensor<1x1x256x16xf32>) {mask = #seq.mask<prefix>, prefix_length = 100}
    -> tensor<1x1x256x16xf32>
  return %r : tensor<1x1x256x16xf32>
}

// A mask_mod: each key tile first reduces the region over the tile to
// (any allowed, all allowed): skip the tile, run it unmasked, or run it with
// the mask_mod, whose indices are shifted to the whole problem's.
// CHECK-LABEL: func.func @mask_mod
//       CHECK:   scf.forall
//       CHECK:     %[[ROW:.*]] = arith.muli %{{.*}}, %c64
//       CHECK:     scf.for %{{.*}} = %c0 to %c4 step %c1 iter_args(%[[ACC:.*]] = %{{.*}}, %[[MAX:.*]] = %{{.*}}, %[[SUM:.*]] = %{{.*}})
//       CHECK:       %[[KEY:.*]] = arith.muli %{{.*}}, %c64
//       CHECK:       %[[COVER:.*]]:2 = linalg.generic
//  CHECK-SAME:         iterator_types = ["reduction", "reduction", "reduction"]
//  CHECK-SAME:         seq.tile_role = "coverage"
//       CHECK:         arith.ori
//       CHECK:         arith.andi
//       CHECK:       %[[ANY:.*]] = tensor.extract %[[COVER]]#0[]
//       CHECK:       %[[ALL:.*]] = tensor.extract %[[COVER]]#1[]
//       CHECK:       scf.if %[[ANY]]
//       CHECK:         scf.if %[[ALL]]
//       CHECK:           seq.online_attention
//   CHECK-NOT:             mask_mod
//  CHECK-SAME:             ->
//       CHECK:         } else {
//       CHECK:           seq.online_attention {{.*}} mask_mod {
//       CHECK:             arith.addi %{{.*}}, %[[ROW]]
//       CHECK:             arith.cmpi ule
//       CHECK:       } else {
//       CHECK:         scf.yield %[[ACC]], %[[MAX]], %[[SUM]]
func.func @mask_mod(%q: tensor<1x1x256x16xf32>, %k: tensor<1x1x256x16xf32>, %v: tensor<1x1x256x16xf32>)
    -> tensor<1x1x256x16xf32> {
  %o = tensor.empty() : tensor<1x1x256x16xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>, tensor<1x1x256x16xf32>)
    outs(%o : tensor<1x1x256x16xf32>)
    mask_mod {
    ^bb0(%b: index, %h: index, %i: index, %j: index):
      %c = arith.cmpi ule, %j, %i : index
      seq.yield %c : i1
    } -> tensor<1x1x256x16xf32>
  return %r : tensor<1x1x256x16xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    %f, %t = transform.seq.tile_attention %a {query_tile = 64, key_tile = 64}
      : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
