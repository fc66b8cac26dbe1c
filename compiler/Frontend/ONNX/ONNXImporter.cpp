// Loads an ONNX model (binary or text), runs ONNX's checker and shape inference, and walks the graph through the
// converter table into func.func @main.
#include "ONNXImporter.h"

#include "ConstantFolding.h"
#include "ConverterRegistry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Regex.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/onnx_pb.h>
#include <onnx/shape_inference/implementation.h>

#include <cstring>
#include <exception>
#include <functional>

using namespace mlir;

namespace het::frontend {

bool isFloatDType(int32_t dtype) { return dtype == kFloat || dtype == kDouble || isHalfDType(dtype); }

bool isHalfDType(int32_t dtype) { return dtype == kFloat16 || dtype == kBFloat16; }

bool isUnsignedDType(int32_t dtype) {
  return dtype == kUInt8 || dtype == kUInt16 || dtype == kUInt32 || dtype == kUInt64;
}

StringRef dtypeName(int32_t dtype) {
  if (!onnx::TensorProto_DataType_IsValid(dtype))
    return "unknown";
  static const std::string names[] = {"undefined", "float",  "uint8",     "int8",       "uint16",  "int16",
                                      "int32",     "int64",  "string",    "bool",       "float16", "double",
                                      "uint32",    "uint64", "complex64", "complex128", "bfloat16"};
  return dtype < static_cast<int32_t>(std::size(names)) ? StringRef(names[dtype]) : StringRef("unknown");
}

Type elementTypeOf(int32_t dtype, MLIRContext *context) {
  Builder b(context);
  switch (dtype) {
  case kFloat:
    return b.getF32Type();
  case kDouble:
    return b.getF64Type();
  case kFloat16:
    return b.getF16Type();
  case kBFloat16:
    return b.getBF16Type();
  case kBool:
    return b.getI1Type();
  case kInt8:
  case kUInt8:
    return b.getI8Type();
  case kInt16:
  case kUInt16:
    return b.getI16Type();
  case kInt32:
  case kUInt32:
    return b.getI32Type();
  case kInt64:
  case kUInt64:
    return b.getI64Type();
  default:
    return nullptr;
  }
}

/// The values a node sees by ONNX name: those of its graph, then (in a subgraph) those of the enclosing graphs.
class ValueTable {
public:
  /// Imports a subgraph on the given input values in a scope inside `outer`, returning the graph's outputs.
  using GraphImporter = std::function<FailureOr<SmallVector<OnnxValue>>(const onnx::GraphProto &graph,
                                                                        StringRef scopeName, ArrayRef<OnnxValue> inputs,
                                                                        ValueTable &outer, ImplicitLocOpBuilder &b)>;

  explicit ValueTable(ValueTable *parent = nullptr)
      : parent(parent), importGraph(parent ? parent->importGraph : GraphImporter()) {}

  const OnnxValue *find(StringRef name) const { return findIn(&ValueTable::values, name); }
  const OnnxSequence *findSequence(StringRef name) const { return findIn(&ValueTable::sequences, name); }
  bool contains(StringRef name) const { return find(name) || findSequence(name); }

