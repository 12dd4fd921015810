//===- TargetModel.h - what seq knows about a chip --------------*- C++ -*-===//
//
// A target model describes one chip as data: for CPUs the vector ISA and
// width, the register file, the caches and the cores; for NVIDIA GPUs the
// multiprocessors, shared memory, registers and the tensor-core (MMA)
// shapes. Schedules read only the model, so supporting a new chip means
// writing a new model (and, where its strategy differs, a schedule), not new
// passes. `seq-opt --seq-print-target=NAME` prints one.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TARGET_TARGETMODEL_H
#define SEQ_TARGET_TARGETMODEL_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace mlir::seq {

enum class TargetKind { CPU, NvidiaGPU };

/// One tensor-core instruction shape: D(m x n, acc) += A(m x k, in) B(k x n).
struct MmaShape {
  int64_t m, n, k;
  /// "f16", "bf16", "tf32"; the accumulator is f32 in every shape seq uses.
  std::string operandType;
  /// The PTX instruction family: "mma.sync" or "wgmma".
  std::string instruction;
};

struct TargetModel {
  /// The name it is looked up by: "host", "x86-64-avx2", "sm_80", ...
  std::string name;
  TargetKind kind = TargetKind::CPU;
  /// A one-line description for humans.
  std::string description;

  //===--- CPU ------------------------------------------------------------===//
  /// LLVM's CPU name ("znver4", "skylake-avx512", "generic").
  std::string cpu;
  /// LLVM target features ("+avx512f,+fma,...") the generated code may use.
  std::string features;
  /// The widest vector ISA usable for f32 FMAs: "avx512", "avx2", "sse",
  /// "neon" or "scalar".
  std::string vectorIsa;
  /// Width of one vector register in bits (512 for AVX-512).
  int64_t vectorBits = 128;
  /// Architectural vector registers (32 zmm on AVX-512, 16 ymm on AVX2).
  int64_t vectorRegisters = 16;
  /// Data cache sizes in bytes (per core for L1/L2, shared L3).
  int64_t l1Bytes = 32 * 1024, l2Bytes = 512 * 1024, l3Bytes = 8 << 20;
  int64_t cacheLineBytes = 64;
  /// Hardware threads the schedules may use.
  int64_t cores = 1;

  //===--- NVIDIA GPU -----------------------------------------------------===//
  /// "sm_80", "sm_90a".
  std::string chip;
  /// PTX ISA features the backend needs for this chip ("+ptx76").
  std::string ptxFeatures;
  int64_t multiprocessors = 0;
  int64_t warpSize = 32;
  int64_t maxThreadsPerBlock = 1024;
  /// Shared memory a block may use (opt-in maximum) and a multiprocessor has.
  int64_t sharedBytesPerBlock = 0, sharedBytesPerMultiprocessor = 0;
  int64_t registersPerThread = 255, registersPerMultiprocessor = 65536;
  /// Asynchronous global->shared copies (cp.async, sm_80+), the tensor
  /// memory accelerator (cp.async.bulk.tensor, sm_90).
  bool hasAsyncCopy = false, hasTma = false;
  llvm::SmallVector<MmaShape, 4> mmaShapes;

  /// f32 elements per vector register.
  int64_t f32Lanes() const { return vectorBits / 32; }
  bool isCpu() const { return kind == TargetKind::CPU; }
  bool isGpu() const { return kind == TargetKind::NvidiaGPU; }

  /// Prints the model as `key: value` lines.
  void print(llvm::raw_ostream &os) const;
};

/// The CPU this process runs on: ISA and vector width from LLVM's host
/// feature detection, caches from the OS, cores from the affinity mask.
const TargetModel &hostTarget();

/// A target by name: "host", the fixed CPU models "x86-64-avx2",
/// "x86-64-avx512" (deterministic, for tests and cross-compilation) and the
/// GPUs "sm_80", "sm_90a". The error lists the known names.
llvm::Expected<TargetModel> lookupTarget(llvm::StringRef name);

/// The names lookupTarget accepts.
llvm::SmallVector<llvm::StringRef> knownTargetNames();

} // namespace mlir::seq

#endif // SEQ_TARGET_TARGETMODEL_H
