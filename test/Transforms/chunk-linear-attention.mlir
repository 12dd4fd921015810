// RUN: seq-opt %s -split-input-file --seq-chunk-linear-attention="chunk-size=32 sub-chunk=8 parallel-work=4" | FileCheck %s
// RUN: not seq-opt %s --seq-chunk-linear-attention="sub-chunk=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: chunk-size, sub-chunk and parallel-work must be positive

// Mamba-2 shapes, 8 heads (enough work): each head runs its 4 chunks of 32
// in order, carrying the 64 x 64 state. The cumulative decays are GEMMs
// with triangular ones matrices; the intra-chunk scores Q K^T, A V, the
// inter-chunk (Q e^G) S and the state update (K e^{..})^T V are
// linalg.matmul on 32 x 64 tiles; no loop over single time steps remains.
// CHECK-LABEL: func.func @mamba2
// CHECK-NOT:   seq.linear_attention
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (1, 8) shared_outs
// CHECK:         scf.for %{{.*}} = %c0{{.*}} to %c4{{.*}} step
// CHECK:           linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x32xf32>, tensor<32x1xf32>)
// CHECK:           linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<32x64xf32>) outs(%{{.*}} : tensor<32x32xf32>)
// CHECK:           math.exp
// CHECK:           linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x32xf32>, tensor<32x64xf32>)
// CHECK:           linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<64x64xf32>)
// CHECK:           linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<32x64xf32>) outs(%{{.*}} : tensor<64x64xf32>)
// CHECK:           tensor.insert_slice {{.*}} : tensor<?x64xf32> into tensor<128x64xf32>
// CHECK:         tensor.parallel_insert_slice
func.func @mamba2(%q: tensor<1x8x128x64xf32>, %k: tensor<1x8x128x64xf32>, %v: tensor<1x8x128x64xf32>,
                  %g: tensor<1x8x128xf32>) -> (tensor<1x8x128x64xf32>, tensor<1x8x64x64xf32>) {
  %e = tensor.empty() : tensor<1x8x128x64xf32>
  %s = tensor.empty() : tensor<1x8x64x64xf32>
  %o:2 = seq.linear_attention ins(%q, %k, %v : tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32>, tensor<1x8x128x64xf32>)
      log_decay(%g : tensor<1x8x128xf32>) outs(%e, %s : tensor<1x8x128x64xf32>, tensor<1x8x64x64xf32>)
      -> tensor<1x8x128x64xf32>, tensor<1x8x64x64xf32>
  return %o#0, %o#1 : tensor<1x8x128x64xf32>, tensor<1x8x64x64xf32>
}

// -----

// GLA, one head (too little work): chunks in parallel. Phase 1 computes
// every chunk's state update in an scf.forall over (batch, head, chunk);
// a sequential pass over the 4 chunks gives the entering states; phase 3
// computes every chunk's output in parallel. L = 100 is padded to 128. The
// per-key intra-chunk matrix has elementwise diagonal sub-chunks of 8 (a
// generic reducing over the features) and reference-point GEMMs for the
// earlier sub-chunks: 8 x 8, 8 x 16 and 8 x 24.
// CHECK-LABEL: func.func @gla
// CHECK:       tensor.pad
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 4) shared_outs({{.*}}) -> (tensor<1x1x4x16x8xf32>, tensor<1x1x4x16xf32>)
// CHECK:       scf.for
// CHECK:       scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 1, 4) shared_outs({{.*}}) -> (tensor<1x1x100x8xf32>)
// CHECK:         linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME:    outs(%{{.*}} : tensor<4x8x8xf32>)
// CHECK:         linalg.matmul {{.*}} : tensor<8x16xf32>, tensor<8x16xf32>) outs(%{{.*}} : tensor<8x8xf32>)
// CHECK:         linalg.matmul {{.*}} : tensor<8x16xf32>, tensor<16x16xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK:         linalg.matmul {{.*}} : tensor<8x16xf32>, tensor<24x16xf32>) outs(%{{.*}} : tensor<8x24xf32>)
func.func @gla(%q: tensor<1x1x100x16xf32>, %k: tensor<1x1x100x16xf32>, %v: tensor<1x1x100x8xf32>,
               %g: tensor<1x1x100x16xf32>) -> tensor<1x1x100x8xf32> {
  %e = tensor.empty() : tensor<1x1x100x8xf32>
  %o = seq.linear_attention ins(%q, %k, %v : tensor<1x1x100x16xf32>, tensor<1x1x100x16xf32>, tensor<1x1x100x8xf32>)
      log_decay(%g : tensor<1x1x100x16xf32>) outs(%e : tensor<1x1x100x8xf32>) {scale = 0.25 : f64} -> tensor<1x1x100x8xf32>
  return %o : tensor<1x1x100x8xf32>
}

// -----

// Based / JRT: normalized, with a prefix folded into the starting state by
// one batched GEMM (pk^T pv) and a reduction (sum pk).
// CHECK-LABEL: func.func @jrt
// CHECK:       linalg.batch_matmul {{.*}} ins(%{{.*}}, %{{.*}} : tensor<8x16x273xf32>, tensor<8x16x64xf32>) outs(%{{.*}} : tensor<8x273x64xf32>)
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (1, 8)
// CHECK:         arith.divf
func.func @jrt(%q: tensor<1x8x64x273xf32>, %k: tensor<1x8x64x273xf32>, %v: tensor<1x8x64x64xf32>,
               %pk: tensor<1x8x16x273xf32>, %pv: tensor<1x8x16x64xf32>) -> tensor<1x8x64x64xf32> {
  %e = tensor.empty() : tensor<1x8x64x64xf32>
  %o = seq.linear_attention ins(%q, %k, %v : tensor<1x8x64x273xf32>, tensor<1x8x64x273xf32>, tensor<1x8x64x64xf32>)
      prefix_key(%pk : tensor<1x8x16x273xf32>) prefix_value(%pv : tensor<1x8x16x64xf32>)
      outs(%e : tensor<1x8x64x64xf32>) {normalize} -> tensor<1x8x64x64xf32>
  return %o : tensor<1x8x64x64xf32>
}
