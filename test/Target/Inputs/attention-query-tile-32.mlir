// A user schedule for seq-apply-schedules{schedule=...}: @seq_attention
// replaces the built-in attention schedule (32-row query tiles, the key
// tiles left as linalg).
module attributes {transform.with_named_sequence} {
  transform.named_sequence @seq_attention(%func: !transform.any_op {transform.readonly},
                                          %op: !transform.any_op {transform.consumed}) {
    %forall, %key_t = transform.seq.tile_attention %op {query_tile = 32, key_tile = 128}
        : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %tiles = transform.structured.match ops{["seq.online_attention"]} in %forall
        : (!transform.any_op) -> !transform.any_op
    transform.seq.decompose %tiles : (!transform.any_op) -> ()
    transform.yield
  }
}
