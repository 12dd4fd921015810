// RUN: seq-opt %s --split-input-file --seq-apply-schedules='target=x86-64-avx512' | FileCheck %s

// The `parallel` schedule of the seq ops other than attention: the
// parallel dimensions of the op's iteration domain in one scf.forall of
// 2 x cores = 16 tiles (the fixed x86 models have 8 cores), outermost
// first; each tile keeps the op, whose reference computation runs per tile.

// A scan over (batch 2, time 64, state 128): time is sequential and never
// cut; 2 batch tiles x 8 state tiles of 16.

// CHECK-LABEL: func.func @scan
// CHECK:         scf.forall (%[[B:.*]], %[[S:.*]]) in (2, 8) shared_outs
// CHECK:           %[[OFF:.*]] = affine.apply #{{.*}}(%[[S]])
// CHECK:           tensor.extract_slice %{{.*}}[%[[B]], 0, %[[OFF]]] [1, 64, 16] [1, 1, 1]
// CHECK:           seq.scan ins(%{{.*}}, %{{.*}} : tensor<1x64x16xf32>, tensor<1x64x16xf32>) outs(%{{.*}} : tensor<1x64x16xf32>)
// CHECK:           tensor.parallel_insert_slice
func.func @scan(%a: tensor<2x64x128xf32>, %b: tensor<2x64x128xf32>) -> tensor<2x64x128xf32> {
  %e = tensor.empty() : tensor<2x64x128xf32>
  %r = seq.scan ins(%a, %b : tensor<2x64x128xf32>, tensor<2x64x128xf32>) outs(%e : tensor<2x64x128xf32>) -> tensor<2x64x128xf32>
  return %r : tensor<2x64x128xf32>
}

// -----

// An FFT of 64 rows of 256 points: rows are cut (16 tiles of 4), the
// transform length never is.

// CHECK-LABEL: func.func @fft
// CHECK:         scf.forall ({{.*}}) in (16) shared_outs
// CHECK:           seq.fft ins(%{{.*}} : tensor<4x256xcomplex<f32>>)
func.func @fft(%x: tensor<64x256xcomplex<f32>>) -> tensor<64x256xcomplex<f32>> {
  %e = tensor.empty() : tensor<64x256xcomplex<f32>>
  %y = seq.fft ins(%x : tensor<64x256xcomplex<f32>>) outs(%e : tensor<64x256xcomplex<f32>>) -> tensor<64x256xcomplex<f32>>
  return %y : tensor<64x256xcomplex<f32>>
}

// -----

// Too little work to fork threads (fewer than 4096 points and elements).

// CHECK-LABEL: func.func @small
// CHECK-NOT:     scf.forall
// CHECK:         seq.scan
func.func @small(%a: tensor<2x8x4xf32>, %b: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %r = seq.scan ins(%a, %b : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%a : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return %r : tensor<2x8x4xf32>
}

// -----

// One transform of 8192 points: nothing parallel to cut.

// CHECK-LABEL: func.func @one_sequence
// CHECK-NOT:     scf.forall
// CHECK:         seq.fft
func.func @one_sequence(%x: tensor<1x8192xcomplex<f32>>) -> tensor<1x8192xcomplex<f32>> {
  %e = tensor.empty() : tensor<1x8192xcomplex<f32>>
  %y = seq.fft ins(%x : tensor<1x8192xcomplex<f32>>) outs(%e : tensor<1x8192xcomplex<f32>>) -> tensor<1x8192xcomplex<f32>>
  return %y : tensor<1x8192xcomplex<f32>>
}

// -----

// Dynamic extents are never cut, nor counted as work: the static state
// dimension is cut when it alone is enough work.

// CHECK-LABEL: func.func @dynamic
// CHECK:         scf.forall ({{.*}}) in (16) shared_outs
// CHECK:           seq.scan ins(%{{.*}}, %{{.*}} : tensor<?x?x512xf32>, tensor<?x?x512xf32>)
func.func @dynamic(%a: tensor<?x?x8192xf32>, %b: tensor<?x?x8192xf32>) -> tensor<?x?x8192xf32> {
  %r = seq.scan ins(%a, %b : tensor<?x?x8192xf32>, tensor<?x?x8192xf32>) outs(%a : tensor<?x?x8192xf32>) -> tensor<?x?x8192xf32>
  return %r : tensor<?x?x8192xf32>
}

// -----

// A dynamic op whose static part is too little work is left alone.

// CHECK-LABEL: func.func @dynamic_small
// CHECK-NOT:     scf.forall
// CHECK:         seq.scan
func.func @dynamic_small(%a: tensor<?x?x512xf32>, %b: tensor<?x?x512xf32>) -> tensor<?x?x512xf32> {
  %r = seq.scan ins(%a, %b : tensor<?x?x512xf32>, tensor<?x?x512xf32>) outs(%a : tensor<?x?x512xf32>) -> tensor<?x?x512xf32>
  return %r : tensor<?x?x512xf32>
}

// -----

// An empty op (an empty dimension) with large weights: nothing to run, so no
// parallel tiles (they would slice past the end of the empty dimension).

// CHECK-LABEL: func.func @empty_heads
// CHECK-NOT:     scf.forall
// CHECK:         seq.compose_heads
func.func @empty_heads(%x: tensor<4x7x7x0xf32>, %w1: tensor<4x7x160x7xf32>, %w2: tensor<4x7x160x7xf32>) -> tensor<4x7x7x0xf32> {
  %e = tensor.empty() : tensor<4x7x7x0xf32>
  %r = seq.compose_heads ins(%x : tensor<4x7x7x0xf32>) query_w(%w1, %w2 : tensor<4x7x160x7xf32>, tensor<4x7x160x7xf32>) outs(%e : tensor<4x7x7x0xf32>) -> tensor<4x7x7x0xf32>
  return %r : tensor<4x7x7x0xf32>
}
