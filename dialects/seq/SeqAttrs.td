//===- SeqAttrs.td - seq enums and attributes --------------*- tablegen -*-===//

#ifndef SEQ_ATTRS_TD
#define SEQ_ATTRS_TD

include "SeqDialect.td"
include "mlir/IR/EnumAttr.td"

// Which key positions a query row may see (see seq.attention).
def Seq_MaskKind : I32EnumAttr<"MaskKind", "attention mask kind", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"causal", 1>,
    I32EnumAttrCase<"sliding_window", 2>,
    I32EnumAttrCase<"chunk_causal", 3>,
    I32EnumAttrCase<"prefix", 4>,
    I32EnumAttrCase<"chunk", 5>]> {
  let cppNamespace = "::mlir::seq";
  let genSpecializedAttr = 0;
}
def Seq_MaskKindAttr : EnumAttr<Seq_Dialect, Seq_MaskKind, "mask"> {
  let assemblyFormat = "`<` $value `>`";
}

// The parameterization of seq.ema.
def Seq_EmaKind : I32EnumAttr<"EmaKind", "EMA parameterization", [
    I32EnumAttrCase<"damped", 0>,
    I32EnumAttrCase<"complex", 1>]> {
  let cppNamespace = "::mlir::seq";
  let genSpecializedAttr = 0;
}
def Seq_EmaKindAttr : EnumAttr<Seq_Dialect, Seq_EmaKind, "ema_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

// The feature map of seq.feature_map.
def Seq_FeatureMapKind : I32EnumAttr<"FeatureMapKind", "linear attention feature map", [
    I32EnumAttrCase<"identity", 0>,
    I32EnumAttrCase<"relu", 1>,
    I32EnumAttrCase<"elu_plus_one", 2>,
    I32EnumAttrCase<"taylor2", 3>]> {
  let cppNamespace = "::mlir::seq";
  let genSpecializedAttr = 0;
}
def Seq_FeatureMapKindAttr
    : EnumAttr<Seq_Dialect, Seq_FeatureMapKind, "feature_map_kind"> {
  let assemblyFormat = "`<` $value `>`";
}

// Scaling of the FFT ops, with numpy/torch meaning.
def Seq_FftNorm : I32EnumAttr<"FftNorm", "FFT normalization", [
    I32EnumAttrCase<"backward", 0>,
    I32EnumAttrCase<"forward", 1>,
    I32EnumAttrCase<"ortho", 2>]> {
  let cppNamespace = "::mlir::seq";
  let genSpecializedAttr = 0;
}
def Seq_FftNormAttr : EnumAttr<Seq_Dialect, Seq_FftNorm, "fft_norm"> {
  let assemblyFormat = "`<` $value `>`";
}

// How seq.rotary pairs the features it rotates.
def Seq_RotaryPairing : I32EnumAttr<"RotaryPairing", "RoPE feature pairing", [
    I32EnumAttrCase<"interleaved", 0>,
    I32EnumAttrCase<"halves", 1>]> {
  let cppNamespace = "::mlir::seq";
  let genSpecializedAttr = 0;
}
def Seq_RotaryPairingAttr
    : EnumAttr<Seq_Dialect, Seq_RotaryPairing, "rotary_pairing"> {
  let assemblyFormat = "`<` $value `>`";
}

// Lowering hint of seq.long_conv; every method computes the same values.
def Seq_ConvMethod : I32EnumAttr<"ConvMethod", "long convolution method", [
    I32EnumAttrCase<"auto_", 0, "auto">,
    I32EnumAttrCase<"direct", 1>,
    I32EnumAttrCase<"fft", 2>]> {
  let cppNamespace = "::mlir::seq";
  let genSpecializedAttr = 0;
}
def Seq_ConvMethodAttr : EnumAttr<Seq_Dialect, Seq_ConvMethod, "conv_method"> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // SEQ_ATTRS_TD
