//===- KernelNames.h - readable, unique kernel names ------------*- C++ -*-===//
//
// Kernels are named after their function and the op they run
// (`@attention_layer_generic_3`), so ptxas reports, launch descriptors and
// profiles point at the source program.
//
//===----------------------------------------------------------------------===//

#ifndef SEQ_LIB_TARGET_NVPTX_KERNELNAMES_H
#define SEQ_LIB_TARGET_NVPTX_KERNELNAMES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"

namespace mlir::seq {

class KernelNamer {
public:
  /// Names kernels launched from `func`, avoiding the symbols of its module
  /// and the kernel names its launches already carry.
  explicit KernelNamer(func::FuncOp func);

  /// The gpu.launch `module` and `function` symbols of a new kernel that
  /// runs `op` (named "<func>_<op name>_<n>").
  std::pair<FlatSymbolRefAttr, FlatSymbolRefAttr> next(Operation *op);
  /// As above with an explicit stem ("<func>_<stem>_<n>").
  std::pair<FlatSymbolRefAttr, FlatSymbolRefAttr> next(StringRef stem);

private:
  func::FuncOp func;
  llvm::StringSet<> used;
  unsigned counter = 0;
};

} // namespace mlir::seq

#endif // SEQ_LIB_TARGET_NVPTX_KERNELNAMES_H
