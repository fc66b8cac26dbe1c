// The C++ kernel language of `hetcc kernels.cpp`: the kernel marker, buffer access modes, index queries and the
// math a kernel may call, mapped for each target hetcc compiles a kernel for (docs/kernel-language.md).
//
// A kernel is a function marked HET_KERNEL whose parameters are buffers (het::in<T>, het::out<T>,
// het::inout<T>) and scalars (T); hetcc calls it once per point of the launch's index space (up to 3-D).
// Rules, checked by hetcc with located errors: no recursion, no dynamic allocation, no exceptions, and only
// functions defined in the kernel source or provided here.
#ifndef HET_KERNEL_H
#define HET_KERNEL_H

/// Marks a kernel. The C linkage keeps its name as written, which is the kernel's name in the .hetbin.
#define HET_KERNEL extern "C" __attribute__((annotate("het.kernel")))

namespace het {

/// A buffer the kernel only reads.
template <typename T> using in = const T *__restrict__;
/// A buffer the kernel only writes; its contents before the launch are unspecified.
template <typename T> using out = T *__restrict__;
/// A buffer the kernel reads and writes.
template <typename T> using inout = T *__restrict__;

using index_t = long long;

} // namespace het

#if defined(__NVPTX__)
// NVIDIA GPUs: one thread per index, in blocks; the launch's extent is in shared memory, where the entry point
// hetcc generates puts it before calling the kernel.
extern "C" __attribute__((address_space(3))) het::index_t __het_global_size[3];

namespace het {
inline index_t local_id(int d) {
  return d == 0 ? __nvvm_read_ptx_sreg_tid_x() : d == 1 ? __nvvm_read_ptx_sreg_tid_y() : __nvvm_read_ptx_sreg_tid_z();
}
inline index_t local_size(int d) {
  return d == 0   ? __nvvm_read_ptx_sreg_ntid_x()
         : d == 1 ? __nvvm_read_ptx_sreg_ntid_y()
                  : __nvvm_read_ptx_sreg_ntid_z();
}
inline index_t group_id(int d) {
  return d == 0   ? __nvvm_read_ptx_sreg_ctaid_x()
         : d == 1 ? __nvvm_read_ptx_sreg_ctaid_y()
                  : __nvvm_read_ptx_sreg_ctaid_z();
}
inline index_t global_id(int d) { return group_id(d) * local_size(d) + local_id(d); }
inline index_t global_size(int d) { return __het_global_size[d]; }

// The PTX special-function unit: fast, with the accuracy of the .approx instructions.
inline float exp(float x) { return __nvvm_ex2_approx_f(x * 1.4426950408889634f); }
inline float log(float x) { return __nvvm_lg2_approx_f(x) * 0.6931471805599453f; }
inline float tanh(float x) { return 1.0f - 2.0f / (exp(2.0f * x) + 1.0f); }
} // namespace het

#else
// Host (cpu variant, C simulation) and Vitis HLS: the generated entry point walks the index space and sets this
// context before each call of the kernel.
namespace het {
struct launch_context {
  index_t global_id[3];
  index_t global_size[3];
};
} // namespace het

#if defined(HET_TARGET_HLS)
// One kernel instance per top function: a plain global, which Vitis HLS synthesizes as registers.
static het::launch_context __het_context;
#else
// One per host thread: the cpu variant runs disjoint parts of the index space on several threads at once.
extern "C" {
thread_local het::launch_context __het_context;
}
#endif

namespace het {
inline index_t global_id(int d) { return __het_context.global_id[d]; }
inline index_t global_size(int d) { return __het_context.global_size[d]; }
// Work-groups of one: a host thread or an HLS pipeline runs one index at a time.
inline index_t local_id(int) { return 0; }
inline index_t local_size(int) { return 1; }
inline index_t group_id(int d) { return global_id(d); }

inline float exp(float x) { return __builtin_expf(x); }
inline float log(float x) { return __builtin_logf(x); }
inline float tanh(float x) { return __builtin_tanhf(x); }
} // namespace het
#endif

namespace het {
inline float sqrt(float x) { return __builtin_sqrtf(x); }
inline float fabs(float x) { return __builtin_fabsf(x); }
inline float fmin(float a, float b) { return __builtin_fminf(a, b); }
inline float fmax(float a, float b) { return __builtin_fmaxf(a, b); }
inline float fma(float a, float b, float c) { return __builtin_fmaf(a, b, c); }
} // namespace het

#endif // HET_KERNEL_H
