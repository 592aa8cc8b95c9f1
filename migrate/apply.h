#ifndef WW_MIGRATE_APPLY_H
#define WW_MIGRATE_APPLY_H

#include <signal.h>
#include <stddef.h>

#include "aws/ddb.h"
#include "migrate/plan.h"
#include "migrate/resolve.h"

/*
 * Applying a plan: creates, updates and (with prune) deletes of orphans,
 * in batches of at most 25 requests and 16 MB handed to a bounded pool of
 * worker threads that share the one thread-safe ww_ddb client.
 *
 * Conditions: with --on-conflict fail or skip (the default is fail) every
 * write carries a condition on what plan read: a create
 * attribute_not_exists(key), an update the version counter, updatedAt and
 * _wwseed.hash that plan saw. BatchWriteItem cannot carry conditions, so
 * these go as one conditional PutItem each (25 requests where a batch
 * needs one). With --on-conflict overwrite the puts go as BatchWriteItem,
 * UnprocessedItems resent with exponential backoff and full jitter until
 * max_attempts runs out. Deletes are always one conditional DeleteItem
 * each (_wwseed.managedBy = "wwseed"), so an item that lost the mark is
 * never deleted.
 */
typedef enum { WW_CONFLICT_FAIL = 0, WW_CONFLICT_OVERWRITE, WW_CONFLICT_SKIP } ww_on_conflict;

/* "fail", "overwrite", "skip" -> value, or -1. */
int ww_on_conflict_parse(const char *s);

typedef struct {
	int concurrency;     /* batches in flight; 0: 4 */
	double max_wcu;	     /* write capacity per second; 0: no cap */
	int max_attempts;    /* sends of an unprocessed request; 0: 8 */
	int base_ms, cap_ms; /* backoff of resends; 0: 50 ms, 5000 ms */
	ww_on_conflict on_conflict;
	int prune;		     /* delete orphans */
	volatile sig_atomic_t *stop; /* when set, no new batch starts */
	/* Called after each write request (serialised): items done, to do. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
} ww_apply_opts;

typedef struct {
	size_t to_write; /* requests planned */
	size_t batches;
	size_t failed;	/* changes left failed or in conflict */
	size_t pending; /* not attempted (interrupted) */
	int interrupted;
} ww_apply_result;

/* Apply `p` (its items built) to the tables; every change gets its outcome
 * (and error details). Returns 0 when everything planned was written (or
 * skipped), WW_ECONFLICT when conflicts were left with on_conflict fail,
 * WW_ERROR when items failed, WW_EINTERRUPTED when stopped. */
int ww_apply(ww_plan *p, ww_ddb *ddb, const ww_tables *tables, const ww_apply_opts *o,
	     ww_apply_result *out);

/* The condition of a change's write into `expr`, its names and values
 * (maps, released first by the caller's init); `cond` holds the text. For
 * tests and for the report. Returns 0 when the write needs no condition
 * (an overwrite). */
int ww_apply_condition(const ww_plan *p, const ww_change *c, ww_on_conflict mode, ww_buf *cond,
		       ww_av *names, ww_av *values);

/* Token bucket for --max-wcu: `rate` tokens a second, burst `rate`. */
typedef struct {
	double rate, tokens;
	double last_ms;
} ww_bucket;
void ww_bucket_init(ww_bucket *b, double rate, double now_ms);
/* Take `n` tokens at `now_ms`: returns 0 when taken, else the milliseconds
 * to wait before asking again (nothing taken). A request larger than the
 * burst waits until the bucket is full and then takes it all. */
long ww_bucket_take(ww_bucket *b, double n, double now_ms);

/* Full-jitter backoff: a random delay in [0, min(cap, base * 2^attempt)]
 * ms; `seed` is the caller's rand_r state. */
long ww_backoff_ms(int attempt, int base_ms, int cap_ms, unsigned *seed);

#endif
