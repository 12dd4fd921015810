//===- host_attention.cpp - a C++ host app using the seq JIT engine
//--------===//
//
// Builds a causal grouped-query attention function with the C++ op builders,
// JIT-compiles it with seq::runtime::Engine, runs it on the host's own arrays
// (no copies) and prints the max error against a plain C++ loop.
//
//   seq-host-attention            # B=1 Hq=4 Hkv=2 L=77 E=32, causal
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqOps.h"
#include "seq/Runtime/Engine.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

// The dialect lives in mlir::seq, the runtime in ::seq::runtime.
using namespace mlir;

namespace {
constexpr int64_t B = 1, Hq = 4, Hkv = 2, L = 77, E = 32;

/// func.func @attention(%q, %k, %v) -> tensor<BxHqxLxE> with a causal mask.
OwningOpRef<ModuleOp> buildAttention(MLIRContext &ctx) {
  ctx.loadDialect<func::FuncDialect, tensor::TensorDialect,
                  mlir::seq::SeqDialect>();
  OpBuilder b(&ctx);
  Location loc = b.getUnknownLoc();
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  b.setInsertionPointToEnd(module->getBody());

  auto qType = RankedTensorType::get({B, Hq, L, E}, b.getF32Type());
  auto kvType = RankedTensorType::get({B, Hkv, L, E}, b.getF32Type());
  auto fn = func::FuncOp::create(
      b, loc, "attention", b.getFunctionType({qType, kvType, kvType}, {qType}));
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToEnd(body);
  Value init =
      tensor::EmptyOp::create(b, loc, qType.getShape(), b.getF32Type());
  auto attention = mlir::seq::AttentionOp::create(
      b, loc, TypeRange{qType}, body->getArgument(0), body->getArgument(1),
      body->getArgument(2), /*positions=*/ValueRange(), ValueRange{init},
      /*scale=*/FloatAttr(),
      mlir::seq::MaskKind::causal, /*window=*/nullptr, /*chunk_size=*/nullptr,
      /*prefix_length=*/nullptr);
  func::ReturnOp::create(b, loc, attention.getResults());
  return module;
}

/// The plain loop the JIT result is checked against (double accumulation).
void referenceAttention(const std::vector<float> &q,
                        const std::vector<float> &k,
                        const std::vector<float> &v, std::vector<double> &out) {
  double scale = 1.0 / std::sqrt(static_cast<double>(E));
  auto at = [](int64_t h, int64_t heads, int64_t i, int64_t e) {
    return ((0 * heads + h) * L + i) * E + e;
  };
  for (int64_t h = 0; h < Hq; ++h) {
    int64_t kvh = h / (Hq / Hkv);
    for (int64_t i = 0; i < L; ++i) {
      std::vector<double> s(i + 1);
      double m = -INFINITY, sum = 0;
      for (int64_t j = 0; j <= i; ++j) {
        double dot = 0;
        for (int64_t e = 0; e < E; ++e)
          dot += double(q[at(h, Hq, i, e)]) * k[at(kvh, Hkv, j, e)];
        s[j] = dot * scale;
        m = std::max(m, s[j]);
      }
      for (int64_t j = 0; j <= i; ++j)
        sum += (s[j] = std::exp(s[j] - m));
      for (int64_t e = 0; e < E; ++e) {
        double acc = 0;
        for (int64_t j = 0; j <= i; ++j)
          acc += s[j] * v[at(kvh, Hkv, j, e)];
        out[at(h, Hq, i, e)] = acc / sum;
      }
    }
  }
}
} // namespace

int main() {
  ::seq::runtime::Engine engine;
  OwningOpRef<ModuleOp> module = buildAttention(engine.context());
  auto compiled = engine.compile(*module, "attention");
  if (!compiled) {
    llvm::errs() << "error: " << llvm::toString(compiled.takeError()) << "\n";
    return 1;
  }

  std::mt19937 rng(0);
  std::normal_distribution<float> normal;
  std::vector<float> q(B * Hq * L * E), k(B * Hkv * L * E), v(k.size()),
      out(q.size());
  for (auto *data : {&q, &k, &v})
    for (float &x : *data)
      x = normal(rng);

  using ::seq::runtime::DType;
  using ::seq::runtime::TensorView;
  llvm::Error err =
      (*compiled)->call({TensorView(DType::f32, q.data(), {B, Hq, L, E}),
                         TensorView(DType::f32, k.data(), {B, Hkv, L, E}),
                         TensorView(DType::f32, v.data(), {B, Hkv, L, E})},
                        {TensorView(DType::f32, out.data(), {B, Hq, L, E})});
  if (err) {
    llvm::errs() << "error: " << llvm::toString(std::move(err)) << "\n";
    return 1;
  }

  std::vector<double> expected(q.size());
  referenceAttention(q, k, v, expected);
  double maxErr = 0, maxRef = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    maxErr = std::max(maxErr, std::abs(out[i] - expected[i]));
    maxRef = std::max(maxRef, std::abs(expected[i]));
  }
  double rel = maxErr / maxRef;
  llvm::outs() << "causal GQA attention B=" << B << " Hq=" << Hq
               << " Hkv=" << Hkv << " L=" << L << " E=" << E
               << ": max rel error vs C++ loop = " << rel << "\n";
  return rel <= 1e-5 ? 0 : 1;
}
