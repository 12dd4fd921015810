"""Builds one MLIR function holding many seq.attention / seq.compose_heads ops.

Each test packs its cases into one function, so each costs one JIT compile:

    prog = Program()
    o, lse = prog.attention(q, k, v, mask="causal", lse=True)
    outs = prog.run()          # outs[o], outs[lse] are NumPy arrays

Inputs are function arguments (NumPy arrays), outputs are returned in order.
score_mod / mask_mod take MLIR region text from the helpers below, which come
with their NumPy counterparts for seq_ref.
"""

import numpy as np

import common


def acc_type(dtype):
    """The accumulation type of seq for data of `dtype` (from C++)."""
    return common.accumulation_type(dtype)


def acc_dtype(dtype):
    return common.numpy_dtype(acc_type(dtype))


class Program:
    def __init__(self, name="main"):
        self.name = name
        self.args = []      # (ssa name, type)
        self.inputs = []
        self.body = []
        self.results = []   # (ssa name, type)
        self._arg_ids = {}
        self._n = 0

    def _fresh(self, prefix):
        self._n += 1
        return f"%{prefix}{self._n}"

    def arg(self, array):
        """The SSA value of `array` as a function argument (deduplicated)."""
        key = id(array)
        if key not in self._arg_ids:
            name = f"%arg{len(self.args)}"
            self.args.append((name, common.ttype(array)))
            self.inputs.append(array)
            self._arg_ids[key] = (name, array)
        return self._arg_ids[key][0]

    def empty(self, shape, element):
        dims = "".join(f"{d}x" for d in shape)
        type_ = f"tensor<{dims}{element}>"
        name = self._fresh("init")
        self.body.append(f"{name} = tensor.empty() : {type_}")
        return name, type_

    def result(self, value, type_):
        self.results.append((value, type_))
        return len(self.results) - 1

    def dynamic(self, value, array):
        """tensor.cast of the SSA `value` of `array` to an all-dynamic shape."""
        dyn = f"tensor<{'?x' * array.ndim}{common.element_type(array.dtype)}>"
        name = self._fresh("dyn")
        self.body.append(f"{name} = tensor.cast {value} : {common.ttype(array)} to {dyn}")
        return name, dyn

    def empty_dynamic(self, shape, element):
        sizes = []
        for d in shape:
            c = self._fresh("size")
            self.body.append(f"{c} = arith.constant {d} : index")
            sizes.append(c)
        name = self._fresh("init")
        type_ = f"tensor<{'?x' * len(shape)}{element}>"
        self.body.append(f"{name} = tensor.empty({', '.join(sizes)}) : {type_}")
        return name, type_

    def attention(self, q, k, v, *, lse=False, scale=None, mask="none",
                  window=None, chunk_size=None, prefix_length=None,
                  score_mod=None, mask_mod=None, element=None, dynamic=False):
        """Adds a seq.attention; returns the output index, or (out, lse).
        With `dynamic`, every operand and destination is cast to an
        all-dynamic shape and the results are cast back."""
        element = element or common.element_type(q.dtype)
        B, Hq, Lq, _ = q.shape
        Ev = v.shape[3]
        make_empty = self.empty_dynamic if dynamic else self.empty
        o0, ot = make_empty((B, Hq, Lq, Ev), element)
        outs, types = [o0], [ot]
        static_types = [common.tensor_type((B, Hq, Lq, Ev), q.dtype)]
        if lse:
            l0, lt = make_empty((B, Hq, Lq), acc_type(q.dtype))
            outs.append(l0)
            types.append(lt)
            static_types.append(common.tensor_type((B, Hq, Lq), acc_dtype(q.dtype)))
        attrs = []
        if scale is not None:
            attrs.append(f"scale = {float(scale)!r} : f64")
        if mask != "none":
            attrs.append(f"mask = #seq.mask<{mask}>")
        if window is not None:
            attrs.append(f"window = array<i64: {window[0]}, {window[1]}>")
        if chunk_size is not None:
            attrs.append(f"chunk_size = {chunk_size} : i64")
        if prefix_length is not None:
            attrs.append(f"prefix_length = {prefix_length} : i64")
        attr_dict = f" {{{', '.join(attrs)}}}" if attrs else ""
        regions = ""
        if score_mod is not None:
            regions += f"\n    score_mod {{\n{score_mod(acc_type(q.dtype))}\n    }}"
        if mask_mod is not None:
            regions += f"\n    mask_mod {{\n{mask_mod}\n    }}"
        res = self._fresh("attn")
        count = len(outs)
        res_decl = f"{res}:{count}" if count > 1 else res
        ins = [(self.arg(x), common.ttype(x)) for x in (q, k, v)]
        if dynamic:
            ins = [self.dynamic(n, x) for (n, _), x in zip(ins, (q, k, v))]
        self.body.append(
            f"{res_decl} = seq.attention ins({', '.join(n for n, _ in ins)} : "
            f"{', '.join(t for _, t in ins)})\n"
            f"    outs({', '.join(outs)} : {', '.join(types)}){attr_dict}{regions}\n"
            f"    -> {', '.join(types)}")
        values = [res] if count == 1 else [f"{res}#{i}" for i in range(count)]
        indices = []
        for value, type_, static in zip(values, types, static_types):
            if dynamic:
                name = self._fresh("static")
                self.body.append(f"{name} = tensor.cast {value} : {type_} to {static}")
                value, type_ = name, static
            indices.append(self.result(value, type_))
        return indices[0] if count == 1 else tuple(indices)

    def compose_heads(self, scores, static=None, query_w=None, key_w=None,
                      query_gate=None, key_gate=None, scores_value=None):
        """Adds a seq.compose_heads on the array `scores` (or on the SSA value
        `scores_value` = (name, type)); returns the SSA value (name, type)."""
        if scores_value is None:
            scores_value = (self.arg(scores), common.ttype(scores))
        name, type_ = scores_value
        text = f"seq.compose_heads ins({name} : {type_})"
        if static is not None:
            text += f" static({self.arg(static)} : {common.ttype(static)})"
        for key, pair in (("query_w", query_w), ("key_w", key_w)):
            if pair is not None:
                w1, w2 = pair
                text += (f" {key}({self.arg(w1)}, {self.arg(w2)} : "
                         f"{common.ttype(w1)}, {common.ttype(w2)})")
        for key, gate in (("query_gate", query_gate), ("key_gate", key_gate)):
            if gate is not None:
                text += f" {key}({self.arg(gate)} : {common.ttype(gate)})"
        shape = type_[len("tensor<"):-1].split("x")
        init, _ = self.empty([int(d) for d in shape[:-1]], shape[-1])
        res = self._fresh("composed")
        self.body.append(f"{res} = {text} outs({init} : {type_}) -> {type_}")
        return res, type_

    def text(self):
        args = ", ".join(f"{n}: {t}" for n, t in self.args)
        rets = ", ".join(t for _, t in self.results)
        body = "\n  ".join(self.body)
        values = ", ".join(n for n, _ in self.results)
        return (f"func.func @{self.name}({args}) -> ({rets}) {{\n  {body}\n"
                f"  return {values} : {rets}\n}}\n")

    def run(self):
        return common.run(self.text(), self.name, self.inputs,
                          num_outputs=len(self.results))


