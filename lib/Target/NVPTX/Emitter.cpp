//===- Emitter.cpp - PTX, cubin and launch descriptors --------------------===//

#include "seq/Target/NVPTX/Emitter.h"

#include "KernelInfo.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineExprVisitor.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"

using namespace mlir;
using namespace mlir::seq;

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream(text) << type;
  return text;
}

//===----------------------------------------------------------------------===//
// Describing host values
//===----------------------------------------------------------------------===//

namespace {
/// Names host values in terms of the function's arguments: buffers as
/// "input0" / "output1" / "temporary2", sizes as expressions of them.
class HostValueNamer {
public:
  HostValueNamer(func::FuncOp func, unsigned numInputs)
      : func(func), numInputs(numInputs) {}

  void addTemporary(Value buffer) {
    names[buffer] = "temporary" + std::to_string(temporaries++);
  }

  /// The buffer a memref value is (or is a view of).
  std::string buffer(Value value) {
    if (auto it = names.find(value); it != names.end())
      return it->second;
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner()->getParentOp() == func) {
        unsigned i = arg.getArgNumber();
        return i < numInputs ? "input" + std::to_string(i)
                             : "output" + std::to_string(i - numInputs);
      }
      return "?";
    }
    if (auto view = value.getDefiningOp<ViewLikeOpInterface>()) {
      std::string source = buffer(view.getViewSource());
      return llvm::StringRef(source).starts_with("view of ")
                 ? source
                 : "view of " + source;
    }
    if (auto global = value.getDefiningOp<memref::GetGlobalOp>())
      return "global @" + global.getName().str();
    return "?";
  }

  /// An integer host value as a number or an expression.
  std::string scalar(Value value) {
    if (std::optional<int64_t> c = getConstantIntValue(value))
      return std::to_string(*c);
    if (auto c = value.getDefiningOp<arith::ConstantOp>())
      if (auto f = dyn_cast<FloatAttr>(c.getValue()))
        return std::to_string(f.getValueAsDouble());
    Operation *op = value.getDefiningOp();
    if (!op)
      return "?";
    if (auto dim = dyn_cast<memref::DimOp>(op))
      if (std::optional<int64_t> index = dim.getConstantIndex())
        return buffer(dim.getSource()) + ".dim" + std::to_string(*index);
    if (auto cast = dyn_cast<arith::IndexCastOp>(op))
      return scalar(cast.getIn());
    if (auto apply = dyn_cast<affine::AffineApplyOp>(op))
      return affine(apply.getAffineMap().getResult(0), apply.getMapOperands(),
                    apply.getAffineMap().getNumDims());
    auto binary = [&](StringRef symbol) {
      return "(" + scalar(op->getOperand(0)) + " " + symbol.str() + " " +
             scalar(op->getOperand(1)) + ")";
    };
    auto call = [&](StringRef name) {
      return name.str() + "(" + scalar(op->getOperand(0)) + ", " +
             scalar(op->getOperand(1)) + ")";
    };
    return llvm::TypeSwitch<Operation *, std::string>(op)
        .Case<arith::AddIOp>([&](auto) { return binary("+"); })
        .Case<arith::SubIOp>([&](auto) { return binary("-"); })
        .Case<arith::MulIOp>([&](auto) { return binary("*"); })
        .Case<arith::DivUIOp, arith::DivSIOp>(
            [&](auto) { return call("floordiv"); })
        .Case<arith::CeilDivUIOp, arith::CeilDivSIOp>(
            [&](auto) { return call("ceildiv"); })
        .Case<arith::RemUIOp, arith::RemSIOp>([&](auto) { return binary("%"); })
        .Case<arith::MinUIOp, arith::MinSIOp>([&](auto) { return call("min"); })
        .Case<arith::MaxUIOp, arith::MaxSIOp>([&](auto) { return call("max"); })
        .Default([](Operation *) { return std::string("?"); });
  }

