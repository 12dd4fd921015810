// RUN: seq-opt %s --seq-gpu-target=chip=sm_90a | FileCheck %s
// RUN: seq-opt %s --seq-gpu-target=chip=sm_80 | FileCheck %s --check-prefix=SM80
// RUN: not seq-opt %s --seq-gpu-target=chip=sm_70 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not seq-opt %s --seq-gpu-target=chip=x86-64-avx2 2>&1 | FileCheck %s --check-prefix=CPU

// The chosen model is recorded on the module for the schedules.
// CHECK: module attributes {seq.target = "sm_90a"}
// SM80: module attributes {seq.target = "sm_80"}
// UNKNOWN: error: seq-gpu-target: unknown GPU target 'sm_70'; known GPU targets: sm_80, sm_90a
// CPU: error: seq-gpu-target: 'x86-64-avx2' is a CPU model; known GPU targets: sm_80, sm_90a
func.func @f() {
  return
}
