// RUN: seq-opt %s -split-input-file --seq-decompose-long-conv="radix=16 max-stage=64 conjugate-pairs=0" | FileCheck %s
// RUN: seq-opt %s -split-input-file --seq-decompose-long-conv="radix=16 max-stage=64" | FileCheck %s --check-prefix=PAIRS
// RUN: seq-opt %s -split-input-file --seq-decompose-long-conv="radix=16 block-size=128" | FileCheck %s --check-prefix=BLOCK
// RUN: seq-opt %s -split-input-file --seq-decompose-long-conv="radix=16 max-stage=64 cache-bytes=1048576" | FileCheck %s --check-prefix=ROWS
// RUN: not seq-opt %s --seq-decompose-long-conv="direct-tap-cost=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: direct-tap-cost positive

// A filter as long as the sequence: one FFT of size 2048, the power of two
// >= 2L - 1 (stages 16 x 16 x 8; smooth sizes such as 2000 = 10 x 10 x 10 x
// 2 pad less but run slower), along L of the (B, L, C) data, channels
// trailing. The 64 channels travel as 32 complex signals (channel c and
// c + 32 as real and imaginary parts), so the first data GEMM is complex
// (32 x 16: the 8 leading 16-point digits that hold the 1000 inputs, both
// planes) over 32 lanes; the filters are paired the same way (channel c +
// i channel c + 32, read by tap straight from the (C, K) filter, no
// transpose) and transformed once by the same stages for all 64 channels;
// the product separates both pairs through the partner frequency -f, one
// generic per leading nonzero digit;
// the inverse stages keep the 8 leading output digits of both planes
// (16 x 32), and a transpose puts the planes back as channels. The skip
// term is fused in the epilogue. No O(L^2) loop remains.
// CHECK-LABEL: func.func @fft_whole
// CHECK-NOT:   seq.long_conv
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<1x1000x2x32xf32>) {{.*}} permutation = [0, 2, 1, 3]
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x16xf32>, tensor<16x4096xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<32x32xf32>, tensor<16x32x256xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<256x16x32xf32>)
// CHECK-NOT:   linalg.transpose
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x16xf32>, tensor<16x4096xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<32x32xf32>, tensor<16x32x256xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<256x16x32xf32>)
// CHECK:       tensor.insert_slice {{.*}} : tensor<1x15x16x2x8x32xf32> into tensor<1x16x16x2x8x32xf32>
// CHECK:       tensor.insert_slice {{.*}} : tensor<1x1x15x2x8x32xf32> into tensor<1x16x16x2x8x32xf32>
// CHECK:       tensor.insert_slice {{.*}} : tensor<1x1x1x2x7x32xf32> into tensor<1x16x16x2x8x32xf32>
// CHECK:       tensor.insert_slice {{.*}} : tensor<1x1x1x2x1x32xf32> into tensor<1x16x16x2x8x32xf32>
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<256x16x32xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<32x32xf32>, tensor<16x32x256xf32>)
// CHECK:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x32xf32>, tensor<32x4096xf32>)
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<1x2x1000x32xf32>) {{.*}} permutation = [0, 2, 1, 3]
// CHECK:       linalg.generic
// CHECK-SAME:  outs(%{{.*}} : tensor<1x1000x64xf32>)
// CHECK-NOT:   reduction
// With conjugate pairs (the default), the forward stages of the full radix
// (16) but the last run each plane apart against the 16 real rows (Fr p =
// 0..8, Fi p = 1..7; the first GEMMs of the data and of the paired filters
// read their two planes as a batch of 2) with the mirrored digits in an
// scf.for of 7. The first stage reads the zero-extended half of its digits
// (16 x 8); the second has all 16, so it pairs its columns too: sums and
// differences of digits a and 16 - a (an scf.for of 9), then a 9 x 9 and a
// 7 x 7 GEMM. The 8-point stage and the inverse stages keep the block
// matrices.
// PAIRS-LABEL: func.func @fft_whole
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<16x8xf32>, tensor<2x8x4096xf32>)
// PAIRS:       scf.for %{{.*}} = %c1{{[_0-9]*}} to %c8{{[_0-9]*}} step
// PAIRS:       scf.for %{{.*}} = %c0{{[_0-9]*}} to %c9{{[_0-9]*}} step
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<32x9x256xf32>)
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<7x7xf32>, tensor<32x7x256xf32>)
// PAIRS:       scf.for %{{.*}} = %c1{{[_0-9]*}} to %c8{{[_0-9]*}} step
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<256x16x32xf32>)
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<16x8xf32>, tensor<2x8x4096xf32>)
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<32x9x256xf32>)
// PAIRS:       linalg.batch_matmul {{.*}} : tensor<7x7xf32>, tensor<32x7x256xf32>)
// PAIRS:       linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x32xf32>, tensor<32x4096xf32>)
// With cache-bytes, the channel pairs become rows: one transpose to
// (32, 2, 1000), then blocks of 16 pair rows (two blocks, one per core)
// each transform their data and their own filters (channel j + i channel
// j + 32 as one complex row per pair, like the data), multiply and
// transform back inside one scf.forall; a transpose
// puts the channels last again.
// ROWS-LABEL: func.func @fft_whole
// ROWS:       linalg.transpose ins(%{{.*}} : tensor<1x1000x2x32xf32>) {{.*}} permutation = [0, 3, 2, 1]
// ROWS:       scf.forall (%{{.*}}) in (2) shared_outs(
// ROWS:         tensor.extract_slice %{{.*}} [16, 2, 1000, 1] [1, 1, 1, 1]
// ROWS:         linalg.batch_matmul {{.*}} : tensor<16x8xf32>, tensor<16x8x256xf32>)
// ROWS:         tensor.extract_slice %{{.*}} [16, 1000] [1, 1] : tensor<64x1000xf32> to tensor<16x1000xf32>
// ROWS:         tensor.extract_slice %{{.*}} [16, 1000] [1, 1] : tensor<64x1000xf32> to tensor<16x1000xf32>
// ROWS:         linalg.generic
// ROWS-SAME:      outs(%{{.*}} : tensor<16x2x1000xf32>)
// ROWS:         linalg.batch_matmul {{.*}} : tensor<16x8xf32>, tensor<16x8x256xf32>)
// ROWS:         scf.forall.in_parallel
// ROWS:       linalg.transpose ins(%{{.*}} : tensor<1x32x2x1000xf32>) {{.*}} permutation = [0, 3, 2, 1]
// Overlap-add (several blocks) keeps the channels last.
// ROWS-LABEL: func.func @overlap_add
// ROWS-NOT:   scf.forall
// ROWS-LABEL: func.func @methods
func.func @fft_whole(%u: tensor<1x1000x64xf32>, %k: tensor<64x1000xf32>, %d: tensor<64xf32>) -> tensor<1x1000x64xf32> {
  %e = tensor.empty() : tensor<1x1000x64xf32>
  %y = seq.long_conv ins(%u, %k : tensor<1x1000x64xf32>, tensor<64x1000xf32>) skip(%d : tensor<64xf32>)
      outs(%e : tensor<1x1000x64xf32>) -> tensor<1x1000x64xf32>
  return %y : tensor<1x1000x64xf32>
}

