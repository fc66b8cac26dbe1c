/* The public C API of the het runtime: status codes, loading .hetbin modules, querying their signature.
 *
 * Conventions (shared by every het_* function):
 *  - A function that can fail returns het_status_t. NULL means success; any other value carries a code and
 *    a message and must be freed with het_status_free().
 *  - Objects are reference counted: *_create / *_load return one reference; *_retain adds one;
 *    *_release drops one and frees the object when the last is gone. Passing NULL to release is a no-op.
 *  - Strings returned by the runtime live as long as the object they came from.
 */
#ifndef HET_HET_H
#define HET_HET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define HET_API __attribute__((visibility("default")))
#else
#define HET_API
#endif

/*===--------------------------------------------------------------------===*
 * Status
 *===--------------------------------------------------------------------===*/

typedef enum het_status_code_e {
  HET_STATUS_OK = 0,
  HET_STATUS_INVALID_ARGUMENT = 1, /* a caller error: NULL pointer, out-of-range index */
  HET_STATUS_NOT_FOUND = 2,        /* a file or named entity does not exist */
  HET_STATUS_IO_ERROR = 3,         /* reading or writing a file failed */
  HET_STATUS_INVALID_FORMAT = 4,   /* a .hetbin (or input file) is malformed */
  HET_STATUS_UNSUPPORTED = 5,      /* well-formed but not supported: a newer format major version, ... */
  HET_STATUS_UNAVAILABLE = 6,      /* a device or vendor library is not present */
  HET_STATUS_OUT_OF_MEMORY = 7,
  HET_STATUS_INTERNAL = 8, /* a bug in the runtime */
} het_status_code_t;

typedef struct het_status_s *het_status_t;

/* The code of `status`; HET_STATUS_OK for NULL. */
HET_API het_status_code_t het_status_code(het_status_t status);
/* The message of `status`, e.g. "model.hetbin: content hash mismatch: the file is corrupted"; "" for NULL. */
HET_API const char *het_status_message(het_status_t status);
/* A short name of a code: "OK", "INVALID_ARGUMENT", ... */
HET_API const char *het_status_code_name(het_status_code_t code);
/* Frees a status. NULL is a no-op. */
HET_API void het_status_free(het_status_t status);

/* The runtime's version, e.g. "0.1.0". */
HET_API const char *het_version(void);

/*===--------------------------------------------------------------------===*
 * Modules: a loaded, validated .hetbin
 *===--------------------------------------------------------------------===*/

typedef struct het_module_s het_module_t;

typedef enum het_dtype_e {
  HET_DTYPE_UNKNOWN = 0,
  HET_DTYPE_FLOAT32 = 1,
  HET_DTYPE_FLOAT16 = 2,
  HET_DTYPE_BFLOAT16 = 3,
  HET_DTYPE_FLOAT64 = 4,
  HET_DTYPE_INT8 = 5,
  HET_DTYPE_INT16 = 6,
  HET_DTYPE_INT32 = 7,
  HET_DTYPE_INT64 = 8,
  HET_DTYPE_UINT8 = 9,
  HET_DTYPE_UINT16 = 10,
  HET_DTYPE_UINT32 = 11,
  HET_DTYPE_UINT64 = 12,
  HET_DTYPE_BOOL = 13,
} het_dtype_t;

/* The largest rank the tensor description below can carry. */
#define HET_MAX_RANK 16

/* A graph input or output. A dimension of -1 is dynamic. */
typedef struct het_tensor_info_s {
  const char *name;
  het_dtype_t dtype;
  size_t rank;
  int64_t shape[HET_MAX_RANK];
} het_tensor_info_t;

typedef enum het_module_load_flags_e {
  HET_MODULE_LOAD_DEFAULT = 0,
  /* het_module_load_memory: use the caller's bytes in place instead of copying them. The caller keeps them
   * alive and unchanged until the module's last release. */
  HET_MODULE_LOAD_BORROW_MEMORY = 1,
} het_module_load_flags_t;

/* Maps and validates the .hetbin at `path`. */
HET_API het_status_t het_module_load_file(const char *path, het_module_t **out_module);
/* Validates a .hetbin image held in memory; copies it unless flags has HET_MODULE_LOAD_BORROW_MEMORY. */
HET_API het_status_t het_module_load_memory(const void *data, size_t size, uint32_t flags, het_module_t **out_module);
HET_API void het_module_retain(het_module_t *module);
HET_API void het_module_release(het_module_t *module);

/* The producer string recorded by the compiler, e.g. "hetcc 0.1.0". */
HET_API const char *het_module_producer(const het_module_t *module);
HET_API size_t het_module_input_count(const het_module_t *module);
HET_API size_t het_module_output_count(const het_module_t *module);
HET_API size_t het_module_kernel_count(const het_module_t *module);
HET_API het_status_t het_module_input_info(const het_module_t *module, size_t index, het_tensor_info_t *out_info);
HET_API het_status_t het_module_output_info(const het_module_t *module, size_t index, het_tensor_info_t *out_info);
/* The name of a dtype: "float32", "int64", "bool", ... */
HET_API const char *het_dtype_name(het_dtype_t dtype);

