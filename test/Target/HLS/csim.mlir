// RUN: het-opt %s --het-hls-codegen > %t.mlir
// RUN: FileCheck %s < %t.mlir
// RUN: %python %S/Inputs/csim_check.py matmul softmax math_chain row_sum < %t.mlir | FileCheck %s --check-prefix=SIM
// RUN: printf '#!/bin/sh\necho "kernel.cpp:1:1: error: no space left" >&2\nexit 1\n' > %t.cxx
// RUN: chmod +x %t.cxx
// RUN: not het-opt %s --het-hls-codegen="host-cxx=%t.cxx" 2>&1 | FileCheck %s --check-prefix=BROKEN
// REQUIRES: compiler

// Tests that the C-simulation variant compiles the same source as its hls_cpp sibling plus the
// `<kernel>_csim(void **buffers)` wrapper into a shared object, and that the objects compute what numpy does
// (matmul, softmax with temporaries, an elementwise math chain with u8 and bool bindings, an i32 reduction).
// The emitted C++ also compiles on its own. A host compiler that fails is reported with its output.

// CHECK-LABEL: het.executable @matmul
// CHECK:         het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("matmul") image("#include
// CHECK:         het.variant @csim target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_csim) entry("matmul_csim") image("\7FELF
// CHECK-NOT:     func.func

// SIM: matmul: ok
// SIM-NEXT: softmax: ok
// SIM-NEXT: math_chain: ok
// SIM-NEXT: row_sum: ok

// BROKEN: error: cannot compile the C simulation of kernel 'matmul': {{.*}}.cxx failed (exit code 1):
// BROKEN-NEXT: kernel.cpp:1:1: error: no space left

#hls = #het.hls<"xcu250-figd2104-2L-e">
#m1 = affine_map<(d0) -> (d0)>
#m2 = affine_map<(d0, d1) -> (d0, d1)>
#r2 = affine_map<(d0, d1) -> (d0)>

het.executable @matmul : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("matmul") {
    module {
      func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
        %zero = arith.constant 0.0 : f32
        linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
        linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
        return
      }
    }
  }
  het.variant @csim target(#hls) format(hls_csim) entry("matmul_csim") {
    module {
      func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
        %zero = arith.constant 0.0 : f32
        linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
        linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
        return
      }
    }
  }
}

