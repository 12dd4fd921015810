// RUN: seq-opt %s --convert-seq-to-loops | FileCheck %s
// RUN: seq-opt %s --seq-to-cpu=reference=1 | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not=seq. --implicit-check-not=scf. \
// RUN:   --implicit-check-not=memref. --implicit-check-not=complex.

// Reference lowering of seq.scan, seq.ema and seq.timestep_norm: loops over
// the independent positions around an scf.for over time that carries the
// state. The numerics are checked by test/Integration/recurrences.

// LLVM: llvm.func @scan_forward
// LLVM: llvm.func @scan_reverse_complex
// LLVM: llvm.func @scan_f16_dynamic
// LLVM: llvm.fpext
// LLVM: llvm.fptrunc
// LLVM: llvm.func @ema_damped
// LLVM: llvm.intr.exp
// The scratch buffers are freed by the pipeline's buffer deallocation.
// LLVM-COUNT-4: llvm.call @free
// LLVM: llvm.func @ema_complex
// LLVM: llvm.intr.cos
// LLVM: llvm.intr.sin
// LLVM: llvm.func @timestep_norm
// LLVM: llvm.intr.sqrt
// LLVM: llvm.func @timestep_norm_carried

//===----------------------------------------------------------------------===//
// seq.scan
//===----------------------------------------------------------------------===//

// Rank 2 (no state dims), no initial: h starts at 0.
// CHECK-LABEL: func.func @scan_forward
// CHECK-DAG: %[[A:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[B:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG: %[[S:.*]] = memref.alloc() : memref<2x16xf32>
// CHECK-NOT: arith.subi
// CHECK: scf.for %[[BI:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[H:.*]] = %[[ZERO]]) -> (f32)
// CHECK: %[[AT:.*]] = memref.load %[[A]][%[[BI]], %[[T]]]
// CHECK: %[[BT:.*]] = memref.load %[[B]][%[[BI]], %[[T]]]
// CHECK: %[[AH:.*]] = arith.mulf %[[AT]], %[[H]] : f32
// CHECK: %[[NEXT:.*]] = arith.addf %[[AH]], %[[BT]] : f32
// CHECK: memref.store %[[NEXT]], %[[S]][%[[BI]], %[[T]]]
// CHECK: scf.yield %[[NEXT]] : f32
// CHECK: bufferization.to_tensor %[[S]]
func.func @scan_forward(%a: tensor<2x16xf32>, %b: tensor<2x16xf32>) -> tensor<2x16xf32> {
  %s0 = tensor.empty() : tensor<2x16xf32>
  %s = seq.scan ins(%a, %b : tensor<2x16xf32>, tensor<2x16xf32>)
      outs(%s0 : tensor<2x16xf32>) -> tensor<2x16xf32>
  return %s : tensor<2x16xf32>
}

