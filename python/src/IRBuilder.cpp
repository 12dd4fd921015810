//===- IRBuilder.cpp - seq._core: building IR with the C++ op builders ----===//
//
// The Python DSL builds its IR through this API, not as text: every op is
// created by MLIR's own machinery, so result types come from the ops' type
// inference (InferTypeOpInterface for upstream ops, the seq ops'
// InferDestinationTypesOpInterface for their destinations) and attributes are
// checked by the ops' property conversion, and Python cannot disagree with
// the verifier.
//
//   m = seq._core.Module("f")
//   x = m.add_argument("tensor<4xf32>", loc)
//   (y,) = m.create("arith.addf", [x, x], loc=loc)       # type inferred
//   (o,) = m.create_seq("seq.fft", [c], num_destinations=1, loc=loc)
//   m.finish([y], loc); m.verify(); text = m.text(debug_info=True)
//
// Operands are given as a list of groups, one per ODS operand: a Value, None
// for an absent optional operand, or a list of Values for a variadic one; the
// builder derives `operandSegmentSizes` from it. Attributes are a dict of
// Python values: bool (a unit attribute when True), int (i64), float (f64),
// a list of ints (array<i64: ...>), a str in MLIR attribute syntax
// ("#seq.mask<causal>", "affine_map<(d0) -> (d0)>"), or a list of such.
// Locations are (file, line, column) tuples.
//
// Ops created at function level are verified at once, so an error points at
// the user's line while tracing; ops inside a region being built are verified
// with the op that receives the region.
//
//===----------------------------------------------------------------------===//

#include "Core.h"

#include "seq/Dialect/SeqOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>
#include <vector>

namespace py = pybind11;
using namespace mlir;
using ::seq::python::CompileFailure;
using ::seq::python::coreContext;
using ::seq::python::coreMutex;
using ::seq::python::DiagnosticCollector;

namespace {

using Lock = std::lock_guard<std::recursive_mutex>;

//===----------------------------------------------------------------------===//
// Handles
//===----------------------------------------------------------------------===//

/// One module being built: a func.func and the stack of blocks ops are
/// appended to (the function body, then region blocks being filled). Every
/// handle keeps it alive.
struct ModuleState {
  OwningOpRef<ModuleOp> module;
  func::FuncOp function;
  std::vector<Block *> insertion;

