// RUN: not hetcc %s -o %t.hetbin 2>&1 | FileCheck %s
// REQUIRES: compiler
//
// Tests that a kernel calling malloc, even through a helper, is refused at the call.
#include <het/kernel.h>

extern "C" void *malloc(unsigned long size);

static float *temporary(int n) {
  // CHECK: malloc.cpp:[[@LINE+1]]:31: error: kernel 'copy' calls 'malloc': dynamic allocation is not allowed in kernels
  return static_cast<float *>(malloc(sizeof(float) * n));
}

HET_KERNEL void copy(het::in<float> x, het::out<float> y) { y[0] = temporary(4) == nullptr ? x[0] : 0.0f; }
