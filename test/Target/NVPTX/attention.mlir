// The GPU schedule of seq.attention and its kernel, f16 GQA with a causal
// mask: one thread block per (batch, kv head, query tile), S = Q K^T and
// acc += P V on tensor cores, the online softmax SIMT in shared memory.
//
// RUN: seq-opt %s --seq-to-nvptx='chip=sm_80 stop-after=tiled' | FileCheck %s --check-prefix=TILED
// RUN: seq-opt %s --seq-to-nvptx='chip=sm_80 stop-after=mapped' | FileCheck %s --check-prefix=MAPPED
// RUN: rm -rf %t && seq-compile %s -e attn --chip sm_80 --output-dir %t | FileCheck %s --check-prefix=SUMMARY
// RUN: FileCheck %s --check-prefix=PTX --input-file %t/attn_attention_0.ptx
// RUN: FileCheck %s --check-prefix=DESCRIPTOR --input-file %t/attn_attention_0.json
// RUN: seq-compile %s -e attn --chip sm_90a --output-dir %t/sm90 | FileCheck %s --check-prefix=SM90

// TILED-LABEL: func.func @attn
//                Kᵀ once per call, then one block per (batch, kv head, query
//                tile of 16 rows x 4 query heads).
// TILED:         linalg.transpose {{.*}} permutation = [0, 1, 3, 2]
// TILED:         scf.forall (%{{.*}}, %{{.*}}) in (2, 16)
// TILED:           bufferization.alloc_tensor() {memory_space = #gpu.address_space<workgroup>} : tensor<1x4x16x64xf32>
// TILED:           scf.for
// TILED:             linalg.matmul {seq.gpu.round_operands, seq.tile_role = "scores"} ins({{.*}} : tensor<64x64xf16>, tensor<64x32xf16>) outs({{.*}} : tensor<64x32xf32>)
// TILED:             linalg.matmul {seq.gpu.round_operands, seq.tile_role = "values"} ins({{.*}} : tensor<64x32xf32>, tensor<32x64xf16>) outs({{.*}} : tensor<64x64xf32>)
//                flops: 8 heads x 32896 visible pairs x (2 x 64 + 2 x 64 + 5).
// TILED:       } {seq.gpu.bytes = {{[0-9]+}} : i64, seq.gpu.flops = 68686848 : i64, seq.gpu.kernel = "attention",
// TILED-SAME:     seq.gpu.schedule = "FlashAttention tiles: 16 query rows x 4 heads per block, 32-key tiles, 128 threads{{.*}}", seq.gpu.threads = 128 : i64}

// MAPPED-LABEL: func.func @attn
// MAPPED:         gpu.launch blocks({{.*}}) in (%{{.*}} = %c16, %{{.*}} = %c2, %{{.*}} = %c1) threads({{.*}}) in (%{{.*}} = %c128, {{.*}}) module(@attn_attention_0) function(@attn_attention_0)
// MAPPED-SAME:      workgroup(%[[ARENA:.*]] : memref<{{[0-9]+}}xi8, #gpu.address_space<workgroup>>)
// MAPPED:           memref.view %[[ARENA]]
//                  Q is resident: staged once before the key-tile loop (its
//                  copy out of global memory hoisted too), not per key tile.
// MAPPED:           memref.collapse_shape {{.*}} into memref<64x64xf16, #gpu.address_space<workgroup>>
// MAPPED:           vector.load {{.*}} : memref<64x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// MAPPED:           gpu.barrier
// MAPPED:           scf.for
// MAPPED-NOT:         memref<64x64xf16, #gpu.address_space<workgroup>>, vector<8xf16>
//                     S = Q K^T, then P V with P rounded to f16 as it is staged.
// MAPPED:             nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]}
// MAPPED:             gpu.barrier
// MAPPED:             math.exp
// MAPPED:             gpu.barrier
// MAPPED:             arith.truncf %{{.*}} : f32 to f16
// MAPPED:             nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]}

// SUMMARY: @attn on sm_80: 2 kernel(s), 1 temporary buffer(s)
// SUMMARY:   attn_transpose_0: grid 128x1x1, block 256x1x1, mma.sync 0, wgmma 0
// SUMMARY:   attn_attention_0: grid 16x2x1, block 128x1x1, mma.sync {{[1-9][0-9]*}}, wgmma 0

// PTX: .target sm_80
// PTX: .visible .entry attn_attention_0(
// PTX: .shared .align {{[0-9]+}} .b8
// PTX-NOT: .local
// PTX: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX: ldmatrix.sync.aligned.m8n8.x2.trans.shared.b16
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX: bar.sync 0;
// PTX: ex2.approx
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-NOT: .local

// DESCRIPTOR: "name": "attn_attention_0",
// DESCRIPTOR: "grid": [
// DESCRIPTOR-NEXT: "16",
// DESCRIPTOR-NEXT: "2",
// DESCRIPTOR-NEXT: "1"
// DESCRIPTOR: "block": [
// DESCRIPTOR-NEXT: "128",
//             Q, V, Kᵀ (written by the transpose kernel), the output.
// DESCRIPTOR: "binding": "input0"
// DESCRIPTOR: "binding": "input2"
// DESCRIPTOR: "binding": "temporary0"
// DESCRIPTOR: "binding": "output0"
// DESCRIPTOR: "schedule": "FlashAttention tiles: 16 query rows x 4 heads per block, 32-key tiles, 128 threads
// DESCRIPTOR: "flops": 68686848,
// DESCRIPTOR: "arithmetic_intensity":

// SM90: attn_attention_0: grid 16x2x1, block 128x1x1, mma.sync {{[1-9][0-9]*}}, wgmma 0
func.func @attn(%q: tensor<1x8x256x64xf16>, %k: tensor<1x2x256x64xf16>, %v: tensor<1x2x256x64xf16>) -> tensor<1x8x256x64xf16> {
  %init = tensor.empty() : tensor<1x8x256x64xf16>
  %o = seq.attention ins(%q, %k, %v : tensor<1x8x256x64xf16>, tensor<1x2x256x64xf16>, tensor<1x2x256x64xf16>)
         outs(%init : tensor<1x8x256x64xf16>) {mask = #seq.mask<causal>} -> tensor<1x8x256x64xf16>
  return %o : tensor<1x8x256x64xf16>
}
