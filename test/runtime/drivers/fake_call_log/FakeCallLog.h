/* The call log and live-handle count that each fake vendor library (fake_cuda/, fake_xrt/) keeps for its tests.
 * Hidden: every fake has its own copy, reached only through the fake's exported controls. */
#ifndef HET_TEST_RUNTIME_DRIVERS_FAKE_CALL_LOG_FAKECALLLOG_H
#define HET_TEST_RUNTIME_DRIVERS_FAKE_CALL_LOG_FAKECALLLOG_H

#define FAKE_HIDDEN __attribute__((visibility("hidden")))

/* Appends one line, printf-style, to the log. */
FAKE_HIDDEN void fake_record(const char *format, ...) __attribute__((format(printf, 1, 2)));
/* Every line since the last fake_clear_log(). */
FAKE_HIDDEN const char *fake_log_text(void);
FAKE_HIDDEN void fake_clear_log(void);
/* Adds `delta` to the live-handle count (thread-safe). */
FAKE_HIDDEN void fake_count_handle(int delta);
FAKE_HIDDEN int fake_handle_count(void);

#endif /* HET_TEST_RUNTIME_DRIVERS_FAKE_CALL_LOG_FAKECALLLOG_H */
