//===- CudaModule.cpp - seq._core bindings of the NVPTX target ------------===//
//
// compile_nvptx: PTX (and cubin) with launch descriptors for a function,
// no GPU needed. CudaEngine / CudaFunction: run a function on an NVIDIA GPU
// through the dlopen'ed driver; without one, creating the engine raises
// CudaError with the driver's reason.
//
//===----------------------------------------------------------------------===//

#include "CudaModule.h"

#include "seq/Runtime/CudaDriver.h"
#include "seq/Runtime/CudaEngine.h"
#include "seq/Target/NVPTX/Emitter.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/SourceMgr.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <mutex>

namespace py = pybind11;
using namespace seq::runtime;

namespace {

/// Raised when a CUDA device cannot be used (no driver, no GPU, a driver
/// error during a run).
struct CudaFailure {
  std::string message;
};

/// A program that does not compile for the GPU (becomes CompileError).
struct CompileFailureForCuda {
  std::string message;
};

[[noreturn]] void fail(llvm::Error err) {
  throw CudaFailure{llvm::toString(std::move(err))};
}

//===----------------------------------------------------------------------===//
// compile_nvptx
//===----------------------------------------------------------------------===//

py::dict kernelDict(const mlir::seq::KernelLaunch &kernel) {
  py::dict d;
  d["name"] = kernel.name;
  d["ptx"] = kernel.ptx;
  d["cubin"] = kernel.cubin.empty() ? py::object(py::none())
                                    : py::object(py::bytes(kernel.cubin));
  d["grid"] = py::make_tuple(kernel.grid[0], kernel.grid[1], kernel.grid[2]);
  d["block"] =
      py::make_tuple(kernel.block[0], kernel.block[1], kernel.block[2]);
  d["static_shared_bytes"] = kernel.staticSharedBytes;
  d["dynamic_shared_bytes"] = kernel.dynamicSharedBytes;
  py::list parameters;
  for (const mlir::seq::KernelParameter &p : kernel.parameters)
    parameters.append(py::make_tuple(p.kind, p.type, p.binding));
  d["parameters"] = parameters;
  d["mma_sync"] = kernel.mmaSyncCount;
  d["wgmma"] = kernel.wgmmaCount;
  if (kernel.ptxas) {
    py::dict r;
    r["registers"] = kernel.ptxas->registers;
    r["spill_store_bytes"] = kernel.ptxas->spillStoreBytes;
    r["spill_load_bytes"] = kernel.ptxas->spillLoadBytes;
    r["stack_frame_bytes"] = kernel.ptxas->stackFrameBytes;
    r["shared_bytes"] = kernel.ptxas->sharedBytes;
    d["ptxas"] = r;
  } else {
    d["ptxas"] = py::none();
  }
  std::string json;
  llvm::raw_string_ostream os(json);
  kernel.printJson(os);
  d["descriptor"] = json;
  return d;
}

py::dict compileNVPTX(const std::string &source, const std::string &entry,
                      const std::string &chip, const std::string &name,
                      bool assemble, bool tensorCores) {
  llvm::Expected<mlir::seq::NVPTXProgram> program =
      [&]() -> llvm::Expected<mlir::seq::NVPTXProgram> {
    py::gil_scoped_release release;
    mlir::DialectRegistry registry;
    mlir::seq::registerSeqToNVPTXDependencies(registry);
    mlir::MLIRContext context(registry);
    context.printOpOnDiagnostic(false);
    llvm::SourceMgr sourceMgr;
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(source, name), llvm::SMLoc());
    std::string diagnostics;
    llvm::raw_string_ostream diagStream(diagnostics);
    mlir::SourceMgrDiagnosticHandler handler(sourceMgr, &context, diagStream);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    if (!module)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     name + " is not a valid program:\n" +
                                         diagnostics);
    mlir::seq::EmitOptions options;
    options.pipeline.chip = chip;
    options.pipeline.tensorCores = tensorCores;
    options.assemble = assemble;
    auto result = mlir::seq::emitNVPTX(*module, entry, options);
    if (!result)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          llvm::toString(result.takeError()) +
              (diagnostics.empty() ? "" : "\n" + diagnostics));
    return result;
  }();
  if (!program)
    throw CompileFailureForCuda{llvm::toString(program.takeError())};
  py::dict d;
  d["function"] = program->function;
  d["chip"] = program->chip;
  py::list temporaries;
  for (const mlir::seq::Temporary &t : program->temporaries)
    temporaries.append(py::make_tuple(t.type, t.bytes));
  d["temporaries"] = temporaries;
  py::list kernels;
  for (const mlir::seq::KernelLaunch &k : program->kernels)
    kernels.append(kernelDict(k));
  d["kernels"] = kernels;
  return d;
}

