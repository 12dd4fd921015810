//===- SeqOps.td - seq operations --------------------------*- tablegen -*-===//
//
// Every op is destination-passing style: `ins(...)` are read, `outs(...)` are
// the destinations the results are written into. On tensors (value
// semantics) result i has the type of outs[i] and an optional result exists
// exactly when its destination is given; on memrefs (buffer semantics, after
// bufferization) the op writes its destinations in place and has no results.
//
// Every op implements TilingInterface: an iteration domain of parallel (and,
// for seq.online_attention, reduction) loops that tiling cuts, the operand
// slices a tile reads and writes, and `generateScalarImplementation` — the
// reference computation of one iteration point, the oracle of every faster
// lowering.
//
// Every op infers the types of its destinations from its inputs
// (InferDestinationTypesOpInterface; lib/Dialect/SeqTypeRules.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_OPS_TD
#define SEQ_OPS_TD

include "SeqDialect.td"
include "SeqAttrs.td"
include "SeqInterfaces.td"
include "mlir/Dialect/Linalg/IR/LinalgInterfaces.td"
include "mlir/Interfaces/DestinationStyleOpInterface.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"
include "mlir/IR/OpBase.td"

/// A seq operand: a ranked tensor (value semantics) or a memref (buffers).
def Seq_Shaped : AnyTypeOf<[AnyRankedTensor, AnyMemRef], "ranked tensor or memref">;

