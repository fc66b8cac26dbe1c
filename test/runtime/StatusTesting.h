// GoogleTest support for het_status_t: take a status's code and message, and expect success.
#ifndef HET_TEST_RUNTIME_STATUSTESTING_H
#define HET_TEST_RUNTIME_STATUSTESTING_H

#include "het/het.h"

#include <gtest/gtest.h>

#include <string>

namespace het::test {

struct StatusResult {
  het_status_code_t code;
  std::string message;
};

/// The code and message of `status`, which is freed.
inline StatusResult take(het_status_t status) {
  StatusResult result{het_status_code(status), het_status_message(status)};
  het_status_free(status);
  return result;
}

} // namespace het::test

#define HET_EXPECT_OK(expression)                                                                                      \
  do {                                                                                                                 \
    ::het::test::StatusResult hetResult_ = ::het::test::take(expression);                                              \
    EXPECT_EQ(hetResult_.code, HET_STATUS_OK) << hetResult_.message;                                                   \
  } while (false)

#define HET_ASSERT_OK(expression)                                                                                      \
  do {                                                                                                                 \
    ::het::test::StatusResult hetResult_ = ::het::test::take(expression);                                              \
    ASSERT_EQ(hetResult_.code, HET_STATUS_OK) << hetResult_.message;                                                   \
  } while (false)

#endif // HET_TEST_RUNTIME_STATUSTESTING_H