  llvm::StringMap<OnnxValue> values;
  llvm::StringMap<OnnxSequence> sequences;
  ValueTable *parent;
  GraphImporter importGraph;

private:
  template <typename T> const T *findIn(llvm::StringMap<T> ValueTable::*map, StringRef name) const {
    for (const ValueTable *table = this; table; table = table->parent) {
      auto it = (table->*map).find(name);
      if (it != (table->*map).end())
        return &it->second;
    }
    return nullptr;
  }
};

namespace {

constexpr StringLiteral kSupportedDTypes =
    "float, double, float16, bfloat16, int8, uint8, int16, uint16, int32, uint32, int64, uint64, bool";

template <typename T> SmallVector<T> readTensorData(const onnx::TensorProto &tensor, int64_t count) {
  SmallVector<T> data(count);
  if (tensor.has_raw_data()) {
    // ONNX stores raw data little-endian, as this host is.
    std::memcpy(data.data(), tensor.raw_data().data(), count * sizeof(T));
    return data;
  }
  auto copy = [&](const auto &field) {
    for (int64_t i = 0; i < count; ++i)
      data[i] = static_cast<T>(field.Get(i));
  };
  switch (tensor.data_type()) {
  case kFloat:
    copy(tensor.float_data());
    break;
  case kDouble:
    copy(tensor.double_data());
    break;
  case kInt64:
    copy(tensor.int64_data());
    break;
  case kUInt32:
  case kUInt64:
    copy(tensor.uint64_data());
    break;
  default:
    copy(tensor.int32_data());
    break;
  }
  return data;
}

int64_t typedFieldSize(const onnx::TensorProto &tensor) {
  switch (tensor.data_type()) {
  case kFloat:
    return tensor.float_data_size();
  case kDouble:
    return tensor.double_data_size();
  case kInt64:
    return tensor.int64_data_size();
  case kUInt32:
  case kUInt64:
    return tensor.uint64_data_size();
  default:
    return tensor.int32_data_size();
  }
}

/// A TensorProto (initializer or Constant value) as a dense attribute of the frontend's element type.
FailureOr<DenseElementsAttr> tensorToAttribute(const onnx::TensorProto &tensor, Location loc, StringRef what) {
  MLIRContext *context = loc.getContext();
  int32_t dtype = tensor.data_type();
  Type elementType = elementTypeOf(dtype, context);
  if (!elementType)
    return emitError(loc) << what << " has element type " << dtypeName(dtype) << "; supported: " << kSupportedDTypes;
  if (tensor.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError(loc) << what << " keeps its data in an external file, which is not supported";
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return emitError(loc) << what << " has a negative dimension";
    count *= dim;
  }
  auto type = RankedTensorType::get(shape, elementType);
  unsigned byteWidth = dtype == kBool ? 1 : elementType.getIntOrFloatBitWidth() / 8;
  int64_t available =
      tensor.has_raw_data() ? static_cast<int64_t>(tensor.raw_data().size()) / byteWidth : typedFieldSize(tensor);
  if (available != count)
    return emitError(loc) << what << " holds " << available << " elements but its shape needs " << count;
  switch (dtype) {
  case kFloat:
    return DenseElementsAttr::get(type, ArrayRef(readTensorData<float>(tensor, count)));
  case kDouble:
    return DenseElementsAttr::get(type, ArrayRef(readTensorData<double>(tensor, count)));
  case kFloat16:
  case kBFloat16: {
    // Both keep their bits in the low 16 bits of int32_data, or two bytes each in raw_data.
    SmallVector<uint16_t> bits = readTensorData<uint16_t>(tensor, count);
    return DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef(reinterpret_cast<const char *>(bits.data()), bits.size() * sizeof(uint16_t)));
  }
  case kBool: {
    SmallVector<uint8_t> bytes = readTensorData<uint8_t>(tensor, count);
    SmallVector<bool> bits(bytes.begin(), bytes.end());
    return DenseElementsAttr::get(type, ArrayRef(bits));
  }
  case kInt8:
  case kUInt8:
    return DenseElementsAttr::get(type, ArrayRef(readTensorData<int8_t>(tensor, count)));
  case kInt16:
  case kUInt16:
    return DenseElementsAttr::get(type, ArrayRef(readTensorData<int16_t>(tensor, count)));
  case kInt32:
  case kUInt32:
    return DenseElementsAttr::get(type, ArrayRef(readTensorData<int32_t>(tensor, count)));
  default:
    return DenseElementsAttr::get(type, ArrayRef(readTensorData<int64_t>(tensor, count)));
  }
}

std::string formatShape(ArrayRef<int64_t> shape) {
  std::string text = "[";
  for (auto [i, dim] : llvm::enumerate(shape))
    text += (i ? ", " : "") + std::to_string(dim);
  return text + "]";
}

/// Finds the line of each node in a textual model, so diagnostics point at it: the first line (after the
/// previous node's) naming the node's op type and first output.
SmallVector<unsigned> findNodeLines(StringRef text, const onnx::GraphProto &graph) {
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  SmallVector<unsigned> nodeLines;
  size_t cursor = 0;
  for (const onnx::NodeProto &node : graph.node()) {
    unsigned found = 0;
    for (size_t line = cursor; line < lines.size() && node.output_size() > 0; ++line) {
      StringRef content = lines[line].split('#').first;
      if (content.contains(node.op_type()) && content.contains(node.output(0))) {
        found = line + 1;
        cursor = line + 1;
        break;
      }
    }
    nodeLines.push_back(found);
  }
  return nodeLines;
}

class Importer {
public:
  Importer(StringRef path, MLIRContext &context, const ImportOptions &options)
      : path(path.str()), context(context), options(options), fileLoc(FileLineColLoc::get(&context, path, 0, 0)) {}

  OwningOpRef<ModuleOp> run();

private:
  LogicalResult load();
  LogicalResult applyInputConstants();
  LogicalResult applyInputShapes();
  LogicalResult checkAndInferShapes();
  FailureOr<RankedTensorType> graphInputType(const onnx::ValueInfoProto &input);
  LogicalResult convertNode(const onnx::NodeProto &node, StringRef displayName, Location nodeFileLoc,
                            OpBuilder &builder, ValueTable &scope);
  FailureOr<SmallVector<OnnxValue>> importSubgraph(const onnx::GraphProto &graph, StringRef scopeName,
                                                   ArrayRef<OnnxValue> inputs, ValueTable &outer,
                                                   ImplicitLocOpBuilder &b);
  LogicalResult checkAgainstInferredType(const onnx::NodeProto &node, NodeContext &ctx, OnnxValue value,
                                         StringRef name);

