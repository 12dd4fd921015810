//===- SeqInterfaces.td - seq op interfaces ----------------*- tablegen -*-===//

#ifndef SEQ_INTERFACES_TD
#define SEQ_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Seq_OpInterface : OpInterface<"SeqOpInterface"> {
  let description = [{
    What generic seq machinery needs from every op: the tiling layout (how
    the iteration domain maps onto each operand, from which TilingInterface,
    bufferization and the reference lowering are derived) and the reference
    computation of one iteration point.

    The interface also verifies the DPS form shared by all seq ops: every
    shaped operand is a ranked tensor (value semantics: result i has the type
    of outs[i]) or every one is a memref (buffer semantics: no results).
  }];
  let cppNamespace = "::mlir::seq";
  let methods = [
    InterfaceMethod<
      /*desc=*/[{
        The iterator types of the iteration domain, outermost first, and for
        each operand (in operand order) the domain dimension each of its
        dimensions follows, `kUntiled` for dimensions tiling never cuts, or
        `kGroupedHeads` for the key/value heads of grouped-query attention.
        Operands that are not shaped have an empty entry.
      }],
      /*retTy=*/"::mlir::seq::TilingLayout",
      /*methodName=*/"getTilingLayout",
      /*args=*/(ins)>,
    InterfaceMethod<
      /*desc=*/[{
        Emits, at the builder's insertion point, the work all points of the
        reference computation share (coefficient tables, scratch buffers), and
        returns the emitter of single iteration points. The op must have
        buffer semantics.
      }],
      /*retTy=*/"std::unique_ptr<::mlir::seq::ReferenceImplementation>",
      /*methodName=*/"prepareReference",
      /*args=*/(ins "::mlir::OpBuilder &":$builder)>,
    InterfaceMethod<
      /*desc=*/[{
        Whether the op reads the values of its destinations (the running
        state of seq.online_attention) instead of only overwriting them.
      }],
      /*retTy=*/"bool",
      /*methodName=*/"readsDestinations",
      /*args=*/(ins),
      /*methodBody=*/"",
      /*defaultImplementation=*/"return false;">,
  ];
  let verify = [{ return ::mlir::seq::detail::verifySeqOp($_op); }];
}

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
