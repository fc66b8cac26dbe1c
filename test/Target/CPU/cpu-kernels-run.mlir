// RUN: het-opt %s --split-input-file --het-partition="targets=cpu" --het-bufferize-variants --het-cpu-codegen -o %t.mlir
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul cpu_x86_64 matmul | FileCheck %s --check-prefix=MATMUL
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul cpu_x86_64_v4 matmul | FileCheck %s --check-prefix=MATMUL-V4
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir relu cpu_x86_64 relu | FileCheck %s --check-prefix=RELU
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir chain cpu_x86_64 tanh_erf_chain | FileCheck %s --check-prefix=CHAIN
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir chain cpu_x86_64_v4 tanh_erf_chain | FileCheck %s --check-prefix=CHAIN-V4
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir row_sum cpu_x86_64 row_sum | FileCheck %s --check-prefix=SUM
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir conv cpu_x86_64 conv | FileCheck %s --check-prefix=CONV
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir conv cpu_x86_64_v4 conv | FileCheck %s --check-prefix=CONV-V4
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir transpose cpu_x86_64 transpose | FileCheck %s --check-prefix=TRANSPOSE
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir rotate_rows cpu_x86_64 rotate_rows | FileCheck %s --check-prefix=ROTATE
// REQUIRES: compiler

// Tests that compiled CPU images compute what the kernels say, over the whole tile range and split in two.

// MATMUL: PASS matmul cpu_x86_64 grid=6
// MATMUL-V4: PASS matmul cpu_x86_64_v4 grid=4
// RELU: PASS relu cpu_x86_64 grid=
// CHAIN: PASS chain cpu_x86_64 grid=
// CHAIN-V4: PASS chain cpu_x86_64_v4 grid=
// SUM: PASS row_sum cpu_x86_64 grid=2
// CONV: PASS conv cpu_x86_64 grid=2
// CONV-V4: PASS conv cpu_x86_64_v4 grid=2
// TRANSPOSE: PASS transpose cpu_x86_64 grid=
// ROTATE: PASS rotate_rows cpu_x86_64 grid={{[2-9]}}

func.func @main(%x: tensor<64x32xf32> {het.name = "x"}, %w: tensor<32x48xf32> {het.name = "w"})
    -> (tensor<64x48xf32> {het.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x48xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x48xf32>) -> tensor<64x48xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<64x32xf32>, tensor<32x48xf32>)
      outs(%f : tensor<64x48xf32>) -> tensor<64x48xf32> loc("matmul")
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm : tensor<64x48xf32>) outs(%e : tensor<64x48xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<64x48xf32> loc("relu")
  return %r : tensor<64x48xf32>
}

// -----

func.func @main(%x: tensor<128x64xf32> {het.name = "x"}, %y: tensor<64xf32> {het.name = "y"})
    -> (tensor<128x64xf32> {het.name = "z"}) {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<128x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<128x64xf32>, tensor<64xf32>) outs(%e : tensor<128x64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %p, %one : f32
    %t = math.tanh %s : f32
    %u = math.erf %a : f32
    %v = arith.addf %t, %u : f32
    linalg.yield %v : f32
  } -> tensor<128x64xf32> loc("chain")
  return %r : tensor<128x64xf32>
}

// -----

func.func @main(%x: tensor<256x160xf32> {het.name = "x"}) -> (tensor<256xf32> {het.name = "s"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<256x160xf32>) outs(%f : tensor<256xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  } -> tensor<256xf32> loc("row_sum")
  return %r : tensor<256xf32>
}

// -----

func.func @main(%x: tensor<1x3x16x16xf32> {het.name = "x"}, %w: tensor<8x3x3x3xf32> {het.name = "w"})
    -> (tensor<1x8x14x14xf32> {het.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x14x14xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x14x14xf32>) -> tensor<1x8x14x14xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x16x16xf32>, tensor<8x3x3x3xf32>) outs(%f : tensor<1x8x14x14xf32>)
      -> tensor<1x8x14x14xf32> loc("conv")
  return %c : tensor<1x8x14x14xf32>
}

// -----

func.func @main(%x: tensor<40x24xf32> {het.name = "x"}) -> (tensor<24x40xf32> {het.name = "t"}) {
  %e = tensor.empty() : tensor<24x40xf32>
  %t = linalg.transpose ins(%x : tensor<40x24xf32>) outs(%e : tensor<24x40xf32>) permutation = [1, 0] loc("transpose")
  return %t : tensor<24x40xf32>
}

// -----

// A gather through linalg.index on the tiled dimension: each tile must see global row numbers.
func.func @main(%x: tensor<512x256xf32> {het.name = "x"}) -> (tensor<512x256xf32> {het.name = "y"}) {
  %c1 = arith.constant 1 : index
  %c512 = arith.constant 512 : index
  %e = tensor.empty() : tensor<512x256xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<512x256xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %next = arith.addi %i, %c1 : index
    %row = arith.remui %next, %c512 : index
    %v = tensor.extract %x[%row, %j] : tensor<512x256xf32>
    linalg.yield %v : f32
  } -> tensor<512x256xf32> loc("rotate_rows")
  return %y : tensor<512x256xf32>
}