/*===--------------------------------------------------------------------===*
 * Tensors: dense, row-major host arrays passed to and returned by a run
 *===--------------------------------------------------------------------===*/

typedef struct het_tensor_s het_tensor_t;

/* A new tensor of `dtype` and `shape` (rank at most HET_MAX_RANK, every dimension >= 0). Copies the
 * dense row-major bytes at `data` (dtype size times the element count), or zero-fills when `data` is NULL. */
HET_API het_status_t het_tensor_create(het_dtype_t dtype, size_t rank, const int64_t *shape, const void *data,
                                       het_tensor_t **out_tensor);
HET_API void het_tensor_retain(het_tensor_t *tensor);
HET_API void het_tensor_release(het_tensor_t *tensor);
/* The tensor's bytes, 64-byte aligned; NULL for a NULL tensor. Writable by whoever holds a reference. */
HET_API void *het_tensor_data(het_tensor_t *tensor);
HET_API size_t het_tensor_byte_size(const het_tensor_t *tensor);
/* dtype, rank and shape; `name` is the graph output's name for a tensor returned by het_module_invoke, and
 * "" for one made by het_tensor_create. */
HET_API het_status_t het_tensor_info(const het_tensor_t *tensor, het_tensor_info_t *out_info);
/* Byte size of one element of `dtype`; 0 for HET_DTYPE_UNKNOWN and values outside the enum. */
HET_API size_t het_dtype_size(het_dtype_t dtype);

/*===--------------------------------------------------------------------===*
 * Runtimes: the devices of this machine, and running modules on them
 *===--------------------------------------------------------------------===*/

typedef struct het_runtime_s het_runtime_t;

typedef enum het_device_kind_e {
  HET_DEVICE_KIND_CPU = 1,      /* the host's cores, running ELF_SHARED_OBJECT variants */
  HET_DEVICE_KIND_FPGA_SIM = 2, /* HLS C-simulation objects on the host, with explicit device copies */
  HET_DEVICE_KIND_CUDA = 3,     /* NVIDIA GPUs through libcuda.so.1 */
  HET_DEVICE_KIND_XRT = 4,      /* Xilinx/AMD FPGA cards through XRT */
} het_device_kind_t;

/* A device the runtime knows of. Unavailable devices are listed too, with the reason. */
typedef struct het_device_info_s {
  const char *name; /* "cpu", "fpga-sim", "cuda", "xrt": what het_module_invoke takes */
  het_device_kind_t kind;
  int available;           /* 1 when modules can run on it */
  const char *reason;      /* why it is unavailable, e.g. "libcuda.so.1 not found: no NVIDIA driver"; "" */
  const char *description; /* what it is, e.g. "2 cores, x86-64-v4" */
} het_device_info_t;

typedef struct het_runtime_options_s {
  /* Most threads the cpu device runs kernels on (all its partitions together); 0 means one per core. */
  uint32_t cpu_threads;
  /* 0 or 1: one cpu device "cpu". N > 1: N logical devices "cpu:0" .. "cpu:N-1", each with its own share of the
   * threads (at least one), so that kernels placed on different partitions run side by side. */
  uint32_t cpu_partitions;
  /* "DEVICE:N": launches of DEVICE fail from its N-th on (1-based, counted over the runtime's life), to test
   * re-placement after a device failure (docs/runtime.md). NULL reads the environment variable HET_FAULT_INJECT;
   * "" injects nothing. A malformed value or an unknown device is HET_STATUS_INVALID_ARGUMENT at creation. */
  const char *fault_inject;
} het_runtime_options_t;

/* Enumerates the devices of this machine with default options. */
HET_API het_status_t het_runtime_create(het_runtime_t **out_runtime);
/* Same, with `options` (NULL means defaults). */
HET_API het_status_t het_runtime_create_with_options(const het_runtime_options_t *options, het_runtime_t **out_runtime);
HET_API void het_runtime_retain(het_runtime_t *runtime);
HET_API void het_runtime_release(het_runtime_t *runtime);

HET_API size_t het_runtime_device_count(const het_runtime_t *runtime);
HET_API het_status_t het_runtime_device_info(const het_runtime_t *runtime, size_t index, het_device_info_t *out_info);
/* The index of the device a run on `device_name` uses: a device name, or "auto" (today: cpu). Unknown names are
 * HET_STATUS_NOT_FOUND; an unavailable device is HET_STATUS_UNAVAILABLE with the reason. */
