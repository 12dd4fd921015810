//===- SeqCoreModule.cpp - seq._core: the Python extension ----------------===//
//
// The C++ half of the seq Python DSL. The DSL traces Python functions into
// IR through the op builders of IRBuilder.cpp (seq._core.Module); this module
// verifies IR, lowers it stage by stage for inspection, and JIT-compiles it
// through seq::runtime::Engine into callables that run on NumPy arrays
// without copying them:
//
//   engine = seq._core.Engine()
//   fn = engine.compile(text, "f")       # cached by the C++ engine
//   (y,) = fn(x)                          # x: numpy.ndarray, y: new array
//
// It also exports the tables the DSL needs, each defined once in C++: the
// element types (DTYPES, from seq/Runtime/Tensor.h), the cases of the seq
// enum attributes (ENUMS, from the ODS) and the accumulation-type rule
// (accumulation_type, mlir::seq::getAccumulationType).
//
// Errors in the program come back as seq._core.CompileError (a ValueError)
// carrying the full MLIR diagnostic text; wrong arguments as ValueError.
//
// The extension's translation units are compiled with -fexceptions (pybind11
// needs them); the rest of seq and LLVM are built without.
//
//===----------------------------------------------------------------------===//

#include "Core.h"
#include "CudaModule.h"

#include "seq/Dialect/SeqDialect.h"
#include "seq/Dialect/SeqOps.h"
#include "seq/Runtime/BufferCache.h"
#include "seq/Runtime/ElementTypes.h"
#include "seq/Runtime/Engine.h"
#include "seq/Runtime/Tensor.h"
#include "seq/Target/Pipelines.h"
#include "seq/TransformOps/SeqTransformOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;
using seq::python::CompileFailure;
using seq::runtime::CompiledFunction;
using seq::runtime::DType;
using seq::runtime::DTypeInfo;
using seq::runtime::TensorSpec;
using seq::runtime::TensorView;

namespace {

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// Consumes `err` and returns its message.
std::string takeMessage(llvm::Error err) {
  return llvm::toString(std::move(err));
}

//===----------------------------------------------------------------------===//
// Engine and Function
//===----------------------------------------------------------------------===//

/// A seq::runtime::Engine shared by the Python Engine object and every
/// Function it returned (a Function keeps its engine, and so its compiled
/// code, alive). The mutex serializes compilations: the GIL is released
/// while compiling.
struct EngineState {
  explicit EngineState(seq::runtime::Engine::Options options)
      : engine(options) {}
  std::mutex mutex;
  seq::runtime::Engine engine;
};

class PyEngine;
using seq::python::parsePipeline;

/// A compiled entry point, callable on NumPy arrays.
class PyFunction {
public:
  PyFunction(std::shared_ptr<EngineState> state, const CompiledFunction *fn)
      : state(std::move(state)), fn(fn) {}

  std::string name() const { return fn->name().str(); }
  py::list inputs() const { return specList(fn->inputs()); }
  py::list outputs() const { return specList(fn->outputs()); }
  std::string repr() const;
  py::list call(const py::args &args) const;
  void writeObject(const py::object &path) const;

private:
  static py::list specList(llvm::ArrayRef<TensorSpec> specs);

  std::shared_ptr<EngineState> state;
  const CompiledFunction *fn;
};

class PyEngine {
public:
  PyEngine(unsigned optLevel, const std::string &pipeline,
           const std::string &schedule, const std::string &target,
           int64_t attentionQueryTile, int64_t attentionKeyTile) {
    if (optLevel > 3)
      throw py::value_error("opt_level must be 0, 1, 2 or 3, got " +
                            std::to_string(optLevel));
    seq::runtime::Engine::Options options;
    options.optLevel = optLevel;
    options.reference = parsePipeline(pipeline);
    options.scheduleFile = schedule;
    options.target = target;
    if (attentionQueryTile < 0 || attentionKeyTile < 0)
      throw py::value_error("attention_query_tile and attention_key_tile must "
                            "be positive (or 0 for the target model's choice)");
    options.attentionQueryTile = attentionQueryTile;
    options.attentionKeyTile = attentionKeyTile;
    state = std::make_shared<EngineState>(options);
  }

