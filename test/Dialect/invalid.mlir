// RUN: seq-opt %s -split-input-file -verify-diagnostics

// One case per verifier rule of lib/Dialect/SeqOps.cpp (in its order), then
// ODS-level errors (enums, required attributes, operand type classes, region
// count, seq.yield parent) and the DestinationStyleOpInterface rules.

//===----------------------------------------------------------------------===//
// seq.attention: operands
//===----------------------------------------------------------------------===//

func.func @attention_query_rank(%q: tensor<2x4x8xf32>, %k: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'query' must be a rank-4 tensor (B, Hq, Lq, E), but has type 'tensor<2x4x8xf32>'}}
  %r = seq.attention ins(%q, %k, %k : tensor<2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%k : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_key_rank(%q: tensor<1x2x4x8xf32>, %k: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'key' must be a rank-4 tensor (B, Hkv, Lk, E), but has type 'tensor<2x4x8xf32>'}}
  %r = seq.attention ins(%q, %k, %q : tensor<1x2x4x8xf32>, tensor<2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_value_rank(%q: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8x1xf32>) {
  // expected-error @+1 {{'value' must be a rank-4 tensor (B, Hkv, Lk, Ev), but has type 'tensor<1x2x4x8x1xf32>'}}
  %r = seq.attention ins(%q, %q, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8x1xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_query_int(%q: tensor<1x2x4x8xi32>) {
  // expected-error @+1 {{'query' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x4x8xi32>'}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xi32>, tensor<1x2x4x8xi32>, tensor<1x2x4x8xi32>) outs(%q : tensor<1x2x4x8xi32>) -> tensor<1x2x4x8xi32>
  return
}

// -----

func.func @attention_query_complex(%q: tensor<1x2x4x8xcomplex<f32>>) {
  // expected-error @+1 {{'query' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x4x8xcomplex<f32>>'}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xcomplex<f32>>, tensor<1x2x4x8xcomplex<f32>>, tensor<1x2x4x8xcomplex<f32>>) outs(%q : tensor<1x2x4x8xcomplex<f32>>) -> tensor<1x2x4x8xcomplex<f32>>
  return
}

// -----

func.func @attention_key_element(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf16>) {
  // expected-error @+1 {{'key' must have element type 'f32' (same as 'query'), but has type 'tensor<1x2x4x8xf16>'}}
  %r = seq.attention ins(%q, %k, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_value_element(%q: tensor<1x2x4x8xbf16>, %v: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'value' must have element type 'bf16' (same as 'query'), but has type 'tensor<1x2x4x8xf32>'}}
  %r = seq.attention ins(%q, %q, %v : tensor<1x2x4x8xbf16>, tensor<1x2x4x8xbf16>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xbf16>) -> tensor<1x2x4x8xbf16>
  return
}

// -----

func.func @attention_key_batch(%q: tensor<1x2x4x8xf32>, %k: tensor<3x2x4x8xf32>) {
  // expected-error @+1 {{'key' must have shape (B, Hkv, Lk, E) = (1, *, *, 8), but has type 'tensor<3x2x4x8xf32>'}}
  %r = seq.attention ins(%q, %k, %k : tensor<1x2x4x8xf32>, tensor<3x2x4x8xf32>, tensor<3x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_key_head_dim(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x16xf32>) {
  // expected-error @+1 {{'key' must have shape (B, Hkv, Lk, E) = (1, *, *, 8), but has type 'tensor<1x2x4x16xf32>'}}
  %r = seq.attention ins(%q, %k, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_value_heads(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x1x6x8xf32>) {
  // expected-error @+1 {{'value' must have shape (B, Hkv, Lk, Ev) = (1, 2, 6, *), but has type 'tensor<1x1x6x8xf32>'}}
  %r = seq.attention ins(%q, %k, %v : tensor<1x4x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x1x6x8xf32>) outs(%q : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @attention_value_length(%q: tensor<1x4x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x5x8xf32>) {
  // expected-error @+1 {{'value' must have shape (B, Hkv, Lk, Ev) = (1, 2, 6, *), but has type 'tensor<1x2x5x8xf32>'}}
  %r = seq.attention ins(%q, %k, %v : tensor<1x4x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x5x8xf32>) outs(%q : tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return
}

// -----

func.func @attention_gqa(%q: tensor<1x3x4x8xf32>, %k: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{query heads (3) must be a multiple of key/value heads (2) for grouped-query attention}}
  %r = seq.attention ins(%q, %k, %k : tensor<1x3x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x3x4x8xf32>) -> tensor<1x3x4x8xf32>
  return
}

// -----

func.func @attention_gqa_zero_kv_heads(%q: tensor<1x2x4x8xf32>, %k: tensor<1x0x4x8xf32>) {
  // expected-error @+1 {{query heads (2) must be a multiple of key/value heads (0) for grouped-query attention}}
  %r = seq.attention ins(%q, %k, %k : tensor<1x2x4x8xf32>, tensor<1x0x4x8xf32>, tensor<1x0x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_no_destination(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{expects 1 or 2 destinations (output[, logsumexp]), but got 0}}
  "seq.attention"(%q, %q, %q) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>}> ({}, {}) : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> ()
  return
}

// -----

func.func @attention_three_destinations(%q: tensor<1x2x4x8xf32>, %l: tensor<1x2x4xf32>) {
  // expected-error @+1 {{expects 1 or 2 destinations (output[, logsumexp]), but got 3}}
  %r:3 = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %l, %l : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
  return
}

// -----

func.func @attention_output_shape(%q: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x6xf32>) {
  // expected-error @+1 {{'output' must have shape (B, Hq, Lq, Ev) = (1, 2, 4, 6), but has type 'tensor<1x2x4x8xf32>'}}
  %r = seq.attention ins(%q, %q, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x6xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_output_element(%q: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf16>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'query'), but has type 'tensor<1x2x4x8xf16>'}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%o : tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16>
  return
}

// -----

func.func @attention_lse_shape(%q: tensor<1x2x4x8xf32>, %l: tensor<1x2x5xf32>) {
  // expected-error @+1 {{'logsumexp' must have shape (B, Hq, Lq) = (1, 2, 4), but has type 'tensor<1x2x5xf32>'}}
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %l : tensor<1x2x4x8xf32>, tensor<1x2x5xf32>) -> tensor<1x2x4x8xf32>, tensor<1x2x5xf32>
  return
}

// -----

func.func @attention_lse_rank(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'logsumexp' must have shape (B, Hq, Lq) = (1, 2, 4), but has type 'tensor<1x2x4x8xf32>'}}
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
  return
}

// -----

// f16 data keeps an f32 logsumexp.
func.func @attention_lse_f16(%q: tensor<1x2x4x8xf16>, %l: tensor<1x2x4xf16>) {
  // expected-error @+1 {{'logsumexp' must have element type 'f32' (the accumulation type), but has type 'tensor<1x2x4xf16>'}}
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>) outs(%q, %l : tensor<1x2x4x8xf16>, tensor<1x2x4xf16>) -> tensor<1x2x4x8xf16>, tensor<1x2x4xf16>
  return
}

// -----

func.func @attention_lse_f64(%q: tensor<1x2x4x8xf64>, %l: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'logsumexp' must have element type 'f64' (the accumulation type), but has type 'tensor<1x2x4xf32>'}}
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf64>, tensor<1x2x4x8xf64>, tensor<1x2x4x8xf64>) outs(%q, %l : tensor<1x2x4x8xf64>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf64>, tensor<1x2x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.attention: attributes
//===----------------------------------------------------------------------===//

func.func @attention_scale_inf(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'scale' must be finite}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {scale = 0x7FF0000000000000 : f64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_scale_nan(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'scale' must be finite}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {scale = 0x7FF8000000000000 : f64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_window_without_sliding(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'window' is only meaningful with mask sliding_window, but mask is causal}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<causal>, window = array<i64: 1, 0>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_sliding_without_window(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{mask sliding_window requires the 'window' attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<sliding_window>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_chunk_size_without_chunk_causal(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'chunk_size' is only meaningful with mask chunk_causal or chunk, but mask is none}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {chunk_size = 2 : i64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_chunk_causal_without_chunk_size(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{mask chunk_causal requires the 'chunk_size' attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunk_causal>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_chunk_without_chunk_size(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{mask chunk requires the 'chunk_size' attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunk>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_chunk_size_zero_chunk(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'chunk_size' must be positive, but is 0}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunk>, chunk_size = 0 : i64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_unknown_mask(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+2 {{expected ::mlir::seq::MaskKind to be one of: none, causal, sliding_window, chunk_causal, prefix, chunk}}
  // expected-error @+1 {{failed to parse Seq_MaskKindAttr parameter 'value'}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunks>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_prefix_length_without_prefix(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'prefix_length' is only meaningful with mask prefix, but mask is sliding_window}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 1, 1>, prefix_length = 2 : i64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_prefix_without_prefix_length(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{mask prefix requires the 'prefix_length' attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<prefix>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_window_size(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'window' must be [left, right] with both >= 0 or -1 (unbounded)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 1, 2, 3>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_window_negative(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'window' must be [left, right] with both >= 0 or -1 (unbounded)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 2, -2>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_chunk_size_zero(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'chunk_size' must be positive, but is 0}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunk_causal>, chunk_size = 0 : i64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_chunk_size_negative(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'chunk_size' must be positive, but is -4}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunk_causal>, chunk_size = -4 : i64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @attention_prefix_length_negative(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'prefix_length' must be >= 0, but is -1}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<prefix>, prefix_length = -1 : i64} -> tensor<1x2x4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.attention: score_mod / mask_mod regions
//===----------------------------------------------------------------------===//

func.func @score_mod_two_blocks(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must have one block}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        cf.br ^bb1
      ^bb1:
        %c = arith.constant 0.0 : f32
        seq.yield %c : f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_mod_two_blocks(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'mask_mod' region must have one block}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        cf.br ^bb1(%t : i1)
      ^bb1(%p: i1):
        seq.yield %p : i1
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_wrong_score_type(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must take (score: f32, b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f64, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 0.0 : f32
        seq.yield %c : f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

// The score of f16 data is in the accumulation type f32, not f16.
func.func @score_mod_f16_score(%q: tensor<1x2x4x8xf16>) {
  // expected-error @+1 {{'score_mod' region must take (score: f32, b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>) outs(%q : tensor<1x2x4x8xf16>)
      score_mod {
      ^bb0(%s: f16, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s : f16
      } -> tensor<1x2x4x8xf16>
  return
}

// -----

func.func @score_mod_f64_score(%q: tensor<1x2x4x8xf64>) {
  // expected-error @+1 {{'score_mod' region must take (score: f64, b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf64>, tensor<1x2x4x8xf64>, tensor<1x2x4x8xf64>) outs(%q : tensor<1x2x4x8xf64>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s : f32
      } -> tensor<1x2x4x8xf64>
  return
}

// -----

func.func @score_mod_arg_count(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must take (score: f32, b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %i: index, %j: index):
        seq.yield %s : f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_index_type(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must take (score: f32, b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: i64, %j: i64):
        seq.yield %s : f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_yield_type(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must end in 'seq.yield' of one 'f32' value}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        seq.yield %i : index
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_yield_two(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must end in 'seq.yield' of one 'f32' value}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s, %s : f32, f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_not_seq_yield(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region must end in 'seq.yield' of one 'f32' value}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        llvm.unreachable
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_no_terminator(%q: tensor<1x2x4x8xf32>) {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        // expected-error @+1 {{block with no terminator}}
        %c = arith.constant 1.0 : f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_mod_empty_block(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{empty block: expect at least a terminator}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_mod_arg_types(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'mask_mod' region must take (b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        seq.yield %t : i1
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_mod_writes(%q: tensor<1x2x4x8xf32>, %m: memref<4xi1>) {
  // expected-error @+1 {{'mask_mod' region may only read memory, but 'memref.store' has other side effects}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %p = arith.cmpi ule, %j, %i : index
        memref.store %p, %m[%i] : memref<4xi1>
        seq.yield %p : i1
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @score_mod_unknown_effects(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'score_mod' region may only read memory, but 'func.call' has other side effects}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %x = func.call @bias(%s) : (f32) -> f32
        seq.yield %x : f32
      } -> tensor<1x2x4x8xf32>
  return
}
func.func private @bias(f32) -> f32

// -----

func.func @mask_mod_arg_count(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'mask_mod' region must take (b: index, h: index, i: index, j: index)}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%i: index, %j: index):
        %p = arith.cmpi ule, %j, %i : index
        seq.yield %p : i1
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_mod_yield_type(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'mask_mod' region must end in 'seq.yield' of one 'i1' value}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 1.0 : f32
        seq.yield %c : f32
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_mod_yield_nothing(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'mask_mod' region must end in 'seq.yield' of one 'i1' value}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        seq.yield
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

// A valid score_mod does not excuse a bad mask_mod.
func.func @mask_mod_after_valid_score_mod(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'mask_mod' region must end in 'seq.yield' of one 'i1' value}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        seq.yield %i : index
      } -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @yield_outside_attention() {
  // expected-error @+1 {{'seq.yield' op expects parent op to be one of 'seq.attention, seq.online_attention'}}
  seq.yield
}

// -----

func.func @yield_in_scf(%c: index) {
  scf.execute_region {
    // expected-error @+1 {{'seq.yield' op expects parent op to be one of 'seq.attention, seq.online_attention'}}
    seq.yield
  }
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.compose_heads
//===----------------------------------------------------------------------===//

func.func @compose_heads_scores_rank(%a: tensor<4x8x8xf32>) {
  // expected-error @+1 {{'scores' must be a rank-4 tensor (B, H, T, S), but has type 'tensor<4x8x8xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<4x8x8xf32>) outs(%a : tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  return
}

// -----

func.func @compose_heads_scores_int(%a: tensor<1x4x8x8xi8>) {
  // expected-error @+1 {{'scores' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x4x8x8xi8>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x8xi8>) outs(%a : tensor<1x4x8x8xi8>) -> tensor<1x4x8x8xi8>
  return
}

// -----

func.func @compose_heads_static_shape(%a: tensor<1x4x8x6xf32>, %w: tensor<4x3xf32>) {
  // expected-error @+1 {{'static' must have shape (H, H) = (4, 4), but has type 'tensor<4x3xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) static(%w : tensor<4x3xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_static_element(%a: tensor<1x4x8x6xf32>, %w: tensor<4x4xf16>) {
  // expected-error @+1 {{'static' must have element type 'f32' (same as 'scores'), but has type 'tensor<4x4xf16>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) static(%w : tensor<4x4xf16>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

// The custom syntax always gives both w1 and w2; the generic form can give one.
func.func @compose_heads_query_w_unpaired(%a: tensor<1x4x8x6xf32>, %qw: tensor<1x8x2x4xf32>) {
  // expected-error @+1 {{'query_w1'/'query_w2' and 'key_w1'/'key_w2' come in pairs}}
  %r = "seq.compose_heads"(%a, %qw, %a) <{operandSegmentSizes = array<i32: 1, 0, 1, 0, 0, 0, 0, 0, 1>}> : (tensor<1x4x8x6xf32>, tensor<1x8x2x4xf32>, tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_w_unpaired(%a: tensor<1x4x8x6xf32>, %kw: tensor<1x6x2x4xf32>) {
  // expected-error @+1 {{'query_w1'/'query_w2' and 'key_w1'/'key_w2' come in pairs}}
  %r = "seq.compose_heads"(%a, %kw, %a) <{operandSegmentSizes = array<i32: 1, 0, 0, 0, 0, 1, 0, 0, 1>}> : (tensor<1x4x8x6xf32>, tensor<1x6x2x4xf32>, tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_query_w1_shape(%a: tensor<1x4x8x6xf32>, %qw: tensor<1x6x2x4xf32>) {
  // expected-error @+1 {{'query_w1' must have shape (B, T, R, H) = (1, 8, *, 4), but has type 'tensor<1x6x2x4xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) query_w(%qw, %qw : tensor<1x6x2x4xf32>, tensor<1x6x2x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_query_w1_element(%a: tensor<1x4x8x6xf32>, %qw: tensor<1x8x2x4xbf16>, %qw2: tensor<1x8x2x4xf32>) {
  // expected-error @+1 {{'query_w1' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x8x2x4xbf16>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) query_w(%qw, %qw2 : tensor<1x8x2x4xbf16>, tensor<1x8x2x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_query_w2_rank_mismatch(%a: tensor<1x4x8x6xf32>, %qw1: tensor<1x8x2x4xf32>, %qw2: tensor<1x8x3x4xf32>) {
  // expected-error @+1 {{'query_w2' must have shape (B, T, R, H) = (1, 8, 2, 4), but has type 'tensor<1x8x3x4xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) query_w(%qw1, %qw2 : tensor<1x8x2x4xf32>, tensor<1x8x3x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_query_w2_element(%a: tensor<1x4x8x6xf32>, %qw1: tensor<1x8x2x4xf32>, %qw2: tensor<1x8x2x4xf64>) {
  // expected-error @+1 {{'query_w2' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x8x2x4xf64>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) query_w(%qw1, %qw2 : tensor<1x8x2x4xf32>, tensor<1x8x2x4xf64>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_w1_shape(%a: tensor<1x4x8x6xf32>, %kw: tensor<1x8x2x4xf32>) {
  // expected-error @+1 {{'key_w1' must have shape (B, S, R, H) = (1, 6, *, 4), but has type 'tensor<1x8x2x4xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) key_w(%kw, %kw : tensor<1x8x2x4xf32>, tensor<1x8x2x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_w1_element(%a: tensor<1x4x8x6xf32>, %kw1: tensor<1x6x2x4xf16>, %kw2: tensor<1x6x2x4xf32>) {
  // expected-error @+1 {{'key_w1' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x6x2x4xf16>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) key_w(%kw1, %kw2 : tensor<1x6x2x4xf16>, tensor<1x6x2x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_w2_rank_mismatch(%a: tensor<1x4x8x6xf32>, %kw1: tensor<1x6x2x4xf32>, %kw2: tensor<1x6x1x4xf32>) {
  // expected-error @+1 {{'key_w2' must have shape (B, S, R, H) = (1, 6, 2, 4), but has type 'tensor<1x6x1x4xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) key_w(%kw1, %kw2 : tensor<1x6x2x4xf32>, tensor<1x6x1x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_w2_element(%a: tensor<1x4x8x6xf32>, %kw1: tensor<1x6x2x4xf32>, %kw2: tensor<1x6x2x4xf16>) {
  // expected-error @+1 {{'key_w2' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x6x2x4xf16>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) key_w(%kw1, %kw2 : tensor<1x6x2x4xf32>, tensor<1x6x2x4xf16>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_query_gate_shape(%a: tensor<1x4x8x6xf32>, %g: tensor<1x6x4xf32>) {
  // expected-error @+1 {{'query_gate' must have shape (B, T, H) = (1, 8, 4), but has type 'tensor<1x6x4xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) query_gate(%g : tensor<1x6x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_query_gate_element(%a: tensor<1x4x8x6xf32>, %g: tensor<1x8x4xf64>) {
  // expected-error @+1 {{'query_gate' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x8x4xf64>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) query_gate(%g : tensor<1x8x4xf64>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_gate_shape(%a: tensor<1x4x8x6xf32>, %g: tensor<1x8x4xf32>) {
  // expected-error @+1 {{'key_gate' must have shape (B, S, H) = (1, 6, 4), but has type 'tensor<1x8x4xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) key_gate(%g : tensor<1x8x4xf32>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_key_gate_element(%a: tensor<1x4x8x6xf32>, %g: tensor<1x6x4xbf16>) {
  // expected-error @+1 {{'key_gate' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x6x4xbf16>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) key_gate(%g : tensor<1x6x4xbf16>) outs(%a : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_two_destinations(%a: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 2}}
  %r:2 = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) outs(%a, %a : tensor<1x4x8x6xf32>, tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>, tensor<1x4x8x6xf32>
  return
}

// -----

func.func @compose_heads_no_destination(%a: tensor<1x4x8x6xf32>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 0}}
  "seq.compose_heads"(%a) <{operandSegmentSizes = array<i32: 1, 0, 0, 0, 0, 0, 0, 0, 0>}> : (tensor<1x4x8x6xf32>) -> ()
  return
}

// -----

func.func @compose_heads_output_shape(%a: tensor<1x4x8x6xf32>, %o: tensor<1x4x6x8xf32>) {
  // expected-error @+1 {{'output' must have shape (B, H, T, S) = (1, 4, 8, 6), but has type 'tensor<1x4x6x8xf32>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) outs(%o : tensor<1x4x6x8xf32>) -> tensor<1x4x6x8xf32>
  return
}

// -----

func.func @compose_heads_output_element(%a: tensor<1x4x8x6xf32>, %o: tensor<1x4x8x6xf16>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'scores'), but has type 'tensor<1x4x8x6xf16>'}}
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>) outs(%o : tensor<1x4x8x6xf16>) -> tensor<1x4x8x6xf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.scan
//===----------------------------------------------------------------------===//

func.func @scan_a_rank(%a: tensor<8xf32>) {
  // expected-error @+1 {{'a' must have rank >= 2 (B, L, S...), but has type 'tensor<8xf32>'}}
  %r = seq.scan ins(%a, %a : tensor<8xf32>, tensor<8xf32>) outs(%a : tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @scan_a_int(%a: tensor<2x8xi32>) {
  // expected-error @+1 {{'a' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x8xi32>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8xi32>, tensor<2x8xi32>) outs(%a : tensor<2x8xi32>) -> tensor<2x8xi32>
  return
}

// -----

func.func @scan_a_complex_f16(%a: tensor<2x8xcomplex<f16>>) {
  // expected-error @+1 {{'a' must have complex<f32> or complex<f64> elements, but has type 'tensor<2x8xcomplex<f16>>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8xcomplex<f16>>, tensor<2x8xcomplex<f16>>) outs(%a : tensor<2x8xcomplex<f16>>) -> tensor<2x8xcomplex<f16>>
  return
}

// -----

func.func @scan_a_complex_int(%a: tensor<2x8xcomplex<i32>>) {
  // expected-error @+1 {{'a' must have complex<f32> or complex<f64> elements, but has type 'tensor<2x8xcomplex<i32>>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8xcomplex<i32>>, tensor<2x8xcomplex<i32>>) outs(%a : tensor<2x8xcomplex<i32>>) -> tensor<2x8xcomplex<i32>>
  return
}

// -----

func.func @scan_b_shape(%a: tensor<2x8x4xf32>, %b: tensor<2x8x5xf32>) {
  // expected-error @+1 {{'b' must have shape (B, L, S...) like 'a' = (2, 8, 4), but has type 'tensor<2x8x5xf32>'}}
  %r = seq.scan ins(%a, %b : tensor<2x8x4xf32>, tensor<2x8x5xf32>) outs(%a : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

func.func @scan_b_rank(%a: tensor<2x8x4xf32>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{'b' must have shape (B, L, S...) like 'a' = (2, 8, 4), but has type 'tensor<2x8xf32>'}}
  %r = seq.scan ins(%a, %b : tensor<2x8x4xf32>, tensor<2x8xf32>) outs(%a : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

func.func @scan_b_element(%a: tensor<2x8xcomplex<f32>>, %b: tensor<2x8xf32>) {
  // expected-error @+1 {{'b' must have element type 'complex<f32>' (same as 'a'), but has type 'tensor<2x8xf32>'}}
  %r = seq.scan ins(%a, %b : tensor<2x8xcomplex<f32>>, tensor<2x8xf32>) outs(%a : tensor<2x8xcomplex<f32>>) -> tensor<2x8xcomplex<f32>>
  return
}

// -----

func.func @scan_initial_shape(%a: tensor<2x8x4xf32>, %h: tensor<2x8xf32>) {
  // expected-error @+1 {{'initial' must have shape (B, S...) = (2, 4), but has type 'tensor<2x8xf32>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8x4xf32>, tensor<2x8x4xf32>) initial(%h : tensor<2x8xf32>) outs(%a : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

func.func @scan_initial_element(%a: tensor<2x8x4xf32>, %h: tensor<2x4xf64>) {
  // expected-error @+1 {{'initial' must have element type 'f32' (same as 'a'), but has type 'tensor<2x4xf64>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8x4xf32>, tensor<2x8x4xf32>) initial(%h : tensor<2x4xf64>) outs(%a : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return
}

// -----

func.func @scan_no_destination(%a: tensor<2x8x4xf32>) {
  // expected-error @+1 {{expects 1 or 2 destinations (states[, final]), but got 0}}
  "seq.scan"(%a, %a) <{operandSegmentSizes = array<i32: 1, 1, 0, 0>}> : (tensor<2x8x4xf32>, tensor<2x8x4xf32>) -> ()
  return
}

// -----

func.func @scan_three_destinations(%a: tensor<2x8x4xf32>, %h: tensor<2x4xf32>) {
  // expected-error @+1 {{expects 1 or 2 destinations (states[, final]), but got 3}}
  %r:3 = seq.scan ins(%a, %a : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%a, %h, %h : tensor<2x8x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
  return
}

// -----

func.func @scan_states_shape(%a: tensor<2x8x4xf32>, %s: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'states' must have shape (B, L, S...) = (2, 8, 4), but has type 'tensor<2x4x8xf32>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%s : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return
}

// -----

func.func @scan_states_element(%a: tensor<2x8x4xf32>, %s: tensor<2x8x4xbf16>) {
  // expected-error @+1 {{'states' must have element type 'f32' (same as 'a'), but has type 'tensor<2x8x4xbf16>'}}
  %r = seq.scan ins(%a, %a : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%s : tensor<2x8x4xbf16>) -> tensor<2x8x4xbf16>
  return
}

// -----

func.func @scan_final_shape(%a: tensor<2x8x4xf32>, %h: tensor<2x8x4xf32>) {
  // expected-error @+1 {{'final' must have shape (B, S...) = (2, 4), but has type 'tensor<2x8x4xf32>'}}
  %r:2 = seq.scan ins(%a, %a : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%a, %h : tensor<2x8x4xf32>, tensor<2x8x4xf32>) -> tensor<2x8x4xf32>, tensor<2x8x4xf32>
  return
}

// -----

func.func @scan_final_element(%a: tensor<2x8x4xcomplex<f64>>, %h: tensor<2x4xcomplex<f32>>) {
  // expected-error @+1 {{'final' must have element type 'complex<f64>' (same as 'a'), but has type 'tensor<2x4xcomplex<f32>>'}}
  %r:2 = seq.scan ins(%a, %a : tensor<2x8x4xcomplex<f64>>, tensor<2x8x4xcomplex<f64>>) outs(%a, %h : tensor<2x8x4xcomplex<f64>>, tensor<2x4xcomplex<f32>>) -> tensor<2x8x4xcomplex<f64>>, tensor<2x4xcomplex<f32>>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.ema
//===----------------------------------------------------------------------===//

func.func @ema_input_rank(%x: tensor<32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'input' must be a rank-3 tensor (B, L, D), but has type 'tensor<32x8xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<32x8xf32>) -> tensor<32x8xf32>
  return
}

// -----

func.func @ema_input_int(%x: tensor<2x32x8xi16>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'input' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x32x8xi16>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xi16>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xi16>) -> tensor<2x32x8xi16>
  return
}

// -----

func.func @ema_weight_logit_rank(%x: tensor<2x32x8xf32>, %w: tensor<8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'weight_logit' must be a rank-2 tensor (D, N), but has type 'tensor<8xf32>'}}
  %r = seq.ema <damped> ins(%x, %w, %p, %p, %om : tensor<2x32x8xf32>, tensor<8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_weight_logit_int(%x: tensor<2x32x8xf32>, %w: tensor<8x4xi32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'weight_logit' must have f16, bf16, f32 or f64 elements, but has type 'tensor<8x4xi32>'}}
  %r = seq.ema <damped> ins(%x, %w, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xi32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_weight_logit_shape(%x: tensor<2x32x8xf32>, %w: tensor<6x4xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'weight_logit' must have shape (D, N) = (8, 4), but has type 'tensor<6x4xf32>'}}
  %r = seq.ema <damped> ins(%x, %w, %p, %p, %om : tensor<2x32x8xf32>, tensor<6x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damping_logit_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %dl: tensor<8x3xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'damping_logit' must have shape (D, N) = (8, 4), but has type 'tensor<8x3xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %dl, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x3xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damping_logit_element(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %dl: tensor<8x4xf16>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'damping_logit' must have element type 'f32' (same as 'weight_logit'), but has type 'tensor<8x4xf16>'}}
  %r = seq.ema <damped> ins(%x, %p, %dl, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf16>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_omega_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<4xf32>) {
  // expected-error @+1 {{'omega' must have shape (D) = (8), but has type 'tensor<4xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<4xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_omega_element(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf64>) {
  // expected-error @+1 {{'omega' must have element type 'f32' (same as 'weight_logit'), but has type 'tensor<8xf64>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf64>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_complex_gamma_shape(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %om: tensor<16xf32>) {
  // expected-error @+1 {{'gamma' must have shape (D, N, 2) of (real, imag) = (16, 4, 2), but has type 'tensor<16x4xf32>'}}
  %r = seq.ema <complex> ins(%x, %p, %p, %p, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16xf32>) theta(%om : tensor<16xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_complex_gamma_element(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xbf16>, %om: tensor<16xf32>) {
  // expected-error @+1 {{'gamma' must have element type 'f32' (same as 'weight_logit'), but has type 'tensor<16x4x2xbf16>'}}
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xbf16>, tensor<16xf32>) theta(%om : tensor<16xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_complex_with_beta(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>, %om: tensor<16xf32>) {
  // expected-error @+1 {{'beta' is only used by the damped EMA; the complex EMA absorbs it into 'gamma'}}
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) beta(%p : tensor<16x4xf32>) theta(%om : tensor<16xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_complex_without_theta(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>, %om: tensor<16xf32>) {
  // expected-error @+1 {{the complex EMA requires 'theta' (D)}}
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_complex_theta_shape(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>, %om: tensor<16xf32>) {
  // expected-error @+1 {{'theta' must have shape (D) = (16), but has type 'tensor<16x4xf32>'}}
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) theta(%p : tensor<16x4xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_complex_theta_element(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>, %om: tensor<16xf32>, %th: tensor<16xf16>) {
  // expected-error @+1 {{'theta' must have element type 'f32' (same as 'weight_logit'), but has type 'tensor<16xf16>'}}
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) theta(%th : tensor<16xf16>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_damped_gamma_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %g: tensor<8x4x2xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'gamma' must have shape (D, N) = (8, 4), but has type 'tensor<8x4x2xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %g, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4x2xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damped_gamma_element(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %g: tensor<8x4xf64>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'gamma' must have element type 'f32' (same as 'weight_logit'), but has type 'tensor<8x4xf64>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %g, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf64>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damped_with_theta(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'theta' is only used by the complex EMA}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) theta(%om : tensor<8xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damped_without_beta(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{the damped EMA requires 'beta' (D, N)}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damped_beta_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'beta' must have shape (D, N) = (8, 4), but has type 'tensor<8xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%om : tensor<8xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damped_beta_element(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %beta: tensor<8x4xbf16>) {
  // expected-error @+1 {{'beta' must have element type 'f32' (same as 'weight_logit'), but has type 'tensor<8x4xbf16>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%beta : tensor<8x4xbf16>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_initial_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %h: tensor<2x4x8xf32>) {
  // expected-error @+1 {{'initial' must have shape (B, D, N) = (2, 8, 4), but has type 'tensor<2x4x8xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) initial(%h : tensor<2x4x8xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_damped_initial_complex(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %h: tensor<2x8x4xcomplex<f32>>) {
  // expected-error @+1 {{'initial' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x8x4xcomplex<f32>>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) initial(%h : tensor<2x8x4xcomplex<f32>>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @ema_complex_initial_real(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>, %om: tensor<16xf32>, %h: tensor<1x16x4xf32>) {
  // expected-error @+1 {{'initial' must have complex<f32> or complex<f64> elements, but has type 'tensor<1x16x4xf32>'}}
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) theta(%om : tensor<16xf32>) initial(%h : tensor<1x16x4xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  return
}

// -----

func.func @ema_no_destination(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{expects 1 or 2 destinations (output[, final]), but got 0}}
  "seq.ema"(%x, %p, %p, %p, %om, %p) <{kind = #seq.ema_kind<damped>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 0, 0, 0>}> : (tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8x4xf32>) -> ()
  return
}

// -----

func.func @ema_three_destinations(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %h: tensor<2x8x4xf32>) {
  // expected-error @+1 {{expects 1 or 2 destinations (output[, final]), but got 3}}
  %r:3 = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x, %h, %h : tensor<2x32x8xf32>, tensor<2x8x4xf32>, tensor<2x8x4xf32>) -> tensor<2x32x8xf32>, tensor<2x8x4xf32>, tensor<2x8x4xf32>
  return
}

// -----

func.func @ema_output_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %y: tensor<2x31x8xf32>) {
  // expected-error @+1 {{'output' must have shape (B, L, D) = (2, 32, 8), but has type 'tensor<2x31x8xf32>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%y : tensor<2x31x8xf32>) -> tensor<2x31x8xf32>
  return
}

// -----

func.func @ema_output_element(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %y: tensor<2x32x8xf16>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'input'), but has type 'tensor<2x32x8xf16>'}}
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%y : tensor<2x32x8xf16>) -> tensor<2x32x8xf16>
  return
}

// -----

func.func @ema_final_shape(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %h: tensor<8x4xf32>) {
  // expected-error @+1 {{'final' must have shape (B, D, N) = (2, 8, 4), but has type 'tensor<8x4xf32>'}}
  %r:2 = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x, %h : tensor<2x32x8xf32>, tensor<8x4xf32>) -> tensor<2x32x8xf32>, tensor<8x4xf32>
  return
}

// -----

func.func @ema_damped_final_complex(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>, %h: tensor<2x8x4xcomplex<f32>>) {
  // expected-error @+1 {{'final' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x8x4xcomplex<f32>>'}}
  %r:2 = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x, %h : tensor<2x32x8xf32>, tensor<2x8x4xcomplex<f32>>) -> tensor<2x32x8xf32>, tensor<2x8x4xcomplex<f32>>
  return
}

// -----

func.func @ema_complex_final_real(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>, %om: tensor<16xf32>, %h: tensor<1x16x4xf32>) {
  // expected-error @+1 {{'final' must have complex<f32> or complex<f64> elements, but has type 'tensor<1x16x4xf32>'}}
  %r:2 = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) theta(%om : tensor<16xf32>) outs(%x, %h : tensor<1x64x16xf32>, tensor<1x16x4xf32>) -> tensor<1x64x16xf32>, tensor<1x16x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.long_conv
//===----------------------------------------------------------------------===//

func.func @long_conv_input_rank(%u: tensor<64x8xf32>, %k: tensor<8x64xf32>) {
  // expected-error @+1 {{'input' must be a rank-3 tensor (B, L, C), but has type 'tensor<64x8xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<64x8xf32>, tensor<8x64xf32>) outs(%u : tensor<64x8xf32>) -> tensor<64x8xf32>
  return
}

// -----

func.func @long_conv_input_int(%u: tensor<2x64x8xi32>, %k: tensor<8x64xf32>) {
  // expected-error @+1 {{'input' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x64x8xi32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xi32>, tensor<8x64xf32>) outs(%u : tensor<2x64x8xi32>) -> tensor<2x64x8xi32>
  return
}

// -----

func.func @long_conv_filter_rank(%u: tensor<2x64x8xf32>, %k: tensor<1x8x64xf32>) {
  // expected-error @+1 {{'filter' must be a rank-2 tensor (C, K), but has type 'tensor<1x8x64xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<1x8x64xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_filter_int(%u: tensor<2x64x8xf32>, %k: tensor<8x64xi32>) {
  // expected-error @+1 {{'filter' must have f16, bf16, f32 or f64 elements, but has type 'tensor<8x64xi32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xi32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_spectrum_f16(%u: tensor<2x64x8xf32>, %s: tensor<8x65xcomplex<f16>>) {
  // expected-error @+1 {{'filter' must have complex<f32> or complex<f64> elements, but has type 'tensor<8x65xcomplex<f16>>'}}
  %r = seq.long_conv ins(%u, %s : tensor<2x64x8xf32>, tensor<8x65xcomplex<f16>>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_spectrum_channels(%u: tensor<2x64x8xf32>, %s: tensor<4x65xcomplex<f32>>) {
  // expected-error @+1 {{'filter' must have shape (C, F) = (8, *), but has type 'tensor<4x65xcomplex<f32>>'}}
  %r = seq.long_conv ins(%u, %s : tensor<2x64x8xf32>, tensor<4x65xcomplex<f32>>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_spectrum_one_bin(%u: tensor<2x1x8xf32>, %s: tensor<8x1xcomplex<f32>>) {
  // expected-error @+1 {{'filter' spectrum must have at least 2 bins (F = n/2 + 1), but has type 'tensor<8x1xcomplex<f32>>'}}
  %r = seq.long_conv ins(%u, %s : tensor<2x1x8xf32>, tensor<8x1xcomplex<f32>>) outs(%u : tensor<2x1x8xf32>) -> tensor<2x1x8xf32>
  return
}

// -----

func.func @long_conv_spectrum_short(%u: tensor<2x64x8xf32>, %s: tensor<8x32xcomplex<f32>>) {
  // expected-error @+1 {{'filter' spectrum of F = 32 bins is a transform of n = 2 (F - 1) = 62 points, shorter than the sequence (L = 64)}}
  %r = seq.long_conv ins(%u, %s : tensor<2x64x8xf32>, tensor<8x32xcomplex<f32>>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_spectrum_direct(%u: tensor<2x64x8xf32>, %s: tensor<8x65xcomplex<f32>>) {
  // expected-error @+1 {{method 'direct' needs the filter's taps, not its spectrum}}
  %r = seq.long_conv ins(%u, %s : tensor<2x64x8xf32>, tensor<8x65xcomplex<f32>>) outs(%u : tensor<2x64x8xf32>) {method = #seq.conv_method<direct>} -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_filter_channels(%u: tensor<2x64x8xf32>, %k: tensor<64x8xf32>) {
  // expected-error @+1 {{'filter' must have shape (C, K) = (8, *), but has type 'tensor<64x8xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<64x8xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_filter_no_taps(%u: tensor<2x64x8xf32>, %k: tensor<8x0xf32>) {
  // expected-error @+1 {{'filter' must have at least one tap}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x0xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_skip_shape(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %d: tensor<64xf32>) {
  // expected-error @+1 {{'skip' must have shape (C) = (8), but has type 'tensor<64xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) skip(%d : tensor<64xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_skip_int(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %d: tensor<8xi32>) {
  // expected-error @+1 {{'skip' must have f16, bf16, f32 or f64 elements, but has type 'tensor<8xi32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) skip(%d : tensor<8xi32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_pregate_shape(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %g: tensor<1x64x8xf32>) {
  // expected-error @+1 {{'pregate' must have shape (B, L, C) = (2, 64, 8), but has type 'tensor<1x64x8xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) pregate(%g : tensor<1x64x8xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_pregate_int(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %g: tensor<2x64x8xi1>) {
  // expected-error @+1 {{'pregate' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x64x8xi1>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) pregate(%g : tensor<2x64x8xi1>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_postgate_shape(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %g: tensor<2x64xf32>) {
  // expected-error @+1 {{'postgate' must have shape (B, L, C) = (2, 64, 8), but has type 'tensor<2x64xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) postgate(%g : tensor<2x64xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_postgate_int(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %g: tensor<2x64x8xi8>) {
  // expected-error @+1 {{'postgate' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x64x8xi8>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) postgate(%g : tensor<2x64x8xi8>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_two_destinations(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 2}}
  %r:2 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%u, %u : tensor<2x64x8xf32>, tensor<2x64x8xf32>) -> tensor<2x64x8xf32>, tensor<2x64x8xf32>
  return
}

// -----

func.func @long_conv_output_shape(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %y: tensor<2x128x8xf32>) {
  // expected-error @+1 {{'output' must have shape (B, L, C) = (2, 64, 8), but has type 'tensor<2x128x8xf32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%y : tensor<2x128x8xf32>) -> tensor<2x128x8xf32>
  return
}

// -----

func.func @long_conv_output_int(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %y: tensor<2x64x8xi32>) {
  // expected-error @+1 {{'output' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x64x8xi32>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%y : tensor<2x64x8xi32>) -> tensor<2x64x8xi32>
  return
}

// -----

func.func @long_conv_output_element(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>, %y: tensor<2x64x8xf64>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'input'), but has type 'tensor<2x64x8xf64>'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%y : tensor<2x64x8xf64>) -> tensor<2x64x8xf64>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.fft / seq.ifft / seq.rfft / seq.irfft
//===----------------------------------------------------------------------===//

func.func @fft_rank0(%x: tensor<complex<f32>>) {
  // expected-error @+1 {{'input' must have rank >= 1 (..., N), but has type 'tensor<complex<f32>>'}}
  %r = seq.fft ins(%x : tensor<complex<f32>>) outs(%x : tensor<complex<f32>>) -> tensor<complex<f32>>
  return
}

// -----

func.func @fft_two_destinations(%x: tensor<4x12xcomplex<f32>>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 2}}
  %r:2 = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%x, %x : tensor<4x12xcomplex<f32>>, tensor<4x12xcomplex<f32>>) -> tensor<4x12xcomplex<f32>>, tensor<4x12xcomplex<f32>>
  return
}

// -----

func.func @fft_no_destination(%x: tensor<4x12xcomplex<f32>>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 0}}
  "seq.fft"(%x) : (tensor<4x12xcomplex<f32>>) -> ()
  return
}

// -----

func.func @fft_real_input(%x: tensor<4x12xf32>, %y: tensor<4x12xcomplex<f32>>) {
  // expected-error @+1 {{'input' must have complex<f32> or complex<f64> elements, but has type 'tensor<4x12xf32>'}}
  %r = seq.fft ins(%x : tensor<4x12xf32>) outs(%y : tensor<4x12xcomplex<f32>>) -> tensor<4x12xcomplex<f32>>
  return
}

// -----

func.func @fft_real_output(%x: tensor<4x12xcomplex<f32>>, %y: tensor<4x12xf32>) {
  // expected-error @+1 {{'output' must have complex<f32> or complex<f64> elements, but has type 'tensor<4x12xf32>'}}
  %r = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%y : tensor<4x12xf32>) -> tensor<4x12xf32>
  return
}

// -----

func.func @fft_complex_f16(%x: tensor<4x12xcomplex<f16>>) {
  // expected-error @+1 {{'input' must have complex<f32> or complex<f64> elements, but has type 'tensor<4x12xcomplex<f16>>'}}
  %r = seq.fft ins(%x : tensor<4x12xcomplex<f16>>) outs(%x : tensor<4x12xcomplex<f16>>) -> tensor<4x12xcomplex<f16>>
  return
}

// -----

func.func @fft_element_mismatch(%x: tensor<4x12xcomplex<f32>>, %y: tensor<4x12xcomplex<f64>>) {
  // expected-error @+1 {{'output' must have element type 'complex<f32>' (same as 'input'), but has type 'tensor<4x12xcomplex<f64>>'}}
  %r = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%y : tensor<4x12xcomplex<f64>>) -> tensor<4x12xcomplex<f64>>
  return
}

// -----

func.func @fft_output_shape(%x: tensor<4x12xcomplex<f32>>, %y: tensor<4x7xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have shape (..., N) = (4, 12), but has type 'tensor<4x7xcomplex<f32>>'}}
  %r = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%y : tensor<4x7xcomplex<f32>>) -> tensor<4x7xcomplex<f32>>
  return
}

// -----

func.func @fft_output_rank(%x: tensor<4x12xcomplex<f32>>, %y: tensor<48xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have shape (..., N) = (4, 12), but has type 'tensor<48xcomplex<f32>>'}}
  %r = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%y : tensor<48xcomplex<f32>>) -> tensor<48xcomplex<f32>>
  return
}

// -----

func.func @fft_empty(%x: tensor<4x0xcomplex<f32>>) {
  // expected-error @+1 {{transform length must be at least 1}}
  %r = seq.fft ins(%x : tensor<4x0xcomplex<f32>>) outs(%x : tensor<4x0xcomplex<f32>>) -> tensor<4x0xcomplex<f32>>
  return
}

// -----

func.func @ifft_real_input(%x: tensor<12xf64>, %y: tensor<12xcomplex<f64>>) {
  // expected-error @+1 {{'input' must have complex<f32> or complex<f64> elements, but has type 'tensor<12xf64>'}}
  %r = seq.ifft ins(%x : tensor<12xf64>) outs(%y : tensor<12xcomplex<f64>>) -> tensor<12xcomplex<f64>>
  return
}

// -----

func.func @ifft_element_mismatch(%x: tensor<12xcomplex<f64>>, %y: tensor<12xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have element type 'complex<f64>' (same as 'input'), but has type 'tensor<12xcomplex<f32>>'}}
  %r = seq.ifft ins(%x : tensor<12xcomplex<f64>>) outs(%y : tensor<12xcomplex<f32>>) -> tensor<12xcomplex<f32>>
  return
}

// -----

func.func @ifft_output_shape(%x: tensor<3x12xcomplex<f64>>, %y: tensor<2x12xcomplex<f64>>) {
  // expected-error @+1 {{'output' must have shape (..., N) = (3, 12), but has type 'tensor<2x12xcomplex<f64>>'}}
  %r = seq.ifft ins(%x : tensor<3x12xcomplex<f64>>) outs(%y : tensor<2x12xcomplex<f64>>) -> tensor<2x12xcomplex<f64>>
  return
}

// -----

func.func @ifft_empty(%x: tensor<0xcomplex<f64>>) {
  // expected-error @+1 {{transform length must be at least 1}}
  %r = seq.ifft ins(%x : tensor<0xcomplex<f64>>) outs(%x : tensor<0xcomplex<f64>>) -> tensor<0xcomplex<f64>>
  return
}

// -----

func.func @rfft_rank0(%x: tensor<f32>, %y: tensor<1xcomplex<f32>>) {
  // expected-error @+1 {{'input' must have rank >= 1 (..., N), but has type 'tensor<f32>'}}
  %r = seq.rfft ins(%x : tensor<f32>) outs(%y : tensor<1xcomplex<f32>>) -> tensor<1xcomplex<f32>>
  return
}

// -----

func.func @rfft_complex_input(%x: tensor<16xcomplex<f32>>, %y: tensor<9xcomplex<f32>>) {
  // expected-error @+1 {{'input' must have f16, bf16, f32 or f64 elements, but has type 'tensor<16xcomplex<f32>>'}}
  %r = seq.rfft ins(%x : tensor<16xcomplex<f32>>) outs(%y : tensor<9xcomplex<f32>>) -> tensor<9xcomplex<f32>>
  return
}

// -----

func.func @rfft_real_output(%x: tensor<16xf32>, %y: tensor<9xf32>) {
  // expected-error @+1 {{'output' must have complex<f32> or complex<f64> elements, but has type 'tensor<9xf32>'}}
  %r = seq.rfft ins(%x : tensor<16xf32>) outs(%y : tensor<9xf32>) -> tensor<9xf32>
  return
}

// -----

// There is no complex<f16> result type, so rfft cannot take f16 input.
func.func @rfft_f16(%x: tensor<16xf16>, %y: tensor<9xcomplex<f16>>) {
  // expected-error @+1 {{'output' must have complex<f32> or complex<f64> elements, but has type 'tensor<9xcomplex<f16>>'}}
  %r = seq.rfft ins(%x : tensor<16xf16>) outs(%y : tensor<9xcomplex<f16>>) -> tensor<9xcomplex<f16>>
  return
}

// -----

func.func @rfft_output_float(%x: tensor<16xf32>, %y: tensor<9xcomplex<f64>>) {
  // expected-error @+1 {{'output' must have element type 'complex<f32>' (complex of the input's float type), but has type 'tensor<9xcomplex<f64>>'}}
  %r = seq.rfft ins(%x : tensor<16xf32>) outs(%y : tensor<9xcomplex<f64>>) -> tensor<9xcomplex<f64>>
  return
}

// -----

func.func @rfft_bins(%x: tensor<4x16xf32>, %y: tensor<4x16xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have shape (..., N/2+1) = (4, 9), but has type 'tensor<4x16xcomplex<f32>>'}}
  %r = seq.rfft ins(%x : tensor<4x16xf32>) outs(%y : tensor<4x16xcomplex<f32>>) -> tensor<4x16xcomplex<f32>>
  return
}

// -----

func.func @rfft_bins_odd(%x: tensor<15xf64>, %y: tensor<7xcomplex<f64>>) {
  // expected-error @+1 {{'output' must have shape (..., N/2+1) = (8), but has type 'tensor<7xcomplex<f64>>'}}
  %r = seq.rfft ins(%x : tensor<15xf64>) outs(%y : tensor<7xcomplex<f64>>) -> tensor<7xcomplex<f64>>
  return
}

// -----

func.func @rfft_leading(%x: tensor<4x16xf32>, %y: tensor<3x9xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have shape (..., N/2+1) = (4, 9), but has type 'tensor<3x9xcomplex<f32>>'}}
  %r = seq.rfft ins(%x : tensor<4x16xf32>) outs(%y : tensor<3x9xcomplex<f32>>) -> tensor<3x9xcomplex<f32>>
  return
}

// -----

// Dynamic N: the bin count is not checked statically, but the rank is.
func.func @rfft_dynamic_rank(%x: tensor<4x?xf32>, %y: tensor<?xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have shape (..., N) = (4, *), but has type 'tensor<?xcomplex<f32>>'}}
  %r = seq.rfft ins(%x : tensor<4x?xf32>) outs(%y : tensor<?xcomplex<f32>>) -> tensor<?xcomplex<f32>>
  return
}

// -----

func.func @rfft_empty(%x: tensor<0xf32>, %y: tensor<1xcomplex<f32>>) {
  // expected-error @+1 {{transform length must be at least 1}}
  %r = seq.rfft ins(%x : tensor<0xf32>) outs(%y : tensor<1xcomplex<f32>>) -> tensor<1xcomplex<f32>>
  return
}

// -----

func.func @irfft_real_input(%x: tensor<9xf32>, %y: tensor<16xf32>) {
  // expected-error @+1 {{'input' must have complex<f32> or complex<f64> elements, but has type 'tensor<9xf32>'}}
  %r = seq.irfft ins(%x : tensor<9xf32>) outs(%y : tensor<16xf32>) -> tensor<16xf32>
  return
}

// -----

func.func @irfft_complex_output(%x: tensor<9xcomplex<f32>>, %y: tensor<16xcomplex<f32>>) {
  // expected-error @+1 {{'output' must have f16, bf16, f32 or f64 elements, but has type 'tensor<16xcomplex<f32>>'}}
  %r = seq.irfft ins(%x : tensor<9xcomplex<f32>>) outs(%y : tensor<16xcomplex<f32>>) -> tensor<16xcomplex<f32>>
  return
}

// -----

func.func @irfft_output_float(%x: tensor<9xcomplex<f32>>, %y: tensor<16xf64>) {
  // expected-error @+1 {{'output' must have element type 'f32' (the float type of the input's complex elements), but has type 'tensor<16xf64>'}}
  %r = seq.irfft ins(%x : tensor<9xcomplex<f32>>) outs(%y : tensor<16xf64>) -> tensor<16xf64>
  return
}

// -----

func.func @irfft_output_rank(%x: tensor<4x9xcomplex<f32>>, %y: tensor<64xf32>) {
  // expected-error @+1 {{'output' must be a rank-2 tensor (..., N), but has type 'tensor<64xf32>'}}
  %r = seq.irfft ins(%x : tensor<4x9xcomplex<f32>>) outs(%y : tensor<64xf32>) -> tensor<64xf32>
  return
}

// -----

func.func @irfft_output_rank0(%x: tensor<1xcomplex<f32>>, %y: tensor<f32>) {
  // expected-error @+1 {{'output' must be a rank-1 tensor (..., N), but has type 'tensor<f32>'}}
  %r = seq.irfft ins(%x : tensor<1xcomplex<f32>>) outs(%y : tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @irfft_bins(%x: tensor<4x8xcomplex<f32>>, %y: tensor<4x16xf32>) {
  // expected-error @+1 {{'input' must have N/2+1 = 9 bins for an output of length N = 16, but has 8 ('tensor<4x8xcomplex<f32>>')}}
  %r = seq.irfft ins(%x : tensor<4x8xcomplex<f32>>) outs(%y : tensor<4x16xf32>) -> tensor<4x16xf32>
  return
}

// -----

func.func @irfft_leading(%x: tensor<4x9xcomplex<f32>>, %y: tensor<2x16xf32>) {
  // expected-error @+1 {{'output' must have shape (..., N) = (4, 16), but has type 'tensor<2x16xf32>'}}
  %r = seq.irfft ins(%x : tensor<4x9xcomplex<f32>>) outs(%y : tensor<2x16xf32>) -> tensor<2x16xf32>
  return
}

// -----

func.func @irfft_empty(%x: tensor<1xcomplex<f32>>, %y: tensor<0xf32>) {
  // expected-error @+1 {{transform length must be at least 1}}
  %r = seq.irfft ins(%x : tensor<1xcomplex<f32>>) outs(%y : tensor<0xf32>) -> tensor<0xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.linear_attention
//===----------------------------------------------------------------------===//

func.func @linear_attention_query_rank(%q: tensor<2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'query' must be a rank-4 tensor (B, H, L, F), but has type 'tensor<2x16x8xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<2x16x8xf32>, tensor<2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_query_int(%q: tensor<1x2x16x8xi32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'query' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x16x8xi32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xi32>, tensor<1x2x16x8xi32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_value_rank(%q: tensor<1x2x16x8xf32>, %v: tensor<2x16x4xf32>) {
  // expected-error @+1 {{'value' must be a rank-4 tensor (B, H, L, Ev), but has type 'tensor<2x16x4xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<2x16x4xf32>) outs(%v : tensor<2x16x4xf32>) -> tensor<2x16x4xf32>
  return
}

// -----

func.func @linear_attention_key_shape(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x4xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'key' must have shape (B, H, L, F) = (1, 2, 16, 8), but has type 'tensor<1x2x16x4xf32>'}}
  %r = seq.linear_attention ins(%q, %k, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_key_int(%q: tensor<1x2x16x8xf32>, %k: tensor<1x2x16x8xi32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'key' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x16x8xi32>'}}
  %r = seq.linear_attention ins(%q, %k, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xi32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_value_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x15x4xf32>) {
  // expected-error @+1 {{'value' must have shape (B, H, L, Ev) = (1, 2, 16, 4), but has type 'tensor<1x2x15x4xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x15x4xf32>) outs(%v : tensor<1x2x15x4xf32>) -> tensor<1x2x15x4xf32>
  return
}

// -----

func.func @linear_attention_value_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xi32>) {
  // expected-error @+1 {{'value' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x16x4xi32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xi32>) outs(%v : tensor<1x2x16x4xi32>) -> tensor<1x2x16x4xi32>
  return
}

// -----

func.func @linear_attention_decay_per_head_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %g: tensor<1x3x16xf32>) {
  // expected-error @+1 {{'log_decay' must have shape (B, H, L) per head = (1, 2, 16), but has type 'tensor<1x3x16xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) log_decay(%g : tensor<1x3x16xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_decay_per_key_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'log_decay' must have shape (B, H, L, F) per key dimension = (1, 2, 16, 8), but has type 'tensor<1x2x16x4xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) log_decay(%v : tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_decay_rank(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %g: tensor<2x16xf32>) {
  // expected-error @+1 {{'log_decay' must have shape (B, H, L, F) per key dimension = (1, 2, 16, 8), but has type 'tensor<2x16xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) log_decay(%g : tensor<2x16xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_decay_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %g: tensor<1x2x16xi32>) {
  // expected-error @+1 {{'log_decay' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x16xi32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) log_decay(%g : tensor<1x2x16xi32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_key_alone(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %pk: tensor<1x2x5x8xf32>) {
  // expected-error @+1 {{'prefix_key' and 'prefix_value' come together}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_key(%pk : tensor<1x2x5x8xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_value_alone(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %pv: tensor<1x2x5x4xf32>) {
  // expected-error @+1 {{'prefix_key' and 'prefix_value' come together}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_value(%pv : tensor<1x2x5x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_and_decay(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %g: tensor<1x2x16xf32>, %pk: tensor<1x2x5x8xf32>, %pv: tensor<1x2x5x4xf32>) {
  // expected-error @+1 {{a prefix and a decay are exclusive}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) log_decay(%g : tensor<1x2x16xf32>) prefix_key(%pk : tensor<1x2x5x8xf32>) prefix_value(%pv : tensor<1x2x5x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_key_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %pk: tensor<1x2x5x4xf32>, %pv: tensor<1x2x5x4xf32>) {
  // expected-error @+1 {{'prefix_key' must have shape (B, H, M, F) = (1, 2, *, 8), but has type 'tensor<1x2x5x4xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_key(%pk : tensor<1x2x5x4xf32>) prefix_value(%pv : tensor<1x2x5x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_key_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %pk: tensor<1x2x5x8xi32>, %pv: tensor<1x2x5x4xf32>) {
  // expected-error @+1 {{'prefix_key' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x5x8xi32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_key(%pk : tensor<1x2x5x8xi32>) prefix_value(%pv : tensor<1x2x5x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_value_length(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %pk: tensor<1x2x5x8xf32>, %pv: tensor<1x2x6x4xf32>) {
  // expected-error @+1 {{'prefix_value' must have shape (B, H, M, Ev) = (1, 2, 5, 4), but has type 'tensor<1x2x6x4xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_key(%pk : tensor<1x2x5x8xf32>) prefix_value(%pv : tensor<1x2x6x4xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_prefix_value_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %pk: tensor<1x2x5x8xf32>, %pv: tensor<1x2x5x4xi64>) {
  // expected-error @+1 {{'prefix_value' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x5x4xi64>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_key(%pk : tensor<1x2x5x8xf32>) prefix_value(%pv : tensor<1x2x5x4xi64>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_initial_state_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'initial_state' must have shape (B, H, F, Ev) = (1, 2, 8, 4), but has type 'tensor<1x2x4x8xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) initial_state(%s : tensor<1x2x4x8xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_initial_state_complex(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x4xcomplex<f32>>) {
  // expected-error @+1 {{'initial_state' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x8x4xcomplex<f32>>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) initial_state(%s : tensor<1x2x8x4xcomplex<f32>>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_initial_normalizer_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %z: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'initial_normalizer' must have shape (B, H, F) = (1, 2, 8), but has type 'tensor<1x2x4xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) initial_normalizer(%z : tensor<1x2x4xf32>) outs(%v : tensor<1x2x16x4xf32>) {normalize} -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_initial_normalizer_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %z: tensor<1x2x8xi32>) {
  // expected-error @+1 {{'initial_normalizer' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x8xi32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) initial_normalizer(%z : tensor<1x2x8xi32>) outs(%v : tensor<1x2x16x4xf32>) {normalize} -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_initial_normalizer_without_normalize(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %z: tensor<1x2x8xf32>) {
  // expected-error @+1 {{'initial_normalizer' requires 'normalize'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) initial_normalizer(%z : tensor<1x2x8xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_no_destination(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{expects 1 or 2 or 3 destinations (output[, final_state[, final_normalizer]]), but got 0}}
  "seq.linear_attention"(%q, %q, %v) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0, 0>}> : (tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) -> ()
  return
}

// -----

func.func @linear_attention_four_destinations(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x4xf32>, %z: tensor<1x2x8xf32>) {
  // expected-error @+1 {{expects 1 or 2 or 3 destinations (output[, final_state[, final_normalizer]]), but got 4}}
  %r:4 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v, %s, %z, %z : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>) {normalize} -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>
  return
}

// -----

func.func @linear_attention_output_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'output' must have shape (B, H, L, Ev) = (1, 2, 16, 4), but has type 'tensor<1x2x16x8xf32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%q : tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32>
  return
}

// -----

func.func @linear_attention_output_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %o: tensor<1x2x16x4xi32>) {
  // expected-error @+1 {{'output' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x16x4xi32>'}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%o : tensor<1x2x16x4xi32>) -> tensor<1x2x16x4xi32>
  return
}

// -----

func.func @linear_attention_final_state_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x8xf32>) {
  // expected-error @+1 {{'final_state' must have shape (B, H, F, Ev) = (1, 2, 8, 4), but has type 'tensor<1x2x8x8xf32>'}}
  %r:2 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v, %s : tensor<1x2x16x4xf32>, tensor<1x2x8x8xf32>) -> tensor<1x2x16x4xf32>, tensor<1x2x8x8xf32>
  return
}

// -----

func.func @linear_attention_final_state_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x4xi32>) {
  // expected-error @+1 {{'final_state' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x8x4xi32>'}}
  %r:2 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v, %s : tensor<1x2x16x4xf32>, tensor<1x2x8x4xi32>) -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xi32>
  return
}

// -----

func.func @linear_attention_final_normalizer_shape(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x4xf32>, %z: tensor<1x2x16xf32>) {
  // expected-error @+1 {{'final_normalizer' must have shape (B, H, F) = (1, 2, 8), but has type 'tensor<1x2x16xf32>'}}
  %r:3 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v, %s, %z : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x16xf32>) {normalize} -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x16xf32>
  return
}

// -----

func.func @linear_attention_final_normalizer_int(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x4xf32>, %z: tensor<1x2x8xi1>) {
  // expected-error @+1 {{'final_normalizer' must have f16, bf16, f32 or f64 elements, but has type 'tensor<1x2x8xi1>'}}
  %r:3 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v, %s, %z : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xi1>) {normalize} -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xi1>
  return
}

// -----

func.func @linear_attention_final_normalizer_without_normalize(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>, %s: tensor<1x2x8x4xf32>, %z: tensor<1x2x8xf32>) {
  // expected-error @+1 {{'final_normalizer' requires 'normalize'}}
  %r:3 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v, %s, %z : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  return
}

// -----

func.func @linear_attention_scale_inf(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'scale' must be finite}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) {scale = 0xFFF0000000000000 : f64} -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_eps_negative(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'eps' must be finite and >= 0}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) {normalize, eps = -1.0e-6 : f64} -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_eps_nan(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'eps' must be finite and >= 0}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) {normalize, eps = 0x7FF8000000000000 : f64} -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @linear_attention_eps_inf(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{'eps' must be finite and >= 0}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) {eps = 0x7FF0000000000000 : f64} -> tensor<1x2x16x4xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.feature_map
//===----------------------------------------------------------------------===//

