// RUN: seq-opt %s | seq-opt | FileCheck %s

// CHECK-LABEL: func.func @scan
// CHECK: seq.scan ins(%{{.*}}, %{{.*}} : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%{{.*}} : tensor<2x8x4xf32>) {reverse}
func.func @scan(%a: tensor<2x8x4xf32>, %b: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %r = seq.scan ins(%a, %b : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%a : tensor<2x8x4xf32>) {reverse} -> tensor<2x8x4xf32>
  return %r : tensor<2x8x4xf32>
}