  ~ModuleState() {
    Lock lock(coreMutex());
    module = nullptr;
  }
  Block *body() { return &function.getBody().front(); }
};
using StatePtr = std::shared_ptr<ModuleState>;

std::string str(Type type) {
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

/// An SSA value of a module being built.
struct PyValue {
  StatePtr state;
  Value value;

  std::string type() const {
    Lock lock(coreMutex());
    return str(value.getType());
  }
  std::string elementType() const {
    Lock lock(coreMutex());
    Type type = value.getType();
    if (auto shaped = dyn_cast<ShapedType>(type))
      type = shaped.getElementType();
    return str(type);
  }
  py::object shape() const {
    auto shaped = dyn_cast<RankedTensorType>(value.getType());
    if (!shaped)
      return py::none();
    py::tuple dims(shaped.getRank());
    for (int64_t i = 0; i < shaped.getRank(); ++i)
      dims[i] = py::int_(shaped.getDimSize(i));
    return dims;
  }
  std::string repr() const { return "<seq._core.Value " + type() + ">"; }
};

/// A block of a region being built. It is owned by this handle until an op
/// takes it as one of its regions.
struct PyBlock {
  StatePtr state;
  Block *block;
  bool owned = true;

  PyBlock(StatePtr state, Block *block)
      : state(std::move(state)), block(block) {}
  PyBlock(const PyBlock &) = delete;
  PyBlock &operator=(const PyBlock &) = delete;
  ~PyBlock() {
    if (!owned)
      return;
    Lock lock(coreMutex());
    // Ops of the block may use each other's results: drop those uses first.
    block->dropAllDefinedValueUses();
    delete block;
  }

  std::vector<PyValue> arguments() const {
    std::vector<PyValue> values;
    for (BlockArgument arg : block->getArguments())
      values.push_back(PyValue{state, arg});
    return values;
  }
};

//===----------------------------------------------------------------------===//
// Python values -> MLIR
//===----------------------------------------------------------------------===//

MLIRContext &ctx() { return coreContext(); }

[[noreturn]] void fail(const std::string &message) {
  throw CompileFailure{message};
}

/// "file:line:col: " of a location, for messages raised without a diagnostic.
std::string prefix(Location loc) {
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().str() + ":" + std::to_string(file.getLine()) +
            ":" + std::to_string(file.getColumn()) + ": ");
  return "";
}

Location toLocation(const py::object &loc) {
  if (loc.is_none())
    return UnknownLoc::get(&ctx());
  auto tuple = loc.cast<py::tuple>();
  if (tuple.size() != 3)
    throw py::value_error("a location is a (file, line, column) tuple");
  return FileLineColLoc::get(&ctx(), tuple[0].cast<std::string>(),
                             tuple[1].cast<unsigned>(),
                             tuple[2].cast<unsigned>());
}

Type parseTypeOrFail(const std::string &text, Location loc) {
  DiagnosticCollector diagnostics(ctx());
  Type type = parseType(text, &ctx());
  if (!type)
    fail(prefix(loc) + "'" + text + "' is not an MLIR type:\n" +
         diagnostics.str());
  return type;
}

Attribute parseAttributeOrFail(const std::string &text, Location loc) {
  DiagnosticCollector diagnostics(ctx());
  Attribute attr = parseAttribute(text, &ctx());
  if (!attr)
    fail(prefix(loc) + "'" + text + "' is not an MLIR attribute:\n" +
         diagnostics.str());
  return attr;
}

/// A Python attribute value as an MLIR attribute; null to omit it (None,
/// False).
Attribute toAttribute(const py::handle &value, Location loc) {
  Builder b(&ctx());
  if (value.is_none())
    return {};
  if (py::isinstance<py::bool_>(value))
    return value.cast<bool>() ? b.getUnitAttr() : Attribute();
  if (py::isinstance<py::int_>(value))
    return b.getI64IntegerAttr(value.cast<int64_t>());
  if (py::isinstance<py::float_>(value))
    return b.getF64FloatAttr(value.cast<double>());
  if (py::isinstance<py::str>(value))
    return parseAttributeOrFail(value.cast<std::string>(), loc);
  if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
    auto items = py::reinterpret_borrow<py::sequence>(value);
    bool ints = true;
    for (py::handle item : items)
      ints = ints && py::isinstance<py::int_>(item) &&
             !py::isinstance<py::bool_>(item);
    if (ints && items.size() > 0) {
      SmallVector<int64_t> values;
      for (py::handle item : items)
        values.push_back(item.cast<int64_t>());
      return b.getDenseI64ArrayAttr(values);
    }
    SmallVector<Attribute> attrs;
    for (py::handle item : items) {
      Attribute attr = toAttribute(item, loc);
      if (!attr)
        fail(prefix(loc) + "an attribute list cannot hold None or False");
      attrs.push_back(attr);
    }
    return b.getArrayAttr(attrs);
  }
  fail(
      prefix(loc) + "cannot use a Python " +
      py::str(py::type::handle_of(value).attr("__name__")).cast<std::string>() +
      " as an MLIR attribute");
}

/// The operands of one op: flattened, with the size of each ODS group.
struct Operands {
  SmallVector<Value> values;
  SmallVector<int32_t> segments;
};

Value valueOf(const py::handle &item, const StatePtr &state) {
  auto &value = item.cast<PyValue &>();
  if (value.state != state)
    throw py::value_error("a value of another module was used as an operand");
  return value.value;
}

Operands toOperands(const py::list &groups, const StatePtr &state) {
  Operands operands;
  for (py::handle group : groups) {
    if (group.is_none()) {
      operands.segments.push_back(0);
    } else if (py::isinstance<py::list>(group) ||
               py::isinstance<py::tuple>(group)) {
      auto items = py::reinterpret_borrow<py::sequence>(group);
      for (py::handle item : items)
        operands.values.push_back(valueOf(item, state));
      operands.segments.push_back(static_cast<int32_t>(items.size()));
    } else {
      operands.values.push_back(valueOf(group, state));
      operands.segments.push_back(1);
    }
  }
  return operands;
}

/// Default-initialized properties of an op, filled from its inherent
/// attributes.
class Properties {
public:
  explicit Properties(RegisteredOperationName info) : info(info) {
    size = info.getOpPropertyByteSize();
    if (size) {
      storage.reset(new std::max_align_t[(size + sizeof(std::max_align_t) - 1) /
                                         sizeof(std::max_align_t)]);
      info.initOpProperties(get(), OpaqueProperties(nullptr));
    }
  }
  ~Properties() {
    if (size)
      info.destroyOpProperties(get());
  }
  OpaqueProperties get() {
    return OpaqueProperties(size ? storage.get() : nullptr);
  }
  bool empty() const { return size == 0; }

private:
  RegisteredOperationName info;
  int size;
  std::unique_ptr<std::max_align_t[]> storage;
};

//===----------------------------------------------------------------------===//
// Module
//===----------------------------------------------------------------------===//

class PyModule {
public:
  explicit PyModule(const std::string &name) : state(new ModuleState()) {
    Lock lock(coreMutex());
    Location loc = UnknownLoc::get(&ctx());
    state->module = ModuleOp::create(loc);
    OpBuilder b(&ctx());
    b.setInsertionPointToEnd(state->module->getBody());
    state->function =
        func::FuncOp::create(b, loc, name, b.getFunctionType({}, {}));
    state->function.addEntryBlock();
    state->insertion.push_back(state->body());
  }

