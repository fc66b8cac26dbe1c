# Finds LLVM/MLIR 22 and brings in the CMake helpers the compiler side uses (TableGen, add_mlir_*).
find_package(MLIR REQUIRED CONFIG HINTS /usr/lib/llvm-22/lib/cmake/mlir)
if(NOT LLVM_VERSION_MAJOR EQUAL 22)
  message(FATAL_ERROR "het needs LLVM/MLIR 22, found ${LLVM_PACKAGE_VERSION} at ${LLVM_DIR}")
endif()
message(STATUS "Using MLIR ${LLVM_PACKAGE_VERSION} from ${MLIR_DIR}")

set(LLVM_RUNTIME_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/bin)
set(LLVM_LIBRARY_OUTPUT_INTDIR ${CMAKE_BINARY_DIR}/lib)
set(MLIR_BINARY_DIR ${CMAKE_BINARY_DIR})
list(APPEND CMAKE_MODULE_PATH "${MLIR_CMAKE_DIR}" "${LLVM_CMAKE_DIR}")
include(TableGen)
include(AddLLVM)
include(AddMLIR)
include(HandleLLVMOptions)
include_directories(SYSTEM ${LLVM_INCLUDE_DIRS} ${MLIR_INCLUDE_DIRS})
separate_arguments(_het_llvm_definitions NATIVE_COMMAND "${LLVM_DEFINITIONS}")
add_definitions(${_het_llvm_definitions})

# Tablegen output of the dialects lands here.
include_directories(${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR})

find_program(HET_LIT NAMES lit-${LLVM_VERSION_MAJOR} lit
  PATHS ${LLVM_TOOLS_BINARY_DIR} /usr/bin NO_DEFAULT_PATH)
set(LLVM_EXTERNAL_LIT ${HET_LIT} CACHE STRING "lit used by the check target" FORCE)
