//===- Engine.cpp - JIT engine for seq programs ---------------------------===//

#include "seq/Runtime/Engine.h"

#include "seq/Dialect/SeqDialect.h"
#include "seq/Runtime/BufferCache.h"
#include "seq/Runtime/ElementTypes.h"
#include "seq/Target/Pipelines.h"
#include "seq/Target/TargetModel.h"
#include "seq/TransformOps/SeqTransformOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Threading.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <mutex>

using namespace seq::runtime;
using llvm::StringRef;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string TensorSpec::str() const {
  std::string dims;
  for (int64_t d : shape)
    dims += (d < 0 ? std::string("?") : std::to_string(d)) + "x";
  return "tensor<" + dims + dtypeName(dtype).str() + ">";
}

//===----------------------------------------------------------------------===//
// Signatures: shared with the CUDA engine
//===----------------------------------------------------------------------===//
llvm::Expected<TensorSpec> seq::runtime::tensorSpecOf(mlir::Type type,
                                                     StringRef role,
                                                     size_t index,
                                                     StringRef entry) {
  auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
  std::string text;
  llvm::raw_string_ostream(text) << type;
  if (!tensor)
    return makeError(role + " #" + llvm::Twine(index) + " of @" + entry +
                     " has type " + text +
                     "; compiled functions take and return ranked tensors");
  std::optional<DType> dtype = dtypeOf(tensor.getElementType());
  if (!dtype)
    return makeError(role + " #" + llvm::Twine(index) + " of @" + entry +
                     " has unsupported element type in " + text);
  TensorSpec spec{*dtype, {}};
  for (int64_t d : tensor.getShape())
    spec.shape.push_back(mlir::ShapedType::isDynamic(d) ? -1 : d);
  return spec;
}

