// RUN: seq-opt %s --seq-distinct-results | FileCheck %s
// RUN: seq-opt %s --seq-to-cpu -o /dev/null

// A value returned twice gets a copy for its second occurrence; distinct
// results, private functions and non-tensor results are left alone.

// CHECK-LABEL: func.func @twice
// CHECK:       %[[R:.*]] = linalg.generic
// CHECK:       %[[C:.*]] = bufferization.alloc_tensor() copy(%[[R]]) : tensor<4xf32>
// CHECK:       %[[D:.*]] = bufferization.alloc_tensor() copy(%[[R]]) : tensor<4xf32>
// CHECK:       return %[[R]], %[[C]], %[[D]], %{{.*}} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32
func.func @twice(%x: tensor<4xf32>, %s: f32) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32) {
  %e = tensor.empty() : tensor<4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32):
    %t = arith.mulf %a, %a : f32
    linalg.yield %t : f32
  } -> tensor<4xf32>
  return %r, %r, %r, %s : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, f32
}

// CHECK-LABEL: func.func @distinct
// CHECK-NOT:   alloc_tensor
func.func @distinct(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %x, %y : tensor<4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func private @private
// CHECK-NOT:   alloc_tensor
func.func private @private(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  return %x, %x : tensor<4xf32>, tensor<4xf32>
}
