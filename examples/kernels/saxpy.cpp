// saxpy: y = a * x + y over a 1-D index space, one element per index.
#include <het/kernel.h>

HET_KERNEL void saxpy(het::in<float> x, het::inout<float> y, float a) {
  het::index_t i = het::global_id(0);
  y[i] = a * x[i] + y[i];
}