  PyFunction compile(const std::string &source, const std::string &entry,
                     const std::string &name) {
    std::optional<std::string> error;
    const CompiledFunction *fn = nullptr;
    {
      py::gil_scoped_release release;
      std::lock_guard<std::mutex> lock(state->mutex);
      auto compiled = state->engine.compile(source, entry, name);
      if (compiled)
        fn = *compiled;
      else
        error = takeMessage(compiled.takeError());
    }
    if (error)
      throw CompileFailure{std::move(*error)};
    return PyFunction(state, fn);
  }

  unsigned numCompilations() {
    std::lock_guard<std::mutex> lock(state->mutex);
    return state->engine.numCompilations();
  }

private:
  std::shared_ptr<EngineState> state;
};

//===----------------------------------------------------------------------===//
// NumPy <-> runtime dtypes
//===----------------------------------------------------------------------===//

/// The runtime dtype of a NumPy dtype, if it has one (byte order is not
/// looked at here: the caller converts non-native arrays). NumPy's own
/// types by kind and size, read from the descriptor: `name` is a Python
/// property that builds a string, a few microseconds on every argument of
/// every call. bfloat16 (ml_dtypes, kind 'V') by its name.
std::optional<DType> runtimeDType(const py::dtype &dtype) {
  char kind = dtype.kind();
  size_t size = dtype.itemsize();
  if (kind == 'V') {
    std::string name = py::str(dtype.attr("name")).cast<std::string>();
    for (const DTypeInfo &info : seq::runtime::dtypeTable())
      if (info.numpyName == name && info.size == size)
        return info.dtype;
    return std::nullopt;
  }
  for (const DTypeInfo &info : seq::runtime::dtypeTable())
    if (info.dtype != DType::bf16 && info.kind == kind && info.size == size)
      return info.dtype;
  return std::nullopt;
}

/// "float16, bfloat16, float32, ..." for messages.
std::string supportedDTypes() {
  std::string text;
  for (const DTypeInfo &info : seq::runtime::dtypeTable())
    text += (text.empty() ? "" : ", ") + info.numpyName.str();
  return text;
}

/// NumPy dtype objects for each runtime dtype (bf16 is ml_dtypes.bfloat16
/// when ml_dtypes is importable, else uint16). Looked up once, with the GIL.
py::dtype numpyDType(DType dtype) {
  static auto *cache =
      new std::vector<py::object>(seq::runtime::dtypeTable().size());
  py::object &slot = (*cache)[static_cast<size_t>(dtype)];
  if (!slot) {
    if (dtype == DType::bf16) {
      try {
        slot = py::dtype::from_args(
            py::module_::import("ml_dtypes").attr("bfloat16"));
      } catch (py::error_already_set &) {
        slot = py::dtype("uint16");
      }
    } else {
      slot = py::dtype(seq::runtime::dtypeInfo(dtype).numpyName.str());
    }
  }
  return py::reinterpret_borrow<py::dtype>(slot);
}

/// "(2, 8)"
std::string pyShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// "tensor<2x8xf32>" for an array of a runtime dtype.
std::string tensorType(llvm::ArrayRef<int64_t> shape, DType dtype) {
  return TensorSpec{dtype,
                    llvm::SmallVector<int64_t, 4>(shape.begin(), shape.end())}
      .str();
}

//===----------------------------------------------------------------------===//
// PyFunction
//===----------------------------------------------------------------------===//

py::list PyFunction::specList(llvm::ArrayRef<TensorSpec> specs) {
  py::list list;
  for (const TensorSpec &spec : specs) {
    py::tuple shape(spec.shape.size());
    for (size_t i = 0; i < spec.shape.size(); ++i)
      shape[i] = py::int_(spec.shape[i]);
    list.append(py::make_tuple(
        py::str(seq::runtime::dtypeName(spec.dtype).str()), shape));
  }
  return list;
}

std::string PyFunction::repr() const {
  std::string text = "<seq._core.Function @" + name() + "(";
  for (auto [i, spec] : llvm::enumerate(fn->inputs()))
    text += (i ? ", " : "") + spec.str();
  text += ") -> (";
  for (auto [i, spec] : llvm::enumerate(fn->outputs()))
    text += (i ? ", " : "") + spec.str();
  return text + ")>";
}

/// NumPy's NPY_ARRAY_ALIGNED flag.
constexpr int kAligned = py::detail::npy_api::NPY_ARRAY_ALIGNED_;

py::list PyFunction::call(const py::args &args) const {
  llvm::ArrayRef<TensorSpec> inSpecs = fn->inputs(), outSpecs = fn->outputs();
  std::string where = "@" + name();
  if (args.size() != inSpecs.size())
    throw py::value_error(where + " expects " + std::to_string(inSpecs.size()) +
                          " argument" + (inSpecs.size() == 1 ? "" : "s") +
                          ", got " + std::to_string(args.size()));

  // Check and convert every argument before touching any memory.
  std::vector<py::array> arrays;
  std::vector<TensorView> inputs;
  arrays.reserve(inSpecs.size());
  inputs.reserve(inSpecs.size());
  py::module_ numpy = py::module_::import("numpy");
  for (size_t i = 0; i < inSpecs.size(); ++i) {
    const TensorSpec &spec = inSpecs[i];
    std::string arg = "argument #" + std::to_string(i) + " of " + where +
                      ": expected " + spec.str();
    py::handle object = args[i];
    if (!py::isinstance<py::array>(object))
      throw py::type_error(arg + " (a numpy.ndarray), got an object of type " +
                           py::str(py::type::handle_of(object).attr("__name__"))
                               .cast<std::string>());
    auto array = py::reinterpret_borrow<py::array>(object);
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    std::optional<DType> dtype = runtimeDType(array.dtype());
    if (!dtype)
      throw py::value_error(arg + ", got a numpy array of dtype " +
                            py::str(array.dtype()).cast<std::string>() +
                            " and shape " + pyShape(shape) +
                            " (supported dtypes: " + supportedDTypes() + ")");
    bool shapeOk = shape.size() == spec.shape.size();
    for (size_t d = 0; shapeOk && d < shape.size(); ++d)
      shapeOk = spec.shape[d] < 0 || spec.shape[d] == shape[d];
    if (*dtype != spec.dtype || !shapeOk)
      throw py::value_error(arg + ", got " + tensorType(shape, *dtype) +
                            " (a numpy " +
                            py::str(array.dtype()).cast<std::string>() +
                            " array of shape " + pyShape(shape) + ")");
    // Compiled code reads native-endian, aligned, row-major memory: copy
    // only an array that is not.
    bool nativeOrder = py::bool_(array.dtype().attr("isnative")).cast<bool>();
    if (!nativeOrder)
      array = py::reinterpret_steal<py::array>(
          numpy
              .attr("ascontiguousarray")(
                  array, array.dtype().attr("newbyteorder")("="))
              .release());
    else if (!(array.flags() & py::array::c_style) ||
             !(array.flags() & kAligned))
      array = py::reinterpret_steal<py::array>(
          numpy.attr("ascontiguousarray")(array).release());
    if (!(array.flags() & kAligned))
      array = py::reinterpret_steal<py::array>(
          numpy.attr("array")(array, py::arg("copy") = true).release());
    inputs.emplace_back(spec.dtype, const_cast<void *>(array.data()), shape);
    arrays.push_back(std::move(array));
  }

  // One new array per result.
  std::vector<py::array> results;
  std::vector<TensorView> outputs;
  results.reserve(outSpecs.size());
  outputs.reserve(outSpecs.size());
  for (size_t i = 0; i < outSpecs.size(); ++i) {
    const TensorSpec &spec = outSpecs[i];
    for (int64_t d : spec.shape)
      if (d < 0)
        throw py::value_error("result #" + std::to_string(i) + " of " + where +
                              " has the dynamic type " + spec.str() +
                              "; results must have static shapes");
    std::vector<py::ssize_t> shape(spec.shape.begin(), spec.shape.end());
    // Results come from the JIT's buffer cache and go back to it when the
    // array dies: a call whose result replaces the previous one writes into
    // warm pages instead of faulting in fresh zeroed ones (a 1 GiB result
    // costs ~0.2 s of page faults on two cores).
    py::dtype dtype = numpyDType(spec.dtype);
    size_t bytes = static_cast<size_t>(dtype.itemsize());
    for (int64_t d : spec.shape)
      bytes *= static_cast<size_t>(d);
    void *data = seq::runtime::cachedMalloc(std::max<size_t>(bytes, 1));
    if (!data)
      throw std::bad_alloc();
    py::capsule owner(data, [](void *p) { seq::runtime::cachedFree(p); });
    py::array result(dtype, shape, data, owner);
    outputs.emplace_back(spec.dtype, result.mutable_data(),
                         llvm::ArrayRef<int64_t>(spec.shape));
    results.push_back(std::move(result));
  }

  std::optional<std::string> error;
  {
    py::gil_scoped_release release;
    if (llvm::Error err = fn->call(inputs, outputs))
      error = takeMessage(std::move(err));
  }
  if (error)
    throw py::value_error(*error);

  py::list list;
  for (py::array &result : results)
    list.append(std::move(result));
  return list;
}

void PyFunction::writeObject(const py::object &path) const {
  std::string file = py::str(py::module_::import("os").attr("fspath")(path))
                         .cast<std::string>();
  std::optional<std::string> error;
  {
    py::gil_scoped_release release;
    if (llvm::Error err = fn->writeObjectFile(file))
      error = takeMessage(std::move(err));
  }
  if (error)
    throw py::value_error(*error);
}

//===----------------------------------------------------------------------===//
// verify() and lower()
//===----------------------------------------------------------------------===//

/// The stages of the seq-to-cpu pipeline lower() can stop after, in order.
using Stage = mlir::seq::SeqToCpuStage;
constexpr std::pair<const char *, Stage> kStages[] = {
    {"seq", Stage::Seq},
    {"tiled", Stage::Tiled},
    {"loops", Stage::Loops},
    {"buffers", Stage::Buffers},
    {"llvm", Stage::LLVM}};

/// Parses + verifies `source`, optionally lowers it to `stage`, and returns
/// the printed module. Throws CompileFailure with the diagnostics.
std::string parseAndLower(const std::string &source, const std::string &name,
                          std::optional<Stage> stage, bool reference = false) {
  std::lock_guard<std::recursive_mutex> lock(seq::python::coreMutex());
  mlir::MLIRContext &ctx = seq::python::coreContext();
  seq::python::DiagnosticCollector diagnostics(ctx);
  llvm::SourceMgr &sourceMgr = diagnostics.getSourceMgr();
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, name), llvm::SMLoc());
  // parseSourceFile verifies the module it returns.
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &ctx);
  if (!module)
    throw CompileFailure{name + " is not a valid program:\n" +
                         diagnostics.str()};
  if (!stage)
    return {};
  return seq::python::lowerModule(*module, *stage, reference, name,
                                  diagnostics);
}

