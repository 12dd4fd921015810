// RUN: seq-opt %s --split-input-file --seq-private-empty-tensors | FileCheck %s
// RUN: seq-opt %s --split-input-file --seq-private-empty-tensors --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF

// An empty tensor above a parallel loop, filled inside it as per-iteration
// scratch (what CSE leaves of the chunked EMA's step tensors): each forall
// body gets its own, so bufferization cannot hand one buffer to every
// thread. The use outside the loop keeps the original.

// CHECK-LABEL: func.func @scratch
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<2xf32>
// CHECK:         linalg.fill ins(%{{.*}}) outs(%[[E]] : tensor<2xf32>)
// CHECK:         scf.forall (
// CHECK-NEXT:      %[[P:.*]] = tensor.empty() : tensor<2xf32>
// CHECK:           linalg.fill ins(%{{.*}}) outs(%[[P]] : tensor<2xf32>)
// CHECK:         scf.forall (
// CHECK-NEXT:      %[[Q:.*]] = tensor.empty() : tensor<2xf32>
// CHECK:           scf.for {{.*}} iter_args(%{{.*}} = %[[Q]])
func.func @scratch(%x: tensor<4x2xf32>, %c: f32) -> (tensor<2xf32>, tensor<4x2xf32>, tensor<4x2xf32>) {
  %e = tensor.empty() : tensor<2xf32>
  %outside = linalg.fill ins(%c : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  %r = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x2xf32>) {
    %f = linalg.fill ins(%c : f32) outs(%e : tensor<2xf32>) -> tensor<2xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %f into %o[%i, 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<4x2xf32>
    }
  }
  %s = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x2xf32>) {
    %c0 = arith.constant 0 : index
    %c3 = arith.constant 3 : index
    %c1 = arith.constant 1 : index
    %acc = scf.for %t = %c0 to %c3 step %c1 iter_args(%a = %e) -> (tensor<2xf32>) {
      %g = linalg.fill ins(%c : f32) outs(%a : tensor<2xf32>) -> tensor<2xf32>
      scf.yield %g : tensor<2xf32>
    }
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %acc into %o[%i, 0] [1, 2] [1, 1] : tensor<2xf32> into tensor<4x2xf32>
    }
  }
  return %outside, %r, %s : tensor<2xf32>, tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Dynamic sizes come along (defined above the loop); an empty used only
// outside parallel loops stays where it is.

// CHECK-LABEL: func.func @dynamic
// CHECK-NOT:     tensor.empty
// CHECK:         scf.forall (
// CHECK-NEXT:      tensor.empty(%{{.*}}) : tensor<?xf32>
func.func @dynamic(%n: index, %x: tensor<4x8xf32>, %c: f32) -> tensor<4x8xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x8xf32>) {
    %f = linalg.fill ins(%c : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    %s = tensor.extract_slice %f[0] [8] [1] : tensor<?xf32> to tensor<8xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%i, 0] [1, 8] [1, 1] : tensor<8xf32> into tensor<4x8xf32>
    }
  }
  return %r : tensor<4x8xf32>
}

// -----

