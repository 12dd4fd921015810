// RUN: seq-opt %s --convert-seq-to-loops | FileCheck %s
// RUN: seq-opt %s --seq-to-cpu=reference=1 | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not=seq. --implicit-check-not=scf. \
// RUN:   --implicit-check-not=memref. --implicit-check-not=math.

//===----------------------------------------------------------------------===//
// seq.linear_attention
//===----------------------------------------------------------------------===//

// Raw: per (b, h) an F x Ev state and an Ev numerator in scratch; per step,
// row f of S is updated and q[f] * S[f, :] accumulated in the same pass.
// CHECK-LABEL: func.func @linear_attention_raw
// CHECK-DAG:     %[[Q:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG:     %[[K:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG:     %[[V:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK:         %[[OUT:.*]] = memref.alloc() : memref<1x2x8x3xf32>
// CHECK:         %[[S:.*]] = memref.alloc() : memref<4x3xf32>
// CHECK:         %[[NUM:.*]] = memref.alloc() : memref<3xf32>
// CHECK:         %[[SCALE:.*]] = arith.constant 5.000000e-01 : f32
// CHECK:         scf.for %[[B:.*]] = {{.*}} {
// CHECK:           scf.for %[[H:.*]] = {{.*}} {
// CHECK:             memref.store {{.*}}, %[[S]]
// CHECK:             scf.for %[[T:.*]] = {{.*}} {
// CHECK:               memref.store {{.*}}, %[[NUM]]
// CHECK:               scf.for %[[F:.*]] = {{.*}} {
// CHECK:                 %[[QF:.*]] = memref.load %[[Q]][%[[B]], %[[H]], %[[T]], %[[F]]]
// CHECK:                 %[[KF:.*]] = memref.load %[[K]][%[[B]], %[[H]], %[[T]], %[[F]]]
// CHECK-NOT:             math.exp
// CHECK:                 scf.for %[[E:.*]] = {{.*}} {
// CHECK:                   %[[VE:.*]] = memref.load %[[V]][%[[B]], %[[H]], %[[T]], %[[E]]]
// CHECK:                   %[[OLD:.*]] = memref.load %[[S]][%[[F]], %[[E]]]
// CHECK:                   %[[KV:.*]] = arith.mulf %[[KF]], %[[VE]]
// CHECK:                   %[[NEW:.*]] = arith.addf %[[KV]], %[[OLD]]
// CHECK:                   memref.store %[[NEW]], %[[S]][%[[F]], %[[E]]]
// CHECK:                   arith.mulf %[[QF]], %[[NEW]]
// CHECK:                   memref.store {{.*}}, %[[NUM]][%[[E]]]
// CHECK:               scf.for %[[E2:.*]] = {{.*}} {
// CHECK:                 %[[N:.*]] = memref.load %[[NUM]][%[[E2]]]
// CHECK:                 %[[O:.*]] = arith.mulf %[[SCALE]], %[[N]]
// CHECK:                 memref.store %[[O]], %[[OUT]][%[[B]], %[[H]], %[[T]], %[[E2]]]
// CHECK:         bufferization.to_tensor %[[OUT]]
// LLVM-LABEL:  llvm.func @linear_attention_raw
func.func @linear_attention_raw(%q: tensor<1x2x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x3xf32>, %o: tensor<1x2x8x3xf32>) -> tensor<1x2x8x3xf32> {
  %r = seq.linear_attention ins(%q, %k, %v : tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x3xf32>)
      outs(%o : tensor<1x2x8x3xf32>) {scale = 5.000000e-01 : f64} -> tensor<1x2x8x3xf32>
  return %r : tensor<1x2x8x3xf32>
}

