// Reference counting shared by the C API's objects: create gives one reference, retain adds, release drops.
#ifndef HET_RUNTIME_API_REFERENCECOUNT_H
#define HET_RUNTIME_API_REFERENCECOUNT_H

#include <atomic>

namespace het::runtime {

/// For objects with a `std::atomic<int> referenceCount` starting at 1. NULL is a no-op.
template <typename Object> void retainReference(Object *object) {
  if (object)
    object->referenceCount.fetch_add(1, std::memory_order_relaxed);
}

/// Deletes `object` when the last reference goes. NULL is a no-op.
template <typename Object> void releaseReference(Object *object) {
  if (object && object->referenceCount.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete object;
}

} // namespace het::runtime

#endif // HET_RUNTIME_API_REFERENCECOUNT_H