// One zero-filled accumulator that CSE shared between two GEMMs of the same
// shape (two FFT stages): each GEMM gets its own fill of its own empty
// tensor, so bufferization fills two buffers instead of filling one and
// copying it.
// CHECK-LABEL: func.func @shared_fill
// CHECK:         %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK:         %[[F1:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK:         %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK:         %[[F2:.*]] = linalg.fill ins(%{{.*}}) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK:         linalg.matmul {{.*}} outs(%[[F2]] : tensor<4x4xf32>)
// CHECK:         linalg.matmul {{.*}} outs(%[[F1]] : tensor<4x4xf32>)
func.func @shared_fill(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %c0 = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %z = linalg.fill ins(%c0 : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %p = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
  %q = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%z : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %p, %q : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// One empty tensor initializing two iter_args (what CSE leaves of two rows
// of y sums): each extra iter_arg gets its own. Without that, one-shot
// bufferization (MLIR 22) gives this loop, whose rows are also inserted
// into a third iter_arg, ONE buffer for %s0 and %s1 (BUF checks two).
// CHECK-LABEL: func.func @loop_inits
// CHECK:         %[[E0:.*]] = tensor.empty() : tensor<5xf32>
// CHECK:         %[[E1:.*]] = tensor.empty() : tensor<5xf32>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %[[E0]], %{{.*}} = %[[E1]])
// BUF-LABEL:   func.func @loop_inits
// BUF:           %[[A0:alloc[_0-9]*]] = memref.alloc() {{.*}} : memref<5xf32>
// BUF:           %[[A1:alloc[_0-9]*]] = memref.alloc() {{.*}} : memref<5xf32>
// BUF:           scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %[[A0]], %{{.*}} = %[[A1]])
#m1 = affine_map<(d0, d1) -> (d0, d1)>
#m4 = affine_map<(d0) -> (d0)>
#m5 = affine_map<(d0, d1) -> (d1)>
func.func @loop_inits(%x: tensor<1x4x5xf32>, %q: tensor<2x5xf32>, %er: tensor<2x5xf32>,
                      %om: tensor<5xf32>, %h0: tensor<2x5xf32>, %y: tensor<4x5xf32>)
    -> (tensor<4x5xf32>, tensor<2x5xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %e = tensor.empty() : tensor<5xf32>
  %r:4 = scf.for %i = %c0 to %c2 step %c1 iter_args(%h = %h0, %t = %y, %s0 = %e, %s1 = %e)
      -> (tensor<2x5xf32>, tensor<4x5xf32>, tensor<5xf32>, tensor<5xf32>) {
    %t0 = affine.apply affine_map<(d0) -> (d0 * 2)>(%i)
    %t1 = affine.apply affine_map<(d0) -> (d0 * 2 + 1)>(%i)
    %x0 = tensor.extract_slice %x[0, %t0, 0] [1, 1, 5] [1, 1, 1] : tensor<1x4x5xf32> to tensor<5xf32>
    %x1 = tensor.extract_slice %x[0, %t1, 0] [1, 1, 5] [1, 1, 1] : tensor<1x4x5xf32> to tensor<5xf32>
    %a = linalg.generic {indexing_maps = [#m4, #m4, #m4], iterator_types = ["parallel"]}
        ins(%x0, %om : tensor<5xf32>, tensor<5xf32>) outs(%s0 : tensor<5xf32>) {
    ^bb0(%p: f32, %o: f32, %u: f32):
      %m = arith.mulf %p, %o : f32
      linalg.yield %m : f32
    } -> tensor<5xf32>
    %b = linalg.generic {indexing_maps = [#m4, #m4, #m4], iterator_types = ["parallel"]}
        ins(%x1, %om : tensor<5xf32>, tensor<5xf32>) outs(%s1 : tensor<5xf32>) {
    ^bb0(%p: f32, %o: f32, %u: f32):
      %m = arith.mulf %p, %o : f32
      linalg.yield %m : f32
    } -> tensor<5xf32>
    %s:3 = linalg.generic {indexing_maps = [#m5, #m5, #m1, #m1, #m1, #m5, #m5],
                           iterator_types = ["reduction", "parallel"]}
        ins(%x0, %x1, %q, %er : tensor<5xf32>, tensor<5xf32>, tensor<2x5xf32>, tensor<2x5xf32>)
        outs(%h, %a, %b : tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>) {
    ^bb0(%p0: f32, %p1: f32, %qq: f32, %ee: f32, %hh: f32, %y0: f32, %y1: f32):
      %n0 = math.fma %qq, %hh, %p0 : f32
      %c0v = arith.mulf %ee, %n0 : f32
      %z0 = arith.addf %y0, %c0v : f32
      %n1 = math.fma %qq, %n0, %p1 : f32
      %c1v = arith.mulf %ee, %n1 : f32
      %z1 = arith.addf %y1, %c1v : f32
      linalg.yield %n1, %z0, %z1 : f32, f32, f32
    } -> (tensor<2x5xf32>, tensor<5xf32>, tensor<5xf32>)
    %w0 = tensor.insert_slice %s#1 into %t[%t0, 0] [1, 5] [1, 1] : tensor<5xf32> into tensor<4x5xf32>
    %w1 = tensor.insert_slice %s#2 into %w0[%t1, 0] [1, 5] [1, 1] : tensor<5xf32> into tensor<4x5xf32>
    scf.yield %s#0, %w1, %s#1, %s#2 : tensor<2x5xf32>, tensor<4x5xf32>, tensor<5xf32>, tensor<5xf32>
  }
  return %r#1, %r#0 : tensor<4x5xf32>, tensor<2x5xf32>
}

// -----

// A tensor of cosines of indices alone (Bluestein's chirp), read inside a
// forall of many iterations and by an op after it. Readers share the one
// tensor: a clone right before the reader in the loop recomputed the whole
// chirp in every iteration (65521-point FFTs took 83 s). Producers of
// transcendental math are not cloned for writers either.
// CHECK-LABEL: func.func @chirp_read_in_loop
// CHECK:         math.cos
// CHECK-NOT:     math.cos
// CHECK:         return
func.func @chirp_read_in_loop(%x: tensor<64xf32>) -> (tensor<64xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xf32>
  %chirp = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%e : tensor<64xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %f = arith.sitofp %ii : i64 to f32
    %c = math.cos %f : f32
    linalg.yield %c : f32
  } -> tensor<64xf32>
  %r = scf.forall (%i) in (64) shared_outs(%o = %x) -> (tensor<64xf32>) {
    %ci = tensor.extract_slice %chirp[%i] [1] [1] : tensor<64xf32> to tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %ci into %o[%i] [1] [1] : tensor<1xf32> into tensor<64xf32>
    }
  }
  %e2 = tensor.empty() : tensor<64xf32>
  %s = linalg.add ins(%chirp, %x : tensor<64xf32>, tensor<64xf32>) outs(%e2 : tensor<64xf32>) -> tensor<64xf32>
  %w = linalg.add ins(%x, %x : tensor<64xf32>, tensor<64xf32>) outs(%chirp : tensor<64xf32>) -> tensor<64xf32>
  return %r, %w : tensor<64xf32>, tensor<64xf32>
}

// -----

// A fill read inside a forall and written by an op after it (its first
// use, which keeps the original): the reader shares the fill, no clone
// inside the loop.
// CHECK-LABEL: func.func @fill_read_in_loop
// CHECK:         linalg.fill
// CHECK-NOT:     linalg.fill
// CHECK:         return
func.func @fill_read_in_loop(%x: tensor<64xf32>, %c: f32) -> (tensor<64xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<64xf32>
  %z = linalg.fill ins(%c : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %r = scf.forall (%i) in (64) shared_outs(%o = %x) -> (tensor<64xf32>) {
    %zi = tensor.extract_slice %z[%i] [1] [1] : tensor<64xf32> to tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %zi into %o[%i] [1] [1] : tensor<1xf32> into tensor<64xf32>
    }
  }
  %w = linalg.add ins(%x, %x : tensor<64xf32>, tensor<64xf32>) outs(%z : tensor<64xf32>) -> tensor<64xf32>
  return %r, %w : tensor<64xf32>, tensor<64xf32>
}
