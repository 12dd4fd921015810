// RUN: seq-opt %s --split-input-file --seq-apply-schedules='target=x86-64-avx512' | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: seq-opt %s --split-input-file --seq-apply-schedules='target=x86-64-avx2' | FileCheck %s --check-prefixes=CHECK,AVX2

// The `matmul` schedule on the contraction seq.matmul / `@` emit (256^3,
// f32): 6x64 register tiles on AVX-512 (six rows of four zmm accumulators),
// 6x16 on AVX2 (six rows of two ymm); thread tiles of 64x64 in one scf.forall
// (16 tiles for 8 cores), the k loop innermost with the C tile carried in
// registers, and the 64 = 10·6 + 4 rows peeled into a 4-row tile.

// CHECK-LABEL: func.func @dsl_matmul
// CHECK:         scf.forall ({{.*}}) in (4, 4) shared_outs
// AVX512:          scf.for %{{.*}} = %c0{{.*}} to %c60{{.*}} step %c6{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<64x64xf32>)
// AVX512:            vector.transfer_read {{.*}} : tensor<6x64xf32>, vector<6x64xf32>
// AVX512:            scf.for %{{.*}} = %c0{{.*}} to %c256{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<6x64xf32>)
// AVX512-COUNT-6:      vector.fma {{.*}} : vector<64xf32>
// AVX512:              scf.yield {{.*}} : vector<6x64xf32>
// AVX512:          scf.for %{{.*}} = %c0{{.*}} to %c256{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<4x64xf32>)
// AVX512-COUNT-4:    vector.fma {{.*}} : vector<64xf32>
// AVX2:            scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c16{{.*}}
// AVX2:              scf.for %{{.*}} = %c0{{.*}} to %c60{{.*}} step %c6{{.*}}
// AVX2:                scf.for %{{.*}} = %c0{{.*}} to %c256{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<6x16xf32>)
// AVX2-COUNT-6:          vector.fma {{.*}} : vector<16xf32>
// AVX2:              scf.for %{{.*}} = %c0{{.*}} to %c256{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<4x16xf32>)
// AVX2-COUNT-4:        vector.fma {{.*}} : vector<16xf32>
// CHECK:           scf.forall.in_parallel
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @dsl_matmul(%arg0: tensor<256x256xf32>, %arg1: tensor<256x256xf32>) -> tensor<256x256xf32> {
  %0 = tensor.empty() : tensor<256x256xf32>
  %cst = arith.constant 0.000000e+00 : f32
  %1 = linalg.fill ins(%cst : f32) outs(%0 : tensor<256x256xf32>) -> tensor<256x256xf32>
  %2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg0, %arg1 : tensor<256x256xf32>, tensor<256x256xf32>) outs(%1 : tensor<256x256xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %3 = arith.mulf %in, %in_0 : f32
    %4 = arith.addf %out, %3 : f32
    linalg.yield %4 : f32
  } -> tensor<256x256xf32>
  return %2 : tensor<256x256xf32>
}

// -----

// The small batched GEMMs of the FFT's Monarch stages: one forall iteration
// per batch element, the 16x16 tile cut into equal register tiles: two of 8
// rows of one zmm on AVX-512, four of 4 rows of two ymm on AVX2 (6 rows
// would leave a remainder). C's zero fill is fused into the tiles and the
// 16-step reduction unrolled: the first step's FMAs add to zero vectors, C
// is never filled in memory nor read back.

// CHECK-LABEL: func.func @monarch_stage
// CHECK-NOT:     linalg.fill
// CHECK:         scf.forall ({{.*}}) = (0, 0, 0) to (64, 16, 16) step (1, 16, 16) shared_outs
// AVX512:          scf.for %{{.*}} = %c0{{.*}} to %c16{{.*}} step %c8{{.*}} iter_args
// AVX512-NOT:        scf.for
// AVX512-COUNT-8:    vector.fma %{{.*}}, %{{.*}}, %cst{{.*}} : vector<16xf32>
// AVX512-COUNT-120:  vector.fma %{{.*}}, %{{.*}}, %{{[0-9]+}} : vector<16xf32>
// AVX512-NOT:        vector.fma
// AVX512:            vector.transfer_write {{.*}} : vector<8x16xf32>, tensor<1x8x16xf32>
// AVX2:            scf.for %{{.*}} = %c0{{.*}} to %c16{{.*}} step %c4{{.*}} iter_args
// AVX2-NOT:          scf.for
// AVX2-COUNT-4:      vector.fma %{{.*}}, %{{.*}}, %cst{{.*}} : vector<16xf32>
// AVX2-COUNT-60:     vector.fma %{{.*}}, %{{.*}}, %{{[0-9]+}} : vector<16xf32>
// AVX2-NOT:          vector.fma
// AVX2:              vector.transfer_write {{.*}} : vector<4x16xf32>, tensor<1x4x16xf32>
// CHECK-NOT:     linalg.batch_matmul
// CHECK:         return
func.func @monarch_stage(%a: tensor<64x16x16xf32>, %b: tensor<64x16x16xf32>) -> tensor<64x16x16xf32> {
  %e = tensor.empty() : tensor<64x16x16xf32>
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<64x16x16xf32>) -> tensor<64x16x16xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<64x16x16xf32>, tensor<64x16x16xf32>) outs(%c : tensor<64x16x16xf32>) -> tensor<64x16x16xf32>
  return %r : tensor<64x16x16xf32>
}