# --- score_mod / mask_mod regions and their NumPy forms ----------------------

NEG_INF = {"f32": "0xFF800000", "f64": "0xFFF0000000000000"}

def softcap(cap):
    """score_mod cap * tanh(s / cap) (Gemma-2 / Grok logit soft-capping)."""
    def mlir(t):
        return (f"    ^bb0(%s: {t}, %b: index, %h: index, %i: index, %j: index):\n"
                f"      %cap = arith.constant {float(cap)!r} : {t}\n"
                f"      %d = arith.divf %s, %cap : {t}\n"
                f"      %th = math.tanh %d : {t}\n"
                f"      %r = arith.mulf %th, %cap : {t}\n"
                f"      seq.yield %r : {t}")

    def ref(s, b, h, i, j):
        return cap * np.tanh(s / cap)
    return mlir, ref


def alibi(shift):
    """score_mod s - 2^-(h+1) * (p(i) - j) with p(i) = i + shift: an
    index-dependent bias (ALiBi)."""
    def mlir(t):
        return (f"    ^bb0(%s: {t}, %b: index, %h: index, %i: index, %j: index):\n"
                f"      %shift = arith.constant {shift} : index\n"
                f"      %p = arith.addi %i, %shift : index\n"
                f"      %dist = arith.subi %p, %j : index\n"
                f"      %di = arith.index_cast %dist : index to i64\n"
                f"      %df = arith.sitofp %di : i64 to {t}\n"
                f"      %one = arith.constant 1 : index\n"
                f"      %h1 = arith.addi %h, %one : index\n"
                f"      %hi = arith.index_cast %h1 : index to i64\n"
                f"      %hf = arith.sitofp %hi : i64 to {t}\n"
                f"      %neg = arith.negf %hf : {t}\n"
                f"      %slope = math.exp2 %neg : {t}\n"
                f"      %bias = arith.mulf %slope, %df : {t}\n"
                f"      %r = arith.subf %s, %bias : {t}\n"
                f"      seq.yield %r : {t}")

    def ref(s, b, h, i, j):
        return s - 2.0 ** -(h + 1.0) * (i + shift - j)
    return mlir, ref


