//===- Passes.td - target-dependent seq passes -------------*- tablegen -*-===//

#ifndef SEQ_TARGET_PASSES_TD
#define SEQ_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def SeqApplySchedules : Pass<"seq-apply-schedules", "::mlir::ModuleOp"> {
  let summary = "Tile, vectorize and parallelize each op with its target's schedule";
  let description = [{
    Applies, to every op it knows a schedule for, the transform-dialect
    schedule of its op family on the target model: `seq.attention` gets
    FlashAttention's loop nest (`transform.seq.tile_attention`) with tile
    sizes from the model's caches and vector registers, register-tiled
    vectorized matmuls inside the tiles and an `scf.forall` over its
    independent tiles for the cores; linalg contractions, elementwise and
    reduction ops and the other seq ops get their own family's schedule.
    Ops without a schedule are left for the reference lowering.

    Each schedule is a named sequence
    `@seq_<family>(%func: !transform.any_op {transform.readonly},
                   %op: !transform.any_op {transform.consumed})`
    applied to one op at a time; the built-in ones are generated from the
    target model (`print-schedules` shows them). A `schedule` file replaces
    the built-in sequences it defines (`@seq_attention`, `@seq_matmul`,
    `@seq_elementwise`, `@seq_parallel`); a file that defines
    `@__transform_main` is applied to the whole module instead of any
    built-in schedule.

    Example:
    ```
    seq-opt --seq-apply-schedules='target=x86-64-avx512 print-schedules=1' in.mlir
    seq-opt --seq-apply-schedules='attention-query-tile=32 attention-key-tile=128' in.mlir
    ```

    The `attention-*-tile` options fix sizes the rules would otherwise
    derive from the target model (docs/Schedules.md).
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"host\"",
           "Target model the schedules are derived from (see "
           "--seq-print-target)">,
    Option<"schedule", "schedule", "std::string", /*default=*/"\"\"",
           "Transform-dialect file with schedules replacing the built-in "
           "ones">,
    Option<"printSchedules", "print-schedules", "bool", /*default=*/"false",
           "Print each schedule to stderr before applying it">,
    Option<"attentionQueryTile", "attention-query-tile", "int64_t",
           /*default=*/"0",
           "Query rows per tile of the CPU attention schedule (0: from the "
           "target model)">,
    Option<"attentionKeyTile", "attention-key-tile", "int64_t",
           /*default=*/"0",
           "Keys per key/value tile of the CPU attention schedule (0: from "
           "the target model)">,
  ];
  let dependentDialects = [
    "::mlir::transform::TransformDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // SEQ_TARGET_PASSES_TD
