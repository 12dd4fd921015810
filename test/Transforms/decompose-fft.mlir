// RUN: seq-opt %s -split-input-file --seq-decompose-fft="radix=16 max-stage=64 conjugate-pairs=0" | FileCheck %s
// RUN: seq-opt %s -split-input-file --seq-decompose-fft="radix=16 max-stage=64" | FileCheck %s --check-prefix=PAIRS
// RUN: not seq-opt %s --seq-decompose-fft="radix=1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: seq-opt %s -split-input-file --seq-decompose-fft="radix=16 max-stage=64 block-bytes=262144" | FileCheck %s --check-prefix=BLOCK

// BAD: radix and max-stage must be at least 2

// 4096 = 16 x 16 x 16: three stages, each one real GEMM with the 32 x 32
// block DFT matrix, two twiddle generics between them, one transpose back
// to natural order; no 4096-point DFT matrix anywhere. The twiddles read
// the real and imaginary planes as slices (plain maps, vectorizable).
// CHECK-LABEL: func.func @pow2
// CHECK-NOT:   seq.fft
// CHECK:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<32x32xf32>, tensor<8x32x256xf32>)
// CHECK:       linalg.generic
// CHECK-SAME:  ins({{.*}} : tensor<8x16x256xf32>, tensor<8x16x256xf32>, tensor<16x256xf32>, tensor<16x256xf32>) outs({{.*}} : tensor<8x16x2x256xf32>)
// CHECK:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<32x32xf32>, tensor<128x32x16xf32>)
// CHECK:       linalg.generic
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2048x32xf32>, tensor<32x32xf32>)
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<8x16x16x2x16xf32>) {{.*}} permutation = [0, 3, 4, 2, 1]
// CHECK:       complex.create
// CHECK-NOT:   4096x4096
// With a 256 KiB block budget (16 planes of 32 KiB per row live: 0.5
// rows), the batch of 8 runs as 8 blocks of 1 row in an scf.forall, all
// stages inside.
// BLOCK-LABEL: func.func @pow2
// BLOCK:       scf.forall (%{{.*}}) in (8) shared_outs(
// BLOCK:         tensor.extract_slice %{{.*}} [1, 4096] [1, 1]
// BLOCK:         linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<9x9xf32>, tensor<2x9x256xf32>)
// BLOCK:         linalg.transpose
// BLOCK:         linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<9x9xf32>, tensor<2x9x256xf32>)
// BLOCK:         complex.create
// BLOCK:         scf.forall.in_parallel
// BLOCK-NEXT:      tensor.parallel_insert_slice %{{.*}} [1, 4096] [1, 1]
// Conjugate pairs (the default), with mirrored digits: every stage first
// forms u_a = x_a + x_{16-a} and v_a = x_a - x_{16-a} of both planes (an
// scf.for over a = 0..8; digits 0 and 8 pair with themselves), then takes
// Fr x = C u and Fi x = S v as two GEMMs (9 x 9 and 7 x 7 real rows, batch
// 2 x 8) instead of one 16 x 16. The combine + twiddle is one generic for
// p = 0, one for p = 1..7 (Fr rows 1..7 and Fi rows 0..6 of both planes,
// twiddle rows 1..7), one for p = 8, and an scf.for over q = 1..7 writing
// digit 16 - q from Fr row q and Fi row q - 1. The last stage runs after
// the transpose, along the 256 natural-order points, its combine writing
// (re, im) planes in front.
// PAIRS-DAG:   #[[$MIRROR:.*]] = affine_map<(d0) -> ((-d0) mod 16)>
// PAIRS-DAG:   #[[$FI_ROW:.*]] = affine_map<(d0) -> (d0 - 1)>
// PAIRS-DAG:   #[[$DIGIT:.*]] = affine_map<(d0) -> (-d0 + 16)>
// PAIRS-LABEL: func.func @pow2
// PAIRS-NOT:   tensor<32x32xf32>
// PAIRS-NOT:   tensor<16x16xf32>
// PAIRS:       scf.for %[[A:.*]] = %c0{{.*}} to %c9
// PAIRS:         %[[MA:.*]] = affine.apply #[[$MIRROR]](%[[A]])
// PAIRS:         tensor.extract_slice %{{.*}}[0, %[[A]], 0] [16, 1, 256]
// PAIRS:         tensor.extract_slice %{{.*}}[0, %[[MA]], 0] [16, 1, 256]
// PAIRS:         linalg.generic
// PAIRS:           arith.addf
// PAIRS:           arith.subf
// PAIRS:         tensor.insert_slice %{{.*}}[0, 0, %[[A]], 0] [16, 2, 1, 256]
// PAIRS:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<9x9xf32>, tensor<16x9x256xf32>)
// PAIRS:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<7x7xf32>, tensor<16x7x256xf32>)
// PAIRS:       tensor.extract_slice %{{.*}}[0, 0, 0, 0] [8, 1, 1, 256]
// PAIRS:       linalg.generic
// PAIRS-SAME:    outs(%{{.*}} : tensor<8x1x2x256xf32>)
// PAIRS:       tensor.extract_slice %[[FR:.*]][0, 0, 1, 0] [8, 1, 7, 256] {{.*}} : tensor<8x2x9x256xf32>
// PAIRS:       tensor.extract_slice %[[FI:.*]][0, 0, 0, 0] [8, 1, 7, 256] {{.*}} : tensor<8x2x7x256xf32>
// PAIRS:       linalg.generic
// PAIRS-SAME:    ins({{.*}} : tensor<8x7x256xf32>, tensor<8x7x256xf32>, tensor<8x7x256xf32>, tensor<8x7x256xf32>, tensor<7x256xf32>, tensor<7x256xf32>) outs(%{{.*}} : tensor<8x7x2x256xf32>)
// PAIRS:       arith.subf
// PAIRS:       arith.addf
// PAIRS:       tensor.extract_slice %[[FR]][0, 0, 8, 0] [8, 1, 1, 256]
// PAIRS:       scf.for %[[Q:.*]] = %c1{{.*}} to %c8
// PAIRS:         %[[FI_Q:.*]] = affine.apply #[[$FI_ROW]](%[[Q]])
// PAIRS:         %[[MQ:.*]] = affine.apply #[[$DIGIT]](%[[Q]])
// PAIRS:         tensor.extract_slice %[[FR]][0, 0, %[[Q]], 0] [8, 1, 1, 256]
// PAIRS:         tensor.extract_slice %[[FI]][0, 0, %[[FI_Q]], 0] [8, 1, 1, 256]
// PAIRS:         linalg.generic
// PAIRS:         tensor.insert_slice %{{.*}}[0, %[[MQ]], 0, 0] [8, 1, 2, 256]
// PAIRS:       scf.for %{{.*}} = %c0{{.*}} to %c9
// PAIRS:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<9x9xf32>, tensor<256x9x16xf32>)
// PAIRS:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<7x7xf32>, tensor<256x7x16xf32>)
// PAIRS:       scf.for
// PAIRS-NOT:   tensor<32x32xf32>
// PAIRS:       linalg.transpose ins(%{{.*}} : tensor<8x16x16x2x16xf32>) {{.*}} permutation = [0, 3, 4, 2, 1]
// PAIRS:       scf.for %{{.*}} = %c0{{.*}} to %c9
// PAIRS:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<9x9xf32>, tensor<16x9x256xf32>)
// PAIRS:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<7x7xf32>, tensor<16x7x256xf32>)
// PAIRS:       linalg.generic
// PAIRS-SAME:    outs(%{{.*}} : tensor<8x2x1x256xf32>)
// PAIRS:       scf.for
// PAIRS:         tensor.insert_slice %{{.*}} [8, 2, 1, 256]
// PAIRS:       complex.create
// A single transform is not cut.
// BLOCK-LABEL: func.func @mixed
// BLOCK-NOT:   scf.forall
func.func @pow2(%x: tensor<8x4096xcomplex<f32>>) -> tensor<8x4096xcomplex<f32>> {
  %e = tensor.empty() : tensor<8x4096xcomplex<f32>>
  %y = seq.fft ins(%x : tensor<8x4096xcomplex<f32>>) outs(%e : tensor<8x4096xcomplex<f32>>) -> tensor<8x4096xcomplex<f32>>
  return %y : tensor<8x4096xcomplex<f32>>
}

