// The passes of the HLS target: kernel variants to Vitis HLS C++ and C-simulation objects.
#ifndef HET_COMPILER_TARGET_HLS_PASSES_TD
#define HET_COMPILER_TARGET_HLS_PASSES_TD

include "mlir/Pass/PassBase.td"

def HetHLSCodegen : Pass<"het-hls-codegen", "mlir::ModuleOp"> {
  let summary = "Compiles the HLS variants of every het.executable to Vitis HLS C++, C-simulation objects and xclbins";
  let description = [{
    For every `het.variant` with target `#het.hls<...>` and a body (a
    `builtin.module` holding `func.func @<kernel>` on static memrefs, one
    argument per binding, reads then writes, no results):

    - format `hls_cpp`: lowers the body to loops and prints it as a Vitis HLS
      top function `extern "C" void <entry>(const float *in0, ..., float *out0)`
      with an `m_axi` interface per pointer, `s_axilite` control, flattened
      row-major indexing, `#pragma HLS PIPELINE II=1` on innermost loops and
      temporaries as fixed-size local arrays (`max-temporary-bytes` in all at
      most). The file includes only `<cstdint>` and `<cmath>`.
    - format `hls_csim`: the same source for the top function named by the
      sibling `hls_cpp` variant (else the entry without its `_csim` suffix),
      plus `extern "C" void <entry>(void **buffers)` calling it, compiled by
      `host-cxx` into a shared object; compiler errors fail the pass with the
      compiler's output.

    The image is set and the body erased.

    When Vitis `v++` is found (`vpp-path`, else PATH) and `xclbin` is set, each
    hls_cpp variant's source is also compiled (`v++ -c -t hw --platform P -k
    <top>`) into a kernel object, and all of them are linked (`v++ -l -t hw
    --platform P`) into one xclbin, since a card holds one xclbin at a time.
    Each hls_cpp variant gets a sibling `@<name>_xclbin` of format `xclbin`
    with that image and its top function as entry; a v++ failure fails the
    pass with v++'s output. Without v++ no xclbin variant is added.

    Example:

    ```mlir
    het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("k") {
      module { func.func @k(%a: memref<16xf32>, %out: memref<16xf32>) { ... } }
    }
    // becomes
    het.variant @hls target(#het.hls<"xcu250-figd2104-2L-e">) format(hls_cpp) entry("k")
        image("#include <cmath>\0A#include <cstdint>\0A ... extern \"C\" void k(const float *in0, float *out0) {...")
    ```
  }];
  let options = [
    Option<"hostCxx", "host-cxx", "std::string", /*default=*/"\"clang++-22\"",
           "Host C++ compiler for the C-simulation objects (a path or a name on PATH)">,
    Option<"hostOptLevel", "host-opt-level", "std::string", /*default=*/"\"-O2\"",
           "Optimization flag for the C-simulation objects">,
    Option<"maxTemporaryBytes", "max-temporary-bytes", "int64_t", /*default=*/"1048576",
           "Largest total size of a kernel's temporaries (on-chip arrays)">,
    Option<"vppPath", "vpp-path", "std::string", /*default=*/"\"\"",
           "Vitis v++ to build xclbins with (default: v++ on PATH; none found: no xclbin)">,
    Option<"emitXclbin", "xclbin", "bool", /*default=*/"true",
           "Add an xclbin variant beside each HLS C++ variant when v++ is found">,
    Option<"platform", "platform", "std::string", /*default=*/"\"xilinx_u250_gen3x16_xdma_4_1_202210_1\"",
           "Vitis platform the xclbins are built for (v++ --platform)">,
  ];
}

#endif // HET_COMPILER_TARGET_HLS_PASSES_TD
