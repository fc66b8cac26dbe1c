// The kernel bufferization pass that every target's code generation starts from.
#ifndef HET_COMPILER_BUFFERIZATION_PASSES_TD
#define HET_COMPILER_BUFFERIZATION_PASSES_TD

include "mlir/Pass/PassBase.td"

def HetBufferizeVariants : Pass<"het-bufferize-variants", "mlir::ModuleOp"> {
  let summary = "Bufferizes the kernel of every het.variant body into the out-parameter form of the kernel ABI";
  let description = [{
    For every `het.variant` that holds a body (`module { func.func @k(tensors) -> tensors }`, as het-partition
    makes it), rewrites the kernel on buffers so that it has exactly the form every target lowers:

    ```mlir
    func.func @k(%in0: memref<...>, ..., %out0: memref<...>, ...)
    ```

    - one argument per binding, in binding order: the inputs first (never written: they are marked
      `bufferization.writable = false`, so an op that would write one works on a copy), then one out-parameter
      per result; no results;
    - every memref has a static shape and the identity layout (dense, row-major);
    - a result computed into a fresh buffer is computed straight into its out-parameter (the allocation is
      hoisted away); any other result is copied into it;
    - every copy is a `linalg.copy` (never `memref.copy`, which would need a runtime library);
    - temporaries that remain are `memref.alloc` with a matching `memref.dealloc`; nothing allocated escapes;
    - tensor.concat is first decomposed into tensor.insert_slice ops.

    Steps: concat decomposition, one-shot bufferization with function-boundary bufferization and
    identity-layout function types, promotion of buffer results to out-parameters (hoisting static
    allocations), the upstream buffer deallocation pipeline, then canonicalization and CSE. The output depends
    only on the input.

    Example:

    ```mlir
    func.func @add(%a: tensor<4xf32>, %b: tensor<4xf32>) -> tensor<4xf32> {
      %e = tensor.empty() : tensor<4xf32>
      %r = linalg.add ins(%a, %b : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
      return %r : tensor<4xf32>
    }
    // becomes
    func.func @add(%a: memref<4xf32>, %b: memref<4xf32>, %out: memref<4xf32>) {
      linalg.add ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%out : memref<4xf32>)
      return
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // HET_COMPILER_BUFFERIZATION_PASSES_TD
