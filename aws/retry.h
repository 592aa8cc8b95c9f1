#ifndef WW_AWS_RETRY_H
#define WW_AWS_RETRY_H

#include "aws/ddb.h"

/*
 * The one retry policy of every DynamoDB call: which failures are retried,
 * how long to wait (exponential backoff with full jitter) and a retry budget
 * shared by every thread (a token bucket, as the AWS SDKs' "standard" retry
 * mode), so a failing service is not hammered. The randomness comes through
 * a seam so tests know every delay exactly.
 */

#define WW_RETRY_DEFAULT_MAX_ATTEMPTS 10
#define WW_RETRY_DEFAULT_BASE_MS 25
#define WW_RETRY_DEFAULT_CAP_MS 20000
#define WW_RETRY_DEFAULT_BUDGET 500
#define WW_RETRY_COST 5		  /* tokens a retry takes */
#define WW_RETRY_TIMEOUT_COST 10  /* tokens a retry after a transport error takes */
#define WW_RETRY_SUCCESS_REFUND 1 /* tokens a first-attempt success adds back */

/* What kind of failure an attempt ended with. */
typedef enum {
	WW_RETRY_NEVER = 0, /* not retryable: validation, condition, auth, other 4xx */
	WW_RETRY_THROTTLE,  /* a throttling error type */
	WW_RETRY_TRANSIENT, /* HTTP 500/502/503/504, CRC mismatch, unparseable 200 body */
	WW_RETRY_TRANSPORT  /* connection failure or timeout (WW_ENETWORK) */
} ww_retry_class;

/* Why ww_retry_decide said what it said. */
typedef enum {
	WW_RETRY_GO = 0,	/* retry after the delay */
	WW_RETRY_STOP_CLASS,	/* the failure is not retryable */
	WW_RETRY_STOP_ATTEMPTS, /* max attempts reached */
	WW_RETRY_STOP_BUDGET	/* the token bucket is empty: fail fast */
} ww_retry_verdict;

/* Uniform random number in [0, 1). */
typedef double (*ww_retry_random_fn)(void *ctx);

typedef struct ww_retry ww_retry;

/* 1 if `aws_type` (the part of __type after '#') is a throttling error. */
int ww_retry_is_throttle(const char *aws_type);

/* Classify one attempt: `send_rc` is what the send function returned (0 when
 * a response arrived), `status` the HTTP status, `aws_type` the error type
 * or "" / NULL. A 200 response is never classified here (the caller decides
 * whether its body is good). */
ww_retry_class ww_retry_classify(int send_rc, long status, const char *aws_type);

/* Fill the zero fields of `opts` with the defaults. */
void ww_retry_options_resolve(ww_retry_options *opts);

/* The delay before the retry that follows failed attempt `attempt` (1-based):
 * floor(r * min(cap, base * 2^(attempt-1))), r in [0, 1). */
long ww_retry_backoff_ms(const ww_retry_options *opts, int attempt, double r);

/* A policy with its own token bucket. `random` NULL: an internal generator
 * seeded from the system. Never NULL. Free with ww_retry_free. */
ww_retry *ww_retry_new(const ww_retry_options *opts, ww_retry_random_fn random, void *random_ctx);
void ww_retry_free(ww_retry *r);
/* The resolved knobs (borrowed). */
const ww_retry_options *ww_retry_options_of(const ww_retry *r);

/*
 * Decide after attempt `attempt` (1-based) failed with `cls`. On WW_RETRY_GO
 * the tokens are taken from the bucket, *delay_ms_out is the sleep and
 * *cost_out the tokens taken (pass it to ww_retry_success). Thread-safe.
 */
ww_retry_verdict ww_retry_decide(ww_retry *r, ww_retry_class cls, int attempt, long *delay_ms_out,
				 int *cost_out);

/* A request succeeded. `last_cost` is what its last retry took (0 when it
 * succeeded first time): that is given back, else WW_RETRY_SUCCESS_REFUND;
 * the bucket never grows past its size. */
void ww_retry_success(ww_retry *r, int last_cost);

/* Tokens left in the bucket (tests, logs). */
int ww_retry_tokens(ww_retry *r);

#endif