// Per-head decay: one exp per step, outside the loop over F.
// CHECK-LABEL: func.func @linear_attention_per_head_decay
// CHECK:         %[[G:.*]] = bufferization.to_buffer %arg3 read_only : tensor<2x3x5xf32>
// CHECK:         scf.for %[[T:.*]] = %{{.*}} to %c5
// CHECK:           %[[LD:.*]] = memref.load %[[G]][%{{.*}}, %{{.*}}, %[[T]]]
// CHECK:           %[[DECAY:.*]] = math.exp %[[LD]] : f32
// CHECK:           scf.for
// CHECK-NOT:         math.exp
// CHECK:             scf.for
// CHECK:               arith.mulf %[[DECAY]], %{{.*}} : f32
// LLVM-LABEL:  llvm.func @linear_attention_per_head_decay
func.func @linear_attention_per_head_decay(%q: tensor<2x3x5x4xf32>, %k: tensor<2x3x5x4xf32>, %v: tensor<2x3x5x6xf32>, %g: tensor<2x3x5xf32>, %o: tensor<2x3x5x6xf32>) -> tensor<2x3x5x6xf32> {
  %r = seq.linear_attention ins(%q, %k, %v : tensor<2x3x5x4xf32>, tensor<2x3x5x4xf32>, tensor<2x3x5x6xf32>)
      log_decay(%g : tensor<2x3x5xf32>) outs(%o : tensor<2x3x5x6xf32>) -> tensor<2x3x5x6xf32>
  return %r : tensor<2x3x5x6xf32>
}

// Per-key decay, bf16 data with an f32 state: exp per (t, f); the initial
// state is loaded into the scratch state and the final state copied out.
// CHECK-LABEL: func.func @linear_attention_per_key_decay
// CHECK-DAG:     %[[G:.*]] = bufferization.to_buffer %arg3 read_only : tensor<1x2x8x4xf32>
// CHECK-DAG:     %[[S0:.*]] = bufferization.to_buffer %arg4 read_only : tensor<1x2x4x3xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc() : memref<1x2x8x3xbf16>
// CHECK:         %[[FINAL:.*]] = memref.alloc() : memref<1x2x4x3xf32>
// CHECK:         %[[S:.*]] = memref.alloc() : memref<4x3xf32>
// CHECK:         memref.load %[[S0]]
// CHECK:         memref.store {{.*}}, %[[S]]
// CHECK:         scf.for %[[T:.*]] = {{.*}} {
// CHECK:           scf.for %[[F:.*]] = {{.*}} {
// CHECK:             arith.extf {{.*}} : bf16 to f32
// CHECK:             %[[LD:.*]] = memref.load %[[G]][%{{.*}}, %{{.*}}, %[[T]], %[[F]]]
// CHECK:             %[[DECAY:.*]] = math.exp %[[LD]] : f32
// CHECK:             scf.for
// CHECK:               arith.mulf %[[DECAY]], %{{.*}} : f32
// CHECK:           arith.truncf {{.*}} : f32 to bf16
// CHECK:           memref.store {{.*}}, %[[OUT]]
// CHECK:         memref.load %[[S]]
// CHECK:         memref.store {{.*}}, %[[FINAL]]
// CHECK:         bufferization.to_tensor %[[OUT]]
// CHECK:         bufferization.to_tensor %[[FINAL]]
// LLVM-LABEL:  llvm.func @linear_attention_per_key_decay
func.func @linear_attention_per_key_decay(%q: tensor<1x2x8x4xbf16>, %k: tensor<1x2x8x4xbf16>, %v: tensor<1x2x8x3xbf16>, %g: tensor<1x2x8x4xf32>, %s0: tensor<1x2x4x3xf32>, %o: tensor<1x2x8x3xbf16>, %s: tensor<1x2x4x3xf32>) -> (tensor<1x2x8x3xbf16>, tensor<1x2x4x3xf32>) {
  %r:2 = seq.linear_attention ins(%q, %k, %v : tensor<1x2x8x4xbf16>, tensor<1x2x8x4xbf16>, tensor<1x2x8x3xbf16>)
      log_decay(%g : tensor<1x2x8x4xf32>) initial_state(%s0 : tensor<1x2x4x3xf32>)
      outs(%o, %s : tensor<1x2x8x3xbf16>, tensor<1x2x4x3xf32>) -> tensor<1x2x8x3xbf16>, tensor<1x2x4x3xf32>
  return %r#0, %r#1 : tensor<1x2x8x3xbf16>, tensor<1x2x4x3xf32>
}

