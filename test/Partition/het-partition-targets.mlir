// RUN: het-opt %s --het-partition="targets=ptx,hls cuda-archs=sm_90 fpga-part=xcvu9p-flga2104-2-i" | FileCheck %s
// RUN: het-opt %s --het-partition | FileCheck %s --check-prefix=DEFAULT
// REQUIRES: compiler

// Tests that each requested target gets its variants, each holding a clone of the kernel, and that the HLS
// C-simulation variant's entry is the kernel name with _csim; without options, all three targets get theirs.

// CHECK-LABEL: het.executable @scale
// CHECK-NOT:     target(#het.cpu
// CHECK:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("scale") {
// CHECK:           func.func @scale(
// CHECK:         het.variant @hls target(#het.hls<"xcvu9p-flga2104-2-i">) format(hls_cpp) entry("scale") {
// CHECK:           func.func @scale(
// CHECK:         het.variant @hls_csim target(#het.hls<"xcvu9p-flga2104-2-i">) format(hls_csim) entry("scale_csim") {
// CHECK:           func.func @scale(

// DEFAULT-LABEL: het.executable @scale
// DEFAULT:         het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("scale")
// DEFAULT:         het.variant @cpu_x86_64_v4 target(#het.cpu<"x86-64-v4">) format(elf) entry("scale")
// DEFAULT:         het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("scale")
// DEFAULT:         het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("scale")
// DEFAULT:         het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("scale")
// DEFAULT:         het.variant @hls_csim target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_csim) entry("scale_csim")
func.func @main(%x: tensor<8xf32> {het.name = "x"}) -> (tensor<8xf32> {het.name = "y"}) {
  %two = arith.constant dense<2.0> : tensor<8xf32>
  %y = arith.mulf %x, %two : tensor<8xf32> loc("scale")
  return %y : tensor<8xf32>
}
