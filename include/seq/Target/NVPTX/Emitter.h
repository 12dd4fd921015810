//===- Emitter.h - PTX, cubin and launch descriptors ------------*- C++ -*-===//
//
// Compiles one function of a seq program through seq-to-nvptx and returns
// its kernels in launch order: the PTX of each (and, with ptxas, its cubin
// and ptxas's resource report) and a launch descriptor — grid and block
// shape (numbers, or expressions of the arguments' sizes for dynamic
// shapes), shared memory, and what each kernel parameter is bound to. This
// is what `seq-compile`, `Engine`-less hosts and the Python `f.ptx()` use;
// running the program on a GPU goes through CudaEngine instead.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_TARGET_NVPTX_EMITTER_H
#define SEQ_TARGET_NVPTX_EMITTER_H

#include "seq/Target/NVPTX/Pipeline.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace mlir::seq {

/// One parameter of a kernel as MLIR passes it. A memref is passed as its
/// descriptor, 3 + 2 * rank driver parameters: allocated pointer, aligned
/// pointer, offset, sizes, strides (all 64-bit).
struct KernelParameter {
  /// "memref" or "scalar".
  std::string kind;
  /// The MLIR type, "memref<64x256xf32>" or "f32".
  std::string type;
  /// What the host binds: "input 0", "output 1", "temporary 2", a view of
  /// one ("view of input 0"), a constant ("16384") or an expression.
  std::string binding;
};

/// What ptxas reports for a kernel (`ptxas -v`).
struct PtxasReport {
  int64_t registers = 0, spillStoreBytes = 0, spillLoadBytes = 0,
          stackFrameBytes = 0, sharedBytes = 0, barriers = 0;
};

/// One kernel launch of the program.
struct KernelLaunch {
  /// The kernel's symbol in its PTX (also its gpu.module's name).
  std::string name;
  /// grid and block sizes: decimal numbers, or expressions such as
  /// "ceildiv(input0.dim2, 64)".
  std::array<std::string, 3> grid, block;
  /// Shared memory the kernel declares statically, in bytes.
  int64_t staticSharedBytes = 0;
  /// Dynamic shared memory passed at launch ("0" when none).
  std::string dynamicSharedBytes = "0";
  llvm::SmallVector<KernelParameter> parameters;
  /// Tensor-core instructions in the PTX (mma.sync / wgmma.mma_async).
  int64_t mmaSyncCount = 0, wgmmaCount = 0;
  /// How the kernel was scheduled (tiles, threads), for humans.
  std::string schedule;
  /// The model's estimate of the kernel's floating-point operations and of
  /// the bytes it moves to and from global memory with the chosen tiles
  /// (flops / bytes is its arithmetic intensity); none when seq has no
  /// estimate for the op (SIMT kernels of seq ops).
  std::optional<int64_t> flops, globalBytes;
  std::string ptx;
  /// Filled when the emitter assembled the PTX with ptxas.
  std::string cubin;
  std::optional<PtxasReport> ptxas;

  /// The launch descriptor as a JSON object.
  void printJson(llvm::raw_ostream &os) const;
};

/// A device buffer the host allocates between launches.
struct Temporary {
  std::string type;
  int64_t bytes = -1; ///< -1 for a dynamic shape
};

struct NVPTXProgram {
  std::string function;
  std::string chip;
  /// The function's arguments ("tensor<1x8x128x32xf16>"), then its results.
  llvm::SmallVector<std::string> inputs, outputs;
  llvm::SmallVector<Temporary> temporaries;
  std::vector<KernelLaunch> kernels;

  /// The program (arguments, temporaries, launches in order) as JSON.
  void printJson(llvm::raw_ostream &os) const;
};

struct EmitOptions {
  SeqToNVPTXOptions pipeline;
  /// Also assemble each kernel with ptxas (cubin + resource report).
  bool assemble = false;
};

/// Compiles `entry` of `module` (which is modified) for the chip in
/// `options`. Diagnostics of the pipeline go to the context's handler; the
/// error says which step failed.
llvm::Expected<NVPTXProgram> emitNVPTX(ModuleOp module, StringRef entry,
                                       const EmitOptions &options);

/// Runs `ptxas -v -arch=chip` on `ptx`; returns the cubin and fills
/// `report`. The error carries ptxas's own message.
llvm::Expected<std::string> assemblePtx(StringRef ptx, StringRef chip,
                                        StringRef toolkit, PtxasReport &report);

} // namespace mlir::seq

#endif // SEQ_TARGET_NVPTX_EMITTER_H
