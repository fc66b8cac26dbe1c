// RUN: hetcc %s -o %t.hetbin
// RUN: hetbin-dump %t.hetbin | FileCheck %s
// RUN: hetcc %s -o %t.again.hetbin && cmp %t.hetbin %t.again.hetbin
// REQUIRES: compiler

// Tests that hetcc packages every variant, the constant and the graph, and that the output is deterministic
// (the `cmp` above).

// CHECK-LABEL: sections (5):
// CHECK:       0    manifest
// CHECK:       1    image
// CHECK:       2    image
// CHECK:       3    image
// CHECK:       4    constant
// CHECK-LABEL: inputs (1):
// CHECK-NEXT:    x: float32[2x?]
// CHECK-LABEL: outputs (1):
// CHECK-NEXT:    y: float32[2x?] = %0#0
// CHECK-LABEL: constants (1):
// CHECK-NEXT:    bias: float32[2x3] in section 4
// CHECK-LABEL: kernels (1):
// CHECK-NEXT:    [0] add: flops 6, bytes read 48, bytes written 24
// CHECK-NEXT:      binding in0 {{ *}}READ {{ *}}float32[2x?]
// CHECK-NEXT:      binding in1 {{ *}}READ {{ *}}float32[2x3]
// CHECK-NEXT:      binding out0 {{ *}}WRITE {{ *}}float32[2x?]
// CHECK-NEXT:      variant cpu {{ *}}cpu x86-64-v3 {{.*}}ELF_SHARED_OBJECT {{ *}}entry add_cpu grid [2] section 1 (3 bytes)
// CHECK-NEXT:      variant sm_90 {{ *}}ptx sm_90 {{.*}}PTX_TEXT {{ *}}entry add grid [1,1] block [32,1] section 2 (4 bytes)
// CHECK-NEXT:      variant hls {{ *}}hls xcu250-figd2104-2L-e {{.*}}HLS_CPP {{ *}}entry add_top section 3 (5 bytes)
// CHECK-LABEL: graph (1 dispatches):
// CHECK-NEXT:    %0 = dispatch add(input 'x', constant 'bias') -> (float32[2x?])
module {
  het.executable @add : (tensor<2x?xf32>, tensor<2x3xf32>) -> tensor<2x?xf32>
      attributes {cost = #het.cost<flops = 6, bytes_read = 48, bytes_written = 24>} {
    het.variant @cpu target(#het.cpu<"x86-64-v3">) format(elf) entry("add_cpu") grid([2]) image("ELF")
    het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add") grid([1, 1]) block([32, 1]) image("PTX\0A")
    het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("add_top") image("HLS\0A\00")
  }
  het.graph @main(%x: tensor<2x?xf32> {het.name = "x"}) -> (tensor<2x?xf32> {het.name = "y"}) {
    %bias = het.constant "bias" dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]> : tensor<2x3xf32>
    %y = het.dispatch @add(%x, %bias) : (tensor<2x?xf32>, tensor<2x3xf32>) -> tensor<2x?xf32>
    het.return %y : tensor<2x?xf32>
  }
}
