// The attention schedule generated from each target model: FlashAttention
// tiles, register-tiled vector FMAs as wide as the model's vector unit
// (4 registers per row: 64 lanes of AVX-512, 32 of AVX2), vectorized
// softmax rows, no buffer of the score matrix's size.
// RUN: seq-opt %s --seq-apply-schedules=target=x86-64-avx512 | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: seq-opt %s --seq-apply-schedules=target=x86-64-avx2 | FileCheck %s --check-prefixes=CHECK,AVX2
// RUN: seq-opt %s --seq-apply-schedules=target=x86-64-avx512 | FileCheck %s --check-prefix=NO-LXL
// RUN: seq-opt %s --seq-apply-schedules="target=x86-64-avx512 print-schedules=1" -o /dev/null 2>&1 | FileCheck %s --check-prefix=PRINT
// RUN: seq-opt %s --seq-apply-schedules="schedule=%S/Inputs/attention-query-tile-32.mlir" | FileCheck %s --check-prefix=USER
// RUN: seq-opt %s --seq-apply-schedules="target=x86-64-avx512 attention-query-tile=32 attention-key-tile=128 print-schedules=1" 2>&1 | FileCheck %s --check-prefix=TILES
// RUN: not seq-opt %s --seq-apply-schedules="attention-key-tile=-8" 2>&1 | FileCheck %s --check-prefix=BAD-TILE
// RUN: not seq-opt %s --seq-apply-schedules=target=tpu 2>&1 | FileCheck %s --check-prefix=BAD-TARGET
// RUN: not seq-opt %s --seq-apply-schedules=schedule=%t.missing.mlir 2>&1 | FileCheck %s --check-prefix=BAD-FILE

// CHECK-LABEL: func.func @causal
// Kᵀ, transposed in register blocks of lanes x lanes on the cores.
//       CHECK:   scf.forall
//      AVX512:     vector.shuffle {{.*}} : vector<16xf32>, vector<16xf32>
//        AVX2:     vector.shuffle {{.*}} : vector<8xf32>, vector<8xf32>
// The query tiles on the cores; a key loop inside.
//       CHECK:   scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 4)
//       CHECK:     scf.for
// Register tiles: one broadcast of a query element times a row of Kᵀ.
//      AVX512:       vector.fma {{.*}} : vector<64xf32>
//        AVX2:       vector.fma {{.*}} : vector<32xf32>
// The softmax row: the exponentials are vector ops.
//      AVX512:       math.exp {{.*}} : vector<64xf32>
//        AVX2:       math.exp {{.*}} : vector<64xf32>
//       CHECK:     scf.forall.in_parallel
func.func @causal(%q: tensor<1x4x256x64xf32>, %k: tensor<1x4x256x64xf32>, %v: tensor<1x4x256x64xf32>)
    -> tensor<1x4x256x64xf32> {
  %o = tensor.empty() : tensor<1x4x256x64xf32>
  %r = seq.attention ins(%q, %k, %v : tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>, tensor<1x4x256x64xf32>)
    outs(%o : tensor<1x4x256x64xf32>) {mask = #seq.mask<causal>} -> tensor<1x4x256x64xf32>
  return %r : tensor<1x4x256x64xf32>
}

// NO-LXL-NOT: 256x256

// PRINT: seq-apply-schedules: schedule of 'seq.attention' at {{.*}} on x86-64-avx512
// PRINT: transform.named_sequence @seq_attention
// PRINT: transform.seq.tile_attention %op {query_tile = 64, key_tile = 64}
// PRINT: tile_sizes [4, 64, 1]

// USER-LABEL: func.func @causal
//       USER:   scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 8)
//       USER:     scf.for
//       USER:       linalg.matmul {seq.tile_role = "scores"} ins(%{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<64x128xf32>)
//   USER-NOT:   vector.fma

// The tile-size options replace the model's rule; the loop nest follows.
// TILES: transform.seq.tile_attention %op {query_tile = 32, key_tile = 128}
// TILES-LABEL: func.func @causal
// TILES: scf.forall (%{{.*}}, %{{.*}}, %{{.*}}) in (1, 4, 8)
// TILES: arith.ceildivsi %{{.*}}, %c128
// TILES: tensor.empty() : tensor<32x128xf32>
// TILES: vector.fma {{.*}} : vector<64xf32>

// BAD-TILE: error: attention-query-tile and attention-key-tile must be positive (or 0 for the target model's choice), got 0 and -8
// BAD-TARGET: error: unknown target 'tpu'; known targets: host, x86-64-avx2, x86-64-avx512, sm_80, sm_90a
// BAD-FILE: error: failed to open transform file