  PyValue addArgument(const std::string &type, const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    BlockArgument arg =
        state->body()->addArgument(parseTypeOrFail(type, location), location);
    return PyValue{state, arg};
  }

  void finish(const py::list &results, const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    if (state->insertion.size() != 1)
      fail("finish() while a region is still being built");
    SmallVector<Value> values;
    for (py::handle item : results)
      values.push_back(valueOf(item, state));
    OpBuilder b = builder();
    func::ReturnOp::create(b, location, values);
    state->function.setFunctionType(b.getFunctionType(
        state->body()->getArgumentTypes(), ValueRange(values).getTypes()));
  }

  std::string text(bool debugInfo, bool generic) const {
    Lock lock(coreMutex());
    OpPrintingFlags flags;
    if (debugInfo)
      flags.enableDebugInfo();
    if (generic)
      flags.printGenericOpForm();
    std::string text;
    llvm::raw_string_ostream os(text);
    state->module->print(os, flags);
    return text;
  }

  void verify() const {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    if (failed(mlir::verify(*state->module)))
      fail(diagnostics.str());
  }

  std::string lower(const std::string &stage, const std::string &pipeline) {
    mlir::seq::SeqToCpuStage upTo = ::seq::python::parseStage(stage);
    bool reference = ::seq::python::parsePipeline(pipeline);
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    OwningOpRef<ModuleOp> clone(state->module->clone());
    return ::seq::python::lowerModule(*clone, upTo, reference,
                                      state->function.getSymName().str(),
                                      diagnostics);
  }

  //===--------------------------------------------------------------------===//
  // Insertion point and blocks
  //===--------------------------------------------------------------------===//

  std::unique_ptr<PyBlock> block(const std::vector<std::string> &argTypes,
                                 const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    auto *block = new Block();
    auto handle = std::make_unique<PyBlock>(state, block);
    for (const std::string &type : argTypes)
      block->addArgument(parseTypeOrFail(type, location), location);
    return handle;
  }

  PyValue addBlockArgument(PyBlock &block, const std::string &type,
                           const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    return PyValue{state, block.block->addArgument(
                              parseTypeOrFail(type, location), location)};
  }

  void push(PyBlock &block) {
    if (block.state != state)
      throw py::value_error("a block of another module");
    state->insertion.push_back(block.block);
  }
  void pop() {
    if (state->insertion.size() <= 1)
      throw py::value_error("pop() without a matching push()");
    state->insertion.pop_back();
  }

  //===--------------------------------------------------------------------===//
  // Generic op creation
  //===--------------------------------------------------------------------===//

  /// Any registered op; `resultTypes` (MLIR type syntax) or, when None, the
  /// types the op infers (none for an op without type inference: the
  /// verifier rejects it if it needs results).
  std::vector<PyValue> create(const std::string &name, const py::list &operands,
                              const py::dict &attributes,
                              const py::object &resultTypes,
                              const py::list &regions, const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    RegisteredOperationName info = lookup(name, location);
    Operands ops = toOperands(operands, state);
    NamedAttrList inherent, discardable;
    splitAttributes(info, attributes, location, inherent, discardable);
    Properties properties(info);
    setProperties(info, ops, inherent, discardable, properties, location,
                  diagnostics);

    SmallVector<Type> types;
    if (!resultTypes.is_none()) {
      for (py::handle type : resultTypes.cast<py::list>())
        types.push_back(parseTypeOrFail(type.cast<std::string>(), location));
    } else if (auto *infer = info.getInterface<InferTypeOpInterface>()) {
      NamedAttrList all(inherent);
      all.append(discardable);
      if (failed(infer->inferReturnTypes(
              &ctx(), location, ops.values, all.getDictionary(&ctx()),
              properties.get(), RegionRange(), types)))
        fail(diagnostics.str().empty()
                 ? prefix(location) + "cannot infer the result types of '" +
                       name + "'"
                 : diagnostics.str());
    }
    return results(build(info, location, ops, discardable, properties, types,
                         regions, diagnostics));
  }

  /// A destination-passing-style op: the results have the types of the
  /// tensor `outs` (memref outs give no result), appended as the last
  /// operand group.
  std::vector<PyValue> createDps(const std::string &name,
                                 const py::list &operands, const py::list &outs,
                                 const py::dict &attributes,
                                 const py::list &regions,
                                 const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    RegisteredOperationName info = lookup(name, location);
    py::list groups = withGroup(operands, outs);
    Operands ops = toOperands(groups, state);
    SmallVector<Type> types;
    for (py::handle out : outs) {
      Type type = valueOf(out, state).getType();
      if (isa<RankedTensorType>(type))
        types.push_back(type);
    }
    NamedAttrList inherent, discardable;
    splitAttributes(info, attributes, location, inherent, discardable);
    Properties properties(info);
    setProperties(info, ops, inherent, discardable, properties, location,
                  diagnostics);
    return results(build(info, location, ops, discardable, properties, types,
                         regions, diagnostics));
  }