// -----

// 2048 = 8 x 16 x 16 runs as 16 x 8 x 16: the digit-reversal transpose then
// moves 16 x 16 tiles (the first stage's digit contiguous in its output,
// the last stage's in its input), whole cache lines on both sides.
// CHECK-LABEL: func.func @stage_order
// CHECK:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<32x32xf32>, tensor<4x32x128xf32>)
// CHECK:       linalg.batch_matmul {{.*}}ins(%{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<64x16x16xf32>)
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<512x32xf32>, tensor<32x32xf32>)
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<4x16x8x2x16xf32>) {{.*}} permutation = [0, 3, 4, 2, 1]
func.func @stage_order(%x: tensor<4x2048xcomplex<f32>>) -> tensor<4x2048xcomplex<f32>> {
  %0 = tensor.empty() : tensor<4x2048xcomplex<f32>>
  %1 = seq.fft ins(%x : tensor<4x2048xcomplex<f32>>) outs(%0 : tensor<4x2048xcomplex<f32>>) -> tensor<4x2048xcomplex<f32>>
  return %1 : tensor<4x2048xcomplex<f32>>
}

// -----

// Mixed radix: 6000 = 4 x 10 x 10 x 15 in f64, the smallest stage first so
// that every GEMM but the last runs along at least 15 points.
// CHECK-LABEL: func.func @mixed
// Pairs of every stage size: 4 (one mirrored digit), 10 (four), and the
// odd last stage 15 (seven; no p = N/2 row) after the transpose. Stages
// below 16 points take their digits as they are (no mirrored sums).
// PAIRS-LABEL: func.func @mixed
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<4x4xf64>, tensor<2x4x1500xf64>)
// PAIRS:       scf.for %{{.*}} = %c1{{[_0-9]*}} to %c2{{[_0-9]*}} step
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<10x10xf64>, tensor<8x10x150xf64>)
// PAIRS:       scf.for %{{.*}} to %c5{{[_0-9]*}} step
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<10x10xf64>, tensor<80x10x15xf64>)
// PAIRS:       linalg.transpose
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<15x15xf64>, tensor<2x15x400xf64>)
// PAIRS:       scf.for %{{.*}} to %c8{{[_0-9]*}} step
// PAIRS:       complex.create
// CHECK-NOT:   seq.ifft
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xf64>, tensor<8x1500xf64>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<20x20xf64>, tensor<4x20x150xf64>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<20x20xf64>, tensor<40x20x15xf64>)
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<400x30xf64>, tensor<30x30xf64>)
// CHECK:       linalg.transpose
// CHECK-NOT:   6000x6000
func.func @mixed(%x: tensor<6000xcomplex<f64>>) -> tensor<6000xcomplex<f64>> {
  %e = tensor.empty() : tensor<6000xcomplex<f64>>
  %y = seq.ifft ins(%x : tensor<6000xcomplex<f64>>) outs(%e : tensor<6000xcomplex<f64>>) -> tensor<6000xcomplex<f64>>
  return %y : tensor<6000xcomplex<f64>>
}

