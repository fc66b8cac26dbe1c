// The het dialect definition shared by its TableGen files.
#ifndef HET_DIALECT_HET_IR_HETBASE_TD
#define HET_DIALECT_HET_IR_HETBASE_TD

include "mlir/IR/OpBase.td"

def Het_Dialect : Dialect {
  let name = "het";
  let cppNamespace = "::het";
  let summary = "Kernels compiled for several devices and the host graph that runs them";
  let description = [{
    The het dialect describes a model after partitioning: each kernel is a
    `het.executable` holding one `het.variant` per device it can run on (CPU
    shared objects, NVIDIA PTX/cubin, FPGA HLS C++, its host simulation build or
    an xclbin), and a `het.graph` says in which order the host dispatches the
    kernels on which tensors. The packaging step turns a het module into a
    `.hetbin` that the runtime loads.
  }];
  let useDefaultAttributePrinterParser = 1;
}

#endif // HET_DIALECT_HET_IR_HETBASE_TD
