//===- TargetModel.cpp - the host CPU and the named target models ---------===//

#include "seq/Target/TargetModel.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"

#include <sched.h>

using namespace mlir;
using namespace mlir::seq;

void TargetModel::print(llvm::raw_ostream &os) const {
  os << "target: " << name << "\n";
  os << "  description: " << description << "\n";
  if (isCpu()) {
    os << "  kind: cpu\n";
    os << "  cpu: " << cpu << "\n";
    os << "  vector-isa: " << vectorIsa << "\n";
    os << "  vector-bits: " << vectorBits << "\n";
    os << "  f32-lanes: " << f32Lanes() << "\n";
    os << "  vector-registers: " << vectorRegisters << "\n";
    os << "  l1-bytes: " << l1Bytes << "\n";
    os << "  l2-bytes: " << l2Bytes << "\n";
    os << "  l3-bytes: " << l3Bytes << "\n";
    os << "  cache-line-bytes: " << cacheLineBytes << "\n";
    os << "  cores: " << cores << "\n";
    os << "  features: " << (features.empty() ? "(none)" : features) << "\n";
    return;
  }
  os << "  kind: nvidia-gpu\n";
  os << "  chip: " << chip << "\n";
  os << "  ptx-features: " << ptxFeatures << "\n";
  os << "  multiprocessors: " << multiprocessors << "\n";
  os << "  warp-size: " << warpSize << "\n";
  os << "  max-threads-per-block: " << maxThreadsPerBlock << "\n";
  os << "  shared-bytes-per-block: " << sharedBytesPerBlock << "\n";
  os << "  shared-bytes-per-multiprocessor: " << sharedBytesPerMultiprocessor
     << "\n";
  os << "  registers-per-thread: " << registersPerThread << "\n";
  os << "  registers-per-multiprocessor: " << registersPerMultiprocessor
     << "\n";
  os << "  async-copy: " << (hasAsyncCopy ? "yes" : "no") << "\n";
  os << "  tma: " << (hasTma ? "yes" : "no") << "\n";
  for (const MmaShape &mma : mmaShapes)
    os << "  mma: " << mma.instruction << " m" << mma.m << "n" << mma.n << "k"
       << mma.k << " " << mma.operandType << " -> f32\n";
}

//===----------------------------------------------------------------------===//
// CPUs
//===----------------------------------------------------------------------===//

/// Sets the vector fields from an ISA name.
static void setVectorIsa(TargetModel &model, StringRef isa) {
  model.vectorIsa = isa.str();
  if (isa == "avx512") {
    model.vectorBits = 512;
    model.vectorRegisters = 32;
  } else if (isa == "avx2") {
    model.vectorBits = 256;
    model.vectorRegisters = 16;
  } else if (isa == "neon") {
    model.vectorBits = 128;
    model.vectorRegisters = 32;
  } else if (isa == "sse") {
    model.vectorBits = 128;
    model.vectorRegisters = 16;
  } else {
    model.vectorBits = 32;
    model.vectorRegisters = 16;
  }
}

/// A cache size in bytes from /sys (`index` of cpu0), or 0 when unknown.
static int64_t sysfsCacheBytes(int index) {
  std::string path =
      "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index);
  auto read = [&](StringRef file) -> std::string {
    // sysfs files report a size of 4096: read them as streams.
    auto buffer = llvm::MemoryBuffer::getFileAsStream(path + "/" + file.str());
    return buffer ? (*buffer)->getBuffer().trim().str() : std::string();
  };
  std::string type = read("type"), size = read("size");
  if (type == "Instruction" || size.empty())
    return 0;
  int64_t multiplier = 1;
  if (size.back() == 'K')
    multiplier = 1024;
  else if (size.back() == 'M')
    multiplier = 1024 * 1024;
  if (multiplier != 1)
    size.pop_back();
  int64_t value = 0;
  if (!llvm::to_integer(size, value))
    return 0;
  return value * multiplier;
}

/// The CPUs this process may run on.
static int64_t availableCores() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0)
    return std::max(1, CPU_COUNT(&set));
  return std::max<unsigned>(1, llvm::hardware_concurrency().compute_thread_count());
}

