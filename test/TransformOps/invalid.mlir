// RUN: seq-opt %s --transform-interpreter --split-input-file --verify-diagnostics

func.func @dynamic_shapes(%q: tensor<1x1x?x16xf32>, %o: tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32> {
  // expected-note @below {{when applied to this op}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>, tensor<1x1x?x16xf32>)
    outs(%o : tensor<1x1x?x16xf32>) -> tensor<1x1x?x16xf32>
  return %r : tensor<1x1x?x16xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{cannot tile this attention: it needs tensor semantics, static shapes, a static scale and a non-empty problem}}
    %f, %t = transform.seq.tile_attention %a {query_tile = 64, key_tile = 64} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

func.func @empty_problem(%q: tensor<1x1x0x16xf32>) -> tensor<1x1x0x16xf32> {
  %o = tensor.empty() : tensor<1x1x0x16xf32>
  // expected-note @below {{when applied to this op}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x1x0x16xf32>, tensor<1x1x0x16xf32>, tensor<1x1x0x16xf32>)
    outs(%o : tensor<1x1x0x16xf32>) -> tensor<1x1x0x16xf32>
  return %r : tensor<1x1x0x16xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{cannot tile this attention}}
    %f, %t = transform.seq.tile_attention %a {query_tile = 64, key_tile = 64} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

func.func @not_attention(%a: tensor<2x64x16xf32>, %b: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> {
  %o = tensor.empty() : tensor<2x64x16xf32>
  // expected-note @below {{when applied to this op}}
  %h = seq.scan ins(%a, %b : tensor<2x64x16xf32>, tensor<2x64x16xf32>) outs(%o : tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
  return %h : tensor<2x64x16xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.scan"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{expects a seq.attention op}}
    %f, %t = transform.seq.tile_attention %a {query_tile = 64, key_tile = 64} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

func.func @no_decomposition(%a: tensor<2x64x16xf32>, %b: tensor<2x64x16xf32>) -> tensor<2x64x16xf32> {
  %o = tensor.empty() : tensor<2x64x16xf32>
  // expected-note @below {{when applied to this op}}
  %h = seq.scan ins(%a, %b : tensor<2x64x16xf32>, tensor<2x64x16xf32>) outs(%o : tensor<2x64x16xf32>) -> tensor<2x64x16xf32>
  return %h : tensor<2x64x16xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.scan"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{the op has no decomposition (AggregatedOpInterface)}}
    transform.seq.decompose %a : (!transform.any_op) -> ()
    transform.yield
  }
}

// -----

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %a = transform.structured.match ops{["seq.attention"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{attribute 'query_tile' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
    %f, %t = transform.seq.tile_attention %a {query_tile = 0, key_tile = 64} : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
