// RUN: seq-opt %s --seq-read-only-arguments | FileCheck %s

// Public tensor arguments become read-only for bufferization; private
// functions, declarations and non-tensor arguments are left alone.

// CHECK-LABEL: func.func @public
// CHECK-SAME: (%{{.*}}: tensor<4xf32> {bufferization.writable = false}, %{{.*}}: f32, %{{.*}}: tensor<2x3xbf16> {bufferization.writable = false})
func.func @public(%x: tensor<4xf32>, %s: f32, %y: tensor<2x3xbf16>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// CHECK-LABEL: func.func private @private
// CHECK-NOT: bufferization.writable
func.func private @private(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// CHECK-LABEL: func.func private @external
// CHECK-NOT: bufferization.writable
func.func private @external(%x: tensor<4xf32>) -> tensor<4xf32>
