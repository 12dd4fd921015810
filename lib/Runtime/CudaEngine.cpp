//===- CudaEngine.cpp - run seq programs on an NVIDIA GPU -----------------===//

#include "seq/Runtime/CudaEngine.h"

#include "seq/Dialect/SeqDialect.h"
#include "seq/Runtime/CudaDriver.h"
#include "seq/Runtime/CudaRuntime.h"
#include "seq/Runtime/ElementTypes.h"
#include "seq/Target/NVPTX/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <mutex>

using namespace seq::runtime;
using llvm::StringRef;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

//===----------------------------------------------------------------------===//
// CudaFunction
//===----------------------------------------------------------------------===//

CudaFunction::~CudaFunction() {
  // The JIT's destructors unload the kernel modules: keep the device current.
  if (engine && device) {
    cuda::RuntimeScope scope(*device);
    engine.reset();
    llvm::consumeError(scope.takeError());
  }
}

llvm::Error CudaFunction::call(llvm::ArrayRef<TensorView> inputs,
                               llvm::ArrayRef<TensorView> outputs) const {
  llvm::Expected<double> time = run(inputs, outputs, /*repeats=*/0);
  return time ? llvm::Error::success() : time.takeError();
}

llvm::Expected<double>
CudaFunction::timedCall(llvm::ArrayRef<TensorView> inputs,
                        llvm::ArrayRef<TensorView> outputs,
                        unsigned repeats) const {
  return run(inputs, outputs, std::max(1u, repeats));
}

namespace {
/// A memref descriptor in the packed calling convention.
struct Descriptor {
  void *allocated = nullptr, *aligned = nullptr;
  int64_t offset = 0;
  llvm::SmallVector<int64_t, 4> sizes, strides;
};
} // namespace

llvm::Expected<double> CudaFunction::run(llvm::ArrayRef<TensorView> inputs,
                                         llvm::ArrayRef<TensorView> outputs,
                                         unsigned repeats) const {
  if (inputs.size() != inputSpecs.size())
    return makeError("@" + entry + " expects " +
                     llvm::Twine(inputSpecs.size()) + " inputs, got " +
                     llvm::Twine(inputs.size()));
  if (outputs.size() != outputSpecs.size())
    return makeError("@" + entry + " has " + llvm::Twine(outputSpecs.size()) +
                     " results, but " + llvm::Twine(outputs.size()) +
                     " output buffers were given");
  for (size_t i = 0; i < inputs.size(); ++i)
    if (llvm::Error err =
            checkTensorArgument(inputs[i], inputSpecs[i], "input", i, entry))
      return std::move(err);
  for (size_t i = 0; i < outputs.size(); ++i)
    if (llvm::Error err =
            checkTensorArgument(outputs[i], outputSpecs[i], "output", i, entry))
      return std::move(err);
  if (llvm::Error err = device->makeCurrent())
    return std::move(err);

  // Device copies of every argument, in signature order.
  std::vector<cuda::DeviceBuffer> buffers;
  std::vector<Descriptor> descriptors;
  auto addArgument = [&](const TensorView &view, bool copyIn) -> llvm::Error {
    size_t bytes = view.numElements() * dtypeSize(view.dtype);
    auto buffer = device->allocate(bytes);
    if (!buffer)
      return buffer.takeError();
    if (copyIn)
      if (llvm::Error err = device->copyToDevice(*buffer, view.data, bytes))
        return err;
    Descriptor d;
    d.allocated = d.aligned = reinterpret_cast<void *>(buffer->pointer());
    d.sizes.assign(view.shape.begin(), view.shape.end());
    d.strides = view.contiguousStrides();
    descriptors.push_back(std::move(d));
    buffers.push_back(std::move(*buffer));
    return llvm::Error::success();
  };
  for (const TensorView &view : inputs)
    if (llvm::Error err = addArgument(view, /*copyIn=*/true))
      return std::move(err);
  for (const TensorView &view : outputs)
    if (llvm::Error err = addArgument(view, /*copyIn=*/false))
      return std::move(err);

  llvm::SmallVector<void *> args;
  for (Descriptor &d : descriptors) {
    args.push_back(&d.allocated);
    args.push_back(&d.aligned);
    args.push_back(&d.offset);
    for (int64_t &size : d.sizes)
      args.push_back(&size);
    for (int64_t &stride : d.strides)
      args.push_back(&stride);
  }

  cuda::Driver &driver = device->driver();
  auto invoke = [&]() -> llvm::Error {
    cuda::RuntimeScope scope(*device);
    if (llvm::Error err = engine->invokePacked(entry, args))
      return makeError("@" + entry + ": invocation failed: " +
                       llvm::toString(std::move(err)));
    if (llvm::Error err = scope.takeError())
      return makeError("@" + entry +
                       " on the GPU: " + llvm::toString(std::move(err)));
    return device->synchronize();
  };
  if (llvm::Error err = invoke())
    return std::move(err);

  double milliseconds = 0;
  if (repeats > 0) {
    cuda::CUevent start = nullptr, stop = nullptr;
    if (llvm::Error err =
            driver.check(driver.cuEventCreate(&start, 0), "cuEventCreate"))
      return std::move(err);
    if (llvm::Error err =
            driver.check(driver.cuEventCreate(&stop, 0), "cuEventCreate")) {
      driver.cuEventDestroy(start);
      return std::move(err);
    }
    auto timed = [&]() -> llvm::Error {
      // The program's streams are blocking: events on the default stream
      // bracket all of its launches.
      if (llvm::Error err = driver.check(driver.cuEventRecord(start, nullptr),
                                         "cuEventRecord"))
        return err;
      for (unsigned r = 0; r < repeats; ++r)
        if (llvm::Error err = invoke())
          return err;
      if (llvm::Error err = driver.check(driver.cuEventRecord(stop, nullptr),
                                         "cuEventRecord"))
        return err;
      if (llvm::Error err = driver.check(driver.cuEventSynchronize(stop),
                                         "cuEventSynchronize"))
        return err;
      float total = 0;
      if (llvm::Error err =
              driver.check(driver.cuEventElapsedTime(&total, start, stop),
                           "cuEventElapsedTime"))
        return err;
      milliseconds = total / repeats;
      return llvm::Error::success();
    };
    llvm::Error err = timed();
    driver.cuEventDestroy(start);
    driver.cuEventDestroy(stop);
    if (err)
      return std::move(err);
  }

  for (size_t i = 0; i < outputs.size(); ++i) {
    const TensorView &view = outputs[i];
    size_t bytes = view.numElements() * dtypeSize(view.dtype);
    if (llvm::Error err =
            device->copyToHost(view.data, buffers[inputs.size() + i], bytes))
      return std::move(err);
  }
  return milliseconds;
}

