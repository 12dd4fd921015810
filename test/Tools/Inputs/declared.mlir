func.func private @f(tensor<2xf32>) -> tensor<2xf32>
func.func @g(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