// -----

// A short filter: the direct tap reduction over the front-padded input,
// channels innermost; a bf16 input is computed in f32 and rounded back.
// CHECK-LABEL: func.func @short_filter
// CHECK:       tensor.pad %{{.*}} low[0, 3, 0] high[0, 0, 0]
// CHECK:       linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
// CHECK-SAME:  ins(%{{.*}}, %{{.*}} : tensor<2x4099x8xf32>, tensor<4x8xf32>)
// CHECK:       arith.truncf {{.*}} : f32 to bf16
func.func @short_filter(%u: tensor<2x4096x8xbf16>, %k: tensor<8x4xf32>) -> tensor<2x4096x8xbf16> {
  %e = tensor.empty() : tensor<2x4096x8xbf16>
  %y = seq.long_conv ins(%u, %k : tensor<2x4096x8xbf16>, tensor<8x4xf32>) outs(%e : tensor<2x4096x8xbf16>) -> tensor<2x4096x8xbf16>
  return %y : tensor<2x4096x8xbf16>
}

// -----

// A filter much shorter than the sequence (K = 1024, L = 20000): overlap-add
// of FFTs of 8192 = 8 x 8 x 8 x 16 (smallest stage first: one channel pair
// per transform, so the stages' runs must come from the later digits) on 3
// blocks of 7169 inputs, the two channels as one complex signal (7169
// inputs fill all 8 leading digits of the first GEMM, both planes), the
// 1023-output tails added to the next block, gates fused.
// CHECK-LABEL: func.func @overlap_add
// CHECK:       linalg.generic
// CHECK-SAME:  outs(%{{.*}} : tensor<1x20000x2xf32>)
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<3x7169x2x1xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<3x16x1024xf32>)
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>, tensor<24x16x128xf32>)
// CHECK:       tensor.insert_slice {{.*}} [1, 2, 1023, 2] [1, 1, 1, 1] : tensor<1x2x1023x2xf32> into tensor<1x3x7169x2xf32>
// CHECK:       linalg.generic
// CHECK-SAME:  outs(%{{.*}} : tensor<1x3x7169x2xf32>)
// CHECK:       linalg.generic
// CHECK-SAME:  outs(%{{.*}} : tensor<1x20000x2xf32>)
func.func @overlap_add(%u: tensor<1x20000x2xf32>, %k: tensor<2x1024xf32>, %pre: tensor<1x20000x2xf32>,
                       %post: tensor<1x20000x2xf32>) -> tensor<1x20000x2xf32> {
  %e = tensor.empty() : tensor<1x20000x2xf32>
  %y = seq.long_conv ins(%u, %k : tensor<1x20000x2xf32>, tensor<2x1024xf32>) pregate(%pre : tensor<1x20000x2xf32>)
      postgate(%post : tensor<1x20000x2xf32>) outs(%e : tensor<1x20000x2xf32>) -> tensor<1x20000x2xf32>
  return %y : tensor<1x20000x2xf32>
}

