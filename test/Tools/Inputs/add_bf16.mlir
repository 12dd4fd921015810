func.func @add(%a: tensor<2x3xbf16>, %b: tensor<2x3xbf16>) -> tensor<2x3xbf16> {
  %e = tensor.empty() : tensor<2x3xbf16>
  %c = linalg.add ins(%a, %b : tensor<2x3xbf16>, tensor<2x3xbf16>) outs(%e : tensor<2x3xbf16>) -> tensor<2x3xbf16>
  return %c : tensor<2x3xbf16>
}