private:
  std::string affine(AffineExpr expr, ValueRange operands, unsigned numDims) {
    if (auto c = dyn_cast<AffineConstantExpr>(expr))
      return std::to_string(c.getValue());
    if (auto d = dyn_cast<AffineDimExpr>(expr))
      return scalar(operands[d.getPosition()]);
    if (auto s = dyn_cast<AffineSymbolExpr>(expr))
      return scalar(operands[numDims + s.getPosition()]);
    auto bin = cast<AffineBinaryOpExpr>(expr);
    std::string lhs = affine(bin.getLHS(), operands, numDims);
    std::string rhs = affine(bin.getRHS(), operands, numDims);
    switch (expr.getKind()) {
    case AffineExprKind::Add:
      return "(" + lhs + " + " + rhs + ")";
    case AffineExprKind::Mul:
      return "(" + lhs + " * " + rhs + ")";
    case AffineExprKind::Mod:
      return "(" + lhs + " % " + rhs + ")";
    case AffineExprKind::FloorDiv:
      return "floordiv(" + lhs + ", " + rhs + ")";
    case AffineExprKind::CeilDiv:
      return "ceildiv(" + lhs + ", " + rhs + ")";
    default:
      return "?";
    }
  }

  func::FuncOp func;
  unsigned numInputs;
  unsigned temporaries = 0;
  llvm::DenseMap<Value, std::string> names;
};
} // namespace

/// Bytes of a statically shaped memref, or -1.
static int64_t staticBytes(MemRefType type) {
  if (!type.hasStaticShape())
    return -1;
  Type element = type.getElementType();
  int64_t bits = 0;
  if (auto complex = dyn_cast<ComplexType>(element))
    bits = 2 * complex.getElementType().getIntOrFloatBitWidth();
  else if (element.isIntOrIndexOrFloat())
    bits = element.isIndex() ? 64 : element.getIntOrFloatBitWidth();
  else
    return -1;
  return type.getNumElements() * bits / 8;
}

/// Shared memory a kernel module declares: workgroup attributions and
/// globals in the workgroup address space.
static int64_t workgroupBytes(gpu::GPUModuleOp module) {
  int64_t total = 0;
  auto isWorkgroup = [](MemRefType type) {
    auto space = dyn_cast_or_null<gpu::AddressSpaceAttr>(type.getMemorySpace());
    return space && space.getValue() == gpu::AddressSpace::Workgroup;
  };
  module.walk([&](gpu::GPUFuncOp func) {
    for (BlockArgument arg : func.getWorkgroupAttributions())
      total +=
          std::max<int64_t>(0, staticBytes(cast<MemRefType>(arg.getType())));
  });
  module.walk([&](memref::GlobalOp global) {
    if (isWorkgroup(global.getType()))
      total += std::max<int64_t>(0, staticBytes(global.getType()));
  });
  return total;
}

static int64_t countOccurrences(StringRef text, StringRef needle) {
  int64_t count = 0;
  for (size_t at = text.find(needle); at != StringRef::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

//===----------------------------------------------------------------------===//
// ptxas
//===----------------------------------------------------------------------===//

llvm::Expected<std::string> mlir::seq::assemblePtx(StringRef ptx,
                                                   StringRef chip,
                                                   StringRef toolkit,
                                                   PtxasReport &report) {
  llvm::SmallString<128> ptxas(toolkit);
  llvm::sys::path::append(ptxas, "bin", "ptxas");
  if (!llvm::sys::fs::can_execute(ptxas))
    return makeError("ptxas not found at '" + ptxas +
                     "' (set the toolkit option or CUDA_HOME)");
  llvm::SmallString<128> input, output, log;
  int fd;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("seq-kernel", "ptx", fd, input))
    return makeError("cannot create a temporary file: " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << ptx;
  }
  llvm::sys::fs::createTemporaryFile("seq-kernel", "cubin", output);
  llvm::sys::fs::createTemporaryFile("seq-ptxas", "log", log);
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(input);
    llvm::sys::fs::remove(output);
    llvm::sys::fs::remove(log);
  });
  std::string arch = ("-arch=" + chip).str();
  llvm::SmallVector<StringRef> args = {ptxas, "-v", arch, "-o", output, input};
  std::optional<StringRef> redirects[] = {std::nullopt, log.str(), log.str()};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                     /*secondsToWait=*/300, 0, &message);
  auto logText = llvm::MemoryBuffer::getFile(log);
  std::string text = logText ? (*logText)->getBuffer().str() : "";
  if (rc != 0)
    return makeError("ptxas failed" + (message.empty() ? "" : ": " + message) +
                     "\n" + text);
  auto number = [&](StringRef pattern) -> int64_t {
    llvm::Regex regex(pattern);
    SmallVector<StringRef> groups;
    int64_t value = 0;
    if (regex.match(text, &groups))
      llvm::to_integer(groups[1], value);
    return value;
  };
  report.registers = number("Used ([0-9]+) registers");
  report.barriers = number("used ([0-9]+) barriers");
  report.sharedBytes = number("([0-9]+) bytes smem");
  report.stackFrameBytes = number("([0-9]+) bytes stack frame");
  report.spillStoreBytes = number("([0-9]+) bytes spill stores");
  report.spillLoadBytes = number("([0-9]+) bytes spill loads");
  auto cubin = llvm::MemoryBuffer::getFile(output, /*IsText=*/false);
  if (!cubin)
    return makeError("ptxas wrote no cubin: " + cubin.getError().message());
  return (*cubin)->getBuffer().str();
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