// `seqMethods`: SeqOpInterface methods the op overrides beyond the required.
class Seq_DpsOp<string mnemonic, list<Trait> traits = [],
                list<string> seqMethods = []>
    : Seq_Op<mnemonic, !listconcat(traits, [
        DestinationStyleOpInterface,
        DeclareOpInterfaceMethods<Seq_InferDestinationTypesOpInterface>,
        DeclareOpInterfaceMethods<Seq_OpInterface,
            !listconcat(["getTilingLayout", "prepareReference"], seqMethods)>,
        DeclareOpInterfaceMethods<MemoryEffectsOpInterface>,
        DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface,
            ["reifyResultShapes"]>,
        DeclareOpInterfaceMethods<TilingInterface,
            ["getLoopIteratorTypes", "getIterationDomain",
             "getTiledImplementation", "getResultTilePosition",
             "generateResultTileValue", "generateScalarImplementation"]>])> {
  code dpsDecls = [{
    ::mlir::MutableOperandRange getDpsInitsMutable() { return getOutsMutable(); }
    /// The destination at `index`, or null when the op has fewer.
    ::mlir::Value getOutOrNull(unsigned index) {
      return index < getOuts().size() ? getOuts()[index] : ::mlir::Value();
    }
  }];
  let extraClassDeclaration = dpsDecls;
  // TilingInterface, memory effects and shape reification are generic over
  // the op's TilingLayout (lib/Dialect/SeqTiling.cpp).
  code tilingDefs = [{
    void $cppClass::getEffects(
        ::llvm::SmallVectorImpl<::mlir::SideEffects::EffectInstance<
            ::mlir::MemoryEffects::Effect>> &effects) {
      ::mlir::seq::detail::getDpsEffects(*this, effects);
    }
    ::llvm::LogicalResult $cppClass::reifyResultShapes(::mlir::OpBuilder &b,
        ::mlir::ReifiedRankedShapedTypeDims &shapes) {
      return ::mlir::seq::detail::reifyDpsResultShapes(*this, b, shapes);
    }
    ::llvm::SmallVector<::mlir::utils::IteratorType>
    $cppClass::getLoopIteratorTypes() {
      return getTilingLayout().iterators;
    }
    ::llvm::SmallVector<::mlir::Range>
    $cppClass::getIterationDomain(::mlir::OpBuilder &b) {
      return ::mlir::seq::detail::getIterationDomain(*this, b);
    }
    ::llvm::LogicalResult $cppClass::getResultTilePosition(
        ::mlir::OpBuilder &b, unsigned resultNumber,
        ::llvm::ArrayRef<::mlir::OpFoldResult> offsets,
        ::llvm::ArrayRef<::mlir::OpFoldResult> sizes,
        ::llvm::SmallVector<::mlir::OpFoldResult> &resultOffsets,
        ::llvm::SmallVector<::mlir::OpFoldResult> &resultSizes) {
      return ::mlir::seq::detail::getResultTilePosition(
          *this, b, resultNumber, offsets, sizes, resultOffsets, resultSizes);
    }
    ::llvm::FailureOr<::mlir::TilingResult>
    $cppClass::generateResultTileValue(::mlir::OpBuilder &b,
        unsigned resultNumber, ::llvm::ArrayRef<::mlir::OpFoldResult> offsets,
        ::llvm::ArrayRef<::mlir::OpFoldResult> sizes) {
      return ::mlir::seq::detail::generateResultTileValue(
          *this, b, resultNumber, offsets, sizes);
    }
    ::llvm::LogicalResult $cppClass::generateScalarImplementation(
        ::mlir::OpBuilder &b, ::mlir::Location loc, ::mlir::ValueRange ivs) {
      return ::mlir::seq::detail::generateScalarImplementation(*this, b, loc,
                                                                ivs);
    }
  }];
  code genericTiledImplementation = [{
    ::llvm::FailureOr<::mlir::TilingResult>
    $cppClass::getTiledImplementation(::mlir::OpBuilder &b,
        ::llvm::ArrayRef<::mlir::OpFoldResult> offsets,
        ::llvm::ArrayRef<::mlir::OpFoldResult> sizes) {
      return ::mlir::seq::detail::getTiledImplementation(*this, b, offsets,
                                                          sizes);
    }
  }];
  let extraClassDefinition = tilingDefs # genericTiledImplementation;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// seq.attention
//===----------------------------------------------------------------------===//

// The operands, attributes and regions seq.attention and seq.online_attention
// share, and what the two do with them.
defvar attentionMaskDoc = [{
    Query row i sits at position p(i) = query_position + i and key j at
    position k(j) = key_position + j. Without `positions(...)`,
    query_position = Lk - Lq and key_position = 0: bottom-right alignment, as
    FlashAttention 2.1+. Explicit positions place a block of a longer
    sequence (a query chunk, a KV shard of ring attention, decoding after a
    cache of length c with query_position = c). The `mask` kind decides
    allowed(i, j) from the positions:

    | mask | allowed(i, j) with p = p(i), k = k(j) | attribute |
    |---|---|---|
    | none | always | |
    | causal | k <= p | |
    | sliding_window | p - left <= k <= p + right | `window = array<i64: left, right>` |
    | chunk_causal | k <= p and k / c == p / c | `chunk_size = c` |
    | chunk | k / c == p / c (bidirectional within the chunk) | `chunk_size = c` |
    | prefix | k < M or k <= p | `prefix_length = M` |

    Divisions round down (p < 0 when Lq > Lk). A window side of -1 is
    unbounded, as in FlashAttention: `window = array<i64: -1, 0>` is causal.

    With a `mask_mod` region, `(b, h, i, j: index) -> i1`, allowed(i, j) is
    also ANDed with its yield. With a `score_mod` region,
    `(score, b, h, i, j) -> score` in the accumulation type, each scaled
    score is replaced by its yield. The region arguments are the op's own
    indices: batch b, query head h, query row i, key j (tiling adds the
    tile's offsets, so a tiled op sees the indices of the whole problem).
    The regions are not isolated from above: they may read values of the
    enclosing function, such as tensors indexed with (b, h, i, j) through
    `tensor.extract` (per-head ALiBi slopes, relative-position bias tables,
    document ids of packed sequences, key-padding masks). They must not
    write memory: lowerings evaluate them any number of times, in any order,
    and not at all for skipped keys or tiles.

    `scale` defaults to 1/sqrt(E). Hq must be a multiple of Hkv: query head h
    reads key/value head h / (Hq / Hkv) (grouped-query attention).

    Keys and values must be finite, also where masked. The reference
    lowering never reads a masked key; the tiled lowering, like FlashAttention
    and PyTorch's SDPA, multiplies a block's zero weights with its value rows,
    so an inf or NaN in a masked value row of a computed block gives NaN.
}];

def Seq_AttentionOp : Seq_DpsOp<"attention", [AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<AggregatedOpInterface, ["decomposeOperation"]>]> {
  let summary = "softmax attention with GQA, mask kinds, score/mask modifiers";
  let description = [{
    Scaled dot-product softmax attention (FlashAttention semantics, OPS.md §2).

    Shapes: `query` (B, Hq, Lq, E), `key` (B, Hkv, Lk, E), `value`
    (B, Hkv, Lk, Ev); destinations `output` (B, Hq, Lq, Ev) and, optionally,
    `logsumexp` (B, Hq, Lq) in the accumulation type (f32; f64 for f64
    inputs).
  }] # attentionMaskDoc # [{
    ```
    s[i,j]  = scale * sum_e q[i,e] k[j,e]          (then score_mod)
    m_i     = max_{allowed j} s[i,j]
    out[i]  = sum_{allowed j} exp(s[i,j] - m_i) v[j] / sum_{allowed j} exp(s[i,j] - m_i)
    lse[i]  = m_i + log sum_{allowed j} exp(s[i,j] - m_i)
    ```
    A row with no allowed key (or whose allowed scores are all -inf after
    `score_mod`) yields `out = 0` and `lse = +inf`. The logsumexp lets
    partial results over key blocks be merged exactly (split-KV, ring
    attention).

    The iteration domain is (B, Hq, Lq), all parallel: tiling with sizes
    [0, 1, 64] gives tiles of one head and 64 query rows. Its decomposition
    (`transform.structured.decompose_interface`) is `seq.online_attention`
    over all keys from the empty state, then the normalization in linalg.

    Example (causal GQA with logsumexp):
    ```mlir
    %o, %lse = seq.attention
        ins(%q, %k, %v : tensor<2x8x128x64xf32>, tensor<2x2x128x64xf32>, tensor<2x2x128x64xf32>)
        outs(%o0, %l0 : tensor<2x8x128x64xf32>, tensor<2x8x128xf32>)
        {mask = #seq.mask<causal>} -> tensor<2x8x128x64xf32>, tensor<2x8x128xf32>
    ```
    Decoding 16 queries after a cache of 4080 keys (query_position 4080):
    ```mlir
    %o = seq.attention ins(%q, %k, %v : tensor<1x8x16x64xf32>, tensor<1x8x4096x64xf32>, tensor<1x8x4096x64xf32>)
        positions(%c4080, %c0 : index, index)
        outs(%o0 : tensor<1x8x16x64xf32>) {mask = #seq.mask<causal>} -> tensor<1x8x16x64xf32>
    ```
    A soft-capped score, and a document mask reading the document ids
    `%docs : tensor<2x128xi32>` of the enclosing function:
    ```mlir
    %o = seq.attention ins(%q, %k, %v : ...) outs(%o0 : ...)
        score_mod {
        ^bb0(%s: f32, %b: index, %h: index, %i: index, %j: index):
          %c = arith.constant 30.0 : f32
          %d = arith.divf %s, %c : f32
          %t = math.tanh %d : f32
          %r = arith.mulf %t, %c : f32
          seq.yield %r : f32
        }
        mask_mod {
        ^bb0(%b: index, %h: index, %i: index, %j: index):
          %di = tensor.extract %docs[%b, %i] : tensor<2x128xi32>
          %dj = tensor.extract %docs[%b, %j] : tensor<2x128xi32>
          %same = arith.cmpi eq, %di, %dj : i32
          seq.yield %same : i1
        } -> tensor<...>
    ```
  }];
  let arguments = (ins Seq_Shaped:$query, Seq_Shaped:$key,
                       Seq_Shaped:$value,
                       Variadic<Index>:$positions,
                       Variadic<Seq_Shaped>:$outs,
                       OptionalAttr<F64Attr>:$scale,
                       DefaultValuedAttr<Seq_MaskKindAttr,
                                         "::mlir::seq::MaskKind::none">:$mask,
                       OptionalAttr<DenseI64ArrayAttr>:$window,
                       OptionalAttr<I64Attr>:$chunk_size,
                       OptionalAttr<I64Attr>:$prefix_length);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region AnyRegion:$score_mod, AnyRegion:$mask_mod);
  let assemblyFormat = [{
    `ins` `(` $query `,` $key `,` $value `:` type($query) `,` type($key) `,` type($value) `)`
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict
    (`score_mod` $score_mod^)?
    (`mask_mod` $mask_mod^)?
    (`->` type($results)^)?
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = dpsDecls # [{
    ::mlir::Value getOutput() { return getOuts()[0]; }
    ::mlir::Value getLogsumexp() { return getOutOrNull(1); }
    /// The softmax scale: the `scale` attribute or 1/sqrt(E); none when it
    /// depends on a dynamic E (lowerings compute it at run time then).
    std::optional<double> getStaticScale();
  }];
  let extraClassDefinition = tilingDefs # [{
    ::llvm::FailureOr<::mlir::TilingResult>
    $cppClass::getTiledImplementation(::mlir::OpBuilder &b,
        ::llvm::ArrayRef<::mlir::OpFoldResult> offsets,
        ::llvm::ArrayRef<::mlir::OpFoldResult> sizes) {
      return ::mlir::seq::detail::tileAttentionLike(*this, b, offsets, sizes);
    }
  }];
}

