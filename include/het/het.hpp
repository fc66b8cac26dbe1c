// A thin C++ wrapper over the het C API: RAII handles and exceptions carrying the runtime's status.
#ifndef HET_HET_HPP
#define HET_HET_HPP

#include "het/het.h"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace het {

/// Thrown by the wrapper when a C API call fails; holds the code and the runtime's message.
class Error : public std::runtime_error {
public:
  Error(het_status_code_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
  het_status_code_t code() const { return code_; }

private:
  het_status_code_t code_;
};

/// Converts a C status into an exception, freeing it.
inline void check(het_status_t status) {
  if (!status)
    return;
  het_status_code_t code = het_status_code(status);
  std::string message = het_status_message(status);
  het_status_free(status);
  throw Error(code, message);
}

/// A shared reference to a loaded module.
class Module {
public:
  static Module loadFile(const std::string &path) {
    het_module_t *module = nullptr;
    check(het_module_load_file(path.c_str(), &module));
    return Module(module);
  }
  static Module loadMemory(const void *data, size_t size, uint32_t flags = HET_MODULE_LOAD_DEFAULT) {
    het_module_t *module = nullptr;
    check(het_module_load_memory(data, size, flags, &module));
    return Module(module);
  }

  Module(const Module &other) : module_(other.module_) { het_module_retain(module_); }
  Module(Module &&other) noexcept : module_(std::exchange(other.module_, nullptr)) {}
  Module &operator=(Module other) noexcept {
    std::swap(module_, other.module_);
    return *this;
  }
  ~Module() { het_module_release(module_); }

  het_module_t *get() const { return module_; }
  std::string producer() const { return het_module_producer(module_); }

  std::vector<het_tensor_info_t> inputs() const {
    return describe(het_module_input_count(module_), het_module_input_info);
  }
  std::vector<het_tensor_info_t> outputs() const {
    return describe(het_module_output_count(module_), het_module_output_info);
  }
  size_t kernelCount() const { return het_module_kernel_count(module_); }

private:
  explicit Module(het_module_t *module) : module_(module) {}

  template <typename Query>
  std::vector<het_tensor_info_t> describe(size_t count, Query query) const {
    std::vector<het_tensor_info_t> infos(count);
    for (size_t i = 0; i < count; ++i)
      check(query(module_, i, &infos[i]));
    return infos;
  }

  het_module_t *module_;
};

} // namespace het

#endif // HET_HET_HPP
