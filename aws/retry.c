#include "aws/retry.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "common/buf.h"
#include "common/error.h"

struct ww_retry {
	ww_retry_options opts;
	ww_retry_random_fn random;
	void *random_ctx;
	pthread_mutex_t lock;
	int tokens;
	uint64_t rng; /* splitmix64 state for the default generator */
};

static const char *const throttle_types[] = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "Throttling",
    "RequestLimitExceeded",
    "LimitExceededException",
    "TooManyRequestsException",
    "RequestThrottledException",
};

int ww_retry_is_throttle(const char *aws_type)
{
	size_t i;

	if (!aws_type || !*aws_type)
		return 0;
	for (i = 0; i < sizeof(throttle_types) / sizeof(*throttle_types); i++)
		if (!strcmp(aws_type, throttle_types[i]))
			return 1;
	return 0;
}

ww_retry_class ww_retry_classify(int send_rc, long status, const char *aws_type)
{
	if (send_rc == WW_ENETWORK)
		return WW_RETRY_TRANSPORT;
	if (send_rc)
		return WW_RETRY_NEVER;
	if (ww_retry_is_throttle(aws_type))
		return WW_RETRY_THROTTLE;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return WW_RETRY_TRANSIENT;
	return WW_RETRY_NEVER;
}

void ww_retry_options_resolve(ww_retry_options *opts)
{
	if (opts->max_attempts <= 0)
		opts->max_attempts = WW_RETRY_DEFAULT_MAX_ATTEMPTS;
	if (opts->base_ms <= 0)
		opts->base_ms = WW_RETRY_DEFAULT_BASE_MS;
	if (opts->cap_ms <= 0)
		opts->cap_ms = WW_RETRY_DEFAULT_CAP_MS;
	if (opts->budget <= 0)
		opts->budget = WW_RETRY_DEFAULT_BUDGET;
}

long ww_retry_backoff_ms(const ww_retry_options *opts, int attempt, double r)
{
	double ceiling = opts->base_ms;
	int i;

	/* Doubling stops at the cap, so no power of two can overflow. */
	for (i = 1; i < attempt && ceiling < opts->cap_ms; i++)
		ceiling *= 2;
	if (ceiling > opts->cap_ms)
		ceiling = opts->cap_ms;
	if (r < 0)
		r = 0;
	if (r >= 1)
		r = 0.999999999;
	return (long)(r * ceiling);
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

ww_retry *ww_retry_new(const ww_retry_options *opts, ww_retry_random_fn random, void *random_ctx)
{
	ww_retry *r = ww_xcalloc(1, sizeof(*r));
	struct timespec ts;

	if (opts)
		r->opts = *opts;
	ww_retry_options_resolve(&r->opts);
	r->random = random;
	r->random_ctx = random_ctx;
	r->tokens = r->opts.budget;
	pthread_mutex_init(&r->lock, NULL);
	if (getrandom(&r->rng, sizeof(r->rng), GRND_NONBLOCK) != (ssize_t)sizeof(r->rng)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		r->rng = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)getpid();
	}
	return r;
}

void ww_retry_free(ww_retry *r)
{
	if (!r)
		return;
	pthread_mutex_destroy(&r->lock);
	free(r);
}

const ww_retry_options *ww_retry_options_of(const ww_retry *r)
{
	return &r->opts;
}

/* Called with the lock held. */
static double next_random(ww_retry *r)
{
	if (r->random)
		return r->random(r->random_ctx);
	return (double)(splitmix64(&r->rng) >> 11) / 9007199254740992.0; /* 2^53 */
}

ww_retry_verdict ww_retry_decide(ww_retry *r, ww_retry_class cls, int attempt, long *delay_ms_out,
				 int *cost_out)
{
	ww_retry_verdict v = WW_RETRY_GO;
	int cost = cls == WW_RETRY_TRANSPORT ? WW_RETRY_TIMEOUT_COST : WW_RETRY_COST;

	*delay_ms_out = 0;
	*cost_out = 0;
	if (cls == WW_RETRY_NEVER)
		return WW_RETRY_STOP_CLASS;
	if (attempt >= r->opts.max_attempts)
		return WW_RETRY_STOP_ATTEMPTS;
	pthread_mutex_lock(&r->lock);
	if (r->tokens < cost) {
		v = WW_RETRY_STOP_BUDGET;
		goto done;
	}
	r->tokens -= cost;
	*cost_out = cost;
	*delay_ms_out = ww_retry_backoff_ms(&r->opts, attempt, next_random(r));
done:
	pthread_mutex_unlock(&r->lock);
	return v;
}

void ww_retry_success(ww_retry *r, int last_cost)
{
	pthread_mutex_lock(&r->lock);
	r->tokens += last_cost > 0 ? last_cost : WW_RETRY_SUCCESS_REFUND;
	if (r->tokens > r->opts.budget)
		r->tokens = r->opts.budget;
	pthread_mutex_unlock(&r->lock);
}

int ww_retry_tokens(ww_retry *r)
{
	int t;

	pthread_mutex_lock(&r->lock);
	t = r->tokens;
	pthread_mutex_unlock(&r->lock);
	return t;
}