// Complex, state shape (3, 4), reverse, initial and final: one loop per state
// dim, the time index runs L-1 .. 0, final is the carried value after the loop.
// CHECK-LABEL: func.func @scan_reverse_complex
// CHECK-DAG: %[[A:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[B:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG: %[[INIT:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK-DAG: %[[S:.*]] = memref.alloc() : memref<2x5x3x4xcomplex<f32>>
// CHECK-DAG: %[[F:.*]] = memref.alloc() : memref<2x3x4xcomplex<f32>>
// CHECK: %[[LAST:.*]] = arith.subi %c5, %{{.*}} : index
// CHECK: scf.for %[[BI:.*]] = %{{.*}} to %c2
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c3
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %c4
// CHECK: %[[H0:.*]] = memref.load %[[INIT]][%[[BI]], %[[I]], %[[J]]]
// CHECK: %[[HL:.*]] = scf.for %[[K:.*]] = %{{.*}} to %c5 step %{{.*}} iter_args(%[[H:.*]] = %[[H0]]) -> (complex<f32>)
// CHECK: %[[T:.*]] = arith.subi %[[LAST]], %[[K]] : index
// CHECK: %[[AT:.*]] = memref.load %[[A]][%[[BI]], %[[T]], %[[I]], %[[J]]]
// CHECK: %[[BT:.*]] = memref.load %[[B]][%[[BI]], %[[T]], %[[I]], %[[J]]]
// CHECK: %[[AH:.*]] = complex.mul %[[AT]], %[[H]] : complex<f32>
// CHECK: %[[NEXT:.*]] = complex.add %[[AH]], %[[BT]] : complex<f32>
// CHECK: memref.store %[[NEXT]], %[[S]][%[[BI]], %[[T]], %[[I]], %[[J]]]
// CHECK: scf.yield %[[NEXT]] : complex<f32>
// CHECK: memref.store %[[HL]], %[[F]][%[[BI]], %[[I]], %[[J]]]
// CHECK: %[[RS:.*]] = bufferization.to_tensor %[[S]]
// CHECK: %[[RF:.*]] = bufferization.to_tensor %[[F]]
// CHECK: return %[[RS]], %[[RF]]
func.func @scan_reverse_complex(%a: tensor<2x5x3x4xcomplex<f32>>, %b: tensor<2x5x3x4xcomplex<f32>>,
                                %h0: tensor<2x3x4xcomplex<f32>>)
    -> (tensor<2x5x3x4xcomplex<f32>>, tensor<2x3x4xcomplex<f32>>) {
  %s0 = tensor.empty() : tensor<2x5x3x4xcomplex<f32>>
  %f0 = tensor.empty() : tensor<2x3x4xcomplex<f32>>
  %s, %f = seq.scan ins(%a, %b : tensor<2x5x3x4xcomplex<f32>>, tensor<2x5x3x4xcomplex<f32>>)
      initial(%h0 : tensor<2x3x4xcomplex<f32>>)
      outs(%s0, %f0 : tensor<2x5x3x4xcomplex<f32>>, tensor<2x3x4xcomplex<f32>>) {reverse}
      -> tensor<2x5x3x4xcomplex<f32>>, tensor<2x3x4xcomplex<f32>>
  return %s, %f : tensor<2x5x3x4xcomplex<f32>>, tensor<2x3x4xcomplex<f32>>
}

// f16 data is carried in f32 and rounded only on store; dynamic B and L come
// from the operands.
// CHECK-LABEL: func.func @scan_f16_dynamic
// CHECK: %[[S:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?x8xf16>
// CHECK: %[[BATCH:.*]] = memref.dim %{{.*}}, %c0
// CHECK: %[[LEN:.*]] = memref.dim %{{.*}}, %c1
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[BATCH]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[LEN]] step %{{.*}} iter_args(%[[H:.*]] = %{{.*}}) -> (f32)
// CHECK: %[[AT:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[BT:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK: %[[AH:.*]] = arith.mulf %[[AT]], %[[H]] : f32
// CHECK: %[[NEXT:.*]] = arith.addf %[[AH]], %[[BT]] : f32
// CHECK: %[[HALF:.*]] = arith.truncf %[[NEXT]] : f32 to f16
// CHECK: memref.store %[[HALF]], %[[S]]
// CHECK: scf.yield %[[NEXT]] : f32
func.func @scan_f16_dynamic(%a: tensor<?x?x8xf16>, %b: tensor<?x?x8xf16>,
                            %s0: tensor<?x?x8xf16>) -> tensor<?x?x8xf16> {
  %s = seq.scan ins(%a, %b : tensor<?x?x8xf16>, tensor<?x?x8xf16>)
      outs(%s0 : tensor<?x?x8xf16>) -> tensor<?x?x8xf16>
  return %s : tensor<?x?x8xf16>
}

//===----------------------------------------------------------------------===//
// seq.ema
//===----------------------------------------------------------------------===//

