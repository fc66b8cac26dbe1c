// A custom activation for ONNX models: Swish with a slope, Y = X * sigmoid(beta * X). A node
// `com.example.Swish<beta = ...>(X)` of a model compiled with --kernels=activation.cpp runs this kernel over the
// shape of its output (x = the last dimension); `beta` comes from the node's attribute of that name.
#include <het/kernel.h>

HET_KERNEL void Swish(het::in<float> X, het::out<float> Y, float beta) {
  het::index_t i =
      (het::global_id(2) * het::global_size(1) + het::global_id(1)) * het::global_size(0) + het::global_id(0);
  Y[i] = X[i] / (1.0f + het::exp(-beta * X[i]));
}