// Normalized with a prefix (JRT-RNN), in f64: the prefix is summed into S and
// z before the causal loop; q . z is carried through the loop over F and the
// output divided by scale * q . z + eps.
// CHECK-LABEL: func.func @linear_attention_prefix_normalized
// CHECK-DAG:     %[[PK:.*]] = bufferization.to_buffer %arg3 read_only : tensor<1x2x3x4xf64>
// CHECK-DAG:     %[[PV:.*]] = bufferization.to_buffer %arg4 read_only : tensor<1x2x3x5xf64>
// CHECK:         %[[S:.*]] = memref.alloc() : memref<4x5xf64>
// CHECK:         %[[Z:.*]] = memref.alloc() : memref<4xf64>
// CHECK:         %[[NUM:.*]] = memref.alloc() : memref<5xf64>
// CHECK-DAG:     %[[SCALE:.*]] = arith.constant 2.500000e-01 : f64
// CHECK-DAG:     %[[EPS:.*]] = arith.constant 9.9999999999999995E-7 : f64
// CHECK:         scf.for %[[J:.*]] = %{{.*}} to %c3
// CHECK-NEXT:      scf.for %[[F:.*]] = %{{.*}} to %c4
// CHECK:             %[[KJ:.*]] = memref.load %[[PK]][%{{.*}}, %{{.*}}, %[[J]], %[[F]]]
// CHECK:             %[[ZF:.*]] = memref.load %[[Z]][%[[F]]]
// CHECK:             arith.addf %[[ZF]], %[[KJ]]
// CHECK:             scf.for %[[E:.*]] =
// CHECK:               memref.load %[[PV]][%{{.*}}, %{{.*}}, %[[J]], %[[E]]]
// CHECK:         scf.for %[[T:.*]] = %{{.*}} to %c7
// CHECK:           %[[DEN:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f64) {
// CHECK:             scf.yield
// CHECK:           %[[D:.*]] = arith.mulf %[[SCALE]], %[[DEN]] : f64
// CHECK:           %[[DE:.*]] = arith.addf %[[D]], %[[EPS]] : f64
// CHECK:           scf.for
// CHECK:             %[[N:.*]] = arith.mulf %[[SCALE]], %{{.*}} : f64
// CHECK:             arith.divf %[[N]], %[[DE]] : f64
// LLVM-LABEL:  llvm.func @linear_attention_prefix_normalized
func.func @linear_attention_prefix_normalized(%q: tensor<1x2x7x4xf64>, %k: tensor<1x2x7x4xf64>, %v: tensor<1x2x7x5xf64>, %pk: tensor<1x2x3x4xf64>, %pv: tensor<1x2x3x5xf64>, %o: tensor<1x2x7x5xf64>) -> tensor<1x2x7x5xf64> {
  %r = seq.linear_attention ins(%q, %k, %v : tensor<1x2x7x4xf64>, tensor<1x2x7x4xf64>, tensor<1x2x7x5xf64>)
      prefix_key(%pk : tensor<1x2x3x4xf64>) prefix_value(%pv : tensor<1x2x3x5xf64>)
      outs(%o : tensor<1x2x7x5xf64>) {normalize, scale = 2.500000e-01 : f64, eps = 1.000000e-06 : f64} -> tensor<1x2x7x5xf64>
  return %r : tensor<1x2x7x5xf64>
}

