// RUN: seq-opt %s -split-input-file --seq-strided-copies | FileCheck %s

// A padded tile filled from a dense one (what a padded GEMM operand
// bufferizes to): the target is strided, so the copy becomes loops.
// CHECK-LABEL: func.func @into_padded
// CHECK-NOT:     memref.copy
// CHECK:         linalg.copy ins(%{{.*}} : memref<16x8x144xf32>) outs(%{{.*}} : memref<16x8x144xf32, strided<[1280, 160, 1]>>)
func.func @into_padded(%a: memref<16x8x144xf32>, %p: memref<16x8x160xf32>) {
  %v = memref.subview %p[0, 0, 0] [16, 8, 144] [1, 1, 1] : memref<16x8x160xf32> to memref<16x8x144xf32, strided<[1280, 160, 1]>>
  memref.copy %a, %v : memref<16x8x144xf32> to memref<16x8x144xf32, strided<[1280, 160, 1]>>
  return
}

// -----

// A strided source with a dynamic offset (a tile of a larger buffer) into a
// dense buffer: loops as well.
// CHECK-LABEL: func.func @from_tile
// CHECK:         linalg.copy ins(%{{.*}} : memref<4x64xf32, strided<[1024, 1], offset: ?>>) outs(%{{.*}} : memref<4x64xf32>)
// CHECK-NOT:     memref.copy
func.func @from_tile(%big: memref<64x1024xf32>, %i: index, %out: memref<4x64xf32>) {
  %t = memref.subview %big[%i, %i] [4, 64] [1, 1] : memref<64x1024xf32> to memref<4x64xf32, strided<[1024, 1], offset: ?>>
  memref.copy %t, %out : memref<4x64xf32, strided<[1024, 1], offset: ?>> to memref<4x64xf32>
  return
}

// -----

// Contiguous on both sides (a memcpy), dynamic shapes (the loops would need
// the descriptors' sizes) and rank 0: left alone.
// CHECK-LABEL: func.func @kept
// CHECK-COUNT-3: memref.copy
// CHECK-NOT:     linalg.copy
func.func @kept(%a: memref<8x64xf32>, %b: memref<8x64xf32>, %c: memref<?x64xf32, strided<[128, 1]>>,
                %d: memref<?x64xf32, strided<[128, 1]>>, %e: memref<f32>, %f: memref<f32>) {
  memref.copy %a, %b : memref<8x64xf32> to memref<8x64xf32>
  memref.copy %c, %d : memref<?x64xf32, strided<[128, 1]>> to memref<?x64xf32, strided<[128, 1]>>
  memref.copy %e, %f : memref<f32> to memref<f32>
  return
}