func.func @feature_map_rank0(%x: tensor<f32>) {
  // expected-error @+1 {{'input' must have rank >= 1 (..., d), but has type 'tensor<f32>'}}
  %r = seq.feature_map <relu> ins(%x : tensor<f32>) outs(%x : tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @feature_map_int(%x: tensor<2x4xi32>) {
  // expected-error @+1 {{'input' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x4xi32>'}}
  %r = seq.feature_map <identity> ins(%x : tensor<2x4xi32>) outs(%x : tensor<2x4xi32>) -> tensor<2x4xi32>
  return
}

// -----

func.func @feature_map_two_destinations(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 2}}
  %r:2 = seq.feature_map <relu> ins(%x : tensor<2x4xf32>) outs(%x, %x : tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>, tensor<2x4xf32>
  return
}

// -----

func.func @feature_map_taylor2_width(%x: tensor<2x4xf32>, %y: tensor<2x20xf32>) {
  // expected-error @+1 {{'output' must have shape (..., 1 + d + d*d) = (2, 21), but has type 'tensor<2x20xf32>'}}
  %r = seq.feature_map <taylor2> ins(%x : tensor<2x4xf32>) outs(%y : tensor<2x20xf32>) -> tensor<2x20xf32>
  return
}

// -----

// taylor2 does not keep the width.
func.func @feature_map_taylor2_same_width(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'output' must have shape (..., 1 + d + d*d) = (2, 21), but has type 'tensor<2x4xf32>'}}
  %r = seq.feature_map <taylor2> ins(%x : tensor<2x4xf32>) outs(%x : tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

// 1 + d + d*d does not fit in int64.
func.func @feature_map_taylor2_overflow(%x: tensor<3037000500xf32>, %y: tensor<1xf32>) {
  // expected-error @+1 {{taylor2 width 1 + d + d*d overflows for d = 3037000500}}
  %r = seq.feature_map <taylor2> ins(%x : tensor<3037000500xf32>) outs(%y : tensor<1xf32>) -> tensor<1xf32>
  return
}

// -----

func.func @feature_map_identity_width(%x: tensor<2x4xf32>, %y: tensor<2x21xf32>) {
  // expected-error @+1 {{'output' must have shape (..., d) = (2, 4), but has type 'tensor<2x21xf32>'}}
  %r = seq.feature_map <identity> ins(%x : tensor<2x4xf32>) outs(%y : tensor<2x21xf32>) -> tensor<2x21xf32>
  return
}

// -----

func.func @feature_map_relu_leading(%x: tensor<2x4xf32>, %y: tensor<3x4xf32>) {
  // expected-error @+1 {{'output' must have shape (..., d) = (2, 4), but has type 'tensor<3x4xf32>'}}
  %r = seq.feature_map <relu> ins(%x : tensor<2x4xf32>) outs(%y : tensor<3x4xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @feature_map_elu_rank(%x: tensor<2x4xf32>, %y: tensor<8xf32>) {
  // expected-error @+1 {{'output' must have shape (..., d) = (2, 4), but has type 'tensor<8xf32>'}}
  %r = seq.feature_map <elu_plus_one> ins(%x : tensor<2x4xf32>) outs(%y : tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @feature_map_output_element(%x: tensor<2x4xf32>, %y: tensor<2x4xbf16>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'input'), but has type 'tensor<2x4xbf16>'}}
  %r = seq.feature_map <relu> ins(%x : tensor<2x4xf32>) outs(%y : tensor<2x4xbf16>) -> tensor<2x4xbf16>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.timestep_norm
//===----------------------------------------------------------------------===//

func.func @timestep_norm_input_rank(%x: tensor<16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'input' must be a rank-3 tensor (B, L, D), but has type 'tensor<16x8xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<16x8xf32>) {num_groups = 2 : i64} -> tensor<16x8xf32>
  return
}

// -----

func.func @timestep_norm_input_int(%x: tensor<2x16x8xi32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'input' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x16x8xi32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xi32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xi32>) {num_groups = 2 : i64} -> tensor<2x16x8xi32>
  return
}

// -----

func.func @timestep_norm_groups_zero(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'num_groups' must be positive, but is 0}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 0 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_groups_negative(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'num_groups' must be positive, but is -2}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = -2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_groups_divide(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{feature size D = 8 must be a multiple of num_groups = 3}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 3 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_eps_negative(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'eps' must be finite and >= 0}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64, eps = -1.0 : f64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_eps_nan(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'eps' must be finite and >= 0}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64, eps = 0x7FF8000000000000 : f64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_weight_shape(%x: tensor<2x16x8xf32>, %w: tensor<4xf32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'weight' must have shape (D) = (8), but has type 'tensor<4xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %b : tensor<2x16x8xf32>, tensor<4xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_weight_int(%x: tensor<2x16x8xf32>, %w: tensor<8xi32>, %b: tensor<8xf32>) {
  // expected-error @+1 {{'weight' must have f16, bf16, f32 or f64 elements, but has type 'tensor<8xi32>'}}
  %r = seq.timestep_norm ins(%x, %w, %b : tensor<2x16x8xf32>, tensor<8xi32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_bias_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{'bias' must have shape (D) = (8), but has type 'tensor<1x8xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %b : tensor<2x16x8xf32>, tensor<8xf32>, tensor<1x8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_bias_int(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %b: tensor<8xi8>) {
  // expected-error @+1 {{'bias' must have f16, bf16, f32 or f64 elements, but has type 'tensor<8xi8>'}}
  %r = seq.timestep_norm ins(%x, %w, %b : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xi8>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_padding_mask_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %m: tensor<16x2xi1>) {
  // expected-error @+1 {{'padding_mask' must have shape (B, L) = (2, 16), but has type 'tensor<16x2xi1>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) padding_mask(%m : tensor<16x2xi1>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_padding_mask_element(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %m: tensor<2x16xf32>) {
  // expected-error @+1 {{'padding_mask' must have element type 'i1' (required), but has type 'tensor<2x16xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) padding_mask(%m : tensor<2x16xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

// The custom syntax always gives all three prev operands; the generic form can give a subset.
func.func @timestep_norm_prev_partial(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>) {
  // expected-error @+1 {{'prev_count', 'prev_mean' and 'prev_var' come together}}
  %r = "seq.timestep_norm"(%x, %w, %w, %c, %m, %x) <{num_groups = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 1, 1, 0, 1>}> : (tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_var_alone(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %m: tensor<2x2xf32>) {
  // expected-error @+1 {{'prev_count', 'prev_mean' and 'prev_var' come together}}
  %r = "seq.timestep_norm"(%x, %w, %w, %m, %x) <{num_groups = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 1, 1>}> : (tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<2x2xf32>, tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_count_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2x1xi64>, %m: tensor<2x2xf32>) {
  // expected-error @+1 {{'prev_count' must have shape (B) = (2), but has type 'tensor<2x1xi64>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) prev(%c, %m, %m : tensor<2x1xi64>, tensor<2x2xf32>, tensor<2x2xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_count_element(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi32>, %m: tensor<2x2xf32>) {
  // expected-error @+1 {{'prev_count' must have element type 'i64' (required), but has type 'tensor<2xi32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) prev(%c, %m, %m : tensor<2xi32>, tensor<2x2xf32>, tensor<2x2xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_mean_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2x8xf32>) {
  // expected-error @+1 {{'prev_mean' must have shape (B, G) = (2, 2), but has type 'tensor<2x8xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) prev(%c, %bad, %m : tensor<2xi64>, tensor<2x8xf32>, tensor<2x2xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_mean_int(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2x2xi64>) {
  // expected-error @+1 {{'prev_mean' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x2xi64>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) prev(%c, %bad, %m : tensor<2xi64>, tensor<2x2xi64>, tensor<2x2xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_var_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<1x2xf32>) {
  // expected-error @+1 {{'prev_var' must have shape (B, G) = (2, 2), but has type 'tensor<1x2xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) prev(%c, %m, %bad : tensor<2xi64>, tensor<2x2xf32>, tensor<1x2xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_prev_var_int(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2x2xi32>) {
  // expected-error @+1 {{'prev_var' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x2xi32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) prev(%c, %m, %bad : tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xi32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @timestep_norm_two_destinations(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>) {
  // expected-error @+1 {{expects 1 or 4 destinations (output[, count, mean, var]), but got 2}}
  %r:2 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c : tensor<2x16x8xf32>, tensor<2xi64>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>
  return
}

// -----

func.func @timestep_norm_no_destination(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{expects 1 or 4 destinations (output[, count, mean, var]), but got 0}}
  "seq.timestep_norm"(%x, %w, %w) <{num_groups = 2 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 0>}> : (tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) -> ()
  return
}

// -----

func.func @timestep_norm_output_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %y: tensor<2x8x16xf32>) {
  // expected-error @+1 {{'output' must have shape (B, L, D) = (2, 16, 8), but has type 'tensor<2x8x16xf32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%y : tensor<2x8x16xf32>) {num_groups = 2 : i64} -> tensor<2x8x16xf32>
  return
}

// -----

func.func @timestep_norm_output_int(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %y: tensor<2x16x8xi32>) {
  // expected-error @+1 {{'output' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x16x8xi32>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%y : tensor<2x16x8xi32>) {num_groups = 2 : i64} -> tensor<2x16x8xi32>
  return
}

// -----

func.func @timestep_norm_output_element(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %y: tensor<2x16x8xf16>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'input'), but has type 'tensor<2x16x8xf16>'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%y : tensor<2x16x8xf16>) {num_groups = 2 : i64} -> tensor<2x16x8xf16>
  return
}

// -----

func.func @timestep_norm_count_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<3xi64>, %m: tensor<2x2xf32>) {
  // expected-error @+1 {{'count' must have shape (B) = (2), but has type 'tensor<3xi64>'}}
  %r:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c, %m, %m : tensor<2x16x8xf32>, tensor<3xi64>, tensor<2x2xf32>, tensor<2x2xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<3xi64>, tensor<2x2xf32>, tensor<2x2xf32>
  return
}

// -----

func.func @timestep_norm_count_element(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xf32>, %m: tensor<2x2xf32>) {
  // expected-error @+1 {{'count' must have element type 'i64' (required), but has type 'tensor<2xf32>'}}
  %r:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c, %m, %m : tensor<2x16x8xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
  return
}

// -----

func.func @timestep_norm_mean_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2x4xf32>) {
  // expected-error @+1 {{'mean' must have shape (B, G) = (2, 2), but has type 'tensor<2x4xf32>'}}
  %r:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c, %bad, %m : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x2xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x2xf32>
  return
}

// -----

func.func @timestep_norm_mean_int(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2x2xi64>) {
  // expected-error @+1 {{'mean' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x2xi64>'}}
  %r:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c, %bad, %m : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x2xi64>, tensor<2x2xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x2xi64>, tensor<2x2xf32>
  return
}

// -----

func.func @timestep_norm_var_shape(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2xf32>) {
  // expected-error @+1 {{'var' must have shape (B, G) = (2, 2), but has type 'tensor<2xf32>'}}
  %r:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c, %m, %bad : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<2xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<2xf32>
  return
}

// -----

func.func @timestep_norm_var_int(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %c: tensor<2xi64>, %m: tensor<2x2xf32>, %bad: tensor<2x2xi32>) {
  // expected-error @+1 {{'var' must have f16, bf16, f32 or f64 elements, but has type 'tensor<2x2xi32>'}}
  %r:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x, %c, %m, %bad : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xi32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xi32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.rotary
//===----------------------------------------------------------------------===//

func.func @rotary_rank(%x: tensor<8xf32>) {
  // expected-error @+1 {{'input' must have rank >= 2 (..., L, d), but has type 'tensor<8xf32>'}}
  %r = seq.rotary ins(%x : tensor<8xf32>) outs(%x : tensor<8xf32>) -> tensor<8xf32>
  return
}

// -----

func.func @rotary_int(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{'input' must have f16, bf16, f32 or f64 elements, but has type 'tensor<4x8xi32>'}}
  %r = seq.rotary ins(%x : tensor<4x8xi32>) outs(%x : tensor<4x8xi32>) -> tensor<4x8xi32>
  return
}

// -----

func.func @rotary_two_destinations(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{expects 1 destinations (output), but got 2}}
  %r:2 = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x, %x : tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>, tensor<4x8xf32>
  return
}

// -----

func.func @rotary_odd(%x: tensor<4x7xf32>) {
  // expected-error @+1 {{feature size d = 7 must be even to form rotation pairs}}
  %r = seq.rotary ins(%x : tensor<4x7xf32>) outs(%x : tensor<4x7xf32>) -> tensor<4x7xf32>
  return
}

// -----

func.func @rotary_output_shape(%x: tensor<1x4x16x8xf32>, %y: tensor<1x4x8x16xf32>) {
  // expected-error @+1 {{'output' must have shape (..., L, d) like 'input' = (1, 4, 16, 8), but has type 'tensor<1x4x8x16xf32>'}}
  %r = seq.rotary ins(%x : tensor<1x4x16x8xf32>) outs(%y : tensor<1x4x8x16xf32>) -> tensor<1x4x8x16xf32>
  return
}

// -----

func.func @rotary_output_element(%x: tensor<4x8xf32>, %y: tensor<4x8xf16>) {
  // expected-error @+1 {{'output' must have element type 'f32' (same as 'input'), but has type 'tensor<4x8xf16>'}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%y : tensor<4x8xf16>) -> tensor<4x8xf16>
  return
}

// -----

func.func @rotary_base_zero(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'base' must be finite and positive, but is 0}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {base = 0.0 : f64} -> tensor<4x8xf32>
  return
}

// -----

func.func @rotary_base_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'base' must be finite and positive, but is -1}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {base = -1.0 : f64} -> tensor<4x8xf32>
  return
}

