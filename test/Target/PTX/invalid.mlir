// RUN: het-opt %s -split-input-file --het-ptx-codegen="cubin=false" -verify-diagnostics
// REQUIRES: compiler

// Tests that temporaries larger than a block's shared memory are rejected, naming the kernel.

het.executable @big_temporary : (tensor<16384xf32>) -> tensor<16384xf32> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("big_temporary") {
    module {
      // expected-error @+1 {{kernel 'big_temporary': its temporaries need 65536 bytes, more than the 49152 bytes of shared memory a PTX kernel may use}}
      func.func @big_temporary(%x: memref<16384xf32>, %y: memref<16384xf32>) {
        %t = memref.alloc() : memref<16384xf32>
        memref.copy %x, %t : memref<16384xf32> to memref<16384xf32>
        memref.copy %t, %y : memref<16384xf32> to memref<16384xf32>
        return
      }
    }
  }
}

// -----

// Tests that a variant whose body holds no kernel function is rejected, naming the variant.

het.executable @no_function : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{variant @sm_90: expected a body module with one func.func (or one named 'no_function')}}
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("no_function") {
    module {
    }
  }
}

// -----

// Tests that dynamic shapes, which code generation never receives, are rejected.

het.executable @dynamic : (tensor<?xf32>) -> tensor<?xf32> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("dynamic") {
    module {
      // expected-error @+1 {{kernel 'dynamic': argument type 'memref<?xf32>' is not a static, row-major memref}}
      func.func @dynamic(%x: memref<?xf32>, %y: memref<?xf32>) {
        return
      }
    }
  }
}

// -----

// Tests that an unknown ptxas path is an error rather than a silently missing cubin.

// RUN: not het-opt %s -split-input-file --het-ptx-codegen="ptxas-path=/nonexistent/ptxas" 2>&1 | FileCheck %s --check-prefix=NO-PTXAS
// NO-PTXAS: error: het-ptx-codegen: ptxas-path '/nonexistent/ptxas' is not an executable file
het.executable @no_ptxas : (tensor<4xf32>) -> tensor<4xf32> {
  het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("no_ptxas") image(".version 8.0")
}
