// The attribute interface every het target attribute implements.
#ifndef HET_DIALECT_HET_IR_HETINTERFACES_TD
#define HET_DIALECT_HET_IR_HETINTERFACES_TD

include "mlir/IR/OpBase.td"

def Het_TargetAttrInterface : AttrInterface<"TargetAttrInterface"> {
  let cppNamespace = "::het";
  let description = [{
    A device a `het.variant` is compiled for. The kind ("cpu", "ptx", "hls")
    picks the runtime driver; the image formats are the ones that driver can
    load, so a variant's format is checked against its target without the
    variant knowing every target.
  }];
  let methods = [
    InterfaceMethod<
      "Returns the kind of device: \"cpu\", \"ptx\" or \"hls\".",
      "::llvm::StringRef", "getTargetKind">,
    InterfaceMethod<
      "Returns the image formats a variant for this target may carry.",
      "::llvm::ArrayRef<::het::ImageFormat>", "getImageFormats">,
  ];
}

#endif // HET_DIALECT_HET_IR_HETINTERFACES_TD