  std::string path;
  MLIRContext &context;
  const ImportOptions &options;
  Location fileLoc;
  onnx::ModelProto model;
  std::string text;
  SmallVector<unsigned> nodeLines;
  llvm::StringMap<const onnx::TypeProto *> inferredTypes;
  llvm::StringMap<int64_t> opsets;
  llvm::StringSet<> graphOutputs;
  ValueTable table;
};

LogicalResult Importer::load() {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return emitError(fileLoc) << "cannot read the model: " << buffer.getError().message();
  StringRef bytes = (*buffer)->getBuffer();
  if (StringRef(path).ends_with(".onnxtxt")) {
    text = bytes.str();
    onnx::Status status;
    try {
      status = onnx::OnnxParser::Parse(model, text.c_str());
    } catch (const std::exception &error) {
      return emitError(fileLoc) << "cannot parse the textual ONNX model: " << error.what();
    }
    if (!status.IsOK()) {
      std::string message = status.ErrorMessage();
      SmallVector<StringRef> position;
      llvm::Regex where("line: ([0-9]+) column: ([0-9]+)");
      Location loc = fileLoc;
      unsigned line = 0, column = 0;
      if (where.match(message, &position) && !position[1].getAsInteger(10, line) &&
          !position[2].getAsInteger(10, column))
        loc = FileLineColLoc::get(&context, path, line, column);
      return emitError(loc) << "cannot parse the textual ONNX model: " << message;
    }
    nodeLines = findNodeLines(text, model.graph());
    return success();
  }
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return emitError(fileLoc) << "not a binary ONNX model (protobuf parsing failed); textual models need the "
                                 ".onnxtxt extension";
  return success();
}

LogicalResult Importer::applyInputConstants() {
  for (const auto &entry : options.inputConstants) {
    StringRef name = entry.getKey();
    const std::string &file = entry.getValue();
    onnx::ValueInfoProto *target = nullptr;
    for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input())
      if (input.name() == name)
        target = &input;
    if (!target)
      return emitError(fileLoc) << "--input-constant names '" << name << "', which is not a graph input";
    auto buffer = llvm::MemoryBuffer::getFile(file);
    onnx::TensorProto tensor;
    if (!buffer)
      return emitError(fileLoc) << "--input-constant " << name << ": cannot read " << file << ": "
                                << buffer.getError().message();
    if (!tensor.ParseFromArray((*buffer)->getBufferStart(), static_cast<int>((*buffer)->getBufferSize())))
      return emitError(fileLoc) << "--input-constant " << name << ": " << file << " is not an ONNX TensorProto";
    int32_t declared = target->type().tensor_type().elem_type();
    if (declared != tensor.data_type())
      return emitError(fileLoc) << "--input-constant " << name << ": " << file << " holds "
                                << dtypeName(tensor.data_type()) << ", the input is " << dtypeName(declared);
    tensor.set_name(name.str());
    onnx::TensorShapeProto *shape = target->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->clear_dim();
    for (int64_t dim : tensor.dims())
      shape->add_dim()->set_dim_value(dim);
    auto *initializers = model.mutable_graph()->mutable_initializer();
    auto existing = llvm::find_if(*initializers, [&](const onnx::TensorProto &t) { return t.name() == name; });
    if (existing != initializers->end())
      *existing = std::move(tensor);
    else
      *initializers->Add() = std::move(tensor);
  }
  return success();
}

LogicalResult Importer::applyInputShapes() {
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &initializer : model.graph().initializer())
    initializers.insert(initializer.name());
  for (const auto &entry : options.inputShapes) {
    StringRef name = entry.getKey();
    ArrayRef<int64_t> dims = entry.getValue();
    onnx::ValueInfoProto *target = nullptr;
    std::string inputs;
    for (onnx::ValueInfoProto &input : *model.mutable_graph()->mutable_input()) {
      if (initializers.contains(input.name()))
        continue;
      inputs += (inputs.empty() ? "" : ", ") + input.name();
      if (input.name() == name)
        target = &input;
    }
    if (!target)
      return emitError(fileLoc) << "--input-shape names '" << name
                                << "', which is not a graph input; inputs: " << inputs;
    if (!target->type().has_tensor_type())
      return emitError(fileLoc) << "--input-shape names '" << name << "', which is not a tensor";
    onnx::TypeProto_Tensor *tensorType = target->mutable_type()->mutable_tensor_type();
    if (tensorType->has_shape()) {
      const onnx::TensorShapeProto &declared = tensorType->shape();
      if (declared.dim_size() != static_cast<int>(dims.size()))
        return emitError(fileLoc) << "--input-shape gives " << dims.size() << " dims for '" << name
                                  << "', whose rank is " << declared.dim_size();
      for (auto [i, dim] : llvm::enumerate(dims)) {
        const onnx::TensorShapeProto_Dimension &old = declared.dim(i);
        if (old.has_dim_value() && old.dim_value() != dim)
          return emitError(fileLoc) << "--input-shape sets dim " << i << " of '" << name << "' to " << dim
                                    << ", but the model fixes it to " << old.dim_value();
      }
    }
    onnx::TensorShapeProto *shape = tensorType->mutable_shape();
    shape->clear_dim();
    for (int64_t dim : dims)
      shape->add_dim()->set_dim_value(dim);
  }
  return success();
}