static TargetModel detectHost() {
  TargetModel model;
  model.name = "host";
  model.kind = TargetKind::CPU;
  model.cpu = llvm::sys::getHostCPUName().str();
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  SmallVector<std::string> enabled;
  for (const auto &feature : features)
    if (feature.second)
      enabled.push_back("+" + feature.first().str());
  llvm::sort(enabled);
  model.features = llvm::join(enabled, ",");
  auto has = [&](StringRef name) { return features.lookup(name); };
  if (has("avx512f"))
    setVectorIsa(model, "avx512");
  else if (has("avx2") && has("fma"))
    setVectorIsa(model, "avx2");
  else if (has("neon"))
    setVectorIsa(model, "neon");
  else if (has("sse2"))
    setVectorIsa(model, "sse");
  else
    setVectorIsa(model, "scalar");
  // cpu0's data caches by level: index0 L1d, index1 L1i, index2 L2, index3 L3
  // on Linux; any missing file keeps the defaults.
  if (int64_t l1 = sysfsCacheBytes(0))
    model.l1Bytes = l1;
  if (int64_t l2 = sysfsCacheBytes(2))
    model.l2Bytes = l2;
  if (int64_t l3 = sysfsCacheBytes(3))
    model.l3Bytes = l3;
  model.cores = availableCores();
  model.description = "the CPU this process runs on (" + model.cpu + ", " +
                      model.vectorIsa + ")";
  return model;
}

const TargetModel &mlir::seq::hostTarget() {
  static const TargetModel host = detectHost();
  return host;
}

/// A fixed x86-64 model: the same on every machine, for tests and for
/// compiling ahead of time for another CPU.
static TargetModel fixedX86(StringRef name, StringRef isa) {
  TargetModel model;
  model.name = name.str();
  model.kind = TargetKind::CPU;
  setVectorIsa(model, isa);
  if (isa == "avx512") {
    model.cpu = "skylake-avx512";
    model.features = "+avx,+avx2,+avx512bw,+avx512dq,+avx512f,+avx512vl,+"
                     "f16c,+fma,+sse4.2";
    model.l1Bytes = 48 * 1024;
    model.l2Bytes = 1024 * 1024;
  } else {
    model.cpu = "haswell";
    model.features = "+avx,+avx2,+f16c,+fma,+sse4.2";
    model.l1Bytes = 32 * 1024;
    model.l2Bytes = 256 * 1024;
  }
  model.l3Bytes = 16 << 20;
  model.cores = 8;
  model.description = "a generic x86-64 " + isa.str() + " CPU, 8 cores";
  return model;
}

//===----------------------------------------------------------------------===//
// NVIDIA GPUs
//===----------------------------------------------------------------------===//

static TargetModel sm80() {
  TargetModel model;
  model.name = model.chip = "sm_80";
  model.kind = TargetKind::NvidiaGPU;
  model.description = "NVIDIA Ampere (A100): mma.sync tensor cores, cp.async";
  model.ptxFeatures = "+ptx76";
  model.multiprocessors = 108;
  model.sharedBytesPerBlock = 163 * 1024;
  model.sharedBytesPerMultiprocessor = 164 * 1024;
  model.hasAsyncCopy = true;
  model.mmaShapes = {{16, 8, 16, "f16", "mma.sync"},
                     {16, 8, 16, "bf16", "mma.sync"},
                     {16, 8, 8, "tf32", "mma.sync"}};
  return model;
}

static TargetModel sm90a() {
  TargetModel model;
  model.name = model.chip = "sm_90a";
  model.kind = TargetKind::NvidiaGPU;
  model.description =
      "NVIDIA Hopper (H100/H200): warpgroup MMA, TMA, mma.sync";
  model.ptxFeatures = "+ptx80";
  model.multiprocessors = 132;
  model.sharedBytesPerBlock = 227 * 1024;
  model.sharedBytesPerMultiprocessor = 228 * 1024;
  model.hasAsyncCopy = true;
  model.hasTma = true;
  model.mmaShapes = {{64, 128, 16, "f16", "wgmma"},
                     {64, 128, 16, "bf16", "wgmma"},
                     {16, 8, 16, "f16", "mma.sync"},
                     {16, 8, 16, "bf16", "mma.sync"},
                     {16, 8, 8, "tf32", "mma.sync"}};
  return model;
}

//===----------------------------------------------------------------------===//
// Lookup
//===----------------------------------------------------------------------===//

SmallVector<StringRef> mlir::seq::knownTargetNames() {
  return {"host", "x86-64-avx2", "x86-64-avx512", "sm_80", "sm_90a"};
}

llvm::Expected<TargetModel> mlir::seq::lookupTarget(StringRef name) {
  if (name == "host")
    return hostTarget();
  if (name == "x86-64-avx2")
    return fixedX86(name, "avx2");
  if (name == "x86-64-avx512")
    return fixedX86(name, "avx512");
  if (name == "sm_80")
    return sm80();
  if (name == "sm_90a")
    return sm90a();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "unknown target '" + name +
          "'; known targets: " + llvm::join(knownTargetNames(), ", "));
}
