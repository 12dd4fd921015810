// RUN: seq-opt %s --split-input-file --seq-apply-schedules='target=x86-64-avx512' | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: seq-opt %s --split-input-file --seq-apply-schedules='target=x86-64-avx2' | FileCheck %s --check-prefixes=CHECK,AVX2

// An elementwise op large enough for threads (512 x 1000 points): 16 row
// tiles in one scf.forall (2 per core of the 8-core models), one row at a
// time, 4 vectors at a time (64 f32 on AVX-512, 32 on AVX2), the 1000 mod V
// columns peeled into a static tail, no scalar loop left.

// CHECK-LABEL: func.func @silu
// CHECK:         scf.forall ({{.*}}) in (16)
// CHECK:           scf.for %{{.*}} = %c0 to %c32 step %c1
// AVX512:            scf.for %{{.*}} = %c0 to %c960 step %c64
// AVX512:              math.exp %{{.*}} : vector<64xf32>
// AVX512:            math.exp %{{.*}} : vector<40xf32>
// AVX2:              scf.for %{{.*}} = %c0 to %c992 step %c32
// AVX2:                math.exp %{{.*}} : vector<32xf32>
// AVX2:              math.exp %{{.*}} : vector<8xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @silu(%x: tensor<512x1000xf32>) -> tensor<512x1000xf32> {
  %e = tensor.empty() : tensor<512x1000xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<512x1000xf32>) outs(%e : tensor<512x1000xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    %ex = math.exp %n : f32
    %one = arith.constant 1.0 : f32
    %d = arith.addf %one, %ex : f32
    %s = arith.divf %a, %d : f32
    linalg.yield %s : f32
  } -> tensor<512x1000xf32>
  return %r : tensor<512x1000xf32>
}

// -----

// A row sum (the reduction innermost, 64 x 1000 points: one core): each
// row is read in vector tiles accumulated into a vector of partial sums
// carried in registers, reduced once per row.

// CHECK-LABEL: func.func @rowsum
// CHECK-NOT:     scf.forall
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c1
// AVX512:          scf.for %{{.*}} = %c0{{.*}} to %c960 step %c64{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<1x64xf32>)
// AVX512:            arith.addf %{{.*}}, %{{.*}} : vector<64xf32>
// AVX2:            scf.for %{{.*}} = %c0{{.*}} to %c992 step %c32{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<1x32xf32>)
// AVX2:              arith.addf %{{.*}}, %{{.*}} : vector<32xf32>
// CHECK:           vector.reduction <add>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @rowsum(%x: tensor<64x1000xf32>, %s0: tensor<64xf32>) -> tensor<64xf32> {
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<64x1000xf32>) outs(%s0 : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<64xf32>
  return %s : tensor<64xf32>
}

// -----

// A column sum (the reduction outermost): vectors along the columns, rows
// added one at a time.

// CHECK-LABEL: func.func @colsum
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c64{{.*}} step %c1
// AVX512:          arith.addf %{{.*}}, %{{.*}} : vector<64xf32>
// AVX2:            arith.addf %{{.*}}, %{{.*}} : vector<32xf32>
// CHECK-NOT:     linalg.generic
// CHECK:         return
func.func @colsum(%x: tensor<64x1000xf32>, %s0: tensor<1000xf32>) -> tensor<1000xf32> {
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<64x1000xf32>) outs(%s0 : tensor<1000xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<1000xf32>
  return %s : tensor<1000xf32>
}

// -----

// Fewer than 256 points: left to the reference loops.

// CHECK-LABEL: func.func @tiny
// CHECK:         linalg.generic
// CHECK-NOT:     vector.transfer_read
func.func @tiny(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.mulf %a, %a : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// math.atan has no vector code (it would become libm calls after the vector
// lowering): left to the reference loops.

// CHECK-LABEL: func.func @atan
// CHECK:         linalg.generic
// CHECK:           math.atan %{{.*}} : f32
// CHECK-NOT:     vector.transfer_read
func.func @atan(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = math.atan %a : f32
    linalg.yield %s : f32
  } -> tensor<64x64xf32>
  return %r : tensor<64x64xf32>
}

// -----

// A named transpose that moves the innermost dimension (the FFT's
// re/im planes, 6x128x2 -> 6x2x128): a strided read of 64 elements written
// as one vector per row. (The lowering and canonicalization patterns once
// rewrote this transpose of a vector with a unit dimension forever.)

// CHECK-LABEL: func.func @transpose_planes
// AVX512:        scf.for %{{.*}} = %c0{{.*}} to %c128 step %c64
// AVX512:          vector.transfer_read {{.*}} : tensor<1x64x1xf32>, vector<64x1xf32>
// AVX512:          vector.transfer_write {{.*}} : vector<64xf32>, tensor<1x1x64xf32>
// AVX2:          scf.for %{{.*}} = %c0{{.*}} to %c128 step %c32
// AVX2:            vector.transfer_read {{.*}} : tensor<1x32x1xf32>, vector<32x1xf32>
// AVX2:            vector.transfer_write {{.*}} : vector<32xf32>, tensor<1x1x32xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         return
func.func @transpose_planes(%x: tensor<6x128x2xf32>) -> tensor<6x2x128xf32> {
  %e = tensor.empty() : tensor<6x2x128xf32>
  %r = linalg.transpose ins(%x : tensor<6x128x2xf32>) outs(%e : tensor<6x2x128xf32>) permutation = [0, 2, 1]
  return %r : tensor<6x2x128xf32>
}

