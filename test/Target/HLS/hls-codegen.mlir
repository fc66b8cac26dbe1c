// RUN: het-opt %s -split-input-file --het-hls-codegen | FileCheck %s
// REQUIRES: compiler

// Tests that fill + matmul become a Vitis HLS top function: const pointers for the read bindings, one m_axi
// bundle per pointer, s_axilite control, row-major flat indexing, PIPELINE on the innermost loops only, and
// the body erased.

// CHECK-LABEL: het.executable @matmul
// CHECK:         het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("matmul") image("#include <cmath>\0A#include <cstdint>\0A
// CHECK-SAME:      extern \22C\22 void matmul(const float *in0, const float *in1, float *out0) {\0A
// CHECK-SAME:      #pragma HLS INTERFACE m_axi port=in0 offset=slave bundle=gmem0\0A
// CHECK-SAME:      #pragma HLS INTERFACE m_axi port=in1 offset=slave bundle=gmem1\0A
// CHECK-SAME:      #pragma HLS INTERFACE m_axi port=out0 offset=slave bundle=gmem2\0A
// CHECK-SAME:      #pragma HLS INTERFACE s_axilite port=return\0A
// CHECK-SAME:      for (int64_t i0 = 0; i0 < 4; ++i0) {\0A    for (int64_t i1 = 0; i1 < 16; ++i1) {\0A#pragma HLS PIPELINE II=1\0A      out0[i0 * 16 + i1] = 0x0p+0f;
// CHECK-SAME:      for (int64_t i2 = 0; i2 < 4; ++i2) {\0A    for (int64_t i3 = 0; i3 < 16; ++i3) {\0A      for (int64_t i4 = 0; i4 < 8; ++i4) {\0A#pragma HLS PIPELINE II=1\0A
// CHECK-SAME:      const float v5 = in0[i2 * 8 + i4];\0A        const float v6 = in1[i4 * 16 + i3];
// CHECK-SAME:      out0[i2 * 16 + i3] = v9;
// CHECK-NOT:     func.func

#hls = #het.hls<"xcu250-figd2104-2L-e">

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
}

// -----

// Tests that a strided NCHW convolution indexes its input with the strided window position.

// CHECK-LABEL: het.executable @conv
// CHECK:         format(hls_cpp) entry("conv") image("
// CHECK-SAME:      extern \22C\22 void conv(const float *in0, const float *in1, float *out0)
// CHECK-SAME:      out0[i0 * 16 + i1 * 4 + i2] = 0x0p+0f;
// CHECK-SAME:      const int64_t v9 = i4 * 2;\0A              const int64_t v10 = v9 + i7;
// CHECK-SAME:      const float v13 = in0[i6 * 81 + v10 * 9 + v12];
// CHECK-SAME:      const float v14 = in1[i3 * 18 + i6 * 9 + i7 * 3 + i8];
#hls = #het.hls<"xcu250-figd2104-2L-e">

het.executable @conv : (tensor<1x2x9x9xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("conv") {
    module {
      func.func @conv(%x: memref<1x2x9x9xf32>, %w: memref<4x2x3x3xf32>, %y: memref<1x4x4x4xf32>) {
        %zero = arith.constant 0.0 : f32
        linalg.fill ins(%zero : f32) outs(%y : memref<1x4x4x4xf32>)
        linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
            ins(%x, %w : memref<1x2x9x9xf32>, memref<4x2x3x3xf32>) outs(%y : memref<1x4x4x4xf32>)
        return
      }
    }
  }
}

// -----

// Tests that an elementwise chain uses std:: math, that a ui8 binding is an uint8_t pointer (read as the
// signless i8 of the body), and that an i1 result is stored as one byte.

// CHECK-LABEL: het.executable @math_chain
// CHECK:         format(hls_cpp) entry("math_chain") image("
// CHECK-SAME:      extern \22C\22 void math_chain(const float *in0, const uint8_t *in1, float *out0, uint8_t *out1)
// CHECK-SAME:      #pragma HLS INTERFACE m_axi port=out1 offset=slave bundle=gmem3
// CHECK-SAME:      const float v3 = std::exp(v1);\0A    const float v4 = std::tanh(v3);\0A    const float v5 = std::erf(v4);\0A    const float v6 = std::pow(v5, 0x1p+1f);\0A    const float v7 = std::sqrt(v6);\0A    const float v8 = std::log(v7);
// CHECK-SAME:      const float v9 = (float)(uint8_t)v2;
// CHECK-SAME:      const float v11 = het_maximum(v10, 0x0p+0f);
// CHECK-SAME:      const bool v12 = v1 < 0x0p+0f;
// CHECK-SAME:      out1[i0] = v12;
#hls = #het.hls<"xcu250-figd2104-2L-e">
#m = affine_map<(d0) -> (d0)>

