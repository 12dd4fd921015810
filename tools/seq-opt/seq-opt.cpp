//===- seq-opt.cpp - the seq optimizer driver
//------------------------------===//
//
// MlirOptMain with the seq dialect, every upstream dialect and pass, seq's own
// passes and the named pipelines (seq-to-cpu).
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "seq/Conversion/Passes.h"
#include "seq/Dialect/SeqDialect.h"
#include "seq/Target/Pipelines.h"
#include "seq/Transforms/Passes.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::seq::registerSeqConversionPasses();
  mlir::seq::registerSeqTransformsPasses();
  mlir::seq::registerPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registry.insert<mlir::seq::SeqDialect>();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "seq optimizer driver\n", registry));
}
