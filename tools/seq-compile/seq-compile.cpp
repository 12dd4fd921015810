//===- seq-compile.cpp - compile a seq function to GPU kernels ------------===//
//
//   seq-compile FILE.mlir -e FN --chip sm_90a --output-dir DIR [--cubin]
//
// compiles FN through seq-to-nvptx and writes, per kernel in launch order,
// DIR/<kernel>.ptx, DIR/<kernel>.json (its launch descriptor: grid, block,
// shared memory, parameter bindings, MMA instruction counts) and, with
// --cubin, DIR/<kernel>.cubin assembled by ptxas (whose register, spill and
// shared-memory report goes into the descriptor); DIR/<FN>.json lists the
// arguments, temporaries and launches. A summary table goes to stdout.
// Nothing is written unless every kernel compiled.
//
//===----------------------------------------------------------------------===//

#include "seq/Dialect/SeqDialect.h"
#include "seq/Target/NVPTX/Emitter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("seq-compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> entry("e", cl::desc("Function to compile"),
                                  cl::value_desc("name"), cl::Required,
                                  cl::cat(category));
static cl::opt<std::string> chip("chip",
                                 cl::desc("GPU target model (sm_80, sm_90a)"),
                                 cl::init("sm_80"), cl::cat(category));
static cl::opt<std::string>
    outputDir("output-dir",
              cl::desc("Directory for the PTX, cubin and JSON files (none: "
                       "print the summary only)"),
              cl::value_desc("dir"), cl::cat(category));
static cl::opt<bool> cubin("cubin",
                           cl::desc("Assemble each kernel with ptxas (cubin "
                                    "and resource report)"),
                           cl::init(false), cl::cat(category));
static cl::opt<bool>
    simtOnly("simt-only", cl::desc("No tensor-core mapping: SIMT kernels only"),
             cl::init(false), cl::cat(category));
static cl::opt<std::string>
    toolkit("toolkit",
            cl::desc("CUDA toolkit root (default: $CUDA_HOME or "
                     "/usr/local/cuda)"),
            cl::init(""), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "seq-compile") << message << "\n";
  return 1;
}

static llvm::Error writeFile(StringRef path, StringRef contents) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return llvm::createStringError(ec, "cannot write '%s': %s",
                                   path.str().c_str(), ec.message().c_str());
  os << contents;
  return llvm::Error::success();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "seq GPU compiler\n");

  DialectRegistry registry;
  seq::registerSeqToNVPTXDependencies(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);

  llvm::SourceMgr sourceMgr;
  std::string includedFile;
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!buffer)
    return fail("cannot read '" + inputFile +
                "': " + buffer.getError().message());
  sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());
  SourceMgrDiagnosticHandler handler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;

  seq::EmitOptions options;
  options.pipeline.chip = chip;
  options.pipeline.toolkit = toolkit;
  options.pipeline.tensorCores = !simtOnly;
  options.assemble = cubin;
  llvm::Expected<seq::NVPTXProgram> program =
      seq::emitNVPTX(*module, entry, options);
  if (!program)
    return fail(llvm::toString(program.takeError()));

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    auto path = [&](StringRef name) {
      llvm::SmallString<128> p(outputDir);
      llvm::sys::path::append(p, name);
      return std::string(p);
    };
    std::string json;
    llvm::raw_string_ostream os(json);
    program->printJson(os);
    if (llvm::Error err = writeFile(path(entry + ".json"), json + "\n"))
      return fail(llvm::toString(std::move(err)));
    for (const seq::KernelLaunch &kernel : program->kernels) {
      std::string descriptor;
      llvm::raw_string_ostream ds(descriptor);
      kernel.printJson(ds);
      if (llvm::Error err =
              writeFile(path(kernel.name + ".json"), descriptor + "\n"))
        return fail(llvm::toString(std::move(err)));
      if (llvm::Error err = writeFile(path(kernel.name + ".ptx"), kernel.ptx))
        return fail(llvm::toString(std::move(err)));
      if (!kernel.cubin.empty())
        if (llvm::Error err =
                writeFile(path(kernel.name + ".cubin"), kernel.cubin))
          return fail(llvm::toString(std::move(err)));
    }
  }

  llvm::outs() << "@" << program->function << " on " << program->chip << ": "
               << program->kernels.size() << " kernel(s), "
               << program->temporaries.size() << " temporary buffer(s)\n";
  for (const seq::KernelLaunch &kernel : program->kernels) {
    llvm::outs() << "  " << kernel.name << ": grid " << kernel.grid[0] << "x"
                 << kernel.grid[1] << "x" << kernel.grid[2] << ", block "
                 << kernel.block[0] << "x" << kernel.block[1] << "x"
                 << kernel.block[2] << ", mma.sync " << kernel.mmaSyncCount
                 << ", wgmma " << kernel.wgmmaCount;
    if (kernel.ptxas)
      llvm::outs() << ", " << kernel.ptxas->registers << " registers, "
                   << kernel.ptxas->spillStoreBytes +
                          kernel.ptxas->spillLoadBytes
                   << " spill bytes, " << kernel.ptxas->sharedBytes
                   << " shared bytes";
    llvm::outs() << "\n";
  }
  return 0;
}
