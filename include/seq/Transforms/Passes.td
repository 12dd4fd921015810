//===- Passes.td - target-independent seq passes -----------*- tablegen -*-===//

#ifndef SEQ_TRANSFORMS_PASSES_TD
#define SEQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SeqReadOnlyArguments : Pass<"seq-read-only-arguments", "::mlir::ModuleOp"> {
  let summary = "Mark tensor arguments of public functions read-only for bufferization";
  let description = [{
    A compiled seq function reads its inputs from caller-owned memory (the
    JIT engine passes NumPy or host arrays by pointer, with no copy). One-shot
    bufferization treats public function arguments as writable and may update
    them in place, which would corrupt the caller's arrays. This pass sets
    `bufferization.writable = false` on every ranked-tensor argument of every
    public `func.func`, so bufferization copies before writing instead.

    Example: after the pass,
    ```mlir
    func.func @f(%x: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32>
    ```
  }];
}

def SeqDecomposeFft : Pass<"seq-decompose-fft"> {
  let summary = "FFTs as stages of DFT-matrix GEMMs (Monarch, mixed radix, Bluestein)";
  let description = [{
    Rewrites `seq.fft`, `seq.ifft`, `seq.rfft` and `seq.irfft` with static
    shapes into tensor IR whose arithmetic is real GEMMs against small
    constant DFT matrices — FlashFFTConv's Monarch decomposition (OPS.md §4).
    A length N = N1 N2 ... Nk is split into stages; stage j is one
    `linalg.batch_matmul` (a `linalg.matmul` when the batch or the inner
    extent is 1) of the (2 Nj x 2 Nj) block matrix [[Fr, -Fi], [Fi, Fr]]
    with the data, real and imaginary parts kept in separate planes, followed
    by a `linalg.generic` that multiplies by the twiddles w_N^{p m} (small
    constant tables) and moves the plane dimension for the next stage. The
    stages leave the spectrum digit-reversed; one `linalg.transpose` puts it
    in natural order. Normalization is folded into the last DFT matrix.

    Stage sizes: powers of two are split into balanced stages of at most
    `radix`; other prime factors up to `max-stage` are stages of their own
    (merged with small factors while the product stays within `radix`). A
    length with a prime factor above `max-stage` (65521, 2 x 4099, ...) uses
    Bluestein's algorithm: a chirp multiply and a circular convolution of a
    smooth size M >= 2N - 1 done with the same stages, kept in the permuted
    layout, the chirp's spectrum computed once per call. So the only direct
    DFT is a single stage of at most `max-stage` points: no O(N^2) work for
    larger N.

    `seq.rfft` of an even length N transforms the half-length complex signal
    z[n] = x[2n] + i x[2n+1] and separates the even and odd halves
    (X[k] = E[k] + w_N^k O[k]); `seq.irfft` of an even length does the
    inverse packing first. Odd lengths use the complex transform with a zero
    imaginary part (and, for irfft, only the real part of the last stage).

    Ops with dynamic shapes are left to the reference lowering. seq-to-cpu
    derives the options from the target model (see docs/Algorithms.md).

    Example: a batch of 8 complex transforms of length 4096 with `radix=16`
    becomes three stages,
    ```mlir
    %y = seq.fft ins(%x : tensor<8x4096xcomplex<f32>>) outs(%e : tensor<8x4096xcomplex<f32>>)
        -> tensor<8x4096xcomplex<f32>>
    ```
    becomes (abridged)
    ```mlir
    %s1 = linalg.batch_matmul ... ins(%F16, %x : tensor<32x32xf32>, tensor<8x32x256xf32>) ...
    %t1 = linalg.generic ...   // twiddles w_4096^{p m}, planes moved
    %s2 = linalg.batch_matmul ... ins(%F16, %t1 : tensor<32x32xf32>, tensor<128x32x16xf32>) ...
    %t2 = linalg.generic ...   // twiddles w_256^{p m}
    %s3 = linalg.matmul ins(%t2, %F16t : tensor<2048x32xf32>, tensor<32x32xf32>) ...
    %n  = linalg.transpose ...  // digit-reversed -> natural order
    ```
  }];
  let options = [
    Option<"radix", "radix", "int64_t", "16",
           "Largest power-of-two stage (a 2r x 2r real GEMM)">,
    Option<"maxStage", "max-stage", "int64_t", "64",
           "Largest stage of any size; larger prime factors use Bluestein">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // SEQ_TRANSFORMS_PASSES_TD