  /// A seq op: its destinations are `tensor.empty`s of the types the op
  /// infers from its inputs (InferDestinationTypesOpInterface), unless
  /// `destination_types` gives them.
  std::vector<PyValue>
  createSeq(const std::string &name, const py::list &operands,
            const py::dict &attributes, unsigned numDestinations,
            const py::object &destinationTypes, const py::list &regions,
            const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    RegisteredOperationName info = lookup(name, location);
    auto *infer =
        info.getInterface<mlir::seq::InferDestinationTypesOpInterface>();
    if (!infer)
      fail(prefix(location) + "'" + name +
           "' does not infer its destination types");

    SmallVector<Type> types;
    if (!destinationTypes.is_none()) {
      for (py::handle type : destinationTypes.cast<py::list>())
        types.push_back(parseTypeOrFail(type.cast<std::string>(), location));
    } else {
      // Infer from the inputs, with an empty `outs` group.
      py::list groups = withGroup(operands, py::list());
      Operands ins = toOperands(groups, state);
      NamedAttrList inherent, discardable;
      splitAttributes(info, attributes, location, inherent, discardable);
      Properties properties(info);
      setProperties(info, ins, inherent, discardable, properties, location,
                    diagnostics);
      NamedAttrList all(inherent);
      all.append(discardable);
      if (failed(infer->inferDestinationTypes(
              &ctx(), location, ins.values, all.getDictionary(&ctx()),
              properties.get(), RegionRange(), numDestinations, types)))
        fail(diagnostics.str());
    }

    py::list outs;
    OpBuilder b = builder();
    for (Type type : types) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (!tensor || !tensor.hasStaticShape())
        fail(prefix(location) + "cannot create a destination of type " +
             str(type) + " (a statically shaped tensor is needed)");
      Value init = tensor::EmptyOp::create(b, location, tensor.getShape(),
                                           tensor.getElementType());
      outs.append(py::cast(PyValue{state, init}));
    }
    return createDps(name, operands, outs, attributes, regions, loc);
  }

  //===--------------------------------------------------------------------===//
  // Typed builders of the ops whose result types need more than inference
  //===--------------------------------------------------------------------===//

  PyValue empty(const std::vector<int64_t> &shape, const std::string &element,
                const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    Type type = parseTypeOrFail(element, location);
    for (int64_t d : shape)
      if (d < 0)
        fail(prefix(location) + "tensor dimensions must be >= 0");
    OpBuilder b = builder();
    return finishOp(tensor::EmptyOp::create(b, location, shape, type));
  }

  /// A scalar constant of `type` (float, integer, index or complex).
  PyValue constant(const py::object &value, const std::string &typeName,
                   const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    Type type = parseTypeOrFail(typeName, location);
    OpBuilder b = builder();
    if (auto complex = dyn_cast<ComplexType>(type)) {
      auto part = dyn_cast<FloatType>(complex.getElementType());
      if (!part)
        fail(prefix(location) + "complex constants need float parts");
      py::object c = py::module_::import("builtins").attr("complex")(value);
      auto attr =
          b.getArrayAttr({b.getFloatAttr(part, c.attr("real").cast<double>()),
                          b.getFloatAttr(part, c.attr("imag").cast<double>())});
      return finishOp(complex::ConstantOp::create(b, location, type, attr));
    }
    // Python numbers of any kind (int, float, bool, NumPy scalars) convert
    // to the requested type as Python's own float()/int()/bool() would; an
    // integer type takes only integral values.
    py::module_ builtins = py::module_::import("builtins");
    TypedAttr attr;
    try {
      if (auto floatType = dyn_cast<FloatType>(type)) {
        attr = b.getFloatAttr(floatType,
                              builtins.attr("float")(value).cast<double>());
      } else if (type.isInteger(1)) {
        attr = b.getBoolAttr(builtins.attr("bool")(value).cast<bool>());
      } else if (isa<IntegerType, IndexType>(type)) {
        py::object asInt = builtins.attr("int")(value);
        if (!asInt.equal(value))
          fail(prefix(location) + "constant " + py::str(value).cast<std::string>() +
               " is not an integer, needed for type " + typeName);
        attr = b.getIntegerAttr(type, asInt.cast<int64_t>());
      } else {
        fail(prefix(location) + "cannot make a constant of type " + typeName);
      }
    } catch (py::error_already_set &e) {
      if (!e.matches(PyExc_TypeError) && !e.matches(PyExc_ValueError) &&
          !e.matches(PyExc_OverflowError))
        throw;
      fail(prefix(location) + "cannot make a " + typeName + " constant of " +
           py::repr(value).cast<std::string>());
    } catch (py::cast_error &) {
      fail(prefix(location) + "cannot make a " + typeName + " constant of " +
           py::repr(value).cast<std::string>());
    }
    return finishOp(arith::ConstantOp::create(b, location, attr));
  }

  /// A dense tensor constant of `element` type with `array`'s shape and
  /// values (given as float64, int64 or bool).
  PyValue dense(const py::array &array, const std::string &element,
                const py::object &loc) {
    Lock lock(coreMutex());
    Location location = toLocation(loc);
    Type type = parseTypeOrFail(element, location);
    std::vector<int64_t> shape(array.shape(), array.shape() + array.ndim());
    auto tensorType = RankedTensorType::get(shape, type);
    auto flat = py::array::ensure(array.attr("ravel")());
    size_t n = flat.size();
    DenseElementsAttr attr;
    if (auto floatType = dyn_cast<FloatType>(type)) {
      auto values = py::array_t<double, py::array::c_style |
                                            py::array::forcecast>::ensure(flat);
      SmallVector<APFloat> items;
      for (size_t i = 0; i < n; ++i) {
        APFloat item(values.at(i));
        bool lost;
        item.convert(floatType.getFloatSemantics(),
                     APFloat::rmNearestTiesToEven, &lost);
        items.push_back(item);
      }
      attr = DenseElementsAttr::get(tensorType, items);
    } else if (auto intType = dyn_cast<IntegerType>(type)) {
      auto values =
          py::array_t<int64_t,
                      py::array::c_style | py::array::forcecast>::ensure(flat);
      SmallVector<APInt> items;
      for (size_t i = 0; i < n; ++i)
        items.push_back(APInt(intType.getWidth(), values.at(i),
                              /*isSigned=*/true, /*implicitTrunc=*/true));
      attr = DenseElementsAttr::get(tensorType, items);
    } else {
      fail(prefix(location) + "cannot make a dense constant of " + element +
           " elements");
    }
    OpBuilder b = builder();
    return finishOp(arith::ConstantOp::create(b, location, attr));
  }

  /// arith.cmpf (float operands: "olt", "oeq", "une", ...) or arith.cmpi
  /// (integer or index operands: "slt", "eq", ...).
  PyValue compare(const std::string &predicate, const PyValue &lhs,
                  const PyValue &rhs, const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    OpBuilder b = builder();
    Type type = lhs.value.getType();
    if (type != rhs.value.getType())
      fail(prefix(location) + "cannot compare " + str(type) + " with " +
           str(rhs.value.getType()));
    if (isa<FloatType>(type)) {
      auto kind = arith::symbolizeCmpFPredicate(predicate);
      if (!kind)
        fail(prefix(location) + "unknown float predicate '" + predicate + "'");
      return finishOp(
          arith::CmpFOp::create(b, location, *kind, lhs.value, rhs.value),
          &diagnostics);
    }
    if (!isa<IntegerType, IndexType>(type))
      fail(prefix(location) + "cannot compare values of type " + str(type));
    auto kind = arith::symbolizeCmpIPredicate(predicate);
    if (!kind)
      fail(prefix(location) + "unknown integer predicate '" + predicate + "'");
    return finishOp(
        arith::CmpIOp::create(b, location, *kind, lhs.value, rhs.value),
        &diagnostics);
  }

  PyValue fill(const PyValue &value, const PyValue &init,
               const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    OpBuilder b = builder();
    return finishOp(linalg::FillOp::create(b, location, ValueRange{value.value},
                                           ValueRange{init.value}),
                    &diagnostics);
  }

  PyValue transpose(const PyValue &input, const PyValue &init,
                    const std::vector<int64_t> &permutation,
                    const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    auto in = rankedOrFail(input, location);
    if (permutation.size() != static_cast<size_t>(in.getRank()))
      fail(prefix(location) + "a permutation of " +
           std::to_string(in.getRank()) + " dimensions is needed");
    OpBuilder b = builder();
    return finishOp(linalg::TransposeOp::create(b, location, input.value,
                                                init.value, permutation),
                    &diagnostics);
  }

  /// tensor.extract_slice; the unit dimensions listed in `dropDims` are
  /// dropped from the result (a rank-reducing slice).
  PyValue extractSlice(const PyValue &source,
                       const std::vector<int64_t> &offsets,
                       const std::vector<int64_t> &sizes,
                       const std::vector<int64_t> &strides,
                       const std::vector<int64_t> &dropDims,
                       const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    auto type = rankedOrFail(source, location);
    checkSlice(type, offsets, sizes, strides, location);
    SmallVector<int64_t> shape;
    for (auto [dim, size] : llvm::enumerate(sizes)) {
      if (!llvm::is_contained(dropDims, static_cast<int64_t>(dim))) {
        shape.push_back(size);
        continue;
      }
      if (size != 1)
        fail(prefix(location) + "only unit dimensions can be dropped");
    }
    auto result = RankedTensorType::get(shape, type.getElementType());
    OpBuilder b = builder();
    return finishOp(tensor::ExtractSliceOp::create(
                        b, location, result, source.value, foldResults(offsets),
                        foldResults(sizes), foldResults(strides)),
                    &diagnostics);
  }

  PyValue insertSlice(const PyValue &source, const PyValue &dest,
                      const std::vector<int64_t> &offsets,
                      const std::vector<int64_t> &sizes,
                      const std::vector<int64_t> &strides,
                      const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    rankedOrFail(source, location);
    checkSlice(rankedOrFail(dest, location), offsets, sizes, strides, location);
    OpBuilder b = builder();
    return finishOp(
        tensor::InsertSliceOp::create(b, location, source.value, dest.value,
                                      foldResults(offsets), foldResults(sizes),
                                      foldResults(strides)),
        &diagnostics);
  }

  PyValue collapseShape(const PyValue &source,
                        const std::vector<std::vector<int64_t>> &groups,
                        const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    auto type = rankedOrFail(source, location);
    // No groups: collapse all-unit dimensions to rank 0.
    if (!groups.empty())
      checkReassociation(groups, type.getRank(), location);
    else if (!llvm::all_of(type.getShape(), [](int64_t d) { return d == 1; }))
      fail(prefix(location) + "only unit dimensions collapse to rank 0");
    OpBuilder b = builder();
    return finishOp(tensor::CollapseShapeOp::create(b, location, source.value,
                                                    reassociation(groups)),
                    &diagnostics);
  }

  PyValue expandShape(const PyValue &source, const std::vector<int64_t> &shape,
                      const std::vector<std::vector<int64_t>> &groups,
                      const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    auto type = rankedOrFail(source, location);
    if (groups.size() != static_cast<size_t>(type.getRank()))
      fail(prefix(location) + "one group per source dimension is needed");
    // No groups: expand rank 0 to all-unit dimensions.
    if (!groups.empty())
      checkReassociation(groups, static_cast<int64_t>(shape.size()), location);
    else if (!llvm::all_of(shape, [](int64_t d) { return d == 1; }))
      fail(prefix(location) + "rank 0 only expands to unit dimensions");
    auto result = RankedTensorType::get(shape, type.getElementType());
    OpBuilder b = builder();
    return finishOp(tensor::ExpandShapeOp::create(b, location, result,
                                                  source.value,
                                                  reassociation(groups)),
                    &diagnostics);
  }

  PyValue concat(int64_t dim, const py::list &values, const py::object &loc) {
    Lock lock(coreMutex());
    DiagnosticCollector diagnostics(ctx());
    Location location = toLocation(loc);
    SmallVector<Value> inputs;
    int64_t rank = -1;
    for (py::handle item : values) {
      Value value = valueOf(item, state);
      auto type = dyn_cast<RankedTensorType>(value.getType());
      if (!type || (rank >= 0 && type.getRank() != rank))
        fail(prefix(location) + "concat needs ranked tensors of one rank");
      rank = type.getRank();
      inputs.push_back(value);
    }
    if (inputs.empty() || dim < 0 || dim >= rank)
      fail(prefix(location) + "concat needs operands and a dimension < rank");
    OpBuilder b = builder();
    return finishOp(tensor::ConcatOp::create(b, location, dim, inputs),
                    &diagnostics);
  }

  StatePtr state;