LogicalResult Importer::checkAndInferShapes() {
  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &error) {
    return emitError(fileLoc) << "invalid ONNX model: " << error.what();
  }
  // Exporters of opsets before 9 wrote int64 Constants (shapes for Reshape) that Constant-1 did not allow yet, and
  // ONNX Runtime runs them; for those models the schemas' type constraints are not checked, and the converters'
  // own dtype checks stand in for them.
  int64_t defaultOpset = 0;
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    if (opset.domain().empty() || opset.domain() == "ai.onnx")
      defaultOpset = opset.version();
  try {
    onnx::ShapeInferenceOptions inference(/*check_type_val=*/defaultOpset >= 9, /*strict_mode_val=*/1,
                                          /*data_prop_val=*/true);
    onnx::shape_inference::InferShapes(model, onnx::OpSchemaRegistry::Instance(), inference);
  } catch (const std::exception &error) {
    return emitError(fileLoc) << "ONNX shape inference failed: " << error.what();
  }
  const onnx::GraphProto &graph = model.graph();
  for (const auto *list : {&graph.input(), &graph.value_info(), &graph.output()})
    for (const onnx::ValueInfoProto &info : *list)
      inferredTypes[info.name()] = &info.type();
  for (const onnx::ValueInfoProto &output : graph.output())
    graphOutputs.insert(output.name());
  for (const onnx::OperatorSetIdProto &opset : model.opset_import())
    opsets[opset.domain() == "ai.onnx" ? "" : opset.domain()] = opset.version();
  return success();
}

FailureOr<RankedTensorType> Importer::graphInputType(const onnx::ValueInfoProto &input) {
  StringRef name = input.name();
  if (!input.type().has_tensor_type())
    return emitError(fileLoc) << "graph input '" << name << "' is not a tensor (sequences, maps and optionals are "
                              << "not supported)";
  const onnx::TypeProto_Tensor &tensorType = input.type().tensor_type();
  Type elementType = elementTypeOf(tensorType.elem_type(), &context);
  if (!elementType)
    return emitError(fileLoc) << "graph input '" << name << "' has element type " << dtypeName(tensorType.elem_type())
                              << "; supported: " << kSupportedDTypes;
  if (!tensorType.has_shape())
    return emitError(fileLoc) << "graph input '" << name << "' has no shape: give one with --input-shape " << name
                              << "=DIMxDIMx...";
  SmallVector<int64_t> shape;
  std::string suggestion;
  int dynamicDim = -1;
  for (auto [i, dim] : llvm::enumerate(tensorType.shape().dim())) {
    bool known = dim.has_dim_value();
    if (!known && dynamicDim < 0)
      dynamicDim = i;
    shape.push_back(known ? dim.dim_value() : 1);
    suggestion += (i ? "x" : "") + std::to_string(shape.back());
  }
  if (dynamicDim >= 0) {
    const auto &dim = tensorType.shape().dim(dynamicDim);
    auto diagnostic = emitError(fileLoc) << "graph input '" << name << "' has a dynamic dimension " << dynamicDim;
    if (dim.has_dim_param())
      diagnostic << " ('" << dim.dim_param() << "')";
    diagnostic << ": fix its shape with --input-shape " << name << "=" << suggestion;
    return diagnostic;
  }
  return RankedTensorType::get(shape, elementType);
}

LogicalResult Importer::checkAgainstInferredType(const onnx::NodeProto &node, NodeContext &ctx, OnnxValue value,
                                                 StringRef name) {
  const onnx::TypeProto *inferred = inferredTypes.lookup(name);
  if (!inferred || !inferred->has_tensor_type())
    return success();
  const onnx::TypeProto_Tensor &tensorType = inferred->tensor_type();
  // A graph output's type is the model's declaration; any other is ONNX shape inference's, and a disagreement
  // there is a converter bug.
  StringRef source = graphOutputs.contains(name) ? "the model declares" : "(internal error) ONNX shape inference gives";
  if (tensorType.elem_type() != kUndefined && tensorType.elem_type() != value.dtype)
    return ctx.emitError() << "output '" << name << "' has element type " << dtypeName(value.dtype) << ", but "
                           << source << " " << dtypeName(tensorType.elem_type());
  if (!tensorType.has_shape())
    return success();
  SmallVector<int64_t> shape;
  for (const auto &dim : tensorType.shape().dim()) {
    if (!dim.has_dim_value())
      return success();
    shape.push_back(dim.dim_value());
  }
  if (ArrayRef<int64_t>(shape) != value.shape())
    return ctx.emitError() << "output '" << name << "' has shape " << formatShape(value.shape()) << ", but " << source
                           << " " << formatShape(shape);
  return success();
}

