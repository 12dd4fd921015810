// RUN: seq-opt %s --allow-unregistered-dialect --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(seq-distinct-result-buffers))' | FileCheck %s
// RUN: seq-opt %s --allow-unregistered-dialect --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(seq-distinct-result-buffers),buffer-results-to-out-params{modify-public-functions hoist-static-allocs})' \
// RUN:   | FileCheck %s --check-prefix=OUT

// A buffer returned twice: the second position gets its own copy; the first
// keeps the allocation, which buffer-results-to-out-params then hoists into
// the first out-parameter (copying it into the second).

// CHECK-LABEL: func.func @twice
// CHECK:         %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK:         memref.copy %[[A]], %[[B]]
// CHECK:         return %[[A]], %[[B]]
// OUT-LABEL: func.func @twice
// OUT-SAME:      (%[[OUT0:.*]]: memref<4xf32>, %[[OUT1:.*]]: memref<4xf32>)
// OUT-NEXT:      "test.fill"(%[[OUT0]])
// OUT-NEXT:      memref.copy %[[OUT0]], %[[OUT1]]
// OUT-NEXT:      return
func.func @twice() -> (memref<4xf32>, memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  "test.fill"(%a) : (memref<4xf32>) -> ()
  return %a, %a : memref<4xf32>, memref<4xf32>
}

// -----

// Three positions, interleaved with a repeated argument and scalar: one copy
// per repetition of the allocation, the rest untouched.

// CHECK-LABEL: func.func @interleaved
// CHECK-SAME:    (%[[X:.*]]: memref<2x3xf16>, %[[S:.*]]: i32)
// CHECK:         %[[A:.*]] = memref.alloc() : memref<2x3xf16>
// CHECK:         %[[B:.*]] = memref.alloc() : memref<2x3xf16>
// CHECK:         memref.copy %[[A]], %[[B]]
// CHECK:         %[[D:.*]] = memref.alloc() : memref<2x3xf16>
// CHECK:         memref.copy %[[A]], %[[D]]
// CHECK:         return %[[A]], %[[X]], %[[B]], %[[S]], %[[S]], %[[X]], %[[D]]
// OUT-LABEL: func.func @interleaved
// OUT-SAME:      (%[[X:.*]]: memref<2x3xf16>, %{{.*}}: i32, %[[O0:.*]]: memref<2x3xf16>, %[[O1:.*]]: memref<2x3xf16>, %[[O2:.*]]: memref<2x3xf16>, %[[O3:.*]]: memref<2x3xf16>, %[[O4:.*]]: memref<2x3xf16>) -> (i32, i32)
// OUT-NOT:       memref.alloc
// OUT-DAG:       memref.copy %[[O0]], %[[O2]]
// OUT-DAG:       memref.copy %[[O0]], %[[O4]]
// OUT-DAG:       memref.copy %[[X]], %[[O1]]
// OUT-DAG:       memref.copy %[[X]], %[[O3]]
// OUT:           return
func.func @interleaved(%x: memref<2x3xf16>, %s: i32)
    -> (memref<2x3xf16>, memref<2x3xf16>, memref<2x3xf16>, i32, i32,
        memref<2x3xf16>, memref<2x3xf16>) {
  %a = memref.alloc() : memref<2x3xf16>
  return %a, %x, %a, %s, %s, %x, %a
      : memref<2x3xf16>, memref<2x3xf16>, memref<2x3xf16>, i32, i32,
        memref<2x3xf16>, memref<2x3xf16>
}

// -----

// Dynamic sizes come from the repeated buffer; 0-d buffers have none.

