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

def SeqPrivateEmptyTensors : Pass<"seq-private-empty-tensors"> {
  let summary = "Give each parallel tile its own copy of the empty tensors it fills";
  let description = [{
    CSE merges equal `tensor.empty` ops, including one inside an
    `scf.forall` body with an equal one above it. One-shot bufferization then
    allocates a single buffer outside the parallel loop, and every thread
    uses it as scratch at the same time: a data race (seen with the chunked
    EMA's per-step tensors). An empty tensor has no contents, so this pass
    clones each `tensor.empty` into every `scf.forall` body that uses it
    from outside: each iteration (each thread) gets its own buffer, which
    the pipeline later puts on that thread's stack when it is small.
    Likewise a `linalg.fill` of an empty tensor that CSE left with several
    destination users (two FFT stages of one shape accumulating into one
    zero tensor) is cloned per user that writes into it or returns it:
    otherwise bufferization fills one buffer and copies it for the other
    user. Readers share the one tensor (a clone before a reader inside a
    loop recomputed it in every iteration: Bluestein's chirp of cosines,
    once per element, 83 s for one 65521-point FFT), and producers with
    transcendental math are never cloned. And an empty tensor that
    initializes several iter_args of one `scf.for` is cloned per extra
    iter_arg: one-shot bufferization (MLIR 22) can give such iter_args one
    buffer although each iteration writes and reads all of them (wrong
    results). Runs right before bufferization.

    Example:
    ```mlir
    %e = tensor.empty() : tensor<2xf32>
    scf.forall (%i) in (4) { ... linalg.generic ... outs(%e ...) ... }
    ```
    becomes
    ```mlir
    scf.forall (%i) in (4) {
      %e = tensor.empty() : tensor<2xf32>
      ... linalg.generic ... outs(%e ...) ...
    }
    ```
    and `%z = linalg.fill ins(%c0) outs(%e)` used as the accumulator of two
    `linalg.matmul` ops becomes two fills of two empty tensors.
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
    Bluestein's algorithm: a chirp multiply and a circular convolution of
    the power-of-two size M >= 2N - 1 done with the same stages, kept in the permuted
    layout, the chirp's spectrum computed once per call. So the only direct
    DFT is a single stage of at most `max-stage` points: no O(N^2) work for
    larger N.

    Conjugate pairs (`conjugate-pairs`, on by default): a forward stage of
    Nj >= 4 points uses F[Nj - p] = conj F[p]. Its GEMM takes each plane
    apart against the Nj real rows Fr (p = 0 .. Nj/2) and Fi (p = 1 ..
    (Nj-1)/2) - half the multiply-adds of the (2 Nj x 2 Nj) block matrix -
    and the pass after it forms F[p] x = Fr x + i Fi x and F[Nj - p] x =
    Fr x - i Fi x: the twiddle multiply for inner stages (one generic for
    p <= Nj/2, an `scf.for` over the mirrored digits Nj - q, whose rows q
    are read forward), and for the last stage of a natural-order result a
    generic after the transpose, which then moves the last stage's input
    instead of its output. A pair stage of 16 points or more whose digits
    are all present (not a zero-extended first stage) also pairs its
    columns: one pass forms u_a = x_a + x_{Nj-a} and v_a = x_a - x_{Nj-a},
    and Fr x = C u, Fi x = S v are a (Nj/2 + 1)^2 and a ((Nj-1)/2)^2 GEMM
    (9 x 9 and 7 x 7 at Nj = 16: half the multiply-adds again). Inverse
    stages (the mirror of a convolution) keep the block matrix.

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

    With `block-bytes` > 0, a batch of rows is cut into blocks whose
    transform keeps its working set (about sixteen copies of the block's
    planes: each stage's GEMM output and combine, the conversions, the
    transpose) within that many bytes, e.g. the L2 cache (a row larger than
    that is a block of its own; there are at least two blocks, a single
    transform is not cut): the stages run on
    one block at a time, in an `scf.forall` over the blocks, instead of
    each stage passing over the whole batch in memory. The stages inside
    are scheduled sequentially (the blocks are the parallel work). Rows
    that outgrow the budget themselves are split after their first stage
    (four-step): the later stages are independent transforms of N / N1
    points per first digit, which run in an `scf.for` over groups of them
    sized to the budget (the inverse stages mirror it).
    ```mlir
    %r = scf.forall (%i) in (64) shared_outs(%o = %e) -> (tensor<128x16384xcomplex<f32>>) {
      %xi = tensor.extract_slice %x[%i * 2, 0] [2, 16384] [1, 1] ...
      ...   // the stages of two rows
    }
    ```
  }];
  let options = [
    Option<"radix", "radix", "int64_t", "16",
           "Largest power-of-two stage (a 2r x 2r real GEMM)">,
    Option<"maxStage", "max-stage", "int64_t", "64",
           "Largest stage of any size; larger prime factors use Bluestein">,
    Option<"blockBytes", "block-bytes", "int64_t", "0",
           "Cache budget of one block of rows transformed together "
           "(0: every stage over the whole batch)">,
    Option<"conjugatePairs", "conjugate-pairs", "bool", "true",
           "Forward stages of 4 points or more as conjugate pairs (half "
           "the GEMM rows, combined by the pass after them)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqDecomposeLongConv : Pass<"seq-decompose-long-conv"> {
  let summary = "Long convolutions: direct, FFT, or overlap-add FFT by a cost rule";
  let description = [{
    Rewrites `seq.long_conv` with static shapes. With K' = min(K, L) taps
    that can reach an output (later taps never do), three lowerings compute
    the same values:

    * **direct**: one `linalg.generic` reducing over the taps of the
      front-padded input, vectorizable across channels — K' multiply-adds
      per output;
    * **FFT**: the sequence zero-padded to the power of two N >= L + K' - 1
      (so the circular convolution does not wrap; N >= 2L - 1 for K >= L;
      smooth sizes with odd factors pad less but their stages measure 3-15x
      slower per point), forward
      FFT stages straight from the (B, L, C) layout (channels trailing, no
      transpose), a pointwise product with the filter's spectrum in the
      digit-reversed layout, and the inverse stages back to natural order,
      keeping only the first L outputs and their real part;
    * **overlap-add**: the same on blocks of Lb = Nb - K' + 1 inputs with an
      FFT of size Nb, the tails of the blocks (K' - 1 outputs) added to the
      next block.

    The filter's spectrum is computed once per call and shared by the batch
    and the blocks; 1/N is folded into it. With an even number of channels,
    channel c and c + C/2 travel as the real and imaginary parts of one
    complex signal (half the transforms), and so do their filters (one
    transform W of k_c + i k_{c+C/2}); the product
    Y[f] = Z[f] (A + B)[f] / 2 + conj(Z[-f]) (A - B)[f] / 2 separates them,
    with (A + B) / 2 and (A - B) / 2 formed from W[f] and conj(W[-f]) in
    the same generics, the partner -f being piecewise affine in the
    digit-reversed layout. The pregate (w = u * pregate),
    the skip term (+ D * w) and the postgate are fused into the input and
    output generics. `method = direct` or `fft` (one block) overrides the
    rule; `auto` takes the cheapest by the cost rule (real multiply-adds per
    output and channel): direct costs `direct-tap-cost` x K'; an FFT of size
    N on blocks of Lb costs (forward + inverse + product) x N / Lb plus the
    filter's transform spread over the batch, with the per-point cost of the
    FFT stages from seq-decompose-fft's plan. `block-size` forces the
    overlap-add FFT size (0: the rule chooses).

    With `cache-bytes` > 0, a whole-sequence FFT convolution of paired
    channels runs with the channel pairs as rows instead: one transpose
    makes (B C/2, 2, L) rows, and an `scf.forall` over blocks of rows (as
    many as fit `cache-bytes`, at least one) runs each block's forward
    stages, the transform of its own filter pairs, the product and the inverse
    stages while the block stays in one core's cache; a transpose puts the
    channels back last. Without it every stage streams the whole
    (2N, C/2) spectrum through memory. Rows that outgrow `cache-bytes`
    themselves run the stages after the first (and the inverse stages
    before the last) group by group over their sub-rows, as
    seq-decompose-fft's `block-bytes` does.

    A filter given as its spectrum rfft(k, n) (a complex (C, n/2 + 1)
    `filter`) fixes the plan to one FFT of size n and skips the filter's
    transform: its bins are gathered straight into the digit-reversed
    layout of the data's stages (conjugates above n/2, channels c and
    c + C/2 as one complex filter, 1/n folded in). A
    size n with a prime factor above `max-stage` uses natural-order
    (Bluestein) transforms of each (batch, channel) row.

    Example: a Hyena-style conv with the filter as long as the sequence,
    ```mlir
    %y = seq.long_conv ins(%u, %k : tensor<1x1000x64xf32>, tensor<64x1000xf32>)
        skip(%d : tensor<64xf32>) outs(%e : tensor<1x1000x64xf32>) -> tensor<1x1000x64xf32>
    ```
    becomes an FFT of size 2000 (10 x 10 x 10 x 2) on (1, 2000, 32) complex
    data (channel pairs) whose first stage contracts only the 5 of 10
    leading digits that hold data, the product with the filter spectrum,
    the inverse stages producing the first 1000 outputs, and one generic
    adding D * u.
  }];
  let options = [
    Option<"radix", "radix", "int64_t", "16",
           "Largest power-of-two FFT stage (see seq-decompose-fft)">,
    Option<"maxStage", "max-stage", "int64_t", "64",
           "Largest FFT stage of any size">,
    Option<"directTapCost", "direct-tap-cost", "double", "1.0",
           "Cost of one direct tap in FFT-GEMM multiply-adds">,
    Option<"cacheBytes", "cache-bytes", "int64_t", "0",
           "Cache budget of one block of channel-pair rows convolved "
           "together (0: channels-last stages over the whole sequence)">,
    Option<"blockSize", "block-size", "int64_t", "0",
           "Overlap-add FFT size for method=auto (0: by the cost rule)">,
    Option<"conjugatePairs", "conjugate-pairs", "bool", "true",
           "Forward FFT stages of the full radix as conjugate pairs (see seq-decompose-fft)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqChunkScan : Pass<"seq-chunk-scan"> {
  let summary = "seq.scan as channel-vectorized time loops, chunked across cores";
  let description = [{
    Rewrites `seq.scan` with static shapes (real or complex, forward or
    reverse) into a time loop whose body is one `linalg.generic` over a
    block of channels (the state dimensions, flattened), so the recurrence
    h = a h + b runs across vector lanes, with the blocks of channels in an
    `scf.forall`. When the batch and channels give fewer than
    `parallel-work` blocks, time is split into chunks too, using the
    associativity of the recurrence,
    (a1, b1) o (a0, b0) = (a1 a0, a1 b0 + b1):

    1. every (chunk, channel block) in parallel reduces its chunk to a
       summary (A, B) = (prod a, local scan from 0);
    2. a short sequential loop over the chunk summaries, vectorized over
       all channels, gives the state entering every chunk
       (H_c = A_c H_{c-1} + B_c from `initial`);
    3. every (chunk, channel block) in parallel reruns its chunk from its
       entering state and writes the states.

    That costs two reads of the inputs instead of one, so it is used only
    when channels alone cannot occupy the cores. With many channels, blocks
    grow (doubling, dividing the channels) up to `max-channel-block` while
    they still give `parallel-work` items: each time step then reads and
    writes longer contiguous runs of the (L, C) rows instead of a few
    vectors at a stride of C (hardware prefetch and TLB reach work per
    page; 64K steps x 4096 channels: 64-channel blocks 300 ms, 512-channel
    blocks 175 ms on two cores). With `prefetch-distance`, every step first
    prefetches (into L2, one per 64-byte line) the a and b rows and, for
    writing, the state row that many steps later: each step's rows start
    pages the hardware prefetchers have not seen. `final` is the last
    state written (h_{L-1}, or h_0 in reverse). f16/bf16 data is computed in
    f32, complex data with complex arithmetic.

    Example (`chunk-size=1024 parallel-work=8`):
    ```mlir
    %h, %last = seq.scan ins(%a, %b : tensor<1x65536x64xf32>, tensor<1x65536x64xf32>)
        outs(%s0, %f0 : tensor<1x65536x64xf32>, tensor<1x64xf32>) -> tensor<1x65536x64xf32>, tensor<1x64xf32>
    ```
    becomes
    ```mlir
    %sum:2 = scf.forall (%b, %c, %j) in (1, 64, 1) ... {   // chunk summaries
      scf.for %t ... { linalg.generic ... -> tensor<64xf32>, tensor<64xf32> }
    }
    %in:2 = scf.for %c = 0 to 64 ... { linalg.generic ... -> tensor<1x64xf32> }
    %states = scf.forall (%b, %c, %j) in (1, 64, 1) ... {
      scf.for %t ... { linalg.generic ... -> tensor<64xf32>; tensor.insert_slice ... }
    }
    ```
  }];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", "0",
           "Time chunk length (0: by the rule from parallel-work)">,
    Option<"channelBlock", "channel-block", "int64_t", "64",
           "Channels per work item (the vectorized generic's extent)">,
    Option<"parallelWork", "parallel-work", "int64_t", "8",
           "Work items wanted; time is chunked when channel blocks are fewer">,
    Option<"minChunk", "min-chunk", "int64_t", "256",
           "Shortest time chunk the rule makes">,
    Option<"maxChannelBlock", "max-channel-block", "int64_t", "0",
           "Largest channel block when many channels let blocks grow past "
           "channel-block (0: no growth)">,
    Option<"prefetchDistance", "prefetch-distance", "int64_t", "0",
           "Prefetch the a, b and state rows this many steps ahead (0: no "
           "prefetch)">,
  ];
  let dependentDialects = [
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqChunkEma : Pass<"seq-chunk-ema"> {
  let summary = "seq.ema as a channel-vectorized recurrence, chunked across cores";
  let description = [{
    Rewrites `seq.ema` (MEGA's damped EMA and MEGALODON's complex EMA) with
    static shapes. The coefficients u, q, eta of every (d, n) are computed
    in f64 and rounded once (as the reference does); the state of a block
    of channels is kept as (N, channel block) planes (real and, for the
    complex EMA, imaginary), so one `linalg.generic` per four time steps
    (the last length mod 4 one at a time) updates h = q h + u x across the
    channels in vector lanes and reduces each step's y = Re(sum_n eta h) +
    omega x over n, reading every state and coefficient once for the four
    steps. Without `initial` the state is kept as h / u (x enters as it is,
    the output weight is u eta, the final state is multiplied back by u).
    With one batch row and no time chunks each work item computes the
    (N, block) coefficients of its channels into buffers of its own (in
    parallel), else they are computed once and each work item copies its
    blocks (rows of (N, D) planes 4 D bytes apart would share L1 sets), and with `prefetch-distance` every step
    prefetches the x row it will read and the y row it will write that many
    steps later (a block's rows are a page apart at D = 1024, beyond the
    hardware prefetchers). Blocks of channels run in an
    `scf.forall`; when they cannot occupy the cores (`parallel-work`), time
    is chunked as in seq-chunk-scan: chunk-local end states from zero in
    parallel, a sequential pass H_c = q^Q H_{c-1} + h_c over the chunks
    (q^Q from f64), then every chunk again from its entering state; the
    chunked form computes the coefficients of all channels once, before
    its loops, and copies each work item's blocks.

    The other form is a causal convolution with the EMA's kernel,
    k[d, t] = Re sum_n u eta q^t, plus omega x: without `initial` and
    `final` (which the kernel form does not carry) and when the cost rule
    finds it cheaper (times `fft-cost-scale`), the kernel is generated by
    one batched GEMM per channel over factored powers
    (q^{th S + tl} = q^{th S} q^{tl}, powers in f64) and the op becomes a
    `seq.long_conv` with `method = fft` and `skip = omega`, lowered by
    seq-decompose-long-conv. Cost per output and channel: the recurrence
    about 6 N (complex) or 3 N (damped) operations per batch row; the
    convolution (2 fft(n) + 6) n / L per batch row plus the kernel's 4 N per
    channel step shared by the batch, fft(n) the FFT stages' cost of the
    smooth n >= 2L - 1. With the FFTs as GEMM stages the convolution wins
    only for large N x B (not at MEGALODON's N = 16).

    Example (`channel-block=64`): a CEMA over (1, 4096, 1024) becomes
    ```mlir
    %y = scf.forall (%b, %c, %j) in (1, 1, 16) shared_outs(...) {
      %coef:5 = linalg.generic ...             // u, q, u eta in f64, rounded: (16, 64)
      scf.for %p = 0 to 1024 ... {             // four steps at a time
        linalg.generic ...                     // y rows = omega x, four times
        linalg.generic {iterator_types = ["reduction", "parallel"]} ...
            -> tensor<16x64xf32>, tensor<16x64xf32>, tensor<64xf32> x 4
      }
      scf.for ...                              // the last length mod 4 steps
    }
    ```
  }];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", "0",
           "Time chunk length (0: by the rule from parallel-work)">,
    Option<"channelBlock", "channel-block", "int64_t", "64",
           "Channels per work item">,
    Option<"parallelWork", "parallel-work", "int64_t", "8",
           "Work items wanted; time is chunked when channel blocks are fewer">,
    Option<"minChunk", "min-chunk", "int64_t", "256",
           "Shortest time chunk the rule makes">,
    Option<"radix", "radix", "int64_t", "16",
           "FFT radix of the convolution form (for its cost)">,
    Option<"maxStage", "max-stage", "int64_t", "64",
           "Largest FFT stage of the convolution form (for its cost)">,
    Option<"fftCostScale", "fft-cost-scale", "double", "1.0",
           "Factor on the convolution form's cost (0: use it where allowed)">,
    Option<"prefetchDistance", "prefetch-distance", "int64_t", "0",
           "Prefetch the input rows this many steps ahead (0: no prefetch)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqChunkLinearAttention : Pass<"seq-chunk-linear-attention"> {
  let summary = "Chunked linear attention: intra-chunk masked GEMMs plus inter-chunk state";
  let description = [{
    Rewrites `seq.linear_attention` with static shapes, every form it has —
    plain, normalized (Based), with a non-causal prefix (JRT-RNN), with a
    scalar per-head decay (Mamba-2 SSD) or a per-key decay (GLA) — into the
    chunked algorithm (OPS.md §5, §7): the sequence is cut into chunks of
    `chunk-size` (zero-padded at the end), and with G the cumulative log
    decay within a chunk,

    ```
    A      = (Q K^T) ⊙ D,  D[i,j] = exp(G_i - G_j) for j <= i, else 0
    out    = scale (A V + (Q ⊙ e^G) S_prev)     [/ (scale (rowsum A + (Q ⊙ e^G) z_prev) + eps)]
    S_next = e^{G_last} ⊙ S_prev + (K ⊙ e^{G_last - G})^T V,   z likewise with V = 1
    ```
    with `linalg.matmul` GEMMs (Q K^T, A V, (Q e^G) S, (K e^{..})^T V) and
    generics for masks, decays and the normalizer. Every exponent is <= 0.
    For the per-key decay the intra-chunk A cannot be one GEMM; it is built
    from sub-chunks of `sub-chunk` rows in the stable reference-point form:
    for a key sub-chunk before the query sub-chunk starting at n,
    A = (Q ⊙ e^{G - G_n}) (K ⊙ e^{G_n - G})^T (a GEMM, both exponents <= 0),
    and the diagonal sub-chunks elementwise. The cumulative sums are GEMMs
    with a lower-triangular ones matrix. The prefix and `initial_state` /
    `initial_normalizer` form the starting state; the final state and
    normalizer are written out.

    When batch x heads give at least `parallel-work` work items, each
    (batch, head) runs its chunks in order in an `scf.forall`, carrying S.
    Otherwise the chunks are parallel too: the per-chunk state updates
    (e^{G_last}, (K e^{..})^T V) in an `scf.forall` over (batch, head,
    chunk), a short sequential pass over the chunks vectorized over all
    heads gives the state entering every chunk, and the outputs of all
    chunks are computed in parallel from those states.

    Example (`chunk-size=64`):
    ```mlir
    %o = seq.linear_attention ins(%q, %k, %v : tensor<1x8x4096x64xf32>, tensor<1x8x4096x64xf32>,
        tensor<1x8x4096x64xf32>) log_decay(%g : tensor<1x8x4096xf32>) outs(%o0 : tensor<1x8x4096x64xf32>)
        -> tensor<1x8x4096x64xf32>
    ```
    becomes an `scf.forall` over the 8 heads, each an `scf.for` over 64
    chunks of 64 with the GEMMs above on (64 x 64) tiles.
  }];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", "64", "Time steps per chunk">,
    Option<"subChunk", "sub-chunk", "int64_t", "16",
           "Rows per sub-chunk of the per-key-decay intra-chunk matrix">,
    Option<"parallelWork", "parallel-work", "int64_t", "8",
           "Work items wanted; chunks run in parallel when heads are fewer">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqChunkTimestepNorm : Pass<"seq-chunk-timestep-norm"> {
  let summary = "Timestep norm as parallel statistics, a chunked Welford prefix and a parallel normalization";
  let description = [{
    Rewrites `seq.timestep_norm` with static shapes (MEGALODON, OPS.md §1.3)
    into three parts:

    1. the per-step group statistics mu_t, v_t (mean, then population
       variance about it) of every (batch, step, group), two reductions over
       the group's features in `linalg.generic`s over the whole sequence;
    2. the running Welford state (count, mean, variance) over time, on the
       (B, L, G) statistics only (D / G times less data than x): a time loop
       whose body is one generic over the groups, with the same
       Kahan-compensated increments as the reference; when the batch rows
       cannot occupy the cores, time is chunked — every chunk's Welford
       state from empty in parallel, a sequential prefix over the chunks
       merging states with Chan's formula (n = na + nb,
       m = ma + d nb / n, s = (na sa + nb sb) / n + d^2 na nb / n^2),
       then every chunk's running state again from the state entering it;
    3. y = (x - m_t) rsqrt(s_t + eps) (weight + 1) + bias in one generic over
       (B, L, D), zero at padded steps.

    Padded steps neither count nor change the state; the final
    (count, mean, var) is written when asked for.

    Example: a (2, 4096, 1024) input with 32 groups and `chunk-size=512`
    becomes two reductions to tensor<2x4096x32xf32>, an `scf.forall` over
    (2, 8) chunk summaries, an `scf.for` over the 8 chunks on (2, 32)
    states, an `scf.forall` over (2, 8) rerunning the chunks, and one
    normalizing generic over tensor<2x4096x32x32xf32>.
  }];
  let options = [
    Option<"chunkSize", "chunk-size", "int64_t", "0",
           "Time chunk length (0: by the rule from parallel-work)">,
    Option<"parallelWork", "parallel-work", "int64_t", "8",
           "Work items wanted; time is chunked when batch rows are fewer">,
    Option<"minChunk", "min-chunk", "int64_t", "256",
           "Shortest time chunk the rule makes">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def SeqApproximateMath : Pass<"seq-approximate-math"> {
  let summary = "Polynomial approximations of exp, log, tanh and erf";
  let description = [{
    Replaces `math.exp`, `expm1`, `log`, `log1p`, `log2`, `tanh` and `erf`
    on f32 (and, through f32, on f16 and bf16) scalars and vectors by
    MLIR's polynomial approximations, which vectorize: a call of libm's
    `expf` costs 2-3.5 ns per element, the polynomial 0.14-0.46 ns (the
    FlashAttention recipe in shared/recipes). Trigonometric functions are
    left to libm, whose argument reduction stays exact for large angles.

    Example: `%e = math.exp %x : vector<16xf32>` becomes a range reduction,
    a polynomial and an exponent insertion on `vector<16xf32>`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def SeqHoistTileBuffers : Pass<"seq-hoist-tile-buffers", "::mlir::func::FuncOp"> {
  let summary = "Allocate the scratch buffers of a tile once, not per iteration";
  let description = [{
    After bufferization every tensor a tile computes in a sequential loop
    (FlashAttention's score tile, per key tile) is a `memref.alloc` inside
    that `scf.for`, i.e. a malloc and free per iteration. This pass moves
    each statically shaped allocation that does not flow out of its
    iteration (through the loop's `scf.yield`, directly or through a view)
    out of the enclosing `scf.for` loops — but never out of an `scf.forall`
    or `scf.parallel` body, whose iterations run on different threads and
    need buffers of their own. `promote-buffers-to-stack` then turns the
    small ones into stack allocations of each thread.

    Example: `scf.for %j ... { %s = memref.alloc() : memref<64x64xf32> ... }`
    becomes `%s = memref.alloc() : memref<64x64xf32>; scf.for %j ... { ... }`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def SeqDistinctResultBuffers
    : Pass<"seq-distinct-result-buffers", "::mlir::func::FuncOp"> {
  let summary = "Give every memref result of a function its own SSA value";
  let description = [{
    After bufferization a function may return one buffer in several result
    positions (`return %y, %y` in the source, or two tensor results that
    bufferized to the same allocation). Each result becomes its own
    caller-owned out-parameter in `buffer-results-to-out-params`, and that
    pass (LLVM 22, with `hoist-static-allocs`) replaces and erases a returned
    allocation the first time it sees it, then reads the erased operation at
    the repeated position (llvm/llvm-project#219492, fixed upstream after
    LLVM 22).

    This pass runs just before it and establishes its precondition: in every
    `func.return`, an operand defined by an allocation
    (`AllocationOpInterface`) that repeats an earlier operand is replaced by
    a fresh allocation holding a copy. The first occurrence keeps the
    original buffer (and so may still be hoisted into its out-parameter);
    each repetition costs one copy, which the distinct out-parameters need
    anyway. Dynamic sizes are taken with `memref.dim`. Other repeated buffers
    (function arguments, views) are left alone: the out-parameter pass copies
    them into each out-parameter already.

    Example:
    ```mlir
    func.func @f() -> (memref<4xf32>, memref<4xf32>) {
      %a = memref.alloc() : memref<4xf32>
      return %a, %a : memref<4xf32>, memref<4xf32>
    }
    ```
    becomes
    ```mlir
    func.func @f() -> (memref<4xf32>, memref<4xf32>) {
      %a = memref.alloc() : memref<4xf32>
      %b = memref.alloc() : memref<4xf32>
      memref.copy %a, %b : memref<4xf32> to memref<4xf32>
      return %a, %b : memref<4xf32>, memref<4xf32>
    }
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def SeqEraseSelfCopies : Pass<"seq-erase-self-copies"> {
  let summary = "Erase memref.copy ops whose source and target are the same memory";
  let description = [{
    Bufferizing a tile written in place into its slice of a loop's result
    (`tensor.insert_slice` / `scf.forall.in_parallel`) leaves a
    `memref.copy` of the tile onto itself when the two views are spelled
    differently: one through `memref.collapse_shape` / `memref.expand_shape`
    of the other, or two equal `memref.subview`s of one buffer.
    Canonicalization only folds a copy of a value onto the same value; these
    copies stay and lower to calls of the runtime's generic strided copy,
    one per time step in a chunked scan (a scan of 64K steps spent most of
    its time there). This pass erases a copy when both sides reach the same
    buffer through reshapes and subviews with equal offsets, sizes and
    strides.

    Example:
    ```mlir
    %c = memref.collapse_shape %row [[0, 1]] : memref<1x64xf32, strided<[?, 1], offset: ?>> into memref<64xf32, strided<[1], offset: ?>>
    %e = memref.expand_shape %c [[0, 1]] output_shape [1, 64] : memref<64xf32, strided<[1], offset: ?>> into memref<1x64xf32, strided<[64, 1], offset: ?>>
    memref.copy %e, %row : memref<1x64xf32, strided<[64, 1], offset: ?>> to memref<1x64xf32, strided<[?, 1], offset: ?>>
    ```
    loses the copy.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def SeqStridedCopies : Pass<"seq-strided-copies"> {
  let summary = "Rewrite strided memref.copy ops of static shapes as linalg.copy";
  let description = [{
    `memref.copy` lowers to `llvm.memcpy` when source and target are each
    one contiguous row-major block, and otherwise to a call of the
    runtime's generic `memrefCopy`, which steps through every element by
    its strides. Bufferization leaves such copies where a tile is padded
    (a GEMM's operands and result when its inner extent is not whole
    vectors) or a slice of a larger buffer is written; an FFT of 5 x 1024
    points spent half its time in them. This pass rewrites every
    `memref.copy` with static shapes where either side is not contiguous
    into a `linalg.copy`, which becomes loops the LLVM backend vectorizes
    along the innermost dimension. Contiguous copies stay (memcpy).

    Example:
    ```mlir
    memref.copy %a, %b : memref<16x8x144xf32> to memref<16x8x144xf32, strided<[1280, 160, 1]>>
    ```
    becomes
    ```mlir
    linalg.copy ins(%a : memref<16x8x144xf32>) outs(%b : memref<16x8x144xf32, strided<[1280, 160, 1]>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def SeqRankPreservingSlices : Pass<"seq-rank-preserving-slices"> {
  let summary = "Rewrite rank-reducing tensor slices as rank-preserving slices and reshapes";
  let description = [{
    Indexing with integers (`x[3, :, 1:3:2]`) gives a rank-reducing
    `tensor.extract_slice` (and storing into such a slice a rank-reducing
    `tensor.insert_slice`). Bufferized, they become rank-reducing
    `memref.subview`s, and MLIR 22 decides which dimensions such a subview
    drops by matching the strides of the *source* against those of the
    result: with a step on a kept dimension (whose result stride is then
    source stride × step) the matching fails, `getDroppedDims` dereferences
    the failure and `expand-strided-metadata` crashes (a SIGSEGV).

    This pass removes rank reduction from tensor slices before
    bufferization: the slice keeps every dimension, and a
    `tensor.collapse_shape` (for `insert_slice`, a `tensor.expand_shape` of
    the inserted value) drops or adds the unit dimensions. The elements and
    types are unchanged; the subviews no longer drop dimensions.

    Example:
    ```mlir
    %s = tensor.extract_slice %x[3, 0, 1] [1, 16, 1] [1, 1, 2]
        : tensor<7x16x7xi64> to tensor<16x1xi64>
    ```
    becomes
    ```mlir
    %f = tensor.extract_slice %x[3, 0, 1] [1, 16, 1] [1, 1, 2]
        : tensor<7x16x7xi64> to tensor<1x16x1xi64>
    %s = tensor.collapse_shape %f [[0, 1], [2]]
        : tensor<1x16x1xi64> into tensor<16x1xi64>
    ```
  }];
}

#endif // SEQ_TRANSFORMS_PASSES_TD
