// RUN: seq-opt %s | seq-opt | FileCheck %s
// RUN: seq-opt %s --mlir-print-op-generic | seq-opt | FileCheck %s

// Round trip of every seq op with every attribute form, optional operand and
// optional destination. Default-valued attributes are elided when printed.

//===----------------------------------------------------------------------===//
// seq.attention
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @attention_plain
// CHECK: %[[O:.*]] = seq.attention ins(%arg0, %arg1, %arg2 : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x6xf32>) outs(%arg3 : tensor<2x4x16x6xf32>) -> tensor<2x4x16x6xf32>
// CHECK-NEXT: return %[[O]]
func.func @attention_plain(%q: tensor<2x4x16x8xf32>, %k: tensor<2x4x16x8xf32>,
                           %v: tensor<2x4x16x6xf32>, %o: tensor<2x4x16x6xf32>)
    -> tensor<2x4x16x6xf32> {
  %r = seq.attention ins(%q, %k, %v : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x6xf32>)
      outs(%o : tensor<2x4x16x6xf32>) -> tensor<2x4x16x6xf32>
  return %r : tensor<2x4x16x6xf32>
}

// Explicit default mask is elided on printing.
// CHECK-LABEL: func.func @attention_mask_none
// CHECK: seq.attention ins(%arg0, %arg0, %arg0 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) outs(%arg1 : tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
func.func @attention_mask_none(%q: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>)
      outs(%o : tensor<1x2x4x8xf32>) {mask = #seq.mask<none>} -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// Causal GQA (8 query heads over 2 key/value heads) with logsumexp and scale.
// CHECK-LABEL: func.func @attention_causal_gqa_lse
// CHECK: %{{.*}}:2 = seq.attention ins(%arg0, %arg1, %arg2 : tensor<2x8x16x8xf32>, tensor<2x2x32x8xf32>, tensor<2x2x32x4xf32>) outs(%arg3, %arg4 : tensor<2x8x16x4xf32>, tensor<2x8x16xf32>) {mask = #seq.mask<causal>, scale = 1.250000e-01 : f64} -> tensor<2x8x16x4xf32>, tensor<2x8x16xf32>
func.func @attention_causal_gqa_lse(%q: tensor<2x8x16x8xf32>, %k: tensor<2x2x32x8xf32>,
                                    %v: tensor<2x2x32x4xf32>, %o: tensor<2x8x16x4xf32>,
                                    %l: tensor<2x8x16xf32>)
    -> (tensor<2x8x16x4xf32>, tensor<2x8x16xf32>) {
  %r:2 = seq.attention ins(%q, %k, %v : tensor<2x8x16x8xf32>, tensor<2x2x32x8xf32>, tensor<2x2x32x4xf32>)
      outs(%o, %l : tensor<2x8x16x4xf32>, tensor<2x8x16xf32>)
      {mask = #seq.mask<causal>, scale = 0.125 : f64}
      -> tensor<2x8x16x4xf32>, tensor<2x8x16xf32>
  return %r#0, %r#1 : tensor<2x8x16x4xf32>, tensor<2x8x16xf32>
}

// CHECK-LABEL: func.func @attention_sliding_window
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 4, 0>} -> tensor<1x2x16x8xf32>
func.func @attention_sliding_window(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 4, 0>}
      -> tensor<1x2x16x8xf32>
  return %r : tensor<1x2x16x8xf32>
}

// A window side of -1 is unbounded.
// CHECK-LABEL: func.func @attention_sliding_window_unbounded
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: -1, 3>} -> tensor<1x2x16x8xf32>
// CHECK: seq.attention ins({{.*}}) outs({{.*}}) {mask = #seq.mask<sliding_window>, window = array<i64: 2, -1>} -> tensor<1x2x16x8xf32>
func.func @attention_sliding_window_unbounded(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: -1, 3>}
      -> tensor<1x2x16x8xf32>
  %r2 = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%r : tensor<1x2x16x8xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 2, -1>}
      -> tensor<1x2x16x8xf32>
  return %r2 : tensor<1x2x16x8xf32>
}

// CHECK-LABEL: func.func @attention_chunk_causal
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {chunk_size = 4 : i64, mask = #seq.mask<chunk_causal>} -> tensor<1x2x16x8xf32>
func.func @attention_chunk_causal(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<chunk_causal>, chunk_size = 4 : i64}
      -> tensor<1x2x16x8xf32>
  return %r : tensor<1x2x16x8xf32>
}

// CHECK-LABEL: func.func @attention_chunk
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {chunk_size = 4 : i64, mask = #seq.mask<chunk>} -> tensor<1x2x16x8xf32>
func.func @attention_chunk(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<chunk>, chunk_size = 4 : i64}
      -> tensor<1x2x16x8xf32>
  return %r : tensor<1x2x16x8xf32>
}

// A zero-length prefix is allowed (prefix_length >= 0).
// CHECK-LABEL: func.func @attention_prefix
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {mask = #seq.mask<prefix>, prefix_length = 5 : i64} -> tensor<1x2x16x8xf32>
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {mask = #seq.mask<prefix>, prefix_length = 0 : i64} -> tensor<1x2x16x8xf32>
func.func @attention_prefix(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<prefix>, prefix_length = 5 : i64}
      -> tensor<1x2x16x8xf32>
  %r2 = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<prefix>, prefix_length = 0 : i64}
      -> tensor<1x2x16x8xf32>
  return %r2 : tensor<1x2x16x8xf32>
}

// score_mod (tanh soft-capping) alone.
// CHECK-LABEL: func.func @attention_score_mod
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT: %[[C:.*]] = arith.constant 3.000000e+01 : f32
// CHECK-NEXT: %[[D:.*]] = arith.divf %[[S]], %[[C]] : f32
// CHECK-NEXT: %[[T:.*]] = math.tanh %[[D]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[T]], %[[C]] : f32
// CHECK-NEXT: seq.yield %[[M]] : f32
// CHECK-NEXT: } -> tensor<1x2x16x8xf32>
func.func @attention_score_mod(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 30.0 : f32
        %d = arith.divf %s, %c : f32
        %t = math.tanh %d : f32
        %m = arith.mulf %t, %c : f32
        seq.yield %m : f32
      } -> tensor<1x2x16x8xf32>
  return %r : tensor<1x2x16x8xf32>
}

// The regions read values of the enclosing function: per-head slopes and a
// scalar in score_mod (ALiBi), key-padding flags and document ids in mask_mod.
// CHECK-LABEL: func.func @attention_captures
// CHECK-SAME: (%[[Q:.*]]: tensor<2x4x16x8xf32>, %[[SLOPES:.*]]: tensor<4xf32>, %[[VALID:.*]]: tensor<2x16xi1>, %[[DOCS:.*]]: tensor<2x16xi32>
// CHECK: %[[HALF:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: seq.attention
// CHECK: score_mod {
// CHECK: tensor.extract %[[SLOPES]][%{{.*}}] : tensor<4xf32>
// CHECK: arith.mulf %{{.*}}, %[[HALF]] : f32
// CHECK: mask_mod {
// CHECK: tensor.extract %[[VALID]][%{{.*}}, %{{.*}}] : tensor<2x16xi1>
// CHECK: tensor.extract %[[DOCS]][%{{.*}}, %{{.*}}] : tensor<2x16xi32>
// CHECK: tensor.extract %[[DOCS]][%{{.*}}, %{{.*}}] : tensor<2x16xi32>
func.func @attention_captures(%q: tensor<2x4x16x8xf32>, %slopes: tensor<4xf32>,
                              %valid: tensor<2x16xi1>, %docs: tensor<2x16xi32>,
                              %o: tensor<2x4x16x8xf32>) -> tensor<2x4x16x8xf32> {
  %half = arith.constant 0.5 : f32
  %r = seq.attention ins(%q, %q, %q : tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>, tensor<2x4x16x8xf32>)
      outs(%o : tensor<2x4x16x8xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %slope = tensor.extract %slopes[%h] : tensor<4xf32>
        %d = arith.subi %i, %j : index
        %di = arith.index_cast %d : index to i64
        %df = arith.sitofp %di : i64 to f32
        %bias = arith.mulf %slope, %df : f32
        %scaled = arith.mulf %bias, %half : f32
        %x = arith.subf %s, %scaled : f32
        seq.yield %x : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = tensor.extract %valid[%b, %j] : tensor<2x16xi1>
        %di = tensor.extract %docs[%b, %i] : tensor<2x16xi32>
        %dj = tensor.extract %docs[%b, %j] : tensor<2x16xi32>
        %same = arith.cmpi eq, %di, %dj : i32
        %p = arith.andi %ok, %same : i1
        seq.yield %p : i1
      } -> tensor<2x4x16x8xf32>
  return %r : tensor<2x4x16x8xf32>
}

