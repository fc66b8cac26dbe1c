// The het attributes: device targets, image format and kernel cost.
#ifndef HET_DIALECT_HET_IR_HETATTRS_TD
#define HET_DIALECT_HET_IR_HETATTRS_TD

include "dialects/Het/IR/HetBase.td"
include "dialects/Het/IR/HetInterfaces.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Image format
//===----------------------------------------------------------------------===//

def Het_ImageFormatElf : I32EnumCase<"Elf", 0, "elf">;
def Het_ImageFormatPtx : I32EnumCase<"Ptx", 1, "ptx">;
def Het_ImageFormatCubin : I32EnumCase<"Cubin", 2, "cubin">;
def Het_ImageFormatHlsCpp : I32EnumCase<"HlsCpp", 3, "hls_cpp">;
def Het_ImageFormatHlsCsim : I32EnumCase<"HlsCsim", 4, "hls_csim">;
def Het_ImageFormatXclbin : I32EnumCase<"Xclbin", 5, "xclbin">;

def Het_ImageFormat : I32Enum<"ImageFormat", "format of a variant's image", [
    Het_ImageFormatElf, Het_ImageFormatPtx, Het_ImageFormatCubin,
    Het_ImageFormatHlsCpp, Het_ImageFormatHlsCsim, Het_ImageFormatXclbin]> {
  let cppNamespace = "::het";
}

def Het_ImageFormatAttr : EnumAttr<Het_Dialect, Het_ImageFormat, "format"> {
  let summary = "Format of a variant's image";
  let description = [{
    What the bytes of a `het.variant` image are, which decides how the runtime
    loads them:

    - `elf`: a CPU ELF shared object;
    - `ptx`: PTX text, JIT-compiled by the CUDA driver;
    - `cubin`: a CUDA binary for one SM architecture;
    - `hls_cpp`: Vitis HLS C++ source, the input of FPGA synthesis;
    - `hls_csim`: that HLS source compiled for the host (a shared object), to
      run the FPGA kernel in C simulation;
    - `xclbin`: a Xilinx FPGA bitstream container.

    In op syntax it is a bare keyword: `format(ptx)`; on its own it reads
    `#het.format<ptx>`.
  }];
  let assemblyFormat = "`<` $value `>`";
}

//===----------------------------------------------------------------------===//
// Targets
//===----------------------------------------------------------------------===//

class Het_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Het_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

class Het_TargetAttr<string name, string attrMnemonic>
    : Het_Attr<name, attrMnemonic, [
        DeclareAttrInterfaceMethods<Het_TargetAttrInterface>]> {
  let genVerifyDecl = 1;
}

def Het_CPUTargetAttr : Het_TargetAttr<"CPUTarget", "cpu"> {
  let summary = "An x86-64 CPU of a given micro-architecture feature level";
  let description = [{
    The variant runs on the host CPU; `featureLevel` is the x86-64
    micro-architecture level the code was compiled for ("x86-64",
    "x86-64-v2", "x86-64-v3" or "x86-64-v4"), so the runtime can pick the best
    variant the machine supports.

    Example:

    ```mlir
    #het.cpu<"x86-64-v4">
    ```
  }];
  let parameters = (ins StringRefParameter<"x86-64 feature level">:$featureLevel);
  let assemblyFormat = "`<` $featureLevel `>`";
}

def Het_PTXTargetAttr : Het_TargetAttr<"PTXTarget", "ptx"> {
  let summary = "An NVIDIA GPU of a given SM architecture";
  let description = [{
    The variant runs on an NVIDIA GPU; `arch` is the SM architecture
    ("sm_80", "sm_90", "sm_90a", ...) the PTX or cubin was generated for.

    Example:

    ```mlir
    #het.ptx<"sm_90">
    ```
  }];
  let parameters = (ins StringRefParameter<"SM architecture">:$arch);
  let assemblyFormat = "`<` $arch `>`";
}

def Het_HLSTargetAttr : Het_TargetAttr<"HLSTarget", "hls"> {
  let summary = "A Xilinx FPGA part, targeted through Vitis HLS";
  let description = [{
    The variant runs on an FPGA (or in its C simulation on the host); `part`
    is the Xilinx part number HLS synthesizes for.

    Example:

    ```mlir
    #het.hls<"xcu250-figd2104-2L-e">
    ```
  }];
  let parameters = (ins StringRefParameter<"Xilinx part number">:$part);
  let assemblyFormat = "`<` $part `>`";
}

//===----------------------------------------------------------------------===//
// Cost
//===----------------------------------------------------------------------===//

def Het_CostAttr : Het_Attr<"Cost", "cost"> {
  let summary = "Work and traffic of one kernel invocation";
  let description = [{
    Floating-point operations and bytes moved by one invocation of a kernel,
    the facts the partitioner and the runtime scheduler weigh devices by.

    Example:

    ```mlir
    #het.cost<flops = 2048, bytes_read = 8192, bytes_written = 4096>
    ```
  }];
  let parameters = (ins "uint64_t":$flops, "uint64_t":$bytesRead,
                        "uint64_t":$bytesWritten);
  let assemblyFormat = [{
    `<` `flops` `=` $flops `,` `bytes_read` `=` $bytesRead `,`
        `bytes_written` `=` $bytesWritten `>`
  }];
}

#endif // HET_DIALECT_HET_IR_HETATTRS_TD
