// RUN: het-opt %s -split-input-file --het-hls-codegen -verify-diagnostics
// REQUIRES: compiler

// Tests that temporaries larger than the on-chip budget are rejected, naming the kernel and the sizes.

#hls = #het.hls<"xcu250-figd2104-2L-e">
het.executable @big : (tensor<512x1024xf32>) -> tensor<512x1024xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("big") {
    module {
      func.func @big(%x: memref<512x1024xf32>, %y: memref<512x1024xf32>) {
        // expected-error @+1 {{kernel 'big': its temporaries need 2097152 bytes, more than the 1048576 bytes of on-chip memory an HLS kernel may use here}}
        %t = memref.alloc() : memref<512x1024xf32>
        memref.copy %x, %t : memref<512x1024xf32> to memref<512x1024xf32>
        memref.copy %t, %y : memref<512x1024xf32> to memref<512x1024xf32>
        return
      }
    }
  }
}

// -----

// Tests that an op the C++ emitter does not know is a located error naming the kernel and the op.

#hls = #het.hls<"xcu250-figd2104-2L-e">
#m = affine_map<(d0) -> (d0)>
het.executable @bits : (tensor<8xi32>) -> tensor<8xi32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("bits") {
    module {
      func.func @bits(%x: memref<8xi32>, %y: memref<8xi32>) {
        linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
            ins(%x : memref<8xi32>) outs(%y : memref<8xi32>) {
        ^bb0(%a: i32, %o: i32):
          // expected-error @+1 {{kernel 'bits': the HLS C++ emitter does not support 'math.ctlz'}}
          %c = math.ctlz %a : i32
          linalg.yield %c : i32
        }
        return
      }
    }
  }
}

// -----

// Tests that a body whose arguments do not match the executable's bindings is rejected.

#hls = #het.hls<"xcu250-figd2104-2L-e">
het.executable @mismatch : (tensor<8xf32>) -> tensor<8xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("mismatch") {
    module {
      // expected-error @+1 {{kernel 'mismatch' has 1 arguments, but its executable @mismatch has 2 bindings}}
      func.func @mismatch(%x: memref<8xf32>) {
        return
      }
    }
  }
}

// -----

// Tests that only hls_cpp and hls_csim bodies are compiled: an xclbin needs v++.

#hls = #het.hls<"xcu250-figd2104-2L-e">
het.executable @bitstream : (tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{variant @xclbin: het-hls-codegen compiles formats hls_cpp and hls_csim, not xclbin}}
  het.variant @xclbin target(#hls) format(xclbin) entry("bitstream") {
    module {
      func.func @bitstream(%x: memref<8xf32>, %y: memref<8xf32>) {
        return
      }
    }
  }
}

// -----

// Tests that arithmetic on f16 values is refused rather than done on their uint16_t bits.

#hls = #het.hls<"xcu250-figd2104-2L-e">
#m = affine_map<(d0) -> (d0)>
het.executable @halfadd : (tensor<8xf16>) -> tensor<8xf16> {
  het.variant @hls target(#hls) format(hls_cpp) entry("halfadd") {
    module {
      func.func @halfadd(%x: memref<8xf16>, %y: memref<8xf16>) {
        linalg.generic {indexing_maps = [#m, #m], iterator_types = ["parallel"]}
            ins(%x : memref<8xf16>) outs(%y : memref<8xf16>) {
        ^bb0(%a: f16, %o: f16):
          // expected-error @+1 {{kernel 'halfadd': 'arith.addf' on f16 or bf16 values is not supported: the C++ holds their bits as uint16_t, so they must be widened to f32 (as the ONNX frontend does) before arithmetic}}
          %c = arith.addf %a, %a : f16
          linalg.yield %c : f16
        }
        return
      }
    }
  }
}