// mask_mod alone, combined with a mask kind.
// CHECK-LABEL: func.func @attention_mask_mod
// CHECK: seq.attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x8xf32>) {mask = #seq.mask<causal>} mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %[[I:.*]]: index, %[[J:.*]]: index):
// CHECK-NEXT: %[[P:.*]] = arith.cmpi ne, %[[I]], %[[J]] : index
// CHECK-NEXT: seq.yield %[[P]] : i1
// CHECK-NEXT: } -> tensor<1x2x16x8xf32>
func.func @attention_mask_mod(%q: tensor<1x2x16x8xf32>, %o: tensor<1x2x16x8xf32>) -> tensor<1x2x16x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>)
      outs(%o : tensor<1x2x16x8xf32>) {mask = #seq.mask<causal>}
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %p = arith.cmpi ne, %i, %j : index
        seq.yield %p : i1
      } -> tensor<1x2x16x8xf32>
  return %r : tensor<1x2x16x8xf32>
}

// Both regions on f64 data: the score is f64 and so is the logsumexp.
// CHECK-LABEL: func.func @attention_both_mods_f64
// CHECK: %{{.*}}:2 = seq.attention ins(%arg0, %arg0, %arg0 : tensor<1x2x16x8xf64>, tensor<1x2x16x8xf64>, tensor<1x2x16x8xf64>) outs(%arg1, %arg2 : tensor<1x2x16x8xf64>, tensor<1x2x16xf64>) score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f64, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT: seq.yield %[[S]] : f64
// CHECK-NEXT: } mask_mod {
// CHECK-NEXT: ^bb0(%{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT: %[[T:.*]] = arith.constant true
// CHECK-NEXT: seq.yield %[[T]] : i1
// CHECK-NEXT: } -> tensor<1x2x16x8xf64>, tensor<1x2x16xf64>
func.func @attention_both_mods_f64(%q: tensor<1x2x16x8xf64>, %o: tensor<1x2x16x8xf64>,
                                   %l: tensor<1x2x16xf64>) -> (tensor<1x2x16x8xf64>, tensor<1x2x16xf64>) {
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf64>, tensor<1x2x16x8xf64>, tensor<1x2x16x8xf64>)
      outs(%o, %l : tensor<1x2x16x8xf64>, tensor<1x2x16xf64>)
      score_mod {
      ^bb0(%s: f64, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s : f64
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %t = arith.constant true
        seq.yield %t : i1
      } -> tensor<1x2x16x8xf64>, tensor<1x2x16xf64>
  return %r#0, %r#1 : tensor<1x2x16x8xf64>, tensor<1x2x16xf64>
}

// f16 and bf16 data keep an f32 logsumexp and an f32 score_mod.
// CHECK-LABEL: func.func @attention_f16_bf16
// CHECK: seq.attention ins(%arg0, %arg0, %arg0 : tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>) outs(%arg1, %arg2 : tensor<1x2x16x8xf16>, tensor<1x2x16xf32>) score_mod {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index):
// CHECK-NEXT: seq.yield %[[S]] : f32
// CHECK-NEXT: } -> tensor<1x2x16x8xf16>, tensor<1x2x16xf32>
// CHECK: seq.attention ins(%arg3, %arg3, %arg3 : tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>) outs(%arg4, %arg2 : tensor<1x2x16x8xbf16>, tensor<1x2x16xf32>) -> tensor<1x2x16x8xbf16>, tensor<1x2x16xf32>
func.func @attention_f16_bf16(%q: tensor<1x2x16x8xf16>, %o: tensor<1x2x16x8xf16>, %l: tensor<1x2x16xf32>,
                              %qb: tensor<1x2x16x8xbf16>, %ob: tensor<1x2x16x8xbf16>)
    -> (tensor<1x2x16x8xf16>, tensor<1x2x16x8xbf16>) {
  %r:2 = seq.attention ins(%q, %q, %q : tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>)
      outs(%o, %l : tensor<1x2x16x8xf16>, tensor<1x2x16xf32>)
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s : f32
      } -> tensor<1x2x16x8xf16>, tensor<1x2x16xf32>
  %rb:2 = seq.attention ins(%qb, %qb, %qb : tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>)
      outs(%ob, %l : tensor<1x2x16x8xbf16>, tensor<1x2x16xf32>) -> tensor<1x2x16x8xbf16>, tensor<1x2x16xf32>
  return %r#0, %rb#0 : tensor<1x2x16x8xf16>, tensor<1x2x16x8xbf16>
}