LogicalResult Importer::convertNode(const onnx::NodeProto &node, StringRef displayName, Location nodeFileLoc,
                                    OpBuilder &builder, ValueTable &table) {
  Location loc = NameLoc::get(StringAttr::get(&context, displayName), nodeFileLoc);
  std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
  int64_t opset = opsets.lookup(domain);
  ImplicitLocOpBuilder b(loc, builder);
  NodeContext ctx(node, displayName, opset, b, table);
  if (!domain.empty() && options.convertCustomNode) {
    // No ONNX schema describes the node: outputs take the model's declared types, else the first input's.
    CustomNode custom{domain, node.op_type(), displayName.str(), {}, {}, {}};
    for (unsigned i = 0; i < ctx.numInputs(); ++i) {
      if (!ctx.hasInput(i))
        return ctx.emitError() << "input " << i << " is left out; custom ops take every input";
      custom.inputs.push_back(ctx.input(i).value);
    }
    if (custom.inputs.empty())
      return ctx.emitError() << "a custom op needs at least one input";
    SmallVector<int32_t> dtypes;
    for (const std::string &output : node.output()) {
      Type type = custom.inputs.front().getType();
      dtypes.push_back(ctx.input(0).dtype);
      if (const onnx::TypeProto *declared = inferredTypes.lookup(output);
          declared && declared->has_tensor_type() && declared->tensor_type().has_shape()) {
        SmallVector<int64_t> shape;
        for (const auto &dim : declared->tensor_type().shape().dim())
          shape.push_back(dim.has_dim_value() ? dim.dim_value() : ShapedType::kDynamic);
        if (Type element = elementTypeOf(declared->tensor_type().elem_type(), &context);
            element && !ShapedType::isDynamicShape(shape)) {
          type = RankedTensorType::get(shape, element);
          dtypes.back() = declared->tensor_type().elem_type();
        }
      }
      custom.outputTypes.push_back(type);
    }
    for (const onnx::AttributeProto &attribute : node.attribute()) {
      if (attribute.type() == onnx::AttributeProto::INT)
        custom.attributes.push_back(b.getNamedAttr(attribute.name(), b.getI64IntegerAttr(attribute.i())));
      else if (attribute.type() == onnx::AttributeProto::FLOAT)
        custom.attributes.push_back(b.getNamedAttr(attribute.name(), b.getF32FloatAttr(attribute.f())));
    }
    FailureOr<SmallVector<Value>> results = options.convertCustomNode(custom, builder, loc);
    if (failed(results))
      return failure();
    for (auto [i, result] : llvm::enumerate(*results))
      ctx.setOutput(i, {result, dtypes[i]});
    return success();
  }
  if (!domain.empty() && domain != kPreviewTrainingDomain)
    return ctx.emitError() << "operator domain '" << domain << "' is not supported; the frontend converts the default "
                           << "ONNX domain and " << kPreviewTrainingDomain << " (see hetcc --print-supported-ops)";
  const ConverterEntry *entry = domain.empty() ? findConverter(node.op_type()) : findTrainingConverter(node.op_type());
  if (!entry)
    return ctx.emitError() << "unsupported operator '" << node.op_type()
                           << "'; hetcc --print-supported-ops lists the supported ones";
  if (opset < entry->sinceVersion || opset > entry->untilVersion)
    return ctx.emitError() << "opset " << opset << " is not supported for " << node.op_type() << "; supported: opsets "
                           << entry->sinceVersion << " to " << entry->untilVersion;
  for (const std::string &input : node.input())
    if (!input.empty() && !table.contains(input))
      return ctx.emitError() << "input '" << input << "' is not defined before this node";
  Block *block = builder.getInsertionBlock();
  Operation *last = block->empty() ? nullptr : &block->back();
  if (failed(entry->convert(ctx)))
    return failure();
  Operation *first = last ? last->getNextNode() : (block->empty() ? nullptr : &block->front());
  DenseMap<Value, Value> folded = foldConstantOps(first);
  for (const std::string &output : node.output()) {
    auto it = table.values.find(output);
    if (it != table.values.end())
      if (Value replacement = folded.lookup(it->second.value))
        it->second.value = replacement;
  }
  for (auto [i, output] : llvm::enumerate(node.output())) {
    if (output.empty())
      continue;
    if (table.sequences.count(output))
      continue;
    auto it = table.values.find(output);
    if (it == table.values.end())
      return ctx.emitError() << "output " << i << " ('" << output << "') is not supported by this converter; "
                             << "leave it out of the model";
    if (failed(checkAgainstInferredType(node, ctx, it->second, output)))
      return failure();
  }
  return success();
}

FailureOr<SmallVector<OnnxValue>> Importer::importSubgraph(const onnx::GraphProto &graph, StringRef scopeName,
                                                           ArrayRef<OnnxValue> inputs, ValueTable &outer,
                                                           ImplicitLocOpBuilder &b) {
  assert(static_cast<size_t>(graph.input_size()) == inputs.size() && "the caller checks the subgraph's arity");
  // The subgraph's nodes point at the line of the node that holds it.
  Location nodeFileLoc = b.getLoc();
  if (auto named = dyn_cast<NameLoc>(nodeFileLoc))
    nodeFileLoc = named.getChildLoc();
  ValueTable scope(&outer);
  for (auto [input, value] : llvm::zip(graph.input(), inputs))
    scope.values[input.name()] = value;
  for (const onnx::TensorProto &initializer : graph.initializer()) {
    FailureOr<DenseElementsAttr> value = tensorToAttribute(
        initializer, b.getLoc(), "subgraph '" + scopeName.str() + "' initializer '" + initializer.name() + "'");
    if (failed(value))
      return failure();
    scope.values[initializer.name()] = {arith::ConstantOp::create(b, *value), initializer.data_type()};
  }
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::string name =
        scopeName.str() + "/" + (node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name());
    if (failed(convertNode(node, name, nodeFileLoc, b, scope)))
      return failure();
  }
  SmallVector<OnnxValue> outputs;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (scope.findSequence(output.name()))
      return emitError(b.getLoc()) << "subgraph '" << scopeName << "': output '" << output.name()
                                   << "' is a sequence or optional; subgraphs pass tensors only";
    const OnnxValue *value = scope.find(output.name());
    if (!value)
      return emitError(b.getLoc()) << "subgraph '" << scopeName << "': output '" << output.name()
                                   << "' is never computed";
    outputs.push_back(*value);
  }
  return outputs;
}