// -----

// C = A·Bᵀ: B is copied once into (k, n) order so the tile reads rows of B.

// CHECK-LABEL: func.func @transposed_b
// CHECK:         %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<256x96xf32>) outs(%{{.*}} : tensor<96x256xf32>) permutation = [1, 0]
// CHECK:         scf.forall
// CHECK:           tensor.extract_slice %[[T]]
// AVX512:          vector.fma {{.*}} : vector<64xf32>
// AVX2:            vector.fma {{.*}} : vector<16xf32>
func.func @transposed_b(%a: tensor<128x96xf32>, %b: tensor<256x96xf32>) -> tensor<128x256xf32> {
  %e = tensor.empty() : tensor<128x256xf32>
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<128x256xf32>) -> tensor<128x256xf32>
  %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<128x96xf32>, tensor<256x96xf32>) outs(%c : tensor<128x256xf32>) -> tensor<128x256xf32>
  return %r : tensor<128x256xf32>
}

// -----

// Odd sizes: n = 9 is padded to one vector (copies in, result copied back);
// 7x9x5 is too small to fork threads, so the tile loop is an scf.for. Seven
// rows are one register tile on AVX-512, six plus a one-row tile on AVX2.

// CHECK-LABEL: func.func @odd
// CHECK-NOT:     scf.forall
// CHECK:         linalg.copy ins(%{{.*}} : tensor<5x9xf32>)
// AVX512:        scf.for %{{.*}} = %c0{{.*}} to %c5 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<7x16xf32>)
// AVX512-COUNT-7:  vector.fma {{.*}} : vector<16xf32>
// AVX2:          scf.for %{{.*}} = %c0{{.*}} to %c5 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<6x16xf32>)
// AVX2-COUNT-6:    vector.fma {{.*}} : vector<16xf32>
// AVX2:          scf.for %{{.*}} = %c0{{.*}} to %c5 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (vector<1x16xf32>)
// AVX2:            vector.fma {{.*}} : vector<16xf32>
// CHECK:         %[[R:.*]] = linalg.copy ins(%{{.*}} : tensor<7x9xf32>)
// CHECK:         return %[[R]]
func.func @odd(%a: tensor<7x5xf32>, %b: tensor<5x9xf32>) -> tensor<7x9xf32> {
  %e = tensor.empty() : tensor<7x9xf32>
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<7x9xf32>) -> tensor<7x9xf32>
  %r = linalg.matmul ins(%a, %b : tensor<7x5xf32>, tensor<5x9xf32>) outs(%c : tensor<7x9xf32>) -> tensor<7x9xf32>
  return %r : tensor<7x9xf32>
}

// -----

// Inside a loop that already runs on all cores (the FFT's per-sequence
// foralls) the contraction gets no second forall.

// CHECK-LABEL: func.func @nested
// CHECK:         scf.forall
// CHECK-NOT:       scf.forall
// CHECK:           vector.fma
// CHECK:         return
func.func @nested(%a: tensor<4x64x64xf32>, %b: tensor<64x64xf32>) -> tensor<4x64x64xf32> {
  %e = tensor.empty() : tensor<4x64x64xf32>
  %r = scf.forall (%i) in (4) shared_outs(%o = %e) -> (tensor<4x64x64xf32>) {
    %ai = tensor.extract_slice %a[%i, 0, 0] [1, 64, 64] [1, 1, 1] : tensor<4x64x64xf32> to tensor<64x64xf32>
    %ei = tensor.empty() : tensor<64x64xf32>
    %z = arith.constant 0.0 : f32
    %ci = linalg.fill ins(%z : f32) outs(%ei : tensor<64x64xf32>) -> tensor<64x64xf32>
    %mi = linalg.matmul ins(%ai, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%ci : tensor<64x64xf32>) -> tensor<64x64xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %mi into %o[%i, 0, 0] [1, 64, 64] [1, 1, 1] : tensor<64x64xf32> into tensor<4x64x64xf32>
    }
  }
  return %r : tensor<4x64x64xf32>
}

