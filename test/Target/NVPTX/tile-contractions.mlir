// RUN: seq-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(seq-gpu-target{chip=sm_80},func.func(seq-gpu-tile-contractions),canonicalize,cse)' \
// RUN:   | FileCheck %s

// The DSL's x @ w: a batched contraction with f16 operands into f32. One
// block per tile of C, the zero fill fused into the tile, all of K inside.
// 2 x 4 tiles of 64 x 64 are fewer than the 108 multiprocessors of sm_80,
// so the tiles shrink to 32 x 32 (4 x 8 blocks).
// CHECK-LABEL: func.func @projection
// CHECK:         scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (128, 256) step (32, 32)
// CHECK-SAME:      shared_outs(%[[OUT:.*]] = %{{.*}})
// CHECK:           %[[A:.*]] = tensor.extract_slice %{{.*}}[0, %[[I]], 0] [1, 32, 128] [1, 1, 1]
// CHECK:           %[[B:.*]] = tensor.extract_slice %{{.*}}[0, %[[J]]] [128, 32] [1, 1]
// CHECK:           %[[C:.*]] = tensor.extract_slice %[[OUT]][0, %[[I]], %[[J]]] [1, 32, 32] [1, 1, 1]
// CHECK:           %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[C]]
// CHECK:           linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<1x32x128xf16>, tensor<128x32xf16>) outs(%[[Z]] : tensor<1x32x32xf32>)
//                2 M N K flops; bytes: A and B tiles once per block (32 blocks
//                x (32 x 128 + 128 x 32) f16) plus C written once (f32).
// CHECK:       } {seq.gpu.bytes = 655360 : i64, seq.gpu.flops = 8388608 : i64, seq.gpu.kernel = "matmul",
// CHECK-SAME:     seq.gpu.schedule = "tensor cores: block tile 32x32 of C, all of K (128) staged through shared memory, 128 threads, mma.sync m16n8k16", seq.gpu.threads = 128 : i64}
func.func @projection(%x: tensor<1x128x128xf16>, %w: tensor<128x256xf16>) -> tensor<1x128x256xf32> {
  %e = tensor.empty() : tensor<1x128x256xf32>
  %z = arith.constant 0.0 : f32
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x128x256xf32>) -> tensor<1x128x256xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<1x128x128xf16>, tensor<128x256xf16>) outs(%f : tensor<1x128x256xf32>) {
  ^bb0(%a: f16, %b: f16, %o: f32):
    %a1 = arith.extf %a : f16 to f32
    %b1 = arith.extf %b : f16 to f32
    %p = arith.mulf %a1, %b1 : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x128x256xf32>
  return %m : tensor<1x128x256xf32>
}

// -----

// Large enough to fill the chip: 64 x 64 tiles, 16 x 16 blocks.
// CHECK-LABEL: func.func @large
// CHECK:         scf.forall ({{.*}}) = (0, 0) to (1024, 1024) step (64, 64)
// CHECK:           linalg.matmul {{.*}} -> tensor<64x64xf32>
func.func @large(%a: tensor<1024x512xbf16>, %b: tensor<512x1024xbf16>, %c: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %m = linalg.matmul ins(%a, %b : tensor<1024x512xbf16>, tensor<512x1024xbf16>) outs(%c : tensor<1024x1024xf32>) -> tensor<1024x1024xf32>
  return %m : tensor<1024x1024xf32>
}

// -----

// Not for tensor cores: f32 operands, and K not a multiple of 16.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT:     scf.forall
func.func @left_alone(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %c: tensor<64x64xf32>,
                      %d: tensor<64x24xf16>, %e: tensor<24x64xf16>) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
  %m = linalg.matmul ins(%a, %b : tensor<64x64xf32>, tensor<64x64xf32>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  %n = linalg.matmul ins(%d, %e : tensor<64x24xf16>, tensor<24x64xf16>) outs(%c : tensor<64x64xf32>) -> tensor<64x64xf32>
  return %m, %n : tensor<64x64xf32>, tensor<64x64xf32>
}
