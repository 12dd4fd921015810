func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = seq.rotary ins(%x : tensor<4xf32>) outs(%x : tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