OwningOpRef<ModuleOp> Importer::run() {
  context.loadDialect<func::FuncDialect, arith::ArithDialect, linalg::LinalgDialect, tensor::TensorDialect,
                      math::MathDialect>();
  if (failed(load()) || failed(applyInputConstants()) || failed(applyInputShapes()) || failed(checkAndInferShapes()))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();

  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &initializer : graph.initializer())
    initializers.insert(initializer.name());
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    if (initializers.contains(input.name()))
      continue;
    FailureOr<RankedTensorType> type = graphInputType(input);
    if (failed(type))
      return nullptr;
    argTypes.push_back(*type);
    args.push_back(&input);
  }

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  OpBuilder builder(&context);
  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, "main", builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToEnd(body);
  for (auto [i, input] : llvm::enumerate(args)) {
    int32_t dtype = input->type().tensor_type().elem_type();
    table.values[input->name()] = {body->getArgument(i), dtype};
    func.setArgAttr(i, "het.name", builder.getStringAttr(input->name()));
    if (isUnsignedDType(dtype))
      func.setArgAttr(i, "het.dtype", builder.getStringAttr(dtypeName(dtype)));
  }
  for (const onnx::TensorProto &initializer : graph.initializer()) {
    Location loc = NameLoc::get(builder.getStringAttr(initializer.name()), fileLoc);
    FailureOr<DenseElementsAttr> value =
        tensorToAttribute(initializer, loc, "initializer '" + initializer.name() + "'");
    if (failed(value))
      return nullptr;
    table.values[initializer.name()] = {arith::ConstantOp::create(builder, loc, *value), initializer.data_type()};
  }
  table.importGraph = [this](const onnx::GraphProto &subgraph, StringRef scopeName, ArrayRef<OnnxValue> inputs,
                             ValueTable &outer,
                             ImplicitLocOpBuilder &b) { return importSubgraph(subgraph, scopeName, inputs, outer, b); };
  for (auto [index, node] : llvm::enumerate(graph.node())) {
    std::string displayName = node.name().empty() ? node.op_type() + "_" + std::to_string(index) : node.name();
    unsigned line = index < nodeLines.size() ? nodeLines[index] : 0;
    if (failed(convertNode(node, displayName, FileLineColLoc::get(&context, path, line, line ? 1 : 0), builder, table)))
      return nullptr;
  }

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const onnx::ValueInfoProto &output : graph.output()) {
    if (table.sequences.count(output.name())) {
      emitError(fileLoc) << "graph output '" << output.name() << "' is a sequence or optional; graph outputs are "
                         << "tensors";
      return nullptr;
    }
    auto it = table.values.find(output.name());
    if (it == table.values.end()) {
      emitError(fileLoc) << "graph output '" << output.name() << "' is never computed";
      return nullptr;
    }
    results.push_back(it->second.value);
    resultTypes.push_back(it->second.value.getType());
  }
  func::ReturnOp::create(builder, fileLoc, results);
  // Folding leaves the ops it replaced, and what fed only them, without uses.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "het.name", builder.getStringAttr(output.name()));
    int32_t dtype = table.values.lookup(output.name()).dtype;
    if (isUnsignedDType(dtype))
      func.setResultAttr(i, "het.dtype", builder.getStringAttr(dtypeName(dtype)));
  }
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

} // namespace

StringRef NodeContext::opType() const { return node.op_type(); }

InFlightDiagnostic NodeContext::emitError() {
  return mlir::emitError(b.getLoc()) << "node '" << displayName << "' (" << node.op_type() << ", opset " << opsetVersion
                                     << "): ";
}

unsigned NodeContext::numInputs() const { return node.input_size(); }

bool NodeContext::hasInput(unsigned index) const {
  return index < static_cast<unsigned>(node.input_size()) && !node.input(index).empty();
}

OnnxValue NodeContext::input(unsigned index) const {
  assert(hasInput(index) && "optional input read without checking");
  return *values.find(node.input(index));
}

const OnnxSequence *NodeContext::sequenceInput(unsigned index) const {
  return hasInput(index) ? values.findSequence(node.input(index)) : nullptr;
}

unsigned NodeContext::numOutputs() const { return node.output_size(); }

bool NodeContext::hasOutput(unsigned index) const {
  return index < static_cast<unsigned>(node.output_size()) && !node.output(index).empty();
}

void NodeContext::setOutput(unsigned index, OnnxValue value) {
  assert(value.value && elementTypeOf(value.dtype, context()) && "outputs carry a supported dtype");
  if (hasOutput(index))
    values.values[node.output(index)] = value;
}

