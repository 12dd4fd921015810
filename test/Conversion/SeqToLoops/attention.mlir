// RUN: seq-opt %s --convert-seq-to-loops | FileCheck %s
// RUN: seq-opt %s --seq-to-cpu=reference=1 | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not=seq. --implicit-check-not=scf. --implicit-check-not=memref.

// Reference lowering of seq.attention (one online-softmax pass per query row
// over the key range the mask allows) and seq.compose_heads (efficient DCMHA
// form). The numerics are checked by test/Integration/attention.

// LLVM: llvm.func @causal_gqa_lse
// LLVM: llvm.intr.exp
// LLVM: llvm.func @captures
// LLVM: llvm.func @compose_all

//===----------------------------------------------------------------------===//
// seq.attention
//===----------------------------------------------------------------------===//

// Causal GQA (8 query heads on 2 kv heads) with logsumexp, Lq = 16 < Lk = 20.
// CHECK-LABEL: func.func @causal_gqa_lse
// CHECK-DAG: %[[Q:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[K:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG: %[[V:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() : memref<2x8x16x3xf32>
// CHECK-DAG: %[[LSE:.*]] = memref.alloc() : memref<2x8x16xf32>
// CHECK: %[[GROUP:.*]] = arith.divui %{{.*}}, %{{.*}} : index
// CHECK: %[[SHIFT:.*]] = arith.subi %{{.*}}, %{{.*}} : index
// Default scale 1/sqrt(E) with E = 4.
// CHECK: %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[POSINF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[ROW:.*]] = memref.alloc() : memref<3xf32>
// CHECK: scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[H:.*]] = %{{.*}} to %{{.*}} step
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[KVH:.*]] = arith.divui %[[H]], %[[GROUP]] : index
// Bottom-right alignment p = (Lk - Lq) + i with keys at positions 0..Lk-1;
// causal keys are [0, min(p + 1 - 0, Lk)).
// CHECK: %[[P:.*]] = arith.addi %[[SHIFT]], %[[I]] : index
// CHECK: %[[PNEXT:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK: %[[HIK:.*]] = arith.subi %[[PNEXT]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[HIK]], %{{.*}} : index
// CHECK: memref.store %{{.*}}, %[[ROW]]
// CHECK: %[[STATE:.*]]:2 = scf.for %[[J:.*]] = %{{.*}} to %[[HI]] step %{{.*}} iter_args(%[[M:.*]] = %[[NEGINF]], %[[L:.*]] = %{{.*}}) -> (f32, f32)
// Raw q.k score; the scale is applied inside exp.
// CHECK: %[[S:[0-9]+]] = scf.for
// CHECK: memref.load %[[Q]][%[[B]], %[[H]], %[[I]], %{{.*}}]
// CHECK: memref.load %[[K]][%[[B]], %[[KVH]], %[[J]], %{{.*}}]
// CHECK: %[[GROWS:.*]] = arith.cmpf ogt, %[[S]], %[[M]] : f32
// CHECK: %[[NEW:.*]]:2 = scf.if %[[GROWS]] -> (f32, f32)
// CHECK: %[[D:.*]] = arith.subf %[[M]], %[[S]] : f32
// CHECK: %[[DS:.*]] = arith.mulf %[[D]], %[[SCALE]] : f32
// CHECK: %[[ALPHA:.*]] = math.exp %[[DS]] : f32
// CHECK: arith.mulf %{{.*}}, %[[ALPHA]] : f32
// CHECK: scf.yield %[[S]], %{{.*}} : f32, f32
// CHECK: } else {
// CHECK: scf.yield %[[M]], %[[L]] : f32, f32
// Check_inf: subtract 0 while the max is still -inf.
// CHECK: %[[ISINF:.*]] = arith.cmpf oeq, %[[NEW]]#0, %[[NEGINF]] : f32
// CHECK: %[[MUSE:.*]] = arith.select %[[ISINF]], %{{.*}}, %[[NEW]]#0 : f32
// CHECK: %[[SM:.*]] = arith.subf %[[S]], %[[MUSE]] : f32
// CHECK: %[[SMS:.*]] = arith.mulf %[[SM]], %[[SCALE]] : f32
// CHECK: %[[W:.*]] = math.exp %[[SMS]] : f32
// CHECK: memref.load %[[V]][%[[B]], %[[KVH]], %[[J]], %{{.*}}]
// CHECK: scf.yield %[[NEW]]#0, %{{.*}} : f32, f32
// An empty row (l = 0) gives out = 0 and lse = +inf.
// CHECK: %[[EMPTY:.*]] = arith.cmpf oeq, %[[STATE]]#1, %{{.*}} : f32
// CHECK: %[[DIV:.*]] = arith.select %[[EMPTY]], %{{.*}}, %[[STATE]]#1 : f32
// CHECK: arith.divf %{{.*}}, %[[DIV]] : f32
// CHECK: memref.store %{{.*}}, %[[OUT]][%[[B]], %[[H]], %[[I]], %{{.*}}]
// CHECK: %[[LOG:.*]] = math.log %[[DIV]] : f32
// CHECK: %[[MS:.*]] = arith.mulf %[[STATE]]#0, %[[SCALE]] : f32
// CHECK: %[[LSEV:.*]] = arith.addf %[[MS]], %[[LOG]] : f32
// CHECK: %[[LSESEL:.*]] = arith.select %[[EMPTY]], %[[POSINF]], %[[LSEV]] : f32
// CHECK: memref.store %[[LSESEL]], %[[LSE]][%[[B]], %[[H]], %[[I]]]
// CHECK-NOT: memref.dealloc
// CHECK: %[[T0:.*]] = bufferization.to_tensor %[[OUT]]
// CHECK: %[[T1:.*]] = bufferization.to_tensor %[[LSE]]
// CHECK: return %[[T0]], %[[T1]]
func.func @causal_gqa_lse(%q: tensor<2x8x16x4xf32>, %k: tensor<2x2x20x4xf32>, %v: tensor<2x2x20x3xf32>,
                          %o: tensor<2x8x16x3xf32>, %l: tensor<2x8x16xf32>)
    -> (tensor<2x8x16x3xf32>, tensor<2x8x16xf32>) {
  %r:2 = seq.attention ins(%q, %k, %v : tensor<2x8x16x4xf32>, tensor<2x2x20x4xf32>, tensor<2x2x20x3xf32>)
      outs(%o, %l : tensor<2x8x16x3xf32>, tensor<2x8x16xf32>) {mask = #seq.mask<causal>}
      -> tensor<2x8x16x3xf32>, tensor<2x8x16xf32>
  return %r#0, %r#1 : tensor<2x8x16x3xf32>, tensor<2x8x16xf32>
}

// No mask: all keys, no bounds arithmetic.
// CHECK-LABEL: func.func @no_mask
// CHECK-NOT: arith.minsi
// CHECK-NOT: arith.maxsi
// CHECK: scf.for %{{.*}} = %[[ZERO:.*]] to %[[LK:.*]] step %{{.*}} iter_args
// CHECK-NOT: seq.attention
func.func @no_mask(%q: tensor<1x2x8x4xf32>, %o: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>)
      outs(%o : tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %r : tensor<1x2x8x4xf32>
}

// Sliding window [3, 1]: positions [p - 3, p + 2), as key indices
// (minus the key position 0) clamped to [0, Lk).
// CHECK-LABEL: func.func @sliding_window
// CHECK: %[[P:.*]] = arith.addi
// CHECK: %[[PNEXT:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[LO0:.*]] = arith.subi %[[P]], %[[C3]] : index
// CHECK: %[[HI0:.*]] = arith.addi %[[PNEXT]], %{{.*}} : index
// CHECK: %[[LOK:.*]] = arith.subi %[[LO0]], %{{.*}} : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[LOK]], %{{.*}} : index
// CHECK: %[[HIK:.*]] = arith.subi %[[HI0]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[HIK]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[LO]] to %[[HI]] step %{{.*}} iter_args
func.func @sliding_window(%q: tensor<1x2x8x4xf32>, %o: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>)
      outs(%o : tensor<1x2x8x4xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 3, 1>} -> tensor<1x2x8x4xf32>
  return %r : tensor<1x2x8x4xf32>
}

