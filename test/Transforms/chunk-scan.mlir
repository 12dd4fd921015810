// RUN: seq-opt %s -split-input-file --seq-chunk-scan="chunk-size=256 channel-block=16" | FileCheck %s
// RUN: seq-opt %s -split-input-file --seq-chunk-scan="channel-block=16 parallel-work=2" | FileCheck %s --check-prefix=WIDE
// RUN: seq-opt %s -split-input-file --seq-chunk-scan="max-channel-block=1024" | FileCheck %s --check-prefix=STREAM
// RUN: seq-opt %s -split-input-file --seq-chunk-scan="max-channel-block=1024 prefetch-distance=8" | FileCheck %s --check-prefix=PREFETCH
// RUN: not seq-opt %s --seq-chunk-scan="channel-block=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not seq-opt %s --seq-chunk-scan="max-channel-block=-1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not seq-opt %s --seq-chunk-scan="prefetch-distance=-1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: channel-block, parallel-work and min-chunk positive

// Chunked: L = 1000 in 4 chunks of 256 (the last one 232), channels in
// blocks of 16. Phase 1 reduces every (row, chunk, block) to its summary
// (A, B) in a time loop over one generic on 16 channels; phase 2 passes the
// state over the 4 chunk summaries, all 64 channels at once; phase 3 reruns
// every chunk from its entering state, writing rows of its tile.
// CHECK-LABEL: func.func @chunked
// CHECK-NOT:   seq.scan
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 4) shared_outs({{.*}}) -> (tensor<1x4x64xf32>, tensor<1x4x64xf32>)
// CHECK:         arith.minsi
// CHECK:         scf.for
// CHECK:           linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<16xf32>, tensor<16xf32>) outs(%{{.*}}, %{{.*}} : tensor<16xf32>, tensor<16xf32>)
// CHECK:       scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:         linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x64xf32>, tensor<1x64xf32>) outs(%{{.*}} : tensor<1x64xf32>)
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 4) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x1000x64xf32>)
// CHECK:         tensor.extract_slice {{.*}} to tensor<?x16xf32>
// CHECK:         scf.for
// CHECK:           linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<16xf32>, tensor<16xf32>) outs(%{{.*}}, %{{.*}} : tensor<16xf32>, tensor<16xf32>)
// CHECK:           tensor.insert_slice
// CHECK:         tensor.parallel_insert_slice
// CHECK:       tensor.extract_slice %{{.*}}[0, 999, 0] [1, 1, 64]
// WIDE-LABEL:  func.func @chunked
// WIDE:        scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 4) shared_outs
// WIDE-NOT:    scf.forall (
func.func @chunked(%a: tensor<1x1000x64xf32>, %b: tensor<1x1000x64xf32>) -> (tensor<1x1000x64xf32>, tensor<1x64xf32>) {
  %e = tensor.empty() : tensor<1x1000x64xf32>
  %f = tensor.empty() : tensor<1x64xf32>
  %s, %l = seq.scan ins(%a, %b : tensor<1x1000x64xf32>, tensor<1x1000x64xf32>)
      outs(%e, %f : tensor<1x1000x64xf32>, tensor<1x64xf32>) -> tensor<1x1000x64xf32>, tensor<1x64xf32>
  return %s, %l : tensor<1x1000x64xf32>, tensor<1x64xf32>
}

// -----

// Complex, reverse, with an initial state and f16 storage elsewhere: the
// steps count down within each chunk and the chunk pass runs from the last
// chunk; complex arithmetic in the generic.
// CHECK-LABEL: func.func @reverse_complex
// WIDE-LABEL:  func.func @reverse_complex
// CHECK:       scf.forall
// CHECK:         complex.mul
// CHECK:       scf.for
// CHECK:         arith.subi
// CHECK:       scf.forall
// CHECK:       tensor.extract_slice %{{.*}}[0, 0, 0] [2, 1, 3]
// Reverse prefetches go 8 steps down, clamped at step 0; one 64-byte line
// holds a row's 3 complex channels.
// PREFETCH-LABEL: func.func @reverse_complex
// PREFETCH:       scf.for
// PREFETCH:         %[[BACK:.*]] = arith.maxsi %{{.*}}, %c0
// PREFETCH:         memref.prefetch %{{.*}}[%{{.*}}, %[[BACK]], %{{.*}}], read, locality<2>, data
// PREFETCH:         memref.prefetch %{{.*}}[%{{.*}}, %[[BACK]], %{{.*}}], read, locality<2>, data
// PREFETCH-NOT:     memref.prefetch
// PREFETCH:         linalg.generic
func.func @reverse_complex(%a: tensor<2x600x3xcomplex<f32>>, %b: tensor<2x600x3xcomplex<f32>>,
                           %h: tensor<2x3xcomplex<f32>>) -> (tensor<2x600x3xcomplex<f32>>, tensor<2x3xcomplex<f32>>) {
  %e = tensor.empty() : tensor<2x600x3xcomplex<f32>>
  %f = tensor.empty() : tensor<2x3xcomplex<f32>>
  %s, %l = seq.scan ins(%a, %b : tensor<2x600x3xcomplex<f32>>, tensor<2x600x3xcomplex<f32>>)
      initial(%h : tensor<2x3xcomplex<f32>>) outs(%e, %f : tensor<2x600x3xcomplex<f32>>, tensor<2x3xcomplex<f32>>)
      {reverse} -> tensor<2x600x3xcomplex<f32>>, tensor<2x3xcomplex<f32>>
  return %s, %l : tensor<2x600x3xcomplex<f32>>, tensor<2x3xcomplex<f32>>
}