// Damped: u = σ(weight_logit)·beta, q = 1 − p·σ(damping_logit), η = γ/√N are
// computed once per (d, n); then per (b, d) a time loop updates the N states
// in a scratch vector and reduces Σ η·h.
// CHECK-LABEL: func.func @ema_damped
// CHECK-DAG: %[[X:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[WL:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG: %[[DL:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK-DAG: %[[G:.*]] = bufferization.to_buffer %arg3 read_only
// CHECK-DAG: %[[OM:.*]] = bufferization.to_buffer %arg4 read_only
// CHECK-DAG: %[[BETA:.*]] = bufferization.to_buffer %arg5 read_only
// CHECK-DAG: %[[Y:.*]] = memref.alloc() : memref<2x32x4xf32>
// CHECK: %[[U:.*]] = memref.alloc() : memref<4x16xf32>
// CHECK: %[[Q:.*]] = memref.alloc() : memref<4x16xf32>
// CHECK: %[[ETA:.*]] = memref.alloc() : memref<4x16xf32>
// The coefficients are computed in f64 and rounded once when stored.
// CHECK: %[[SQRTN:.*]] = math.sqrt %{{.*}} : f64
// CHECK: scf.for %[[D:.*]] = %{{.*}} to %c4
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %c16
// CHECK: memref.load %[[WL]][%[[D]], %[[N]]]
// CHECK: math.exp
// CHECK: %[[P:.*]] = arith.divf
// CHECK: memref.load %[[DL]][%[[D]], %[[N]]]
// CHECK: math.exp
// CHECK: %[[DAMP:.*]] = arith.divf
// CHECK: %[[PD:.*]] = arith.mulf %[[P]], %[[DAMP]] : f64
// CHECK: %[[MAG:.*]] = arith.subf %{{.*}}, %[[PD]] : f64
// CHECK: %[[BE:.*]] = memref.load %[[BETA]][%[[D]], %[[N]]]
// CHECK: %[[UV:.*]] = arith.mulf %[[P]], %{{.*}} : f64
// CHECK: %[[GA:.*]] = memref.load %[[G]][%[[D]], %[[N]]]
// CHECK: %[[ETAV:.*]] = arith.divf %{{.*}}, %[[SQRTN]] : f64
// CHECK: %[[U32:.*]] = arith.truncf %[[UV]] : f64 to f32
// CHECK: memref.store %[[U32]], %[[U]][%[[D]], %[[N]]]
// CHECK: %[[Q32:.*]] = arith.truncf %[[MAG]] : f64 to f32
// CHECK: memref.store %[[Q32]], %[[Q]][%[[D]], %[[N]]]
// CHECK: %[[ETA32:.*]] = arith.truncf %[[ETAV]] : f64 to f32
// CHECK: memref.store %[[ETA32]], %[[ETA]][%[[D]], %[[N]]]
// CHECK: %[[HBUF:.*]] = memref.alloc() : memref<16xf32>
// CHECK: scf.for %[[BI:.*]] = %{{.*}} to %c2
// CHECK: scf.for %[[D2:.*]] = %{{.*}} to %c4
// CHECK: scf.for %[[N0:.*]] = %{{.*}} to %c16
// CHECK: memref.store %{{.*}}, %[[HBUF]][%[[N0]]]
// CHECK: %[[OMD:.*]] = memref.load %[[OM]][%[[D2]]]
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c32
// CHECK: %[[XT:.*]] = memref.load %[[X]][%[[BI]], %[[T]], %[[D2]]]
// CHECK: %[[SUM:.*]] = scf.for %[[N2:.*]] = %{{.*}} to %c16 step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32)
// CHECK: %[[UN:.*]] = memref.load %[[U]][%[[D2]], %[[N2]]]
// CHECK: %[[QN:.*]] = memref.load %[[Q]][%[[D2]], %[[N2]]]
// CHECK: %[[EN:.*]] = memref.load %[[ETA]][%[[D2]], %[[N2]]]
// CHECK: %[[HN:.*]] = memref.load %[[HBUF]][%[[N2]]]
// CHECK: %[[UX:.*]] = arith.mulf %[[UN]], %[[XT]] : f32
// CHECK: %[[QH:.*]] = arith.mulf %[[QN]], %[[HN]] : f32
// CHECK: %[[HNEW:.*]] = arith.addf %[[QH]], %[[UX]] : f32
// CHECK: memref.store %[[HNEW]], %[[HBUF]][%[[N2]]]
// CHECK: %[[EH:.*]] = arith.mulf %[[EN]], %[[HNEW]] : f32
// CHECK: %[[ACCN:.*]] = arith.addf %[[ACC]], %[[EH]] : f32
// CHECK: scf.yield %[[ACCN]] : f32
// CHECK: %[[OX:.*]] = arith.mulf %[[OMD]], %[[XT]] : f32
// CHECK: %[[YV:.*]] = arith.addf %[[SUM]], %[[OX]] : f32
// CHECK: memref.store %[[YV]], %[[Y]][%[[BI]], %[[T]], %[[D2]]]
func.func @ema_damped(%x: tensor<2x32x4xf32>, %wl: tensor<4x16xf32>, %dl: tensor<4x16xf32>,
                      %g: tensor<4x16xf32>, %om: tensor<4xf32>, %be: tensor<4x16xf32>)
    -> tensor<2x32x4xf32> {
  %y0 = tensor.empty() : tensor<2x32x4xf32>
  %y = seq.ema <damped> ins(%x, %wl, %dl, %g, %om : tensor<2x32x4xf32>, tensor<4x16xf32>,
        tensor<4x16xf32>, tensor<4x16xf32>, tensor<4xf32>)
      beta(%be : tensor<4x16xf32>)
      outs(%y0 : tensor<2x32x4xf32>) -> tensor<2x32x4xf32>
  return %y : tensor<2x32x4xf32>
}

