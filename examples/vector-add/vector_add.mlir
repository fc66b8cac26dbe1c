// A two-kernel program in the het dialect: y = max(a + b, 0) * w, with w a constant.
// `make demo` packages it with hetcc, prints it with hetbin-dump and loads it with hetrun.
module {
  // add_relu: one kernel, one variant per target. Images are inline here; hetcc's code generation fills
  // them in for models.
  het.executable @add_relu : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
      attributes {cost = #het.cost<flops = 2048, bytes_read = 8192, bytes_written = 4096>} {
    het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("add_relu") grid([4, 1, 1]) block([256, 1, 1])
        image(".version 8.0\n.target sm_80\n.address_size 64\n\n.visible .entry add_relu(.param .u64 a, .param .u64 b, .param .u64 out)\n{\n  .reg .pred %p<2>;\n  .reg .b32 %r<5>;\n  .reg .f32 %f<4>;\n  .reg .b64 %rd<10>;\n\n  ld.param.u64 %rd1, [a];\n  ld.param.u64 %rd2, [b];\n  ld.param.u64 %rd3, [out];\n  mov.u32 %r1, %ctaid.x;\n  mov.u32 %r2, %ntid.x;\n  mov.u32 %r3, %tid.x;\n  mad.lo.s32 %r4, %r1, %r2, %r3;\n  setp.ge.s32 %p1, %r4, 1024;\n  @%p1 bra DONE;\n  cvta.to.global.u64 %rd4, %rd1;\n  cvta.to.global.u64 %rd5, %rd2;\n  cvta.to.global.u64 %rd6, %rd3;\n  mul.wide.s32 %rd7, %r4, 4;\n  add.s64 %rd8, %rd4, %rd7;\n  ld.global.f32 %f1, [%rd8];\n  add.s64 %rd9, %rd5, %rd7;\n  ld.global.f32 %f2, [%rd9];\n  add.f32 %f3, %f1, %f2;\n  max.f32 %f3, %f3, 0f00000000;\n  add.s64 %rd8, %rd6, %rd7;\n  st.global.f32 [%rd8], %f3;\nDONE:\n  ret;\n}\n")
    het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add_relu") grid([4, 1, 1]) block([256, 1, 1])
        image(".version 8.0\n.target sm_90\n.address_size 64\n\n.visible .entry add_relu(.param .u64 a, .param .u64 b, .param .u64 out)\n{\n  .reg .pred %p<2>;\n  .reg .b32 %r<5>;\n  .reg .f32 %f<4>;\n  .reg .b64 %rd<10>;\n\n  ld.param.u64 %rd1, [a];\n  ld.param.u64 %rd2, [b];\n  ld.param.u64 %rd3, [out];\n  mov.u32 %r1, %ctaid.x;\n  mov.u32 %r2, %ntid.x;\n  mov.u32 %r3, %tid.x;\n  mad.lo.s32 %r4, %r1, %r2, %r3;\n  setp.ge.s32 %p1, %r4, 1024;\n  @%p1 bra DONE;\n  cvta.to.global.u64 %rd4, %rd1;\n  cvta.to.global.u64 %rd5, %rd2;\n  cvta.to.global.u64 %rd6, %rd3;\n  mul.wide.s32 %rd7, %r4, 4;\n  add.s64 %rd8, %rd4, %rd7;\n  ld.global.f32 %f1, [%rd8];\n  add.s64 %rd9, %rd5, %rd7;\n  ld.global.f32 %f2, [%rd9];\n  add.f32 %f3, %f1, %f2;\n  max.f32 %f3, %f3, 0f00000000;\n  add.s64 %rd8, %rd6, %rd7;\n  st.global.f32 [%rd8], %f3;\nDONE:\n  ret;\n}\n")
    het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("add_relu")
        image("#include <ap_int.h>\n\n// Vitis HLS top function: out[i] = max(a[i] + b[i], 0).\nextern \"C\" void add_relu(const float *a, const float *b, float *out) {\n#pragma HLS INTERFACE m_axi port = a offset = slave bundle = gmem0\n#pragma HLS INTERFACE m_axi port = b offset = slave bundle = gmem1\n#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem0\n#pragma HLS INTERFACE s_axilite port = return\n  for (int i = 0; i < 1024; ++i) {\n#pragma HLS PIPELINE II = 1\n    float sum = a[i] + b[i];\n    out[i] = sum > 0.0f ? sum : 0.0f;\n  }\n}\n")
  }

  // scale: one kernel, one variant per target. Images are inline here; hetcc's code generation fills
  // them in for models.
  het.executable @scale : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
      attributes {cost = #het.cost<flops = 1024, bytes_read = 8192, bytes_written = 4096>} {
    het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("scale") grid([4, 1, 1]) block([256, 1, 1])
        image(".version 8.0\n.target sm_80\n.address_size 64\n\n.visible .entry scale(.param .u64 x, .param .u64 w, .param .u64 out)\n{\n  .reg .pred %p<2>;\n  .reg .b32 %r<5>;\n  .reg .f32 %f<4>;\n  .reg .b64 %rd<10>;\n\n  ld.param.u64 %rd1, [x];\n  ld.param.u64 %rd2, [w];\n  ld.param.u64 %rd3, [out];\n  mov.u32 %r1, %ctaid.x;\n  mov.u32 %r2, %ntid.x;\n  mov.u32 %r3, %tid.x;\n  mad.lo.s32 %r4, %r1, %r2, %r3;\n  setp.ge.s32 %p1, %r4, 1024;\n  @%p1 bra DONE;\n  cvta.to.global.u64 %rd4, %rd1;\n  cvta.to.global.u64 %rd5, %rd2;\n  cvta.to.global.u64 %rd6, %rd3;\n  mul.wide.s32 %rd7, %r4, 4;\n  add.s64 %rd8, %rd4, %rd7;\n  ld.global.f32 %f1, [%rd8];\n  add.s64 %rd9, %rd5, %rd7;\n  ld.global.f32 %f2, [%rd9];\n  mul.f32 %f3, %f1, %f2;\n  add.s64 %rd8, %rd6, %rd7;\n  st.global.f32 [%rd8], %f3;\nDONE:\n  ret;\n}\n")
    het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("scale") grid([4, 1, 1]) block([256, 1, 1])
        image(".version 8.0\n.target sm_90\n.address_size 64\n\n.visible .entry scale(.param .u64 x, .param .u64 w, .param .u64 out)\n{\n  .reg .pred %p<2>;\n  .reg .b32 %r<5>;\n  .reg .f32 %f<4>;\n  .reg .b64 %rd<10>;\n\n  ld.param.u64 %rd1, [x];\n  ld.param.u64 %rd2, [w];\n  ld.param.u64 %rd3, [out];\n  mov.u32 %r1, %ctaid.x;\n  mov.u32 %r2, %ntid.x;\n  mov.u32 %r3, %tid.x;\n  mad.lo.s32 %r4, %r1, %r2, %r3;\n  setp.ge.s32 %p1, %r4, 1024;\n  @%p1 bra DONE;\n  cvta.to.global.u64 %rd4, %rd1;\n  cvta.to.global.u64 %rd5, %rd2;\n  cvta.to.global.u64 %rd6, %rd3;\n  mul.wide.s32 %rd7, %r4, 4;\n  add.s64 %rd8, %rd4, %rd7;\n  ld.global.f32 %f1, [%rd8];\n  add.s64 %rd9, %rd5, %rd7;\n  ld.global.f32 %f2, [%rd9];\n  mul.f32 %f3, %f1, %f2;\n  add.s64 %rd8, %rd6, %rd7;\n  st.global.f32 [%rd8], %f3;\nDONE:\n  ret;\n}\n")
    het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("scale")
        image("#include <ap_int.h>\n\n// Vitis HLS top function: out[i] = x[i] * w[i].\nextern \"C\" void scale(const float *x, const float *w, float *out) {\n#pragma HLS INTERFACE m_axi port = x offset = slave bundle = gmem0\n#pragma HLS INTERFACE m_axi port = w offset = slave bundle = gmem1\n#pragma HLS INTERFACE m_axi port = out offset = slave bundle = gmem0\n#pragma HLS INTERFACE s_axilite port = return\n  for (int i = 0; i < 1024; ++i) {\n#pragma HLS PIPELINE II = 1\n    out[i] = x[i] * w[i];\n  }\n}\n")
  }

  het.graph @main(%a: tensor<1024xf32> {het.name = "a"}, %b: tensor<1024xf32> {het.name = "b"})
      -> (tensor<1024xf32> {het.name = "y"}) {
    %w = het.constant "w" dense<0.5> : tensor<1024xf32>
    %sum = het.dispatch @add_relu(%a, %b) : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
    %y = het.dispatch @scale(%sum, %w) : (tensor<1024xf32>, tensor<1024xf32>) -> tensor<1024xf32>
    het.return %y : tensor<1024xf32>
  }
}