// CHECK-LABEL: func.func @dynamic
// CHECK-SAME:    (%[[N:.*]]: index, %[[M:.*]]: index)
// CHECK:         %[[A:.*]] = memref.alloc(%[[N]], %[[M]]) : memref<?x4x?xf32>
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG:     %[[D0:.*]] = memref.dim %[[A]], %[[C0]]
// CHECK-DAG:     %[[D2:.*]] = memref.dim %[[A]], %[[C2]]
// CHECK:         %[[B:.*]] = memref.alloc(%[[D0]], %[[D2]]) : memref<?x4x?xf32>
// CHECK:         memref.copy %[[A]], %[[B]]
// CHECK:         return %[[A]], %[[B]]
func.func @dynamic(%n: index, %m: index) -> (memref<?x4x?xf32>, memref<?x4x?xf32>) {
  %a = memref.alloc(%n, %m) : memref<?x4x?xf32>
  return %a, %a : memref<?x4x?xf32>, memref<?x4x?xf32>
}

// CHECK-LABEL: func.func @scalar_buffer
// CHECK:         %[[A:.*]] = memref.alloc() : memref<f64>
// CHECK:         %[[B:.*]] = memref.alloc() : memref<f64>
// CHECK:         memref.copy %[[A]], %[[B]]
// CHECK:         return %[[A]], %[[B]]
func.func @scalar_buffer() -> (memref<f64>, memref<f64>) {
  %a = memref.alloc() : memref<f64>
  return %a, %a : memref<f64>, memref<f64>
}

// -----

// Every return of the function is handled.

// CHECK-LABEL: func.func @branches
// CHECK:         %[[A:.*]] = memref.alloc() : memref<3xi32>
// CHECK:         ^bb1:
// CHECK-NEXT:    %[[B:.*]] = memref.alloc() : memref<3xi32>
// CHECK-NEXT:    memref.copy %[[A]], %[[B]]
// CHECK-NEXT:    return %[[A]], %[[B]]
// CHECK:         ^bb2:
// CHECK-NEXT:    %[[C:.*]] = memref.alloc() : memref<3xi32>
// CHECK-NEXT:    return %[[C]], %[[A]]
func.func @branches(%c: i1) -> (memref<3xi32>, memref<3xi32>) {
  %a = memref.alloc() : memref<3xi32>
  cf.cond_br %c, ^a, ^b
^a:
  return %a, %a : memref<3xi32>, memref<3xi32>
^b:
  // Not a repetition within this return: untouched.
  %b = memref.alloc() : memref<3xi32>
  return %b, %a : memref<3xi32>, memref<3xi32>
}

// -----

// Repeated arguments and views are not allocations: the out-parameter pass
// copies each into its out-parameter, so they are left alone; distinct values
// that alias (a view of a result) too.

// CHECK-LABEL: func.func @not_allocations
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.copy
// CHECK:         return %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
// OUT-LABEL: func.func @not_allocations
// OUT-COUNT-4:   memref.copy
// OUT-NOT:       memref.copy
// OUT:           return
func.func @not_allocations(%x: memref<8xf32>) -> (memref<8xf32>, memref<8xf32>, memref<2x4xf32>, memref<2x4xf32>) {
  %v = memref.expand_shape %x [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  return %x, %x, %v, %v : memref<8xf32>, memref<8xf32>, memref<2x4xf32>, memref<2x4xf32>
}

// CHECK-LABEL: func.func @views
// CHECK-NOT:     memref.copy
// CHECK:         return
func.func @views(%x: memref<8xf32>) -> (memref<8xf32>, memref<2x4xf32>, memref<8xf32>) {
  %a = memref.alloc() : memref<8xf32>
  %v = memref.expand_shape %a [[0, 1]] output_shape [2, 4] : memref<8xf32> into memref<2x4xf32>
  return %a, %v, %x : memref<8xf32>, memref<2x4xf32>, memref<8xf32>
}

// -----

// A repeated allocation whose layout cannot be allocated with the identity
// layout and cast back is a diagnostic, not a crash.

func.func @static_offset() -> (memref<4xf32, strided<[1], offset: 2>>, memref<4xf32, strided<[1], offset: 2>>) {
  %a = memref.alloc() : memref<4xf32, strided<[1], offset: 2>>
  // expected-error @+1 {{'func.return' op result #1 repeats a buffer of type 'memref<4xf32, strided<[1], offset: 2>>' that cannot be reallocated}}
  return %a, %a : memref<4xf32, strided<[1], offset: 2>>, memref<4xf32, strided<[1], offset: 2>>
}