// Carried state and normalizer in and out, dynamic sizes: the scratch state
// is sized from the operands at run time.
// CHECK-LABEL: func.func @linear_attention_state_dynamic
// CHECK:         %[[Z0:.*]] = bufferization.to_buffer %arg4 read_only : tensor<?x?x?xf32>
// CHECK:         %[[OUT:.*]] = memref.alloc({{.*}}) : memref<?x?x?x?xf32>
// CHECK:         %[[FS:.*]] = memref.alloc({{.*}}) : memref<?x?x?x?xf32>
// CHECK:         %[[FZ:.*]] = memref.alloc({{.*}}) : memref<?x?x?xf32>
// CHECK:         %[[F:.*]] = memref.dim %{{.*}}, %c3{{.*}} : memref<?x?x?x?xf32>
// CHECK:         %[[S:.*]] = memref.alloc(%[[F]], %{{.*}}) : memref<?x?xf32>
// CHECK:         %[[Z:.*]] = memref.alloc(%[[F]]) : memref<?xf32>
// CHECK:         memref.load %[[Z0]]
// CHECK:         memref.store {{.*}}, %[[Z]]
// CHECK:         memref.store {{.*}}, %[[FS]]
// CHECK:         memref.load %[[Z]]
// CHECK:         memref.store {{.*}}, %[[FZ]]
// LLVM-LABEL:  llvm.func @linear_attention_state_dynamic
func.func @linear_attention_state_dynamic(%q: tensor<?x?x?x?xf32>, %k: tensor<?x?x?x?xf32>, %v: tensor<?x?x?x?xf32>, %s0: tensor<?x?x?x?xf32>, %z0: tensor<?x?x?xf32>, %o: tensor<?x?x?x?xf32>, %s: tensor<?x?x?x?xf32>, %z: tensor<?x?x?xf32>) -> (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {
  %r:3 = seq.linear_attention ins(%q, %k, %v : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>)
      initial_state(%s0 : tensor<?x?x?x?xf32>) initial_normalizer(%z0 : tensor<?x?x?xf32>)
      outs(%o, %s, %z : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?xf32>) {normalize}
      -> tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
  return %r#0, %r#1, %r#2 : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>, tensor<?x?x?xf32>
}

//===----------------------------------------------------------------------===//
// seq.feature_map
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @feature_map_relu
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             %[[X:.*]] = arith.extf {{.*}} : f16 to f32
// CHECK:             %[[Y:.*]] = arith.maximumf %[[X]], %{{.*}} : f32
// CHECK:             arith.truncf %[[Y]] : f32 to f16
// LLVM-LABEL:  llvm.func @feature_map_relu
func.func @feature_map_relu(%x: tensor<3x5xf16>, %o: tensor<3x5xf16>) -> tensor<3x5xf16> {
  %r = seq.feature_map <relu> ins(%x : tensor<3x5xf16>) outs(%o : tensor<3x5xf16>) -> tensor<3x5xf16>
  return %r : tensor<3x5xf16>
}

// elu(x) + 1 = x + 1 for x > 0, exp(x) otherwise.
// CHECK-LABEL: func.func @feature_map_elu_plus_one
// CHECK:         %[[X:.*]] = memref.load
// CHECK:         %[[POS:.*]] = arith.cmpf ogt, %[[X]], %{{.*}} : f32
// CHECK:         %[[SHIFT:.*]] = arith.addf %[[X]], %{{.*}} : f32
// CHECK:         %[[EXP:.*]] = math.exp %[[X]] : f32
// CHECK:         arith.select %[[POS]], %[[SHIFT]], %[[EXP]] : f32
// LLVM-LABEL:  llvm.func @feature_map_elu_plus_one
func.func @feature_map_elu_plus_one(%x: tensor<2x3x4xf32>, %o: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %r = seq.feature_map <elu_plus_one> ins(%x : tensor<2x3x4xf32>) outs(%o : tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// CHECK-LABEL: func.func @feature_map_identity
// CHECK:         scf.for
// CHECK:           %[[X:.*]] = memref.load
// CHECK-NEXT:      memref.store %[[X]]
// LLVM-LABEL:  llvm.func @feature_map_identity
func.func @feature_map_identity(%x: tensor<7xf64>, %o: tensor<7xf64>) -> tensor<7xf64> {
  %r = seq.feature_map <identity> ins(%x : tensor<7xf64>) outs(%o : tensor<7xf64>) -> tensor<7xf64>
  return %r : tensor<7xf64>
}

// taylor2 with d = 4: out[0] = 1, out[1 + i] = x_i / 4^(1/4),
// out[5 + 4 i + j] = x_i x_j / (sqrt(2) sqrt(4)).
// CHECK-LABEL: func.func @feature_map_taylor2
// CHECK-DAG:     %[[OUT:.*]] = memref.alloc() : memref<2x3x21xf32>
// CHECK-DAG:     %[[ROOT:.*]] = arith.constant 1.41421354 : f32
// CHECK-DAG:     %[[QUAD:.*]] = arith.constant 2.82842708 : f32
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK:         scf.for %[[R0:.*]] =
// CHECK:           scf.for %[[R1:.*]] =
// CHECK:             memref.store %[[ONE]], %[[OUT]][%[[R0]], %[[R1]], %c0{{.*}}]
// CHECK:             scf.for %[[I:.*]] =
// CHECK:               %[[XI:.*]] = memref.load %{{.*}}[%[[R0]], %[[R1]], %[[I]]]
// CHECK:               arith.divf %[[XI]], %[[ROOT]] : f32
// CHECK:               scf.for %[[J:.*]] =
// CHECK:                 %[[XJ:.*]] = memref.load %{{.*}}[%[[R0]], %[[R1]], %[[J]]]
// CHECK:                 %[[P:.*]] = arith.mulf %[[XI]], %[[XJ]] : f32
// CHECK:                 arith.divf %[[P]], %[[QUAD]] : f32
// LLVM-LABEL:  llvm.func @feature_map_taylor2
func.func @feature_map_taylor2(%x: tensor<2x3x4xf32>, %o: tensor<2x3x21xf32>) -> tensor<2x3x21xf32> {
  %r = seq.feature_map <taylor2> ins(%x : tensor<2x3x4xf32>) outs(%o : tensor<2x3x21xf32>) -> tensor<2x3x21xf32>
  return %r : tensor<2x3x21xf32>
}

// Dynamic d: the taylor2 divisors are computed at run time in f64.
// CHECK-LABEL: func.func @feature_map_taylor2_dynamic
// CHECK:         %[[D:.*]] = memref.dim %{{.*}}, %c1
// CHECK:         %[[DI:.*]] = arith.index_cast %[[D]] : index to i64
// CHECK:         %[[DF:.*]] = arith.sitofp %[[DI]] : i64 to f64
// CHECK:         %[[SQRT:.*]] = math.sqrt %[[DF]] : f64
// CHECK:         math.sqrt %[[SQRT]] : f64
// LLVM-LABEL:  llvm.func @feature_map_taylor2_dynamic
func.func @feature_map_taylor2_dynamic(%x: tensor<?x?xf32>, %o: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = seq.feature_map <taylor2> ins(%x : tensor<?x?xf32>) outs(%o : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

//===----------------------------------------------------------------------===//
// seq.rotary
//===----------------------------------------------------------------------===//

// Interleaved pairs (2j, 2j + 1): a cos/sin table over (L, d/2) computed in
// f64, then one rotation per pair.
// CHECK-LABEL: func.func @rotary_interleaved
// CHECK-DAG:     %[[OUT:.*]] = memref.alloc() : memref<1x2x6x8xf32>
// CHECK-DAG:     %[[COS:.*]] = memref.alloc() : memref<6x4xf32>
// CHECK-DAG:     %[[SIN:.*]] = memref.alloc() : memref<6x4xf32>
// CHECK:         scf.for %[[L:.*]] = {{.*}} to %c6
// CHECK-NEXT:      scf.for %[[J:.*]] = {{.*}} to %c4
// CHECK-NOT:         arith.remui
// CHECK:             %[[FREQ:.*]] = math.powf %{{.*}}, %{{.*}} : f64
// CHECK:             %[[THETA:.*]] = arith.mulf %{{.*}}, %[[FREQ]] : f64
// CHECK:             %[[C:.*]] = math.cos %[[THETA]] : f64
// CHECK:             arith.truncf %[[C]] : f64 to f32
// CHECK:             memref.store {{.*}}, %[[COS]][%[[L]], %[[J]]]
// CHECK:             math.sin %[[THETA]] : f64
// CHECK:             memref.store {{.*}}, %[[SIN]][%[[L]], %[[J]]]
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for %[[P:.*]] =
// CHECK:                 %[[A:.*]] = arith.muli %[[P]], %c2
// CHECK:                 %[[B:.*]] = arith.addi %[[A]], %c1
// CHECK:                 memref.store {{.*}}, %[[OUT]][{{.*}}, %[[A]]]
// CHECK:                 memref.store {{.*}}, %[[OUT]][{{.*}}, %[[B]]]
// LLVM-LABEL:  llvm.func @rotary_interleaved
func.func @rotary_interleaved(%x: tensor<1x2x6x8xf32>, %o: tensor<1x2x6x8xf32>) -> tensor<1x2x6x8xf32> {
  %r = seq.rotary ins(%x : tensor<1x2x6x8xf32>) outs(%o : tensor<1x2x6x8xf32>) -> tensor<1x2x6x8xf32>
  return %r : tensor<1x2x6x8xf32>
}

// Halves pairs (j, j + d/2), offset and chunk restarts: pos = (offset + l)
// mod chunk_size, with the base from the attribute.
// CHECK-LABEL: func.func @rotary_halves_chunked
// CHECK-DAG:     %[[OFF:.*]] = arith.constant 7 : index
// CHECK-DAG:     %[[CHUNK:.*]] = arith.constant 4 : index
// CHECK-DAG:     %[[BASE:.*]] = arith.constant 5.000000e+05 : f64
// CHECK:         scf.for %[[L:.*]] =
// CHECK:           scf.for
// CHECK:             %[[POS0:.*]] = arith.addi %[[OFF]], %[[L]] : index
// CHECK:             %[[POS:.*]] = arith.remui %[[POS0]], %[[CHUNK]] : index
// CHECK:             math.powf %[[BASE]], %{{.*}} : f64
// CHECK:             arith.index_cast %[[POS]]
// CHECK:         scf.for
// CHECK:           scf.for %[[P:.*]] =
// CHECK:             %[[B:.*]] = arith.addi %[[P]], %c3
// CHECK:             %[[XA:.*]] = memref.load %{{.*}}[%{{.*}}, %[[P]]] : memref<5x6xbf16>
// CHECK:             %[[XB:.*]] = memref.load %{{.*}}[%{{.*}}, %[[B]]] : memref<5x6xbf16>
// CHECK:             arith.subf
// CHECK:             arith.truncf {{.*}} : f32 to bf16
// LLVM-LABEL:  llvm.func @rotary_halves_chunked
func.func @rotary_halves_chunked(%x: tensor<5x6xbf16>, %o: tensor<5x6xbf16>) -> tensor<5x6xbf16> {
  %r = seq.rotary ins(%x : tensor<5x6xbf16>) outs(%o : tensor<5x6xbf16>)
      {base = 5.000000e+05 : f64, position_offset = 7 : i64, chunk_size = 4 : i64,
       pairing = #seq.rotary_pairing<halves>} -> tensor<5x6xbf16>
  return %r : tensor<5x6xbf16>
}

// Dynamic shapes: d/2 at run time, table sized (L, d/2).
// CHECK-LABEL: func.func @rotary_dynamic
// CHECK:         %[[L:.*]] = memref.dim %{{.*}}, %c1
// CHECK:         %[[D:.*]] = memref.dim %{{.*}}, %c2
// CHECK:         %[[HALF:.*]] = arith.divui %[[D]], %c2
// CHECK:         memref.alloc(%[[L]], %[[HALF]]) : memref<?x?xf64>
// LLVM-LABEL:  llvm.func @rotary_dynamic
func.func @rotary_dynamic(%x: tensor<?x?x?xf64>, %o: tensor<?x?x?xf64>) -> tensor<?x?x?xf64> {
  %r = seq.rotary ins(%x : tensor<?x?x?xf64>) outs(%o : tensor<?x?x?xf64>) -> tensor<?x?x?xf64>
  return %r : tensor<?x?x?xf64>
}
