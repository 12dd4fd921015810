// RUN: seq-opt %s --convert-seq-to-loops | FileCheck %s
// RUN: seq-opt %s --seq-to-cpu=reference=1 | FileCheck %s --check-prefix=LLVM \
// RUN:   --implicit-check-not=seq. --implicit-check-not=scf. \
// RUN:   --implicit-check-not=memref. --implicit-check-not=complex.

// The reference lowering of seq.fft, seq.ifft, seq.rfft, seq.irfft and
// seq.long_conv: direct DFT sums over a twiddle table indexed by n·k mod N
// (kept exact in index arithmetic), and the direct causal convolution.

//===----------------------------------------------------------------------===//
// seq.fft
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @fft_ortho
// CHECK-DAG:     %[[IN:.*]] = bufferization.to_buffer %arg0 read_only : tensor<4x8xcomplex<f32>> to memref<4x8xcomplex<f32>>
// CHECK-DAG:     %[[OUT:.*]] = memref.alloc() : memref<4x8xcomplex<f32>>
// CHECK-DAG:     %[[TWRE:.*]] = memref.alloc() : memref<8xf32>
// CHECK-DAG:     %[[TWIM:.*]] = memref.alloc() : memref<8xf32>
// The twiddle table: exp(-2πi t/8) formed in f64, rounded to f32.
// CHECK-DAG:     %[[TWOPI:.*]] = arith.constant -6.283185307179586{{[0-9]*}} : f64
// CHECK:         scf.for %[[T:.*]] = {{.*}} {
// CHECK:           arith.cmpi sgt
// CHECK:           %[[ANGLE:.*]] = arith.mulf %{{.*}}, %[[TWOPI]] : f64
// CHECK:           %[[COS:.*]] = math.cos %[[ANGLE]] : f64
// CHECK:           %[[COS32:.*]] = arith.truncf %[[COS]] : f64 to f32
// CHECK:           memref.store %[[COS32]], %[[TWRE]][%[[T]]]
// CHECK:           math.sin %[[ANGLE]] : f64
// CHECK:           memref.store %{{.*}}, %[[TWIM]][%[[T]]]
// CHECK:         }
// ortho: 1/sqrt(N).
// CHECK:         math.sqrt %{{.*}} : f64
// CHECK:         %[[SCALE:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %{{.*}} step
// CHECK:             %[[SUM:.*]]:3 = scf.for %[[N:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[RE:.*]] = %{{.*}}, %[[IM:.*]] = %{{.*}}, %[[IDX:.*]] = %{{.*}}) -> (f32, f32, index) {
// CHECK-DAG:           memref.load %[[TWRE]][%[[IDX]]]
// CHECK-DAG:           memref.load %[[TWIM]][%[[IDX]]]
// CHECK-DAG:           %[[X:.*]] = memref.load %[[IN]][%[[B]], %[[N]]]
// CHECK-DAG:           complex.re %[[X]]
// CHECK-DAG:           complex.im %[[X]]
// The next residue (n+1)·k mod N without a multiplication or division.
// CHECK:               %[[NEXT:.*]] = arith.addi %[[IDX]], %[[K]] : index
// CHECK:               %[[WRAP:.*]] = arith.cmpi uge, %[[NEXT]]
// CHECK:               %[[RED:.*]] = arith.subi %[[NEXT]]
// CHECK:               %[[SEL:.*]] = arith.select %[[WRAP]], %[[RED]], %[[NEXT]] : index
// CHECK:               scf.yield %{{.*}}, %{{.*}}, %[[SEL]] : f32, f32, index
// CHECK:             }
// CHECK:             %[[SRE:.*]] = arith.mulf %[[SUM]]#0, %[[SCALE]] : f32
// CHECK:             %[[SIM:.*]] = arith.mulf %[[SUM]]#1, %[[SCALE]] : f32
// CHECK:             %[[Y:.*]] = complex.create %[[SRE]], %[[SIM]] : complex<f32>
// CHECK:             memref.store %[[Y]], %[[OUT]][%[[B]], %[[K]]]
// CHECK-NOT:     memref.dealloc
// CHECK:         %[[R:.*]] = bufferization.to_tensor %[[OUT]]
// CHECK:         return %[[R]]
// LLVM-LABEL: llvm.func @fft_ortho
// LLVM:         llvm.intr.cos
// LLVM:         llvm.intr.sin
func.func @fft_ortho(%x: tensor<4x8xcomplex<f32>>, %y0: tensor<4x8xcomplex<f32>>)
    -> tensor<4x8xcomplex<f32>> {
  %y = seq.fft ins(%x : tensor<4x8xcomplex<f32>>) outs(%y0 : tensor<4x8xcomplex<f32>>)
      {norm = #seq.fft_norm<ortho>} -> tensor<4x8xcomplex<f32>>
  return %y : tensor<4x8xcomplex<f32>>
}

// backward: the forward transform is unscaled.
// CHECK-LABEL: func.func @fft_backward_1d
// CHECK-NOT:     math.sqrt
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (f64, f64, index)
// CHECK:           }
// CHECK-NOT:       arith.mulf
// CHECK:           complex.create %{{.*}} : complex<f64>
// LLVM-LABEL: llvm.func @fft_backward_1d
func.func @fft_backward_1d(%x: tensor<5xcomplex<f64>>, %y0: tensor<5xcomplex<f64>>)
    -> tensor<5xcomplex<f64>> {
  %y = seq.fft ins(%x : tensor<5xcomplex<f64>>) outs(%y0 : tensor<5xcomplex<f64>>)
      -> tensor<5xcomplex<f64>>
  return %y : tensor<5xcomplex<f64>>
}

// Every size from tensor.dim / memref.dim; the table is as long as N.
// CHECK-LABEL: func.func @fft_dynamic
// CHECK:         %[[IN:.*]] = bufferization.to_buffer %arg0
// CHECK:         %[[D0:.*]] = tensor.dim %arg1, %{{.*}} : tensor<?x?x?xcomplex<f32>>
// CHECK:         %[[D1:.*]] = tensor.dim %arg1
// CHECK:         %[[D2:.*]] = tensor.dim %arg1
// CHECK:         memref.alloc(%[[D0]], %[[D1]], %[[D2]]) : memref<?x?x?xcomplex<f32>>
// CHECK:         %[[N:.*]] = memref.dim %[[IN]], %c2{{(_[0-9]+)?}} : memref<?x?x?xcomplex<f32>>
// CHECK:         memref.alloc(%[[N]]) : memref<?xf32>
// CHECK:         memref.alloc(%[[N]]) : memref<?xf32>
// LLVM-LABEL: llvm.func @fft_dynamic
func.func @fft_dynamic(%x: tensor<?x?x?xcomplex<f32>>, %y0: tensor<?x?x?xcomplex<f32>>)
    -> tensor<?x?x?xcomplex<f32>> {
  %y = seq.fft ins(%x : tensor<?x?x?xcomplex<f32>>) outs(%y0 : tensor<?x?x?xcomplex<f32>>)
      {norm = #seq.fft_norm<forward>} -> tensor<?x?x?xcomplex<f32>>
  return %y : tensor<?x?x?xcomplex<f32>>
}

//===----------------------------------------------------------------------===//
// seq.ifft
//===----------------------------------------------------------------------===//

// The conjugate twiddles exp(+2πi t/N) and, for backward, the scale 1/N.
// CHECK-LABEL: func.func @ifft_backward
// CHECK:         arith.constant 6.283185307179586{{[0-9]*}} : f64
// CHECK:         math.cos
// CHECK:         %[[ONE:.*]] = arith.constant 1.000000e+00 : f64
// CHECK:         %[[INV:.*]] = arith.divf %[[ONE]], %{{.*}} : f64
// CHECK:         %[[SCALE:.*]] = arith.truncf %[[INV]] : f64 to f32
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for {{.*}} -> (f32, f32, index)
// CHECK:               arith.mulf %{{.*}}#0, %[[SCALE]]
// LLVM-LABEL: llvm.func @ifft_backward
func.func @ifft_backward(%x: tensor<2x3x12xcomplex<f32>>, %y0: tensor<2x3x12xcomplex<f32>>)
    -> tensor<2x3x12xcomplex<f32>> {
  %y = seq.ifft ins(%x : tensor<2x3x12xcomplex<f32>>) outs(%y0 : tensor<2x3x12xcomplex<f32>>)
      -> tensor<2x3x12xcomplex<f32>>
  return %y : tensor<2x3x12xcomplex<f32>>
}

//===----------------------------------------------------------------------===//
// seq.rfft
//===----------------------------------------------------------------------===//

// Real input: 4 output bins of N = 7, each a sum over all 7 inputs.
// CHECK-LABEL: func.func @rfft_forward
// CHECK-DAG:     %[[IN:.*]] = bufferization.to_buffer %arg0 read_only : tensor<3x7xf64> to memref<3x7xf64>
// CHECK-DAG:     %[[OUT:.*]] = memref.alloc() : memref<3x4xcomplex<f64>>
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %c4{{[_0-9]*}} step
// CHECK:             scf.for %[[N:.*]] = %{{.*}} to %c7{{[_0-9]*}} step {{.*}} -> (f64, f64, index)
// CHECK:               %[[X:.*]] = memref.load %[[IN]][%[[B]], %[[N]]] : memref<3x7xf64>
// CHECK:               arith.mulf %[[X]]
// CHECK:               arith.mulf %[[X]]
// CHECK:             complex.create
// CHECK:             memref.store %{{.*}}, %[[OUT]][%[[B]], %[[K]]]
// LLVM-LABEL: llvm.func @rfft_forward
func.func @rfft_forward(%x: tensor<3x7xf64>, %y0: tensor<3x4xcomplex<f64>>)
    -> tensor<3x4xcomplex<f64>> {
  %y = seq.rfft ins(%x : tensor<3x7xf64>) outs(%y0 : tensor<3x4xcomplex<f64>>)
      {norm = #seq.fft_norm<forward>} -> tensor<3x4xcomplex<f64>>
  return %y : tensor<3x4xcomplex<f64>>
}

//===----------------------------------------------------------------------===//
// seq.irfft
//===----------------------------------------------------------------------===//

// N = 8 from the output, 5 bins: bin 0 and bin N/2 count once with their
// imaginary parts dropped, the others twice (Hermitian pairs).
// CHECK-LABEL: func.func @irfft_even
// CHECK-DAG:     %[[IN:.*]] = bufferization.to_buffer %arg0 read_only : tensor<2x5xcomplex<f32>> to memref<2x5xcomplex<f32>>
// CHECK-DAG:     %[[OUT:.*]] = memref.alloc() : memref<2x8xf32>
// CHECK-DAG:     %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG:     %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG:     %[[TWO:.*]] = arith.constant 2.000000e+00 : f32
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           scf.for %[[N:.*]] = %{{.*}} to %c8{{[_0-9]*}} step
// CHECK:             %[[SUM:.*]]:2 = scf.for %[[K:.*]] = %{{.*}} to %c5{{[_0-9]*}} step %{{.*}} iter_args({{.*}}) -> (f32, index) {
// CHECK:               %[[X:.*]] = memref.load %[[IN]][%[[B]], %[[K]]]
// CHECK:               %[[XI:.*]] = complex.im %[[X]]
// CHECK:               %[[DC:.*]] = arith.cmpi eq, %[[K]], %{{.*}} : index
// CHECK:               %[[TWOK:.*]] = arith.addi %[[K]], %[[K]] : index
// CHECK:               %[[NYQ:.*]] = arith.cmpi eq, %[[TWOK]], %c8{{[_0-9]*}} : index
// CHECK:               %[[SINGLE:.*]] = arith.ori %[[DC]], %[[NYQ]] : i1
// CHECK:               arith.select %[[SINGLE]], %[[ZERO]], %[[XI]] : f32
// CHECK:               arith.select %[[SINGLE]], %[[ONE]], %[[TWO]] : f32
// CHECK:               arith.addi %{{.*}}, %[[N]] : index
// CHECK:             }
// CHECK:             %[[Y:.*]] = arith.mulf %[[SUM]]#0, %{{.*}} : f32
// CHECK:             memref.store %[[Y]], %[[OUT]][%[[B]], %[[N]]] : memref<2x8xf32>
// LLVM-LABEL: llvm.func @irfft_even
func.func @irfft_even(%x: tensor<2x5xcomplex<f32>>, %y0: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = seq.irfft ins(%x : tensor<2x5xcomplex<f32>>) outs(%y0 : tensor<2x8xf32>)
      -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// N = 1: one bin, one output.
// CHECK-LABEL: func.func @irfft_one
// CHECK:         memref.alloc() : memref<1xf64>
// CHECK:         scf.for
// CHECK:           scf.for {{.*}} -> (f64, index)
// LLVM-LABEL: llvm.func @irfft_one
func.func @irfft_one(%x: tensor<1xcomplex<f64>>, %y0: tensor<1xf64>) -> tensor<1xf64> {
  %y = seq.irfft ins(%x : tensor<1xcomplex<f64>>) outs(%y0 : tensor<1xf64>)
      {norm = #seq.fft_norm<ortho>} -> tensor<1xf64>
  return %y : tensor<1xf64>
}

//===----------------------------------------------------------------------===//
// seq.long_conv
//===----------------------------------------------------------------------===//

// f16 data computed in f32; the causal taps j < min(l + 1, K); skip, pregate
// and postgate. `method = fft` is a hint: the reference is the direct sum.
// CHECK-LABEL: func.func @long_conv_all
// CHECK-DAG:     %[[U:.*]] = bufferization.to_buffer %arg0 read_only
// CHECK-DAG:     %[[K:.*]] = bufferization.to_buffer %arg1 read_only
// CHECK-DAG:     %[[D:.*]] = bufferization.to_buffer %arg2 read_only
// CHECK-DAG:     %[[PRE:.*]] = bufferization.to_buffer %arg3 read_only
// CHECK-DAG:     %[[POST:.*]] = bufferization.to_buffer %arg4 read_only
// CHECK-DAG:     %[[OUT:.*]] = memref.alloc() : memref<2x7x3xf16>
// CHECK-DAG:     %[[TAPS:.*]] = arith.constant 9 : index
// CHECK:         scf.for %[[B:.*]] = %{{.*}} to %{{.*}} step
// CHECK:           scf.for %[[C:.*]] = %{{.*}} to %{{.*}} step
// CHECK:             scf.for %[[L:.*]] = %{{.*}} to %{{.*}} step
// CHECK:               %[[L1:.*]] = arith.addi %[[L]], %{{.*}} : index
// CHECK:               %[[UB:.*]] = arith.minui %[[L1]], %[[TAPS]] : index
// CHECK:               %[[SUM:.*]] = scf.for %[[J:.*]] = %{{.*}} to %[[UB]] step {{.*}} -> (f32) {
// CHECK:                 memref.load %[[K]][%[[C]], %[[J]]] : memref<3x9xf16>
// CHECK:                 %[[LJ:.*]] = arith.subi %[[L]], %[[J]] : index
// CHECK:                 memref.load %[[U]][%[[B]], %[[LJ]], %[[C]]]
// CHECK:                 memref.load %[[PRE]][%[[B]], %[[LJ]], %[[C]]]
// CHECK:               }
// CHECK:               memref.load %[[D]][%[[C]]]
// CHECK:               %[[SKIPPED:.*]] = arith.addf %[[SUM]], %{{.*}} : f32
// CHECK:               %[[G:.*]] = memref.load %[[POST]][%[[B]], %[[L]], %[[C]]]
// CHECK:               %[[G32:.*]] = arith.extf %[[G]] : f16 to f32
// CHECK:               %[[Y:.*]] = arith.mulf %[[SKIPPED]], %[[G32]] : f32
// CHECK:               %[[Y16:.*]] = arith.truncf %[[Y]] : f32 to f16
// CHECK:               memref.store %[[Y16]], %[[OUT]][%[[B]], %[[L]], %[[C]]]
// LLVM-LABEL: llvm.func @long_conv_all
func.func @long_conv_all(%u: tensor<2x7x3xf16>, %k: tensor<3x9xf16>, %d: tensor<3xf16>,
                         %pre: tensor<2x7x3xf16>, %post: tensor<2x7x3xf16>,
                         %y0: tensor<2x7x3xf16>) -> tensor<2x7x3xf16> {
  %y = seq.long_conv ins(%u, %k : tensor<2x7x3xf16>, tensor<3x9xf16>)
      skip(%d : tensor<3xf16>) pregate(%pre : tensor<2x7x3xf16>)
      postgate(%post : tensor<2x7x3xf16>) outs(%y0 : tensor<2x7x3xf16>)
      {method = #seq.conv_method<fft>} -> tensor<2x7x3xf16>
  return %y : tensor<2x7x3xf16>
}

// No optional operands: only the causal sum.
// CHECK-LABEL: func.func @long_conv_plain
// CHECK:         scf.for
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               arith.minui
// CHECK:               %[[SUM:.*]] = scf.for {{.*}} -> (f64)
// CHECK:               }
// CHECK-NEXT:          memref.store %[[SUM]]
// LLVM-LABEL: llvm.func @long_conv_plain
func.func @long_conv_plain(%u: tensor<1x16x4xf64>, %k: tensor<4x3xf64>, %y0: tensor<1x16x4xf64>)
    -> tensor<1x16x4xf64> {
  %y = seq.long_conv ins(%u, %k : tensor<1x16x4xf64>, tensor<4x3xf64>)
      outs(%y0 : tensor<1x16x4xf64>) -> tensor<1x16x4xf64>
  return %y : tensor<1x16x4xf64>
}

// A spectrum (F = 5 bins, n = 8): its taps irfft(S, n) once per op into a
// (C, n) scratch (the irfft sum: bins 0 and n/2 single, imaginary parts
// dropped, scaled by 1/n), then the circular sum over every input m < L at
// tap (l - m) mod n.
// CHECK-LABEL: func.func @long_conv_spectrum
// CHECK:         %[[S:.*]] = bufferization.to_buffer %arg1 read_only : tensor<2x5xcomplex<f32>>
// CHECK:         %[[N:.*]] = arith.muli
// CHECK:         %[[TAPS:.*]] = memref.alloc(%[[N]]) : memref<2x?xf32>
// CHECK:         scf.for %[[C:.*]] = %{{.*}} to %c2{{[_0-9]*}}
// CHECK:           scf.for %[[J:.*]] = %{{.*}} to %[[N]]
// CHECK:             scf.for %{{.*}} to %c5{{[_0-9]*}} {{.*}} -> (f32, index)
// CHECK:               memref.load %[[S]][%[[C]], %{{.*}}] : memref<2x5xcomplex<f32>>
// CHECK:             memref.store %{{.*}}, %[[TAPS]][%[[C]], %[[J]]] : memref<2x?xf32>
// CHECK:         scf.for %[[B:.*]] =
// CHECK:           scf.for %[[CH:.*]] =
// CHECK:             scf.for %[[L:.*]] = %{{.*}} to %c6
// CHECK:               scf.for %[[M:.*]] = %{{.*}} to %c6{{.*}} -> (f32)
// CHECK:                 %[[D:.*]] = arith.subi %[[L]], %[[M]] : index
// CHECK:                 %[[R:.*]] = arith.remsi %[[D]], %[[N]] : index
// CHECK:                 %[[TAP:.*]] = arith.select %{{.*}}, %{{.*}}, %[[R]] : index
// CHECK:                 memref.load %[[TAPS]][%[[CH]], %[[TAP]]] : memref<2x?xf32>
// CHECK:                 memref.load %{{.*}}[%[[B]], %[[M]], %[[CH]]] : memref<1x6x2xf32>
// LLVM-LABEL: llvm.func @long_conv_spectrum
func.func @long_conv_spectrum(%u: tensor<1x6x2xf32>, %s: tensor<2x5xcomplex<f32>>, %y0: tensor<1x6x2xf32>)
    -> tensor<1x6x2xf32> {
  %y = seq.long_conv ins(%u, %s : tensor<1x6x2xf32>, tensor<2x5xcomplex<f32>>)
      outs(%y0 : tensor<1x6x2xf32>) -> tensor<1x6x2xf32>
  return %y : tensor<1x6x2xf32>
}

// Dynamic sizes, K from the filter.
// CHECK-LABEL: func.func @long_conv_dynamic
// CHECK:         %[[K:.*]] = bufferization.to_buffer %arg1
// CHECK:         %[[TAPS:.*]] = memref.dim %[[K]], %{{.*}} : memref<?x?xbf16>
// CHECK:         arith.minui %{{.*}}, %[[TAPS]] : index
// LLVM-LABEL: llvm.func @long_conv_dynamic
func.func @long_conv_dynamic(%u: tensor<?x?x?xbf16>, %k: tensor<?x?xbf16>,
                             %y0: tensor<?x?x?xbf16>) -> tensor<?x?x?xbf16> {
  %y = seq.long_conv ins(%u, %k : tensor<?x?x?xbf16>, tensor<?x?xbf16>)
      outs(%y0 : tensor<?x?x?xbf16>) {method = #seq.conv_method<direct>}
      -> tensor<?x?x?xbf16>
  return %y : tensor<?x?x?xbf16>
}
