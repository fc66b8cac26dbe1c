// RUN: not het-opt %s --split-input-file --het-partition="targets=cpu,fpga" 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not het-opt %s --split-input-file --het-partition="targets=cpu cpu-levels=x86-64-v5" 2>&1 | FileCheck %s --check-prefix=LEVEL
// RUN: not het-opt %s --split-input-file --het-partition="targets=ptx cuda-archs=compute_90" 2>&1 | FileCheck %s --check-prefix=ARCH
// RUN: het-opt %s --split-input-file --het-partition --verify-diagnostics
// REQUIRES: compiler

// Tests that unknown targets, levels and architectures are rejected naming what is accepted.

// TARGET: error: het-partition: unknown target 'fpga'; expected cpu, ptx or hls
// LEVEL: error: het-partition: unknown cpu level 'x86-64-v5'; expected x86-64, x86-64-v2, x86-64-v3 or x86-64-v4
// ARCH: error: het-partition: unknown CUDA architecture 'compute_90'; expected sm_<NN> such as sm_80 or sm_90
func.func @main(%x: tensor<8xf32> {het.name = "x"}) -> (tensor<8xf32> {het.name = "y"}) {
  %y = math.exp %x : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// Tests that a module without @main is rejected.

// expected-error @below {{het-partition: the module has no func.func @main with a body; it needs the model's entry function @main}}
module {
  func.func @model(%x: tensor<8xf32>) -> tensor<8xf32> {
    return %x : tensor<8xf32>
  }
}

// -----

// Tests that dynamic shapes are rejected at the op that makes them.

func.func @main(%x: tensor<?xf32> {het.name = "x"}) -> (tensor<?xf32> {het.name = "y"}) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?xf32>
  // expected-error @below {{het-partition: result of type 'tensor<?xf32>' has a dynamic shape; kernels need static shapes (fix input shapes first)}}
  %e = tensor.empty(%n) : tensor<?xf32>
  %y = linalg.exp ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

// Tests that calls are rejected: kernels cannot reach other functions.

func.func private @helper(tensor<8xf32>) -> tensor<8xf32>

func.func @main(%x: tensor<8xf32> {het.name = "x"}) -> (tensor<8xf32> {het.name = "y"}) {
  // expected-error @below {{het-partition: calls cannot be outlined into kernels; inline them into @main first}}
  %y = func.call @helper(%x) : (tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}
