// RUN: het-opt %s --split-input-file --het-bufferize-variants | FileCheck %s
// REQUIRES: compiler

// Tests that a kernel computing into a fresh tensor computes straight into its out-parameter.

// CHECK-LABEL: func.func @add
// CHECK-SAME:      (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<4x8xf32>, %[[OUT:.*]]: memref<4x8xf32>) {
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.add ins(%[[A]], %[[B]] : memref<4x8xf32>, memref<4x8xf32>) outs(%[[OUT]] : memref<4x8xf32>)
// CHECK-NEXT:    return
het.executable @add : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32> {
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("add") {
    module {
      func.func @add(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
        %e = tensor.empty() : tensor<4x8xf32>
        %r = linalg.add ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
        return %r : tensor<4x8xf32>
      }
    }
  }
}

// -----

// Tests that an op accumulating into an input never writes the input: the input is copied into the
// out-parameter with linalg.copy and the op works there.

// CHECK-LABEL: func.func @gemm
// CHECK-SAME:      (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<8x16xf32>, %[[C:.*]]: memref<4x16xf32>, %[[OUT:.*]]: memref<4x16xf32>) {
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.copy ins(%[[C]] : memref<4x16xf32>) outs(%[[OUT]] : memref<4x16xf32>)
// CHECK:         linalg.matmul ins(%[[A]], %[[B]] : memref<4x8xf32>, memref<8x16xf32>) outs(%[[OUT]] : memref<4x16xf32>)
// CHECK-NEXT:    return
het.executable @gemm : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<4x16xf32>) -> tensor<4x16xf32> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("gemm") {
    module {
      func.func @gemm(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
        %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
        return %r : tensor<4x16xf32>
      }
    }
  }
}

// -----

// Tests that returning an input, a slice of it and a reshape of it copies each into its out-parameter, in
// result order, without memref.copy.

// CHECK-LABEL: func.func @views
// CHECK-SAME:      (%[[X:.*]]: memref<2x6xf32>, %[[OUT0:.*]]: memref<2x6xf32>, %[[OUT1:.*]]: memref<2x3xf32>, %[[OUT2:.*]]: memref<12xf32>) {
// CHECK-NOT:     memref.copy
// CHECK-DAG:     linalg.copy ins(%[[X]] : memref<2x6xf32>) outs(%[[OUT0]] : memref<2x6xf32>)
// CHECK-DAG:     %[[SLICE:.*]] = memref.subview %[[X]][0, 3] [2, 3] [1, 1]
// CHECK-DAG:     linalg.copy ins(%[[SLICE]] : {{.*}}) outs(%[[OUT1]] : memref<2x3xf32>)
// CHECK-DAG:     %[[FLAT:.*]] = memref.collapse_shape %[[X]]
// CHECK-DAG:     linalg.copy ins(%[[FLAT]] : memref<12xf32>) outs(%[[OUT2]] : memref<12xf32>)
// CHECK-NOT:     memref.copy
// CHECK:         return
het.executable @views : (tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<2x3xf32>, tensor<12xf32>) {
  het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("views") {
    module {
      func.func @views(%x: tensor<2x6xf32>) -> (tensor<2x6xf32>, tensor<2x3xf32>, tensor<12xf32>) {
        %s = tensor.extract_slice %x[0, 3] [2, 3] [1, 1] : tensor<2x6xf32> to tensor<2x3xf32>
        %f = tensor.collapse_shape %x [[0, 1]] : tensor<2x6xf32> into tensor<12xf32>
        return %x, %s, %f : tensor<2x6xf32>, tensor<2x3xf32>, tensor<12xf32>
      }
    }
  }
}

// -----

// Tests that tensor.concat becomes copies into parts of the out-parameter.

// CHECK-LABEL: func.func @concat
// CHECK-SAME:      (%[[A:.*]]: memref<2x3xf32>, %[[B:.*]]: memref<2x5xf32>, %[[OUT:.*]]: memref<2x8xf32>) {
// CHECK:         %[[LEFT:.*]] = memref.subview %[[OUT]][0, 0] [2, 3] [1, 1]
// CHECK:         linalg.copy ins(%[[A]] : memref<2x3xf32>) outs(%[[LEFT]]
// CHECK:         %[[RIGHT:.*]] = memref.subview %[[OUT]][0, 3] [2, 5] [1, 1]
// CHECK:         linalg.copy ins(%[[B]] : memref<2x5xf32>) outs(%[[RIGHT]]
// CHECK:         return
het.executable @concat : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32> {
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("concat") {
    module {
      func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
        %r = tensor.concat dim(1) %a, %b : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
        return %r : tensor<2x8xf32>
      }
    }
  }
}

// -----

// Tests that a temporary between two ops is allocated and freed inside the kernel, and that variants without
// a body are left alone.

// CHECK-LABEL: het.executable @twice
// CHECK:         het.variant @prebuilt {{.*}} image("\7FELF")
// CHECK:         func.func @twice
// CHECK-SAME:      (%[[X:.*]]: memref<64xf32>, %[[OUT:.*]]: memref<64xf32>) {
// CHECK:         %[[TMP:.*]] = memref.alloc() {{.*}}: memref<64xf32>
// CHECK:         linalg.exp ins(%[[X]] : memref<64xf32>) outs(%[[TMP]] : memref<64xf32>)
// CHECK:         linalg.add ins(%[[TMP]], %[[X]] : memref<64xf32>, memref<64xf32>) outs(%[[OUT]] : memref<64xf32>)
// CHECK:         memref.dealloc %[[TMP]] : memref<64xf32>
// CHECK-NEXT:    return
het.executable @twice : (tensor<64xf32>) -> tensor<64xf32> {
  het.variant @prebuilt target(#het.cpu<"x86-64-v3">) format(elf) entry("twice") image("\7FELF")
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("twice") {
    module {
      func.func @twice(%x: tensor<64xf32>) -> tensor<64xf32> {
        %e = tensor.empty() : tensor<64xf32>
        %t = linalg.exp ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) -> tensor<64xf32>
        %e2 = tensor.empty() : tensor<64xf32>
        %r = linalg.add ins(%t, %x : tensor<64xf32>, tensor<64xf32>) outs(%e2 : tensor<64xf32>) -> tensor<64xf32>
        return %r : tensor<64xf32>
      }
    }
  }
}