//===----------------------------------------------------------------------===//
// seq.online_attention
//===----------------------------------------------------------------------===//

def Seq_OnlineAttentionOp : Seq_DpsOp<"online_attention", [
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<AggregatedOpInterface, ["decomposeOperation"]>],
    ["readsDestinations"]> {
  let summary = "one online-softmax step of attention over a block of keys";
  let description = [{
    Folds the keys of `key`/`value` into a running softmax state, as one
    step of FlashAttention's inner loop (OPS.md §2.1). The destinations are
    the state, in the accumulation type (f32; f64 for f64 inputs):
    `accumulator` (B, Hq, Lq, Ev) — the unnormalized output — and `max`,
    `sum` (B, Hq, Lq). Per query row, over the allowed keys j of this op:

    ```
    s_j  = scale * q . k_j                       (then score_mod)
    m'   = max(m, max_j s_j)
    u    = (m' == -inf) ? 0 : m'                 (FlashAttention's Check_inf)
    acc' = exp(m - u) * acc + sum_j exp(s_j - u) v_j
    sum' = exp(m - u) * sum + sum_j exp(s_j - u)
    ```
    The empty state is acc = 0, max = -inf, sum = 0; after every key block
    the attention output is acc / sum (0 where sum = 0) and the logsumexp
    max + log(sum) (+inf where sum = 0). Shapes, masks and modifiers are
    those of `seq.attention`:
  }] # attentionMaskDoc # [{
    The iteration domain is (B, Hq, Lq, Lk): tiling the key dimension (a
    reduction) threads the state through an scf.for, which is exactly the
    online softmax, so `transform.structured.tile_using_for` with sizes
    [0, 1, 64, 64] is FlashAttention's loop nest. Its decomposition is linalg
    on the tile: the score matmul, the mask and score_mod, the row max, the
    exponentials, the rescale and the P·V matmul.

    Example:
    ```mlir
    %acc, %max, %sum = seq.online_attention
        ins(%q, %k, %v : tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>, tensor<1x4x64x64xf32>)
        positions(%p, %kp : index, index)
        outs(%a0, %m0, %s0 : tensor<1x4x64x64xf32>, tensor<1x4x64xf32>, tensor<1x4x64xf32>)
        {mask = #seq.mask<causal>}
        -> tensor<1x4x64x64xf32>, tensor<1x4x64xf32>, tensor<1x4x64xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$query, Seq_Shaped:$key,
                       Seq_Shaped:$value,
                       Variadic<Index>:$positions,
                       Variadic<Seq_Shaped>:$outs,
                       OptionalAttr<F64Attr>:$scale,
                       DefaultValuedAttr<Seq_MaskKindAttr,
                                         "::mlir::seq::MaskKind::none">:$mask,
                       OptionalAttr<DenseI64ArrayAttr>:$window,
                       OptionalAttr<I64Attr>:$chunk_size,
                       OptionalAttr<I64Attr>:$prefix_length);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region AnyRegion:$score_mod, AnyRegion:$mask_mod);
  let assemblyFormat = [{
    `ins` `(` $query `,` $key `,` $value `:` type($query) `,` type($key) `,` type($value) `)`
    (`positions` `(` $positions^ `:` type($positions) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict
    (`score_mod` $score_mod^)?
    (`mask_mod` $mask_mod^)?
    (`->` type($results)^)?
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = dpsDecls # [{
    ::mlir::Value getAccumulator() { return getOuts()[0]; }
    ::mlir::Value getMax() { return getOutOrNull(1); }
    ::mlir::Value getSum() { return getOutOrNull(2); }
    std::optional<double> getStaticScale();
  }];
  let extraClassDefinition = tilingDefs # [{
    ::llvm::FailureOr<::mlir::TilingResult>
    $cppClass::getTiledImplementation(::mlir::OpBuilder &b,
        ::llvm::ArrayRef<::mlir::OpFoldResult> offsets,
        ::llvm::ArrayRef<::mlir::OpFoldResult> sizes) {
      return ::mlir::seq::detail::tileAttentionLike(*this, b, offsets, sizes);
    }
  }];
}

//===----------------------------------------------------------------------===//
// seq.compose_heads
//===----------------------------------------------------------------------===//

def Seq_ComposeHeadsOp : Seq_DpsOp<"compose_heads",
    [AttrSizedOperandSegments]> {
  let summary = "DCFormer dynamically composed multi-head attention (DCMHA)";
  let description = [{
    Mixes the heads of an attention score or probability tensor `A`
    (B, H, T, S) with a per-(t, s) H x H matrix made of a static part,
    query-wise and key-wise rank-R parts and query-/key-wise diagonal gates
    (DCFormer, OPS.md §6.1), without forming the matrices:

    ```
    out[b,m,t,s] = A[b,m,t,s]
                 + sum_n A[b,n,t,s] W[n,m]                                  (static)
                 + sum_r qw2[b,t,r,m] sum_n A[b,n,t,s] qw1[b,t,r,n]          (query-wise)
                 + sum_r kw2[b,s,r,m] sum_n A[b,n,t,s] kw1[b,s,r,n]          (key-wise)
                 + A[b,m,t,s] qdd[b,t,m] + A[b,m,t,s] kdd[b,s,m]            (gates)
    ```
    Operands: `static` (H, H); `query_w1`, `query_w2` (B, T, R, H);
    `key_w1`, `key_w2` (B, S, R, H); `query_gate` (B, T, H); `key_gate`
    (B, S, H). Each term is present only when its operands are; the w1/w2
    operands of a side come together. DCMHA applies it twice: to the raw
    logits before masking and softmax, and to the probabilities after.

    Example:
    ```mlir
    %y = seq.compose_heads ins(%a : tensor<1x4x16x16xf32>)
        query_w(%qw1, %qw2 : tensor<1x16x2x4xf32>, tensor<1x16x2x4xf32>)
        key_gate(%kdd : tensor<1x16x4xf32>)
        outs(%init : tensor<1x4x16x16xf32>) -> tensor<1x4x16x16xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$scores,
                       Optional<Seq_Shaped>:$static_weight,
                       Optional<Seq_Shaped>:$query_w1,
                       Optional<Seq_Shaped>:$query_w2,
                       Optional<Seq_Shaped>:$key_w1,
                       Optional<Seq_Shaped>:$key_w2,
                       Optional<Seq_Shaped>:$query_gate,
                       Optional<Seq_Shaped>:$key_gate,
                       Variadic<Seq_Shaped>:$outs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $scores `:` type($scores) `)`
    (`static` `(` $static_weight^ `:` type($static_weight) `)`)?
    (`query_w` `(` $query_w1^ `,` $query_w2 `:` type($query_w1) `,` type($query_w2) `)`)?
    (`key_w` `(` $key_w1^ `,` $key_w2 `:` type($key_w1) `,` type($key_w2) `)`)?
    (`query_gate` `(` $query_gate^ `:` type($query_gate) `)`)?
    (`key_gate` `(` $key_gate^ `:` type($key_gate) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
}

//===----------------------------------------------------------------------===//
// seq.scan
//===----------------------------------------------------------------------===//

def Seq_ScanOp : Seq_DpsOp<"scan", [AttrSizedOperandSegments]> {
  let summary = "first-order linear recurrence h_t = a_t * h_{t-1} + b_t";
  let description = [{
    The diagonal linear recurrence behind Mamba-1's selective scan, S4/S5 and
    every diagonal SSM (OPS.md §7.1), elementwise over the state shape S...:

    ```
    h_{-1} = initial (or 0)
    h_t    = a_t * h_{t-1} + b_t            t = 0 .. L-1
    states[:, t] = h_t ;  final = h_{L-1}
    ```
    With `reverse` the recurrence runs from t = L-1 down to 0
    (`h_t = a_t * h_{t+1} + b_t`, `h_L = initial`, `final = h_0`).

    Shapes: `a`, `b` and `states` (B, L, S...) with rank >= 2; `initial` and
    `final` (B, S...). All share one element type, float or complex. The
    recurrence is associative — `(a1, b1) o (a0, b0) = (a1 a0, a1 b0 + b1)` —
    which is what the chunked lowering uses; `initial`/`final` carry state
    across chunks or devices.

    Example:
    ```mlir
    %h, %last = seq.scan ins(%a, %b : tensor<2x64x16xf32>, tensor<2x64x16xf32>)
        initial(%h0 : tensor<2x16xf32>)
        outs(%s0, %f0 : tensor<2x64x16xf32>, tensor<2x16xf32>)
        -> tensor<2x64x16xf32>, tensor<2x16xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$a, Seq_Shaped:$b,
                       Optional<Seq_Shaped>:$initial,
                       Variadic<Seq_Shaped>:$outs,
                       UnitAttr:$reverse);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $a `,` $b `:` type($a) `,` type($b) `)`
    (`initial` `(` $initial^ `:` type($initial) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = dpsDecls # [{
    ::mlir::Value getFinal() { return getOutOrNull(1); }
  }];
}

//===----------------------------------------------------------------------===//
// seq.ema
//===----------------------------------------------------------------------===//

def Seq_EmaOp : Seq_DpsOp<"ema", [AttrSizedOperandSegments]> {
  let summary = "multi-dimensional damped EMA (MEGA) and complex EMA (MEGALODON)";
  let description = [{
    The exponential moving average of MEGA (`kind = damped`, OPS.md §1.1) and
    the complex EMA of MEGALODON (`kind = complex`, §1.2), per channel d with
    an N-dimensional hidden state. Operands are named by role, not by the
    papers' letters: MEGA's code calls the weight logit `delta` and the
    damping logit `alpha`, MEGALODON's calls them `alpha` and `delta`.

    ```
    p[d,n]   = sigmoid(weight_logit[d,n])
    mag[d,n] = 1 - p[d,n] * sigmoid(damping_logit[d,n])
    damped:  q = mag,                                      u = p * beta,
             eta = gamma / sqrt(N)                         gamma (D, N), real state
    complex: q = mag * exp(i (n+1) sigmoid(theta[d]) 2 pi / N),   u = p,
             eta = (gamma[d,n,0] + i gamma[d,n,1]) / sqrt(N)   gamma (D, N, 2), complex state
    h_t[b,d,n] = u[d,n] x[b,t,d] + q[d,n] h_{t-1}[b,d,n]         h_{-1} = initial or 0
    y[b,t,d]   = Re(sum_n eta[d,n] h_t[b,d,n]) + omega[d] x[b,t,d]
    final      = h_{L-1}
    ```
    Shapes: `x`, `y` (B, L, D); `weight_logit`, `damping_logit` (D, N);
    `omega` (D); `beta` (D, N), damped only; `theta` (D), complex only;
    `initial`, `final` (B, D, N), real for damped and complex-typed for
    complex. No activation is applied: MEGA applies silu to the result.

    Example (MEGALODON CEMA with carried state):
    ```mlir
    %y, %h = seq.ema <complex> ins(%x, %wl, %dl, %gamma, %omega :
          tensor<1x256x64xf32>, tensor<64x16xf32>, tensor<64x16xf32>,
          tensor<64x16x2xf32>, tensor<64xf32>)
        theta(%theta : tensor<64xf32>)
        initial(%h0 : tensor<1x64x16xcomplex<f32>>)
        outs(%y0, %h1 : tensor<1x256x64xf32>, tensor<1x64x16xcomplex<f32>>)
        -> tensor<1x256x64xf32>, tensor<1x64x16xcomplex<f32>>
    ```
  }];
  let arguments = (ins Seq_EmaKindAttr:$kind,
                       Seq_Shaped:$input,
                       Seq_Shaped:$weight_logit,
                       Seq_Shaped:$damping_logit,
                       Seq_Shaped:$gamma,
                       Seq_Shaped:$omega,
                       Optional<Seq_Shaped>:$beta,
                       Optional<Seq_Shaped>:$theta,
                       Optional<Seq_Shaped>:$initial,
                       Variadic<Seq_Shaped>:$outs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $kind
    `ins` `(` $input `,` $weight_logit `,` $damping_logit `,` $gamma `,` $omega `:`
          type($input) `,` type($weight_logit) `,` type($damping_logit) `,`
          type($gamma) `,` type($omega) `)`
    (`beta` `(` $beta^ `:` type($beta) `)`)?
    (`theta` `(` $theta^ `:` type($theta) `)`)?
    (`initial` `(` $initial^ `:` type($initial) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = dpsDecls # [{
    ::mlir::Value getFinal() { return getOutOrNull(1); }
    bool isComplex() { return getKind() == ::mlir::seq::EmaKind::complex; }
  }];
}

//===----------------------------------------------------------------------===//
// seq.long_conv
//===----------------------------------------------------------------------===//

def Seq_LongConvOp : Seq_DpsOp<"long_conv", [AttrSizedOperandSegments]> {
  let summary = "causal per-channel long convolution (S4, H3, Hyena, FlashFFTConv)";
  let description = [{
    A causal depthwise convolution with a filter as long as the sequence (or
    any length K >= 1), with the optional skip term and gates of S4D, H3,
    Hyena and FlashFFTConv (OPS.md §3, §4):

    ```
    w[b,l,c] = u[b,l,c] * pregate[b,l,c]                           (or u)
    y[b,l,c] = (sum_{j=0}^{min(l, K-1)} k[c,j] w[b,l-j,c] + D[c] w[b,l,c])
               * postgate[b,l,c]                                     (or 1)
    ```
    Shapes: `input`, `pregate`, `postgate`, `output` (B, L, C); `filter`
    (C, K); `skip` D (C). `method` is a lowering hint — `direct`, `fft`
    (zero-padded to at least 2L so the circular convolution does not wrap), or
    `auto` (a cost rule picks); all compute the same values.

    **Precomputed spectrum.** A complex `filter` (C, F) is the filters'
    spectrum `S = rfft(k, n)` with n = 2 (F - 1) >= L, as FlashFFTConv and
    Hyena cache it (`k_f = rfft(k, n=2L)`): the caller computes it once, e.g.
    with `seq.rfft`, and reuses it across calls. Then

    ```
    y[b,:,c] = (irfft(rfft(w[b,:,c], n) * S[c], n)[:L] + D[c] w[b,:,c]) * postgate
    ```

    the circular convolution of length n with the taps `irfft(S[c], n)`
    (the imaginary parts of bins 0 and n/2 are ignored, as irfft does). It
    equals the causal convolution with k when k has K <= n - L + 1 taps
    (n >= L + K - 1). Lowerings skip the filter's transform; `method` must
    not be `direct`.

    Example (Hyena's long conv with its bias skip):
    ```mlir
    %y = seq.long_conv ins(%u, %k : tensor<2x1024x64xf32>, tensor<64x1024xf32>)
        skip(%d : tensor<64xf32>)
        outs(%y0 : tensor<2x1024x64xf32>) {method = #seq.conv_method<fft>}
        -> tensor<2x1024x64xf32>
    // The same convolution with the filters' spectrum rfft(k, n = 2048).
    %z = seq.long_conv ins(%u, %kf : tensor<2x1024x64xf32>, tensor<64x1025xcomplex<f32>>)
        skip(%d : tensor<64xf32>)
        outs(%y0 : tensor<2x1024x64xf32>) -> tensor<2x1024x64xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$input, Seq_Shaped:$filter,
                       Optional<Seq_Shaped>:$skip,
                       Optional<Seq_Shaped>:$pregate,
                       Optional<Seq_Shaped>:$postgate,
                       Variadic<Seq_Shaped>:$outs,
                       DefaultValuedAttr<Seq_ConvMethodAttr,
                                         "::mlir::seq::ConvMethod::auto_">:$method);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $input `,` $filter `:` type($input) `,` type($filter) `)`
    (`skip` `(` $skip^ `:` type($skip) `)`)?
    (`pregate` `(` $pregate^ `:` type($pregate) `)`)?
    (`postgate` `(` $postgate^ `:` type($postgate) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = dpsDecls # [{
    /// Whether `filter` is a precomputed spectrum rfft(k, n) (complex).
    bool hasFilterSpectrum() {
      return ::llvm::isa<::mlir::ComplexType>(
          ::mlir::getElementTypeOrSelf(getFilter().getType()));
    }
    /// n = 2 (F - 1), the transform size of a spectrum of F bins.
    int64_t spectrumSize() {
      return 2 * (::llvm::cast<::mlir::ShapedType>(getFilter().getType())
                      .getDimSize(1) - 1);
    }
  }];
}

//===----------------------------------------------------------------------===//
// FFTs
//===----------------------------------------------------------------------===//

class Seq_FftLikeOp<string mnemonic, string formula, string example>
    : Seq_DpsOp<mnemonic> {
  let description = [{
    A discrete Fourier transform along the last dimension, for any length
    N >= 1 (powers of two are not required). }] # formula # [{

    `norm` scales as numpy and torch do: `backward` (the default) scales the
    inverse transforms by 1/N, `forward` scales the forward transforms by
    1/N, `ortho` scales both by 1/sqrt(N). Leading dimensions are batch.
    Lowerings choose the algorithm: a direct DFT, or the Monarch
    decomposition N = N1 N2 [N3] into DFT-matrix GEMMs and twiddles
    (FlashFFTConv, OPS.md §4).

    Example:
    ```mlir
    }] # example # [{
    ```
  }];
  let arguments = (ins Seq_Shaped:$input, Variadic<Seq_Shaped>:$outs,
                       DefaultValuedAttr<Seq_FftNormAttr,
                                         "::mlir::seq::FftNorm::backward">:$norm);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)`
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
}

def Seq_FftOp : Seq_FftLikeOp<"fft", [{
    Complex to complex: `X[..., k] = s * sum_n x[..., n] exp(-2 pi i n k / N)`;
    input and output have the same complex type.
  }], [{%y = seq.fft ins(%x : tensor<4x256xcomplex<f32>>) outs(%y0 : tensor<4x256xcomplex<f32>>) -> tensor<4x256xcomplex<f32>>}]> {
  let summary = "complex discrete Fourier transform along the last dimension";
}

def Seq_IfftOp : Seq_FftLikeOp<"ifft", [{
    Complex to complex inverse: `x[..., n] = s * sum_k X[..., k] exp(+2 pi i n k / N)`;
    input and output have the same complex type.
  }], [{%x = seq.ifft ins(%y : tensor<4x256xcomplex<f32>>) outs(%x0 : tensor<4x256xcomplex<f32>>) -> tensor<4x256xcomplex<f32>>}]> {
  let summary = "inverse complex discrete Fourier transform along the last dimension";
}

def Seq_RfftOp : Seq_FftLikeOp<"rfft", [{
    Real to complex: the first N/2 + 1 (rounded down) bins of the complex
    transform of a real input (..., N); the output is (..., N/2 + 1) with
    element type complex of the input's float type.
  }], [{%y = seq.rfft ins(%x : tensor<4x256xf32>) outs(%y0 : tensor<4x129xcomplex<f32>>) -> tensor<4x129xcomplex<f32>>}]> {
  let summary = "real-input discrete Fourier transform along the last dimension";
}

def Seq_IrfftOp : Seq_FftLikeOp<"irfft", [{
    Complex to real: the inverse of rfft. N is the last dimension of the real
    output; the input has N/2 + 1 (rounded down) bins and is extended by
    Hermitian symmetry (the imaginary parts of bin 0 and, for even N, of bin
    N/2 are ignored).
  }], [{%x = seq.irfft ins(%y : tensor<4x129xcomplex<f32>>) outs(%x0 : tensor<4x256xf32>) -> tensor<4x256xf32>}]> {
  let summary = "inverse of rfft: complex half-spectrum to real, last dimension";
}

//===----------------------------------------------------------------------===//
// seq.linear_attention
//===----------------------------------------------------------------------===//

def Seq_LinearAttentionOp : Seq_DpsOp<"linear_attention",
    [AttrSizedOperandSegments]> {
  let summary = "causal linear attention with decay, normalizer, prefix and state";
  let description = [{
    Linear attention as a matrix-valued recurrence: Based and JRT-RNN
    (OPS.md §5, with feature-mapped q/k and a normalizer), Mamba-2 SSD (scalar
    decay per head), GLA (decay per key dimension) and RetNet-like variants
    (§7). The queries and keys are used as given: apply `seq.feature_map`
    first for feature-mapped attention.

    ```
    g_t    = exp(log_decay[t])   (1 without decay; per head, broadcast over F)
    S_{-1} = initial_state (or 0) + sum_{j<M} prefix_key_j (x) prefix_value_j
    z_{-1} = initial_normalizer (or 0) + sum_{j<M} prefix_key_j
    S_t    = diag(g_t) S_{t-1} + k_t (x) v_t        z_t = g_t * z_{t-1} + k_t
    num_t  = scale * q_t^T S_t
    out_t  = normalize ? num_t / (scale * q_t . z_t + eps) : num_t
    final_state = S_{L-1} ,  final_normalizer = z_{L-1}
    ```
    The prefix (JRT-RNN prefix linear attention) is non-causal: every query
    sees all M prefix keys.

    Shapes: `query`, `key` (B, H, L, F); `value` (B, H, L, Ev); `log_decay`
    (B, H, L) per head or (B, H, L, F) per key dimension; `prefix_key`
    (B, H, M, F); `prefix_value` (B, H, M, Ev); `initial_state`,
    `final_state` (B, H, F, Ev); `initial_normalizer`, `final_normalizer`
    (B, H, F). Destinations: `output` (B, H, L, Ev), then optionally
    `final_state`, then optionally `final_normalizer` (which needs
    `normalize`). A prefix and a decay are exclusive.

    Example (Based: Taylor features, normalized):
    ```mlir
    %o = seq.linear_attention ins(%fq, %fk, %v : tensor<1x4x128x273xf32>,
          tensor<1x4x128x273xf32>, tensor<1x4x128x64xf32>)
        outs(%o0 : tensor<1x4x128x64xf32>) {normalize, eps = 1.0e-12 : f64}
        -> tensor<1x4x128x64xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$query, Seq_Shaped:$key,
                       Seq_Shaped:$value,
                       Optional<Seq_Shaped>:$log_decay,
                       Optional<Seq_Shaped>:$prefix_key,
                       Optional<Seq_Shaped>:$prefix_value,
                       Optional<Seq_Shaped>:$initial_state,
                       Optional<Seq_Shaped>:$initial_normalizer,
                       Variadic<Seq_Shaped>:$outs,
                       DefaultValuedAttr<F64Attr, "1.0">:$scale,
                       UnitAttr:$normalize,
                       DefaultValuedAttr<F64Attr, "1e-12">:$eps);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $query `,` $key `,` $value `:` type($query) `,` type($key) `,` type($value) `)`
    (`log_decay` `(` $log_decay^ `:` type($log_decay) `)`)?
    (`prefix_key` `(` $prefix_key^ `:` type($prefix_key) `)`)?
    (`prefix_value` `(` $prefix_value^ `:` type($prefix_value) `)`)?
    (`initial_state` `(` $initial_state^ `:` type($initial_state) `)`)?
    (`initial_normalizer` `(` $initial_normalizer^ `:` type($initial_normalizer) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
  let extraClassDeclaration = dpsDecls # [{
    ::mlir::Value getFinalState() { return getOutOrNull(1); }
    ::mlir::Value getFinalNormalizer() { return getOutOrNull(2); }
  }];
}

