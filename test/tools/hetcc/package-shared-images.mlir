// RUN: hetcc %s -o %t.hetbin
// RUN: hetbin-dump %t.hetbin | FileCheck %s
// RUN: hetbin-dump %t.hetbin --extract 2 | FileCheck %s --check-prefix=IMAGE
// REQUIRES: compiler

// Tests that hetcc stores identical images once: the xclbin variants of both kernels hold the same linked xclbin
// and refer to one section, while the kernels' different cpu images keep a section each.

// CHECK-LABEL: sections (4):
// CHECK:       0    manifest
// CHECK:       1    image
// CHECK:       2    image
// CHECK:       3    image
// CHECK-NOT:   4    {{image|constant}}
// CHECK-LABEL: kernels (2):
// CHECK:         variant cpu {{ *}}cpu x86-64 {{.*}}ELF_SHARED_OBJECT {{ *}}entry add {{.*}}section 1 (5 bytes)
// CHECK-NEXT:    variant fpga {{ *}}hls xcu250-figd2104-2L-e {{.*}}XCLBIN {{ *}}entry add {{.*}}section 2 (17 bytes)
// CHECK:         variant cpu {{ *}}cpu x86-64 {{.*}}ELF_SHARED_OBJECT {{ *}}entry mul {{.*}}section 3 (5 bytes)
// CHECK-NEXT:    variant fpga {{ *}}hls xcu250-figd2104-2L-e {{.*}}XCLBIN {{ *}}entry mul {{.*}}section 2 (17 bytes)
// IMAGE: xclbin2 add + mul
module {
  het.executable @add : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("add") grid([1]) image("ELF+\0A")
    het.variant @fpga target(#het.hls<"xcu250-figd2104-2L-e">) format(xclbin) entry("add") image("xclbin2 add + mul")
  }
  het.executable @mul : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
    het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("mul") grid([1]) image("ELF*\0A")
    het.variant @fpga target(#het.hls<"xcu250-figd2104-2L-e">) format(xclbin) entry("mul") image("xclbin2 add + mul")
  }
  het.graph @main(%x: tensor<4xf32> {het.name = "x"}) -> (tensor<4xf32> {het.name = "y"}) {
    %s = het.dispatch @add(%x, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    %y = het.dispatch @mul(%s, %x) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    het.return %y : tensor<4xf32>
  }
}
