//===- seq-run.cpp - JIT-run a seq function on .npy files -----------------===//
//
//   seq-run FILE.mlir -e FN --input a.npy [--input b.npy ...] --output-dir DIR
//
// compiles FN through seq-to-cpu, runs it on the inputs and writes result i
// to DIR/out<i>.npy. `--bench N` times N further runs and prints the median
// and minimum wall time. `--device cuda` compiles through seq-to-nvptx and
// runs on the GPU (copies in, kernels, copies out; --bench then reports the
// device time per run); without a GPU it fails with the driver's reason.
// `--emit-object F.o` (alone, without inputs) only
// compiles: the object exports FN's C wrapper _mlir_ciface_FN, which takes a
// pointer to a memref descriptor per input and then per result. Every problem
// (unreadable file, wrong dtype or shape, missing argument, bad IR) is reported
// with exit code 1, and no output file is written unless the run succeeded.
//
//===----------------------------------------------------------------------===//

#include "seq/Runtime/CudaEngine.h"
#include "seq/Runtime/Engine.h"
#include "seq/Runtime/Npy.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <chrono>

using namespace seq::runtime;
namespace cl = llvm::cl;

static cl::OptionCategory category("seq-run options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<input.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> entry("e", cl::desc("Function to run"),
                                  cl::value_desc("name"), cl::Required,
                                  cl::cat(category));
static cl::list<std::string>
    inputs("input", cl::desc("A .npy file per argument, in order"),
           cl::value_desc("file.npy"), cl::cat(category));
static cl::opt<std::string>
    outputDir("output-dir", cl::desc("Directory for out0.npy, out1.npy, ..."),
              cl::value_desc("dir"), cl::cat(category));
static cl::opt<unsigned>
    benchRuns("bench", cl::desc("Time N runs; print median and min"),
              cl::value_desc("N"), cl::init(0), cl::cat(category));
static cl::opt<std::string>
    objectFile("emit-object",
               cl::desc("Also write the compiled module as an object file"),
               cl::value_desc("file.o"), cl::cat(category));
enum class PipelineKind { tiled, reference };
static cl::opt<PipelineKind> pipeline(
    "pipeline", cl::desc("How seq-to-cpu compiles the program"),
    cl::values(clEnumValN(PipelineKind::tiled, "tiled",
                          "tiled, vectorized, multi-threaded (default)"),
               clEnumValN(PipelineKind::reference, "reference",
                          "the reference lowering: scalar loops, one thread")),
    cl::init(PipelineKind::tiled), cl::cat(category));
static cl::opt<std::string> target(
    "target",
    cl::desc("CPU target model whose schedules the tiled path applies "
             "(default: host; e.g. x86-64-avx2 on an AVX-512 host)"),
    cl::value_desc("name"), cl::init("host"), cl::cat(category));
static cl::opt<int64_t> attentionQueryTile(
    "attention-query-tile",
    cl::desc("Query rows per tile of the CPU attention schedule (default: "
             "from the target model)"),
    cl::init(0), cl::cat(category));
static cl::opt<int64_t> attentionKeyTile(
    "attention-key-tile",
    cl::desc("Keys per key/value tile of the CPU attention schedule "
             "(default: from the target model)"),
    cl::init(0), cl::cat(category));
static cl::opt<std::string> schedule(
    "schedule",
    cl::desc("Transform-dialect file replacing built-in schedules"),
    cl::value_desc("file.mlir"), cl::cat(category));
enum class DeviceKind { cpu, cuda };
static cl::opt<DeviceKind> device(
    "device", cl::desc("Where the program runs"),
    cl::values(clEnumValN(DeviceKind::cpu, "cpu", "the host CPU (default)"),
               clEnumValN(DeviceKind::cuda, "cuda",
                          "an NVIDIA GPU through the CUDA driver")),
    cl::init(DeviceKind::cpu), cl::cat(category));
static cl::opt<std::string>
    chip("chip",
         cl::desc("GPU target model for --device cuda (default: from the "
                  "device)"),
         cl::init(""), cl::cat(category));
static cl::opt<bool> printSignature("print-signature",
                                    cl::desc("Print the function's signature"),
                                    cl::init(false), cl::cat(category));