// Unbounded window sides (-1) emit no bound: [-1, 2] is keys
// [0, min(p + 3, Lk)), [2, -1] is keys [max(p - 2, 0), Lk).
// CHECK-LABEL: func.func @sliding_window_unbounded
// CHECK: %[[P:.*]] = arith.addi
// CHECK: %[[PNEXT:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK-NOT: arith.subi %[[P]]
// CHECK: %[[HI0:.*]] = arith.addi %[[PNEXT]], %{{.*}} : index
// CHECK-NOT: arith.maxsi
// CHECK: %[[HIK:.*]] = arith.subi %[[HI0]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[HIK]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[HI]] step %{{.*}} iter_args
// CHECK: %[[P2:.*]] = arith.addi
// CHECK: %[[LO0:.*]] = arith.subi %[[P2]], %{{.*}} : index
// CHECK: %[[LOK:.*]] = arith.subi %[[LO0]], %{{.*}} : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[LOK]], %{{.*}} : index
// CHECK-NOT: arith.minsi
// CHECK: scf.for %{{.*}} = %[[LO]] to %{{.*}} step %{{.*}} iter_args
func.func @sliding_window_unbounded(%q: tensor<1x2x8x4xf32>, %o: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>)
      outs(%o : tensor<1x2x8x4xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: -1, 2>} -> tensor<1x2x8x4xf32>
  %r2 = seq.attention ins(%q, %q, %q : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>)
      outs(%o : tensor<1x2x8x4xf32>) {mask = #seq.mask<sliding_window>, window = array<i64: 2, -1>} -> tensor<1x2x8x4xf32>
  return %r2 : tensor<1x2x8x4xf32>
}

