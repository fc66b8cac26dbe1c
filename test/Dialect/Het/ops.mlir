// RUN: het-opt %s -split-input-file | het-opt -split-input-file | FileCheck %s
// RUN: het-opt %s -split-input-file --mlir-print-op-generic | het-opt -split-input-file | FileCheck %s
// REQUIRES: compiler

// Tests that an executable keeps its signature, its cost and a cpu variant
// with a body module, a ptx variant with launch sizes and an image, and an hls
// variant with an image.

// CHECK-LABEL: het.executable @add_relu : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
// CHECK-SAME:    attributes {cost = #het.cost<flops = 1024, bytes_read = 8192, bytes_written = 4096>} {
// CHECK-NEXT:    het.variant @x86 target(#het.cpu<"x86-64-v4">) format(elf) entry("add_relu") {
// CHECK-NEXT:      module {
// CHECK-NEXT:        func.func @add_relu(%[[A:.+]]: tensor<32x32xf32>, %[[B:.+]]: tensor<32x32xf32>) -> tensor<32x32xf32> {
// CHECK-NEXT:          %[[SUM:.+]] = arith.addf %[[A]], %[[B]] : tensor<32x32xf32>
// CHECK-NEXT:          return %[[SUM]] : tensor<32x32xf32>
// CHECK-NEXT:        }
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add_relu") grid([4, 1, 1]) block([256, 1, 1]) image(".version 8.0\0A.target sm_90\0A")
// CHECK-NEXT:    het.variant @u250 target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("add_relu") grid([1]) image("void add_relu(float a[32][32]);")
// CHECK-NEXT:  }
het.executable @add_relu : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
    attributes {cost = #het.cost<flops = 1024, bytes_read = 8192, bytes_written = 4096>} {
  het.variant @x86 target(#het.cpu<"x86-64-v4">) format(elf) entry("add_relu") {
    module {
      func.func @add_relu(%a: tensor<32x32xf32>, %b: tensor<32x32xf32>) -> tensor<32x32xf32> {
        %sum = arith.addf %a, %b : tensor<32x32xf32>
        return %sum : tensor<32x32xf32>
      }
    }
  }
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add_relu")
      grid([4, 1, 1]) block([256, 1, 1]) image(".version 8.0\0A.target sm_90\0A")
  het.variant @u250 target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp)
      entry("add_relu") grid([1]) image("void add_relu(float a[32][32]);")
}

// -----

// Tests that every image format, every CPU feature level and suffixed SM
// architectures are accepted, and that a variant may carry both an image and
// its source body.