//===----------------------------------------------------------------------===//
// CudaEngine
//===----------------------------------------------------------------------===//

/// The runtime dtype of a NumPy dtype (bf16 is ml_dtypes' bfloat16).
DType dtypeOf(const py::dtype &dtype) {
  std::string name = py::str(dtype.attr("name"));
  if (name == "float16")
    return DType::f16;
  if (name == "bfloat16")
    return DType::bf16;
  if (name == "float32")
    return DType::f32;
  if (name == "float64")
    return DType::f64;
  if (name == "complex64")
    return DType::c64;
  if (name == "complex128")
    return DType::c128;
  if (name == "bool")
    return DType::i1;
  if (name == "int32")
    return DType::i32;
  if (name == "int64")
    return DType::i64;
  throw py::type_error("seq cannot pass NumPy arrays of dtype " + name);
}

py::dtype numpyDtype(DType dtype) {
  switch (dtype) {
  case DType::f16:
    return py::dtype("float16");
  case DType::bf16:
    return py::dtype::from_args(
        py::module_::import("ml_dtypes").attr("bfloat16"));
  case DType::f32:
    return py::dtype("float32");
  case DType::f64:
    return py::dtype("float64");
  case DType::c64:
    return py::dtype("complex64");
  case DType::c128:
    return py::dtype("complex128");
  case DType::i1:
    return py::dtype("bool");
  case DType::i32:
    return py::dtype("int32");
  case DType::i64:
    return py::dtype("int64");
  }
  return py::dtype("float32");
}

/// [(dtype name, shape)] of a signature.
py::list specs(llvm::ArrayRef<TensorSpec> types) {
  py::list list;
  for (const TensorSpec &spec : types)
    list.append(py::make_tuple(dtypeName(spec.dtype).str(),
                               py::tuple(py::cast(std::vector<int64_t>(
                                   spec.shape.begin(), spec.shape.end())))));
  return list;
}

/// A function compiled for the engine's GPU.
struct PyCudaFunction {
  std::shared_ptr<CudaEngine> engine;
  const CudaFunction *function;

  /// Runs on the GPU; `repeats` > 0 also returns the device time per run.
  py::object run(const py::args &args, unsigned repeats) {
    if (args.size() != function->inputs().size())
      throw py::value_error("@" + function->name().str() + " takes " +
                            std::to_string(function->inputs().size()) +
                            " arrays, got " + std::to_string(args.size()));
    std::vector<py::array> inputs;
    std::vector<TensorView> inputViews, outputViews;
    for (py::handle arg : args) {
      if (!py::isinstance<py::array>(arg))
        throw py::type_error("CudaFunction arguments must be numpy.ndarray");
      py::array array = py::array::ensure(arg, py::array::c_style);
      inputs.push_back(array);
      llvm::SmallVector<int64_t> shape(array.shape(),
                                       array.shape() + array.ndim());
      inputViews.emplace_back(dtypeOf(array.dtype()), array.mutable_data(),
                              shape);
    }
    py::list outputs;
    std::vector<py::array> outputArrays;
    for (const TensorSpec &spec : function->outputs()) {
      std::vector<py::ssize_t> shape(spec.shape.begin(), spec.shape.end());
      py::array array(numpyDtype(spec.dtype), shape);
      outputArrays.push_back(array);
      outputViews.emplace_back(spec.dtype, array.mutable_data(), spec.shape);
      outputs.append(array);
    }
    double milliseconds = 0;
    {
      py::gil_scoped_release release;
      if (repeats == 0) {
        if (llvm::Error err = function->call(inputViews, outputViews))
          fail(std::move(err));
      } else {
        auto time = function->timedCall(inputViews, outputViews, repeats);
        if (!time)
          fail(time.takeError());
        milliseconds = *time;
      }
    }
    if (repeats == 0)
      return outputs;
    return py::make_tuple(outputs, milliseconds);
  }
};

struct PyCudaEngine {
  std::shared_ptr<CudaEngine> engine;

  PyCudaEngine(const std::string &chip, int device, bool tensorCores) {
    CudaEngine::Options options;
    options.chip = chip;
    options.device = device;
    options.tensorCores = tensorCores;
    auto created = CudaEngine::create(options);
    if (!created)
      fail(created.takeError());
    engine = std::move(*created);
  }