// Dynamic dimensions everywhere.
// CHECK-LABEL: func.func @attention_dynamic
// CHECK: seq.attention ins(%arg0, %arg1, %arg2 : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x?xf32>) outs(%arg3, %arg4 : tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {mask = #seq.mask<causal>} -> tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
func.func @attention_dynamic(%q: tensor<?x?x?x64xf32>, %k: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x?xf32>,
                             %o: tensor<?x?x?x?xf32>, %l: tensor<?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %r:2 = seq.attention ins(%q, %k, %v : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x?xf32>)
      outs(%o, %l : tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {mask = #seq.mask<causal>}
      -> tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
  return %r#0 : tensor<?x?x?x?xf32>
}

//===----------------------------------------------------------------------===//
// seq.compose_heads
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @compose_heads_scores_only
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x8xf32>) outs(%arg1 : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
func.func @compose_heads_scores_only(%a: tensor<1x4x8x8xf32>, %o: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %r = seq.compose_heads ins(%a : tensor<1x4x8x8xf32>) outs(%o : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func.func @compose_heads_all
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x6xf32>) static(%arg1 : tensor<4x4xf32>) query_w(%arg2, %arg3 : tensor<1x8x2x4xf32>, tensor<1x8x2x4xf32>) key_w(%arg4, %arg5 : tensor<1x6x3x4xf32>, tensor<1x6x3x4xf32>) query_gate(%arg6 : tensor<1x8x4xf32>) key_gate(%arg7 : tensor<1x6x4xf32>) outs(%arg8 : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
func.func @compose_heads_all(%a: tensor<1x4x8x6xf32>, %w: tensor<4x4xf32>,
                             %qw1: tensor<1x8x2x4xf32>, %qw2: tensor<1x8x2x4xf32>,
                             %kw1: tensor<1x6x3x4xf32>, %kw2: tensor<1x6x3x4xf32>,
                             %qg: tensor<1x8x4xf32>, %kg: tensor<1x6x4xf32>,
                             %o: tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32> {
  %r = seq.compose_heads ins(%a : tensor<1x4x8x6xf32>)
      static(%w : tensor<4x4xf32>)
      query_w(%qw1, %qw2 : tensor<1x8x2x4xf32>, tensor<1x8x2x4xf32>)
      key_w(%kw1, %kw2 : tensor<1x6x3x4xf32>, tensor<1x6x3x4xf32>)
      query_gate(%qg : tensor<1x8x4xf32>)
      key_gate(%kg : tensor<1x6x4xf32>)
      outs(%o : tensor<1x4x8x6xf32>) -> tensor<1x4x8x6xf32>
  return %r : tensor<1x4x8x6xf32>
}

// Each optional group on its own.
// CHECK-LABEL: func.func @compose_heads_each
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x6xbf16>) static(%arg1 : tensor<4x4xbf16>) outs(%arg6 : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x6xbf16>) query_w(%arg2, %arg2 : tensor<1x8x2x4xbf16>, tensor<1x8x2x4xbf16>) outs(%arg6 : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x6xbf16>) key_w(%arg3, %arg3 : tensor<1x6x2x4xbf16>, tensor<1x6x2x4xbf16>) outs(%arg6 : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x6xbf16>) query_gate(%arg4 : tensor<1x8x4xbf16>) outs(%arg6 : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
// CHECK: seq.compose_heads ins(%arg0 : tensor<1x4x8x6xbf16>) key_gate(%arg5 : tensor<1x6x4xbf16>) outs(%arg6 : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
func.func @compose_heads_each(%a: tensor<1x4x8x6xbf16>, %w: tensor<4x4xbf16>,
                              %qw: tensor<1x8x2x4xbf16>, %kw: tensor<1x6x2x4xbf16>,
                              %qg: tensor<1x8x4xbf16>, %kg: tensor<1x6x4xbf16>,
                              %o: tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16> {
  %r0 = seq.compose_heads ins(%a : tensor<1x4x8x6xbf16>) static(%w : tensor<4x4xbf16>)
      outs(%o : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
  %r1 = seq.compose_heads ins(%a : tensor<1x4x8x6xbf16>)
      query_w(%qw, %qw : tensor<1x8x2x4xbf16>, tensor<1x8x2x4xbf16>)
      outs(%o : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
  %r2 = seq.compose_heads ins(%a : tensor<1x4x8x6xbf16>)
      key_w(%kw, %kw : tensor<1x6x2x4xbf16>, tensor<1x6x2x4xbf16>)
      outs(%o : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
  %r3 = seq.compose_heads ins(%a : tensor<1x4x8x6xbf16>) query_gate(%qg : tensor<1x8x4xbf16>)
      outs(%o : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
  %r4 = seq.compose_heads ins(%a : tensor<1x4x8x6xbf16>) key_gate(%kg : tensor<1x6x4xbf16>)
      outs(%o : tensor<1x4x8x6xbf16>) -> tensor<1x4x8x6xbf16>
  return %r4 : tensor<1x4x8x6xbf16>
}

// CHECK-LABEL: func.func @compose_heads_dynamic
// CHECK: seq.compose_heads ins(%arg0 : tensor<?x?x?x?xf64>) query_w(%arg1, %arg1 : tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>) outs(%arg0 : tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64>
func.func @compose_heads_dynamic(%a: tensor<?x?x?x?xf64>, %w: tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64> {
  %r = seq.compose_heads ins(%a : tensor<?x?x?x?xf64>)
      query_w(%w, %w : tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>)
      outs(%a : tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64>
  return %r : tensor<?x?x?x?xf64>
}

//===----------------------------------------------------------------------===//
// seq.scan
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @scan_plain
// CHECK: seq.scan ins(%arg0, %arg1 : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%arg0 : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
func.func @scan_plain(%a: tensor<2x8x4xf32>, %b: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %r = seq.scan ins(%a, %b : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%a : tensor<2x8x4xf32>) -> tensor<2x8x4xf32>
  return %r : tensor<2x8x4xf32>
}

// CHECK-LABEL: func.func @scan_reverse
// CHECK: seq.scan ins(%arg0, %arg1 : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%arg0 : tensor<2x8x4xf32>) {reverse} -> tensor<2x8x4xf32>
func.func @scan_reverse(%a: tensor<2x8x4xf32>, %b: tensor<2x8x4xf32>) -> tensor<2x8x4xf32> {
  %r = seq.scan ins(%a, %b : tensor<2x8x4xf32>, tensor<2x8x4xf32>) outs(%a : tensor<2x8x4xf32>) {reverse} -> tensor<2x8x4xf32>
  return %r : tensor<2x8x4xf32>
}

// initial and final, rank 4 state.
// CHECK-LABEL: func.func @scan_initial_final
// CHECK: %{{.*}}:2 = seq.scan ins(%arg0, %arg0 : tensor<2x8x4x3xf32>, tensor<2x8x4x3xf32>) initial(%arg1 : tensor<2x4x3xf32>) outs(%arg0, %arg1 : tensor<2x8x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x8x4x3xf32>, tensor<2x4x3xf32>
func.func @scan_initial_final(%a: tensor<2x8x4x3xf32>, %h: tensor<2x4x3xf32>) -> (tensor<2x8x4x3xf32>, tensor<2x4x3xf32>) {
  %r:2 = seq.scan ins(%a, %a : tensor<2x8x4x3xf32>, tensor<2x8x4x3xf32>) initial(%h : tensor<2x4x3xf32>)
      outs(%a, %h : tensor<2x8x4x3xf32>, tensor<2x4x3xf32>) -> tensor<2x8x4x3xf32>, tensor<2x4x3xf32>
  return %r#0, %r#1 : tensor<2x8x4x3xf32>, tensor<2x4x3xf32>
}

// initial without final, final without initial; rank-2 (no state dims).
// CHECK-LABEL: func.func @scan_initial_only_final_only
// CHECK: seq.scan ins(%arg0, %arg0 : tensor<2x8xf64>, tensor<2x8xf64>) initial(%arg1 : tensor<2xf64>) outs(%arg0 : tensor<2x8xf64>) {reverse} -> tensor<2x8xf64>
// CHECK: %{{.*}}:2 = seq.scan ins(%arg0, %arg0 : tensor<2x8xf64>, tensor<2x8xf64>) outs(%arg0, %arg1 : tensor<2x8xf64>, tensor<2xf64>) -> tensor<2x8xf64>, tensor<2xf64>
func.func @scan_initial_only_final_only(%a: tensor<2x8xf64>, %h: tensor<2xf64>) -> tensor<2xf64> {
  %r = seq.scan ins(%a, %a : tensor<2x8xf64>, tensor<2x8xf64>) initial(%h : tensor<2xf64>)
      outs(%a : tensor<2x8xf64>) {reverse} -> tensor<2x8xf64>
  %s:2 = seq.scan ins(%a, %a : tensor<2x8xf64>, tensor<2x8xf64>)
      outs(%a, %h : tensor<2x8xf64>, tensor<2xf64>) -> tensor<2x8xf64>, tensor<2xf64>
  return %s#1 : tensor<2xf64>
}

// Complex elements (S4/S5 diagonal SSMs), f16, bf16, dynamic.
// CHECK-LABEL: func.func @scan_types
// CHECK: seq.scan ins(%arg0, %arg0 : tensor<1x16x4xcomplex<f32>>, tensor<1x16x4xcomplex<f32>>) initial(%arg1 : tensor<1x4xcomplex<f32>>) outs(%arg0, %arg1 : tensor<1x16x4xcomplex<f32>>, tensor<1x4xcomplex<f32>>) {reverse} -> tensor<1x16x4xcomplex<f32>>, tensor<1x4xcomplex<f32>>
// CHECK: seq.scan ins(%arg2, %arg2 : tensor<1x16x4xcomplex<f64>>, tensor<1x16x4xcomplex<f64>>) outs(%arg2 : tensor<1x16x4xcomplex<f64>>) -> tensor<1x16x4xcomplex<f64>>
// CHECK: seq.scan ins(%arg3, %arg3 : tensor<1x16x4xf16>, tensor<1x16x4xf16>) outs(%arg3 : tensor<1x16x4xf16>) -> tensor<1x16x4xf16>
// CHECK: seq.scan ins(%arg4, %arg4 : tensor<1x16x4xbf16>, tensor<1x16x4xbf16>) outs(%arg4 : tensor<1x16x4xbf16>) -> tensor<1x16x4xbf16>
// CHECK: seq.scan ins(%arg5, %arg5 : tensor<?x?x?xf32>, tensor<?x?x?xf32>) initial(%arg6 : tensor<?x?xf32>) outs(%arg5, %arg6 : tensor<?x?x?xf32>, tensor<?x?xf32>) -> tensor<?x?x?xf32>, tensor<?x?xf32>
func.func @scan_types(%c: tensor<1x16x4xcomplex<f32>>, %hc: tensor<1x4xcomplex<f32>>,
                      %c64: tensor<1x16x4xcomplex<f64>>, %h: tensor<1x16x4xf16>,
                      %bf: tensor<1x16x4xbf16>, %dyn: tensor<?x?x?xf32>, %hd: tensor<?x?xf32>) {
  %0:2 = seq.scan ins(%c, %c : tensor<1x16x4xcomplex<f32>>, tensor<1x16x4xcomplex<f32>>)
      initial(%hc : tensor<1x4xcomplex<f32>>)
      outs(%c, %hc : tensor<1x16x4xcomplex<f32>>, tensor<1x4xcomplex<f32>>) {reverse}
      -> tensor<1x16x4xcomplex<f32>>, tensor<1x4xcomplex<f32>>
  %1 = seq.scan ins(%c64, %c64 : tensor<1x16x4xcomplex<f64>>, tensor<1x16x4xcomplex<f64>>)
      outs(%c64 : tensor<1x16x4xcomplex<f64>>) -> tensor<1x16x4xcomplex<f64>>
  %2 = seq.scan ins(%h, %h : tensor<1x16x4xf16>, tensor<1x16x4xf16>)
      outs(%h : tensor<1x16x4xf16>) -> tensor<1x16x4xf16>
  %3 = seq.scan ins(%bf, %bf : tensor<1x16x4xbf16>, tensor<1x16x4xbf16>)
      outs(%bf : tensor<1x16x4xbf16>) -> tensor<1x16x4xbf16>
  %4:2 = seq.scan ins(%dyn, %dyn : tensor<?x?x?xf32>, tensor<?x?x?xf32>) initial(%hd : tensor<?x?xf32>)
      outs(%dyn, %hd : tensor<?x?x?xf32>, tensor<?x?xf32>) -> tensor<?x?x?xf32>, tensor<?x?xf32>
  return
}

//===----------------------------------------------------------------------===//
// seq.ema
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @ema_damped
// CHECK: seq.ema <damped> ins(%arg0, %arg1, %arg1, %arg1, %arg2 : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%arg1 : tensor<8x4xf32>) outs(%arg0 : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
func.func @ema_damped(%x: tensor<2x32x8xf32>, %p: tensor<8x4xf32>, %om: tensor<8xf32>) -> tensor<2x32x8xf32> {
  %r = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>)
      beta(%p : tensor<8x4xf32>) outs(%x : tensor<2x32x8xf32>) -> tensor<2x32x8xf32>
  return %r : tensor<2x32x8xf32>
}

// Damped with carried real state; f16 data with f32 parameters.
// CHECK-LABEL: func.func @ema_damped_state
// CHECK: %{{.*}}:2 = seq.ema <damped> ins(%arg0, %arg1, %arg1, %arg1, %arg2 : tensor<2x32x8xf16>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>) beta(%arg1 : tensor<8x4xf32>) initial(%arg3 : tensor<2x8x4xf32>) outs(%arg0, %arg3 : tensor<2x32x8xf16>, tensor<2x8x4xf32>) -> tensor<2x32x8xf16>, tensor<2x8x4xf32>
// CHECK: seq.ema <damped> ins({{.*}}) beta(%arg1 : tensor<8x4xf32>) initial(%arg3 : tensor<2x8x4xf32>) outs(%arg0 : tensor<2x32x8xf16>) -> tensor<2x32x8xf16>
// CHECK: %{{.*}}:2 = seq.ema <damped> ins({{.*}}) beta(%arg1 : tensor<8x4xf32>) outs(%arg0, %arg3 : tensor<2x32x8xf16>, tensor<2x8x4xf32>) -> tensor<2x32x8xf16>, tensor<2x8x4xf32>
func.func @ema_damped_state(%x: tensor<2x32x8xf16>, %p: tensor<8x4xf32>, %om: tensor<8xf32>,
                            %h: tensor<2x8x4xf32>) -> tensor<2x32x8xf16> {
  %r:2 = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf16>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>)
      beta(%p : tensor<8x4xf32>) initial(%h : tensor<2x8x4xf32>)
      outs(%x, %h : tensor<2x32x8xf16>, tensor<2x8x4xf32>) -> tensor<2x32x8xf16>, tensor<2x8x4xf32>
  %s = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf16>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>)
      beta(%p : tensor<8x4xf32>) initial(%h : tensor<2x8x4xf32>)
      outs(%x : tensor<2x32x8xf16>) -> tensor<2x32x8xf16>
  %t:2 = seq.ema <damped> ins(%x, %p, %p, %p, %om : tensor<2x32x8xf16>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8x4xf32>, tensor<8xf32>)
      beta(%p : tensor<8x4xf32>)
      outs(%x, %h : tensor<2x32x8xf16>, tensor<2x8x4xf32>) -> tensor<2x32x8xf16>, tensor<2x8x4xf32>
  return %s : tensor<2x32x8xf16>
}

// CHECK-LABEL: func.func @ema_complex
// CHECK: seq.ema <complex> ins(%arg0, %arg1, %arg1, %arg2, %arg3 : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>) theta(%arg3 : tensor<16xf32>) outs(%arg0 : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
// CHECK: %{{.*}}:2 = seq.ema <complex> ins({{.*}}) theta(%arg3 : tensor<16xf32>) initial(%arg4 : tensor<1x16x4xcomplex<f32>>) outs(%arg0, %arg4 : tensor<1x64x16xf32>, tensor<1x16x4xcomplex<f32>>) -> tensor<1x64x16xf32>, tensor<1x16x4xcomplex<f32>>
func.func @ema_complex(%x: tensor<1x64x16xf32>, %p: tensor<16x4xf32>, %g: tensor<16x4x2xf32>,
                       %om: tensor<16xf32>, %h: tensor<1x16x4xcomplex<f32>>) -> tensor<1x64x16xf32> {
  %r = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>)
      theta(%om : tensor<16xf32>) outs(%x : tensor<1x64x16xf32>) -> tensor<1x64x16xf32>
  %s:2 = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<1x64x16xf32>, tensor<16x4xf32>, tensor<16x4xf32>, tensor<16x4x2xf32>, tensor<16xf32>)
      theta(%om : tensor<16xf32>) initial(%h : tensor<1x16x4xcomplex<f32>>)
      outs(%x, %h : tensor<1x64x16xf32>, tensor<1x16x4xcomplex<f32>>)
      -> tensor<1x64x16xf32>, tensor<1x16x4xcomplex<f32>>
  return %s#0 : tensor<1x64x16xf32>
}

// f64 complex EMA with dynamic B, L and N.
// CHECK-LABEL: func.func @ema_complex_f64_dynamic
// CHECK: seq.ema <complex> ins(%arg0, %arg1, %arg1, %arg2, %arg3 : tensor<?x?x16xf64>, tensor<16x?xf64>, tensor<16x?xf64>, tensor<16x?x2xf64>, tensor<16xf64>) theta(%arg3 : tensor<16xf64>) outs(%arg0, %arg4 : tensor<?x?x16xf64>, tensor<?x16x?xcomplex<f64>>) -> tensor<?x?x16xf64>, tensor<?x16x?xcomplex<f64>>
func.func @ema_complex_f64_dynamic(%x: tensor<?x?x16xf64>, %p: tensor<16x?xf64>, %g: tensor<16x?x2xf64>,
                                   %om: tensor<16xf64>, %h: tensor<?x16x?xcomplex<f64>>) -> tensor<?x?x16xf64> {
  %s:2 = seq.ema <complex> ins(%x, %p, %p, %g, %om : tensor<?x?x16xf64>, tensor<16x?xf64>, tensor<16x?xf64>, tensor<16x?x2xf64>, tensor<16xf64>)
      theta(%om : tensor<16xf64>)
      outs(%x, %h : tensor<?x?x16xf64>, tensor<?x16x?xcomplex<f64>>)
      -> tensor<?x?x16xf64>, tensor<?x16x?xcomplex<f64>>
  return %s#0 : tensor<?x?x16xf64>
}

//===----------------------------------------------------------------------===//
// seq.long_conv
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @long_conv_plain
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%arg0 : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
func.func @long_conv_plain(%u: tensor<2x64x8xf32>, %k: tensor<8x64xf32>) -> tensor<2x64x8xf32> {
  %r = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x64xf32>) outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return %r : tensor<2x64x8xf32>
}

// Every method; the default `auto` is elided.
// CHECK-LABEL: func.func @long_conv_methods
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x3xf32>) outs(%arg0 : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x3xf32>) outs(%arg0 : tensor<2x64x8xf32>) {method = #seq.conv_method<direct>} -> tensor<2x64x8xf32>
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x3xf32>) outs(%arg0 : tensor<2x64x8xf32>) {method = #seq.conv_method<fft>} -> tensor<2x64x8xf32>
func.func @long_conv_methods(%u: tensor<2x64x8xf32>, %k: tensor<8x3xf32>) -> tensor<2x64x8xf32> {
  %0 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x3xf32>) outs(%u : tensor<2x64x8xf32>)
      {method = #seq.conv_method<auto>} -> tensor<2x64x8xf32>
  %1 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x3xf32>) outs(%u : tensor<2x64x8xf32>)
      {method = #seq.conv_method<direct>} -> tensor<2x64x8xf32>
  %2 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x3xf32>) outs(%u : tensor<2x64x8xf32>)
      {method = #seq.conv_method<fft>} -> tensor<2x64x8xf32>
  return %2 : tensor<2x64x8xf32>
}

// Skip, pregate and postgate, together and alone; a filter longer than L.
// CHECK-LABEL: func.func @long_conv_optional
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x100xf32>) skip(%arg2 : tensor<8xf32>) pregate(%arg0 : tensor<2x64x8xf32>) postgate(%arg0 : tensor<2x64x8xf32>) outs(%arg0 : tensor<2x64x8xf32>) {method = #seq.conv_method<fft>} -> tensor<2x64x8xf32>
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x100xf32>) skip(%arg2 : tensor<8xf32>) outs(%arg0 : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x100xf32>) pregate(%arg0 : tensor<2x64x8xf32>) outs(%arg0 : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x100xf32>) postgate(%arg0 : tensor<2x64x8xf32>) outs(%arg0 : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
func.func @long_conv_optional(%u: tensor<2x64x8xf32>, %k: tensor<8x100xf32>, %d: tensor<8xf32>) -> tensor<2x64x8xf32> {
  %0 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x100xf32>) skip(%d : tensor<8xf32>)
      pregate(%u : tensor<2x64x8xf32>) postgate(%u : tensor<2x64x8xf32>)
      outs(%u : tensor<2x64x8xf32>) {method = #seq.conv_method<fft>} -> tensor<2x64x8xf32>
  %1 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x100xf32>) skip(%d : tensor<8xf32>)
      outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  %2 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x100xf32>) pregate(%u : tensor<2x64x8xf32>)
      outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  %3 = seq.long_conv ins(%u, %k : tensor<2x64x8xf32>, tensor<8x100xf32>) postgate(%u : tensor<2x64x8xf32>)
      outs(%u : tensor<2x64x8xf32>) -> tensor<2x64x8xf32>
  return %3 : tensor<2x64x8xf32>
}

// CHECK-LABEL: func.func @long_conv_types
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<1x16x4xbf16>, tensor<4x16xbf16>) outs(%arg0 : tensor<1x16x4xbf16>) {method = #seq.conv_method<direct>} -> tensor<1x16x4xbf16>
// CHECK: seq.long_conv ins(%arg2, %arg3 : tensor<?x?x?xf64>, tensor<?x?xf64>) skip(%arg4 : tensor<?xf64>) outs(%arg2 : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
func.func @long_conv_types(%u: tensor<1x16x4xbf16>, %k: tensor<4x16xbf16>, %ud: tensor<?x?x?xf64>,
                           %kd: tensor<?x?xf64>, %dd: tensor<?xf64>) {
  %0 = seq.long_conv ins(%u, %k : tensor<1x16x4xbf16>, tensor<4x16xbf16>) outs(%u : tensor<1x16x4xbf16>)
      {method = #seq.conv_method<direct>} -> tensor<1x16x4xbf16>
  %1 = seq.long_conv ins(%ud, %kd : tensor<?x?x?xf64>, tensor<?x?xf64>) skip(%dd : tensor<?xf64>)
      outs(%ud : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  return
}

// A precomputed spectrum (F = n/2 + 1 bins, n = 2L here) in place of the
// taps; static and dynamic.
// CHECK-LABEL: func.func @long_conv_spectrum
// CHECK: seq.long_conv ins(%arg0, %arg1 : tensor<2x64x8xf32>, tensor<8x65xcomplex<f32>>) skip(%arg2 : tensor<8xf32>) outs(%arg0 : tensor<2x64x8xf32>) {method = #seq.conv_method<fft>} -> tensor<2x64x8xf32>
// CHECK: seq.long_conv ins(%arg3, %arg4 : tensor<?x?x?xf64>, tensor<?x?xcomplex<f64>>) outs(%arg3 : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
func.func @long_conv_spectrum(%u: tensor<2x64x8xf32>, %s: tensor<8x65xcomplex<f32>>, %d: tensor<8xf32>,
                              %ud: tensor<?x?x?xf64>, %sd: tensor<?x?xcomplex<f64>>) {
  %0 = seq.long_conv ins(%u, %s : tensor<2x64x8xf32>, tensor<8x65xcomplex<f32>>) skip(%d : tensor<8xf32>)
      outs(%u : tensor<2x64x8xf32>) {method = #seq.conv_method<fft>} -> tensor<2x64x8xf32>
  %1 = seq.long_conv ins(%ud, %sd : tensor<?x?x?xf64>, tensor<?x?xcomplex<f64>>)
      outs(%ud : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  return
}

//===----------------------------------------------------------------------===//
// FFTs
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fft_norms
// CHECK: seq.fft ins(%arg0 : tensor<4x12xcomplex<f32>>) outs(%arg0 : tensor<4x12xcomplex<f32>>) -> tensor<4x12xcomplex<f32>>
// CHECK: seq.fft ins(%arg0 : tensor<4x12xcomplex<f32>>) outs(%arg0 : tensor<4x12xcomplex<f32>>) -> tensor<4x12xcomplex<f32>>
// CHECK: seq.fft ins(%arg0 : tensor<4x12xcomplex<f32>>) outs(%arg0 : tensor<4x12xcomplex<f32>>) {norm = #seq.fft_norm<forward>} -> tensor<4x12xcomplex<f32>>
// CHECK: seq.fft ins(%arg0 : tensor<4x12xcomplex<f32>>) outs(%arg0 : tensor<4x12xcomplex<f32>>) {norm = #seq.fft_norm<ortho>} -> tensor<4x12xcomplex<f32>>
func.func @fft_norms(%x: tensor<4x12xcomplex<f32>>) -> tensor<4x12xcomplex<f32>> {
  %0 = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%x : tensor<4x12xcomplex<f32>>) -> tensor<4x12xcomplex<f32>>
  %1 = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%x : tensor<4x12xcomplex<f32>>)
      {norm = #seq.fft_norm<backward>} -> tensor<4x12xcomplex<f32>>
  %2 = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%x : tensor<4x12xcomplex<f32>>)
      {norm = #seq.fft_norm<forward>} -> tensor<4x12xcomplex<f32>>
  %3 = seq.fft ins(%x : tensor<4x12xcomplex<f32>>) outs(%x : tensor<4x12xcomplex<f32>>)
      {norm = #seq.fft_norm<ortho>} -> tensor<4x12xcomplex<f32>>
  return %3 : tensor<4x12xcomplex<f32>>
}

// CHECK-LABEL: func.func @ifft_norms
// CHECK: seq.ifft ins(%arg0 : tensor<7xcomplex<f64>>) outs(%arg0 : tensor<7xcomplex<f64>>) -> tensor<7xcomplex<f64>>
// CHECK: seq.ifft ins(%arg0 : tensor<7xcomplex<f64>>) outs(%arg0 : tensor<7xcomplex<f64>>) {norm = #seq.fft_norm<forward>} -> tensor<7xcomplex<f64>>
// CHECK: seq.ifft ins(%arg0 : tensor<7xcomplex<f64>>) outs(%arg0 : tensor<7xcomplex<f64>>) {norm = #seq.fft_norm<ortho>} -> tensor<7xcomplex<f64>>
// CHECK: seq.ifft ins(%arg1 : tensor<2x?x?xcomplex<f32>>) outs(%arg1 : tensor<2x?x?xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
func.func @ifft_norms(%x: tensor<7xcomplex<f64>>, %d: tensor<2x?x?xcomplex<f32>>) -> tensor<7xcomplex<f64>> {
  %0 = seq.ifft ins(%x : tensor<7xcomplex<f64>>) outs(%x : tensor<7xcomplex<f64>>) -> tensor<7xcomplex<f64>>
  %1 = seq.ifft ins(%x : tensor<7xcomplex<f64>>) outs(%x : tensor<7xcomplex<f64>>)
      {norm = #seq.fft_norm<forward>} -> tensor<7xcomplex<f64>>
  %2 = seq.ifft ins(%x : tensor<7xcomplex<f64>>) outs(%x : tensor<7xcomplex<f64>>)
      {norm = #seq.fft_norm<ortho>} -> tensor<7xcomplex<f64>>
  %3 = seq.ifft ins(%d : tensor<2x?x?xcomplex<f32>>) outs(%d : tensor<2x?x?xcomplex<f32>>) -> tensor<2x?x?xcomplex<f32>>
  return %2 : tensor<7xcomplex<f64>>
}

// Even and odd N, every real element type, dynamic N.
// CHECK-LABEL: func.func @rfft_types
// CHECK: seq.rfft ins(%arg0 : tensor<4x16xf32>) outs(%arg1 : tensor<4x9xcomplex<f32>>) -> tensor<4x9xcomplex<f32>>
// CHECK: seq.rfft ins(%arg2 : tensor<15xf64>) outs(%arg3 : tensor<8xcomplex<f64>>) {norm = #seq.fft_norm<ortho>} -> tensor<8xcomplex<f64>>
// CHECK: seq.rfft ins(%arg4 : tensor<3x?xf32>) outs(%arg5 : tensor<3x?xcomplex<f32>>) {norm = #seq.fft_norm<forward>} -> tensor<3x?xcomplex<f32>>
// CHECK: seq.rfft ins(%arg6 : tensor<1xf32>) outs(%arg7 : tensor<1xcomplex<f32>>) -> tensor<1xcomplex<f32>>
func.func @rfft_types(%x: tensor<4x16xf32>, %y: tensor<4x9xcomplex<f32>>,
                      %x64: tensor<15xf64>, %y64: tensor<8xcomplex<f64>>,
                      %xd: tensor<3x?xf32>, %yd: tensor<3x?xcomplex<f32>>,
                      %x1: tensor<1xf32>, %y1: tensor<1xcomplex<f32>>) {
  %0 = seq.rfft ins(%x : tensor<4x16xf32>) outs(%y : tensor<4x9xcomplex<f32>>) -> tensor<4x9xcomplex<f32>>
  %1 = seq.rfft ins(%x64 : tensor<15xf64>) outs(%y64 : tensor<8xcomplex<f64>>)
      {norm = #seq.fft_norm<ortho>} -> tensor<8xcomplex<f64>>
  %2 = seq.rfft ins(%xd : tensor<3x?xf32>) outs(%yd : tensor<3x?xcomplex<f32>>)
      {norm = #seq.fft_norm<forward>} -> tensor<3x?xcomplex<f32>>
  %3 = seq.rfft ins(%x1 : tensor<1xf32>) outs(%y1 : tensor<1xcomplex<f32>>) -> tensor<1xcomplex<f32>>
  return
}

// CHECK-LABEL: func.func @irfft_types
// CHECK: seq.irfft ins(%arg0 : tensor<4x9xcomplex<f32>>) outs(%arg1 : tensor<4x16xf32>) -> tensor<4x16xf32>
// CHECK: seq.irfft ins(%arg0 : tensor<4x9xcomplex<f32>>) outs(%arg2 : tensor<4x17xf32>) {norm = #seq.fft_norm<forward>} -> tensor<4x17xf32>
// CHECK: seq.irfft ins(%arg3 : tensor<8xcomplex<f64>>) outs(%arg4 : tensor<15xf64>) {norm = #seq.fft_norm<ortho>} -> tensor<15xf64>
// CHECK: seq.irfft ins(%arg5 : tensor<?x?xcomplex<f32>>) outs(%arg6 : tensor<?x10xf32>) -> tensor<?x10xf32>
func.func @irfft_types(%y: tensor<4x9xcomplex<f32>>, %x: tensor<4x16xf32>, %xo: tensor<4x17xf32>,
                       %y64: tensor<8xcomplex<f64>>, %x64: tensor<15xf64>,
                       %yd: tensor<?x?xcomplex<f32>>, %xd: tensor<?x10xf32>) {
  %0 = seq.irfft ins(%y : tensor<4x9xcomplex<f32>>) outs(%x : tensor<4x16xf32>) -> tensor<4x16xf32>
  %1 = seq.irfft ins(%y : tensor<4x9xcomplex<f32>>) outs(%xo : tensor<4x17xf32>)
      {norm = #seq.fft_norm<forward>} -> tensor<4x17xf32>
  %2 = seq.irfft ins(%y64 : tensor<8xcomplex<f64>>) outs(%x64 : tensor<15xf64>)
      {norm = #seq.fft_norm<ortho>} -> tensor<15xf64>
  %3 = seq.irfft ins(%yd : tensor<?x?xcomplex<f32>>) outs(%xd : tensor<?x10xf32>) -> tensor<?x10xf32>
  return
}

//===----------------------------------------------------------------------===//
// seq.linear_attention
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear_attention_plain
// CHECK: seq.linear_attention ins(%arg0, %arg0, %arg1 : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) outs(%arg1 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
func.func @linear_attention_plain(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32> {
  %r = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  return %r : tensor<1x2x16x4xf32>
}

// scale, normalize and eps; explicit defaults are elided.
// CHECK-LABEL: func.func @linear_attention_attrs
// CHECK: seq.linear_attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x4xf32>) {eps = 9.9999999999999995E-7 : f64, normalize, scale = 5.000000e-01 : f64} -> tensor<1x2x16x4xf32>
// CHECK: seq.linear_attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x4xf32>) {normalize} -> tensor<1x2x16x4xf32>
// CHECK: seq.linear_attention ins({{.*}}) outs(%arg1 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
func.func @linear_attention_attrs(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32> {
  %0 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      outs(%v : tensor<1x2x16x4xf32>) {scale = 0.5 : f64, normalize, eps = 1.0e-6 : f64} -> tensor<1x2x16x4xf32>
  %1 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      outs(%v : tensor<1x2x16x4xf32>) {normalize} -> tensor<1x2x16x4xf32>
  %2 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      outs(%v : tensor<1x2x16x4xf32>) {scale = 1.0 : f64, eps = 1.0e-12 : f64} -> tensor<1x2x16x4xf32>
  return %2 : tensor<1x2x16x4xf32>
}

// Per-head and per-key-dimension decay, with state in and out.
// CHECK-LABEL: func.func @linear_attention_decay
// CHECK: seq.linear_attention ins(%arg0, %arg0, %arg1 : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) log_decay(%arg2 : tensor<1x2x16xf32>) outs(%arg1 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
// CHECK: %{{.*}}:2 = seq.linear_attention ins({{.*}}) log_decay(%arg0 : tensor<1x2x16x8xf32>) initial_state(%arg3 : tensor<1x2x8x4xf32>) outs(%arg1, %arg3 : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>
func.func @linear_attention_decay(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>,
                                  %g: tensor<1x2x16xf32>, %s: tensor<1x2x8x4xf32>) -> tensor<1x2x16x4xf32> {
  %0 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      log_decay(%g : tensor<1x2x16xf32>) outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  %1:2 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      log_decay(%q : tensor<1x2x16x8xf32>) initial_state(%s : tensor<1x2x8x4xf32>)
      outs(%v, %s : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>
  return %1#0 : tensor<1x2x16x4xf32>
}

// JRT-RNN prefix, normalizer state in and out, three destinations.
// CHECK-LABEL: func.func @linear_attention_prefix_state
// CHECK: %{{.*}}:3 = seq.linear_attention ins(%arg0, %arg0, %arg1 : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>) prefix_key(%arg2 : tensor<1x2x5x8xf32>) prefix_value(%arg3 : tensor<1x2x5x4xf32>) initial_state(%arg4 : tensor<1x2x8x4xf32>) initial_normalizer(%arg5 : tensor<1x2x8xf32>) outs(%arg1, %arg4, %arg5 : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) {normalize} -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
// CHECK: seq.linear_attention ins({{.*}}) prefix_key(%arg2 : tensor<1x2x5x8xf32>) prefix_value(%arg3 : tensor<1x2x5x4xf32>) outs(%arg1 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
// CHECK: seq.linear_attention ins({{.*}}) initial_normalizer(%arg5 : tensor<1x2x8xf32>) outs(%arg1 : tensor<1x2x16x4xf32>) {normalize} -> tensor<1x2x16x4xf32>
// CHECK: %{{.*}}:3 = seq.linear_attention ins({{.*}}) outs(%arg1, %arg4, %arg5 : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) {normalize} -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
func.func @linear_attention_prefix_state(%q: tensor<1x2x16x8xf32>, %v: tensor<1x2x16x4xf32>,
                                         %pk: tensor<1x2x5x8xf32>, %pv: tensor<1x2x5x4xf32>,
                                         %s: tensor<1x2x8x4xf32>, %z: tensor<1x2x8xf32>) -> tensor<1x2x16x4xf32> {
  %0:3 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      prefix_key(%pk : tensor<1x2x5x8xf32>) prefix_value(%pv : tensor<1x2x5x4xf32>)
      initial_state(%s : tensor<1x2x8x4xf32>) initial_normalizer(%z : tensor<1x2x8xf32>)
      outs(%v, %s, %z : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) {normalize}
      -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  %1 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      prefix_key(%pk : tensor<1x2x5x8xf32>) prefix_value(%pv : tensor<1x2x5x4xf32>)
      outs(%v : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  %2 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      initial_normalizer(%z : tensor<1x2x8xf32>)
      outs(%v : tensor<1x2x16x4xf32>) {normalize} -> tensor<1x2x16x4xf32>
  %3:3 = seq.linear_attention ins(%q, %q, %v : tensor<1x2x16x8xf32>, tensor<1x2x16x8xf32>, tensor<1x2x16x4xf32>)
      outs(%v, %s, %z : tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>) {normalize}
      -> tensor<1x2x16x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8xf32>
  return %3#0 : tensor<1x2x16x4xf32>
}

// f16 / bf16 / f64 and dynamic shapes.
// CHECK-LABEL: func.func @linear_attention_types
// CHECK: seq.linear_attention ins(%arg0, %arg0, %arg0 : tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>) outs(%arg0 : tensor<1x2x16x8xf16>) -> tensor<1x2x16x8xf16>
// CHECK: seq.linear_attention ins(%arg1, %arg1, %arg1 : tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>) outs(%arg1 : tensor<1x2x16x8xbf16>) -> tensor<1x2x16x8xbf16>
// CHECK: seq.linear_attention ins(%arg2, %arg2, %arg3 : tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>) log_decay(%arg4 : tensor<?x?x?xf64>) outs(%arg3 : tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64>
func.func @linear_attention_types(%h: tensor<1x2x16x8xf16>, %bf: tensor<1x2x16x8xbf16>,
                                  %qd: tensor<?x?x?x?xf64>, %vd: tensor<?x?x?x?xf64>, %gd: tensor<?x?x?xf64>) {
  %0 = seq.linear_attention ins(%h, %h, %h : tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>, tensor<1x2x16x8xf16>)
      outs(%h : tensor<1x2x16x8xf16>) -> tensor<1x2x16x8xf16>
  %1 = seq.linear_attention ins(%bf, %bf, %bf : tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>, tensor<1x2x16x8xbf16>)
      outs(%bf : tensor<1x2x16x8xbf16>) -> tensor<1x2x16x8xbf16>
  %2 = seq.linear_attention ins(%qd, %qd, %vd : tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>)
      log_decay(%gd : tensor<?x?x?xf64>) outs(%vd : tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64>
  return
}

//===----------------------------------------------------------------------===//
// seq.feature_map
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @feature_map_kinds
// CHECK: seq.feature_map <identity> ins(%arg0 : tensor<1x2x16x4xf32>) outs(%arg0 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
// CHECK: seq.feature_map <relu> ins(%arg0 : tensor<1x2x16x4xf32>) outs(%arg0 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
// CHECK: seq.feature_map <elu_plus_one> ins(%arg0 : tensor<1x2x16x4xf32>) outs(%arg0 : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
// CHECK: seq.feature_map <taylor2> ins(%arg0 : tensor<1x2x16x4xf32>) outs(%arg1 : tensor<1x2x16x21xf32>) -> tensor<1x2x16x21xf32>
func.func @feature_map_kinds(%x: tensor<1x2x16x4xf32>, %t: tensor<1x2x16x21xf32>) -> tensor<1x2x16x21xf32> {
  %0 = seq.feature_map <identity> ins(%x : tensor<1x2x16x4xf32>) outs(%x : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  %1 = seq.feature_map <relu> ins(%x : tensor<1x2x16x4xf32>) outs(%x : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  %2 = seq.feature_map <elu_plus_one> ins(%x : tensor<1x2x16x4xf32>) outs(%x : tensor<1x2x16x4xf32>) -> tensor<1x2x16x4xf32>
  %3 = seq.feature_map <taylor2> ins(%x : tensor<1x2x16x4xf32>) outs(%t : tensor<1x2x16x21xf32>) -> tensor<1x2x16x21xf32>
  return %3 : tensor<1x2x16x21xf32>
}

// CHECK-LABEL: func.func @feature_map_types
// CHECK: seq.feature_map <taylor2> ins(%arg0 : tensor<16xf64>) outs(%arg1 : tensor<273xf64>) -> tensor<273xf64>
// CHECK: seq.feature_map <relu> ins(%arg2 : tensor<3x8xbf16>) outs(%arg2 : tensor<3x8xbf16>) -> tensor<3x8xbf16>
// CHECK: seq.feature_map <elu_plus_one> ins(%arg3 : tensor<3x8xf16>) outs(%arg3 : tensor<3x8xf16>) -> tensor<3x8xf16>
// CHECK: seq.feature_map <taylor2> ins(%arg4 : tensor<?x?xf32>) outs(%arg5 : tensor<?x?xf32>) -> tensor<?x?xf32>
func.func @feature_map_types(%x: tensor<16xf64>, %t: tensor<273xf64>, %b: tensor<3x8xbf16>,
                             %h: tensor<3x8xf16>, %d: tensor<?x?xf32>, %do: tensor<?x?xf32>) {
  %0 = seq.feature_map <taylor2> ins(%x : tensor<16xf64>) outs(%t : tensor<273xf64>) -> tensor<273xf64>
  %1 = seq.feature_map <relu> ins(%b : tensor<3x8xbf16>) outs(%b : tensor<3x8xbf16>) -> tensor<3x8xbf16>
  %2 = seq.feature_map <elu_plus_one> ins(%h : tensor<3x8xf16>) outs(%h : tensor<3x8xf16>) -> tensor<3x8xf16>
  %3 = seq.feature_map <taylor2> ins(%d : tensor<?x?xf32>) outs(%do : tensor<?x?xf32>) -> tensor<?x?xf32>
  return
}

//===----------------------------------------------------------------------===//
// seq.timestep_norm
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @timestep_norm_plain
// CHECK: seq.timestep_norm ins(%arg0, %arg1, %arg1 : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%arg0 : tensor<2x16x8xf32>) {num_groups = 2 : i64} -> tensor<2x16x8xf32>
// CHECK: seq.timestep_norm ins(%arg0, %arg1, %arg1 : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%arg0 : tensor<2x16x8xf32>) {eps = 1.000000e-03 : f64, num_groups = 8 : i64} -> tensor<2x16x8xf32>
func.func @timestep_norm_plain(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>) -> tensor<2x16x8xf32> {
  %0 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>)
      outs(%x : tensor<2x16x8xf32>) {num_groups = 2 : i64, eps = 1.0e-5 : f64} -> tensor<2x16x8xf32>
  %1 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>)
      outs(%x : tensor<2x16x8xf32>) {num_groups = 8 : i64, eps = 1.0e-3 : f64} -> tensor<2x16x8xf32>
  return %1 : tensor<2x16x8xf32>
}

// CHECK-LABEL: func.func @timestep_norm_state
// CHECK: %{{.*}}:4 = seq.timestep_norm ins(%arg0, %arg1, %arg1 : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>) padding_mask(%arg2 : tensor<2x16xi1>) prev(%arg3, %arg4, %arg4 : tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>) outs(%arg0, %arg3, %arg4, %arg4 : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>) {num_groups = 4 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>
// CHECK: seq.timestep_norm ins({{.*}}) padding_mask(%arg2 : tensor<2x16xi1>) outs(%arg0 : tensor<2x16x8xf32>) {num_groups = 4 : i64} -> tensor<2x16x8xf32>
// CHECK: seq.timestep_norm ins({{.*}}) prev(%arg3, %arg4, %arg4 : tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>) outs(%arg0 : tensor<2x16x8xf32>) {num_groups = 4 : i64} -> tensor<2x16x8xf32>
// CHECK: %{{.*}}:4 = seq.timestep_norm ins({{.*}}) outs(%arg0, %arg3, %arg4, %arg4 : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>) {num_groups = 4 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>
func.func @timestep_norm_state(%x: tensor<2x16x8xf32>, %w: tensor<8xf32>, %pad: tensor<2x16xi1>,
                               %c: tensor<2xi64>, %m: tensor<2x4xf32>) -> tensor<2x16x8xf32> {
  %0:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>)
      padding_mask(%pad : tensor<2x16xi1>)
      prev(%c, %m, %m : tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>)
      outs(%x, %c, %m, %m : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>)
      {num_groups = 4 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>
  %1 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>)
      padding_mask(%pad : tensor<2x16xi1>)
      outs(%x : tensor<2x16x8xf32>) {num_groups = 4 : i64} -> tensor<2x16x8xf32>
  %2 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>)
      prev(%c, %m, %m : tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>)
      outs(%x : tensor<2x16x8xf32>) {num_groups = 4 : i64} -> tensor<2x16x8xf32>
  %3:4 = seq.timestep_norm ins(%x, %w, %w : tensor<2x16x8xf32>, tensor<8xf32>, tensor<8xf32>)
      outs(%x, %c, %m, %m : tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>)
      {num_groups = 4 : i64} -> tensor<2x16x8xf32>, tensor<2xi64>, tensor<2x4xf32>, tensor<2x4xf32>
  return %3#0 : tensor<2x16x8xf32>
}

// bf16 data with f32 parameters and statistics; dynamic B and L.
// CHECK-LABEL: func.func @timestep_norm_types
// CHECK: seq.timestep_norm ins(%arg0, %arg1, %arg1 : tensor<?x?x8xbf16>, tensor<8xf32>, tensor<8xf32>) padding_mask(%arg2 : tensor<?x?xi1>) outs(%arg0 : tensor<?x?x8xbf16>) {num_groups = 1 : i64} -> tensor<?x?x8xbf16>
// CHECK: seq.timestep_norm ins(%arg3, %arg4, %arg4 : tensor<1x4x6xf64>, tensor<6xf64>, tensor<6xf64>) outs(%arg3 : tensor<1x4x6xf64>) {num_groups = 3 : i64} -> tensor<1x4x6xf64>
func.func @timestep_norm_types(%x: tensor<?x?x8xbf16>, %w: tensor<8xf32>, %pad: tensor<?x?xi1>,
                               %x64: tensor<1x4x6xf64>, %w64: tensor<6xf64>) {
  %0 = seq.timestep_norm ins(%x, %w, %w : tensor<?x?x8xbf16>, tensor<8xf32>, tensor<8xf32>)
      padding_mask(%pad : tensor<?x?xi1>)
      outs(%x : tensor<?x?x8xbf16>) {num_groups = 1 : i64} -> tensor<?x?x8xbf16>
  %1 = seq.timestep_norm ins(%x64, %w64, %w64 : tensor<1x4x6xf64>, tensor<6xf64>, tensor<6xf64>)
      outs(%x64 : tensor<1x4x6xf64>) {num_groups = 3 : i64} -> tensor<1x4x6xf64>
  return
}

//===----------------------------------------------------------------------===//
// seq.rotary
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @rotary_attrs
// CHECK: seq.rotary ins(%arg0 : tensor<1x4x16x8xf32>) outs(%arg0 : tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32>
// CHECK: seq.rotary ins(%arg0 : tensor<1x4x16x8xf32>) outs(%arg0 : tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32>
// CHECK: seq.rotary ins(%arg0 : tensor<1x4x16x8xf32>) outs(%arg0 : tensor<1x4x16x8xf32>) {pairing = #seq.rotary_pairing<halves>} -> tensor<1x4x16x8xf32>
// CHECK: seq.rotary ins(%arg0 : tensor<1x4x16x8xf32>) outs(%arg0 : tensor<1x4x16x8xf32>) {base = 5.000000e+05 : f64, chunk_size = 4 : i64, pairing = #seq.rotary_pairing<halves>, position_offset = 7 : i64} -> tensor<1x4x16x8xf32>
// CHECK: seq.rotary ins(%arg0 : tensor<1x4x16x8xf32>) outs(%arg0 : tensor<1x4x16x8xf32>) {chunk_size = 8 : i64} -> tensor<1x4x16x8xf32>
func.func @rotary_attrs(%x: tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32> {
  %0 = seq.rotary ins(%x : tensor<1x4x16x8xf32>) outs(%x : tensor<1x4x16x8xf32>) -> tensor<1x4x16x8xf32>
  %1 = seq.rotary ins(%x : tensor<1x4x16x8xf32>) outs(%x : tensor<1x4x16x8xf32>)
      {base = 10000.0 : f64, position_offset = 0 : i64, pairing = #seq.rotary_pairing<interleaved>}
      -> tensor<1x4x16x8xf32>
  %2 = seq.rotary ins(%x : tensor<1x4x16x8xf32>) outs(%x : tensor<1x4x16x8xf32>)
      {pairing = #seq.rotary_pairing<halves>} -> tensor<1x4x16x8xf32>
  %3 = seq.rotary ins(%x : tensor<1x4x16x8xf32>) outs(%x : tensor<1x4x16x8xf32>)
      {base = 500000.0 : f64, position_offset = 7 : i64, chunk_size = 4 : i64,
       pairing = #seq.rotary_pairing<halves>} -> tensor<1x4x16x8xf32>
  %4 = seq.rotary ins(%x : tensor<1x4x16x8xf32>) outs(%x : tensor<1x4x16x8xf32>)
      {chunk_size = 8 : i64} -> tensor<1x4x16x8xf32>
  return %4 : tensor<1x4x16x8xf32>
}

// CHECK-LABEL: func.func @rotary_types
// CHECK: seq.rotary ins(%arg0 : tensor<16x2xf16>) outs(%arg0 : tensor<16x2xf16>) -> tensor<16x2xf16>
// CHECK: seq.rotary ins(%arg1 : tensor<2x16x64xbf16>) outs(%arg1 : tensor<2x16x64xbf16>) {pairing = #seq.rotary_pairing<halves>} -> tensor<2x16x64xbf16>
// CHECK: seq.rotary ins(%arg2 : tensor<?x?x?xf64>) outs(%arg2 : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
func.func @rotary_types(%h: tensor<16x2xf16>, %b: tensor<2x16x64xbf16>, %d: tensor<?x?x?xf64>) {
  %0 = seq.rotary ins(%h : tensor<16x2xf16>) outs(%h : tensor<16x2xf16>) -> tensor<16x2xf16>
  %1 = seq.rotary ins(%b : tensor<2x16x64xbf16>) outs(%b : tensor<2x16x64xbf16>)
      {pairing = #seq.rotary_pairing<halves>} -> tensor<2x16x64xbf16>
  %2 = seq.rotary ins(%d : tensor<?x?x?xf64>) outs(%d : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  return
}

//===----------------------------------------------------------------------===//
// Positions, seq.online_attention, buffer semantics
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @attention_positions
// CHECK: seq.attention ins(%arg0, %arg0, %arg0 : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) positions(%arg2, %arg3 : index, index) outs(%arg1 : tensor<1x2x4x8xf32>) {mask = #seq.mask<causal>} -> tensor<1x2x4x8xf32>
func.func @attention_positions(%q: tensor<1x2x4x8xf32>, %o: tensor<1x2x4x8xf32>, %qp: index, %kp: index) -> tensor<1x2x4x8xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>)
      positions(%qp, %kp : index, index)
      outs(%o : tensor<1x2x4x8xf32>) {mask = #seq.mask<causal>} -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// CHECK-LABEL: func.func @online_attention
// CHECK: %{{.*}}:3 = seq.online_attention ins(%arg0, %arg1, %arg1 : tensor<1x4x16x8xf16>, tensor<1x2x32x8xf16>, tensor<1x2x32x8xf16>) positions(%arg5, %arg5 : index, index) outs(%arg2, %arg3, %arg4 : tensor<1x4x16x8xf32>, tensor<1x4x16xf32>, tensor<1x4x16xf32>) {mask = #seq.mask<sliding_window>, scale = 1.250000e-01 : f64, window = array<i64: 4, 0>}
// CHECK-SAME: score_mod {
// CHECK: seq.yield
// CHECK: } -> tensor<1x4x16x8xf32>, tensor<1x4x16xf32>, tensor<1x4x16xf32>
func.func @online_attention(%q: tensor<1x4x16x8xf16>, %k: tensor<1x2x32x8xf16>,
                            %acc: tensor<1x4x16x8xf32>, %m: tensor<1x4x16xf32>,
                            %l: tensor<1x4x16xf32>, %p: index) -> tensor<1x4x16x8xf32> {
  %r:3 = seq.online_attention ins(%q, %k, %k : tensor<1x4x16x8xf16>, tensor<1x2x32x8xf16>, tensor<1x2x32x8xf16>)
      positions(%p, %p : index, index)
      outs(%acc, %m, %l : tensor<1x4x16x8xf32>, tensor<1x4x16xf32>, tensor<1x4x16xf32>)
      {mask = #seq.mask<sliding_window>, window = array<i64: 4, 0>, scale = 0.125 : f64}
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        seq.yield %s : f32
      } -> tensor<1x4x16x8xf32>, tensor<1x4x16xf32>, tensor<1x4x16xf32>
  return %r#0 : tensor<1x4x16x8xf32>
}

// On memrefs an op writes its destinations in place and has no results.
// CHECK-LABEL: func.func @buffer_semantics
// CHECK: seq.attention ins(%arg0, %arg0, %arg0 : memref<1x2x4x8xf32>, memref<1x2x4x8xf32>, memref<1x2x4x8xf32>) outs(%arg1, %arg2 : memref<1x2x4x8xf32>, memref<1x2x4xf32>){{$}}
// CHECK: seq.scan ins(%arg3, %arg3 : memref<2x8x4xf32>, memref<2x8x4xf32>) outs(%arg3 : memref<2x8x4xf32>) {reverse}{{$}}
// CHECK: seq.rotary ins(%arg4 : memref<4x8xf32, strided<[16, 1]>>) outs(%arg4 : memref<4x8xf32, strided<[16, 1]>>){{$}}
func.func @buffer_semantics(%q: memref<1x2x4x8xf32>, %o: memref<1x2x4x8xf32>, %l: memref<1x2x4xf32>,
                            %a: memref<2x8x4xf32>, %x: memref<4x8xf32, strided<[16, 1]>>) {
  seq.attention ins(%q, %q, %q : memref<1x2x4x8xf32>, memref<1x2x4x8xf32>, memref<1x2x4x8xf32>)
      outs(%o, %l : memref<1x2x4x8xf32>, memref<1x2x4xf32>)
  seq.scan ins(%a, %a : memref<2x8x4xf32>, memref<2x8x4xf32>) outs(%a : memref<2x8x4xf32>) {reverse}
  seq.rotary ins(%x : memref<4x8xf32, strided<[16, 1]>>) outs(%x : memref<4x8xf32, strided<[16, 1]>>)
  return
}
