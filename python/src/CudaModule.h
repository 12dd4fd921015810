//===- CudaModule.h - seq._core bindings of the NVPTX target ----*- C++ -*-===//

#ifndef SEQ_PYTHON_CUDAMODULE_H
#define SEQ_PYTHON_CUDAMODULE_H

#include <pybind11/pybind11.h>

namespace seq::python {

/// Adds compile_nvptx, CudaEngine, CudaFunction and CudaError to `m`;
/// compile failures raise `compileError` (seq._core.CompileError).
void populateCudaBindings(pybind11::module_ &m, pybind11::handle compileError);

} // namespace seq::python

#endif // SEQ_PYTHON_CUDAMODULE_H
