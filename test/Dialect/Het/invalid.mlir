// RUN: het-opt %s -split-input-file -verify-diagnostics
// REQUIRES: compiler

// Tests that a CPU target must name a known x86-64 feature level.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown x86-64 feature level "skylake"; expected one of x86-64, x86-64-v2, x86-64-v3, x86-64-v4}}
  het.variant @v target(#het.cpu<"skylake">) format(elf) entry("k") image("elf")
}

// -----

// Tests that a PTX target must name an SM architecture.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{PTX architecture "compute_90" is not of the form sm_<number> with an optional 'a' or 'f' suffix, e.g. sm_80, sm_90a}}
  het.variant @v target(#het.ptx<"compute_90">) format(ptx) entry("k") image("ptx")
}

// -----

// Tests that a PTX architecture needs a number after sm_.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{PTX architecture "sm_a" is not of the form sm_<number>}}
  het.variant @v target(#het.ptx<"sm_a">) format(ptx) entry("k") image("ptx")
}

// -----

// Tests that an HLS target must name a part.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{HLS part must not be empty; give the Xilinx part number, e.g. "xcu250-figd2104-2L-e"}}
  het.variant @v target(#het.hls<"">) format(hls_cpp) entry("k") image("c++")
}

// -----

// Tests that an unknown image format is rejected with the list of known ones.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unknown image format 'spirv'; expected one of elf, ptx, cubin, hls_cpp, hls_csim, xclbin}}
  het.variant @v target(#het.cpu<"x86-64">) format(spirv) entry("k") image("elf")
}

// -----

// Tests that kernel inputs must be ranked tensors.

// expected-error @+1 {{'het.executable' op @k: input #1 has type 'tensor<*xf32>'; kernel bindings must be ranked tensors}}
het.executable @k : (tensor<4xf32>, tensor<*xf32>) -> tensor<4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("elf")
}

// -----

// Tests that kernel results must be ranked tensors.

// expected-error @+1 {{'het.executable' op @k: result #0 has type 'memref<4xf32>'; kernel bindings must be ranked tensors}}
het.executable @k : (tensor<4xf32>) -> memref<4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("elf")
}

// -----

// Tests that a kernel must write at least one tensor.

// expected-error @+1 {{'het.executable' op @k has no results; a kernel must write at least one tensor}}
het.executable @k : (tensor<4xf32>) -> () {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("elf")
}

// -----

// Tests that an executable needs at least one variant.

// expected-error @+1 {{'het.executable' op @k has no variants; it needs at least one het.variant}}
het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
}

// -----

// Tests that an executable holds only variants.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("elf")
  // expected-error @+1 {{'func.func' op is not allowed in het.executable @k, which holds only het.variant ops}}
  func.func private @helper()
}

// -----

// Tests that two variants may not share both target and format.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  het.variant @a target(#het.ptx<"sm_90">) format(ptx) entry("k") image("ptx")
  het.variant @b target(#het.ptx<"sm_90">) format(cubin) entry("k") image("cubin")
  // expected-error @+1 {{'het.variant' op @c repeats @a: both are ptx for #het.ptx<"sm_90">}}
  het.variant @c target(#het.ptx<"sm_90">) format(ptx) entry("k2") image("ptx")
}

// -----

// Tests that variant names are unique within an executable.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{see existing symbol definition here}}
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("elf")
  // expected-error @+1 {{redefinition of symbol named 'v'}}
  het.variant @v target(#het.cpu<"x86-64-v4">) format(elf) entry("k") image("elf")
}

// -----

// Tests that a CPU variant must be an ELF.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: format ptx does not suit target #het.cpu<"x86-64">, which takes elf}}
  het.variant @v target(#het.cpu<"x86-64">) format(ptx) entry("k") image("ptx")
}

// -----

// Tests that a PTX variant must be PTX text or a cubin.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: format xclbin does not suit target #het.ptx<"sm_80">, which takes ptx or cubin}}
  het.variant @v target(#het.ptx<"sm_80">) format(xclbin) entry("k") image("xclbin")
}

// -----

// Tests that an HLS variant must be HLS C++, its host simulation or an xclbin.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: format elf does not suit target #het.hls<"xcu250-figd2104-2L-e">, which takes hls_cpp, hls_csim or xclbin}}
  het.variant @v target(#het.hls<"xcu250-figd2104-2L-e">) format(elf) entry("k") image("elf")
}

// -----

// Tests that the target must be a het target attribute.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{invalid kind of attribute specified}}
  het.variant @v target("x86") format(elf) entry("k") image("elf")
}