//===----------------------------------------------------------------------===//
// seq.feature_map
//===----------------------------------------------------------------------===//

def Seq_FeatureMapOp : Seq_DpsOp<"feature_map"> {
  let summary = "linear-attention feature map phi along the last dimension";
  let description = [{
    Maps the last dimension d of `input` to F features (OPS.md §5.1):

    | kind | F | phi(x) |
    |---|---|---|
    | identity | d | x |
    | relu | d | max(x, 0) |
    | elu_plus_one | d | elu(x) + 1 |
    | taylor2 | 1 + d + d^2 | [1, x / d^(1/4), vec(x x^T) / (sqrt(2) sqrt(d))] |

    For taylor2, phi(q) . phi(k) = 1 + s + s^2 / 2 with s = q . k / sqrt(d),
    the second-order Taylor expansion of exp(s) (Based); the outer product is
    flattened row-major. The output has the input's shape with the last
    dimension replaced by F.

    Example:
    ```mlir
    %f = seq.feature_map <taylor2> ins(%q : tensor<1x4x128x16xf32>)
        outs(%f0 : tensor<1x4x128x273xf32>) -> tensor<1x4x128x273xf32>
    ```
  }];
  let arguments = (ins Seq_FeatureMapKindAttr:$kind, Seq_Shaped:$input,
                       Variadic<Seq_Shaped>:$outs);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $kind `ins` `(` $input `:` type($input) `)`
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
}