HET_API het_status_t het_runtime_find_device(const het_runtime_t *runtime, const char *device_name, size_t *out_index);

/* What the computing-force pool knows of a device: its descriptor and its calibrated rates. */
typedef struct het_device_capabilities_s {
  const char *name;
  het_device_kind_t kind;
  int available;
  const char *reason;          /* why it is unavailable; "" */
  const char *description;
  const char *architecture;    /* "x86-64-v3", "hls-csim", ...; "" when unknown */
  uint64_t memory_bytes;       /* the memory its buffers come from; 0 when unknown */
  const char *variant_formats; /* what it runs, "<target kind>/<image format>" joined by ",": "CPU/ELF_SHARED_OBJECT" */
  double peak_gflops;          /* measured multiply-add rate, 1e9 flop/s; 0 when not calibrated */
  double bandwidth_gbps;       /* measured host-to-device copy rate, 1e9 bytes/s; 0 when not calibrated */
  const char *calibration;     /* "measured" (this process), "cached" (read from the cache), "none" */
  const char *calibration_reason; /* why it is "none"; "" */
} het_device_capabilities_t;

/* The capabilities of device `index`. The first query of an available device calibrates it (about 30 ms) unless
 * the calibration cache has it: $HET_CACHE_DIR, else $XDG_CACHE_HOME/het, else ~/.cache/het. */
HET_API het_status_t het_runtime_device_capabilities(het_runtime_t *runtime, size_t index,
                                                     het_device_capabilities_t *out_capabilities);

/* Runs `module` on one device (see het_runtime_find_device). `inputs` are in the order of
 * het_module_input_info and must match its dtypes and shapes (a -1 dimension takes any size). On success
 * `outputs[i]` is a new tensor per graph output, in order, which the caller releases; `output_count` must equal
 * het_module_output_count. On failure every `outputs[i]` is NULL. A kernel without a variant for the device is
 * HET_STATUS_UNSUPPORTED, naming the kernel and the variants it has. */
HET_API het_status_t het_module_invoke(het_runtime_t *runtime, het_module_t *module, const char *device_name,
                                       het_tensor_t *const *inputs, size_t input_count, het_tensor_t **outputs,
                                       size_t output_count);

/*===--------------------------------------------------------------------===*
 * Sessions: a module placed on devices, its kernels loaded once, run many times
 *===--------------------------------------------------------------------===*/

typedef struct het_session_s het_session_t;
typedef struct het_run_report_s het_run_report_t;

typedef enum het_placement_e {
  HET_PLACEMENT_DEVICE = 0, /* every kernel on het_session_options_t.device */
  HET_PLACEMENT_AUTO = 1,   /* each dispatch where the cost model says it finishes first (docs/runtime.md) */
} het_placement_t;

/* Kernel `kernel` (its name in the module) runs on device `device`, whatever the placement says. */
typedef struct het_kernel_pin_s {
  const char *kernel;
  const char *device;
} het_kernel_pin_t;

typedef struct het_session_options_s {
  het_placement_t placement;
  const char *device; /* HET_PLACEMENT_DEVICE: a device name or "auto" (the cpu); NULL means "auto" */
  const het_kernel_pin_t *pins;
  size_t pin_count;
} het_session_options_t;

/* Places every dispatch of `module` (NULL options: everything on the cpu) and loads each kernel on its device.
 * A kernel is never placed on a device without a variant for it: HET_STATUS_UNSUPPORTED names the kernel and why.
 * The session keeps the runtime and the module alive. */
HET_API het_status_t het_session_create(het_runtime_t *runtime, het_module_t *module,
                                        const het_session_options_t *options, het_session_t **out_session);
HET_API void het_session_retain(het_session_t *session);
HET_API void het_session_release(het_session_t *session);

/* Where dispatch `index` of the module's host graph runs. */
typedef struct het_dispatch_placement_s {
  const char *kernel;
  const char *device;
  double estimated_start_ms;  /* the cost model's schedule (HET_PLACEMENT_AUTO); 0 otherwise */
  double estimated_finish_ms;
} het_dispatch_placement_t;
HET_API size_t het_session_dispatch_count(const het_session_t *session);
HET_API het_status_t het_session_dispatch_placement(const het_session_t *session, size_t index,
                                                    het_dispatch_placement_t *out_placement);

/* Runs the session's module, as het_module_invoke does, with no kernel loading. Dispatches on different devices
 * run concurrently when the graph allows. When `out_report` is not NULL it receives a new report of the run (also
 * on success only), which the caller releases. Sessions may be invoked from several threads at once. */
HET_API het_status_t het_session_invoke(het_session_t *session, het_tensor_t *const *inputs, size_t input_count,
                                        het_tensor_t **outputs, size_t output_count, het_run_report_t **out_report);

