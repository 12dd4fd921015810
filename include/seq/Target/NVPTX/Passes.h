//===- Passes.h - passes of the NVPTX target --------------------*- C++ -*-===//

#ifndef SEQ_TARGET_NVPTX_PASSES_H
#define SEQ_TARGET_NVPTX_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::seq {

#define GEN_PASS_DECL
#include "seq/Target/NVPTX/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "seq/Target/NVPTX/Passes.h.inc"

} // namespace mlir::seq

#endif // SEQ_TARGET_NVPTX_PASSES_H