// Complex: q = mag·(cos φ + i sin φ), φ = (n+1)·σ(theta)·2π/N, η complex; the
// state is complex<f32>, initialised from `initial` and copied to `final`.
// CHECK-LABEL: func.func @ema_complex
// CHECK-DAG: %[[G:.*]] = bufferization.to_buffer %arg3 read_only
// CHECK-DAG: %[[TH:.*]] = bufferization.to_buffer %arg5 read_only
// CHECK-DAG: %[[INIT:.*]] = bufferization.to_buffer %arg6 read_only
// CHECK-DAG: %[[FINAL:.*]] = memref.alloc() : memref<1x8x16xcomplex<f32>>
// CHECK: %[[Q:.*]] = memref.alloc() : memref<8x16xcomplex<f32>>
// CHECK: %[[ETA:.*]] = memref.alloc() : memref<8x16xcomplex<f32>>
// CHECK: %[[TWOPI:.*]] = arith.constant 6.2831853071795862 : f64
// CHECK: %[[STEP:.*]] = arith.divf %[[TWOPI]], %{{.*}} : f64
// CHECK: scf.for %[[D:.*]] = %{{.*}} to %c8
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %c16
// CHECK: %[[MAG:.*]] = arith.subf
// CHECK: memref.load %[[TH]][%[[D]]]
// CHECK: %[[FREQ:.*]] = arith.divf
// CHECK: %[[NI:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[NF:.*]] = arith.sitofp %[[NI]] : i64 to f64
// CHECK: %[[HARM:.*]] = arith.addf %[[NF]], %{{.*}} : f64
// CHECK: %[[HF:.*]] = arith.mulf %[[HARM]], %[[FREQ]] : f64
// CHECK: %[[PHI:.*]] = arith.mulf %[[HF]], %[[STEP]] : f64
// CHECK: %[[COS:.*]] = math.cos %[[PHI]] : f64
// CHECK: %[[RE:.*]] = arith.mulf %[[MAG]], %[[COS]] : f64
// CHECK: %[[SIN:.*]] = math.sin %[[PHI]] : f64
// CHECK: %[[IM:.*]] = arith.mulf %[[MAG]], %[[SIN]] : f64
// CHECK: %[[QV:.*]] = complex.create %[[RE]], %[[IM]] : complex<f64>
// CHECK: memref.load %[[G]][%[[D]], %[[N]], %c0
// CHECK: memref.load %[[G]][%[[D]], %[[N]], %c1
// CHECK: %[[ETAV:.*]] = complex.create
// Rounded once to complex<f32> when stored.
// CHECK: complex.re %[[QV]] : complex<f64>
// CHECK: %[[Q32:.*]] = complex.create %{{.*}}, %{{.*}} : complex<f32>
// CHECK: memref.store %[[Q32]], %[[Q]][%[[D]], %[[N]]]
// CHECK: complex.re %[[ETAV]] : complex<f64>
// CHECK: %[[ETA32:.*]] = complex.create %{{.*}}, %{{.*}} : complex<f32>
// CHECK: memref.store %[[ETA32]], %[[ETA]][%[[D]], %[[N]]]
// CHECK: %[[HBUF:.*]] = memref.alloc() : memref<16xcomplex<f32>>
// CHECK: scf.for %[[BI:.*]] = %{{.*}} to %c1
// CHECK: scf.for %[[D2:.*]] = %{{.*}} to %c8
// CHECK: scf.for %[[N0:.*]] = %{{.*}} to %c16
// CHECK: %[[H0:.*]] = memref.load %[[INIT]][%[[BI]], %[[D2]], %[[N0]]]
// CHECK: memref.store %[[H0]], %[[HBUF]][%[[N0]]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64
// CHECK: scf.for %[[N2:.*]] = %{{.*}} to %c16 step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32)
// CHECK: %[[QN:.*]] = memref.load %[[Q]][%[[D2]], %[[N2]]]
// CHECK: %[[EN:.*]] = memref.load %[[ETA]][%[[D2]], %[[N2]]]
// CHECK: %[[HN:.*]] = memref.load %[[HBUF]][%[[N2]]]
// CHECK: %[[UX:.*]] = complex.create %{{.*}}, %{{.*}} : complex<f32>
// CHECK: %[[QH:.*]] = complex.mul %[[QN]], %[[HN]] : complex<f32>
// CHECK: %[[HNEW:.*]] = complex.add %[[QH]], %[[UX]] : complex<f32>
// CHECK: memref.store %[[HNEW]], %[[HBUF]][%[[N2]]]
// CHECK: %[[EH:.*]] = complex.mul %[[EN]], %[[HNEW]] : complex<f32>
// CHECK: %[[REH:.*]] = complex.re %[[EH]] : complex<f32>
// CHECK: arith.addf %[[ACC]], %[[REH]] : f32
// CHECK: scf.for %[[N3:.*]] = %{{.*}} to %c16
// CHECK: %[[HL:.*]] = memref.load %[[HBUF]][%[[N3]]]
// CHECK: memref.store %[[HL]], %[[FINAL]][%[[BI]], %[[D2]], %[[N3]]]
func.func @ema_complex(%x: tensor<1x64x8xf32>, %wl: tensor<8x16xf32>, %dl: tensor<8x16xf32>,
                       %g: tensor<8x16x2xf32>, %om: tensor<8xf32>, %th: tensor<8xf32>,
                       %h0: tensor<1x8x16xcomplex<f32>>)
    -> (tensor<1x64x8xf32>, tensor<1x8x16xcomplex<f32>>) {
  %y0 = tensor.empty() : tensor<1x64x8xf32>
  %f0 = tensor.empty() : tensor<1x8x16xcomplex<f32>>
  %y, %h = seq.ema <complex> ins(%x, %wl, %dl, %g, %om : tensor<1x64x8xf32>, tensor<8x16xf32>,
        tensor<8x16xf32>, tensor<8x16x2xf32>, tensor<8xf32>)
      theta(%th : tensor<8xf32>)
      initial(%h0 : tensor<1x8x16xcomplex<f32>>)
      outs(%y0, %f0 : tensor<1x64x8xf32>, tensor<1x8x16xcomplex<f32>>)
      -> tensor<1x64x8xf32>, tensor<1x8x16xcomplex<f32>>
  return %y, %h : tensor<1x64x8xf32>, tensor<1x8x16xcomplex<f32>>
}

