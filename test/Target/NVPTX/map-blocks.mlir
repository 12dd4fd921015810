// RUN: seq-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(seq-gpu-map-blocks),canonicalize,cse)' | FileCheck %s

// A tile of an f16 GEMM: the fill runs SIMT, the contraction on the warps'
// tensor cores with A and B staged through shared memory in chunks of K.
module attributes {seq.target = "sm_80"} {
// CHECK-LABEL: func.func @gemm_tile
// CHECK:         gpu.launch blocks(%[[BX:.*]], %[[BY:.*]], %{{.*}}) in (%{{.*}} = %c2, %{{.*}} = %c2, %{{.*}} = %c1) threads(%{{.*}}) in (%{{.*}} = %c128, {{.*}}) module(@gemm_tile_matmul_0) function(@gemm_tile_matmul_0)
//                  The staging buffers of A and B, live together: 2 x 9216 bytes.
// CHECK-SAME:      workgroup(%[[ARENA:.*]] : memref<18432xi8, #gpu.address_space<workgroup>>)
// CHECK-DAG:       %[[AS:.*]] = memref.view %[[ARENA]][%c0][] : {{.*}} to memref<64x72xf16, #gpu.address_space<workgroup>>
// CHECK-DAG:       %[[BS:.*]] = memref.view %[[ARENA]][%c9216][] : {{.*}} to memref<64x72xf16, #gpu.address_space<workgroup>>
// CHECK:           %[[TID:.*]] = gpu.thread_id x
//                  The fill: thread t stores points t, t + 128, ...
// CHECK:           scf.for %[[P:.*]] = %[[TID]] to %c4096 step %c128 {
// CHECK:             affine.delinearize_index %[[P]] into (64, 64)
// CHECK:             memref.store
// CHECK:           gpu.barrier
//                  C fragments (g = lane / 4, t = lane % 4: rows g and g + 8,
//                  columns 2t, 2t + 1) stay in registers across the chunks of K.
// CHECK-COUNT-16:  vector.load {{.*}} vector<2xf32>
//                  The chunks are copied 8 halves (16 bytes) per thread and step
//                  when the source rows are 16-byte aligned (checked once),
//                  element by element otherwise.
// CHECK:           scf.for %{{.*}} = %c0 to %c256 step %c64 iter_args({{.*}}) -> (vector<2x2xf32>,
// CHECK:             gpu.barrier
// CHECK:             memref.extract_aligned_pointer_as_index
// CHECK:             scf.if
// CHECK:               scf.for %{{.*}} = %[[TID]] to %c512 step %c128 {
// CHECK:                 %[[V:.*]] = vector.load {{.*}} {alignment = 16 : i64} : memref<64x256xf16, {{.*}}>, vector<8xf16>
// CHECK:                 vector.store %[[V]], %[[AS]]{{.*}} {alignment = 16 : i64}
// CHECK:             } else {
// CHECK:               scf.for %{{.*}} = %[[TID]] to %c4096 step %c128 {
// CHECK:                 memref.store %{{.*}}, %[[AS]]
// CHECK:             scf.if
// CHECK:                 vector.store %{{.*}}, %[[BS]]
// CHECK:             gpu.barrier
// CHECK:             scf.for %{{.*}} = %c0 to %c64 step %c16 iter_args(
// CHECK:               nvgpu.ldmatrix %[[AS]]{{.*}} {numTiles = 4 : i32, transpose = false} {{.*}} -> vector<4x2xf16>
// CHECK-COUNT-8:       nvgpu.ldmatrix %[[BS]]{{.*}} {numTiles = 2 : i32, transpose = true} {{.*}} -> vector<2x2xf16>
// CHECK-COUNT-8:       nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK:           scf.if
// CHECK-COUNT-16:    vector.store {{.*}} vector<2xf32>
// CHECK:           gpu.barrier
// CHECK:           gpu.terminator
func.func @gemm_tile(%A: memref<128x256xf16>, %B: memref<256x128xf16>, %C: memref<128x128xf32>) {
  %z = arith.constant 0.0 : f32
  scf.forall (%bi, %bj) in (2, 2) {
    %i0 = affine.apply affine_map<(d)->(d*64)>(%bi)
    %j0 = affine.apply affine_map<(d)->(d*64)>(%bj)
    %a = memref.subview %A[%i0, 0][64, 256][1, 1] : memref<128x256xf16> to memref<64x256xf16, strided<[256,1], offset: ?>>
    %b = memref.subview %B[0, %j0][256, 64][1, 1] : memref<256x128xf16> to memref<256x64xf16, strided<[128,1], offset: ?>>
    %c = memref.subview %C[%i0, %j0][64, 64][1, 1] : memref<128x128xf32> to memref<64x64xf32, strided<[128,1], offset: ?>>
    linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32, strided<[128,1], offset: ?>>)
    linalg.matmul ins(%a, %b : memref<64x256xf16, strided<[256,1], offset: ?>>, memref<256x64xf16, strided<[128,1], offset: ?>>) outs(%c : memref<64x64xf32, strided<[128,1], offset: ?>>)
  } {seq.gpu.kernel = "matmul", seq.gpu.threads = 128 : i64}
  return
}
}

// -----

