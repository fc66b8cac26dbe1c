// The calibration chunk (drivers/CalibrationWork.h) as a PTX kernel: one thread per chunk, 16 independent fma.rn.f32
// chains of 8192 steps, the host chunk's arithmetic. Assembled for sm_50, so the driver JIT-compiles it for any GPU
// this driver supports. ptxas accepts it (CudaDeviceTest.PtxasAcceptsTheCalibrationKernel, where the CUDA toolkit is installed).
#ifndef HET_RUNTIME_DRIVERS_CUDA_CALIBRATIONKERNEL_H
#define HET_RUNTIME_DRIVERS_CUDA_CALIBRATIONKERNEL_H

namespace het::runtime::cuda {

/// The kernel's entry: parameters (.u64 sink, .u32 chunks); the sink is written only if the sum is NaN, never.
inline constexpr const char *kCalibrationEntry = "het_calibration_fma";
/// Threads per block of a calibration launch.
inline constexpr unsigned kCalibrationBlock = 256;

inline constexpr const char *kCalibrationPtx = R"ptx(
.version 7.0
.target sm_50
.address_size 64

.visible .entry het_calibration_fma(.param .u64 sink, .param .u32 chunks)
{
  .reg .pred %p<3>;
  .reg .b32 %r<8>;
  .reg .f32 %f<18>;
  .reg .b64 %rd<3>;
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r4, %r1, %r2, %r3;
  ld.param.u32 %r5, [chunks];
  setp.ge.u32 %p1, %r4, %r5;
  @%p1 bra DONE;
  cvt.rn.f32.u32 %f0, %r4;
  add.f32 %f1, %f0, 0f00000000;
  add.f32 %f2, %f0, 0f3F800000;
  add.f32 %f3, %f0, 0f40000000;
  add.f32 %f4, %f0, 0f40400000;
  add.f32 %f5, %f0, 0f40800000;
  add.f32 %f6, %f0, 0f40A00000;
  add.f32 %f7, %f0, 0f40C00000;
  add.f32 %f8, %f0, 0f40E00000;
  add.f32 %f9, %f0, 0f41000000;
  add.f32 %f10, %f0, 0f41100000;
  add.f32 %f11, %f0, 0f41200000;
  add.f32 %f12, %f0, 0f41300000;
  add.f32 %f13, %f0, 0f41400000;
  add.f32 %f14, %f0, 0f41500000;
  add.f32 %f15, %f0, 0f41600000;
  add.f32 %f16, %f0, 0f41700000;
  mov.u32 %r6, 8192;
LOOP:
  fma.rn.f32 %f1, %f1, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f2, %f2, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f3, %f3, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f4, %f4, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f5, %f5, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f6, %f6, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f7, %f7, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f8, %f8, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f9, %f9, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f10, %f10, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f11, %f11, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f12, %f12, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f13, %f13, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f14, %f14, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f15, %f15, 0f3F7FFFEF, 0f358637BD;
  fma.rn.f32 %f16, %f16, 0f3F7FFFEF, 0f358637BD;
  sub.u32 %r6, %r6, 1;
  setp.ne.u32 %p2, %r6, 0;
  @%p2 bra LOOP;
  add.f32 %f17, %f1, %f2;
  add.f32 %f17, %f17, %f3;
  add.f32 %f17, %f17, %f4;
  add.f32 %f17, %f17, %f5;
  add.f32 %f17, %f17, %f6;
  add.f32 %f17, %f17, %f7;
  add.f32 %f17, %f17, %f8;
  add.f32 %f17, %f17, %f9;
  add.f32 %f17, %f17, %f10;
  add.f32 %f17, %f17, %f11;
  add.f32 %f17, %f17, %f12;
  add.f32 %f17, %f17, %f13;
  add.f32 %f17, %f17, %f14;
  add.f32 %f17, %f17, %f15;
  add.f32 %f17, %f17, %f16;
  // The sum is stored only when it is NaN, which it never is; the store keeps the loop from being removed.
  setp.num.f32 %p2, %f17, %f17;
  @%p2 bra DONE;
  ld.param.u64 %rd1, [sink];
  cvta.to.global.u64 %rd2, %rd1;
  st.global.f32 [%rd2], %f17;
DONE:
  ret;
}
)ptx";

} // namespace het::runtime::cuda

#endif // HET_RUNTIME_DRIVERS_CUDA_CALIBRATIONKERNEL_H
