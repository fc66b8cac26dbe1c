/* A kernel image linked with -z nodelete: dlclose leaves it loaded, under the path it was loaded from. */
#include <stdint.h>

void het_test_nodelete(void **buffers, int64_t tileBegin, int64_t tileEnd) {
  (void)buffers;
  (void)tileBegin;
  (void)tileEnd;
}