/* What one dispatch of a run did. Times are milliseconds since the run began. */
typedef struct het_dispatch_record_s {
  const char *kernel;
  const char *device;
  double start_ms;
  double duration_ms;   /* moving its operands in, and its launch to completion */
  uint64_t bytes_moved; /* copied to give it its operands */
  const char *replaced_from; /* the device it was placed on before a device failure moved it; "" */
} het_dispatch_record_t;

/* A device that failed during a run (or in an earlier one), after which the run went on without it. */
typedef struct het_fault_record_s {
  const char *device;    /* the device that failed */
  const char *kernel;    /* the kernel whose launch failed there; "" when it had failed before this run */
  int64_t dispatch;      /* that launch's dispatch index; -1 when it had failed before this run */
  const char *message;   /* why, e.g. "injected fault at launch 3 of 'fpga-sim' (HET_FAULT_INJECT=fpga-sim:3)" */
  size_t replaced_count; /* dispatches placed again on other devices: the failed one, those not yet run, and
                            those whose results were in the failed device's memory */
} het_fault_record_t;

HET_API void het_run_report_retain(het_run_report_t *report);
HET_API void het_run_report_release(het_run_report_t *report);
HET_API size_t het_run_report_dispatch_count(const het_run_report_t *report);
HET_API het_status_t het_run_report_dispatch(const het_run_report_t *report, size_t index,
                                             het_dispatch_record_t *out_record);
/* The device failures the run survived, in the order they happened; 0 for a run without one. A failure it could
 * not survive is the run's status instead (HET_STATUS_UNAVAILABLE), with no outputs. */
HET_API size_t het_run_report_fault_count(const het_run_report_t *report);
HET_API het_status_t het_run_report_fault(const het_run_report_t *report, size_t index, het_fault_record_t *out_fault);
/* The whole run, from its first dispatch to its outputs on the host, in milliseconds. */
HET_API double het_run_report_total_ms(const het_run_report_t *report);
/* Bytes copied between host and devices in the run, outputs included. */
HET_API uint64_t het_run_report_bytes_to_device(const het_run_report_t *report);
HET_API uint64_t het_run_report_bytes_from_device(const het_run_report_t *report);
/* The most bytes of dispatch results the run held at once (its working set: on one device in host memory a
 * result is freed after its last reader). */
HET_API uint64_t het_run_report_peak_result_bytes(const het_run_report_t *report);

/*===--------------------------------------------------------------------===*
 * Kernels: launching one kernel of a module by itself (C++ kernels, docs/kernel-language.md)
 *===--------------------------------------------------------------------===*/

/* The name a C++ kernel's index-space binding has: int64[3], the x, y and z extents of the launch. */
#define HET_GRID_BINDING_NAME "het.grid"

typedef enum het_access_e {
  HET_ACCESS_READ = 1,       /* the kernel reads the buffer */
  HET_ACCESS_WRITE = 2,      /* the kernel writes the buffer; its prior contents do not matter */
  HET_ACCESS_READ_WRITE = 3, /* the kernel reads and writes the buffer */
} het_access_t;

/* A buffer argument of a kernel. A dimension of -1 takes any size; a rank of 0 is one value (a scalar). */
typedef struct het_binding_info_s {
  const char *name;
  het_access_t access;
  het_dtype_t dtype;
  size_t rank;
  int64_t shape[HET_MAX_RANK];
} het_binding_info_t;

/* The name of kernel `kernel` (0 .. het_module_kernel_count - 1); NULL when out of range. */
HET_API const char *het_module_kernel_name(const het_module_t *module, size_t kernel);
/* The index of the kernel called `name`; HET_STATUS_NOT_FOUND lists the module's kernels. */
HET_API het_status_t het_module_find_kernel(const het_module_t *module, const char *name, size_t *out_kernel);
HET_API size_t het_module_kernel_binding_count(const het_module_t *module, size_t kernel);
HET_API het_status_t het_module_kernel_binding_info(const het_module_t *module, size_t kernel, size_t binding,
                                                    het_binding_info_t *out_info);

/* Launches kernel `kernel` of `module` once on device `device_name` (see het_runtime_find_device). A kernel whose
 * first binding is HET_GRID_BINDING_NAME runs over the index space `grid` (grid_rank 1 to 3 extents, each >= 1; the
 * missing ones are 1) and `buffers` are its other bindings, in order; for any other kernel grid_rank is 0 and
 * `buffers` are all its bindings. Each tensor must have its binding's dtype, rank and static dimensions. The
 * kernel's WRITE and READ_WRITE bindings receive its results in place; READ_WRITE ones are read first. */
HET_API het_status_t het_module_launch_kernel(het_runtime_t *runtime, het_module_t *module, const char *device_name,
                                              size_t kernel, const uint64_t *grid, size_t grid_rank,
                                              het_tensor_t *const *buffers, size_t buffer_count);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HET_HET_H */