// -----

// Tests that a variant needs an entry point.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: entry point must not be empty}}
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("") image("elf")
}

// -----

// Tests that a grid has at most three dimensions.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: grid needs 1 to 3 dimensions, found 4}}
  het.variant @v target(#het.ptx<"sm_90">) format(ptx) entry("k") grid([1, 1, 1, 1]) image("ptx")
}

// -----

// Tests that a block has at least one dimension.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: block needs 1 to 3 dimensions, found 0}}
  het.variant @v target(#het.ptx<"sm_90">) format(ptx) entry("k") block([]) image("ptx")
}

// -----

// Tests that grid sizes must be positive.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: grid dimension #1 is 0; sizes must be positive}}
  het.variant @v target(#het.ptx<"sm_90">) format(ptx) entry("k") grid([4, 0]) image("ptx")
}

// -----

// Tests that block sizes must be positive.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: block dimension #0 is -32; sizes must be positive}}
  het.variant @v target(#het.ptx<"sm_90">) format(ptx) entry("k") block([-32]) image("ptx")
}

// -----

// Tests that only PTX variants take block sizes.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: block sizes apply only to ptx targets, not to hls}}
  het.variant @v target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("k") block([64]) image("c++")
}

// -----

// Tests that a variant without image and body is rejected.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: holds neither an image nor a body; give it image("...") or a region with the kernel's source IR}}
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k")
}

// -----

// Tests that an empty image and an empty body do not count as contents.

het.executable @k : (tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.variant' op @v: holds neither an image nor a body}}
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("") {
  ^bb0:
  }
}

// -----

// Tests that a variant lives only in an executable.

// expected-error @+1 {{'het.variant' op expects parent op 'het.executable'}}
het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("k") image("elf")

// -----

// Tests that a graph needs a body.

// expected-error @+1 {{'het.graph' op @main has no body; a graph needs one block ending in het.return}}
het.graph private @main(tensor<4xf32>) -> tensor<4xf32>

// -----

// Tests that a graph has a single block.

// expected-error @+1 {{'het.graph' op @main must have a single block, found 2}}
het.graph @main() {
  het.return
^bb1:
  het.return
}

// -----

// Tests that a graph body holds only constants, dispatches and a return.

het.graph @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'arith.addf' op is not allowed in het.graph @main, which holds only het.constant, het.dispatch and het.return}}
  %b = arith.addf %a, %a : tensor<4xf32>
  het.return %b : tensor<4xf32>
}

// -----

// Tests that constant names are unique within a graph.

het.graph @main() -> (tensor<2xf32>, tensor<2xf32>) {
  // expected-note @+1 {{first used here}}
  %a = het.constant "w" dense<1.0> : tensor<2xf32>
  // expected-error @+1 {{'het.constant' op name "w" is already used by another constant in @main}}
  %b = het.constant "w" dense<2.0> : tensor<2xf32>
  het.return %a, %b : tensor<2xf32>, tensor<2xf32>
}

// -----

// Tests that a constant needs a name.

het.graph @main() -> tensor<2xf32> {
  // expected-error @+1 {{'het.constant' op name must not be empty; it identifies the constant in the packaged module}}
  %a = het.constant "" dense<1.0> : tensor<2xf32>
  het.return %a : tensor<2xf32>
}

// -----

// Tests that a constant's result has the type of its value.

