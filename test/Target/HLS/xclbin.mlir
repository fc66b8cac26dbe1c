// RUN: rm -rf %t && mkdir -p %t/bin && cp %S/Inputs/fake-vpp %t/bin/v++ && chmod +x %t/bin/v++
// RUN: env FAKE_VPP_LOG=%t/calls het-opt %s --het-hls-codegen="vpp-path=%t/bin/v++ platform=xilinx_u55c_gen3x16_xdma_3_202210_1" | FileCheck %s
// RUN: FileCheck %s --check-prefix=CALLS < %t/calls
// RUN: env FAKE_VPP_LOG=%t/calls-off het-opt %s --het-hls-codegen="vpp-path=%t/bin/v++ xclbin=false" | FileCheck %s --check-prefix=OFF
// RUN: not test -e %t/calls-off
// RUN: env FAKE_VPP_LOG=%t/calls-failing FAKE_VPP_FAIL=scale not het-opt %s --het-hls-codegen="vpp-path=%t/bin/v++" 2>&1 | FileCheck %s --check-prefix=FAIL
// RUN: not het-opt %s --het-hls-codegen="vpp-path=%t/no-such-v++" 2>&1 | FileCheck %s --check-prefix=MISSING
// REQUIRES: compiler

// Tests that with v++ the HLS C++ of every kernel is compiled (v++ -c -k <top>) and all of them are linked
// (v++ -l) for the platform into one xclbin, which each kernel gets as a sibling xclbin variant whose entry is
// its top function; that xclbin=false builds none; that a failing v++ fails the pass with its output; and that a
// vpp-path that is not a program is an error.

// CHECK-LABEL: het.executable @scale
// CHECK:         het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("scale") image("#include
// CHECK-NEXT:    het.variant @hls_xclbin target(#het.hls<"xcu250-figd2104-2L-e">) format(xclbin) entry("scale") image("xclbin2 linking [xo of scale] [xo of shift]")
// CHECK-NEXT:    het.variant @csim target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_csim)
// CHECK-LABEL: het.executable @shift
// CHECK:         het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("shift") image("#include
// CHECK-NEXT:    het.variant @hls_xclbin target(#het.hls<"xcu250-figd2104-2L-e">) format(xclbin) entry("shift") image("xclbin2 linking [xo of scale] [xo of shift]")

// CALLS:      -c -t hw --platform xilinx_u55c_gen3x16_xdma_3_202210_1 -k scale -o {{.*}}scale.xo {{.*}}scale.cpp
// CALLS-NEXT: -c -t hw --platform xilinx_u55c_gen3x16_xdma_3_202210_1 -k shift -o {{.*}}shift.xo {{.*}}shift.cpp
// CALLS-NEXT: -l -t hw --platform xilinx_u55c_gen3x16_xdma_3_202210_1 -o {{.*}}kernels.xclbin {{.*}}scale.xo {{.*}}shift.xo
// CALLS-NOT:  {{.}}

// OFF-NOT:    format(xclbin)

// FAIL:       error: v++ could not compile the HLS C++ of kernel 'scale': {{.*}}v++ failed (exit code 1):
// FAIL-NEXT:  ERROR: [v++ 60-300] Failed to build kernel(s) scale

// MISSING:    error: het-hls-codegen: vpp-path '{{.*}}no-such-v++' is not an executable file

#hls = #het.hls<"xcu250-figd2104-2L-e">
het.executable @scale : (tensor<16xf32>) -> tensor<16xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("scale") {
    module {
      func.func @scale(%in: memref<16xf32>, %out: memref<16xf32>) {
        linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                        iterator_types = ["parallel"]}
            ins(%in : memref<16xf32>) outs(%out : memref<16xf32>) {
        ^bb0(%x: f32, %y: f32):
          %two = arith.constant 2.0 : f32
          %r = arith.mulf %x, %two : f32
          linalg.yield %r : f32
        }
        return
      }
    }
  }
  het.variant @csim target(#hls) format(hls_csim) entry("scale_csim") {
    module {
      func.func @scale(%in: memref<16xf32>, %out: memref<16xf32>) {
        linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                        iterator_types = ["parallel"]}
            ins(%in : memref<16xf32>) outs(%out : memref<16xf32>) {
        ^bb0(%x: f32, %y: f32):
          %two = arith.constant 2.0 : f32
          %r = arith.mulf %x, %two : f32
          linalg.yield %r : f32
        }
        return
      }
    }
  }
}

het.executable @shift : (tensor<16xf32>) -> tensor<16xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("shift") {
    module {
      func.func @shift(%in: memref<16xf32>, %out: memref<16xf32>) {
        linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                        iterator_types = ["parallel"]}
            ins(%in : memref<16xf32>) outs(%out : memref<16xf32>) {
        ^bb0(%x: f32, %y: f32):
          %one = arith.constant 1.0 : f32
          %r = arith.addf %x, %one : f32
          linalg.yield %r : f32
        }
        return
      }
    }
  }
}
