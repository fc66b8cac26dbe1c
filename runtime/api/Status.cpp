// het_status_t: the one error type of the runtime's C API.
#include "api/Status.h"

#include "het/Version.h"

#include <cassert>
#include <new>

namespace het::runtime {

namespace {
// Returned when a status itself cannot be allocated, so that a failure is never reported as success.
het_status_s outOfMemoryStatus{HET_STATUS_OUT_OF_MEMORY, "out of memory"};
} // namespace

het_status_t makeStatus(het_status_code_t code, std::string message) {
  assert(code != HET_STATUS_OK && "an OK status is represented by NULL");
  het_status_t status = new (std::nothrow) het_status_s{code, std::move(message)};
  return status ? status : &outOfMemoryStatus;
}

bool isStaticStatus(het_status_t status) { return status == &outOfMemoryStatus; }

} // namespace het::runtime

extern "C" {

het_status_code_t het_status_code(het_status_t status) { return status ? status->code : HET_STATUS_OK; }

const char *het_status_message(het_status_t status) { return status ? status->message.c_str() : ""; }

const char *het_status_code_name(het_status_code_t code) {
  switch (code) {
  case HET_STATUS_OK:
    return "OK";
  case HET_STATUS_INVALID_ARGUMENT:
    return "INVALID_ARGUMENT";
  case HET_STATUS_NOT_FOUND:
    return "NOT_FOUND";
  case HET_STATUS_IO_ERROR:
    return "IO_ERROR";
  case HET_STATUS_INVALID_FORMAT:
    return "INVALID_FORMAT";
  case HET_STATUS_UNSUPPORTED:
    return "UNSUPPORTED";
  case HET_STATUS_UNAVAILABLE:
    return "UNAVAILABLE";
  case HET_STATUS_OUT_OF_MEMORY:
    return "OUT_OF_MEMORY";
  case HET_STATUS_INTERNAL:
    return "INTERNAL";
  }
  return "UNKNOWN";
}

void het_status_free(het_status_t status) {
  if (!het::runtime::isStaticStatus(status))
    delete status;
}

const char *het_version(void) { return HET_VERSION_STRING; }

} // extern "C"