// -----

// `method` overrides the rule; block-size forces the overlap-add block
// (FFT size 128: blocks of 125 inputs for K = 4).
// CHECK-LABEL: func.func @methods
// CHECK:       linalg.generic {{.*}}"reduction"
// CHECK:       linalg.batch_matmul
// BLOCK-LABEL: func.func @methods
// BLOCK:       linalg.generic {{.*}}"reduction"
// BLOCK:       linalg.batch_matmul
// BLOCK:       tensor.insert_slice {{.*}} : tensor<1x3x3x4xf32> into tensor<1x4x125x4xf32>
func.func @methods(%u: tensor<1x500x4xf32>, %k: tensor<4x400xf32>, %k4: tensor<4x4xf32>)
    -> (tensor<1x500x4xf32>, tensor<1x500x4xf32>, tensor<1x500x4xf32>) {
  %e = tensor.empty() : tensor<1x500x4xf32>
  %a = seq.long_conv ins(%u, %k : tensor<1x500x4xf32>, tensor<4x400xf32>) outs(%e : tensor<1x500x4xf32>)
      {method = #seq.conv_method<direct>} -> tensor<1x500x4xf32>
  %b = seq.long_conv ins(%u, %k4 : tensor<1x500x4xf32>, tensor<4x4xf32>) outs(%e : tensor<1x500x4xf32>)
      {method = #seq.conv_method<fft>} -> tensor<1x500x4xf32>
  %c = seq.long_conv ins(%u, %k4 : tensor<1x500x4xf32>, tensor<4x4xf32>) outs(%e : tensor<1x500x4xf32>)
      -> tensor<1x500x4xf32>
  return %a, %b, %c : tensor<1x500x4xf32>, tensor<1x500x4xf32>, tensor<1x500x4xf32>
}

// -----

// A precomputed spectrum (n = 2048, stages 16 x 16 x 8 channels last, 8 x
// 16 x 16 in pair rows): only the data's transforms remain, three forward
// and three inverse GEMMs; the filter's bins are gathered straight into the
// digit-reversed layout (tensor.extract of the spectrum, its conjugate
// above n/2), channel c and c + 32 as one complex filter K + i M: one
// gather for all 64 channels (32 lanes), or one per block of pair rows.
// CHECK-LABEL: func.func @spectrum
// CHECK-COUNT-3: linalg.{{(batch_)?}}matmul
// CHECK-NOT:     linalg.{{(batch_)?}}matmul
// CHECK:         linalg.generic {{.*}} outs(%{{.*}} : tensor<1x16x16x2x8x32xf32>)
// CHECK:           tensor.extract %arg1[{{.*}}] : tensor<64x1025xcomplex<f32>>
// CHECK:           tensor.extract %arg1[{{.*}}] : tensor<64x1025xcomplex<f32>>
// CHECK-NOT:     linalg.{{(batch_)?}}matmul
// CHECK-COUNT-3: linalg.{{(batch_)?}}matmul
// CHECK-NOT:     linalg.{{(batch_)?}}matmul
// CHECK:         return
// In pair rows the forward's middle stage (all 16 digits present) is the
// two GEMMs of its mirrored digits' sums and differences.
// ROWS-LABEL:    func.func @spectrum
// ROWS:          scf.forall (%{{.*}}) in (2) shared_outs(
// ROWS-COUNT-4:    linalg.{{(batch_)?}}matmul
// ROWS-NOT:        linalg.{{(batch_)?}}matmul
// ROWS:            linalg.generic {{.*}} outs(%{{.*}} : tensor<16x8x16x2x16x1xf32>)
// ROWS:              tensor.extract %arg1[{{.*}}] : tensor<64x1025xcomplex<f32>>
// ROWS:              tensor.extract %arg1[{{.*}}] : tensor<64x1025xcomplex<f32>>
// ROWS-NOT:          linalg.generic {{.*}} outs(%{{.*}} : tensor<16x8x16x2x16x1xf32>)
// ROWS-NOT:        linalg.{{(batch_)?}}matmul
// ROWS-COUNT-3:    linalg.{{(batch_)?}}matmul
// ROWS-NOT:        linalg.{{(batch_)?}}matmul
// ROWS:            scf.forall.in_parallel
func.func @spectrum(%u: tensor<1x1000x64xf32>, %s: tensor<64x1025xcomplex<f32>>) -> tensor<1x1000x64xf32> {
  %e = tensor.empty() : tensor<1x1000x64xf32>
  %y = seq.long_conv ins(%u, %s : tensor<1x1000x64xf32>, tensor<64x1025xcomplex<f32>>)
      outs(%e : tensor<1x1000x64xf32>) -> tensor<1x1000x64xf32>
  return %y : tensor<1x1000x64xf32>
}

// -----

// A spectrum whose size has a prime factor above max-stage (n = 2 x 67):
// natural-order transforms by Bluestein's algorithm (power-of-two GEMM
// stages), the gathered spectrum in natural order (one stage of n points,
// (C, 2, n, 1)). No O(n^2) DFT matrix.
// CHECK-LABEL: func.func @spectrum_bluestein
// CHECK:       linalg.transpose ins(%arg0 : tensor<2x100x3xf32>) {{.*}} permutation = [0, 2, 1]
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>,
// CHECK:       linalg.generic {{.*}} outs(%{{.*}} : tensor<3x2x134x1xf32>)
// CHECK:         tensor.extract %arg1[{{.*}}] : tensor<3x68xcomplex<f32>>
// CHECK:       linalg.batch_matmul {{.*}} : tensor<16x16xf32>,
// CHECK-NOT:   tensor<134x134xf32>
// CHECK:       linalg.transpose ins(%{{.*}} : tensor<2x3x100xf32>) {{.*}} permutation = [0, 2, 1]
func.func @spectrum_bluestein(%u: tensor<2x100x3xf32>, %s: tensor<3x68xcomplex<f32>>) -> tensor<2x100x3xf32> {
  %e = tensor.empty() : tensor<2x100x3xf32>
  %y = seq.long_conv ins(%u, %s : tensor<2x100x3xf32>, tensor<3x68xcomplex<f32>>)
      outs(%e : tensor<2x100x3xf32>) -> tensor<2x100x3xf32>
  return %y : tensor<2x100x3xf32>
}

// -----

// Pair rows that outgrow cache-bytes (n = 64K points, ~2 MiB live per row):
// the forward stages after the first and the inverse stages before the last
// run as scf.for loops over groups of 4096-point sub-rows (four-step, as in
// seq-decompose-fft); the first and last stage and the paired product see
// the whole row.
// ROWS-LABEL:  func.func @split_rows
// ROWS:        scf.forall (%{{.*}}) in (2) shared_outs(
// The forward stages but the last are conjugate pairs (16 real rows per
// plane; those with all their digits as a 9 x 9 and a 7 x 7 GEMM of the
// mirrored digits' sums and differences); the inverse keeps the block
// matrices.
// ROWS:          linalg.batch_matmul {{.*}} : tensor<16x8xf32>, tensor<2x8x4096xf32>)
// ROWS:          scf.for {{.*}} -> (tensor<4096x2x16x1xf32>)
// ROWS:            linalg.batch_matmul {{.*}} : tensor<9x9xf32>, tensor<16x9x256xf32>)
// ROWS:            linalg.batch_matmul {{.*}} : tensor<7x7xf32>, tensor<16x7x256xf32>)
// ROWS:            linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2048x32xf32>, tensor<32x32xf32>)
// ROWS:          scf.for {{.*}} -> (tensor<16x2x4096x1xf32>)
// ROWS:            linalg.batch_matmul {{.*}} : tensor<32x32xf32>, tensor<8x32x256xf32>)
// ROWS:          linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x32xf32>, tensor<32x4096xf32>)
// ROWS:          scf.forall.in_parallel
func.func @split_rows(%u: tensor<1x32768x4xf32>, %s: tensor<4x32769xcomplex<f32>>) -> tensor<1x32768x4xf32> {
  %e = tensor.empty() : tensor<1x32768x4xf32>
  %y = seq.long_conv ins(%u, %s : tensor<1x32768x4xf32>, tensor<4x32769xcomplex<f32>>)
      outs(%e : tensor<1x32768x4xf32>) -> tensor<1x32768x4xf32>
  return %y : tensor<1x32768x4xf32>
}
