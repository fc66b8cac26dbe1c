// RUN: not hetcc %s -o %t.hetbin 2>&1 | FileCheck %s
// REQUIRES: compiler
//
// Tests that exceptions in a kernel source are refused by clang with a located error (kernels compile with
// -fno-exceptions).
#include <het/kernel.h>

HET_KERNEL void checked(het::in<float> x, het::out<float> y) {
  if (x[0] < 0)
    // CHECK: exceptions.cpp:[[@LINE+1]]:5: error: cannot use 'throw' with exceptions disabled
    throw 1;
  y[0] = x[0];
}
