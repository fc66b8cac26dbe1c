// Loads kernel images held in memory with the system's dynamic loader, through anonymous memory files.
#include "drivers/SharedObject.h"

#include "api/Status.h"

#include <cerrno>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace het::runtime {

namespace {

std::string pathOf(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

/// Writes all of `image` to `fd`, or returns the errno of the failure.
int writeAll(int fd, std::span<const std::byte> image) {
  std::size_t written = 0;
  while (written < image.size()) {
    ssize_t count = ::write(fd, image.data() + written, image.size() - written);
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0)
      return count < 0 ? errno : ENOSPC;
    written += static_cast<std::size_t>(count);
  }
  return 0;
}

} // namespace

// glibc's loader matches an already loaded object by its path before it looks at the file, and the path of a
// memory file is its descriptor number, which the kernel hands out again once closed. So the descriptor stays
// open as long as the object is loaded (no two live images share a path), and a number whose path is still
// loaded anyway (an object dlclose could not unload) is skipped for a higher one.
het_status_t SharedObject::load(std::span<const std::byte> image, const std::string &what,
                                std::unique_ptr<SharedObject> &outObject) {
  int fd = ::memfd_create("het-kernel", MFD_CLOEXEC);
  if (fd < 0)
    return makeStatus(HET_STATUS_IO_ERROR,
                      what + ": cannot create an in-memory file for its image: " + std::strerror(errno));
  if (int error = writeAll(fd, image)) {
    ::close(fd);
    return makeStatus(HET_STATUS_IO_ERROR,
                      what + ": cannot write its image to an in-memory file: " + std::strerror(error));
  }
  while (void *stale = ::dlopen(pathOf(fd).c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
    ::dlclose(stale);
    int higher = ::fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
    int error = errno;
    ::close(fd);
    if (higher < 0)
      return makeStatus(HET_STATUS_IO_ERROR, what +
                                                 ": cannot load its image: every free descriptor path is taken "
                                                 "by images that could not be unloaded (" +
                                                 std::strerror(error) + ")");
    fd = higher;
  }
  // RTLD_LOCAL: two kernels may export the same entry-point name from different images.
  void *handle = ::dlopen(pathOf(fd).c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *error = ::dlerror();
    ::close(fd);
    return makeStatus(HET_STATUS_INVALID_FORMAT,
                      what + ": cannot load its image: " + (error ? error : "unknown dlopen error"));
  }
  outObject.reset(new SharedObject(handle, fd, what));
  return nullptr;
}

het_status_t SharedObject::loadEntryPoint(std::span<const std::byte> image, const std::string &what,
                                          const std::string &entryPoint, std::unique_ptr<SharedObject> &outObject,
                                          void *&outAddress) {
  HET_RETURN_IF_ERROR(load(image, what, outObject));
  return outObject->lookup(entryPoint, outAddress);
}

SharedObject::~SharedObject() {
  ::dlclose(handle_);
  ::close(fd_);
}

het_status_t SharedObject::lookup(const std::string &symbol, void *&outAddress) const {
  ::dlerror();
  outAddress = ::dlsym(handle_, symbol.c_str());
  if (!outAddress)
    return makeStatus(HET_STATUS_NOT_FOUND, what_ + ": entry point '" + symbol + "' is not exported by its image");
  return nullptr;
}

} // namespace het::runtime