// An attention-like tile: S = Q K^T on tensor cores into a shared buffer,
// a row max SIMT over it, with a barrier after each; the f32 P V product
// runs SIMT (no f32 tensor-core path).
module attributes {seq.target = "sm_90a"} {
// CHECK-LABEL: func.func @attention_tile
// CHECK:         gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %c64, {{.*}}) module(@attention_tile_block_0)
// CHECK-SAME:      workgroup(%[[ARENA:.*]] : memref<13952xi8, #gpu.address_space<workgroup>>)
// CHECK-DAG:       %[[S:.*]] = memref.view %[[ARENA]][%c0][] : {{.*}} to memref<32x32xf32, #gpu.address_space<workgroup>>
// CHECK-DAG:       %[[M:.*]] = memref.view %[[ARENA]][%c4096][] : {{.*}} to memref<32xf32, #gpu.address_space<workgroup>>
// CHECK-DAG:       %[[KS:.*]] = memref.view %[[ARENA]][%c8832][] : {{.*}} to memref<64x40xf16, #gpu.address_space<workgroup>>
//                  K is staged transposed: K^T[e][j] = K[j][e].
// CHECK:           scf.for
// CHECK:             memref.load %{{.*}}[%[[J:.*]], %[[E:.*]]] : memref<32x64xf16
// CHECK:             memref.store %{{.*}}, %[[KS]][%[[E]], %[[J]]]
// CHECK:           nvgpu.mma.sync
// CHECK:           vector.store %{{.*}}, %[[S]]
// CHECK:           gpu.barrier
// CHECK:           scf.for {{.*}} step %c64 {
// CHECK:             scf.for
// CHECK:               memref.load %[[S]]
// CHECK:               arith.maximumf
// CHECK:           gpu.barrier
// CHECK-NOT:       nvgpu.mma.sync
// CHECK:           gpu.terminator
func.func @attention_tile(%q: memref<4x32x64xf16>, %k: memref<4x32x64xf16>, %v: memref<4x32x64xf32>, %o: memref<4x32x64xf32>) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  scf.forall (%h) in (4) {
    %qt = memref.subview %q[%h, 0, 0][1, 32, 64][1, 1, 1] : memref<4x32x64xf16> to memref<32x64xf16, strided<[64, 1], offset: ?>>
    %kt = memref.subview %k[%h, 0, 0][1, 32, 64][1, 1, 1] : memref<4x32x64xf16> to memref<32x64xf16, strided<[64, 1], offset: ?>>
    %vt = memref.subview %v[%h, 0, 0][1, 32, 64][1, 1, 1] : memref<4x32x64xf32> to memref<32x64xf32, strided<[64, 1], offset: ?>>
    %ot = memref.subview %o[%h, 0, 0][1, 32, 64][1, 1, 1] : memref<4x32x64xf32> to memref<32x64xf32, strided<[64, 1], offset: ?>>
    %s = memref.alloc() : memref<32x32xf32, #gpu.address_space<workgroup>>
    %m = memref.alloc() : memref<32xf32, #gpu.address_space<workgroup>>
    linalg.fill ins(%zero : f32) outs(%s : memref<32x32xf32, #gpu.address_space<workgroup>>)
    linalg.generic {indexing_maps = [affine_map<(i, j, e) -> (i, e)>, affine_map<(i, j, e) -> (j, e)>, affine_map<(i, j, e) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%qt, %kt : memref<32x64xf16, strided<[64, 1], offset: ?>>, memref<32x64xf16, strided<[64, 1], offset: ?>>)
        outs(%s : memref<32x32xf32, #gpu.address_space<workgroup>>) {
    ^bb0(%a: f16, %b: f16, %acc: f32):
      %a1 = arith.extf %a : f16 to f32
      %b1 = arith.extf %b : f16 to f32
      %p = arith.mulf %a1, %b1 : f32
      %r = arith.addf %acc, %p : f32
      linalg.yield %r : f32
    }
    linalg.fill ins(%ninf : f32) outs(%m : memref<32xf32, #gpu.address_space<workgroup>>)
    linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
        ins(%s : memref<32x32xf32, #gpu.address_space<workgroup>>) outs(%m : memref<32xf32, #gpu.address_space<workgroup>>) {
    ^bb0(%x: f32, %acc: f32):
      %r = arith.maximumf %acc, %x : f32
      linalg.yield %r : f32
    }
    linalg.matmul ins(%s, %vt : memref<32x32xf32, #gpu.address_space<workgroup>>, memref<32x64xf32, strided<[64, 1], offset: ?>>) outs(%ot : memref<32x64xf32, strided<[64, 1], offset: ?>>)
  } {seq.gpu.threads = 64 : i64}
  return
}
}

// -----

// A copy bufferization made inside the block is block-wide too: it moves to
// shared memory, and all threads share the copying.
module attributes {seq.target = "sm_80"} {
// CHECK-LABEL: func.func @global_scratch
// CHECK:         gpu.launch {{.*}} workgroup(%[[ARENA:.*]] : memref<32xi8, #gpu.address_space<workgroup>>)
// CHECK:           %[[T:.*]] = memref.view %[[ARENA]][%c0][] : {{.*}} to memref<8xf32, #gpu.address_space<workgroup>>
// CHECK:           scf.for
// CHECK:             memref.store %{{.*}}, %[[T]]
func.func @global_scratch(%x: memref<4x8xf32>) {
  scf.forall (%i) in (4) {
    %t = memref.alloc() : memref<8xf32>
    %row = memref.subview %x[%i, 0][1, 8][1, 1] : memref<4x8xf32> to memref<8xf32, strided<[1], offset: ?>>
    memref.copy %row, %t : memref<8xf32, strided<[1], offset: ?>> to memref<8xf32>
  }
  return
}
}

// -----

module attributes {seq.target = "sm_80"} {
func.func @bad_threads(%x: memref<4xf32>) {
  // expected-error @below {{seq-gpu-map-blocks: 100 threads per block; expected a multiple of 32 up to 1024}}
  scf.forall (%i) in (4) {
  } {seq.gpu.threads = 100 : i64}
  return
}
}
