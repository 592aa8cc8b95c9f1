#ifndef WW_COMMON_LOG_H
#define WW_COMMON_LOG_H

#include <stdio.h>

#include "common/buf.h"

/*
 * Logging to stderr (or a sink a test sets). Every line passes through the
 * redactor first: secrets registered with ww_log_add_secret (secret access
 * keys, session tokens, bearer tokens) and anything shaped like a SigV4
 * signature, a security-token header or a credentials JSON member are
 * replaced by "****" at every level, so no code path can print one by
 * accident.
 */
enum ww_log_level {
	WW_LOG_QUIET = 0,   /* errors only */
	WW_LOG_NORMAL = 1,  /* progress and summaries */
	WW_LOG_VERBOSE = 2, /* one line per request */
	WW_LOG_DEBUG = 3    /* request and response bodies */
};

void ww_log_set_level(int level);
int ww_log_level(void);
/* Where lines go; NULL restores stderr. */
void ww_log_set_sink(FILE *sink);
/* Whether the sink is a terminal (for progress bars and colour). */
int ww_log_is_tty(void);

/* Print one line (a newline is added) when `level` is enabled. */
void ww_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "wwseed: <message>" at any level: the one way errors reach users. */
void ww_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ww_log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Remember a secret value (copied) so it is redacted everywhere; values
 * shorter than 4 bytes are ignored. Thread-safe. */
void ww_log_add_secret(const char *secret);
/* Forget every registered secret (tests). */
void ww_log_clear_secrets(void);

/* Append `text` to `out` with every secret and secret-shaped value replaced
 * by "****". Used for logs, reports and ledger records alike. */
void ww_redact(ww_buf *out, const char *text);

#endif
