//===- ElementTypes.cpp - runtime dtypes <-> MLIR element types -----------===//

#include "seq/Runtime/ElementTypes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

using namespace seq::runtime;

std::optional<DType> seq::runtime::dtypeOf(mlir::Type elementType) {
  std::string name;
  llvm::raw_string_ostream(name) << elementType;
  return dtypeFromMlirName(name);
}

mlir::Type seq::runtime::elementType(DType dtype, mlir::MLIRContext &context) {
  // Builtin types only: parsing needs no dialect to be loaded.
  return mlir::parseType(dtypeName(dtype), &context);
}
