// RUN: seq-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(seq-gpu-map-simt),canonicalize,cse)' | FileCheck %s
// RUN: not seq-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(seq-gpu-map-simt{block-size=100}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BAD
// BAD: error: seq-gpu-map-simt: block-size must be a multiple of 32 in [32, 1024], got 100

// One thread per point of the parallel loops: 128x64 points in 32 blocks of
// 256 threads; the reduction loop runs in each thread around the scalar body.
// CHECK-LABEL: func.func @matmul
// CHECK-DAG:     %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG:     %[[C256:.*]] = arith.constant 256 : index
// CHECK:         gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C32]], {{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[C256]], {{.*}}) module(@matmul_matmul_0) function(@matmul_matmul_0)
// CHECK:           %[[ID:.*]] = affine.apply #{{.*}}()[%[[BX]], %[[TX]]]
// CHECK:           %[[IN:.*]] = arith.cmpi ult, %[[ID]], %{{.*}}
// CHECK:           scf.if %[[IN]] {
// CHECK:             %[[P:.*]]:2 = affine.delinearize_index %[[ID]] into (128, 64)
// CHECK:             scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step
// CHECK:               memref.load %{{.*}}[%[[P]]#0, %[[K]]]
// CHECK:               memref.load %{{.*}}[%[[K]], %[[P]]#1]
// CHECK:               arith.mulf
// CHECK:               arith.addf
// CHECK:               memref.store %{{.*}}, %{{.*}}[%[[P]]#0, %[[P]]#1]
// CHECK:           gpu.terminator
func.func @matmul(%a: memref<128x256xf32>, %b: memref<256x64xf32>, %c: memref<128x64xf32>) {
  linalg.matmul ins(%a, %b : memref<128x256xf32>, memref<256x64xf32>) outs(%c : memref<128x64xf32>)
  return
}

// -----

// A host memref.copy becomes a kernel too; dynamic sizes give a grid
// computed on the host, and small ops get fewer threads per block.
// CHECK-DAG:   #[[POINTS:.*]] = affine_map<()[s0] -> (s0 * 7)>
// CHECK-DAG:   #[[BLOCKS:.*]] = affine_map<()[s0] -> ((s0 * 7) ceildiv 256)>
// CHECK-LABEL: func.func @copy
// CHECK:         %[[D:.*]] = memref.dim %{{.*}}, %c0
// CHECK:         %[[N:.*]] = affine.apply #[[POINTS]]()[%[[D]]]
// CHECK:         %[[G:.*]] = affine.apply #[[BLOCKS]]()[%[[D]]]
// CHECK:         gpu.launch blocks({{.*}}) in (%{{.*}} = %[[G]], {{.*}}) threads({{.*}}) in (%{{.*}} = %c256,
// CHECK-SAME:      module(@copy_copy_0) function(@copy_copy_0)
// CHECK:           arith.cmpi ult, %{{.*}}, %[[N]]
// CHECK:           affine.delinearize_index %{{.*}} into (%[[D]], 7)
// CHECK:         gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c32, {{.*}} module(@copy_generic_1)
// CHECK-NOT:     memref.copy
func.func @copy(%d: memref<?x7xf32>, %e: memref<?x7xf32>, %x: memref<5xf32>) {
  memref.copy %d, %e : memref<?x7xf32> to memref<?x7xf32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%x : memref<5xf32>) {
  ^bb0(%o: f32):
    %t = math.tanh %o : f32
    linalg.yield %t : f32
  }
  return
}

// -----

// Ops already in a kernel stay where they are.
// CHECK-LABEL: func.func @inside
// CHECK:         gpu.launch
// CHECK-NOT:     gpu.launch
// CHECK:         linalg.fill
func.func @inside(%x: memref<4xf32>) {
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  gpu.launch blocks(%b0, %b1, %b2) in (%g0 = %c1, %g1 = %c1, %g2 = %c1) threads(%t0, %t1, %t2) in (%s0 = %c1, %s1 = %c1, %s2 = %c1) {
    linalg.fill ins(%z : f32) outs(%x : memref<4xf32>)
    gpu.terminator
  }
  return
}