def neg_inf_unless(stride, dead_rows):
    """score_mod giving -inf except on keys j % stride == 0, and -inf on the
    whole rows i < dead_rows: rows whose allowed scores are all -inf."""
    def mlir(t):
        return (f"    ^bb0(%s: {t}, %b: index, %h: index, %i: index, %j: index):\n"
                f"      %stride = arith.constant {stride} : index\n"
                f"      %dead = arith.constant {dead_rows} : index\n"
                f"      %zero = arith.constant 0 : index\n"
                f"      %rem = arith.remui %j, %stride : index\n"
                f"      %on = arith.cmpi eq, %rem, %zero : index\n"
                f"      %live = arith.cmpi uge, %i, %dead : index\n"
                f"      %keep = arith.andi %on, %live : i1\n"
                f"      %ninf = arith.constant {NEG_INF[t]} : {t}\n"
                f"      %r = arith.select %keep, %s, %ninf : {t}\n"
                f"      seq.yield %r : {t}")

    def ref(s, b, h, i, j):
        return np.where((j % stride == 0) & (i >= dead_rows), s, -np.inf)
    return mlir, ref


def document_mask(docs_q, docs_k):
    """mask_mod allowing (i, j) when query i and key j belong to the same
    document: `docs_q` (B, Lq) and `docs_k` (B, Lk) are i32 SSA values
    captured from the enclosing function (the regions are not isolated)."""
    (qn, qt), (kn, kt) = docs_q, docs_k
    return (f"    ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
            f"      %dq = tensor.extract {qn}[%b, %i] : {qt}\n"
            f"      %dk = tensor.extract {kn}[%b, %j] : {kt}\n"
            f"      %same = arith.cmpi eq, %dq, %dk : i32\n"
            f"      seq.yield %same : i1")


def head_parity_mask(dead_head):
    """mask_mod rejecting every key of query head `dead_head` and odd keys of
    the others."""
    mlir = (f"    ^bb0(%b: index, %h: index, %i: index, %j: index):\n"
            f"      %dead = arith.constant {dead_head} : index\n"
            f"      %two = arith.constant 2 : index\n"
            f"      %zero = arith.constant 0 : index\n"
            f"      %alive = arith.cmpi ne, %h, %dead : index\n"
            f"      %rem = arith.remui %j, %two : index\n"
            f"      %even = arith.cmpi eq, %rem, %zero : index\n"
            f"      %ok = arith.andi %alive, %even : i1\n"
            f"      seq.yield %ok : i1")

    def ref(b, h, i, j):
        return (h != dead_head) & (j % 2 == 0)
    return mlir, ref