//===----------------------------------------------------------------------===//
// seq.timestep_norm
//===----------------------------------------------------------------------===//

// No mask, no prev: the count starts at 0 and every step is a Welford update
// of the per-group (mean, var) scratch with Kahan-compensated increments.
// CHECK-LABEL: func.func @timestep_norm
// CHECK-DAG: %[[X:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG: %[[Y:.*]] = memref.alloc() : memref<2x64x32xf32>
// CHECK: %[[K:.*]] = arith.divui %c32, %c4 : index
// CHECK: %[[EPS:.*]] = arith.constant 9.99999974E-6 : f32
// CHECK: %[[MEAN:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[VAR:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[MERR:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[VERR:.*]] = memref.alloc() : memref<4xf32>
// CHECK: scf.for %[[BI:.*]] = %{{.*}} to %c2
// CHECK: %[[C0:.*]] = arith.constant 0 : i64
// CHECK: scf.for %{{.*}} = %{{.*}} to %c4
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: memref.store %[[ONE]], %[[VAR]]
// CHECK: scf.for %[[T:.*]] = %{{.*}} to %c64 step %{{.*}} iter_args(%[[C:.*]] = %[[C0]]) -> (i64)
// CHECK-NOT: scf.if
// CHECK: %[[CN:.*]] = arith.addi %[[C]], %{{.*}} : i64
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[C]], %{{.*}} : i64
// CHECK: %[[CF:.*]] = arith.sitofp %[[CN]] : i64 to f32
// CHECK: %[[W2:.*]] = arith.divf %{{.*}}, %[[CF]] : f32
// CHECK: %[[W1:.*]] = arith.subf %{{.*}}, %[[W2]] : f32
// CHECK: scf.for %[[G:.*]] = %{{.*}} to %c4
// CHECK: %[[BASE:.*]] = arith.muli %[[G]], %[[K]] : index
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %[[K]] {{.*}} -> (f32)
// CHECK: %[[MU:.*]] = arith.divf %[[SUM]], %{{.*}} : f32
// CHECK: %[[SS:.*]] = scf.for %{{.*}} = %{{.*}} to %[[K]] {{.*}} -> (f32)
// CHECK: arith.subf %{{.*}}, %[[MU]] : f32
// CHECK: %[[V:.*]] = arith.divf %[[SS]], %{{.*}} : f32
// CHECK: %[[M:.*]] = memref.load %[[MEAN]][%[[G]]]
// CHECK: %[[S:.*]] = memref.load %[[VAR]][%[[G]]]
// CHECK: %[[DELTA:.*]] = arith.subf %[[MU]], %[[M]] : f32
// CHECK: %[[MINC:.*]] = arith.mulf %[[W2]], %[[DELTA]] : f32
// CHECK: %[[ME:.*]] = memref.load %[[MERR]][%[[G]]]
// CHECK: %[[MCOR:.*]] = arith.subf %[[MINC]], %[[ME]] : f32
// CHECK: %[[MSUM:.*]] = arith.addf %[[M]], %[[MCOR]] : f32
// CHECK: %[[MHI:.*]] = arith.subf %[[MSUM]], %[[M]] : f32
// CHECK: %[[MLO:.*]] = arith.subf %[[MHI]], %[[MCOR]] : f32
// CHECK: %[[MNEW:.*]] = arith.select %[[FIRST]], %[[MU]], %[[MSUM]] : f32
// CHECK: %[[MENEW:.*]] = arith.select %[[FIRST]], %{{.*}}, %[[MLO]] : f32
// CHECK: memref.store %[[MNEW]], %[[MEAN]][%[[G]]]
// CHECK: memref.store %[[MENEW]], %[[MERR]][%[[G]]]
// CHECK: %[[D2:.*]] = arith.mulf %[[DELTA]], %[[DELTA]] : f32
// CHECK: %[[SPREAD:.*]] = arith.mulf %[[W1]], %[[D2]] : f32
// CHECK: %[[VS:.*]] = arith.subf %[[V]], %[[S]] : f32
// CHECK: %[[VSS:.*]] = arith.addf %[[VS]], %[[SPREAD]] : f32
// CHECK: %[[SINC:.*]] = arith.mulf %[[W2]], %[[VSS]] : f32
// CHECK: %[[SNEW:.*]] = arith.select %[[FIRST]], %[[V]], %{{.*}} : f32
// CHECK: memref.store %[[SNEW]], %[[VAR]][%[[G]]]
// CHECK: %[[SE:.*]] = arith.addf %[[SNEW]], %[[EPS]] : f32
// CHECK: %[[RSTD:.*]] = math.rsqrt %[[SE]] : f32
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[K]]
// CHECK: %[[CENT:.*]] = arith.subf %{{.*}}, %[[MNEW]] : f32
// CHECK: %[[NORMED:.*]] = arith.mulf %[[CENT]], %[[RSTD]] : f32
// CHECK: memref.store %{{.*}}, %[[Y]][%[[BI]], %[[T]], %{{.*}}]
// CHECK: scf.yield %[[CN]] : i64
func.func @timestep_norm(%x: tensor<2x64x32xf32>, %w: tensor<32xf32>, %b: tensor<32xf32>)
    -> tensor<2x64x32xf32> {
  %y0 = tensor.empty() : tensor<2x64x32xf32>
  %y = seq.timestep_norm ins(%x, %w, %b : tensor<2x64x32xf32>, tensor<32xf32>, tensor<32xf32>)
      outs(%y0 : tensor<2x64x32xf32>) {num_groups = 4 : i64} -> tensor<2x64x32xf32>
  return %y : tensor<2x64x32xf32>
}

