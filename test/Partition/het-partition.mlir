// RUN: het-opt %s --split-input-file --het-partition="targets=cpu" | FileCheck %s
// REQUIRES: compiler

// Tests that a matmul keeps its fill and small constants inside the kernel, that the bias add and relu fuse
// into one kernel named after its ONNX node, that a slice is a kernel of its own, that larger constants become
// het.constants (named by their location, else constant<N>) passed as operands, and that cost facts count a
// multiply-add as 2 flops.

// CHECK-LABEL: het.executable @Gemm_0 : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK-SAME:      cost = #het.cost<flops = 1024, bytes_read = 640, bytes_written = 256>
// CHECK:         het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("Gemm_0")
// CHECK:           func.func @Gemm_0(%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK:             %[[FILL:.*]] = linalg.fill
// CHECK:             %[[MM:.*]] = linalg.matmul ins(%[[X]], %[[W]] : {{.*}}) outs(%[[FILL]] : {{.*}})
// CHECK:             return %[[MM]]
// CHECK:         het.variant @cpu_x86_64_v4 target(#het.cpu<"x86-64-v4">) format(elf) entry("Gemm_0")
// CHECK-LABEL: het.executable @extract_slice_1 : (tensor<17xf32>) -> tensor<16xf32>
// CHECK:             tensor.extract_slice
// CHECK-LABEL: het.executable @Relu_1 : (tensor<4x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
// CHECK-SAME:      cost = #het.cost<flops = 128, bytes_read = 320, bytes_written = 256>
// CHECK:             linalg.generic
// CHECK:               arith.addf
// CHECK:               arith.maximumf
// CHECK-LABEL: het.graph @main
// CHECK-SAME:    (%[[ARG:.*]]: tensor<4x8xf32> {het.name = "x"}) -> (tensor<4x16xf32> {het.name = "y"})
// CHECK:         %[[WEIGHT:.*]] = het.constant "fc.weight" dense<{{.*}}> : tensor<8x16xf32>
// CHECK:         %[[GEMM:.*]] = het.dispatch @Gemm_0(%[[ARG]], %[[WEIGHT]])
// CHECK:         %[[BIAS:.*]] = het.constant "constant0" dense<{{.*}}> : tensor<17xf32>
// CHECK:         %[[SLICE:.*]] = het.dispatch @extract_slice_1(%[[BIAS]])
// CHECK:         %[[RELU:.*]] = het.dispatch @Relu_1(%[[GEMM]], %[[SLICE]])
// CHECK:         het.return %[[RELU]] : tensor<4x16xf32>
func.func @main(%x: tensor<4x8xf32> {het.name = "x"}) -> (tensor<4x16xf32> {het.name = "y"}) {
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0],
    [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0]]>
    : tensor<8x16xf32> loc("fc.weight")
  %bias = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0, 16.0,
    17.0]> : tensor<17xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>)
      -> tensor<4x16xf32> loc("Gemm_0")
  %b16 = tensor.extract_slice %bias[0] [16] [1] : tensor<17xf32> to tensor<16xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>,
                                        affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b16 : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x16xf32> loc("Relu_1")
  return %r : tensor<4x16xf32>
}

// -----

// Tests that named elementwise ops and arith on tensors fuse into one generic kernel, named after the op
// and its index when no ONNX name is known, and that graph inputs and constants returned as they are reach
// het.return without a kernel.

// CHECK-LABEL: het.executable @generic_0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK:           linalg.generic
// CHECK:             arith.addf
// CHECK:             math.exp
// CHECK:             arith.mulf
// CHECK-NOT:     het.executable
// CHECK-LABEL: het.graph @main
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32> {het.name = "x"}, %[[Y:.*]]: tensor<4x8xf32> {het.name = "y"})
// CHECK:         %[[R:.*]] = het.dispatch @generic_0(%[[X]], %[[Y]])
// CHECK:         %[[C:.*]] = het.constant "constant0"
// CHECK:         het.return %[[R]], %[[X]], %[[C]] : tensor<4x8xf32>, tensor<4x8xf32>, tensor<2xf32>
func.func @main(%x: tensor<4x8xf32> {het.name = "x"}, %y: tensor<4x8xf32> {het.name = "y"})
    -> (tensor<4x8xf32> {het.name = "out"}, tensor<4x8xf32> {het.name = "same"}, tensor<2xf32> {het.name = "c"}) {
  %e = tensor.empty() : tensor<4x8xf32>
  %a = linalg.add ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = linalg.exp ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = arith.mulf %b, %y : tensor<4x8xf32>
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  return %m, %x, %c : tensor<4x8xf32>, tensor<4x8xf32>, tensor<2xf32>
}

// -----

// Tests that reshapes are cloned into the kernels that read them, that a reshape returned as it is becomes a
// kernel of its own, and that kernels sharing an ONNX name get unique names.

// CHECK-LABEL: het.executable @node : (tensor<2x6xf32>) -> tensor<12xf32>
// CHECK:             %[[FLAT:.*]] = tensor.collapse_shape
// CHECK:             linalg.generic {{.*}} ins(%[[FLAT]] : tensor<12xf32>)
// CHECK-LABEL: het.executable @node_1 : (tensor<2x6xf32>) -> tensor<12xf32>
// CHECK:             %[[FLAT:.*]] = tensor.collapse_shape
// CHECK:             return %[[FLAT]]
// CHECK-LABEL: het.graph @main
// CHECK:         het.dispatch @node(
// CHECK:         het.dispatch @node_1(
func.func @main(%x: tensor<2x6xf32> {het.name = "x"}) -> (tensor<12xf32> {het.name = "n"}, tensor<12xf32> {het.name = "f"}) {
  %flat = tensor.collapse_shape %x [[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
  %e = tensor.empty() : tensor<12xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                       iterator_types = ["parallel"]}
      ins(%flat : tensor<12xf32>) outs(%e : tensor<12xf32>) {
  ^bb0(%a: f32, %o: f32):
    %v = arith.negf %a : f32
    linalg.yield %v : f32
  } -> tensor<12xf32> loc("node")
  %flat2 = tensor.collapse_shape %x [[0, 1]] : tensor<2x6xf32> into tensor<12xf32> loc("node")
  return %n, %flat2 : tensor<12xf32>, tensor<12xf32>
}