// Chunk-causal: keys [floor(p / c) * c, min(p + 1, Lk)).
// CHECK-LABEL: func.func @chunk_causal
// CHECK: %[[P:.*]] = arith.addi
// CHECK: %[[PNEXT:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK: %[[CHUNK:.*]] = arith.floordivsi %[[P]], %c3 : index
// CHECK: %[[START:.*]] = arith.muli %[[CHUNK]], %c3{{.*}} : index
// CHECK: %[[STARTK:.*]] = arith.subi %[[START]], %{{.*}} : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[STARTK]], %{{.*}} : index
// CHECK: %[[HIK:.*]] = arith.subi %[[PNEXT]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[HIK]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[LO]] to %[[HI]] step %{{.*}} iter_args
func.func @chunk_causal(%q: tensor<1x1x8x4xf32>, %o: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
      outs(%o : tensor<1x1x8x4xf32>) {mask = #seq.mask<chunk_causal>, chunk_size = 3 : i64} -> tensor<1x1x8x4xf32>
  return %r : tensor<1x1x8x4xf32>
}

// Chunk (bidirectional): keys [floor(p / c) * c, min(floor(p / c) * c + c, Lk)).
// CHECK-LABEL: func.func @chunk
// CHECK: %[[P:.*]] = arith.addi
// CHECK: %[[CHUNK:.*]] = arith.floordivsi %[[P]], %c3 : index
// CHECK: %[[START:.*]] = arith.muli %[[CHUNK]], %c3{{.*}} : index
// CHECK: %[[CHUNK1:.*]] = arith.floordivsi %[[P]], %c3{{.*}} : index
// CHECK: %[[START1:.*]] = arith.muli %[[CHUNK1]], %c3{{.*}} : index
// CHECK: %[[END:.*]] = arith.addi %[[START1]], %c3{{.*}} : index
// CHECK: %[[STARTK:.*]] = arith.subi %[[START]], %{{.*}} : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[STARTK]], %{{.*}} : index
// CHECK: %[[ENDK:.*]] = arith.subi %[[END]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[ENDK]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %[[LO]] to %[[HI]] step %{{.*}} iter_args
func.func @chunk(%q: tensor<1x1x8x4xf32>, %o: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
      outs(%o : tensor<1x1x8x4xf32>) {mask = #seq.mask<chunk>, chunk_size = 3 : i64} -> tensor<1x1x8x4xf32>
  return %r : tensor<1x1x8x4xf32>
}

// Prefix M: keys [0, min(max(p + 1, M), Lk)).
// CHECK-LABEL: func.func @prefix
// CHECK: %[[P:.*]] = arith.addi
// CHECK: %[[PNEXT:.*]] = arith.addi %[[P]], %{{.*}} : index
// CHECK: %[[M:.*]] = arith.constant 5 : index
// CHECK: %[[END:.*]] = arith.maxsi %[[PNEXT]], %[[M]] : index
// CHECK: %[[ENDK:.*]] = arith.subi %[[END]], %{{.*}} : index
// CHECK: %[[HI:.*]] = arith.minsi %[[ENDK]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[HI]] step %{{.*}} iter_args
func.func @prefix(%q: tensor<1x1x8x4xf32>, %o: tensor<1x1x8x4xf32>) -> tensor<1x1x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>, tensor<1x1x8x4xf32>)
      outs(%o : tensor<1x1x8x4xf32>) {mask = #seq.mask<prefix>, prefix_length = 5 : i64} -> tensor<1x1x8x4xf32>
  return %r : tensor<1x1x8x4xf32>
}

// The regions are inlined: mask_mod guards the key, score_mod maps the
// scaled score, and the max is taken on the modified score.
// CHECK-LABEL: func.func @modifiers
// CHECK: %[[SCALE:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: scf.for %[[B:.*]] = %{{.*}} to
// CHECK: scf.for %[[H:.*]] = %{{.*}} to
// CHECK: scf.for %[[I:.*]] = %{{.*}} to
// CHECK: scf.for %[[J:.*]] = %{{.*}} iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}})
// CHECK: %[[DOC_I:.*]] = arith.divui %[[I]], %{{.*}} : index
// CHECK: %[[DOC_J:.*]] = arith.divui %[[J]], %{{.*}} : index
// CHECK: %[[SAME:.*]] = arith.cmpi eq, %[[DOC_I]], %[[DOC_J]] : index
// CHECK: %[[R:.*]]:2 = scf.if %[[SAME]] -> (f32, f32)
// CHECK: %[[DOT:[0-9]+]] = scf.for
// CHECK: %[[SCALED:.*]] = arith.mulf %[[DOT]], %[[SCALE]] : f32
// CHECK: %[[CAP:.*]] = arith.constant 3.000000e+01 : f32
// CHECK: %[[X:.*]] = arith.divf %[[SCALED]], %[[CAP]] : f32
// CHECK: %[[T:.*]] = math.tanh %[[X]] : f32
// CHECK: %[[S:.*]] = arith.mulf %[[T]], %[[CAP]] : f32
// CHECK: arith.cmpf ogt, %[[S]], %[[M]] : f32
// Scaled units: exp takes the difference as is.
// CHECK: %[[D:.*]] = arith.subf %[[M]], %[[S]] : f32
// CHECK-NEXT: math.exp %[[D]] : f32
// CHECK: } else {
// CHECK-NEXT: scf.yield %[[M]], %[[L]] : f32, f32
// CHECK: scf.yield %[[R]]#0, %[[R]]#1 : f32, f32
// CHECK-NOT: seq.yield
// CHECK: return
func.func @modifiers(%q: tensor<1x2x8x16xf32>, %o: tensor<1x2x8x16xf32>) -> tensor<1x2x8x16xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>, tensor<1x2x8x16xf32>)
      outs(%o : tensor<1x2x8x16xf32>) {mask = #seq.mask<causal>}
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %c = arith.constant 30.0 : f32
        %d = arith.divf %s, %c : f32
        %t = math.tanh %d : f32
        %x = arith.mulf %t, %c : f32
        seq.yield %x : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %c4 = arith.constant 4 : index
        %di = arith.divui %i, %c4 : index
        %dj = arith.divui %j, %c4 : index
        %same = arith.cmpi eq, %di, %dj : index
        seq.yield %same : i1
      }
      -> tensor<1x2x8x16xf32>
  return %r : tensor<1x2x8x16xf32>
}

