// RUN: seq-opt %s -split-input-file --seq-chunk-timestep-norm="chunk-size=512" | FileCheck %s
// RUN: seq-opt %s -split-input-file --seq-chunk-timestep-norm="parallel-work=1" | FileCheck %s --check-prefix=ROWS
// RUN: not seq-opt %s --seq-chunk-timestep-norm="min-chunk=0" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: parallel-work and min-chunk positive

// 32 groups of 32 features over 4096 steps in chunks of 512: the per-step
// group statistics as reductions over the group (mean, then squared
// deviations), the chunks' Welford states from empty in parallel, a merge
// over the 8 chunks on (2, 32) states, every chunk's running state again
// (one generic over the 32 groups per step, Kahan-compensated), and one
// normalizing generic over (2, 4096, 32, 32).
// CHECK-LABEL: func.func @norm
// CHECK-NOT:   seq.timestep_norm
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}outs(%{{.*}} : tensor<2x4096x32xf32>)
// CHECK:       linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "reduction"]{{.*}}outs(%{{.*}} : tensor<2x4096x32xf32>)
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (2, 8) shared_outs({{.*}}) -> (tensor<2x8xi64>, tensor<2x8x32xf32>, tensor<2x8x32xf32>)
// CHECK:         scf.for
// CHECK:           scf.if
// CHECK:             linalg.generic {{.*}}outs(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<32xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>)
// CHECK:       scf.for
// CHECK:         linalg.generic {{.*}}outs(%{{.*}}, %{{.*}} : tensor<2x32xf32>, tensor<2x32xf32>)
// CHECK:       scf.forall (%{{.*}}, %{{.*}}) in (2, 8) shared_outs({{.*}}) -> (tensor<2x4096x32xf32>, tensor<2x4096x32xf32>)
// CHECK:       math.rsqrt
// CHECK:       arith.select
// ROWS-LABEL:  func.func @norm
// ROWS:        scf.forall (%{{.*}}, %{{.*}}) in (2, 1) shared_outs({{.*}}) -> (tensor<2x4096x32xf32>, tensor<2x4096x32xf32>, tensor<2xi64>, tensor<2x32xf32>, tensor<2x32xf32>)
func.func @norm(%x: tensor<2x4096x1024xf32>, %w: tensor<1024xf32>, %b: tensor<1024xf32>, %m: tensor<2x4096xi1>)
    -> (tensor<2x4096x1024xf32>, tensor<2xi64>, tensor<2x32xf32>, tensor<2x32xf32>) {
  %e = tensor.empty() : tensor<2x4096x1024xf32>
  %ec = tensor.empty() : tensor<2xi64>
  %em = tensor.empty() : tensor<2x32xf32>
  %y:4 = seq.timestep_norm ins(%x, %w, %b : tensor<2x4096x1024xf32>, tensor<1024xf32>, tensor<1024xf32>)
      padding_mask(%m : tensor<2x4096xi1>)
      outs(%e, %ec, %em, %em : tensor<2x4096x1024xf32>, tensor<2xi64>, tensor<2x32xf32>, tensor<2x32xf32>)
      {num_groups = 32 : i64} -> tensor<2x4096x1024xf32>, tensor<2xi64>, tensor<2x32xf32>, tensor<2x32xf32>
  return %y#0, %y#1, %y#2, %y#3 : tensor<2x4096x1024xf32>, tensor<2xi64>, tensor<2x32xf32>, tensor<2x32xf32>
}
