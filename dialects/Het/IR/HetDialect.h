// The het dialect class.
#ifndef HET_DIALECT_HET_IR_HETDIALECT_H
#define HET_DIALECT_HET_IR_HETDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/Het/IR/HetDialect.h.inc"

#endif // HET_DIALECT_HET_IR_HETDIALECT_H