// Values captured by the regions are used in place: the per-head slope and
// the key-padding flag are read with tensor.extract inside the key loop
// (bufferization turns them into loads; the LLVM run checks that).
// CHECK-LABEL: func.func @captures
// CHECK-SAME: (%[[Q:.*]]: tensor<2x2x8x4xf32>, %[[SLOPES:.*]]: tensor<2xf32>, %[[VALID:.*]]: tensor<2x8xi1>
// CHECK: scf.for %[[B:.*]] = %{{.*}} to
// CHECK: scf.for %[[H:.*]] = %{{.*}} to
// CHECK: scf.for %[[I:.*]] = %{{.*}} to
// CHECK: scf.for %[[J:.*]] = %{{.*}} iter_args
// CHECK: %[[OK:.*]] = tensor.extract %[[VALID]][%[[B]], %[[J]]] : tensor<2x8xi1>
// CHECK: scf.if %[[OK]]
// CHECK: %[[SLOPE:.*]] = tensor.extract %[[SLOPES]][%[[H]]] : tensor<2xf32>
// CHECK: arith.mulf %[[SLOPE]], %{{.*}} : f32
func.func @captures(%q: tensor<2x2x8x4xf32>, %slopes: tensor<2xf32>,
                    %valid: tensor<2x8xi1>, %o: tensor<2x2x8x4xf32>) -> tensor<2x2x8x4xf32> {
  %r = seq.attention ins(%q, %q, %q : tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>, tensor<2x2x8x4xf32>)
      outs(%o : tensor<2x2x8x4xf32>) {mask = #seq.mask<causal>}
      score_mod {
      ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
        %slope = tensor.extract %slopes[%h] : tensor<2xf32>
        %d = arith.subi %i, %j : index
        %di = arith.index_cast %d : index to i64
        %df = arith.sitofp %di : i64 to f32
        %bias = arith.mulf %slope, %df : f32
        %x = arith.subf %s, %bias : f32
        seq.yield %x : f32
      }
      mask_mod {
      ^bb0(%b: index, %h: index, %i: index, %j: index):
        %ok = tensor.extract %valid[%b, %j] : tensor<2x8xi1>
        seq.yield %ok : i1
      } -> tensor<2x2x8x4xf32>
  return %r : tensor<2x2x8x4xf32>
}

// f16 is computed in f32; a negative scale keeps scores in scaled units.
// CHECK-LABEL: func.func @f16_negative_scale
// CHECK: %[[SCALE:.*]] = arith.constant -5.000000e-01 : f32
// CHECK: memref.alloc() : memref<4xf32>
// CHECK: %[[DOT:[0-9]+]] = scf.for
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: %[[S:.*]] = arith.mulf %[[DOT]], %[[SCALE]] : f32
// CHECK: arith.cmpf ogt, %[[S]], %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
func.func @f16_negative_scale(%q: tensor<1x1x8x4xf16>, %o: tensor<1x1x8x4xf16>) -> tensor<1x1x8x4xf16> {
  %r = seq.attention ins(%q, %q, %q : tensor<1x1x8x4xf16>, tensor<1x1x8x4xf16>, tensor<1x1x8x4xf16>)
      outs(%o : tensor<1x1x8x4xf16>) {scale = -0.5 : f64} -> tensor<1x1x8x4xf16>
  return %r : tensor<1x1x8x4xf16>
}

// Dynamic shapes: the default scale 1/sqrt(E) is computed at run time.
// CHECK-LABEL: func.func @dynamic
// CHECK: %[[OUT:.*]] = memref.alloc(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : memref<?x?x?x?xf64>
// CHECK: %[[EI:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[EF:.*]] = arith.sitofp %[[EI]] : i64 to f64
// CHECK: %[[SCALE:.*]] = math.rsqrt %[[EF]] : f64
// CHECK: memref.alloc(%{{.*}}) : memref<?xf64>
// CHECK: arith.mulf %{{.*}}, %[[SCALE]] : f64
func.func @dynamic(%q: tensor<?x?x?x?xf64>, %k: tensor<?x?x?x?xf64>, %v: tensor<?x?x?x?xf64>,
                   %o: tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64> {
  %r = seq.attention ins(%q, %k, %v : tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>, tensor<?x?x?x?xf64>)
      outs(%o : tensor<?x?x?x?xf64>) -> tensor<?x?x?x?xf64>
  return %r : tensor<?x?x?x?xf64>
}

//===----------------------------------------------------------------------===//
// seq.compose_heads
//===----------------------------------------------------------------------===//

// Every term: per (b, t, s) the column A[b, :, t, s] is staged, the rank-R
// projections are formed once, then each output head sums its terms.
// CHECK-LABEL: func.func @compose_all
// CHECK-DAG: %[[A:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[W:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG: %[[QW1:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK-DAG: %[[QW2:.*]] = bufferization.to_buffer %arg3 read_only
// CHECK-DAG: %[[KW1:.*]] = bufferization.to_buffer %arg4 read_only
// CHECK-DAG: %[[KW2:.*]] = bufferization.to_buffer %arg5 read_only
// CHECK-DAG: %[[QDD:.*]] = bufferization.to_buffer %arg6 read_only
// CHECK-DAG: %[[KDD:.*]] = bufferization.to_buffer %arg7 read_only
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<2x4x5x6xbf16>
// CHECK: %[[COL:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[QP:.*]] = memref.alloc() : memref<2xf32>
// CHECK: %[[KP:.*]] = memref.alloc() : memref<3xf32>
// CHECK: scf.for %[[B:.*]] = %{{.*}} to
// CHECK: scf.for %[[T:.*]] = %{{.*}} to
// CHECK: scf.for %[[S:.*]] = %{{.*}} to
// CHECK: scf.for %[[N:.*]] = %{{.*}} to
// CHECK: memref.load %[[A]][%[[B]], %[[N]], %[[T]], %[[S]]] : memref<2x4x5x6xbf16>
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: memref.store %{{.*}}, %[[COL]][%[[N]]]
// CHECK: scf.for %[[R:.*]] = %{{.*}} to
// CHECK: memref.load %[[QW1]][%[[B]], %[[T]], %[[R]], %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[QP]][%[[R]]]
// CHECK: scf.for %[[R2:.*]] = %{{.*}} to
// CHECK: memref.load %[[KW1]][%[[B]], %[[S]], %[[R2]], %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[KP]][%[[R2]]]
// CHECK: scf.for %[[M:.*]] = %{{.*}} to
// CHECK: %[[AM:.*]] = memref.load %[[COL]][%[[M]]]
// CHECK: memref.load %[[W]][%{{.*}}, %[[M]]]
// CHECK: memref.load %[[QW2]][%[[B]], %[[T]], %{{.*}}, %[[M]]]
// CHECK: memref.load %[[KW2]][%[[B]], %[[S]], %{{.*}}, %[[M]]]
// CHECK: memref.load %[[QDD]][%[[B]], %[[T]], %[[M]]]
// CHECK: arith.mulf %[[AM]], %{{.*}} : f32
// CHECK: memref.load %[[KDD]][%[[B]], %[[S]], %[[M]]]
// CHECK: arith.mulf %[[AM]], %{{.*}} : f32
// CHECK: %[[RES:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: memref.store %[[RES]], %[[OUT]][%[[B]], %[[M]], %[[T]], %[[S]]]
// CHECK: bufferization.to_tensor %[[OUT]]
func.func @compose_all(%a: tensor<2x4x5x6xbf16>, %w: tensor<4x4xbf16>,
                       %qw1: tensor<2x5x2x4xbf16>, %qw2: tensor<2x5x2x4xbf16>,
                       %kw1: tensor<2x6x3x4xbf16>, %kw2: tensor<2x6x3x4xbf16>,
                       %qdd: tensor<2x5x4xbf16>, %kdd: tensor<2x6x4xbf16>) -> tensor<2x4x5x6xbf16> {
  %r = seq.compose_heads ins(%a : tensor<2x4x5x6xbf16>) static(%w : tensor<4x4xbf16>)
      query_w(%qw1, %qw2 : tensor<2x5x2x4xbf16>, tensor<2x5x2x4xbf16>)
      key_w(%kw1, %kw2 : tensor<2x6x3x4xbf16>, tensor<2x6x3x4xbf16>)
      query_gate(%qdd : tensor<2x5x4xbf16>) key_gate(%kdd : tensor<2x6x4xbf16>)
      outs(%a : tensor<2x4x5x6xbf16>) -> tensor<2x4x5x6xbf16>
  return %r : tensor<2x4x5x6xbf16>
}

// No optional term: out = A.
// CHECK-LABEL: func.func @compose_identity
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<1x2x3x3xf32>
// CHECK: %[[COL:.*]] = memref.alloc() : memref<2xf32>
// CHECK: memref.store %{{.*}}, %[[COL]]
// CHECK: %[[X:.*]] = memref.load %[[COL]][%[[M:.*]]]
// CHECK-NEXT: memref.store %[[X]], %[[OUT]][%{{.*}}, %[[M]], %{{.*}}, %{{.*}}]
// CHECK-NOT: seq.compose_heads
func.func @compose_identity(%a: tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %r = seq.compose_heads ins(%a : tensor<1x2x3x3xf32>) outs(%a : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %r : tensor<1x2x3x3xf32>
}

// Dynamic shapes: the head count and the rank R come from the buffers.
// CHECK-LABEL: func.func @compose_dynamic
// CHECK-DAG: %[[A:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[KW1:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK: %[[H:.*]] = memref.dim %[[A]], %c1{{(_[0-9]+)?}} : memref<?x?x?x?xf32>
// CHECK: memref.alloc(%[[H]]) : memref<?xf32>
// CHECK: %[[R:.*]] = memref.dim %[[KW1]], %{{.*}} : memref<?x?x?x?xf32>
// CHECK: %[[KP:.*]] = memref.alloc(%[[R]]) : memref<?xf32>
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[R]] step
// CHECK: memref.store %{{.*}}, %[[KP]]
func.func @compose_dynamic(%a: tensor<?x?x?x?xf32>, %kw1: tensor<?x?x?x?xf32>,
                           %kw2: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %r = seq.compose_heads ins(%a : tensor<?x?x?x?xf32>)
      key_w(%kw1, %kw2 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
      outs(%a : tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}