private:
  /// A new list: `groups` followed by `group` (py::list's copy constructor
  /// would share the list).
  static py::list withGroup(const py::list &groups, const py::object &group) {
    py::list result;
    for (py::handle item : groups)
      result.append(item);
    result.append(group);
    return result;
  }

  OpBuilder builder() {
    OpBuilder b(&ctx());
    b.setInsertionPointToEnd(state->insertion.back());
    return b;
  }

  RegisteredOperationName lookup(const std::string &name, Location loc) {
    std::optional<RegisteredOperationName> info =
        RegisteredOperationName::lookup(name, &ctx());
    if (!info)
      fail(prefix(loc) + "unknown operation '" + name + "'");
    return *info;
  }

  static RankedTensorType rankedOrFail(const PyValue &value, Location loc) {
    auto type = dyn_cast<RankedTensorType>(value.value.getType());
    if (!type)
      fail(prefix(loc) + "expected a ranked tensor, got " +
           str(value.value.getType()));
    return type;
  }

  static SmallVector<OpFoldResult>
  foldResults(const std::vector<int64_t> &values) {
    Builder b(&ctx());
    SmallVector<OpFoldResult> result;
    for (int64_t value : values)
      result.push_back(b.getIndexAttr(value));
    return result;
  }

  static void checkSlice(RankedTensorType type,
                         const std::vector<int64_t> &offsets,
                         const std::vector<int64_t> &sizes,
                         const std::vector<int64_t> &strides, Location loc) {
    size_t rank = type.getRank();
    if (offsets.size() != rank || sizes.size() != rank ||
        strides.size() != rank)
      fail(prefix(loc) + "a slice of a rank-" + std::to_string(rank) +
           " tensor needs " + std::to_string(rank) +
           " offsets, sizes and strides");
  }

  static void
  checkReassociation(const std::vector<std::vector<int64_t>> &groups,
                     int64_t rank, Location loc) {
    int64_t next = 0;
    for (const auto &group : groups)
      for (int64_t dim : group)
        if (dim != next++)
          fail(prefix(loc) + "reassociation groups must list the dimensions "
                             "in order");
    if (next != rank)
      fail(prefix(loc) + "reassociation groups must cover " +
           std::to_string(rank) + " dimensions");
  }

  static SmallVector<ReassociationIndices>
  reassociation(const std::vector<std::vector<int64_t>> &groups) {
    SmallVector<ReassociationIndices> result;
    for (const auto &group : groups)
      result.emplace_back(group.begin(), group.end());
    return result;
  }

  void splitAttributes(RegisteredOperationName info, const py::dict &attributes,
                       Location loc, NamedAttrList &inherent,
                       NamedAttrList &discardable) {
    for (auto [key, value] : attributes) {
      std::string name = key.cast<std::string>();
      Attribute attr = toAttribute(value, loc);
      if (!attr)
        continue;
      bool isInherent = llvm::any_of(info.getAttributeNames(),
                                     [&](StringAttr n) { return n == name; });
      (isInherent ? inherent : discardable).set(name, attr);
    }
  }

  /// Fills `properties` from the inherent attributes (and the operand
  /// segment sizes); a wrongly typed attribute is an error here, not a
  /// silently dropped one. Ops without properties keep them as attributes.
  void setProperties(RegisteredOperationName info, const Operands &ops,
                     NamedAttrList &inherent, NamedAttrList &discardable,
                     Properties &properties, Location loc,
                     DiagnosticCollector &diagnostics) {
    if (info.hasTrait<OpTrait::AttrSizedOperandSegments>())
      inherent.set("operandSegmentSizes",
                   DenseI32ArrayAttr::get(&ctx(), ops.segments));
    if (properties.empty()) {
      discardable.append(inherent);
      return;
    }
    if (failed(info.setOpPropertiesFromAttribute(
            info, properties.get(), inherent.getDictionary(&ctx()),
            [&] { return emitError(loc); })))
      fail(diagnostics.str());
  }

  Operation *build(RegisteredOperationName info, Location loc,
                   const Operands &ops, NamedAttrList &discardable,
                   Properties &properties, ArrayRef<Type> types,
                   const py::list &regions, DiagnosticCollector &diagnostics) {
    SmallVector<PyBlock *> blocks;
    for (py::handle region : regions) {
      PyBlock *block = region.is_none() ? nullptr : region.cast<PyBlock *>();
      if (block && (!block->owned || block->state != state))
        fail(prefix(loc) + "a region block was already used");
      blocks.push_back(block);
    }
    Operation *op =
        Operation::create(loc, info, types, ops.values, std::move(discardable),
                          properties.get(), {}, blocks.size());
    for (auto [region, block] : llvm::zip(op->getRegions(), blocks)) {
      if (!block)
        continue;
      region.push_back(block->block);
      block->owned = false;
    }
    state->insertion.back()->push_back(op);
    verifyAtFunctionLevel(op, diagnostics);
    return op;
  }

  /// Ops at function level are complete: verify them (and their regions)
  /// now. Ops in a region being built are verified with its owner.
  void verifyAtFunctionLevel(Operation *op, DiagnosticCollector &diagnostics) {
    if (op->getBlock() != state->body())
      return;
    if (failed(mlir::verify(op)))
      fail(diagnostics.str());
  }

  PyValue finishOp(Operation *op, DiagnosticCollector *diagnostics = nullptr) {
    if (diagnostics) {
      verifyAtFunctionLevel(op, *diagnostics);
    } else {
      DiagnosticCollector local(ctx());
      verifyAtFunctionLevel(op, local);
    }
    return PyValue{state, op->getResult(0)};
  }

  std::vector<PyValue> results(Operation *op) {
    std::vector<PyValue> values;
    for (Value result : op->getResults())
      values.push_back(PyValue{state, result});
    return values;
  }
};

} // namespace

