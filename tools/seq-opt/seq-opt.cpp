//===- seq-opt.cpp - the seq optimizer driver -----------------------------===//
//
// MlirOptMain with the seq dialect, every upstream dialect and pass, seq's own
// passes and the named pipelines (seq-to-cpu). `--seq-print-target=NAME`
// prints a target model instead of processing IR.
//
//===----------------------------------------------------------------------===//

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "seq/Conversion/Passes.h"
#include "seq/Dialect/SeqDialect.h"
#include "seq/Target/NVPTX/Passes.h"
#include "seq/Target/NVPTX/Pipeline.h"
#include "seq/Target/Passes.h"
#include "seq/Target/Pipelines.h"
#include "seq/Target/TargetModel.h"
#include "seq/TransformOps/SeqTransformOps.h"
#include "seq/Transforms/Passes.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/WithColor.h"

static llvm::cl::opt<std::string> printTarget(
    "seq-print-target",
    llvm::cl::desc("Print the target model NAME (host, x86-64-avx2, "
                   "x86-64-avx512, sm_80, sm_90a) and exit"),
    llvm::cl::value_desc("NAME"));

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::seq::registerSeqConversionPasses();
  mlir::seq::registerSeqTransformsPasses();
  mlir::seq::registerSeqTargetPasses();
  mlir::seq::registerSeqNVPTXPasses();
  mlir::seq::registerSeqToNVPTXPipeline();
  mlir::seq::registerPipelines();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // seq-to-nvptx serializes kernels through LLVM IR (gpu-module-to-binary).
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::seq::SeqDialect>();
  mlir::seq::registerTransformDialectExtension(registry);

  auto [inputFile, outputFile] = mlir::registerAndParseCLIOptions(
      argc, argv, "seq optimizer driver\n", registry);
  if (!printTarget.empty()) {
    auto model = mlir::seq::lookupTarget(printTarget);
    if (!model) {
      llvm::WithColor::error(llvm::errs(), "seq-opt")
          << llvm::toString(model.takeError()) << "\n";
      return EXIT_FAILURE;
    }
    model->print(llvm::outs());
    return EXIT_SUCCESS;
  }
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFile, outputFile, registry));
}
