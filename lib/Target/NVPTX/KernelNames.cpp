//===- KernelNames.cpp - readable, unique kernel names --------------------===//

#include "KernelNames.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::seq;

KernelNamer::KernelNamer(func::FuncOp func) : func(func) {
  Operation *scope =
      func->getParentOp() ? func->getParentOp() : func.getOperation();
  scope->walk([&](Operation *op) {
    if (auto symbol =
            op->getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName()))
      used.insert(symbol.getValue());
    if (auto launch = dyn_cast<gpu::LaunchOp>(op)) {
      if (auto name = launch.getFunctionAttr())
        used.insert(name.getValue());
      if (auto name = launch.getModuleAttr())
        used.insert(name.getValue());
    }
  });
}

std::pair<FlatSymbolRefAttr, FlatSymbolRefAttr>
KernelNamer::next(Operation *op) {
  return next(op->getName().stripDialect());
}

std::pair<FlatSymbolRefAttr, FlatSymbolRefAttr>
KernelNamer::next(StringRef stem) {
  std::string name;
  do {
    name =
        (func.getSymName() + "_" + stem + "_" + llvm::Twine(counter++)).str();
  } while (used.contains(name));
  used.insert(name);
  auto ref = FlatSymbolRefAttr::get(func.getContext(), name);
  return {ref, ref};
}