het.graph @main() -> tensor<3xf32> {
  // expected-error @+1 {{'het.constant' op failed to verify that all of {value, result} have same type}}
  %a = "het.constant"() <{name = "w", value = dense<1.0> : tensor<2xf32>}> : () -> tensor<3xf32>
  het.return %a : tensor<3xf32>
}

// -----

// Tests that a dispatch names an existing symbol.

het.graph @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.dispatch' op callee @missing does not exist}}
  %b = het.dispatch @missing(%a) : (tensor<4xf32>) -> tensor<4xf32>
  het.return %b : tensor<4xf32>
}

// -----

// Tests that a dispatch calls a het.executable, not any symbol.

func.func private @relu(tensor<4xf32>) -> tensor<4xf32>

het.graph @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.dispatch' op callee @relu is not a het.executable but a 'func.func'}}
  %b = het.dispatch @relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
  het.return %b : tensor<4xf32>
}

// -----

// Tests that a dispatch passes as many operands as the kernel takes.

het.executable @relu : (tensor<4xf32>) -> tensor<4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("relu") image("elf")
}

het.graph @main(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.dispatch' op passes 2 operands but @relu takes 1}}
  %b = het.dispatch @relu(%a, %a) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  het.return %b : tensor<4xf32>
}

// -----

// Tests that dispatch operand shapes must match the kernel's.

het.executable @relu : (tensor<?x4xf32>) -> tensor<?x4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("relu") image("elf")
}

het.graph @main(%a: tensor<2x8xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'het.dispatch' op operand #0 has type 'tensor<2x8xf32>' but @relu expects 'tensor<?x4xf32>'}}
  %b = het.dispatch @relu(%a) : (tensor<2x8xf32>) -> tensor<2x4xf32>
  het.return %b : tensor<2x4xf32>
}

// -----

// Tests that dispatch operand element types must match the kernel's.

het.executable @relu : (tensor<4xf32>) -> tensor<4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("relu") image("elf")
}

het.graph @main(%a: tensor<4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.dispatch' op operand #0 has type 'tensor<4xf16>' but @relu expects 'tensor<4xf32>'}}
  %b = het.dispatch @relu(%a) : (tensor<4xf16>) -> tensor<4xf32>
  het.return %b : tensor<4xf32>
}

// -----

// Tests that a dispatch has as many results as the kernel writes.

het.executable @split : (tensor<4xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("split") image("elf")
}

het.graph @main(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'het.dispatch' op has 1 results but @split produces 2}}
  %b = het.dispatch @split(%a) : (tensor<4xf32>) -> tensor<2xf32>
  het.return %b : tensor<2xf32>
}

// -----

// Tests that dispatch result types must match the kernel's.

het.executable @relu : (tensor<4xf32>) -> tensor<4xf32> {
  het.variant @v target(#het.cpu<"x86-64">) format(elf) entry("relu") image("elf")
}

het.graph @main(%a: tensor<4xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{'het.dispatch' op result #0 has type 'tensor<4xi32>' but @relu produces 'tensor<4xf32>'}}
  %b = het.dispatch @relu(%a) : (tensor<4xf32>) -> tensor<4xi32>
  het.return %b : tensor<4xi32>
}

// -----

// Tests that a dispatch works on tensors only.

het.graph @main(%a: memref<4xf32>) {
  // expected-error @+1 {{'het.dispatch' op operand #0 must be variadic of ranked tensor of any type values, but got 'memref<4xf32>'}}
  het.dispatch @relu(%a) : (memref<4xf32>) -> ()
  het.return
}

// -----

// Tests that a return gives as many values as the graph has results.

het.graph @main(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{'het.return' op returns 1 values but @main has 2 results}}
  het.return %a : tensor<4xf32>
}

// -----

// Tests that returned values have the graph's result types.

het.graph @main(%a: tensor<?xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'het.return' op operand #0 has type 'tensor<?xf32>' but @main returns 'tensor<4xf32>'}}
  het.return %a : tensor<?xf32>
}

// -----

// Tests that het.return ends only a graph.

func.func @f() {
  // expected-error @+1 {{'het.return' op expects parent op 'het.graph'}}
  het.return
}