llvm::Error seq::runtime::checkTensorArgument(const TensorView &view,
                                              const TensorSpec &spec,
                                              StringRef role, size_t index,
                                              StringRef entry) {
  auto where = [&]() {
    return (role + " #" + llvm::Twine(index) + " of @" + entry + " (" +
            spec.str() + ")")
        .str();
  };
  if (view.dtype != spec.dtype)
    return makeError(where() + ": expected " + dtypeName(spec.dtype) +
                     " elements, got " + dtypeName(view.dtype));
  if (view.shape.size() != spec.shape.size())
    return makeError(where() + ": expected rank " +
                     llvm::Twine(spec.shape.size()) + ", got rank " +
                     llvm::Twine(view.shape.size()) + " (shape " +
                     formatShape(view.shape) + ")");
  for (size_t i = 0; i < spec.shape.size(); ++i)
    if (view.shape[i] < 0 ||
        (spec.shape[i] >= 0 && view.shape[i] != spec.shape[i]))
      return makeError(where() + ": expected shape " + formatShape(spec.shape) +
                       ", got " + formatShape(view.shape));
  if (!view.isContiguous())
    return makeError(where() +
                     ": strided views are not supported; pass a contiguous "
                     "row-major array");
  if (!view.data && view.numElements() > 0)
    return makeError(where() + ": null data pointer");
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Threads
//===----------------------------------------------------------------------===//

/// The thread count to run with: `requested`, else SEQ_NUM_THREADS, else
/// every core this process may run on. Always a concrete count: the OpenMP
/// team size is per calling thread and sticks, so a function compiled for
/// "all cores" must not inherit the count another function last set.
static unsigned threadCount(unsigned requested) {
  if (requested)
    return requested;
  if (const char *env = std::getenv("SEQ_NUM_THREADS")) {
    unsigned value = 0;
    if (!llvm::StringRef(env).trim().getAsInteger(10, value) && value)
      return value;
  }
  return std::max(1u, llvm::hardware_concurrency().compute_thread_count());
}

/// Sets the OpenMP team size of this thread's next parallel regions. The
/// runtime is the libomp the JIT loaded; without it there is nothing to set.
static void setOpenMPThreads(unsigned threads) {
  using SetNumThreads = void (*)(int);
  static SetNumThreads setter = reinterpret_cast<SetNumThreads>(
      llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(
          "omp_set_num_threads"));
  if (setter)
    setter(static_cast<int>(threads));
}

//===----------------------------------------------------------------------===//
// CompiledFunction
//===----------------------------------------------------------------------===//

CompiledFunction::~CompiledFunction() = default;

llvm::Error CompiledFunction::checkArgument(const TensorView &view,
                                            const TensorSpec &spec,
                                            StringRef role,
                                            size_t index) const {
  return checkTensorArgument(view, spec, role, index, entry);
}

namespace {
/// The fields of a ranked memref descriptor, as the packed calling
/// convention of ExecutionEngine::invokePacked expects them.
struct MemRefDescriptor {
  void *allocated;
  void *aligned;
  int64_t offset = 0;
  llvm::SmallVector<int64_t, 4> sizes, strides;
};

/// [begin, end) bytes of a view.
std::pair<const char *, const char *> byteRange(const TensorView &view) {
  const char *begin = static_cast<const char *>(view.data);
  return {begin, begin + view.numElements() * dtypeSize(view.dtype)};
}
} // namespace

llvm::Error CompiledFunction::call(llvm::ArrayRef<TensorView> inputs,
                                   llvm::ArrayRef<TensorView> outputs) const {
  if (inputs.size() != inputSpecs.size())
    return makeError("@" + entry + " expects " +
                     llvm::Twine(inputSpecs.size()) + " inputs, got " +
                     llvm::Twine(inputs.size()));
  if (outputs.size() != outputSpecs.size())
    return makeError("@" + entry + " has " + llvm::Twine(outputSpecs.size()) +
                     " results, but " + llvm::Twine(outputs.size()) +
                     " output buffers were given");
  for (size_t i = 0; i < inputs.size(); ++i)
    if (llvm::Error err = checkArgument(inputs[i], inputSpecs[i], "input", i))
      return err;
  for (size_t i = 0; i < outputs.size(); ++i)
    if (llvm::Error err =
            checkArgument(outputs[i], outputSpecs[i], "output", i))
      return err;
  // Outputs are written while inputs are still being read: refuse aliasing
  // instead of computing garbage.
  for (size_t o = 0; o < outputs.size(); ++o) {
    std::pair<const char *, const char *> out = byteRange(outputs[o]);
    auto overlaps = [&](const TensorView &other) {
      std::pair<const char *, const char *> range = byteRange(other);
      return out.first < range.second && range.first < out.second;
    };
    for (size_t i = 0; i < inputs.size(); ++i)
      if (overlaps(inputs[i]))
        return makeError("output #" + llvm::Twine(o) + " of @" + entry +
                         " overlaps input #" + llvm::Twine(i) +
                         "; outputs must not alias inputs");
    for (size_t p = 0; p < o; ++p)
      if (overlaps(outputs[p]))
        return makeError("output #" + llvm::Twine(o) + " of @" + entry +
                         " overlaps output #" + llvm::Twine(p));
  }

  std::vector<MemRefDescriptor> descriptors;
  descriptors.reserve(inputs.size() + outputs.size());
  auto addView = [&](const TensorView &view) {
    MemRefDescriptor d;
    d.allocated = d.aligned = view.data;
    d.sizes.assign(view.shape.begin(), view.shape.end());
    d.strides = view.contiguousStrides();
    descriptors.push_back(std::move(d));
  };
  for (const TensorView &view : inputs)
    addView(view);
  for (const TensorView &view : outputs)
    addView(view);

  llvm::SmallVector<void *> args;
  for (MemRefDescriptor &d : descriptors) {
    args.push_back(&d.allocated);
    args.push_back(&d.aligned);
    args.push_back(&d.offset);
    for (int64_t &size : d.sizes)
      args.push_back(&size);
    for (int64_t &stride : d.strides)
      args.push_back(&stride);
  }
  setOpenMPThreads(numThreads);
  if (llvm::Error err = engine->invokePacked(entry, args))
    return makeError("@" + entry +
                     ": invocation failed: " + llvm::toString(std::move(err)));
  return llvm::Error::success();
}

llvm::Error CompiledFunction::writeObjectFile(StringRef path) const {
  engine->dumpToObjectFile(path);
  if (!llvm::sys::fs::exists(path))
    return makeError("could not write object file '" + path + "'");
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Engine
//===----------------------------------------------------------------------===//

Engine::Engine() : Engine(Options()) {}

Engine::Engine(Options options) : options(options) {
  static std::once_flag initNative;
  std::call_once(initNative, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    // Vector lowerings may emit inline assembly (the AVX2 transpose's
    // vblendps), which the JIT's code emitter has to parse.
    llvm::InitializeNativeTargetAsmParser();
  });
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  registry.insert<mlir::seq::SeqDialect>();
  mlir::seq::registerTransformDialectExtension(registry);
  ctx = std::make_unique<mlir::MLIRContext>(registry);
  // Compile one function at a time; the JIT itself is single-threaded here.
  ctx->disableMultithreading();
  // Diagnostics name the op and its source line; the generic-form dump of
  // the op that MLIR appends by default is noise for users.
  ctx->printOpOnDiagnostic(false);
}

Engine::~Engine() = default;

mlir::MLIRContext &Engine::context() { return *ctx; }

llvm::Expected<const CompiledFunction *>
Engine::compile(StringRef source, StringRef entry, StringRef bufferName) {
  std::string key = (entry + llvm::Twine('\0') + source).str();
  if (auto it = cache.find(key); it != cache.end())
    return it->second.get();

  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, bufferName), llvm::SMLoc());
  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  mlir::SourceMgrDiagnosticHandler handler(sourceMgr, ctx.get(), diagStream);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, ctx.get());
  if (!module)
    return makeError(bufferName + " is not a valid program:\n" + diagnostics);
  auto result = compileModule(*module, entry, key);
  if (!result)
    return makeError(llvm::toString(result.takeError()) +
                     (diagnostics.empty() ? "" : "\n" + diagnostics));
  return result;
}