static int fail(const llvm::Twine &message) {
  llvm::WithColor::error(llvm::errs(), "seq-run") << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "seq JIT runner: runs a function of a seq/MLIR module on .npy files\n\n"
      "  bf16: .npy has no bfloat16 type. bf16 inputs are read from '<u2' or\n"
      "  'V2' arrays (np.save of an ml_dtypes.bfloat16 array writes 'V2');\n"
      "  bf16 outputs are written as '<u2' (the raw bits). Load them with\n"
      "      np.load('out0.npy').view(ml_dtypes.bfloat16)\n");

  auto source = llvm::MemoryBuffer::getFileOrSTDIN(inputFile);
  if (!source)
    return fail("cannot read '" + inputFile +
                "': " + source.getError().message());

  // The function and how to call it, on the CPU or on the GPU.
  std::vector<TensorSpec> inputSpecs, outputSpecs;
  std::function<llvm::Error(llvm::ArrayRef<TensorView>,
                            llvm::ArrayRef<TensorView>)>
      call;
  std::function<llvm::Expected<double>(llvm::ArrayRef<TensorView>,
                                       llvm::ArrayRef<TensorView>, unsigned)>
      deviceTimed;
  Engine::Options options;
  options.reference = pipeline == PipelineKind::reference;
  options.scheduleFile = schedule;
  options.target = target;
  options.attentionQueryTile = attentionQueryTile;
  options.attentionKeyTile = attentionKeyTile;
  Engine engine(options);
  std::unique_ptr<CudaEngine> cudaEngine;
  const CompiledFunction *cpuFn = nullptr;
  if (device == DeviceKind::cuda) {
    if (!objectFile.empty())
      return fail("--emit-object writes CPU code; it cannot be combined with "
                  "--device cuda (use seq-compile for PTX and cubin)");
    CudaEngine::Options cudaOptions;
    cudaOptions.chip = chip;
    auto created = CudaEngine::create(cudaOptions);
    if (!created)
      return fail(llvm::toString(created.takeError()));
    cudaEngine = std::move(*created);
    auto compiled =
        cudaEngine->compile((*source)->getBuffer(), entry, inputFile);
    if (!compiled)
      return fail(llvm::toString(compiled.takeError()));
    const CudaFunction *gpuFn = *compiled;
    inputSpecs.assign(gpuFn->inputs().begin(), gpuFn->inputs().end());
    outputSpecs.assign(gpuFn->outputs().begin(), gpuFn->outputs().end());
    call = [gpuFn](auto in, auto out) { return gpuFn->call(in, out); };
    deviceTimed = [gpuFn](auto in, auto out, unsigned n) {
      return gpuFn->timedCall(in, out, n);
    };
  } else {
    auto compiled = engine.compile((*source)->getBuffer(), entry, inputFile);
    if (!compiled)
      return fail(llvm::toString(compiled.takeError()));
    cpuFn = *compiled;
    inputSpecs.assign(cpuFn->inputs().begin(), cpuFn->inputs().end());
    outputSpecs.assign(cpuFn->outputs().begin(), cpuFn->outputs().end());
    call = [cpuFn](auto in, auto out) { return cpuFn->call(in, out); };
  }

  if (printSignature) {
    llvm::outs() << "@" << entry << "(";
    llvm::interleaveComma(inputSpecs, llvm::outs(),
                          [](const TensorSpec &s) { llvm::outs() << s.str(); });
    llvm::outs() << ") -> (";
    llvm::interleaveComma(outputSpecs, llvm::outs(),
                          [](const TensorSpec &s) { llvm::outs() << s.str(); });
    llvm::outs() << ")\n";
  }
  if (!objectFile.empty())
    if (llvm::Error err = cpuFn->writeObjectFile(objectFile))
      return fail(llvm::toString(std::move(err)));
  // Asked only for the signature or the object file: nothing to run.
  if (inputs.empty() && !inputSpecs.empty() && outputDir.empty() &&
      benchRuns == 0 && (printSignature || !objectFile.empty()))
    return 0;

  if (inputs.size() != inputSpecs.size())
    return fail("@" + entry + " takes " + llvm::Twine(inputSpecs.size()) +
                " arguments, but " + llvm::Twine(inputs.size()) +
                " --input files were given");
  std::vector<NpyArray> arrays;
  std::vector<TensorView> inputViews;
  for (auto [i, path] : llvm::enumerate(inputs)) {
    auto array = readNpy(path);
    if (!array)
      return fail(llvm::toString(array.takeError()));
    // A 2-byte raw payload ('<u2', 'V2') is how bf16 travels through NumPy.
    if (array->isTwoByteRaw && inputSpecs[i].dtype != DType::bf16)
      return fail(path + ": 2-byte payload given for argument #" +
                  llvm::Twine(i) + " of type " + inputSpecs[i].str());
    arrays.push_back(std::move(*array));
  }
  for (NpyArray &array : arrays)
    inputViews.push_back(array.view());

  std::vector<NpyArray> results;
  std::vector<TensorView> outputViews;
  for (const TensorSpec &spec : outputSpecs) {
    if (llvm::any_of(spec.shape, [](int64_t d) { return d < 0; }))
      return fail("result " + spec.str() +
                  " has a dynamic shape; seq-run needs static result shapes");
    results.push_back(NpyArray::zeros(spec.dtype, spec.shape));
  }
  for (NpyArray &array : results)
    outputViews.push_back(array.view());

  if (llvm::Error err = call(inputViews, outputViews))
    return fail(llvm::toString(std::move(err)));

  if (benchRuns > 0 && deviceTimed) {
    auto ms = deviceTimed(inputViews, outputViews, benchRuns);
    if (!ms)
      return fail(llvm::toString(ms.takeError()));
    llvm::outs() << llvm::format(
        "@%s: %u runs on the GPU, %.6f s per run "
        "(device time)\n",
        entry.c_str(), static_cast<unsigned>(benchRuns), *ms / 1000.0);
  } else if (benchRuns > 0) {
    std::vector<double> seconds;
    for (unsigned r = 0; r < benchRuns; ++r) {
      auto start = std::chrono::steady_clock::now();
      if (llvm::Error err = call(inputViews, outputViews))
        return fail(llvm::toString(std::move(err)));
      seconds.push_back(std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - start)
                            .count());
    }
    std::sort(seconds.begin(), seconds.end());
    llvm::outs() << llvm::format("@%s: %u runs, median %.6f s, min %.6f s\n",
                                 entry.c_str(),
                                 static_cast<unsigned>(benchRuns),
                                 seconds[seconds.size() / 2], seconds.front());
  }

  if (!outputDir.empty()) {
    if (std::error_code ec = llvm::sys::fs::create_directories(outputDir))
      return fail("cannot create '" + outputDir + "': " + ec.message());
    for (auto [i, view] : llvm::enumerate(outputViews)) {
      llvm::SmallString<128> path(outputDir);
      llvm::sys::path::append(path, "out" + std::to_string(i) + ".npy");
      if (llvm::Error err = writeNpy(path, view))
        return fail(llvm::toString(std::move(err)));
    }
  }
  return 0;
}