void NodeContext::setSequenceOutput(unsigned index, OnnxSequence sequence) {
  if (hasOutput(index))
    values.sequences[node.output(index)] = std::move(sequence);
}

FailureOr<DenseElementsAttr> NodeContext::constantInput(unsigned index, StringRef what) {
  if (auto constant = input(index).value.getDefiningOp<arith::ConstantOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      return dense;
  auto diagnostic = emitError() << "input " << index << " (" << what << ") must be a constant: an initializer or "
                                << "computed from constants only (Constant, Shape, and arithmetic on them)";
  if (std::optional<std::string> graphInput = firstGraphInputOf(input(index).value))
    diagnostic << "; graph input '" << *graphInput << "'"
               << (*graphInput == node.input(index) ? "" : ", which it depends on,")
               << " can be bound at compile time with --input-constant " << *graphInput << "=FILE.pb";
  return diagnostic;
}

std::optional<std::string> NodeContext::firstGraphInputOf(Value value) const {
  SmallVector<Value> worklist = {value};
  llvm::DenseSet<Value> seen;
  while (!worklist.empty()) {
    Value current = worklist.pop_back_val();
    if (!seen.insert(current).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(current)) {
      if (!isa<func::FuncOp>(arg.getOwner()->getParentOp()))
        continue;
      for (const ValueTable *table = &values; table; table = table->parent)
        for (const auto &entry : table->values)
          if (entry.getValue().value == current)
            return entry.getKey().str();
      continue;
    }
    // Operands of nested ops count too: a linalg body reads tensors captured from outside.
    current.getDefiningOp()->walk([&](Operation *op) { llvm::append_range(worklist, op->getOperands()); });
  }
  return std::nullopt;
}

FailureOr<SmallVector<int64_t>> NodeContext::constantIntsInput(unsigned index, StringRef what) {
  FailureOr<DenseElementsAttr> dense = constantInput(index, what);
  if (failed(dense))
    return failure();
  if (!dense->getElementType().isInteger())
    return emitError() << "input " << index << " (" << what << ") must hold integers";
  SmallVector<int64_t> result;
  bool isUnsigned = isUnsignedDType(input(index).dtype);
  for (const APInt &value : dense->getValues<APInt>())
    result.push_back(isUnsigned ? static_cast<int64_t>(value.getZExtValue()) : value.getSExtValue());
  return result;
}

const onnx::AttributeProto *NodeContext::findAttribute(StringRef name) const {
  for (const onnx::AttributeProto &attribute : node.attribute())
    if (attribute.name() == name)
      return &attribute;
  return nullptr;
}

bool NodeContext::hasAttribute(StringRef name) const { return findAttribute(name) != nullptr; }

int64_t NodeContext::intAttribute(StringRef name, int64_t defaultValue) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  return attribute ? attribute->i() : defaultValue;
}

float NodeContext::floatAttribute(StringRef name, float defaultValue) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  return attribute ? attribute->f() : defaultValue;
}

std::string NodeContext::stringAttribute(StringRef name, StringRef defaultValue) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  return attribute ? attribute->s() : defaultValue.str();
}

std::optional<SmallVector<int64_t>> NodeContext::intsAttribute(StringRef name) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  if (!attribute)
    return std::nullopt;
  return SmallVector<int64_t>(attribute->ints().begin(), attribute->ints().end());
}

std::optional<SmallVector<float>> NodeContext::floatsAttribute(StringRef name) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  if (!attribute)
    return std::nullopt;
  return SmallVector<float>(attribute->floats().begin(), attribute->floats().end());
}

std::optional<SmallVector<std::string>> NodeContext::stringsAttribute(StringRef name) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  if (!attribute)
    return std::nullopt;
  return SmallVector<std::string>(attribute->strings().begin(), attribute->strings().end());
}

FailureOr<OnnxValue> NodeContext::tensorAttributeConstant(StringRef name) {
  const onnx::AttributeProto *attribute = findAttribute(name);
  assert(attribute && attribute->has_t() && "caller checks the attribute");
  FailureOr<DenseElementsAttr> dense =
      tensorToAttribute(attribute->t(), b.getLoc(),
                        "node '" + displayName + "' (" + node.op_type() + ", opset " + std::to_string(opsetVersion) +
                            "): attribute '" + name.str() + "'");
  if (failed(dense))
    return failure();
  return OnnxValue{arith::ConstantOp::create(b, *dense), attribute->t().data_type()};
}

SmallVector<std::string> NodeContext::attributeNames() const {
  SmallVector<std::string> names;
  for (const onnx::AttributeProto &attribute : node.attribute())
    names.push_back(attribute.name());
  return names;
}

std::optional<std::pair<unsigned, unsigned>> NodeContext::subgraphSignature(StringRef name) const {
  const onnx::AttributeProto *attribute = findAttribute(name);
  if (!attribute || !attribute->has_g())
    return std::nullopt;
  return std::make_pair(static_cast<unsigned>(attribute->g().input_size()),
                        static_cast<unsigned>(attribute->g().output_size()));
}

