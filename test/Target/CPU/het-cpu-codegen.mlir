// RUN: het-opt %s --split-input-file --het-cpu-codegen="min-tile-work=1" | FileCheck %s
// REQUIRES: compiler

// Tests that a cpu variant becomes a shared object image with one tile per column of its parallel nest (its 4 rows
// would give fewer than 8 tiles, its 8 columns give 8), that the body is erased, and that variants of other
// targets are left alone.

// CHECK-LABEL: het.executable @add
// CHECK:         het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("add") grid([8]) image("\7FELF{{.*}}")
// CHECK-NOT:       module
// CHECK:         het.variant @cpu_x86_64_v4 target(#het.cpu<"x86-64-v4">) format(elf) entry("add") grid([8]) image("\7FELF{{.*}}")
// CHECK-NOT:       module
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add") {
// CHECK:           func.func @add
het.executable @add : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> {
  het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("add") {
    module {
      func.func @add(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %out: memref<4x8xf32>) {
        linalg.add ins(%a, %b : memref<4x8xf32>, memref<4x8xf32>) outs(%out : memref<4x8xf32>)
        return
      }
    }
  }
  het.variant @cpu_x86_64_v4 target(#het.cpu<"x86-64-v4">) format(elf) entry("add") {
    module {
      func.func @add(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %out: memref<4x8xf32>) {
        linalg.add ins(%a, %b : memref<4x8xf32>, memref<4x8xf32>) outs(%out : memref<4x8xf32>)
        return
      }
    }
  }
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add") {
    module {
      func.func @add(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %out: memref<4x8xf32>) {
        linalg.add ins(%a, %b : memref<4x8xf32>, memref<4x8xf32>) outs(%out : memref<4x8xf32>)
        return
      }
    }
  }
}

// -----

// Tests that ops chained through a temporary share tiles when every buffer written inside the kernel is cut
// at the same position (here the transpose reads the temporary's rows as its columns).

// CHECK-LABEL: het.executable @exp_transpose
// CHECK:         het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("exp_transpose") grid([64])
het.executable @exp_transpose : (tensor<64x32xf32>) -> tensor<32x64xf32> {
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("exp_transpose") {
    module {
      func.func @exp_transpose(%x: memref<64x32xf32>, %out: memref<32x64xf32>) {
        %tmp = memref.alloc() : memref<64x32xf32>
        linalg.exp ins(%x : memref<64x32xf32>) outs(%tmp : memref<64x32xf32>)
        linalg.transpose ins(%tmp : memref<64x32xf32>) outs(%out : memref<32x64xf32>) permutation = [1, 0]
        memref.dealloc %tmp : memref<64x32xf32>
        return
      }
    }
  }
}

// -----

// Tests that a column sum of a temporary is cut along columns, the one dimension every op indexes the same way.

// CHECK-LABEL: het.executable @exp_column_sum
// CHECK:         het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("exp_column_sum") grid([32])
het.executable @exp_column_sum : (tensor<64x32xf32>) -> tensor<32xf32> {
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("exp_column_sum") {
    module {
      func.func @exp_column_sum(%x: memref<64x32xf32>, %out: memref<32xf32>) {
        %zero = arith.constant 0.0 : f32
        %tmp = memref.alloc() : memref<64x32xf32>
        linalg.exp ins(%x : memref<64x32xf32>) outs(%tmp : memref<64x32xf32>)
        linalg.fill ins(%zero : f32) outs(%out : memref<32xf32>)
        linalg.reduce ins(%tmp : memref<64x32xf32>) outs(%out : memref<32xf32>) dimensions = [0]
          (%in: f32, %acc: f32) {
            %s = arith.addf %in, %acc : f32
            linalg.yield %s : f32
          }
        memref.dealloc %tmp : memref<64x32xf32>
        return
      }
    }
  }
}

// -----

// Tests that a kernel reading a temporary both by rows and by columns, or whose top level is not linalg ops,
// runs as one tile.

// CHECK-LABEL: het.executable @exp_symmetric
// CHECK:         het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("exp_symmetric") grid([1])
// CHECK-LABEL: het.executable @loop
// CHECK:         het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("loop") grid([1])
het.executable @exp_symmetric : (tensor<32x32xf32>) -> tensor<32x32xf32> {
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("exp_symmetric") {
    module {
      func.func @exp_symmetric(%x: memref<32x32xf32>, %out: memref<32x32xf32>) {
        %tmp = memref.alloc() : memref<32x32xf32>
        linalg.exp ins(%x : memref<32x32xf32>) outs(%tmp : memref<32x32xf32>)
        linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1, d0)>,
                                         affine_map<(d0, d1) -> (d0, d1)>],
                        iterator_types = ["parallel", "parallel"]}
            ins(%tmp, %tmp : memref<32x32xf32>, memref<32x32xf32>) outs(%out : memref<32x32xf32>) {
        ^bb0(%a: f32, %b: f32, %o: f32):
          %s = arith.addf %a, %b : f32
          linalg.yield %s : f32
        }
        memref.dealloc %tmp : memref<32x32xf32>
        return
      }
    }
  }
}
het.executable @loop : (tensor<8xf32>) -> tensor<8xf32> {
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("loop") {
    module {
      func.func @loop(%x: memref<8xf32>, %out: memref<8xf32>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c8 = arith.constant 8 : index
        scf.for %i = %c0 to %c8 step %c1 {
          %v = memref.load %x[%i] : memref<8xf32>
          memref.store %v, %out[%i] : memref<8xf32>
        }
        return
      }
    }
  }
}