// Mask, prev and final, f16 data with f32 state: a padded step writes zeros
// and yields the count unchanged; the state comes from prev and goes to the
// count/mean/var destinations.
// CHECK-LABEL: func.func @timestep_norm_carried
// CHECK-DAG: %[[MASK:.*]] = bufferization.to_buffer %arg3 read_only
// CHECK-DAG: %[[PC:.*]] = bufferization.to_buffer %arg4 read_only
// CHECK-DAG: %[[PM:.*]] = bufferization.to_buffer %arg5 read_only
// CHECK-DAG: %[[PV:.*]] = bufferization.to_buffer %arg6 read_only
// CHECK-DAG: %[[Y:.*]] = memref.alloc() : memref<2x8x16xf16>
// CHECK-DAG: %[[COUNT:.*]] = memref.alloc() : memref<2xi64>
// CHECK-DAG: %[[OM:.*]] = memref.alloc() : memref<2x2xf32>
// CHECK-DAG: %[[OV:.*]] = memref.alloc() : memref<2x2xf32>
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK: %[[MEAN:.*]] = memref.alloc() : memref<2xf32>
// CHECK: %[[VAR:.*]] = memref.alloc() : memref<2xf32>
// CHECK: scf.for %[[BI:.*]] = %{{.*}} to %c2
// CHECK: %[[C0:.*]] = memref.load %[[PC]][%[[BI]]]
// CHECK: scf.for %[[G:.*]] =
// CHECK: %[[M0:.*]] = memref.load %[[PM]][%[[BI]], %[[G]]]
// CHECK: %[[S0:.*]] = memref.load %[[PV]][%[[BI]], %[[G]]]
// CHECK: memref.store %[[M0]], %[[MEAN]][%[[G]]]
// CHECK: memref.store %[[S0]], %[[VAR]][%[[G]]]
// CHECK: %[[CL:.*]] = scf.for %[[T:.*]] = %{{.*}} to %c8 step %{{.*}} iter_args(%[[C:.*]] = %[[C0]]) -> (i64)
// CHECK: %[[PAD:.*]] = memref.load %[[MASK]][%[[BI]], %[[T]]]
// CHECK: %[[NEXT:.*]] = scf.if %[[PAD]] -> (i64)
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %c16
// CHECK: %[[Z:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK: memref.store %[[Z]], %[[Y]][%[[BI]], %[[T]], %[[I]]]
// CHECK: scf.yield %[[C]] : i64
// CHECK: } else {
// CHECK: %[[CN:.*]] = arith.addi %[[C]], %{{.*}} : i64
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: math.rsqrt
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK: scf.yield %[[CN]] : i64
// CHECK: scf.yield %[[NEXT]] : i64
// CHECK: memref.store %[[CL]], %[[COUNT]][%[[BI]]]
// CHECK: scf.for %[[G2:.*]] =
// CHECK: %[[ML:.*]] = memref.load %[[MEAN]][%[[G2]]]
// CHECK: memref.store %[[ML]], %[[OM]][%[[BI]], %[[G2]]]
// CHECK: %[[VL:.*]] = memref.load %[[VAR]][%[[G2]]]
// CHECK: memref.store %[[VL]], %[[OV]][%[[BI]], %[[G2]]]
func.func @timestep_norm_carried(%x: tensor<2x8x16xf16>, %w: tensor<16xf32>, %b: tensor<16xf32>,
                                 %mask: tensor<2x8xi1>, %pc: tensor<2xi64>,
                                 %pm: tensor<2x2xf32>, %pv: tensor<2x2xf32>)
    -> (tensor<2x8x16xf16>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %y0 = tensor.empty() : tensor<2x8x16xf16>
  %c0 = tensor.empty() : tensor<2xi64>
  %m0 = tensor.empty() : tensor<2x2xf32>
  %v0 = tensor.empty() : tensor<2x2xf32>
  %y, %c, %m, %v = seq.timestep_norm ins(%x, %w, %b : tensor<2x8x16xf16>, tensor<16xf32>, tensor<16xf32>)
      padding_mask(%mask : tensor<2x8xi1>)
      prev(%pc, %pm, %pv : tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xf32>)
      outs(%y0, %c0, %m0, %v0 : tensor<2x8x16xf16>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xf32>)
      {num_groups = 2 : i64, eps = 1.0e-3 : f64}
      -> tensor<2x8x16xf16>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xf32>
  return %y, %c, %m, %v : tensor<2x8x16xf16>, tensor<2xi64>, tensor<2x2xf32>, tensor<2x2xf32>
}
