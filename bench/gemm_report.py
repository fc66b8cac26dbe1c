#!/usr/bin/python3
# Prints GEMM throughput against the machine's peak FP32 FMA rate for 1 and 2 threads: GFLOP/s measured with
# `hetrun --benchmark`, the peak derived from the CPU's vector width, FMA units per core and measured clock.
#
#   /usr/bin/python3 bench/gemm_report.py [--bin-dir build/bin] [--threads 1 2] [--runs 3] [--fma-units 2]
#
# Peak FP32 FLOP/s = threads x FMA units per core x f32 lanes per vector x 2 (an FMA is two FLOPs) x clock.
# - lanes: 16 with avx512f, 8 with avx2 and fma, else 4 (SSE, and no FMA: the peak then counts a multiply and
#   an add per lane per unit, the same 2 FLOPs).
# - FMA units per core: 2 full-width units, as on Intel Xeon Gold/Platinum since Skylake-SP and AMD Zen 5 server
#   cores; a core with one 512-bit unit (Xeon Silver/Bronze) or that splits 512-bit FMAs in two (Zen 4) needs
#   --fma-units 1.
# - clock: measured by timing a chain of dependent integer adds (one per cycle on every x86-64 core), compiled at
#   run time and timed in thread CPU time (so other processes on a shared machine do not lower it), best of
#   several tries; turbo is counted as the core really runs.
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CLOCK_PROGRAM = r"""
#include <stdio.h>
#include <time.h>
static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}
int main(void) {
  const long iterations = 20000000;
  double best = 0;
  for (int attempt = 0; attempt < 7; ++attempt) {
    unsigned long x = 0;
    double start = now();
    for (long i = 0; i < iterations; ++i)
      __asm__ volatile(".rept 50\n\tadd $1, %0\n\t.endr" : "+r"(x));
    double hz = iterations * 50.0 / (now() - start);
    if (hz > best)
      best = hz;
  }
  printf("%.0f\n", best);
  return 0;
}
"""


def cpu_flags():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def cpu_model():
    with open("/proc/cpuinfo") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return "unknown CPU"


def vector_lanes(flags):
    if "avx512f" in flags:
        return 16, "AVX-512"
    if "avx2" in flags and "fma" in flags:
        return 8, "AVX2+FMA"
    return 4, "SSE"


def measure_clock_hz(compiler):
    with tempfile.TemporaryDirectory() as folder:
        source = os.path.join(folder, "clock.c")
        binary = os.path.join(folder, "clock")
        with open(source, "w") as stream:
            stream.write(CLOCK_PROGRAM)
        subprocess.run([compiler, "-O2", "-o", binary, source], check=True)
        return float(subprocess.run([binary], check=True, capture_output=True, text=True).stdout)


def default_compiler():
    return shutil.which("clang-22") or shutil.which("cc") or "cc"


def peak_per_core(fma_units=2, clock_ghz=None, compiler=None):
    """Peak FP32 FLOP/s of one core (see the top of this file), and two lines telling how it was derived."""
    lanes, isa = vector_lanes(cpu_flags())
    clock_hz = clock_ghz * 1e9 if clock_ghz else measure_clock_hz(compiler or default_compiler())
    per_core = fma_units * lanes * 2 * clock_hz
    return per_core, [
        f"cpu: {cpu_model()}, {os.cpu_count()} logical cores, {isa}: {lanes} f32 lanes, {fma_units} FMA units per "
        f"core (assumed), clock {clock_hz / 1e9:.2f} GHz ({'given' if clock_ghz else 'measured'})",
        f"peak per core: {fma_units} x {lanes} x 2 x {clock_hz / 1e9:.2f} GHz = {per_core / 1e9:.1f} GFLOP/s"]


def throughput(flops, ms, per_core, threads):
    """GFLOP/s of `flops` done in `ms`, the peak GFLOP/s of `threads` cores and the share of it in percent."""
    gflops = flops / (ms * 1e-3) / 1e9
    peak = per_core * threads / 1e9
    return gflops, peak, 100 * gflops / peak


def ensure_model(bin_dir, out):
    model_dir = os.path.join(out, "gemm_1024x1024x1024_const")
    if not os.path.exists(os.path.join(model_dir, "model.onnx")):
        subprocess.run([sys.executable, os.path.join(HERE, "layers", "make_layers.py"), "--out", out, "--only",
                        "gemm_1024x1024x1024_const"], check=True)
    hetbin = os.path.join(model_dir, "model.hetbin")
    subprocess.run([os.path.join(bin_dir, "hetcc"), os.path.join(model_dir, "model.onnx"), "-o", hetbin,
                    "--target=cpu"], check=True)
    return model_dir, hetbin


def benchmark_ms(bin_dir, hetbin, model_dir, threads, iterations, runs):
    """The best median of `runs` runs (the machine may be shared: the best run is the least disturbed)."""
    medians = []
    for _ in range(runs):
        result = subprocess.run([os.path.join(bin_dir, "hetrun"), hetbin, "--input",
                                 "a=" + os.path.join(model_dir, "a.npy"), "--device=cpu", "--threads", str(threads),
                                 "--benchmark", "--iterations", str(iterations), "--warmup", "2", "--report=json"],
                                check=True, capture_output=True, text=True)
        medians.append(json.loads(result.stdout)["median_ms"])
    return min(medians), statistics.median(medians)


def main():
    parser = argparse.ArgumentParser(description="GEMM 1024^3 fp32 throughput against the machine's peak.")
    parser.add_argument("--bin-dir", default=os.path.join(ROOT, "build", "bin"), help="where hetcc and hetrun are")
    parser.add_argument("--out", default=os.path.join(HERE, "layers", "out"), help="layer model folder")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=3, help="hetrun runs per thread count; the best median counts")
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--fma-units", type=int, default=2, help="FMA units per core (default 2)")
    parser.add_argument("--clock-ghz", type=float, help="use this clock instead of measuring it")
    parser.add_argument("--compiler", default=default_compiler(), help="C compiler for the clock measurement")
    args = parser.parse_args()

    per_core, description = peak_per_core(args.fma_units, args.clock_ghz, args.compiler)
    print("\n".join(description))

    model_dir, hetbin = ensure_model(args.bin_dir, args.out)
    flops = 2 * 1024 ** 3
    rows = []
    for threads in args.threads:
        best, typical = benchmark_ms(args.bin_dir, hetbin, model_dir, threads, args.iterations, args.runs)
        gflops, peak, percent = throughput(flops, best, per_core, threads)
        rows.append({"threads": threads, "median_ms": best, "median_of_runs_ms": typical, "gflops": gflops,
                     "peak_gflops": peak, "percent_of_peak": percent})
        print(f"GEMM 1024x1024x1024 fp32, {threads} thread{'s' if threads > 1 else ''}: {best:.2f} ms "
              f"(best median of {args.runs} runs; median of runs {typical:.2f} ms), {gflops:.1f} GFLOP/s, "
              f"peak {peak:.1f} GFLOP/s, {percent:.1f}% of peak")
    print(json.dumps({"gemm_1024": rows}))


if __name__ == "__main__":
    main()