// -----

// A prime above max-stage: Bluestein. The chirp is computed at run time
// (math.cos); the convolution of size 131072 = 8 x 8 x 8 x 16 x 16 is done
// on the stages, the filter's spectrum once (batch 1: linalg.matmul), the
// data's first GEMM contracting only the 4 nonzero leading digits (8 of 16
// columns), the inverse keeping 4 of 8 output digits.
// CHECK-LABEL: func.func @prime
// Rows of 65521 points are above the 256 KiB block budget: blocks of one
// row (Bluestein inside each).
// BLOCK-LABEL: func.func @prime
// BLOCK:       scf.forall (%{{.*}}) in (2) shared_outs(
// BLOCK:         tensor.extract_slice %{{.*}} [1, 65521] [1, 1]
// BLOCK:         math.cos
// BLOCK-LABEL: func.func @real
// CHECK-NOT:   seq.fft
// CHECK:       math.cos
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x16384xf32>)
// CHECK:       tensor.pad
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x8xf32>, tensor<2x8x16384xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<8x16xf32>, tensor<2x16x16384xf32>)
// CHECK-NOT:   65521x65521
func.func @prime(%x: tensor<2x65521xcomplex<f32>>) -> tensor<2x65521xcomplex<f32>> {
  %e = tensor.empty() : tensor<2x65521xcomplex<f32>>
  %y = seq.fft ins(%x : tensor<2x65521xcomplex<f32>>) outs(%e : tensor<2x65521xcomplex<f32>>) -> tensor<2x65521xcomplex<f32>>
  return %y : tensor<2x65521xcomplex<f32>>
}

// -----

