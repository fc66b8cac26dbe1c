// het_tensor_t's layout, shared by the C API files that create tensors and run modules.
#ifndef HET_RUNTIME_API_TENSOR_H
#define HET_RUNTIME_API_TENSOR_H

#include "het/het.h"
#include "sched/HostTensor.h"

#include <atomic>
#include <memory>
#include <string>

struct het_tensor_s {
  std::atomic<int> referenceCount{1};
  std::unique_ptr<het::runtime::HostTensor> tensor;
  std::string name; ///< the graph output it holds; empty for tensors the caller made
};

#endif // HET_RUNTIME_API_TENSOR_H
