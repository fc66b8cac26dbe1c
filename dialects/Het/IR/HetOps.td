// The het ops: kernels with per-target variants, and the host graph.
#ifndef HET_DIALECT_HET_IR_HETOPS_TD
#define HET_DIALECT_HET_IR_HETOPS_TD

include "dialects/Het/IR/HetAttrs.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/FunctionInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

class Het_Op<string mnemonic, list<Trait> traits = []>
    : Op<Het_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Kernels
//===----------------------------------------------------------------------===//

def Het_ExecutableOp : Het_Op<"executable", [
    Symbol, SymbolTable, IsolatedFromAbove, SingleBlock, NoTerminator]> {
  let summary = "One kernel and the forms it is compiled to";
  let description = [{
    A kernel as the host sees it: its buffer signature and one `het.variant`
    per device form. Inputs of `function_type` are the buffers the kernel
    reads, results the buffers it writes; all are ranked tensors, whose
    dimensions may be dynamic. The optional `cost` states the work of one
    invocation.

    Variants must differ in target or format: the runtime picks one of them by
    device, so two identical ones would be ambiguous.

    Example:

    ```mlir
    het.executable @add_relu : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
        attributes {cost = #het.cost<flops = 2048, bytes_read = 8192, bytes_written = 4096>} {
      het.variant @x86 target(#het.cpu<"x86-64-v4">) format(elf) entry("add_relu") image("\7FELF...")
      het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add_relu")
          grid([4, 1, 1]) block([256, 1, 1]) image(".version 8.0 ...")
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<Het_CostAttr>:$cost);
  let regions = (region SizedRegion<1>:$bodyRegion);
  let assemblyFormat = [{
    $sym_name `:` $function_type attr-dict-with-keyword $bodyRegion
  }];
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    auto getVariants() { return getBody()->getOps<::het::VariantOp>(); }
  }];
}

def Het_VariantOp : Het_Op<"variant", [
    HasParent<"ExecutableOp">, Symbol, IsolatedFromAbove, NoTerminator,
    OpAsmOpInterface]> {
  let summary = "One compiled, or to be compiled, form of a kernel";
  let description = [{
    The kernel of the enclosing `het.executable` for one `target` in one image
    `format`. `entry_point` is the symbol the runtime launches in the image.
    `grid` (1 to 3 positive sizes) is the number of work groups, `block` the
    threads per group of a PTX kernel.

    A variant holds its `image` (PTX text, HLS C++, the bytes of an ELF or
    cubin as an escaped string), or a region with the kernel's source IR
    (usually a `builtin.module`) that code generation has yet to compile, or
    both.

    The format must suit the target: `elf` for cpu; `ptx` or `cubin` for
    ptx; `hls_cpp`, `hls_csim` or `xclbin` for hls.

    Example:

    ```mlir
    het.variant @sm_90 target(#het.ptx<"sm_90">) format(ptx) entry("add_relu")
        grid([4, 1, 1]) block([256, 1, 1]) image(".version 8.0 ...")
    het.variant @x86 target(#het.cpu<"x86-64-v3">) format(elf) entry("add_relu") {
      module {
        func.func @add_relu(%a: tensor<32x32xf32>) -> tensor<32x32xf32> { ... }
      }
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       Het_TargetAttrInterface:$target,
                       Het_ImageFormatAttr:$format,
                       StrAttr:$entry_point,
                       OptionalAttr<DenseI64ArrayAttr>:$grid,
                       OptionalAttr<DenseI64ArrayAttr>:$block,
                       OptionalAttr<StrAttr>:$image);
  let regions = (region MaxSizedRegion<1>:$body);
  let assemblyFormat = [{
    $sym_name `target` `(` $target `)` `format` `(` custom<ImageFormat>($format) `)`
    `entry` `(` $entry_point `)`
    (`grid` `(` $grid^ `)`)?
    (`block` `(` $block^ `)`)?
    (`image` `(` $image^ `)`)?
    attr-dict-with-keyword ($body^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    // The body is usually one builtin.module, which then reads as `module`.
    static ::llvm::StringRef getDefaultDialect() { return "builtin"; }
  }];
}

//===----------------------------------------------------------------------===//
// Host graph
//===----------------------------------------------------------------------===//

def Het_GraphOp : Het_Op<"graph", [FunctionOpInterface, IsolatedFromAbove]> {
  let summary = "The host graph: which kernels run on which tensors";
  let description = [{
    The program the host runs, written like a `func.func`: its arguments are
    the model inputs, its results the model outputs. The body is one block of
    `het.constant` (weights), `het.dispatch` (kernel invocations) and a final
    `het.return`; the runtime schedules the dispatches by their data
    dependences.

    Example:

    ```mlir
    het.graph @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
      %w = het.constant "fc1.weight" dense<1.0> : tensor<4x4xf32>
      %y = het.dispatch @matmul(%x, %w) : (tensor<1x4xf32>, tensor<4x4xf32>) -> tensor<1x4xf32>
      het.return %y : tensor<1x4xf32>
    }
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       TypeAttrOf<FunctionType>:$function_type,
                       OptionalAttr<StrAttr>:$sym_visibility,
                       OptionalAttr<DictArrayAttr>:$arg_attrs,
                       OptionalAttr<DictArrayAttr>:$res_attrs);
  let regions = (region AnyRegion:$body);
  let hasCustomAssemblyFormat = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    ::mlir::Region *getCallableRegion() {
      return isExternal() ? nullptr : &getBody();
    }
    ::llvm::ArrayRef<::mlir::Type> getArgumentTypes() {
      return getFunctionType().getInputs();
    }
    ::llvm::ArrayRef<::mlir::Type> getResultTypes() {
      return getFunctionType().getResults();
    }
  }];
}

def Het_ConstantOp : Het_Op<"constant", [
    Pure, AllTypesMatch<["value", "result"]>]> {
  let summary = "A named tensor constant, usually a weight";
  let description = [{
    A tensor known at compile time. `name` identifies it in the packaged
    module (e.g. the ONNX initializer it came from), so it must not be empty
    and is unique within a graph.

    Example:

    ```mlir
    %w = het.constant "fc1.weight" dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, ElementsAttr:$value);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$name $value attr-dict";
  let hasVerifier = 1;
}

def Het_DispatchOp : Het_Op<"dispatch", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "Runs a kernel on tensors";
  let description = [{
    Invokes the `het.executable` named by `callee` on one of its variants,
    chosen at run time. Operands and results must match the executable's
    signature in number, element type and shape, where a dynamic dimension of
    either side matches any size.

    Example:

    ```mlir
    %r = het.dispatch @add_relu(%a, %b) : (tensor<32x32xf32>, tensor<32x32xf32>) -> tensor<32x32xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee,
                       Variadic<AnyRankedTensor>:$operands);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let assemblyFormat = [{
    $callee `(` $operands `)` attr-dict `:` functional-type($operands, $results)
  }];
}

def Het_ReturnOp : Het_Op<"return", [
    Pure, HasParent<"GraphOp">, ReturnLike, Terminator]> {
  let summary = "Returns the graph's results";
  let description = [{
    Ends a `het.graph`; its operands are the graph's results and must have
    the graph's result types.

    Example:

    ```mlir
    het.return %y : tensor<1x4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$operands);
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
  let assemblyFormat = "attr-dict ($operands^ `:` type($operands))?";
  let hasVerifier = 1;
}

#endif // HET_DIALECT_HET_IR_HETOPS_TD
