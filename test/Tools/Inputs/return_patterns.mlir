// Functions that return the same value, inputs, views of inputs and aliasing
// values in several result positions (return-patterns.test runs each one).

#id = affine_map<(d0, d1) -> (d0, d1)>

// y = 2 x, returned twice.
func.func @twice(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 2.0 : f32
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %y, %y : tensor<2x3xf32>, tensor<2x3xf32>
}

// y = x + 1 three times, interleaved with the input twice.
func.func @mixed(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 1.0 : f32
    %m = arith.addf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  return %y, %x, %y, %x, %y : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>
}

// Attention output returned twice, and (o, lse, o).
func.func @attention_twice(%q: tensor<1x2x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>)
    -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %init = tensor.empty() : tensor<1x2x4x8xf32>
  %o = seq.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>)
         outs(%init : tensor<1x2x4x8xf32>) {mask = #seq.mask<causal>} -> tensor<1x2x4x8xf32>
  return %o, %o : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}

func.func @attention_lse(%q: tensor<1x2x4x8xf32>, %k: tensor<1x1x4x8xf32>, %v: tensor<1x1x4x8xf32>)
    -> (tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4x8xf32>) {
  %o0 = tensor.empty() : tensor<1x2x4x8xf32>
  %l0 = tensor.empty() : tensor<1x2x4xf32>
  %o, %lse = seq.attention ins(%q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32>)
         outs(%o0, %l0 : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>) {mask = #seq.mask<causal>}
         -> tensor<1x2x4x8xf32>, tensor<1x2x4xf32>
  return %o, %lse, %o : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4x8xf32>
}

// A filled constant-shaped tensor (the DSL's zeros) twice, without inputs.
func.func @zeros_twice() -> (tensor<3xf64>, tensor<3xf64>) {
  %e = tensor.empty() : tensor<3xf64>
  %zero = arith.constant 0.0 : f64
  %z = linalg.fill ins(%zero : f64) outs(%e : tensor<3xf64>) -> tensor<3xf64>
  return %z, %z : tensor<3xf64>, tensor<3xf64>
}

// A dense constant twice (bufferizes to a global, not an allocation).
func.func @constant_twice() -> (tensor<2xi32>, tensor<2xi32>) {
  %c = arith.constant dense<[7, -3]> : tensor<2xi32>
  return %c, %c : tensor<2xi32>, tensor<2xi32>
}

// Inputs and views of inputs: the input twice, a slice, a reshape, and the
// other input.
func.func @views_of_inputs(%x: tensor<2x3xf32>, %w: tensor<4xi64>)
    -> (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>, tensor<6xf32>, tensor<4xi64>, tensor<2x2xf32>) {
  %s = tensor.extract_slice %x[0, 1] [2, 2] [1, 1] : tensor<2x3xf32> to tensor<2x2xf32>
  %r = tensor.collapse_shape %x [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  return %x, %x, %s, %r, %w, %s : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x2xf32>, tensor<6xf32>, tensor<4xi64>, tensor<2x2xf32>
}

// Results that alias each other: a computed value, its reshape and a slice of
// it; and a result that is also an input.
func.func @aliases(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<2x3xf32>, tensor<1x3xf32>, tensor<2x3xf32>, tensor<6xf32>) {
  %e = tensor.empty() : tensor<2x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<2x3xf32>) outs(%e : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.negf %a : f32
    linalg.yield %m : f32
  } -> tensor<2x3xf32>
  %r = tensor.collapse_shape %y [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  %s = tensor.extract_slice %y[1, 0] [1, 3] [1, 1] : tensor<2x3xf32> to tensor<1x3xf32>
  return %r, %y, %s, %x, %r : tensor<6xf32>, tensor<2x3xf32>, tensor<1x3xf32>, tensor<2x3xf32>, tensor<6xf32>
}

// Dynamic shapes: a computed value twice (out-parameters copied, not hoisted).
func.func @dynamic_twice(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  return %y, %y : tensor<?xf32>, tensor<?xf32>
}
