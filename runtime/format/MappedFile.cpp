// Read-only mmap of a whole file.
#include "het/format/MappedFile.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace het::format {

std::unique_ptr<MappedFile> MappedFile::open(const std::string &path,
                                             std::string &error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return nullptr;
  }
  struct stat status;
  if (fstat(fd, &status) != 0) {
    error = "cannot stat '" + path + "': " + std::strerror(errno);
    close(fd);
    return nullptr;
  }
  if (!S_ISREG(status.st_mode)) {
    error = "cannot map '" + path + "': not a regular file";
    close(fd);
    return nullptr;
  }
  std::size_t size = static_cast<std::size_t>(status.st_size);
  // mmap rejects a zero length, and an empty file has nothing to map anyway.
  void *data = nullptr;
  if (size != 0) {
    data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      error = "cannot map '" + path + "': " + std::strerror(errno);
      close(fd);
      return nullptr;
    }
  }
  // The mapping stays valid after the descriptor is closed.
  close(fd);
  return std::unique_ptr<MappedFile>(
      new MappedFile(static_cast<const std::byte *>(data), size));
}

MappedFile::~MappedFile() {
  if (size_ != 0)
    munmap(const_cast<std::byte *>(data_), size_);
}

} // namespace het::format