//===----------------------------------------------------------------------===//
// seq.timestep_norm
//===----------------------------------------------------------------------===//

def Seq_TimestepNormOp : Seq_DpsOp<"timestep_norm",
    [AttrSizedOperandSegments]> {
  let summary = "MEGALODON timestep normalization with carried Welford state";
  let description = [{
    Group normalization with statistics accumulated causally over time
    (MEGALODON TimestepNorm, OPS.md §1.3). Per (b, t, g), mu_t and v_t are the
    mean and population variance of x[b, t, group g] (D / G features). The
    state (c, m, s) starts at (prev_count, prev_mean, prev_var), or (0, 0, 1),
    and for every step that is not padded:

    ```
    c += 1 ; w2 = 1 / c ; w1 = 1 - w2 ; delta = mu_t - m
    m  = w1 m + w2 mu_t
    s  = w1 s + w2 v_t + w1 w2 delta^2
    y[b,t,i] = (x[b,t,i] - m_g) rsqrt(s_g + eps) (weight_i + 1) + bias_i
    ```
    so m and s are the mean and variance of all elements of the group so far.
    Padded steps (`padding_mask` true) output 0 and leave the state unchanged.
    The scale is `weight + 1` (MEGALODON's zero-initialized convention).

    Shapes: `input`, `output` (B, L, D); `weight`, `bias` (D);
    `padding_mask` (B, L) i1; `prev_count` (B) i64 with `prev_mean`,
    `prev_var` (B, G) — all three or none; destinations `output` then
    optionally `count` (B) i64, `mean`, `var` (B, G) — all three or none.
    D must be a multiple of `num_groups`.

    Example:
    ```mlir
    %y = seq.timestep_norm ins(%x, %w, %b : tensor<2x64x32xf32>, tensor<32xf32>, tensor<32xf32>)
        outs(%y0 : tensor<2x64x32xf32>) {num_groups = 4 : i64}
        -> tensor<2x64x32xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$input, Seq_Shaped:$weight,
                       Seq_Shaped:$bias,
                       Optional<Seq_Shaped>:$padding_mask,
                       Optional<Seq_Shaped>:$prev_count,
                       Optional<Seq_Shaped>:$prev_mean,
                       Optional<Seq_Shaped>:$prev_var,
                       Variadic<Seq_Shaped>:$outs,
                       I64Attr:$num_groups,
                       DefaultValuedAttr<F64Attr, "1e-5">:$eps);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $input `,` $weight `,` $bias `:` type($input) `,` type($weight) `,` type($bias) `)`
    (`padding_mask` `(` $padding_mask^ `:` type($padding_mask) `)`)?
    (`prev` `(` $prev_count^ `,` $prev_mean `,` $prev_var `:`
        type($prev_count) `,` type($prev_mean) `,` type($prev_var) `)`)?
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
}

//===----------------------------------------------------------------------===//
// seq.rotary
//===----------------------------------------------------------------------===//

def Seq_RotaryOp : Seq_DpsOp<"rotary"> {
  let summary = "rotary position embedding (RoPE), optionally restarting per chunk";
  let description = [{
    Rotates pairs of features by position-dependent angles (RoPE, OPS.md
    §1.4). The sequence is the second-to-last dimension of `input`
    (..., L, d), d even:

    ```
    pos(l)  = position_offset + l      (mod chunk_size, when chunk_size is set)
    theta_j = pos(l) * base^(-2j/d)                       j = 0 .. d/2 - 1
    (a, b) -> (a cos theta_j - b sin theta_j, a sin theta_j + b cos theta_j)
    ```
    `pairing = interleaved` rotates (x[2j], x[2j+1]) — the complex view of
    MEGALODON and Llama's reference code; `halves` rotates (x[j], x[j+d/2]) —
    GPT-NeoX and flash-attn's default. MEGALODON restarts positions in every
    attention chunk: set `chunk_size` to the chunk and `position_offset` to the
    cached length during generation.

    Example:
    ```mlir
    %r = seq.rotary ins(%q : tensor<1x4x256x64xf32>) outs(%r0 : tensor<1x4x256x64xf32>)
        {chunk_size = 128 : i64} -> tensor<1x4x256x64xf32>
    ```
  }];
  let arguments = (ins Seq_Shaped:$input, Variadic<Seq_Shaped>:$outs,
                       DefaultValuedAttr<F64Attr, "10000.0">:$base,
                       DefaultValuedAttr<I64Attr, "0">:$position_offset,
                       OptionalAttr<I64Attr>:$chunk_size,
                       DefaultValuedAttr<Seq_RotaryPairingAttr,
                           "::mlir::seq::RotaryPairing::interleaved">:$pairing);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    `ins` `(` $input `:` type($input) `)`
    `outs` `(` $outs `:` type($outs) `)`
    attr-dict (`->` type($results)^)?
  }];
}

//===----------------------------------------------------------------------===//
// seq.yield
//===----------------------------------------------------------------------===//

def Seq_YieldOp : Seq_Op<"yield", [Pure, Terminator, ReturnLike,
                                   ParentOneOf<["AttentionOp", "OnlineAttentionOp"]>]> {
  let summary = "terminator of seq op regions";
  let description = [{
    Yields the value computed by a `score_mod` (the modified score) or a
    `mask_mod` (an i1: the position may be attended) region of
    `seq.attention`.

    ```mlir
    seq.yield %s : f32
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

#endif // SEQ_OPS_TD
