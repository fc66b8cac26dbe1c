// RUN: not hetcc %s -o %t.hetbin 2>&1 | FileCheck %s
// RUN: not test -e %t.hetbin
// REQUIRES: compiler
//
// Tests that a kernel reaching a recursive call, directly or through a helper, is refused at the call that closes
// the cycle, and that no output is left behind.
#include <het/kernel.h>

static float down(int n);

static float up(int n) { return n <= 0 ? 1.0f : down(n - 1); }

// CHECK: recursion.cpp:[[@LINE+1]]:51: error: kernel 'ladder' is recursive (up(int) -> down(int) -> up(int)): recursion is not allowed in kernels
static float down(int n) { return n <= 0 ? 0.0f : up(n - 1) * 2.0f; }

HET_KERNEL void ladder(het::out<float> y, int n) { y[het::global_id(0)] = up(n); }