void ::seq::python::bindIRBuilder(py::module_ &m) {
  py::class_<PyValue>(m, "Value",
                      "An SSA value of a Module being built (a function "
                      "argument, an op result or a block argument).")
      .def_property_readonly("type", &PyValue::type,
                             "The MLIR type, e.g. 'tensor<2x3xf32>', 'f32'.")
      .def_property_readonly("element_type", &PyValue::elementType,
                             "The element type of a shaped value, else the "
                             "type itself.")
      .def_property_readonly("shape", &PyValue::shape,
                             "The shape of a ranked tensor (a tuple), else "
                             "None.")
      .def("__repr__", &PyValue::repr);

  py::class_<PyBlock, std::unique_ptr<PyBlock>>(
      m, "Block",
      "A region block being built: make it with Module.block(), fill it "
      "between Module.push(block) and Module.pop(), and hand it to the op "
      "that owns it through `regions=`.")
      .def_property_readonly("arguments", &PyBlock::arguments);

  py::class_<PyModule>(
      m, "Module",
      "A module with one function, built op by op through the C++ op "
      "builders (see the comment at the top of python/src/IRBuilder.cpp).")
      .def(py::init<const std::string &>(), py::arg("name"))
      .def("add_argument", &PyModule::addArgument, py::arg("type"),
           py::arg("loc") = py::none())
      .def("finish", &PyModule::finish, py::arg("results"),
           py::arg("loc") = py::none(),
           "Ends the function with func.return of `results`.")
      .def("text", &PyModule::text, py::arg("debug_info") = false,
           py::arg("generic") = false,
           "The printed module (with locations when `debug_info`).")
      .def("__str__", [](const PyModule &m) { return m.text(false, false); })
      .def("verify", &PyModule::verify,
           "Verifies the whole module; raises CompileError with the "
           "diagnostics.")
      .def("lower", &PyModule::lower, py::arg("stage"),
           py::arg("pipeline") = "tiled",
           "Runs seq-to-cpu on a copy up to `stage` (see lower()) and "
           "returns the printed IR.")
      .def("block", &PyModule::block, py::arg("arg_types"),
           py::arg("loc") = py::none(), "A new detached block.")
      .def("add_block_argument", &PyModule::addBlockArgument, py::arg("block"),
           py::arg("type"), py::arg("loc") = py::none())
      .def("push", &PyModule::push, py::arg("block"),
           "Appends ops to `block` until pop().")
      .def("pop", &PyModule::pop)
      .def("create", &PyModule::create, py::arg("name"),
           py::arg("operands") = py::list(), py::arg("attributes") = py::dict(),
           py::arg("result_types") = py::none(),
           py::arg("regions") = py::list(), py::arg("loc") = py::none(),
           "Creates a registered op; result types are inferred unless "
           "given. Returns its results.")
      .def("create_dps", &PyModule::createDps, py::arg("name"),
           py::arg("operands"), py::arg("outs"),
           py::arg("attributes") = py::dict(), py::arg("regions") = py::list(),
           py::arg("loc") = py::none(),
           "Creates a destination-passing-style op whose results have the "
           "types of its tensor `outs`.")
      .def("create_seq", &PyModule::createSeq, py::arg("name"),
           py::arg("operands"), py::arg("attributes") = py::dict(),
           py::arg("num_destinations") = 1,
           py::arg("destination_types") = py::none(),
           py::arg("regions") = py::list(), py::arg("loc") = py::none(),
           "Creates a seq op with tensor.empty destinations of the types the "
           "op infers from its inputs (or `destination_types`).")
      .def("empty", &PyModule::empty, py::arg("shape"), py::arg("element"),
           py::arg("loc") = py::none())
      .def("constant", &PyModule::constant, py::arg("value"), py::arg("type"),
           py::arg("loc") = py::none())
      .def("dense", &PyModule::dense, py::arg("array"), py::arg("element"),
           py::arg("loc") = py::none())
      .def("compare", &PyModule::compare, py::arg("predicate"), py::arg("lhs"),
           py::arg("rhs"), py::arg("loc") = py::none())
      .def("fill", &PyModule::fill, py::arg("value"), py::arg("init"),
           py::arg("loc") = py::none())
      .def("transpose", &PyModule::transpose, py::arg("input"), py::arg("init"),
           py::arg("permutation"), py::arg("loc") = py::none())
      .def("extract_slice", &PyModule::extractSlice, py::arg("source"),
           py::arg("offsets"), py::arg("sizes"), py::arg("strides"),
           py::arg("drop_dims") = std::vector<int64_t>(),
           py::arg("loc") = py::none())
      .def("insert_slice", &PyModule::insertSlice, py::arg("source"),
           py::arg("dest"), py::arg("offsets"), py::arg("sizes"),
           py::arg("strides"), py::arg("loc") = py::none())
      .def("collapse_shape", &PyModule::collapseShape, py::arg("source"),
           py::arg("reassociation"), py::arg("loc") = py::none())
      .def("expand_shape", &PyModule::expandShape, py::arg("source"),
           py::arg("shape"), py::arg("reassociation"),
           py::arg("loc") = py::none())
      .def("concat", &PyModule::concat, py::arg("dim"), py::arg("values"),
           py::arg("loc") = py::none());
}
