//===- SeqInterfaces.td - seq op interfaces ----------------*- tablegen -*-===//

#ifndef SEQ_INTERFACES_TD
#define SEQ_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Seq_InferDestinationTypesOpInterface
    : OpInterface<"InferDestinationTypesOpInterface"> {
  let cppNamespace = "::mlir::seq";
  let description = [{
    A destination-passing-style op that knows the types of its destinations
    from its inputs and attributes. Builders (the Python DSL, C++ hosts)
    create the `outs` from these types (`tensor.empty`) instead of restating
    the op's shape and element-type rules; the results then have the types of
    the `outs`. The rules are the defaults the op's description documents
    (e.g. the logsumexp of seq.attention in the accumulation type); the
    verifier still accepts every destination type its rules allow.
  }];
  let methods = [
    StaticInterfaceMethod<[{
        Computes the types of the first `numDestinations` destinations of an
        op with these operands (its inputs: the `outs` segment is empty),
        attributes, properties and regions. Fails, with a diagnostic at
        `location` when one is given, when the inputs do not determine them
        (a wrong rank, an unsupported number of destinations).
      }],
      "::llvm::LogicalResult", "inferDestinationTypes",
      (ins "::mlir::MLIRContext *":$context,
           "::std::optional<::mlir::Location>":$location,
           "::mlir::ValueRange":$operands,
           "::mlir::DictionaryAttr":$attributes,
           "::mlir::OpaqueProperties":$properties,
           "::mlir::RegionRange":$regions,
           "unsigned":$numDestinations,
           "::llvm::SmallVectorImpl<::mlir::Type> &":$destinationTypes)>
  ];
}

#endif // SEQ_INTERFACES_TD