het.executable @math_chain : (tensor<16xf32>, tensor<16xui8>) -> (tensor<16xf32>, tensor<16xi1>) {
  het.variant @hls target(#hls) format(hls_cpp) entry("math_chain") {
    module {
      func.func @math_chain(%x: memref<16xf32>, %q: memref<16xi8>, %y: memref<16xf32>, %neg: memref<16xi1>) {
        %zero = arith.constant 0.0 : f32
        %two = arith.constant 2.0 : f32
        linalg.generic {indexing_maps = [#m, #m, #m, #m], iterator_types = ["parallel"]}
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

// -----

// Tests that a reduction accumulates in the output buffer, with wrapping (unsigned) integer addition.

// CHECK-LABEL: het.executable @row_sum
// CHECK:         format(hls_cpp) entry("row_sum") image("
// CHECK-SAME:      extern \22C\22 void row_sum(const int32_t *in0, int32_t *out0)
// CHECK-SAME:      out0[i0] = 0;
// CHECK-SAME:      for (int64_t i2 = 0; i2 < 5; ++i2) {\0A#pragma HLS PIPELINE II=1
// CHECK-SAME:      const int32_t v5 = (int32_t)((uint32_t)v3 + (uint32_t)v4);\0A      out0[i1] = v5;
#hls = #het.hls<"xcu250-figd2104-2L-e">
#in = affine_map<(d0, d1) -> (d0, d1)>
#out = affine_map<(d0, d1) -> (d0)>

het.executable @row_sum : (tensor<3x5xi32>) -> tensor<3xi32> {
  het.variant @hls target(#hls) format(hls_cpp) entry("row_sum") {
    module {
      func.func @row_sum(%x: memref<3x5xi32>, %y: memref<3xi32>) {
        %zero = arith.constant 0 : i32
        linalg.fill ins(%zero : i32) outs(%y : memref<3xi32>)
        linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
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

// -----

// Tests that a temporary becomes a fixed-size local array and that a copy into a subview of it (padding)
// folds into offset indices.

// CHECK-LABEL: het.executable @pad
// CHECK:         format(hls_cpp) entry("pad") image("
// CHECK-SAME:      extern \22C\22 void pad(const double *in0, double *out0)
// CHECK-SAME:      double t0[20];
// CHECK-SAME:      t0[i1 * 5 + i2] = 0x0p+0;
// CHECK-SAME:      const int64_t v6 = i3 + 1;\0A      const int64_t v7 = i4 + 1;\0A      t0[v6 * 5 + v7] = v5;
// CHECK-SAME:      out0[i8 * 5 + i9] = v10;
// CHECK-NOT:       malloc
// CHECK-NOT:       new
#hls = #het.hls<"xcu250-figd2104-2L-e">

het.executable @pad : (tensor<2x3xf64>) -> tensor<4x5xf64> {
  het.variant @hls target(#hls) format(hls_cpp) entry("pad") {
    module {
      func.func @pad(%x: memref<2x3xf64>, %y: memref<4x5xf64>) {
        %zero = arith.constant 0.0 : f64
        %t = memref.alloc() : memref<4x5xf64>
        linalg.fill ins(%zero : f64) outs(%t : memref<4x5xf64>)
        %inner = memref.subview %t[1, 1] [2, 3] [1, 1] : memref<4x5xf64> to memref<2x3xf64, strided<[5, 1], offset: 6>>
        memref.copy %x, %inner : memref<2x3xf64> to memref<2x3xf64, strided<[5, 1], offset: 6>>
        memref.copy %t, %y : memref<4x5xf64> to memref<4x5xf64>
        memref.dealloc %t : memref<4x5xf64>
        return
      }
    }
  }
}

// -----

// Tests that f16 and bf16 buffers are uint16_t arrays, that bitcasts (half to i16, f32 to i32) copy the bits
// through het_bitcast, that a select picks half bits as they are, and that a half constant is its bit pattern.

// CHECK-LABEL: het.executable @half
// CHECK:         format(hls_cpp) entry("half") image("
// CHECK-SAME:      static inline To het_bitcast(From from)
// CHECK-SAME:      extern \22C\22 void half(const uint16_t *in0, const float *in1, uint16_t *out0, uint16_t *out1)
// CHECK-SAME:      const uint16_t v1 = in0[i0];\0A    const int16_t v2 = het_bitcast<int16_t>(v1);
// CHECK-SAME:      const int32_t v4 = het_bitcast<int32_t>(v3);
// CHECK-SAME:      const uint16_t v6 = het_bitcast<uint16_t>(v5);
// CHECK-SAME:      const uint16_t v8 = v7 ? v1 : v6;
// CHECK-SAME:      out1[i0] = (uint16_t)16256;
#hls = #het.hls<"xcu250-figd2104-2L-e">

het.executable @half : (tensor<4xf16>, tensor<4xf32>) -> (tensor<4xf16>, tensor<4xbf16>) {
  het.variant @hls target(#hls) format(hls_cpp) entry("half") {
    module {
      func.func @half(%h: memref<4xf16>, %x: memref<4xf32>, %bits: memref<4xf16>, %one: memref<4xbf16>) {
        %c0 = arith.constant 0 : index
        %c1 = arith.constant 1 : index
        %c4 = arith.constant 4 : index
        %bfone = arith.constant 1.0 : bf16
        scf.for %i = %c0 to %c4 step %c1 {
          %v = memref.load %h[%i] : memref<4xf16>
          %b = arith.bitcast %v : f16 to i16
          %w = arith.bitcast %b : i16 to f16
          %f = memref.load %x[%i] : memref<4xf32>
          %i32 = arith.bitcast %f : f32 to i32
          %low = arith.trunci %i32 : i32 to i16
          %back = arith.bitcast %low : i16 to f16
          %pick = arith.cmpi slt, %b, %low : i16
          %sel = arith.select %pick, %w, %back : f16
          memref.store %sel, %bits[%i] : memref<4xf16>
          memref.store %bfone, %one[%i] : memref<4xbf16>
        }
        return
      }
    }
  }
}
