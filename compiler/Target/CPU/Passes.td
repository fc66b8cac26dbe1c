// The passes of the CPU target: kernel variants to x86-64 ELF shared objects.
#ifndef HET_COMPILER_TARGET_CPU_PASSES_TD
#define HET_COMPILER_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def HetCPUCodegen : Pass<"het-cpu-codegen", "mlir::ModuleOp"> {
  let summary = "Compiles the cpu variants of every het.executable to x86-64 ELF shared objects";
  let description = [{
    For every `het.variant` with target `#het.cpu<"LEVEL">`, format `elf` and a bufferized body (as
    het-bufferize-variants leaves it: `func.func @<entry>(memref bindings...)`, no results), compiles the
    body into a position-independent shared object exporting the tile entry of docs/kernel-abi.md

    ```c
    void <entry>(void **buffers, int64_t tile_begin, int64_t tile_end);
    ```

    sets the variant's `image` to the object's bytes and `grid` to its number of tiles, and erases the body.

    Tiles: when the body's top level is linalg ops (plus constants, views and allocations) that share one
    parallel loop dimension of the same extent N, which every op indexes plainly and at the same position of
    every buffer written inside the kernel, that dimension is cut into `grid[0]` chunks of whole iterations
    (enough work per chunk that a tile is not tiny); a tile range restricts every op to its chunks through
    subviews, so any partition of `[0, grid[0])` computes the same result. Any other body has `grid = [1]`.

    Contractions: an f32 op computing `out += a * b` whose output and one input walk the output's last loop
    dimension contiguously (matmul, batch matmul, Gemm, the heads of attention, stride-1 convolution) becomes
    cache-blocked loops around a register-blocked outer-product micro-kernel in the vector dialect: rows x
    (vectors x lanes) accumulators held in registers over a reduction block, one vector load per vector and one
    broadcast per row per step, `vector.fma` where the level has FMA. Lanes follow the level (16 for x86-64-v4, 8
    for -v3, 4 below), so variants of different widths are lowered separately; a matmul's right-hand side is
    packed panel by panel into a stack buffer (gathered when transposed); the last partial column block uses masked loads and stores; tiles
    that cut the rows hold whole register blocks; a zero fill of the output right before is folded into zero
    accumulators. docs/performance.md describes the design and its numbers.

    Lowering: linalg to loops, then scf/cf, memref, arith, math and func to the LLVM dialect (math without an
    LLVM intrinsic calls libm), LLVM IR, LLVM's O3 pipeline (loop and SLP vectorization) and an object for
    x86-64 with `-mcpu=LEVEL` (x86-64, x86-64-v2, x86-64-v3, x86-64-v4, the psABI levels), linked by
    `ld.lld -shared` in a private temporary directory that is always removed. The variants of one executable
    with equal bodies share one lowering; each level has one TargetMachine for the whole pass.

    Example:

    ```mlir
    het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("k") {
      module { func.func @k(%a: memref<64x32xf32>, %out: memref<64x32xf32>) { ... } }
    }
    // becomes
    het.variant @cpu_x86_64 target(#het.cpu<"x86-64">) format(elf) entry("k") grid([64]) image("\7FELF...")
    ```
  }];
  let options = [
    Option<"linkerPath", "linker", "std::string", /*default=*/"\"\"",
           "ld.lld to link shared objects with (default: ld.lld-22, then ld.lld on PATH or in LLVM's bin)">,
    Option<"minTileWork", "min-tile-work", "int64_t", /*default=*/"32768",
           "Iterations times body ops below which tiles are merged into one">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect", "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect", "::mlir::cf::ControlFlowDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // HET_COMPILER_TARGET_CPU_PASSES_TD