het.executable @softmax : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("softmax") {
    module {
      func.func @softmax(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
        %ninf = arith.constant 0xFF800000 : f32
        %zero = arith.constant 0.0 : f32
        %max = memref.alloc() : memref<4xf32>
        %sum = memref.alloc() : memref<4xf32>
        linalg.fill ins(%ninf : f32) outs(%max : memref<4xf32>)
        linalg.generic {indexing_maps = [#m2, #r2], iterator_types = ["parallel", "reduction"]}
            ins(%x : memref<4x8xf32>) outs(%max : memref<4xf32>) {
        ^bb0(%a: f32, %acc: f32):
          %v = arith.maximumf %a, %acc : f32
          linalg.yield %v : f32
        }
        linalg.generic {indexing_maps = [#m2, #r2, #m2], iterator_types = ["parallel", "parallel"]}
            ins(%x, %max : memref<4x8xf32>, memref<4xf32>) outs(%y : memref<4x8xf32>) {
        ^bb0(%a: f32, %mx: f32, %o: f32):
          %d = arith.subf %a, %mx : f32
          %e = math.exp %d : f32
          linalg.yield %e : f32
        }
        linalg.fill ins(%zero : f32) outs(%sum : memref<4xf32>)
        linalg.generic {indexing_maps = [#m2, #r2], iterator_types = ["parallel", "reduction"]}
            ins(%y : memref<4x8xf32>) outs(%sum : memref<4xf32>) {
        ^bb0(%a: f32, %acc: f32):
          %v = arith.addf %a, %acc : f32
          linalg.yield %v : f32
        }
        linalg.generic {indexing_maps = [#r2, #m2], iterator_types = ["parallel", "parallel"]}
            ins(%sum : memref<4xf32>) outs(%y : memref<4x8xf32>) {
        ^bb0(%s: f32, %o: f32):
          %q = arith.divf %o, %s : f32
          linalg.yield %q : f32
        }
        memref.dealloc %max : memref<4xf32>
        memref.dealloc %sum : memref<4xf32>
        return
      }
    }
  }
  het.variant @csim target(#hls) format(hls_csim) entry("softmax_csim") {
    module {
      func.func @softmax(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
        %ninf = arith.constant 0xFF800000 : f32
        %zero = arith.constant 0.0 : f32
        %max = memref.alloc() : memref<4xf32>
        %sum = memref.alloc() : memref<4xf32>
        linalg.fill ins(%ninf : f32) outs(%max : memref<4xf32>)
        linalg.generic {indexing_maps = [#m2, #r2], iterator_types = ["parallel", "reduction"]}
            ins(%x : memref<4x8xf32>) outs(%max : memref<4xf32>) {
        ^bb0(%a: f32, %acc: f32):
          %v = arith.maximumf %a, %acc : f32
          linalg.yield %v : f32
        }
        linalg.generic {indexing_maps = [#m2, #r2, #m2], iterator_types = ["parallel", "parallel"]}
            ins(%x, %max : memref<4x8xf32>, memref<4xf32>) outs(%y : memref<4x8xf32>) {
        ^bb0(%a: f32, %mx: f32, %o: f32):
          %d = arith.subf %a, %mx : f32
          %e = math.exp %d : f32
          linalg.yield %e : f32
        }
        linalg.fill ins(%zero : f32) outs(%sum : memref<4xf32>)
        linalg.generic {indexing_maps = [#m2, #r2], iterator_types = ["parallel", "reduction"]}
            ins(%y : memref<4x8xf32>) outs(%sum : memref<4xf32>) {
        ^bb0(%a: f32, %acc: f32):
          %v = arith.addf %a, %acc : f32
          linalg.yield %v : f32
        }
        linalg.generic {indexing_maps = [#r2, #m2], iterator_types = ["parallel", "parallel"]}
            ins(%sum : memref<4xf32>) outs(%y : memref<4x8xf32>) {
        ^bb0(%s: f32, %o: f32):
          %q = arith.divf %o, %s : f32
          linalg.yield %q : f32
        }
        memref.dealloc %max : memref<4xf32>
        memref.dealloc %sum : memref<4xf32>
        return
      }
    }
  }
}

het.executable @math_chain : (tensor<16xf32>, tensor<16xui8>) -> (tensor<16xf32>, tensor<16xi1>) {
  het.variant @hls target(#hls) format(hls_cpp) entry("math_chain") {
    module {
      func.func @math_chain(%x: memref<16xf32>, %q: memref<16xi8>, %y: memref<16xf32>, %neg: memref<16xi1>) {
        %zero = arith.constant 0.0 : f32
        %two = arith.constant 2.0 : f32
        linalg.generic {indexing_maps = [#m1, #m1, #m1, #m1], iterator_types = ["parallel"]}
            ins(%x, %q : memref<16xf32>, memref<16xi8>) outs(%y, %neg : memref<16xf32>, memref<16xi1>) {
        ^bb0(%a: f32, %b: i8, %o: f32, %n: i1):
          %e = math.exp %a : f32
          %t = math.tanh %e : f32
          %r = math.erf %t : f32
          %p = math.powf %r, %two : f32
          %s = math.sqrt %p : f32
          %l = math.log %s : f32
          %bf = arith.uitofp %b : i8 to f32
          %sum = arith.addf %l, %bf : f32
          %relu = arith.maximumf %sum, %zero : f32
          %isneg = arith.cmpf olt, %a, %zero : f32
          linalg.yield %relu, %isneg : f32, i1
        }
        return
      }
    }
  }
  het.variant @csim target(#hls) format(hls_csim) entry("math_chain_csim") {
    module {
      func.func @math_chain(%x: memref<16xf32>, %q: memref<16xi8>, %y: memref<16xf32>, %neg: memref<16xi1>) {
        %zero = arith.constant 0.0 : f32
        %two = arith.constant 2.0 : f32
        linalg.generic {indexing_maps = [#m1, #m1, #m1, #m1], iterator_types = ["parallel"]}
            ins(%x, %q : memref<16xf32>, memref<16xi8>) outs(%y, %neg : memref<16xf32>, memref<16xi1>) {
        ^bb0(%a: f32, %b: i8, %o: f32, %n: i1):
          %e = math.exp %a : f32
          %t = math.tanh %e : f32
          %r = math.erf %t : f32
          %p = math.powf %r, %two : f32
          %s = math.sqrt %p : f32
          %l = math.log %s : f32
          %bf = arith.uitofp %b : i8 to f32
          %sum = arith.addf %l, %bf : f32
          %relu = arith.maximumf %sum, %zero : f32
          %isneg = arith.cmpf olt, %a, %zero : f32
          linalg.yield %relu, %isneg : f32, i1
        }
        return
      }
    }
  }
}

het.executable @row_sum : (tensor<3x5xi32>) -> tensor<3xi32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("row_sum") {
    module {
      func.func @row_sum(%x: memref<3x5xi32>, %y: memref<3xi32>) {
        %zero = arith.constant 0 : i32
        linalg.fill ins(%zero : i32) outs(%y : memref<3xi32>)
        linalg.generic {indexing_maps = [#m2, #r2], iterator_types = ["parallel", "reduction"]}
            ins(%x : memref<3x5xi32>) outs(%y : memref<3xi32>) {
        ^bb0(%a: i32, %acc: i32):
          %v = arith.addi %a, %acc : i32
          linalg.yield %v : i32
        }
        return
      }
    }
  }
  het.variant @csim target(#hls) format(hls_csim) entry("row_sum_csim") {
    module {
      func.func @row_sum(%x: memref<3x5xi32>, %y: memref<3xi32>) {
        %zero = arith.constant 0 : i32
        linalg.fill ins(%zero : i32) outs(%y : memref<3xi32>)
        linalg.generic {indexing_maps = [#m2, #r2], iterator_types = ["parallel", "reduction"]}
            ins(%x : memref<3x5xi32>) outs(%y : memref<3xi32>) {
        ^bb0(%a: i32, %acc: i32):
          %v = arith.addi %a, %acc : i32
          linalg.yield %v : i32
        }
        return
      }
    }
  }
}
