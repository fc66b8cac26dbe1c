// RUN: het-opt %s -split-input-file --het-ptx-codegen="cubin=false" | FileCheck %s
// REQUIRES: compiler

// Tests that an elementwise kernel on one parallel nest runs one thread per element: the grid covers the
// 40x80 elements in blocks of 256 threads, the entry takes one .u64 pointer per binding, and exp/tanh are
// expanded so no libdevice call is left.

// CHECK-LABEL: het.executable @bias_tanh
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("bias_tanh") grid([13, 1, 1]) block([256, 1, 1]) image("
// CHECK-SAME:      .target sm_90
// CHECK-SAME:      .visible .entry bias_tanh(\0A\09.param .u64 {{[^,]*}},\0A\09.param .u64 {{[^,]*}},\0A\09.param .u64 {{[^,]*}}\0A)
// CHECK-NOT:       __nv_
// CHECK-SAME:      ")
// CHECK-NOT:     het.variant
// CHECK-NOT:     func.func
#m = affine_map<(d0, d1) -> (d0, d1)>
#b = affine_map<(d0, d1) -> (d1)>
het.executable @bias_tanh : (tensor<40x80xf32>, tensor<80xf32>) -> tensor<40x80xf32> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("bias_tanh") {
    module {
      func.func @bias_tanh(%a: memref<40x80xf32>, %b: memref<80xf32>, %c: memref<40x80xf32>) {
        linalg.generic {indexing_maps = [#m, #b, #m], iterator_types = ["parallel", "parallel"]}
            ins(%a, %b : memref<40x80xf32>, memref<80xf32>) outs(%c : memref<40x80xf32>) {
        ^bb0(%x: f32, %y: f32, %o: f32):
          %s = arith.addf %x, %y : f32
          %e = math.exp %s : f32
          %t = math.tanh %e : f32
          linalg.yield %t : f32
        }
        return
      }
    }
  }
}

// -----

// Tests that fill + matmul fuse into one nest (one thread per output element, 64 of them, so one block of 64),
// and that each architecture gets its own PTX.

// CHECK-LABEL: het.executable @matmul
// CHECK:         het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("matmul") grid([1, 1, 1]) block([64, 1, 1]) image("
// CHECK-SAME:      .target sm_80
// CHECK-SAME:      .visible .entry matmul(
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("matmul") grid([1, 1, 1]) block([64, 1, 1]) image("
// CHECK-SAME:      .target sm_90
het.executable @matmul : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32> {
  het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("matmul") {
    module {
      func.func @matmul(%a: memref<4x8xf32>, %b: memref<8x16xf32>, %c: memref<4x16xf32>) {
        %zero = arith.constant 0.0 : f32
        linalg.fill ins(%zero : f32) outs(%c : memref<4x16xf32>)
        linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x16xf32>) outs(%c : memref<4x16xf32>)
        return
      }
    }
  }
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("matmul") {
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

// -----

// Tests that a body with temporaries and nests of different shapes (softmax) runs in one block: the
// temporaries are shared memory and the nests are separated by barriers.

// CHECK-LABEL: het.executable @softmax
// CHECK:         het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("softmax") grid([1, 1, 1]) block([256, 1, 1]) image("
// CHECK-SAME:      .visible .entry softmax(\0A\09.param .u64 {{[^,]*}},\0A\09.param .u64 {{[^,]*}}\0A)
// CHECK-SAME:      .shared .align 4 .b8
// CHECK-SAME:      bar.sync
#m = affine_map<(d0, d1) -> (d0, d1)>
#r = affine_map<(d0, d1) -> (d0)>
het.executable @softmax : (tensor<4x8xf32>) -> tensor<4x8xf32> {
  het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("softmax") {
    module {
      func.func @softmax(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
        %ninf = arith.constant 0xFF800000 : f32
        %zero = arith.constant 0.0 : f32
        %max = memref.alloc() : memref<4xf32>
        %sum = memref.alloc() : memref<4xf32>
        linalg.fill ins(%ninf : f32) outs(%max : memref<4xf32>)
        linalg.generic {indexing_maps = [#m, #r], iterator_types = ["parallel", "reduction"]}
            ins(%x : memref<4x8xf32>) outs(%max : memref<4xf32>) {
        ^bb0(%a: f32, %acc: f32):
          %v = arith.maximumf %a, %acc : f32
          linalg.yield %v : f32
        }
        linalg.generic {indexing_maps = [#m, #r, #m], iterator_types = ["parallel", "parallel"]}
            ins(%x, %max : memref<4x8xf32>, memref<4xf32>) outs(%y : memref<4x8xf32>) {
        ^bb0(%a: f32, %mx: f32, %o: f32):
          %d = arith.subf %a, %mx : f32
          %e = math.exp %d : f32
          linalg.yield %e : f32
        }
        linalg.fill ins(%zero : f32) outs(%sum : memref<4xf32>)
        linalg.generic {indexing_maps = [#m, #r], iterator_types = ["parallel", "reduction"]}
            ins(%y : memref<4x8xf32>) outs(%sum : memref<4xf32>) {
        ^bb0(%a: f32, %acc: f32):
          %v = arith.addf %a, %acc : f32
          linalg.yield %v : f32
        }
        linalg.generic {indexing_maps = [#r, #m], iterator_types = ["parallel", "parallel"]}
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

// -----

// Tests that a full reduction (no parallel dimension) runs on thread 0 of one block, and that f64 math
// (log, erf, pow, sqrt, floor) needs no libdevice.

// CHECK-LABEL: het.executable @sum_log
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("sum_log") grid([1, 1, 1]) block([256, 1, 1]) image("
// CHECK-SAME:      .visible .entry sum_log(
// CHECK-NOT:       __nv_
// CHECK-SAME:      ")
#in = affine_map<(d0) -> (d0)>
#out = affine_map<(d0) -> ()>
het.executable @sum_log : (tensor<100xf64>) -> tensor<f64> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("sum_log") {
    module {
      func.func @sum_log(%x: memref<100xf64>, %s: memref<f64>) {
        %zero = arith.constant 0.0 : f64
        linalg.fill ins(%zero : f64) outs(%s : memref<f64>)
        linalg.generic {indexing_maps = [#in, #out], iterator_types = ["reduction"]}
            ins(%x : memref<100xf64>) outs(%s : memref<f64>) {
        ^bb0(%a: f64, %acc: f64):
          %l = math.log %a : f64
          %e = math.erf %l : f64
          %p = math.powf %e, %a : f64
          %q = math.sqrt %p : f64
          %f = math.floor %q : f64
          %v = arith.addf %f, %acc : f64
          linalg.yield %v : f64
        }
        return
      }
    }
  }
}

// -----

// Tests that integer kernels (i8 and u8 via signless i8, i64, i1 stored as bytes) and a memref.copy
// through a subview compile.

// CHECK-LABEL: het.executable @integers
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("integers") grid([1, 1, 1]) block([16, 1, 1]) image("
// CHECK-SAME:      .visible .entry integers(\0A\09.param .u64 {{[^,]*}},\0A\09.param .u64 {{[^,]*}},\0A\09.param .u64 {{[^,]*}},\0A\09.param .u64 {{[^,]*}}\0A)
#m = affine_map<(d0) -> (d0)>
het.executable @integers : (tensor<16xi8>, tensor<16xui8>) -> (tensor<16xi64>, tensor<16xi1>) {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("integers") {
    module {
      func.func @integers(%a: memref<16xi8>, %b: memref<16xi8>, %sum: memref<16xi64>, %less: memref<16xi1>) {
        linalg.generic {indexing_maps = [#m, #m, #m, #m], iterator_types = ["parallel"]}
            ins(%a, %b : memref<16xi8>, memref<16xi8>) outs(%sum, %less : memref<16xi64>, memref<16xi1>) {
        ^bb0(%x: i8, %y: i8, %o: i64, %l: i1):
          %sx = arith.extsi %x : i8 to i64
          %uy = arith.extui %y : i8 to i64
          %s = arith.addi %sx, %uy : i64
          %d = arith.divsi %s, %uy : i64
          %c = arith.cmpi ult, %x, %y : i8
          linalg.yield %d, %c : i64, i1
        }
        return
      }
    }
  }
}