void KernelLaunch::printJson(llvm::raw_ostream &os) const {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("name", name);
    json.attributeArray("grid", [&] {
      for (const std::string &g : grid)
        json.value(g);
    });
    json.attributeArray("block", [&] {
      for (const std::string &b : block)
        json.value(b);
    });
    json.attribute("static_shared_bytes", staticSharedBytes);
    json.attribute("dynamic_shared_bytes", dynamicSharedBytes);
    json.attributeArray("parameters", [&] {
      for (const KernelParameter &p : parameters)
        json.object([&] {
          json.attribute("kind", p.kind);
          json.attribute("type", p.type);
          json.attribute("binding", p.binding);
        });
    });
    json.attribute("mma_sync", mmaSyncCount);
    json.attribute("wgmma", wgmmaCount);
    json.attribute("schedule", schedule);
    if (flops && globalBytes && *globalBytes > 0) {
      json.attribute("flops", *flops);
      json.attribute("global_bytes", *globalBytes);
      json.attribute("arithmetic_intensity",
                     static_cast<double>(*flops) / *globalBytes);
    }
    if (ptxas)
      json.attributeObject("ptxas", [&] {
        json.attribute("registers", ptxas->registers);
        json.attribute("spill_store_bytes", ptxas->spillStoreBytes);
        json.attribute("spill_load_bytes", ptxas->spillLoadBytes);
        json.attribute("stack_frame_bytes", ptxas->stackFrameBytes);
        json.attribute("shared_bytes", ptxas->sharedBytes);
        json.attribute("barriers", ptxas->barriers);
      });
  });
}

void NVPTXProgram::printJson(llvm::raw_ostream &os) const {
  llvm::json::OStream json(os, /*IndentSize=*/2);
  json.object([&] {
    json.attribute("function", function);
    json.attribute("chip", chip);
    json.attributeArray("inputs", [&] {
      for (const std::string &type : inputs)
        json.value(type);
    });
    json.attributeArray("outputs", [&] {
      for (const std::string &type : outputs)
        json.value(type);
    });
    json.attributeArray("temporaries", [&] {
      for (const Temporary &t : temporaries)
        json.object([&] {
          json.attribute("type", t.type);
          json.attribute("bytes", t.bytes);
        });
    });
    json.attributeArray("launches", [&] {
      for (const KernelLaunch &k : kernels)
        json.value(k.name);
    });
  });
}

//===----------------------------------------------------------------------===//
// emitNVPTX
//===----------------------------------------------------------------------===//

