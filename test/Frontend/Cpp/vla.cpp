// RUN: not hetcc %s -o %t.hetbin 2>&1 | FileCheck %s
// REQUIRES: compiler
//
// Tests that a variable-length array, a dynamic allocation on the stack, is refused with a located error.
#include <het/kernel.h>

HET_KERNEL void window(het::in<float> x, het::out<float> y, int n) {
  // CHECK: vla.cpp:[[@LINE+1]]:13: error: variable length arrays in C++ are a Clang extension
  float tmp[n];
  tmp[0] = x[0];
  y[0] = tmp[0];
}
