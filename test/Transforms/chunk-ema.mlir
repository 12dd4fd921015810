// RUN: seq-opt %s -split-input-file --seq-chunk-ema="channel-block=16 parallel-work=4" | FileCheck %s
// RUN: seq-opt %s -split-input-file --seq-chunk-ema="chunk-size=512 channel-block=16" | FileCheck %s --check-prefix=CHUNK
// RUN: not seq-opt %s --seq-chunk-ema="parallel-work=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: channel-block, parallel-work and min-chunk positive

// CEMA with 64 channels in 4 blocks of 16 (enough work: no time chunks).
// The coefficients are computed once in f64 as (N, D) planes; each time
// step is one generic that updates the (16 states x 16 channels) re/im
// planes and reduces y over the states (reduction outermost, channels
// innermost), after y = omega x.
// CHECK-LABEL: func.func @cema
// CHECK-NOT:   seq.ema
// CHECK:       linalg.generic {{.*}} outs({{.*}} : tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>)
// CHECK:         math.cos {{.*}} : f64
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 4) shared_outs
// CHECK:         scf.for
// CHECK:           linalg.generic {{.*}} outs(%{{.*}} : tensor<16xf32>)
// CHECK:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:      outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
// CHECK:           tensor.insert_slice
// CHECK:         tensor.parallel_insert_slice
// CHECK:       complex.create
// CHUNK-LABEL: func.func @cema
// CHUNK:       math.log
// CHUNK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 8, 4) shared_outs({{.*}}) -> (tensor<1x8x16x64xf32>, tensor<1x8x16x64xf32>)
// CHUNK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]
// CHUNK:       scf.for
// CHUNK:         linalg.generic {{.*}}outs(%{{.*}}, %{{.*}} : tensor<1x16x64xf32>, tensor<1x16x64xf32>)
// CHUNK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 8, 4) shared_outs
// CHUNK:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
func.func @cema(%x: tensor<1x4096x64xf32>, %wl: tensor<64x16xf32>, %dl: tensor<64x16xf32>,
                %g: tensor<64x16x2xf32>, %om: tensor<64xf32>, %th: tensor<64xf32>,
                %h0: tensor<1x64x16xcomplex<f32>>) -> (tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>) {
  %ey = tensor.empty() : tensor<1x4096x64xf32>
  %eh = tensor.empty() : tensor<1x64x16xcomplex<f32>>
  %y, %h = seq.ema <complex> ins(%x, %wl, %dl, %g, %om : tensor<1x4096x64xf32>, tensor<64x16xf32>,
        tensor<64x16xf32>, tensor<64x16x2xf32>, tensor<64xf32>) theta(%th : tensor<64xf32>)
      initial(%h0 : tensor<1x64x16xcomplex<f32>>)
      outs(%ey, %eh : tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>)
      -> tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>
  return %y, %h : tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>
}

// -----

// The damped EMA has one real plane; bf16 input computed in f32.
// CHECK-LABEL: func.func @damped
// CHECK:       linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:  outs(%{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<8xf32>)
// CHECK:       arith.truncf {{.*}} : f32 to bf16
func.func @damped(%x: tensor<2x100x8xbf16>, %wl: tensor<8x2xf32>, %dl: tensor<8x2xf32>,
                  %g: tensor<8x2xf32>, %om: tensor<8xf32>, %be: tensor<8x2xf32>) -> tensor<2x100x8xbf16> {
  %ey = tensor.empty() : tensor<2x100x8xbf16>
  %y = seq.ema <damped> ins(%x, %wl, %dl, %g, %om : tensor<2x100x8xbf16>, tensor<8x2xf32>,
        tensor<8x2xf32>, tensor<8x2xf32>, tensor<8xf32>) beta(%be : tensor<8x2xf32>)
      outs(%ey : tensor<2x100x8xbf16>) -> tensor<2x100x8xbf16>
  return %y : tensor<2x100x8xbf16>
}

// -----

// The convolution form: with a large state and batch the rule (radix 16)
// finds the kernel plus an FFT convolution cheaper than 8 N per output;
// the kernel k[d, t] = Re sum_n u eta q^{th S + tl} is one batched GEMM per
// channel of the weighted powers q^{32 th} (16 x 2N) with the powers q^{tl}
// (2N x 32), then a seq.long_conv with the skip omega.
// CHECK-LABEL: func.func @kernel_form
// CHECK:       linalg.generic
// CHECK:         math.log {{.*}} : f64
// CHECK:       linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<4x16x512xf32>, tensor<4x512x32xf32>)
// CHECK:       seq.long_conv ins(%{{.*}}, %{{.*}} : tensor<16x512x4xf32>, tensor<4x512xf32>) skip(%{{.*}} : tensor<4xf32>)
// CHECK-SAME:  method = #seq.conv_method<fft>
func.func @kernel_form(%x: tensor<16x512x4xf32>, %wl: tensor<4x256xf32>, %dl: tensor<4x256xf32>,
                       %g: tensor<4x256x2xf32>, %om: tensor<4xf32>, %th: tensor<4xf32>) -> tensor<16x512x4xf32> {
  %ey = tensor.empty() : tensor<16x512x4xf32>
  %y = seq.ema <complex> ins(%x, %wl, %dl, %g, %om : tensor<16x512x4xf32>, tensor<4x256xf32>,
        tensor<4x256xf32>, tensor<4x256x2xf32>, tensor<4xf32>) theta(%th : tensor<4xf32>)
      outs(%ey : tensor<16x512x4xf32>) -> tensor<16x512x4xf32>
  return %y : tensor<16x512x4xf32>
}