/// The cases of a seq enum attribute, in value order.
template <typename Enum, typename Stringify>
py::tuple enumCases(uint64_t maxValue, Stringify stringify) {
  py::tuple cases(maxValue + 1);
  for (uint64_t i = 0; i <= maxValue; ++i)
    cases[i] = py::str(stringify(static_cast<Enum>(i)).str());
  return cases;
}

} // namespace

//===----------------------------------------------------------------------===//
// Shared with IRBuilder.cpp (Core.h)
//===----------------------------------------------------------------------===//

mlir::MLIRContext &seq::python::coreContext() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    mlir::registerAllToLLVMIRTranslations(registry);
    registry.insert<mlir::seq::SeqDialect>();
  mlir::seq::registerTransformDialectExtension(registry);
    auto *context = new mlir::MLIRContext(registry);
    context->disableMultithreading();
    // The builder creates ops of these dialects by name.
    context->loadAllAvailableDialects();
    // Like the engine's: diagnostics name the op and its source line, without
    // the generic-form dump of the op.
    context->printOpOnDiagnostic(false);
    return context;
  }();
  return *ctx;
}

std::recursive_mutex &seq::python::coreMutex() {
  static auto *mutex = new std::recursive_mutex();
  return *mutex;
}

std::string seq::python::lowerModule(mlir::ModuleOp module, Stage stage,
                                     bool reference, const std::string &name,
                                     DiagnosticCollector &diagnostics) {
  mlir::PassManager pm(module->getContext());
  mlir::seq::SeqToCpuOptions options;
  options.reference = reference;
  mlir::seq::buildSeqToCpuPipeline(pm, options, stage);
  if (mlir::failed(pm.run(module))) {
    const char *stageName = "";
    for (auto [n, s] : kStages)
      if (s == stage)
        stageName = n;
    throw CompileFailure{"lowering " + name + " to stage '" + stageName +
                         "' failed:\n" + diagnostics.str()};
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  return text;
}

bool seq::python::parsePipeline(const std::string &name) {
  if (name == "tiled" || name == "reference")
    return name == "reference";
  throw py::value_error("unknown pipeline '" + name +
                        "'; valid pipelines: 'tiled', 'reference'");
}

Stage seq::python::parseStage(const std::string &name) {
  std::string valid;
  for (auto [n, s] : kStages) {
    if (name == n)
      return s;
    valid += std::string(valid.empty() ? "" : ", ") + "'" + n + "'";
  }
  throw py::value_error("unknown stage '" + name + "'; valid stages: " + valid);
}

//===----------------------------------------------------------------------===//
// The module
//===----------------------------------------------------------------------===//

PYBIND11_MODULE(_core, m) {
  m.doc() = "seq._core: verify, lower and JIT-compile seq MLIR programs and "
            "run them on NumPy arrays (the C++ half of the seq Python DSL).";

  // The exception type lives as long as the interpreter; stored the way
  // pybind11 recommends for module-level Python objects.
  PYBIND11_CONSTINIT static py::gil_safe_call_once_and_store<py::object>
      compileError;
  compileError.call_once_and_store_result([&]() {
    py::object type =
        py::exception<CompileFailure>(m, "CompileError", PyExc_ValueError);
    type.attr("__doc__") =
        "A seq program failed to parse, verify, lower or JIT-compile. The "
        "message is the full diagnostic text, with 'file:line:col: error: "
        "...' lines. Derives from ValueError.";
    return type;
  });
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p)
        std::rethrow_exception(p);
    } catch (const CompileFailure &e) {
      py::set_error(compileError.get_stored(), e.message.c_str());
    }
  });

  py::class_<PyFunction>(
      m, "Function",
      "A function compiled for the host CPU by Engine.compile. Call it with "
      "one numpy.ndarray per input; it returns a list with one new array "
      "per result. Keeps its Engine's compiled code alive.")
      .def_property_readonly("name", &PyFunction::name,
                             "The entry function's name (without '@').")
      .def_property_readonly(
          "inputs", &PyFunction::inputs,
          "The argument types: a list of (dtype_name, shape) with dtype "
          "names 'f16', 'bf16', 'f32', 'f64', 'complex<f32>', "
          "'complex<f64>', 'i1', 'i32', 'i64' and -1 for a dynamic "
          "dimension.")
      .def_property_readonly(
          "outputs", &PyFunction::outputs,
          "The result types, as a list of (dtype_name, shape) like inputs.")
      .def("__call__", &PyFunction::call,
           "Runs the function on NumPy arrays and returns a list of new "
           "arrays, one per result (bf16 results as ml_dtypes.bfloat16, or "
           "uint16 without ml_dtypes). Inputs are passed by pointer; a "
           "non-contiguous, unaligned or byte-swapped input is copied first. "
           "Raises ValueError (naming the argument and the expected "
           "tensor<...> type) on a wrong count, dtype or shape, TypeError on "
           "an argument that is not a numpy.ndarray. Releases the GIL while "
           "the compiled code runs.")
      .def("write_object", &PyFunction::writeObject, py::arg("path"),
           "Writes the compiled module as a native object file (for AOT "
           "linking). Raises ValueError if it cannot be written.")
      .def("__repr__", &PyFunction::repr);

  py::class_<PyEngine>(
      m, "Engine",
      "Owns a seq JIT engine (seq::runtime::Engine): compiles MLIR text "
      "through the seq-to-cpu pipeline and caches compiled functions by "
      "(source, entry).")
      .def(py::init<unsigned, const std::string &, const std::string &,
                    const std::string &, int64_t, int64_t>(),
           py::arg("opt_level") = 2, py::arg("pipeline") = "tiled",
           py::arg("schedule") = "", py::arg("target") = "host",
           py::arg("attention_query_tile") = 0,
           py::arg("attention_key_tile") = 0,
           "Creates an engine; `opt_level` (0-3) is the LLVM optimization "
           "level of the generated code, `pipeline` is 'tiled' (default: "
           "tiled, vectorized, multi-threaded) or 'reference' (the scalar "
           "reference lowering, the oracle), `schedule` a transform-dialect "
           "file replacing built-in schedules, `target` the CPU target model "
           "('host', 'x86-64-avx2', 'x86-64-avx512'), "
           "`attention_query_tile`/`attention_key_tile` the CPU attention "
           "schedule's tile sizes (0: from the target model).")
      .def("compile", &PyEngine::compile, py::arg("source"), py::arg("entry"),
           py::arg("name") = "<seq>",
           "Parses `source` (MLIR text; `name` is the buffer name in "
           "diagnostics), lowers it and JIT-compiles function `entry`. A "
           "repeated (source, entry) pair returns the cached compilation. "
           "Raises CompileError with the diagnostics on failure.")
      .def_property_readonly("num_compilations", &PyEngine::numCompilations,
                             "Number of distinct compilations (cache misses) "
                             "so far.");

  m.def(
      "verify",
      [](const std::string &source, const std::string &name) {
        py::gil_scoped_release release;
        parseAndLower(source, name, std::nullopt);
      },
      py::arg("source"), py::arg("name") = "<seq>",
      "Parses and verifies `source` (MLIR text). Raises CompileError with "
      "the diagnostics if it does not parse or verify.");

  m.def(
      "lower",
      [](const std::string &source, const std::string &stage,
         const std::string &name, const std::string &pipeline) {
        Stage upTo = seq::python::parseStage(stage);
        bool reference = parsePipeline(pipeline);
        py::gil_scoped_release release;
        return parseAndLower(source, name, upTo, reference);
      },
      py::arg("source"), py::arg("stage"), py::arg("name") = "<seq>",
      py::arg("pipeline") = "tiled",
      "Parses and verifies `source`, runs the seq-to-cpu pipeline up to "
      "`stage` and returns the printed IR. Stages: 'seq' (as written), "
      "'tiled' (the target's schedules applied; nothing on the reference "
      "pipeline), 'loops' (after convert-seq-to-loops + canonicalize), "
      "'buffers' "
      "(after bufferization, out-params and deallocation), 'llvm' (the full "
      "pipeline, LLVM dialect). Raises CompileError on failure, ValueError "
      "on an unknown stage.");

  m.def(
      "buffer_cache_stats",
      [] {
        seq::runtime::BufferCacheStats stats = seq::runtime::bufferCacheStats();
        py::dict result;
        result["hits"] = stats.hits;
        result["misses"] = stats.misses;
        result["cached_bytes"] = stats.cachedBytes;
        result["cap_bytes"] = stats.capBytes;
        return result;
      },
      "The JIT's cache of intermediate buffers (blocks of 64 KiB and more "
      "kept after a call for the next one): hits, misses, bytes kept now and "
      "the cap (SEQ_BUFFER_CACHE_MB in MiB; default a quarter of physical "
      "memory, at least 1 GiB).");
  m.def(
      "release_buffer_cache", [] { seq::runtime::releaseBufferCache(); },
      "Returns every buffer the JIT's cache keeps to the system (the next "
      "call allocates afresh).");

  seq::python::populateCudaBindings(m, m.attr("CompileError"));

  m.attr("STAGES") = py::make_tuple("seq", "tiled", "loops", "buffers", "llvm");
  m.attr("PIPELINES") = py::make_tuple("tiled", "reference");

  // The element types seq exchanges: (mlir_name, numpy_name, kind, itemsize)
  // per runtime dtype, from the one table in seq/Runtime/Tensor.h.
  py::list dtypes;
  for (const DTypeInfo &info : seq::runtime::dtypeTable())
    dtypes.append(py::make_tuple(info.mlirName.str(), info.numpyName.str(),
                                 std::string(1, info.kind), info.size));
  m.attr("DTYPES") = py::tuple(dtypes);

  // The cases of each seq enum attribute, keyed by the attribute's mnemonic
  // (the name in `#seq.<mnemonic><case>`), generated from the ODS.
  using namespace mlir::seq;
  py::dict enums;
  enums[py::str(MaskKindAttr::getMnemonic().str())] =
      enumCases<MaskKind>(getMaxEnumValForMaskKind(), stringifyMaskKind);
  enums[py::str(EmaKindAttr::getMnemonic().str())] =
      enumCases<EmaKind>(getMaxEnumValForEmaKind(), stringifyEmaKind);
  enums[py::str(FeatureMapKindAttr::getMnemonic().str())] =
      enumCases<FeatureMapKind>(getMaxEnumValForFeatureMapKind(),
                                stringifyFeatureMapKind);
  enums[py::str(FftNormAttr::getMnemonic().str())] =
      enumCases<FftNorm>(getMaxEnumValForFftNorm(), stringifyFftNorm);
  enums[py::str(RotaryPairingAttr::getMnemonic().str())] =
      enumCases<RotaryPairing>(getMaxEnumValForRotaryPairing(),
                               stringifyRotaryPairing);
  enums[py::str(ConvMethodAttr::getMnemonic().str())] =
      enumCases<ConvMethod>(getMaxEnumValForConvMethod(), stringifyConvMethod);
  m.attr("ENUMS") = enums;

  m.def(
      "accumulation_type",
      [](const std::string &element) {
        std::lock_guard<std::recursive_mutex> lock(seq::python::coreMutex());
        mlir::MLIRContext &ctx = seq::python::coreContext();
        mlir::Type type = mlir::parseType(element, &ctx);
        if (!type || !mlir::isa<mlir::FloatType, mlir::ComplexType>(type))
          throw py::value_error("'" + element +
                                "' is not a float or complex element type");
        std::string text;
        llvm::raw_string_ostream(text) << mlir::seq::getAccumulationType(type);
        return text;
      },
      py::arg("element"),
      "The type seq computes in for data of this element type "
      "(mlir::seq::getAccumulationType): 'f64' for f64 and complex<f64>, "
      "'f32' for f16, bf16, f32 and complex<f32>.");

  seq::python::bindIRBuilder(m);
}
