// RUN: seq-opt %s -split-input-file --seq-erase-self-copies | FileCheck %s

// A row copied onto itself through a collapse and an expand (what a chunked
// scan's in-place row update bufferizes to): erased.
// CHECK-LABEL: func.func @through_reshapes
// CHECK-NOT:   memref.copy
func.func @through_reshapes(%buf: memref<8x64xf32>, %i: index) {
  %row = memref.subview %buf[%i, 0] [1, 64] [1, 1] : memref<8x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
  %c = memref.collapse_shape %row [[0, 1]] : memref<1x64xf32, strided<[64, 1], offset: ?>> into memref<64xf32, strided<[1], offset: ?>>
  %e = memref.expand_shape %c [[0, 1]] output_shape [1, 64] : memref<64xf32, strided<[1], offset: ?>> into memref<1x64xf32, strided<[64, 1], offset: ?>>
  memref.copy %e, %row : memref<1x64xf32, strided<[64, 1], offset: ?>> to memref<1x64xf32, strided<[64, 1], offset: ?>>
  return
}

// -----

// Two equal subviews of one buffer, one rank-reduced and collapsed: erased.
// CHECK-LABEL: func.func @equal_subviews
// CHECK-NOT:   memref.copy
func.func @equal_subviews(%buf: memref<1x1024x64xf32>, %o: index, %n: index) {
  %a = memref.subview %buf[0, %o, 0] [1, %n, 64] [1, 1, 1] : memref<1x1024x64xf32> to memref<1x?x64xf32, strided<[65536, 64, 1], offset: ?>>
  %ac = memref.collapse_shape %a [[0, 1], [2]] : memref<1x?x64xf32, strided<[65536, 64, 1], offset: ?>> into memref<?x64xf32, strided<[?, 1], offset: ?>>
  %b = memref.subview %buf[0, %o, 0] [1, %n, 64] [1, 1, 1] : memref<1x1024x64xf32> to memref<?x64xf32, strided<[64, 1], offset: ?>>
  memref.copy %ac, %b : memref<?x64xf32, strided<[?, 1], offset: ?>> to memref<?x64xf32, strided<[64, 1], offset: ?>>
  return
}

// -----

// Different rows, or different buffers: real copies stay.
// CHECK-LABEL: func.func @real_copies
// CHECK-COUNT-2: memref.copy
func.func @real_copies(%buf: memref<8x64xf32>, %other: memref<1x64xf32>, %i: index, %j: index) {
  %a = memref.subview %buf[%i, 0] [1, 64] [1, 1] : memref<8x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
  %b = memref.subview %buf[%j, 0] [1, 64] [1, 1] : memref<8x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
  memref.copy %a, %b : memref<1x64xf32, strided<[64, 1], offset: ?>> to memref<1x64xf32, strided<[64, 1], offset: ?>>
  memref.copy %other, %a : memref<1x64xf32> to memref<1x64xf32, strided<[64, 1], offset: ?>>
  return
}
