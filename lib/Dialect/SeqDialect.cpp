//===- SeqDialect.cpp - seq dialect registration --------------------------===//

#include "seq/Dialect/SeqDialect.h"
#include "seq/Dialect/SeqOps.h"

#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::seq;

#include "seq/SeqDialect.cpp.inc"
#include "seq/SeqEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "seq/SeqAttrs.cpp.inc"

void SeqDialect::initialize() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "seq/SeqAttrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "seq/SeqOps.cpp.inc"
      >();
  detail::attachBufferizableOpInterfaces(getContext());
}