// -----

// No fused fill when an input is still computed by a tileable op (a tiny
// negation that has no schedule of its own: the fusion would recompute it
// per tile) or when the reduction is too long to unroll (K = 128): the fill
// stays (here too small for a schedule of its own) and the k loop carries C.

// CHECK-LABEL: func.func @fill_kept
// CHECK:         linalg.generic
// CHECK:           arith.negf
// CHECK:         linalg.fill
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c8{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<4x16xf32>)
// CHECK-LABEL: func.func @long_reduction
// CHECK:         vector.transfer_write %cst{{.*}} : vector<16xf32>
// AVX512:        scf.for %{{.*}} = %c0{{.*}} to %c128{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<8x16xf32>)
// AVX2:          scf.for %{{.*}} = %c0{{.*}} to %c128{{.*}} step %c1{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<4x16xf32>)
func.func @fill_kept(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %neg = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<4x16xf32>
  %c = linalg.fill ins(%z : f32) outs(%e2 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %r = linalg.matmul ins(%neg, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}
func.func @long_reduction(%a: tensor<16x128xf32>, %b: tensor<128x16xf32>) -> tensor<16x16xf32> {
  %e = tensor.empty() : tensor<16x16xf32>
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<16x16xf32>) -> tensor<16x16xf32>
  %r = linalg.matmul ins(%a, %b : tensor<16x128xf32>, tensor<128x16xf32>) outs(%c : tensor<16x16xf32>) -> tensor<16x16xf32>
  return %r : tensor<16x16xf32>
}

// -----

// n = 144 = 9 vectors of 16 (AVX-512). Under a short reduction (K = 8, an FFT
// stage's) the register tile takes one vector so that it divides n: padding
// to 160 would copy B in and C out around eight multiply-adds per element.
// A long reduction (K = 128) amortizes the copies and keeps the wider tile
// (12x32, n padded to 160). AVX2's two-vector tile divides 144 in both.

// CHECK-LABEL: func.func @short_reduction_unpadded
// CHECK-NOT:     linalg.copy
// AVX512:        scf.for %{{.*}} = %c0{{.*}} to %c144{{.*}} step %c16
// AVX2:          scf.for %{{.*}} = %c0{{.*}} to %c144{{.*}} step %c16
// CHECK:         return
// CHECK-LABEL: func.func @long_reduction_padded
// AVX512:        linalg.copy ins(%{{.*}} : tensor<128x144xf32>)
// AVX512:        iter_args(%{{.*}} = %{{.*}}) -> (vector<12x32xf32>)
// AVX2-NOT:      linalg.copy
// CHECK:         return
func.func @short_reduction_unpadded(%a: tensor<96x8xf32>, %b: tensor<8x144xf32>) -> tensor<96x144xf32> {
  %e = tensor.empty() : tensor<96x144xf32>
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<96x144xf32>) -> tensor<96x144xf32>
  %r = linalg.matmul ins(%a, %b : tensor<96x8xf32>, tensor<8x144xf32>) outs(%c : tensor<96x144xf32>) -> tensor<96x144xf32>
  return %r : tensor<96x144xf32>
}
func.func @long_reduction_padded(%a: tensor<96x128xf32>, %b: tensor<128x144xf32>) -> tensor<96x144xf32> {
  %e = tensor.empty() : tensor<96x144xf32>
  %z = arith.constant 0.0 : f32
  %c = linalg.fill ins(%z : f32) outs(%e : tensor<96x144xf32>) -> tensor<96x144xf32>
  %r = linalg.matmul ins(%a, %b : tensor<96x128xf32>, tensor<128x144xf32>) outs(%c : tensor<96x144xf32>) -> tensor<96x144xf32>
  return %r : tensor<96x144xf32>
}

// -----

// Dynamic shapes have no static tiles: left to the loops of the reference
// lowering.

// CHECK-LABEL: func.func @dynamic
// CHECK:         linalg.matmul
// CHECK-NOT:     scf.forall
func.func @dynamic(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%c : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
