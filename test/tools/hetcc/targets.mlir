// RUN: hetcc %s -o %t.hetbin --target=hls,cpu
// RUN: hetbin-dump %t.hetbin | FileCheck %s
// RUN: hetcc %s --emit=partitioned --target=ptx | FileCheck %s --check-prefix=MLIR
// REQUIRES: compiler

// Tests that --target keeps only the variants of the requested targets, in the .hetbin and in --emit=partitioned.

// CHECK-LABEL: kernels (1):
// CHECK:       variant cpu
// CHECK-NOT:   variant sm_80
// CHECK:       variant hls
// CHECK-LABEL: graph

// MLIR-LABEL: het.executable @k
// MLIR-NOT:   #het.cpu
// MLIR:       #het.ptx<"sm_80">
// MLIR-NOT:   #het.hls
module {
  het.executable @k : (tensor<4xi8>) -> tensor<4xi8> {
    het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("k") image("ELF")
    het.variant @sm_80 target(#het.ptx<"sm_80">) format(ptx) entry("k") image("PTX")
    het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("k") image("HLS")
  }
  het.graph @main(%x: tensor<4xi8>) -> tensor<4xi8> {
    %y = het.dispatch @k(%x) : (tensor<4xi8>) -> tensor<4xi8>
    het.return %y : tensor<4xi8>
  }
}