// CHECK-LABEL: het.executable @all_formats : (tensor<?x8xi8>) -> (tensor<?x8xi8>, tensor<1xi64>) {
// CHECK-NEXT:    het.variant @v1 target(#het.cpu<"x86-64">) format(elf) entry("k") image("\7FELF\02\01\01\00")
// CHECK-NEXT:    het.variant @v2 target(#het.cpu<"x86-64-v2">) format(elf) entry("k") image("2")
// CHECK-NEXT:    het.variant @v3 target(#het.cpu<"x86-64-v3">) format(elf) entry("k") image("3")
// CHECK-NEXT:    het.variant @sm_80 target(#het.ptx<"sm_80">) format(cubin) entry("k") grid([2, 2]) block([32]) image("cubin")
// CHECK-NEXT:    het.variant @sm_90a target(#het.ptx<"sm_90a">) format(ptx) entry("k") image("ptx")
// CHECK-NEXT:    het.variant @sm_100f target(#het.ptx<"sm_100f">) format(ptx) entry("k") image("ptx")
// CHECK-NEXT:    het.variant @csim target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_csim) entry("k") image("csim") {
// CHECK-NEXT:      module {
// CHECK-NEXT:      }
// CHECK-NEXT:    }
// CHECK-NEXT:    het.variant @bitstream target(#het.hls<"xcu250-figd2104-2L-e">) format(xclbin) entry("k") image("xclbin")
// CHECK-NEXT:  }
het.executable @all_formats : (tensor<?x8xi8>) -> (tensor<?x8xi8>, tensor<1xi64>) {
  het.variant @v1 target(#het.cpu<"x86-64">) format(elf) entry("k") image("\7FELF\02\01\01\00")
  het.variant @v2 target(#het.cpu<"x86-64-v2">) format(elf) entry("k") image("2")
  het.variant @v3 target(#het.cpu<"x86-64-v3">) format(elf) entry("k") image("3")
  het.variant @sm_80 target(#het.ptx<"sm_80">) format(cubin) entry("k") grid([2, 2]) block([32]) image("cubin")
  het.variant @sm_90a target(#het.ptx<"sm_90a">) format(ptx) entry("k") image("ptx")
  het.variant @sm_100f target(#het.ptx<"sm_100f">) format(ptx) entry("k") image("ptx")
  het.variant @csim target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_csim) entry("k") image("csim") {
    module {}
  }
  het.variant @bitstream target(#het.hls<"xcu250-figd2104-2L-e">) format(xclbin) entry("k") image("xclbin")
}

// -----

// Tests that a graph with named constants and two dispatches round-trips, and
// that a dispatch with static shapes may call a kernel with dynamic ones.

het.executable @matmul : (tensor<?x4xf32>, tensor<4x4xf32>) -> tensor<?x4xf32> {
  het.variant @x86 target(#het.cpu<"x86-64-v3">) format(elf) entry("matmul") image("elf")
}
het.executable @add_relu : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add_relu") image("ptx")
}

// CHECK-LABEL: het.graph @main(%{{.+}}: tensor<1x4xf32> {frontend.name = "x"}) -> tensor<1x4xf32> {
// CHECK-NEXT:    %[[W:.+]] = het.constant "fc1.weight" dense<{{\[}}[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]{{.*}}]> : tensor<4x4xf32>
// CHECK-NEXT:    %[[B:.+]] = het.constant "fc1.bias" dense<5.000000e-01> : tensor<4xf32>
// CHECK-NEXT:    %[[MM:.+]] = het.dispatch @matmul(%{{.+}}, %[[W]]) : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT:    %[[Y:.+]] = het.dispatch @add_relu(%[[MM]], %[[B]]) : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
// CHECK-NEXT:    het.return %[[Y]] : tensor<1x4xf32>
// CHECK-NEXT:  }
het.graph @main(%x: tensor<1x4xf32> {frontend.name = "x"}) -> tensor<1x4xf32> {
  %w = het.constant "fc1.weight" dense<[[1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0],
                                        [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]]> : tensor<4x4xf32>
  %b = het.constant "fc1.bias" dense<0.5> : tensor<4xf32>
  %mm = het.dispatch @matmul(%x, %w) : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
  %y = het.dispatch @add_relu(%mm, %b) : (tensor<1x4xf32>, tensor<4xf32>) -> tensor<1x4xf32>
  het.return %y : tensor<1x4xf32>
}

// -----

// Tests that a private graph without inputs or results round-trips.

// CHECK-LABEL: het.graph private @nothing() {
// CHECK-NEXT:    het.return
// CHECK-NEXT:  }
het.graph private @nothing() {
  het.return
}

// -----

// Tests that the het attributes print on their own, outside the ops that
// usually carry them.

// CHECK-LABEL: func.func @standalone_attributes()
// CHECK-SAME:    cost = #het.cost<flops = 0, bytes_read = 18446744073709551615, bytes_written = 1>
// CHECK-SAME:    formats = [#het.format<elf>, #het.format<ptx>, #het.format<cubin>, #het.format<hls_cpp>, #het.format<hls_csim>, #het.format<xclbin>]
// CHECK-SAME:    targets = [#het.cpu<"x86-64-v4">, #het.ptx<"sm_90">, #het.hls<"xcvc1902-vsva2197-2MP-e-S">]
func.func @standalone_attributes() attributes {
  cost = #het.cost<flops = 0, bytes_read = 18446744073709551615, bytes_written = 1>,
  formats = [#het.format<elf>, #het.format<ptx>, #het.format<cubin>,
             #het.format<hls_cpp>, #het.format<hls_csim>, #het.format<xclbin>],
  targets = [#het.cpu<"x86-64-v4">, #het.ptx<"sm_90">, #het.hls<"xcvc1902-vsva2197-2MP-e-S">]
} {
  return
}