//===----------------------------------------------------------------------===//
// CudaEngine
//===----------------------------------------------------------------------===//

llvm::Expected<std::unique_ptr<CudaEngine>> CudaEngine::create() {
  return create(Options());
}

llvm::Expected<std::unique_ptr<CudaEngine>>
CudaEngine::create(Options options) {
  std::unique_ptr<CudaEngine> engine(new CudaEngine());
  engine->options = options;
  if (!options.driver.empty()) {
    auto driver = cuda::Driver::open(options.driver);
    if (!driver)
      return makeError("no CUDA device available: " +
                       llvm::toString(driver.takeError()));
    if (llvm::Error err = (*driver)->initialize())
      return makeError("no CUDA device available: " +
                       llvm::toString(std::move(err)));
    engine->ownDriver = std::move(*driver);
  }
  auto device = engine->ownDriver
                    ? cuda::Device::open(*engine->ownDriver, options.device)
                    : cuda::Device::open(options.device);
  if (!device)
    return makeError("no CUDA device available: " +
                     llvm::toString(device.takeError()));
  engine->dev = std::move(*device);
  engine->targetChip = !options.chip.empty()                    ? options.chip
                       : engine->dev->computeCapability() >= 90 ? "sm_90a"
                                                                : "sm_80";

  static std::once_flag initNative;
  std::call_once(initNative, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  });
  mlir::DialectRegistry registry;
  mlir::seq::registerSeqToNVPTXDependencies(registry);
  engine->ctx = std::make_unique<mlir::MLIRContext>(registry);
  engine->ctx->disableMultithreading();
  engine->ctx->printOpOnDiagnostic(false);
  return std::move(engine);
}

CudaEngine::~CudaEngine() {
  // Functions unload their modules while the device is still open.
  cache.clear();
}

llvm::Expected<const CudaFunction *>
CudaEngine::compile(StringRef source, StringRef entry, StringRef bufferName) {
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
  auto withDiagnostics = [&](const llvm::Twine &message) {
    return makeError(message + (diagnostics.empty() ? "" : "\n" + diagnostics));
  };
  if (mlir::failed(mlir::verify(*module)))
    return withDiagnostics("the module does not verify");
  auto fn = module->lookupSymbol<mlir::func::FuncOp>(entry);
  if (!fn || fn.isExternal())
    return withDiagnostics("no function @" + entry + " in the module");

  std::unique_ptr<CudaFunction> compiled(new CudaFunction());
  compiled->entry = entry.str();
  compiled->device = dev.get();
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

  mlir::PassManager pm(ctx.get());
  mlir::seq::SeqToNVPTXOptions pipeline;
  pipeline.chip = targetChip;
  // PTX, compiled for the exact device by the driver's JIT.
  pipeline.format = "isa";
  pipeline.tensorCores = options.tensorCores;
  mlir::seq::buildSeqToNVPTXPipeline(pm, pipeline);
  if (mlir::failed(pm.run(*module)))
    return withDiagnostics("lowering @" + entry + " through seq-to-nvptx (" +
                           targetChip + ") failed");

  std::function<llvm::Error(llvm::Module *)> transformer =
      mlir::makeOptimizingTransformer(/*optLevel=*/2, /*sizeLevel=*/0,
                                      /*targetMachine=*/nullptr);
  mlir::ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  auto engine = mlir::ExecutionEngine::create(*module, engineOptions);
  if (!engine)
    return withDiagnostics(
        "JIT compilation of @" + entry +
        "'s host code failed: " + llvm::toString(engine.takeError()));
  (*engine)->registerSymbols(cuda::runtimeSymbols);
  {
    // Loads the kernel images (global constructors of the host code).
    cuda::RuntimeScope scope(*dev);
    (*engine)->initialize();
    if (llvm::Error err = scope.takeError())
      return makeError("loading the kernels of @" + entry + " on " +
                       dev->name() + ": " + llvm::toString(std::move(err)));
  }
  compiled->engine = std::move(*engine);
  const CudaFunction *result = compiled.get();
  cache[key] = std::move(compiled);
  return result;
}