// -----

// f16 data: computed in f32, each state rounded once into the f16 states.
// CHECK-LABEL: func.func @half
// CHECK:       linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<8xf16>, tensor<8xf16>) outs(%{{.*}}, %{{.*}} : tensor<8xf32>, tensor<8xf16>)
// CHECK:         arith.extf
// CHECK:         arith.truncf
// CHECK:       seq.scan ins(%{{.*}}, %{{.*}} : tensor<?x16x8xf16>
func.func @half(%a: tensor<2x16x8xf16>, %b: tensor<2x16x8xf16>, %da: tensor<?x16x8xf16>) -> (tensor<2x16x8xf16>, tensor<?x16x8xf16>) {
  %e = tensor.empty() : tensor<2x16x8xf16>
  %s = seq.scan ins(%a, %b : tensor<2x16x8xf16>, tensor<2x16x8xf16>) outs(%e : tensor<2x16x8xf16>) -> tensor<2x16x8xf16>
  %d = seq.scan ins(%da, %da : tensor<?x16x8xf16>, tensor<?x16x8xf16>) outs(%da : tensor<?x16x8xf16>) -> tensor<?x16x8xf16>
  return %s, %d : tensor<2x16x8xf16>, tensor<?x16x8xf16>
}

// -----

// Many channels: with max-channel-block the 64-channel blocks double while
// 8 work items remain, to 512 channels (8 blocks, no time chunks); each
// time step reads and writes 2 KiB runs. Without it (the other runs), 64
// blocks of 64.
// CHECK-LABEL:  func.func @wide
// CHECK:        scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 256)
// STREAM-LABEL: func.func @wide
// STREAM:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 8)
// STREAM:         scf.for
// STREAM:           linalg.generic {{.*}} ins({{.*}} : tensor<512xf32>, tensor<512xf32>)
// STREAM-NOT:   scf.forall (
// With prefetch-distance, each step first prefetches row t + 8 (clamped to
// the last) of a and b for reading and of the states for writing: one
// prefetch per 64-byte line, 32 per 512-channel row.
// PREFETCH-LABEL: func.func @wide
// PREFETCH-DAG:   %[[A:.*]] = bufferization.to_buffer %arg0 read_only
// PREFETCH-DAG:   %[[B:.*]] = bufferization.to_buffer %arg1 read_only
// PREFETCH-DAG:   %[[S:.*]] = bufferization.to_buffer %{{.*}} read_only
// PREFETCH:       scf.for
// PREFETCH:         %[[AHEAD:.*]] = arith.minsi %{{.*}}, %c31
// PREFETCH-COUNT-32: memref.prefetch %[[A]][%{{.*}}, %[[AHEAD]], %{{.*}}], read, locality<2>, data
// PREFETCH-COUNT-32: memref.prefetch %[[B]][%{{.*}}, %[[AHEAD]], %{{.*}}], read
// PREFETCH-COUNT-32: memref.prefetch %[[S]][{{.*}}], write, locality<2>, data
// PREFETCH-NOT:     memref.prefetch
// PREFETCH:         linalg.generic
func.func @wide(%a: tensor<1x32x4096xf32>, %b: tensor<1x32x4096xf32>) -> tensor<1x32x4096xf32> {
  %e = tensor.empty() : tensor<1x32x4096xf32>
  %h = seq.scan ins(%a, %b : tensor<1x32x4096xf32>, tensor<1x32x4096xf32>)
      outs(%e : tensor<1x32x4096xf32>) -> tensor<1x32x4096xf32>
  return %h : tensor<1x32x4096xf32>
}
