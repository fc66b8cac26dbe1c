// RUN: hetcc %s --emit=mlir | FileCheck %s --check-prefix=IR
// RUN: hetcc %s -o %t.hetbin --target=cpu,hls --cpu-levels=x86-64-v3
// RUN: hetbin-dump %t.hetbin | FileCheck %s --check-prefix=BINDINGS
// RUN: hetcc %s --emit=hls-cpp | FileCheck %s --check-prefix=HLS
// RUN: hetcc %s --emit=ptx --cuda-arch=sm_90 | FileCheck %s --check-prefix=PTX
// REQUIRES: compiler
//
// Tests that a C++ kernel source is compiled by clang, imported into the llvm dialect with its debug locations,
// that each kernel's parameters become bindings (the index space first, reads, then writes, each with its
// parameter's name, type and access), and that the hls and ptx variants get their generated entry points.
#include <het/kernel.h>

// IR-DAG: llvm.func @scale(
// IR-DAG: llvm.mlir.global {{.*}}thread_local @__het_context
// IR-DAG: llvm.func @blend(

HET_KERNEL void scale(het::out<double> out, het::in<double> in, double factor, int offset) {
  out[het::global_id(0)] = in[het::global_id(0)] * factor + offset;
}

HET_KERNEL void blend(het::inout<float> acc, het::in<float> a, het::in<unsigned char> mask, bool invert) {
  het::index_t i = het::global_id(1) * het::global_size(0) + het::global_id(0);
  if ((mask[i] != 0) != invert)
    acc[i] += a[i];
}

// BINDINGS-LABEL: scale:
// BINDINGS-NEXT: binding het.grid   READ       int64[3]
// BINDINGS-NEXT: binding in         READ       float64[?]
// BINDINGS-NEXT: binding factor     READ       float64[]
// BINDINGS-NEXT: binding offset     READ       int32[]
// BINDINGS-NEXT: binding out        WRITE      float64[?]
// BINDINGS-NEXT: variant cpu_x86_64_v3 cpu x86-64-v3{{.*}}entry scale grid [256]
// BINDINGS-NEXT: variant hls {{.*}} HLS_CPP{{.*}}entry scale_top
// BINDINGS-NEXT: variant hls_csim {{.*}} HLS_CSIM_SHARED_OBJECT{{.*}}entry scale_csim
// BINDINGS-LABEL: blend:
// BINDINGS-NEXT: binding het.grid   READ       int64[3]
// BINDINGS-NEXT: binding a          READ       float32[?]
// BINDINGS-NEXT: binding mask       READ       uint8[?]
// BINDINGS-NEXT: binding invert     READ       bool[]
// BINDINGS-NEXT: binding acc        READ_WRITE float32[?]

// HLS-LABEL: extern "C" void scale_top(const int64_t *buffer0, const double *buffer1, const double *buffer2, const int32_t *buffer3, double *buffer4) {
// HLS: #pragma HLS INTERFACE m_axi port=buffer0 offset=slave bundle=gmem0
// HLS: #pragma HLS INTERFACE s_axilite port=return
// HLS: for (het::index_t het_z = 0; het_z < het_extent2; ++het_z)
// HLS: #pragma HLS PIPELINE II=1
// HLS: scale((double *)buffer4, (const double *)buffer1, (double)*buffer2, (int)*buffer3);
// HLS-LABEL: extern "C" void blend_top(const int64_t *buffer0, const float *buffer1, const uint8_t *buffer2, const uint8_t *buffer3, float *buffer4) {
// HLS: blend((float *)buffer4, (const float *)buffer1, (const unsigned char *)buffer2, (bool)*buffer3);

// PTX: // kernel @scale, variant @sm_90
// PTX: .target sm_90
// PTX: .shared {{.*}}__het_global_size
// PTX: .visible .entry scale(
// PTX: // kernel @blend, variant @sm_90
