// RUN: seq-opt %s -split-input-file --seq-chunk-ema="channel-block=16 parallel-work=4" | FileCheck %s
// RUN: seq-opt %s -split-input-file --seq-chunk-ema="chunk-size=512 channel-block=16" | FileCheck %s --check-prefix=CHUNK
// RUN: seq-opt %s -split-input-file --seq-chunk-ema="channel-block=16 parallel-work=4 prefetch-distance=8" | FileCheck %s --check-prefix=PREFETCH
// RUN: not seq-opt %s --seq-chunk-ema="parallel-work=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not seq-opt %s --seq-chunk-ema="prefetch-distance=-1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: channel-block, parallel-work and min-chunk positive, prefetch-distance non-negative

// CEMA with 64 channels in 4 blocks of 16 (enough work: no time chunks).
// Each work item computes the coefficients of its block in f64, as
// (16 states x 16 channels) planes of its own (no (N, D) planes outside
// the forall), then steps time four at a time: one generic reads the re/im state
// planes and the coefficients once for the four steps and reduces the four
// y rows over the states (reduction outermost, channels innermost), after
// y = omega x; the last (length mod 4) steps run one at a time. With an
// initial state the input enters as u x.
// CHECK-LABEL: func.func @cema
// CHECK-NOT:   seq.ema
// CHECK-NOT:   tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 4) shared_outs
// CHECK:         linalg.generic {{.*}} outs({{.*}} : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
// CHECK:           math.cos {{.*}} : f64
// CHECK-NOT:     memref.prefetch
// CHECK:         %[[GROUPS:.*]] = arith.divui %{{.*}}, %c4
// CHECK:         scf.for %{{.*}} = %c0 to %[[GROUPS]]
// CHECK-COUNT-4:   linalg.generic {{.*}} outs(%{{.*}} : tensor<16xf32>)
// CHECK:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:      outs(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<16xf32>)
// CHECK-NEXT:      ^bb0(%[[X0:[a-z0-9_]+]]: f32, %[[X1:[a-z0-9_]+]]: f32, %[[X2:[a-z0-9_]+]]: f32, %[[X3:[a-z0-9_]+]]: f32, %[[U:[a-z0-9_]+]]: f32,
// CHECK-NEXT:        arith.mulf %[[U]], %[[X0]]
// CHECK-COUNT-2:     math.fma
// CHECK:             arith.mulf %[[U]], %[[X1]]
// CHECK:             arith.mulf %[[U]], %[[X2]]
// CHECK:             arith.mulf %[[U]], %[[X3]]
// CHECK:         scf.for
// CHECK:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:      outs(%{{.*}}, %{{.*}}, %{{.*}} : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16xf32>)
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

// Without an initial state the state is kept as h / u: the coefficient
// generic folds u into eta, x enters the recurrence as it is (no u x), and
// each work item multiplies its final state by u before inserting it. With
// prefetch-distance, every step first prefetches the x row and the y row 8
// steps later (one 64-byte line per row of 16 f32).
// CHECK-LABEL: func.func @cema_scaled
// CHECK:       scf.forall
// CHECK:         %[[K:.*]]:5 = linalg.generic {{.*}} outs({{.*}} : tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>, tensor<16x16xf32>)
// CHECK:         scf.for
// CHECK:           linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-NEXT:      ^bb0(%[[X0:[a-z0-9_]+]]: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %[[QR:[a-z0-9_]+]]: f32, %[[QI:[a-z0-9_]+]]: f32, %{{[a-z0-9_]+}}: f32, %{{[a-z0-9_]+}}: f32, %[[HR:[a-z0-9_]+]]: f32,
// CHECK-NEXT:        arith.negf %[[QI]]
// CHECK-NEXT:        math.fma %[[QR]], %[[HR]], %[[X0]]
// CHECK:         %[[RE:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[K]]#0 : tensor<16x16xf32>, tensor<16x16xf32>)
// CHECK-NEXT:    ^bb0
// CHECK-NEXT:      arith.mulf
// CHECK:         %[[IM:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %[[K]]#0 : tensor<16x16xf32>, tensor<16x16xf32>)
// CHECK:         tensor.parallel_insert_slice %[[RE]]
// CHECK:         tensor.parallel_insert_slice %[[IM]]
// CHECK:       linalg.generic
// CHECK-NOT:     arith.mulf
// CHECK:         complex.create
// PREFETCH-LABEL: func.func @cema_scaled
// PREFETCH:       %[[XB:.*]] = bufferization.to_buffer %arg0 read_only
// PREFETCH:       %[[YB:.*]] = bufferization.to_buffer %{{.*}} read_only
// PREFETCH:       scf.for
// PREFETCH:         %[[AHEAD:.*]] = arith.minsi %{{.*}}, %c4095
// PREFETCH:         memref.prefetch %[[XB]][%{{.*}}, %[[AHEAD]], %{{.*}}], read, locality<2>, data
// PREFETCH-COUNT-3: memref.prefetch %[[XB]]
// PREFETCH:         memref.prefetch %[[YB]]{{.*}}, write, locality<2>, data
// PREFETCH-COUNT-3: memref.prefetch %[[YB]]{{.*}}, write
// PREFETCH-NOT:     memref.prefetch
// PREFETCH:         linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
func.func @cema_scaled(%x: tensor<1x4096x64xf32>, %wl: tensor<64x16xf32>, %dl: tensor<64x16xf32>,
                       %g: tensor<64x16x2xf32>, %om: tensor<64xf32>, %th: tensor<64xf32>)
    -> (tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>) {
  %ey = tensor.empty() : tensor<1x4096x64xf32>
  %eh = tensor.empty() : tensor<1x64x16xcomplex<f32>>
  %y, %h = seq.ema <complex> ins(%x, %wl, %dl, %g, %om : tensor<1x4096x64xf32>, tensor<64x16xf32>,
        tensor<64x16xf32>, tensor<64x16x2xf32>, tensor<64xf32>) theta(%th : tensor<64xf32>)
      outs(%ey, %eh : tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>)
      -> tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>
  return %y, %h : tensor<1x4096x64xf32>, tensor<1x64x16xcomplex<f32>>
}

// -----

// The damped EMA has one real plane; bf16 input computed in f32 (the y
// sums of a group of four steps in f32, each rounded to bf16 into its row).
// CHECK-LABEL: func.func @damped
// CHECK:       linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:  outs(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>)
// CHECK-COUNT-4: arith.truncf {{.*}} : f32 to bf16
// CHECK:       linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
// CHECK-SAME:  outs(%{{.*}}, %{{.*}} : tensor<2x8xf32>, tensor<8xf32>)
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