llvm::Expected<NVPTXProgram> mlir::seq::emitNVPTX(ModuleOp module,
                                                  StringRef entry,
                                                  const EmitOptions &options) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal())
    return makeError("no function @" + entry + " with a body in the module");
  NVPTXProgram program;
  program.function = entry.str();
  program.chip = options.pipeline.chip;
  for (Type type : func.getArgumentTypes())
    program.inputs.push_back(typeString(type));
  for (Type type : func.getResultTypes())
    program.outputs.push_back(typeString(type));
  unsigned numInputs = func.getNumArguments();

  SeqToNVPTXOptions pipeline;
  pipeline.chip = options.pipeline.chip;
  pipeline.optLevel = options.pipeline.optLevel;
  pipeline.toolkit = options.pipeline.toolkit;
  pipeline.tensorCores = options.pipeline.tensorCores;
  pipeline.format = "isa";
  PassManager toMapped(module.getContext());
  buildSeqToNVPTXPipeline(toMapped, pipeline, SeqToNVPTXStage::Mapped);
  if (failed(toMapped.run(module)))
    return makeError("seq-to-nvptx failed on @" + entry +
                     " (mapping it to the GPU)");
  // What each launch does, before outlining drops the launch attributes.
  struct Info {
    std::string schedule;
    std::optional<int64_t> flops, bytes;
  };
  llvm::StringMap<Info> infos;
  module.walk([&](gpu::LaunchOp launch) {
    auto name = launch.getFunctionAttr();
    if (!name)
      return;
    Info info;
    if (auto schedule = launch->getAttrOfType<StringAttr>(kScheduleAttr))
      info.schedule = schedule.getValue().str();
    if (auto flops = launch->getAttrOfType<IntegerAttr>(kFlopsAttr))
      info.flops = flops.getInt();
    if (auto bytes = launch->getAttrOfType<IntegerAttr>(kBytesAttr))
      info.bytes = bytes.getInt();
    infos[name.getValue()] = info;
  });

  PassManager toKernels(module.getContext());
  buildSeqToNVPTXPipeline(toKernels, pipeline, SeqToNVPTXStage::Kernels,
                          SeqToNVPTXStage::Mapped);
  if (failed(toKernels.run(module)))
    return makeError("seq-to-nvptx failed on @" + entry +
                     " (outlining the kernels)");

  func = module.lookupSymbol<func::FuncOp>(entry);
  HostValueNamer namer(func, numInputs);
  llvm::StringMap<size_t> launchIndex;
  func.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<gpu::AllocOp>(op)) {
      namer.addTemporary(alloc.getMemref());
      auto type = cast<MemRefType>(alloc.getMemref().getType());
      program.temporaries.push_back({typeString(type), staticBytes(type)});
      return;
    }
    auto launch = dyn_cast<gpu::LaunchFuncOp>(op);
    if (!launch)
      return;
    KernelLaunch kernel;
    kernel.name = launch.getKernelName().str();
    if (auto it = infos.find(kernel.name); it != infos.end()) {
      kernel.schedule = it->second.schedule;
      kernel.flops = it->second.flops;
      kernel.globalBytes = it->second.bytes;
    }
    gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
    gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
    kernel.grid = {namer.scalar(grid.x), namer.scalar(grid.y),
                   namer.scalar(grid.z)};
    kernel.block = {namer.scalar(block.x), namer.scalar(block.y),
                    namer.scalar(block.z)};
    if (Value shared = launch.getDynamicSharedMemorySize())
      kernel.dynamicSharedBytes = namer.scalar(shared);
    for (Value operand : launch.getKernelOperands()) {
      KernelParameter parameter;
      parameter.type = typeString(operand.getType());
      if (isa<MemRefType>(operand.getType())) {
        parameter.kind = "memref";
        parameter.binding = namer.buffer(operand);
      } else {
        parameter.kind = "scalar";
        parameter.binding = namer.scalar(operand);
      }
      kernel.parameters.push_back(parameter);
    }
    if (auto kernelModule =
            module.lookupSymbol<gpu::GPUModuleOp>(launch.getKernelModuleName()))
      kernel.staticSharedBytes = workgroupBytes(kernelModule);
    launchIndex[launch.getKernelModuleName().getValue()] =
        program.kernels.size();
    program.kernels.push_back(std::move(kernel));
  });

  PassManager toBinary(module.getContext());
  buildSeqToNVPTXPipeline(toBinary, pipeline, SeqToNVPTXStage::Binary,
                          SeqToNVPTXStage::Kernels);
  if (failed(toBinary.run(module)))
    return makeError("seq-to-nvptx failed on @" + entry +
                     " (lowering the kernels to PTX)");

  for (auto binary : module.getOps<gpu::BinaryOp>()) {
    auto it = launchIndex.find(binary.getSymName());
    if (it == launchIndex.end())
      continue;
    KernelLaunch &kernel = program.kernels[it->second];
    for (Attribute attr : binary.getObjects()) {
      auto object = dyn_cast<gpu::ObjectAttr>(attr);
      if (object && object.getFormat() == gpu::CompilationTarget::Assembly)
        kernel.ptx = object.getObject().getValue().str();
    }
  }
  std::string toolkit = options.pipeline.toolkit.empty()
                            ? defaultCudaToolkit()
                            : std::string(options.pipeline.toolkit);
  for (KernelLaunch &kernel : program.kernels) {
    if (kernel.ptx.empty())
      return makeError("no PTX was produced for kernel " + kernel.name);
    kernel.mmaSyncCount = countOccurrences(kernel.ptx, "mma.sync.aligned");
    kernel.wgmmaCount = countOccurrences(kernel.ptx, "wgmma.mma_async");
    if (!options.assemble)
      continue;
    PtxasReport report;
    llvm::Expected<std::string> cubin =
        assemblePtx(kernel.ptx, program.chip, toolkit, report);
    if (!cubin)
      return makeError("kernel " + kernel.name + ": " +
                       llvm::toString(cubin.takeError()));
    kernel.cubin = std::move(*cubin);
    kernel.ptxas = report;
  }
  return program;
}
