// RUN: het-opt %s --het-ptx-codegen | FileCheck %s
// REQUIRES: compiler, ptxas
// RUN: printf '#!/bin/sh\necho "ptxas fatal   : Unresolved extern function xyz" >&2\nexit 255\n' > %t.ptxas
// RUN: chmod +x %t.ptxas
// RUN: not het-opt %s --het-ptx-codegen="ptxas-path=%t.ptxas" 2>&1 | FileCheck %s --check-prefix=REJECTED

// Tests that ptxas assembles each PTX variant into a sibling cubin variant with the same entry and launch
// sizes, and that PTX which ptxas rejects fails the pass with ptxas's message.

// CHECK-LABEL: het.executable @scale
// CHECK:         het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("scale") grid([4, 1, 1]) block([256, 1, 1]) image("
// CHECK:         het.variant @sm_80_cubin target(#het.ptx<"sm_80">) format(cubin) entry("scale") grid([4, 1, 1]) block([256, 1, 1]) image("\7FELF
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("scale")
// CHECK:         het.variant @sm_90_cubin target(#het.ptx<"sm_90">) format(cubin) entry("scale") grid([4, 1, 1]) block([256, 1, 1]) image("\7FELF

// REJECTED: error: ptxas rejected the PTX of kernel 'scale' for sm_80: {{.*}}.ptxas failed (exit code 255):
// REJECTED-NEXT: ptxas fatal   : Unresolved extern function xyz
#m = affine_map<(d0) -> (d0)>
het.executable @scale : (tensor<1024xf32>) -> tensor<1024xf32> {
  het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("scale") {
    module {
      func.func @scale(%x: memref<1024xf32>, %y: memref<1024xf32>) {
        %half = arith.constant 0.5 : f32
        linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
            ins(%x : memref<1024xf32>) outs(%y : memref<1024xf32>) {
        ^bb0(%a: f32, %o: f32):
          %v = arith.mulf %a, %half : f32
          linalg.yield %v : f32
        }
        return
      }
    }
  }
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("scale") {
    module {
      func.func @scale(%x: memref<1024xf32>, %y: memref<1024xf32>) {
        %half = arith.constant 0.5 : f32
        linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
            ins(%x : memref<1024xf32>) outs(%y : memref<1024xf32>) {
        ^bb0(%a: f32, %o: f32):
          %v = arith.mulf %a, %half : f32
          linalg.yield %v : f32
        }
        return
      }
    }
  }
}
