// RUN: not hetcc %s -o %t.hetbin 2>&1 | FileCheck %s
// REQUIRES: compiler
//
// Tests that dynamic allocation in a kernel (operator new here) is refused at the allocating expression.
#include <het/kernel.h>

HET_KERNEL void scratch(het::in<float> x, het::out<float> y, int n) {
  // CHECK: allocation.cpp:[[@LINE+1]]:19: error: kernel 'scratch' calls 'operator new[](unsigned long)': dynamic allocation is not allowed in kernels
  float *buffer = new float[n];
  buffer[0] = x[het::global_id(0)];
  y[het::global_id(0)] = buffer[0];
  delete[] buffer;
}
