// The partitioning pass: a model's @main into kernels (het.executable) and a host graph (het.graph).
#ifndef HET_COMPILER_PARTITION_PASSES_TD
#define HET_COMPILER_PARTITION_PASSES_TD

include "mlir/Pass/PassBase.td"

def HetPartition : Pass<"het-partition", "mlir::ModuleOp"> {
  let summary = "Splits func.func @main into het.executable kernels and a het.graph";
  let description = [{
    Takes a module whose `func.func @main` works on static-shaped tensors
    (linalg, tensor, arith and math ops, `arith.constant` tensors) and whose
    arguments and results carry `{het.name = "..."}`, and rewrites it into one
    `het.executable` per kernel plus `het.graph @main`.

    1. Elementwise arith/math on tensors become linalg.generic, named
       elementwise linalg ops (no reduction loops, except `linalg.fill`) are
       generalized, and producer/consumer elementwise generics are fused
       (upstream elementwise fusion, a producer is fused when it has one
       use). Matmuls, convolutions and pooling ops stay named.
    2. Every remaining op with tensor results is an anchor and becomes one
       kernel, except ops cheap to recompute, which are cloned into each
       kernel that uses them instead: `tensor.empty`, scalar ops, splat
       constants of at most 1024 elements and other constants of at most 16,
       `linalg.fill` used only as the destination (init) of other ops, and the
       view-like reshapes `tensor.collapse_shape`, `tensor.expand_shape`,
       `tensor.reshape` and `tensor.cast`. Such an op returned by @main
       directly is an anchor of its own. Larger constants become
       `het.constant` (named by their NameLoc, else `constant<N>`; names made
       unique) and are passed to kernels as operands.
    3. A kernel `func.func @<name>` takes the tensors it reads from outside
       (graph inputs, constants, other kernels' results) in the order its ops
       first use them, and returns the anchor's results. It is named after
       the anchor's ONNX node (its NameLoc, sanitized to `[A-Za-z0-9_]`) or
       else `<op name>_<kernel index>` (`matmul_0`, `generic_3`), made unique.
    4. Every executable gets one variant per requested target, each holding
       `module { <clone of the kernel> }`: cpu: format elf per level
       (`@cpu_x86_64`, `@cpu_x86_64_v4`); ptx: format ptx per arch (`@sm_80`);
       hls: `@hls` (format hls_cpp, entry `<kernel>`) and `@hls_csim` (format
       hls_csim, entry `<kernel>_csim`). Its cost is
       `#het.cost<flops, bytes_read, bytes_written>`: per linalg op the
       product of its loop ranges times the ops in its body (a multiply-add
       counts 2), and the byte sizes of its bindings.
    5. A graph result that is a graph input or a constant is returned by
       `het.return` directly, without a kernel: the runtime copies it.

    Example:

    ```mlir
    func.func @main(%x: tensor<4x8xf32> {het.name = "x"}) -> (tensor<4x4xf32> {het.name = "y"}) {
      %w = arith.constant dense<...> : tensor<8x4xf32> loc("fc.weight")
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<4x4xf32>
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
      %y = linalg.matmul ins(%x, %w : ...) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
      return %y : tensor<4x4xf32>
    }
    // becomes
    het.executable @matmul_0 : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
        attributes {cost = #het.cost<flops = 256, bytes_read = 256, bytes_written = 64>} {
      het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("matmul_0") {
        module { func.func @matmul_0(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> { ... } }
      }
      ...
    }
    het.graph @main(%x: tensor<4x8xf32> {het.name = "x"}) -> (tensor<4x4xf32> {het.name = "y"}) {
      %w = het.constant "fc.weight" dense<...> : tensor<8x4xf32>
      %y = het.dispatch @matmul_0(%x, %w) : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
      het.return %y : tensor<4x4xf32>
    }
    ```
  }];
  let options = [
    ListOption<"targets", "targets", "std::string",
               "Targets to make variants for: cpu, ptx, hls (default: all three)">,
    ListOption<"cpuLevels", "cpu-levels", "std::string",
               "x86-64 feature levels of the cpu variants: x86-64, x86-64-v2, x86-64-v3, x86-64-v4 "
               "(default: x86-64,x86-64-v4, the baseline and the widest)">,
    ListOption<"cudaArchs", "cuda-archs", "std::string",
               "SM architectures of the ptx variants (default: sm_80,sm_90)">,
    Option<"fpgaPart", "fpga-part", "std::string", /*default=*/"\"xcu250-figd2104-2L-e\"",
           "FPGA part of the hls variants">,
  ];
  let dependentDialects = [
    "::het::HetDialect", "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // HET_COMPILER_PARTITION_PASSES_TD