llvm::Expected<const CompiledFunction *> Engine::compile(mlir::ModuleOp module,
                                                         StringRef entry) {
  if (module->getContext() != ctx.get())
    return makeError("the module was built in another MLIRContext; build it "
                     "in Engine::context()");
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os, mlir::OpPrintingFlags().printGenericOpForm());
  std::string key = (entry + llvm::Twine('\0') + text).str();
  if (auto it = cache.find(key); it != cache.end())
    return it->second.get();
  mlir::OwningOpRef<mlir::ModuleOp> clone(module.clone());
  std::string diagnostics;
  llvm::raw_string_ostream diagStream(diagnostics);
  mlir::ScopedDiagnosticHandler handler(ctx.get(), [&](mlir::Diagnostic &d) {
    diagStream << d.getLocation() << ": " << d << "\n";
    return mlir::success();
  });
  auto result = compileModule(*clone, entry, key);
  if (!result)
    return makeError(llvm::toString(result.takeError()) +
                     (diagnostics.empty() ? "" : "\n" + diagnostics));
  return result;
}

llvm::Expected<const CompiledFunction *>
Engine::compileModule(mlir::ModuleOp module, StringRef entry,
                      const std::string &key) {
  if (mlir::failed(mlir::verify(module)))
    return makeError("the module does not verify");
  auto fn = module.lookupSymbol<mlir::func::FuncOp>(entry);
  if (fn && fn.isExternal())
    return makeError("function @" + entry +
                     " has no body: the module only declares it");
  if (!fn) {
    std::string names;
    module.walk([&](mlir::func::FuncOp f) {
      names += (names.empty() ? "" : ", ") + ("@" + f.getSymName()).str();
      if (f.isExternal())
        names += " (declared only)";
    });
    return makeError("no function @" + entry + " in the module (functions: " +
                     (names.empty() ? "none" : names) + ")");
  }

  auto compiled = std::unique_ptr<CompiledFunction>(new CompiledFunction());
  compiled->entry = entry.str();
  for (auto [i, type] : llvm::enumerate(fn.getArgumentTypes())) {
    auto spec = tensorSpecOf(type, "argument", i, entry);
    if (!spec)
      return spec.takeError();
    compiled->inputSpecs.push_back(*spec);
  }
  for (auto [i, type] : llvm::enumerate(fn.getResultTypes())) {
    auto spec = tensorSpecOf(type, "result", i, entry);
    if (!spec)
      return spec.takeError();
    compiled->outputSpecs.push_back(*spec);
  }

  // Public functions also get a C-callable wrapper, _mlir_ciface_<name>
  // (memref descriptors by pointer), for hosts that link the object file.
  for (auto func : module.getOps<mlir::func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      func->setAttr(mlir::LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                    mlir::UnitAttr::get(ctx.get()));

  if (options.attentionQueryTile < 0 || options.attentionKeyTile < 0)
    return makeError("attention tile sizes must be positive (or 0 for the "
                     "target model's choice)");
  if (!options.reference) {
    llvm::Expected<mlir::seq::TargetModel> model =
        mlir::seq::lookupTarget(options.target);
    if (!model)
      return makeError(llvm::toString(model.takeError()));
    if (!model->isCpu())
      return makeError("target '" + options.target +
                       "' is a GPU model; the CPU engine needs a CPU model "
                       "(host, x86-64-avx2, x86-64-avx512)");
  }

  mlir::PassManager pm(ctx.get());
  mlir::seq::SeqToCpuOptions pipeline;
  pipeline.reference = options.reference;
  pipeline.schedule = options.scheduleFile;
  pipeline.target = options.target;
  pipeline.attentionQueryTile = options.attentionQueryTile;
  pipeline.attentionKeyTile = options.attentionKeyTile;
  mlir::seq::buildSeqToCpuPipeline(pm, pipeline);
  if (mlir::failed(pm.run(module)))
    return makeError("lowering @" + entry + " through seq-to-cpu failed");

  // Optimize for the host CPU: without its target machine LLVM's cost
  // models are generic and the loop vectorizer leaves everything scalar.
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    return makeError("cannot detect the host CPU: " +
                     llvm::toString(hostBuilder.takeError()));
  auto hostMachine = hostBuilder->createTargetMachine();
  if (!hostMachine)
    return makeError("cannot create a target machine for the host: " +
                     llvm::toString(hostMachine.takeError()));
  // The options hold a function_ref: keep the transformer alive until create.
  std::function<llvm::Error(llvm::Module *)> transformer =
      mlir::makeOptimizingTransformer(options.optLevel, /*sizeLevel=*/0,
                                      hostMachine->get());
  mlir::ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  // memref.copy of strided buffers lowers to a call of memrefCopy.
  // The tiled path's parallel tiles call the OpenMP runtime (__kmpc_*).
  static const llvm::StringRef runtimeLibs[] = {SEQ_MLIR_C_RUNNER_UTILS,
                                                SEQ_LIBOMP};
  engineOptions.sharedLibPaths = runtimeLibs;
  engineOptions.enableObjectDump = true;
  // SEQ_JIT_PROFILE=1 names the JIT's functions for `perf` (/tmp/perf-PID.map)
  // and gdb.
  if (const char *profile = std::getenv("SEQ_JIT_PROFILE"))
    if (llvm::StringRef(profile) == "1") {
      engineOptions.enablePerfNotificationListener = true;
      engineOptions.enableGDBNotificationListener = true;
    }
  auto engine = mlir::ExecutionEngine::create(module, engineOptions);
  if (!engine)
    return makeError("JIT compilation of @" + entry +
                     " failed: " + llvm::toString(engine.takeError()));
  // Intermediate buffers are reused across calls (BufferCache.h) instead of
  // faulting in fresh pages every call.
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    auto bind = [&](llvm::StringRef name, auto *function) {
      symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(function),
                                 llvm::JITSymbolFlags::Exported};
    };
    bind("malloc", &seq::runtime::cachedMalloc);
    bind("calloc", &seq::runtime::cachedCalloc);
    bind("realloc", &seq::runtime::cachedRealloc);
    bind("aligned_alloc", &seq::runtime::cachedAlignedAlloc);
    bind("free", &seq::runtime::cachedFree);
    return symbols;
  });
  // The JIT generates machine code on the first lookup: do it now, so that
  // compile() returns compiled code and the first call only runs.
  if (auto packed = (*engine)->lookupPacked(entry); !packed)
    return makeError("JIT compilation of @" + entry +
                     " failed: " + llvm::toString(packed.takeError()));
  compiled->engine = std::move(*engine);
  compiled->numThreads = threadCount(options.numThreads);
  ++compilations;
  const CompiledFunction *result = compiled.get();
  cache[key] = std::move(compiled);
  return result;
}