// -----

// A boolean operand keeps the scalar loops: LLVM would load a vector of i1
// as packed bits, but seq stores booleans one per byte.

// CHECK-LABEL: func.func @select_mask
// CHECK-NOT:     vector.
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
// CHECK:         return
func.func @select_mask(%m: tensor<64x256xi1>, %a: tensor<64x256xi32>, %b: tensor<64x256xi32>) -> tensor<64x256xi32> {
  %e = tensor.empty() : tensor<64x256xi32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %a, %b : tensor<64x256xi1>, tensor<64x256xi32>, tensor<64x256xi32>) outs(%e : tensor<64x256xi32>) {
  ^bb0(%c: i1, %x: i32, %y: i32, %o: i32):
    %s = arith.select %c, %x, %y : i32
    linalg.yield %s : i32
  } -> tensor<64x256xi32>
  return %r : tensor<64x256xi32>
}

// -----

// A transpose of the innermost dimension with room for square tiles: lanes
// x lanes blocks read along one dimension, transposed in registers and
// written along the other (16 x 16 on AVX-512, 8 x 8 on AVX2), instead of
// one strided element per lane. The register transposes are whole-vector
// shuffles (the 16x16 and the AVX2 8x8 sequences), not element moves.

// CHECK-LABEL: func.func @transpose_square
// AVX512:        vector.transfer_read {{.*}} : tensor<16x16xf32>, vector<16x16xf32>
// AVX512-NOT:    f32 from vector<16x16xf32>
// AVX512:        vector.shuffle {{.*}} : vector<16xf32>, vector<16xf32>
// AVX512-NOT:    f32 from vector<16x16xf32>
// AVX512:        vector.transfer_write {{.*}} : vector<16x16xf32>, tensor<16x16xf32>
// AVX2:          vector.transfer_read {{.*}} : tensor<8x8xf32>, vector<8x8xf32>
// AVX2-NOT:      f32 from vector<8x8xf32>
// AVX2:          vector.shuffle {{.*}} : vector<8xf32>, vector<8xf32>
// AVX2-NOT:      f32 from vector<8x8xf32>
// AVX2:          vector.transfer_write {{.*}} : vector<8x8xf32>, tensor<8x8xf32>
// CHECK-NOT:     linalg.transpose
// CHECK:         return
func.func @transpose_square(%x: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %e = tensor.empty() : tensor<64x64xf32>
  %r = linalg.transpose ins(%x : tensor<64x64xf32>) outs(%e : tensor<64x64xf32>) permutation = [1, 0]
  return %r : tensor<64x64xf32>
}

// -----

// Complex numbers have no vectors: the planes of a batch of complex rows (an
// FFT's input) keep scalar loops, but in parallel tiles over the cores.

// CHECK-LABEL: func.func @complex_planes
// CHECK:         scf.forall ({{.*}}) in (16)
// CHECK:           linalg.generic
// CHECK:             complex.re
// CHECK-NOT:     vector.
// CHECK:         return
func.func @complex_planes(%x: tensor<256x512xcomplex<f32>>) -> tensor<256x2x512xf32> {
  %e = tensor.empty() : tensor<256x2x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b, c) -> (a, c)>, affine_map<(a, b, c) -> (a, b, c)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<256x512xcomplex<f32>>) outs(%e : tensor<256x2x512xf32>) {
  ^bb0(%in: complex<f32>, %o: f32):
    %re = complex.re %in : complex<f32>
    %im = complex.im %in : complex<f32>
    %i = linalg.index 1 : index
    %c0 = arith.constant 0 : index
    %is = arith.cmpi eq, %i, %c0 : index
    %s = arith.select %is, %re, %im : f32
    linalg.yield %s : f32
  } -> tensor<256x2x512xf32>
  return %r : tensor<256x2x512xf32>
}

// -----

// A constant in an indexing map (a fixed plane) is rejected by the linalg
// vectorizer: such an op, too small for threads, keeps its loops. The FFT
// builders read planes through slices instead (plain maps).

// CHECK-LABEL: func.func @plane_constants
// CHECK:         linalg.generic
// CHECK-NOT:     vector.
// CHECK:         return
func.func @plane_constants(%x: tensor<8x2x256xf32>) -> tensor<8x256xf32> {
  %e = tensor.empty() : tensor<8x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(a, b) -> (a, 0, b)>, affine_map<(a, b) -> (a, 1, b)>, affine_map<(a, b) -> (a, b)>], iterator_types = ["parallel", "parallel"]}
      ins(%x, %x : tensor<8x2x256xf32>, tensor<8x2x256xf32>) outs(%e : tensor<8x256xf32>) {
  ^bb0(%re: f32, %im: f32, %o: f32):
    %m = arith.mulf %re, %im : f32
    linalg.yield %m : f32
  } -> tensor<8x256xf32>
  return %r : tensor<8x256xf32>
}
