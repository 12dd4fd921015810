// RUN: seq-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(seq-gpu-legalize-host))' | FileCheck %s

// Host allocations become device allocations freed before every return.
// CHECK-LABEL: func.func @temporaries
// CHECK:         %[[T:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK-NOT:     memref.alloc
// CHECK:         gpu.launch
// CHECK:         gpu.dealloc %[[T]] : memref<?xf32>
// CHECK-NEXT:    return
func.func @temporaries(%n: index) {
  %t = memref.alloc(%n) : memref<?xf32>
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%b0, %b1, %b2) in (%g0 = %c1, %g1 = %c1, %g2 = %c1) threads(%t0, %t1, %t2) in (%s0 = %c1, %s1 = %c1, %s2 = %c1) {
    %z = arith.constant 0.0 : f32
    memref.store %z, %t[%t0] : memref<?xf32>
    gpu.terminator
  }
  return
}

// -----

// A global only kernels read moves into them (outlining then copies it into
// the GPU module).
memref.global "private" constant @twiddles : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
// CHECK-LABEL: func.func @globals
// CHECK-NOT:     memref.get_global
// CHECK:         gpu.launch
// CHECK-NEXT:      %[[G:.*]] = memref.get_global @twiddles
// CHECK:           memref.load %[[G]]
func.func @globals(%out: memref<4xf32>) {
  %g = memref.get_global @twiddles : memref<4xf32>
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%b0, %b1, %b2) in (%g0 = %c1, %g1 = %c1, %g2 = %c1) threads(%t0, %t1, %t2) in (%s0 = %c1, %s1 = %c1, %s2 = %c1) {
    %v = memref.load %g[%t0] : memref<4xf32>
    memref.store %v, %out[%t0] : memref<4xf32>
    gpu.terminator
  }
  return
}

// -----

func.func @host_load(%x: memref<4xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  // expected-error @below {{seq-gpu-legalize-host: 'memref.load' would run on the host and access device memory; it has no GPU mapping}}
  %v = memref.load %x[%c0] : memref<4xf32>
  return %v : f32
}

// -----

func.func @returned() -> memref<4xf32> {
  %t = memref.alloc() : memref<4xf32>
  // expected-error @below {{seq-gpu-legalize-host: the function returns a buffer it allocated; results must be out-parameters on the GPU path}}
  return %t : memref<4xf32>
}

// -----

memref.global "private" constant @table : memref<4xf32> = dense<1.0>
func.func @host_global(%out: memref<4xf32>) {
  %g = memref.get_global @table : memref<4xf32>
  // expected-error @below {{seq-gpu-legalize-host: the host reads the constant global @table; only kernels may read it}}
  memref.copy %g, %out : memref<4xf32> to memref<4xf32>
  return
}
