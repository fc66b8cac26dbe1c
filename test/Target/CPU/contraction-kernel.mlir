// RUN: het-opt %s --split-input-file --het-partition="targets=cpu cpu-levels=x86-64,x86-64-v3,x86-64-v4" --het-bufferize-variants --het-cpu-codegen -o %t.mlir
// RUN: %python %S/Inputs/write_cpu_image.py %t.mlir matmul cpu_x86_64_v4 %t.v4.so
// RUN: llvm-objdump --no-show-raw-insn -d %t.v4.so | FileCheck %s --check-prefix=V4
// RUN: %python %S/Inputs/write_cpu_image.py %t.mlir matmul cpu_x86_64_v3 %t.v3.so
// RUN: llvm-objdump --no-show-raw-insn -d %t.v3.so | FileCheck %s --check-prefix=V3
// RUN: %python %S/Inputs/write_cpu_image.py %t.mlir matmul cpu_x86_64 %t.base.so
// RUN: llvm-objdump --no-show-raw-insn -d %t.base.so | FileCheck %s --check-prefix=BASE
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul cpu_x86_64 matmul | FileCheck %s --check-prefix=RUN-BASE
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul cpu_x86_64_v3 matmul | FileCheck %s --check-prefix=RUN-V3
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul cpu_x86_64_v4 matmul | FileCheck %s --check-prefix=RUN-V4
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul_tb cpu_x86_64 matmul_transposed_b | FileCheck %s --check-prefix=TB-BASE
// RUN: %python %S/Inputs/run_cpu_kernel.py %t.mlir matmul_tb cpu_x86_64_v4 matmul_transposed_b | FileCheck %s --check-prefix=TB-V4
// RUN: %python %S/Inputs/write_cpu_image.py %t.mlir matmul_tb cpu_x86_64_v4 %t.tb.so
// RUN: llvm-objdump --no-show-raw-insn -d %t.tb.so | FileCheck %s --check-prefix=TB-ASM
// REQUIRES: compiler

// Tests that a matmul becomes a register-blocked micro-kernel of the level's vector width: 512-bit FMAs with
// broadcast row elements on x86-64-v4, 256-bit FMAs on x86-64-v3, and SSE multiplies and adds (no FMA, which
// the baseline lacks) on x86-64; the 70 columns (not a multiple of any block) take the masked tail on AVX-512,
// and every level computes the product over the whole tile range and split in two.

// V4: vbroadcastss
// V4: vfmadd231ps {{.*}}%zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}
// V4: vmovups %zmm{{[0-9]+}}, {{.*}} {%k{{[0-7]}}}

// V3: vbroadcastss
// V3: vfmadd231ps {{.*}}%ymm{{[0-9]+}}, %ymm{{[0-9]+}}, %ymm{{[0-9]+}}
// V3-NOT: zmm

// BASE-NOT: vfmadd
// BASE: mulps
// BASE: addps

// RUN-BASE: PASS matmul cpu_x86_64 grid=
// RUN-V3: PASS matmul cpu_x86_64_v3 grid=
// RUN-V4: PASS matmul cpu_x86_64_v4 grid=

func.func @main(%x: tensor<52x40xf32> {het.name = "x"}, %w: tensor<40x70xf32> {het.name = "w"})
    -> (tensor<52x70xf32> {het.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<52x70xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<52x70xf32>) -> tensor<52x70xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<52x40xf32>, tensor<40x70xf32>)
      outs(%f : tensor<52x70xf32>) -> tensor<52x70xf32> loc("matmul")
  return %mm : tensor<52x70xf32>
}

// -----

// Tests that a product with a transposed right-hand side (Gemm transB) takes the micro-kernel too, its columns
// gathered while packing, the partial column block included.

// TB-ASM: vinsertps
// TB-ASM: vfmadd231ps {{.*}}%zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}

// TB-BASE: PASS matmul_tb cpu_x86_64 grid=
// TB-V4: PASS matmul_tb cpu_x86_64_v4 grid=

func.func @main(%x: tensor<20x24xf32> {het.name = "x"}, %w: tensor<37x24xf32> {het.name = "w"})
    -> (tensor<20x37xf32> {het.name = "y"}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x37xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<20x37xf32>) -> tensor<20x37xf32>
  %mm = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (j, k)>,
                                         affine_map<(i, j, k) -> (i, j)>],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<20x24xf32>, tensor<37x24xf32>) outs(%f : tensor<20x37xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  } -> tensor<20x37xf32> loc("matmul_tb")
  return %mm : tensor<20x37xf32>
}
