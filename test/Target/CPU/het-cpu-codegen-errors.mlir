// RUN: het-opt %s --split-input-file --het-cpu-codegen --verify-diagnostics
// RUN: not het-opt %s --het-cpu-codegen="linker=/nonexistent/ld.lld" 2>&1 | FileCheck %s --check-prefix=LINKER
// REQUIRES: compiler

// Tests that a body still on tensors is rejected, pointing at het-bufferize-variants.

// LINKER: error: 'het.variant' op cannot run linker '/nonexistent/ld.lld'; give het-cpu-codegen{linker=PATH} an executable ld.lld
het.executable @neg : (tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{'het.variant' op @cpu: @neg must take static identity-layout memrefs and return nothing; run het-bufferize-variants first}}
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("neg") {
    module {
      func.func @neg(%x: tensor<8xf32>) -> tensor<8xf32> {
        %e = tensor.empty() : tensor<8xf32>
        %r = linalg.negf ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
        return %r : tensor<8xf32>
      }
    }
  }
}

// -----

// Tests that a body without the entry function is rejected.

het.executable @missing : (tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @below {{'het.variant' op @cpu: body has no func.func @missing to compile}}
  het.variant @cpu target(#het.cpu<"x86-64">) format(elf) entry("missing") {
    module {
      func.func @other(%x: memref<8xf32>, %out: memref<8xf32>) {
        return
      }
    }
  }
}
