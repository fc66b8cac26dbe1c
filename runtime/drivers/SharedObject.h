// Loading an ELF shared object straight from a .hetbin section, without writing it to a named file.
#ifndef HET_RUNTIME_DRIVERS_SHAREDOBJECT_H
#define HET_RUNTIME_DRIVERS_SHAREDOBJECT_H

#include "het/het.h"

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace het::runtime {

/// A dlopen'ed image; dlclose'd on destruction.
class SharedObject {
public:
  /// Loads `image` through an anonymous memory file (memfd_create + dlopen("/proc/self/fd/N")). `what` names
  /// the kernel variant in messages. NOTE: the image is run as it is; the .hetbin's content hash says it is the
  /// file the compiler wrote, not that it is safe. Do not run untrusted .hetbin files.
  static het_status_t load(std::span<const std::byte> image, const std::string &what,
                           std::unique_ptr<SharedObject> &outObject);
  /// load(), then lookup() of `entryPoint`: what every driver that runs host code does with a variant.
  static het_status_t loadEntryPoint(std::span<const std::byte> image, const std::string &what,
                                     const std::string &entryPoint, std::unique_ptr<SharedObject> &outObject,
                                     void *&outAddress);
  ~SharedObject();
  SharedObject(const SharedObject &) = delete;
  SharedObject &operator=(const SharedObject &) = delete;

  /// The address of `symbol`, or a NOT_FOUND status naming it and the image.
  het_status_t lookup(const std::string &symbol, void *&outAddress) const;

private:
  SharedObject(void *handle, int fd, std::string what) : handle_(handle), fd_(fd), what_(std::move(what)) {}
  void *handle_;
  int fd_; ///< the memory file the image was loaded from, open while it is loaded
  std::string what_;
};

} // namespace het::runtime

#endif // HET_RUNTIME_DRIVERS_SHAREDOBJECT_H
