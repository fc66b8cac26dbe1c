// A 2-D five-point stencil (one explicit heat-diffusion step) over a W x H grid: x = global_id(0) is the column,
// y = global_id(1) the row; the border keeps its values.
#include <het/kernel.h>

HET_KERNEL void stencil(het::in<float> u, het::out<float> v, float alpha) {
  het::index_t x = het::global_id(0), y = het::global_id(1);
  het::index_t width = het::global_size(0), height = het::global_size(1);
  het::index_t i = y * width + x;
  if (x == 0 || y == 0 || x == width - 1 || y == height - 1) {
    v[i] = u[i];
    return;
  }
  float laplacian = u[i - 1] + u[i + 1] + u[i - width] + u[i + width] - 4.0f * u[i];
  v[i] = u[i] + alpha * laplacian;
}