FailureOr<SmallVector<OnnxValue>> NodeContext::importSubgraph(StringRef name, ArrayRef<OnnxValue> inputs,
                                                              StringRef instance) {
  const onnx::AttributeProto *attribute = findAttribute(name);
  assert(attribute && attribute->has_g() && "caller checks the subgraph with subgraphSignature");
  const onnx::GraphProto &graph = attribute->g();
  if (static_cast<size_t>(graph.input_size()) != inputs.size())
    return emitError() << "subgraph '" << name << "' takes " << graph.input_size() << " inputs; the node gives it "
                       << inputs.size();
  std::string scopeName = displayName + "/" + name.str() + instance.str();
  assert(values.importGraph && "subgraphs are imported from nodes of the model, not from convertOp's inner nodes");
  return values.importGraph(graph, scopeName, inputs, values, b);
}

FailureOr<SmallVector<OnnxValue>> NodeContext::convertOp(StringRef opType, ArrayRef<OnnxValue> inputs,
                                                         unsigned numResults, ArrayRef<OpAttribute> attributes) {
  const ConverterEntry *entry = findConverter(opType);
  assert(entry && "composite ops are built from registered ops");
  onnx::NodeProto inner;
  inner.set_op_type(opType.str());
  // The inner node's names start with '#', which no ONNX name written by an exporter does, and its scope sees
  // only them.
  ValueTable scope;
  for (auto [i, value] : llvm::enumerate(inputs)) {
    std::string name = value.value ? "#in" + std::to_string(i) : "";
    inner.add_input(name);
    if (value.value)
      scope.values[name] = value;
  }
  for (unsigned i = 0; i < numResults; ++i)
    inner.add_output("#out" + std::to_string(i));
  for (const OpAttribute &attribute : attributes) {
    onnx::AttributeProto *proto = inner.add_attribute();
    proto->set_name(attribute.name);
    if (const int64_t *integer = std::get_if<int64_t>(&attribute.value)) {
      proto->set_type(onnx::AttributeProto::INT);
      proto->set_i(*integer);
    } else if (const float *real = std::get_if<float>(&attribute.value)) {
      proto->set_type(onnx::AttributeProto::FLOAT);
      proto->set_f(*real);
    } else if (const std::string *text = std::get_if<std::string>(&attribute.value)) {
      proto->set_type(onnx::AttributeProto::STRING);
      proto->set_s(*text);
    } else {
      proto->set_type(onnx::AttributeProto::INTS);
      for (int64_t integer : std::get<SmallVector<int64_t>>(attribute.value))
        proto->add_ints(integer);
    }
  }
  NodeContext nested(inner, displayName + "/" + opType.str(), kNewestOpset, b, scope);
  if (failed(entry->convert(nested)))
    return failure();
  SmallVector<OnnxValue> results;
  for (unsigned i = 0; i < numResults; ++i) {
    const OnnxValue *result = scope.find("#out" + std::to_string(i));
    assert(result && "the converter sets every output it is asked for");
    results.push_back(*result);
  }
  return results;
}

LogicalResult NodeContext::requireDType(unsigned index, ArrayRef<int32_t> accepted) {
  int32_t dtype = input(index).dtype;
  if (llvm::is_contained(accepted, dtype))
    return success();
  auto diagnostic = emitError() << "input " << index << " has element type " << dtypeName(dtype) << "; accepted: ";
  for (auto [i, type] : llvm::enumerate(accepted))
    diagnostic << (i ? ", " : "") << dtypeName(type);
  return diagnostic;
}

FailureOr<int64_t> NodeContext::normalizeAxis(int64_t axis, int64_t rank, StringRef what) {
  if (axis < -rank || axis >= rank)
    return emitError() << what << " " << axis << " is out of range for rank " << rank << " (accepted: " << -rank
                       << " to " << rank - 1 << ")";
  return axis < 0 ? axis + rank : axis;
}

OwningOpRef<ModuleOp> importONNXFile(StringRef path, MLIRContext &context, const ImportOptions &options) {
  Importer importer(path, context, options);
  return importer.run();
}

bool parseInputShape(StringRef text, ImportOptions &options, std::string &error) {
  auto [name, dims] = text.rsplit('=');
  if (!text.contains('=') || name.empty()) {
    error = "--input-shape expects NAME=DIMxDIMx... (e.g. input=1x3x224x224), got '" + text.str() + "'";
    return false;
  }
  SmallVector<int64_t> shape;
  if (!dims.empty()) {
    SmallVector<StringRef> parts;
    dims.split(parts, 'x');
    for (StringRef part : parts) {
      int64_t dim = 0;
      if (part.getAsInteger(10, dim) || dim < 0) {
        error = "--input-shape " + text.str() + ": '" + part.str() +
                "' is not a dimension (non-negative integers separated by 'x')";
        return false;
      }
      shape.push_back(dim);
    }
  }
  options.inputShapes[name] = shape;
  return true;
}

bool parseInputConstant(StringRef text, ImportOptions &options, std::string &error) {
  auto [name, file] = text.split('=');
  if (name.empty() || file.empty()) {
    error = "--input-constant expects NAME=FILE.pb (an ONNX TensorProto), got '" + text.str() + "'";
    return false;
  }
  options.inputConstants[name] = file.str();
  return true;
}

} // namespace het::frontend
