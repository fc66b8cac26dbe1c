/* Loads a .hetbin through the installed C API and prints its inputs, or the runtime's error. */
#include <het/het.h>

#include <stdio.h>

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: list-inputs FILE.hetbin\n");
    return 2;
  }
  het_module_t *module = NULL;
  het_status_t status = het_module_load_file(argv[1], &module);
  if (status) {
    fprintf(stderr, "%s: %s\n", het_status_code_name(het_status_code(status)), het_status_message(status));
    het_status_free(status);
    return 1;
  }
  printf("runtime %s, producer %s\n", het_version(), het_module_producer(module));
  for (size_t i = 0; i < het_module_input_count(module); ++i) {
    het_tensor_info_t info;
    het_status_free(het_module_input_info(module, i, &info));
    printf("input %s %s rank %zu\n", info.name, het_dtype_name(info.dtype), info.rank);
  }
  het_module_release(module);
  return 0;
}
