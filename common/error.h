#ifndef WW_COMMON_ERROR_H
#define WW_COMMON_ERROR_H

/*
 * Errors: functions return 0 or one of these negative codes; the message is
 * set where the failure happens (ww_error_set) with its context, and callers
 * pass the code up without overwriting the message. The last error is kept
 * per thread.
 */
enum ww_error_code {
	WW_OK = 0,
	WW_ERROR = -1,       /* generic failure */
	WW_EINVALID = -2,    /* invalid input: definitions, arguments, files */
	WW_ENOTFOUND = -3,   /* a table, item, file or profile does not exist */
	WW_ETHROTTLED = -4,  /* throttled and out of retries */
	WW_EAUTH = -5,       /* credentials missing, expired or refused */
	WW_ENETWORK = -6,    /* connection, timeout, TLS, CRC after retries */
	WW_ECONFLICT = -7,   /* a condition failed: someone else changed it */
	WW_ELOCKED = -8,     /* another run holds the import lock */
	WW_EAWS = -9,        /* any other error answered by the service */
	WW_EINTERRUPTED = -10, /* stopped by a signal (Ctrl-C) */
	WW_ECONFIG = -11      /* AWS configuration: region, endpoint, CA bundle, config files */
};

/* Set this thread's last error to `code` and the formatted message (no
 * "wwseed: " prefix, lowercase, no trailing period). Returns `code`, so a
 * failure can be reported and returned in one statement. */
int ww_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* This thread's last message (borrowed; "" when none) and code. */
const char *ww_error_message(void);
int ww_error_last_code(void);
void ww_error_clear(void);

/* A short, stable name for a code ("invalid", "throttled", ...). */
const char *ww_error_code_name(int code);

#endif
