// RUN: rm -f %t.hetbin
// RUN: not hetcc %s -o %t.hetbin 2>&1 | FileCheck %s
// RUN: not test -e %t.hetbin
// RUN: not hetcc %s -o %t.hetbin --target=hls 2>&1 | FileCheck %s --check-prefix=NOVARIANT
// RUN: not hetcc %S/Inputs/missing.mlir -o %t.hetbin 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not hetcc %s 2>&1 | FileCheck %s --check-prefix=NOOUT
// RUN: not hetcc %s -o %t.hetbin --target=gpu 2>&1 | FileCheck %s --check-prefix=BADTARGET
// REQUIRES: compiler

// Tests that hetcc reports a variant whose body holds no kernel at its location, writes no output file, and explains
// bad command lines.

// CHECK: errors.mlir:[[@LINE+6]]:5: error: 'het.variant' op @cpu: body has no func.func @k to compile
// NOVARIANT: errors.mlir:[[@LINE+4]]:3: error: executable @k has no variant left for the requested targets
// MISSING: missing.mlir
// NOOUT: no output file: pass -o OUT.hetbin
// BADTARGET: --target: gpu not in {cpu,ptx,hls}
  het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
    het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("k") {
      module {}
    }
  }
  het.graph @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %y = het.dispatch @k(%x) : (tensor<4xf32>) -> tensor<4xf32>
    het.return %y : tensor<4xf32>
  }