  PyCudaFunction compile(const std::string &source, const std::string &entry,
                         const std::string &name) {
    llvm::Expected<const CudaFunction *> function =
        [&]() -> llvm::Expected<const CudaFunction *> {
      py::gil_scoped_release release;
      return engine->compile(source, entry, name);
    }();
    if (!function)
      throw CompileFailureForCuda{llvm::toString(function.takeError())};
    return PyCudaFunction{engine, *function};
  }
};

} // namespace

void seq::python::populateCudaBindings(py::module_ &m,
                                       py::handle compileError) {
  static py::exception<CudaFailure> cudaError(m, "CudaError",
                                              PyExc_RuntimeError);
  cudaError.attr("__doc__") =
      "A CUDA device could not be used: no NVIDIA driver or GPU, or a "
      "driver call failed (the message names the call and the CUDA "
      "error). Derives from RuntimeError.";
  static py::handle compileErrorType = compileError;
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const CudaFailure &e) {
      py::set_error(cudaError, e.message.c_str());
    } catch (const CompileFailureForCuda &e) {
      py::set_error(compileErrorType, e.message.c_str());
    }
  });

  m.def("compile_nvptx", &compileNVPTX, py::arg("source"), py::arg("entry"),
        py::arg("chip") = "sm_80", py::arg("name") = "<seq>",
        py::arg("assemble") = false, py::arg("tensor_cores") = true,
        "Compiles function `entry` of `source` (MLIR text) through "
        "seq-to-nvptx for `chip` ('sm_80', 'sm_90a') without a GPU. Returns "
        "a dict: 'function', 'chip', 'temporaries' (type, bytes) and "
        "'kernels', in launch order, each a dict with 'name', 'ptx', "
        "'grid', 'block', 'static_shared_bytes', 'dynamic_shared_bytes', "
        "'parameters' (kind, type, binding), 'mma_sync', 'wgmma', "
        "'descriptor' (JSON) and, with assemble=True (ptxas), 'cubin' and "
        "'ptxas' (registers, spills, shared bytes). Raises CompileError.");

  py::class_<PyCudaFunction>(
      m, "CudaFunction",
      "A function compiled for a GPU by CudaEngine.compile. Call it with one "
      "numpy.ndarray per input; inputs are copied to the device, the "
      "kernels run, and a list with one new array per result comes back.")
      .def(
          "__call__",
          [](PyCudaFunction &self, const py::args &args) {
            return self.run(args, 0);
          },
          "Runs the function on the GPU. Raises ValueError on wrong "
          "arguments, CudaError on a driver error.")
      .def(
          "timed",
          [](PyCudaFunction &self, const py::args &args, unsigned repeats) {
            return self.run(args, repeats);
          },
          py::kw_only(), py::arg("repeats") = 10,
          "Runs once, then `repeats` more times; returns (outputs, "
          "milliseconds per run of device time).")
      .def_property_readonly(
          "inputs",
          [](PyCudaFunction &self) { return specs(self.function->inputs()); },
          "The argument types: a list of (dtype_name, shape).")
      .def_property_readonly(
          "outputs",
          [](PyCudaFunction &self) { return specs(self.function->outputs()); },
          "The result types: a list of (dtype_name, shape).");

  py::class_<PyCudaEngine>(
      m, "CudaEngine",
      "Compiles seq programs for an NVIDIA GPU and runs them "
      "(seq::runtime::CudaEngine). The driver (libcuda.so.1, or "
      "$SEQ_CUDA_DRIVER) is opened when the engine is created; without a "
      "driver or GPU that raises CudaError.")
      .def(py::init<const std::string &, int, bool>(), py::arg("chip") = "",
           py::arg("device") = 0, py::arg("tensor_cores") = true,
           "Opens CUDA device `device`; `chip` is the target model ('' "
           "picks sm_90a on compute capability 9.x, else sm_80).")
      .def("compile", &PyCudaEngine::compile, py::arg("source"),
           py::arg("entry"), py::arg("name") = "<seq>",
           "Compiles `entry` for the device. Raises CompileError.")
      .def_property_readonly(
          "chip", [](PyCudaEngine &self) { return self.engine->chip().str(); },
          "The target model the engine compiles for.")
      .def_property_readonly(
          "device",
          [](PyCudaEngine &self) { return self.engine->device().name().str(); },
          "The device's name, as the driver reports it.");
}