// -----

func.func @rotary_base_inf(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'base' must be finite and positive, but is INF}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {base = 0x7FF0000000000000 : f64} -> tensor<4x8xf32>
  return
}

// -----

func.func @rotary_position_offset_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'position_offset' must be >= 0, but is -3}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {position_offset = -3 : i64} -> tensor<4x8xf32>
  return
}

// -----

func.func @rotary_chunk_size_zero(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'chunk_size' must be positive, but is 0}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {chunk_size = 0 : i64} -> tensor<4x8xf32>
  return
}

// -----

func.func @rotary_chunk_size_negative(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{'chunk_size' must be positive, but is -128}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {chunk_size = -128 : i64} -> tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// ODS-level errors: enums, attribute constraints, operand type classes
//===----------------------------------------------------------------------===//

func.func @unknown_mask(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+2 {{expected ::mlir::seq::MaskKind to be one of: none, causal, sliding_window, chunk_causal, prefix}}
  // expected-error @+1 {{failed to parse Seq_MaskKindAttr parameter 'value'}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<diagonal>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @unknown_ema_kind(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+2 {{expected ::mlir::seq::EmaKind to be one of: damped, complex}}
  // expected-error @+1 {{failed to parse Seq_EmaKindAttr parameter 'value'}}
  %r = seq.ema <real> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @unknown_feature_map_kind(%x: tensor<2x4xf32>) {
  // expected-error @+2 {{expected ::mlir::seq::FeatureMapKind to be one of: identity, relu, elu_plus_one, taylor2}}
  // expected-error @+1 {{failed to parse Seq_FeatureMapKindAttr parameter 'value'}}
  %r = seq.feature_map <softmax> ins(%x : tensor<2x4xf32>) outs(%x : tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @unknown_fft_norm(%x: tensor<8xcomplex<f32>>) {
  // expected-error @+2 {{expected ::mlir::seq::FftNorm to be one of: backward, forward, ortho}}
  // expected-error @+1 {{failed to parse Seq_FftNormAttr parameter 'value'}}
  %r = seq.fft ins(%x : tensor<8xcomplex<f32>>) outs(%x : tensor<8xcomplex<f32>>) {norm = #seq.fft_norm<none>} -> tensor<8xcomplex<f32>>
  return
}

// -----

func.func @unknown_rotary_pairing(%x: tensor<4x8xf32>) {
  // expected-error @+2 {{expected ::mlir::seq::RotaryPairing to be one of: interleaved, halves}}
  // expected-error @+1 {{failed to parse Seq_RotaryPairingAttr parameter 'value'}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {pairing = #seq.rotary_pairing<adjacent>} -> tensor<4x8xf32>
  return
}

// -----

// The C++ enumerant is auto_, but the spelling is `auto`.
func.func @unknown_conv_method(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>) {
  // expected-error @+2 {{expected ::mlir::seq::ConvMethod to be one of: auto, direct, fft}}
  // expected-error @+1 {{failed to parse Seq_ConvMethodAttr parameter 'value'}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%u : tensor<2x64x8xf32>) {method = #seq.conv_method<auto_>} -> tensor<2x64x8xf32>
  return
}

// -----

func.func @mask_wrong_enum(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{attribute 'mask' failed to satisfy constraint: attention mask kind}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.fft_norm<ortho>} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @mask_integer(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{attribute 'mask' failed to satisfy constraint: attention mask kind}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = 1 : i32} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @method_wrong_enum(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>) {
  // expected-error @+1 {{attribute 'method' failed to satisfy constraint: long convolution method}}
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%u : tensor<2x64x8xf32>) {method = #seq.mask<causal>} -> tensor<2x64x8xf32>
  return
}

// -----

func.func @norm_wrong_enum(%x: tensor<8xcomplex<f32>>) {
  // expected-error @+1 {{attribute 'norm' failed to satisfy constraint: FFT normalization}}
  %r = seq.ifft ins(%x : tensor<8xcomplex<f32>>) outs(%x : tensor<8xcomplex<f32>>) {norm = "ortho"} -> tensor<8xcomplex<f32>>
  return
}

// -----

func.func @pairing_wrong_enum(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{attribute 'pairing' failed to satisfy constraint: RoPE feature pairing}}
  %r = seq.rotary ins(%x : tensor<4x8xf32>) outs(%x : tensor<4x8xf32>) {pairing = #seq.conv_method<fft>} -> tensor<4x8xf32>
  return
}

// -----

func.func @ema_kind_generic_wrong_enum(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{Invalid attribute `kind` in property conversion: #seq.feature_map_kind<relu>}}
  %r = "seq.ema"(%x, %p, %p, %p, %om, %p, %x) <{kind = #seq.feature_map_kind<relu>, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 0, 0, 1>}> : (tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8x4xf32>, tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @scale_f32(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{attribute 'scale' failed to satisfy constraint: 64-bit float attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {scale = 1.0 : f32} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @window_array_attr(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{attribute 'window' failed to satisfy constraint: i64 dense array attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<sliding_window>, window = [1, 2]} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @chunk_size_float(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{attribute 'chunk_size' failed to satisfy constraint: 64-bit signless integer attribute}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) {mask = #seq.mask<chunk_causal>, chunk_size = 2.0 : f64} -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @num_groups_i32(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{attribute 'num_groups' failed to satisfy constraint: 64-bit signless integer attribute}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i32} -> tensor<2x16x8xf32>
  return
}

// -----

func.func @eps_f32(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) {
  // expected-error @+1 {{attribute 'eps' failed to satisfy constraint: 64-bit float attribute}}
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%v : tensor<1x2x16x4xf32>) {normalize, eps = 1.0e-6 : f32} -> tensor<1x2x16x4xf32>
  return
}

// -----

func.func @reverse_not_unit(%a: tensor<2x8xf32>) {
  // expected-error @+1 {{attribute 'reverse' failed to satisfy constraint: unit attribute}}
  %r = seq.scan ins(%a, %a : tensor<2x8xf32>, tensor<2x8xf32>) outs(%a : tensor<2x8xf32>) {reverse = true} -> tensor<2x8xf32>
  return
}

// -----

func.func @missing_num_groups(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) {
  // expected-error @+1 {{'seq.timestep_norm' op requires attribute 'num_groups'}}
  %r = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%x : tensor<2x16x8xf32>) -> tensor<2x16x8xf32>
  return
}

// -----

func.func @missing_ema_kind(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) {
  // expected-error @+1 {{'seq.ema' op requires attribute 'kind'}}
  %r = "seq.ema"(%x, %p, %p, %p, %om, %p, %x) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 1, 0, 0, 1>}> : (tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>, tensor<8x4xf32>, tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return
}

// -----

func.func @missing_feature_map_kind(%x: tensor<2x4xf32>) {
  // expected-error @+1 {{'seq.feature_map' op requires attribute 'kind'}}
  %r = "seq.feature_map"(%x, %x) : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @operand_segments_mismatch(%a: tensor<2x8xf32>) {
  // expected-error @+1 {{operand count (3) does not match with the total size (4) specified in attribute 'operandSegmentSizes'}}
  %r = "seq.scan"(%a, %a, %a) <{operandSegmentSizes = array<i32: 1, 1, 1, 1>}> : (tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @memref_with_results(%m: memref<4x8xf32>) {
  // expected-error @+1 {{result #0 must be variadic of ranked tensor of any type values, but got 'memref<4x8xf32>'}}
  %r = seq.rotary ins(%m : memref<4x8xf32>) outs(%m : memref<4x8xf32>) -> memref<4x8xf32>
  return
}

// -----

func.func @mixed_tensor_and_memref(%m: memref<4x8xf32>, %x: tensor<4x8xf32>) {
  // expected-error @+1 {{mixes tensor and memref operands; its operands must be all tensors (value semantics) or all memrefs (buffer semantics)}}
  %r = "seq.rotary"(%m, %x) : (memref<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @unranked_operand(%x: tensor<*xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor or memref, but got 'tensor<*xf32>'}}
  %r = seq.feature_map <relu> ins(%x : tensor<*xf32>) outs(%x : tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @unranked_destination_generic(%x: tensor<4x8xf32>, %u: tensor<*xf32>) {
  // expected-error @+1 {{operand #1 must be variadic of ranked tensor or memref, but got 'tensor<*xf32>'}}
  %r = "seq.rotary"(%x, %u) : (tensor<4x8xf32>, tensor<*xf32>) -> tensor<*xf32>
  return
}

// -----

func.func @vector_operand_generic(%v: vector<4x8xf32>, %x: tensor<4x8xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor or memref, but got 'vector<4x8xf32>'}}
  %r = "seq.fft"(%v, %x) : (vector<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

func.func @memref_result_generic(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{result #0 must be variadic of ranked tensor of any type values, but got 'memref<4x8xf32>'}}
  %r = "seq.rotary"(%x, %x) : (tensor<4x8xf32>, tensor<4x8xf32>) -> memref<4x8xf32>
  return
}

// -----

func.func @attention_one_region(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'seq.attention' op expected 2 regions}}
  %r = "seq.attention"(%q, %q, %q, %q) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 1>}> ({}) : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// Destination-passing style: result i has the type of outs[i]
//===----------------------------------------------------------------------===//

func.func @dps_result_type(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{result #0 must have the type of its destination 'tensor<1x2x4x8xf32>', but has type 'tensor<1x2x4x8xf16>'}}
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf16>
  return
}

// -----

func.func @dps_result_shape(%q: tensor<1x2x4x8xf32>, %l: tensor<1x2x4xf32>) {
  // expected-error @+1 {{result #1 must have the type of its destination 'tensor<1x2x4xf32>', but has type 'tensor<1x2x?xf32>'}}
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %l : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf32>, tensor<1x2x?xf32>
  return
}

// -----

func.func @dps_result_type_scan(%a: tensor<2x8xf32>, %h: tensor<2xf32>) {
  // expected-error @+1 {{result #1 must have the type of its destination 'tensor<2xf32>', but has type 'tensor<2x8xf32>'}}
  %r:2 = seq.scan ins(%a, %a : tensor<2x8xf32>, tensor<2x8xf32>) outs(%a, %h : tensor<2x8xf32>, tensor<2xf32>) -> tensor<2x8xf32>, tensor<2x8xf32>
  return
}

// -----

func.func @dps_result_type_rfft(%x: tensor<16xf32>, %y: tensor<9xcomplex<f32>>) {
  // expected-error @+1 {{result #0 must have the type of its destination 'tensor<9xcomplex<f32>>', but has type 'tensor<16xf32>'}}
  %r = seq.rfft ins(%x : tensor<16xf32>) outs(%y : tensor<9xcomplex<f32>>) -> tensor<16xf32>
  return
}

// -----

func.func @dps_fewer_results(%q: tensor<1x2x4x8xf32>, %l: tensor<1x2x4xf32>) {
  // expected-error @+1 {{expects one result per destination (2), but has 1}}
  %r = "seq.attention"(%q, %q, %q, %q, %l) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 2>}> ({}, {}) : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @dps_more_results(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{expects one result per destination (1), but has 2}}
  %r:2 = "seq.rotary"(%x, %x) : (tensor<4x8xf32>, tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>)
  return
}

// -----

func.func @dps_no_results(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{expects one result per destination (1), but has 0}}
  "seq.rotary"(%x, %x) : (tensor<4x8xf32>, tensor<4x8xf32>) -> ()
  return
}

// -----

func.func @attention_zero_head_dim(%q: tensor<1x1x4x0xf32>, %o: tensor<1x1x4x4xf32>, %v: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{head dimension E is 0, so the default scale 1/sqrt(E) is undefined}}
  %r = seq.attention ins(%q, %q, %v : tensor<1x1x4x0xf32>, tensor<1x1x4x0xf32>, tensor<1x1x4x4xf32>) outs(%o : tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32>
  return %r : tensor<1x1x4x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Buffer semantics
//===----------------------------------------------------------------------===//

func.func @memref_op_with_result(%m: memref<4x8xf32>) {
  // expected-error @+1 {{writes its memref destinations in place and has no results, but has 1}}
  %r = "seq.rotary"(%m, %m) : (memref<4x8xf32>, memref<4x8xf32>) -> tensor<4x8xf32>
  return
}

// -----

//===----------------------------------------------------------------------===//
// seq.attention positions, seq.online_attention
//===----------------------------------------------------------------------===//

func.func @attention_one_position(%q: tensor<1x2x4x8xf32>, %p: index) {
  // expected-error @+1 {{'positions' takes the position of query row 0 and of key 0 (2 values), but got 1}}
  %r = "seq.attention"(%q, %q, %q, %p, %q) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 1>}> ({}, {}) : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, index, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @online_attention_destinations(%q: tensor<1x2x4x8xf32>, %m: tensor<1x2x4xf32>) {
  // expected-error @+1 {{expects 3 destinations (accumulator, max, sum), but got 2}}
  %r:2 = seq.online_attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %m : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf32>, tensor<1x2x4xf32>
  return
}

// -----

func.func @online_attention_state_type(%q: tensor<1x2x4x8xf16>, %a: tensor<1x2x4x8xf16>, %m: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'accumulator' must have element type 'f32' (the accumulation type), but has type 'tensor<1x2x4x8xf16>'}}
  %r:3 = seq.online_attention ins(%q, %q, %q : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>) outs(%a, %m, %m : tensor<1x2x4x8xf16>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf16>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
  return
}

// -----

func.func @online_attention_max_shape(%q: tensor<1x2x4x8xf32>, %m: tensor<1x2x4xf32>, %bad: tensor<1x2x5xf32>) {
  // expected-error @+1 {{'max' must have shape (B, Hq, Lq) = (1, 2, 4), but has type 'tensor<1x2x5xf32>'}}
  %r:3 = seq.online_attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %bad, %m : tensor<1x2x4x8xf32>, tensor<1x2x5xf32>, tensor<1x2x4xf32>) -> tensor<1x2x4x8xf32>, tensor<1x2x5xf32>, tensor<1x2x4xf32>
  return
}

// -----

func.func @online_attention_mask_attribute(%q: tensor<1x2x4x8xf32>, %m: tensor<1x2x4xf32>) {
  // expected-error @+1 {{mask chunk_causal requires the 'chunk_size' attribute}}
  %r:3 = seq.online_attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %m, %m : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) {mask = #seq.mask<chunk_causal>} -> tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
  return
}

// -----

func.func @online_attention_score_mod(%q: tensor<1x2x4x8xf32>, %m: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'score_mod' region must take (score: f32, b: index, h: index, i: index, j: index)}}
  %r:3 = seq.online_attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%q, %m, %m : tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>) score_mod {
  ^bb0(%s: f32):
    seq.yield %s : f32
  } -> tensor<1x2x4x8xf32>, tensor<1x2x4xf32>, tensor<1x2x4xf32>
  return
}
