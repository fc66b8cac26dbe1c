// The het attributes and the target attribute interface.
#ifndef HET_DIALECT_HET_IR_HETATTRS_H
#define HET_DIALECT_HET_IR_HETATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include "dialects/Het/IR/HetEnums.h.inc"

#include "dialects/Het/IR/HetInterfaces.h.inc"

#define GET_ATTRDEF_CLASSES
#include "dialects/Het/IR/HetAttrs.h.inc"

#endif // HET_DIALECT_HET_IR_HETATTRS_H