// rfft of 1024 real points: the even/odd samples become the two planes of
// a 512-point complex transform (8 x 8 x 8), then one generic separates
// the halves.
// CHECK-LABEL: func.func @real
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<4x512x2xf32>) {{.*}} permutation = [0, 2, 1]
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<4x16x64xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<32x16x8xf32>)
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<256x16xf32>, tensor<16x16xf32>)
// CHECK:       linalg.generic
// CHECK-SAME:  outs(%{{.*}} : tensor<4x1x512xcomplex<f32>>)
func.func @real(%x: tensor<4x1024xf32>) -> tensor<4x513xcomplex<f32>> {
  %e = tensor.empty() : tensor<4x513xcomplex<f32>>
  %y = seq.rfft ins(%x : tensor<4x1024xf32>) outs(%e : tensor<4x513xcomplex<f32>>) -> tensor<4x513xcomplex<f32>>
  return %y : tensor<4x513xcomplex<f32>>
}

// -----

// irfft of an even length packs the half spectrum into a 512-point complex
// transform whose planes are interleaved by a transpose.
// CHECK-LABEL: func.func @inverse_real
// CHECK-NOT:   seq.irfft
// CHECK:       linalg.matmul
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<4x2x512xf32>) {{.*}} permutation = [0, 2, 1]
func.func @inverse_real(%x: tensor<4x513xcomplex<f32>>) -> tensor<4x1024xf32> {
  %e = tensor.empty() : tensor<4x1024xf32>
  %y = seq.irfft ins(%x : tensor<4x513xcomplex<f32>>) outs(%e : tensor<4x1024xf32>) -> tensor<4x1024xf32>
  return %y : tensor<4x1024xf32>
}

// -----

// Small N is a single DFT GEMM; dynamic shapes stay for the reference
// lowering.
// CHECK-LABEL: func.func @small_and_dynamic
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x14xf32>, tensor<14x14xf32>)
// CHECK:       seq.fft ins(%{{.*}} : tensor<?x16xcomplex<f32>>)
func.func @small_and_dynamic(%x: tensor<3x7xcomplex<f32>>, %d: tensor<?x16xcomplex<f32>>)
    -> (tensor<3x7xcomplex<f32>>, tensor<?x16xcomplex<f32>>) {
  %e = tensor.empty() : tensor<3x7xcomplex<f32>>
  %y = seq.fft ins(%x : tensor<3x7xcomplex<f32>>) outs(%e : tensor<3x7xcomplex<f32>>) -> tensor<3x7xcomplex<f32>>
  %z = seq.fft ins(%d : tensor<?x16xcomplex<f32>>) outs(%d : tensor<?x16xcomplex<f32>>) -> tensor<?x16xcomplex<f32>>
  return %y, %z : tensor<3x7xcomplex<f32>>, tensor<?x16xcomplex<f32>>
}

// -----

// Rows that outgrow block-bytes (a 64K-point row keeps ~2 MiB live): one
// row per block, and after the first stage (the pair GEMMs over the row's
// two planes) the row is 16 independent 4096-point transforms, run in an
// scf.for over eight groups of 2 whose remaining stages stay in cache
// (four-step); each group's digit-reversed output rows are a contiguous
// slice. The last stage, as conjugate pairs, waits for the transpose (the
// group's result is its input). The inverse stages of a convolution mirror
// the split (decompose-long-conv.mlir).
// BLOCK-LABEL: func.func @split_rows
// BLOCK:       scf.forall (%{{.*}}) in (2) shared_outs(
// BLOCK:         linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<2x9x4096xf32>)
// BLOCK:         linalg.batch_matmul {{.*}} : tensor<7x7xf32>, tensor<2x7x4096xf32>)
// BLOCK:         scf.for %{{.*}} = %{{.*}} to %c8{{.*}} iter_args(%{{.*}} = %{{.*}}) -> (tensor<4096x2x16x1xf32>)
// BLOCK:           tensor.extract_slice %{{.*}}[%{{.*}}, 0, 0, 0] [2, 2, 4096, 1]
// BLOCK:           linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<4x9x256xf32>)
// BLOCK:           linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<64x9x16xf32>)
// BLOCK:           tensor.insert_slice %{{.*}}[%{{.*}}, 0, 0, 0] [512, 2, 16, 1]
// BLOCK:         linalg.transpose
// BLOCK:         linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<2x9x4096xf32>)
// BLOCK:         scf.forall.in_parallel
func.func @split_rows(%x: tensor<2x65536xcomplex<f32>>) -> tensor<2x65536xcomplex<f32>> {
  %e = tensor.empty() : tensor<2x65536xcomplex<f32>>
  %y = seq.fft ins(%x : tensor<2x65536xcomplex<f32>>) outs(%e : tensor<2x65536xcomplex<f32>>)
      -> tensor<2x65536xcomplex<f32>>
  return %y : tensor<2x65536xcomplex<f32>>
}
