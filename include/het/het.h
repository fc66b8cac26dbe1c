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
  HET_STATUS_INTERNAL = 8,         /* a bug in the runtime */
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
HET_API het_status_t het_module_load_memory(const void *data, size_t size, uint32_t flags,
                                            het_module_t **out_module);
HET_API void het_module_retain(het_module_t *module);
HET_API void het_module_release(het_module_t *module);

/* The producer string recorded by the compiler, e.g. "hetcc 0.1.0". */
HET_API const char *het_module_producer(const het_module_t *module);
HET_API size_t het_module_input_count(const het_module_t *module);
HET_API size_t het_module_output_count(const het_module_t *module);
HET_API size_t het_module_kernel_count(const het_module_t *module);
HET_API het_status_t het_module_input_info(const het_module_t *module, size_t index,
                                           het_tensor_info_t *out_info);
HET_API het_status_t het_module_output_info(const het_module_t *module, size_t index,
                                            het_tensor_info_t *out_info);
/* The name of a dtype: "float32", "int64", "bool", ... */
HET_API const char *het_dtype_name(het_dtype_t dtype);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* HET_HET_H */
