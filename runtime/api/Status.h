// Construction of het_status_t values inside the runtime, and early-return propagation.
#ifndef HET_RUNTIME_API_STATUS_H
#define HET_RUNTIME_API_STATUS_H

#include "het/het.h"

#include <string>

struct het_status_s {
  het_status_code_t code;
  std::string message;
};

namespace het::runtime {

/// A new failed status. Never returns NULL: a status for HET_STATUS_OK is a bug.
het_status_t makeStatus(het_status_code_t code, std::string message);

/// True for the preallocated statuses that het_status_free must not delete.
bool isStaticStatus(het_status_t status);

} // namespace het::runtime

/// Returns from the enclosing function if `expr` yields a failed status.
#define HET_RETURN_IF_ERROR(expr)                                                                                      \
  do {                                                                                                                 \
    if (het_status_t hetStatus_ = (expr))                                                                              \
      return hetStatus_;                                                                                               \
  } while (false)

#endif // HET_RUNTIME_API_STATUS_H
