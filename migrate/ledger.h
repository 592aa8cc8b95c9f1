#ifndef WW_MIGRATE_LEDGER_H
#define WW_MIGRATE_LEDGER_H

#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <time.h>

#include "aws/ddb.h"
#include "migrate/plan.h"

/*
 * The ledger table (pk S, sk S, TTL attribute expiresAt) holds two kinds of
 * items:
 *   - runs: pk "run", sk "<startedAt>#<runId>", one per import, written when
 *     it starts (status "running") and again when it ends;
 *   - the import lock: pk "lock", sk "import", a lease: holder (runId, host,
 *     pid), expiresAt (epoch seconds). Taken with a conditional PutItem
 *     (attribute_not_exists(pk) OR expiresAt < :now), so a lease whose
 *     expiresAt has passed counts as free even where TTL never sweeps it;
 *     renewed by a heartbeat thread on condition that we still hold it;
 *     released with a conditional DeleteItem.
 */
typedef struct {
	char run_id[40];
	char started_at[32];
	char ended_at[32];  /* "" while running */
	const char *status; /* running|succeeded|failed|interrupted|abandoned */
	char input_digest[65];
	size_t counts[WW_KIND_COUNT][WW_OUTCOME_NTYPES];
	const char *layout;
	const char *version; /* wwseed version */
	const char *commit;  /* GITHUB_SHA / CI_COMMIT_SHA or NULL */
	const char *actor;   /* GITHUB_ACTOR or USER or NULL */
	double duration_s;
	unsigned long requests, retries;
	double wcu;
} ww_run;

/* A fresh run id (16 lowercase hex characters from the system's random
 * source) and the start time, status "running", commit and actor from the
 * environment. */
void ww_run_init(ww_run *r, const char *layout, const char *version);
/* The ledger item of a run into `out` (released first). */
void ww_run_to_item(const ww_run *r, ww_av *out);
/* The run's ledger sort key "<startedAt>#<runId>" into out. */
void ww_run_sk(const ww_run *r, char *out, size_t cap);
/* PutItem the run's item (unconditional: the sort key is unique). */
int ww_ledger_put_run(ww_ddb *ddb, const char *table, const ww_run *r);
/* The last `limit` runs, newest first, into `out` (a WW_AV_L of items,
 * released first). */
int ww_ledger_list_runs(ww_ddb *ddb, const char *table, int limit, ww_av *out);

typedef struct {
	ww_ddb *ddb;
	char *table;
	char *holder;
	char *run_sk;	 /* our run's ledger sort key, carried by the lock item; may be NULL */
	char *abandoned; /* the run whose expired lease we took over (its runId), or NULL */
	int lease_s;
	int held;
	int lost; /* a renewal found someone else's lease */
	int hb_running;
	pthread_t hb;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
	volatile sig_atomic_t *stop; /* set when the lease is lost */
} ww_lock;

/* "<runId>@<host>:<pid>" into out. */
void ww_lock_holder(char *out, size_t cap, const char *run_id);
/* The lock item for `holder` with a lease ending at `now + lease_s`;
 * `run_sk` (may be NULL) names the holder's run record in the ledger
 * (attribute runSk), so whoever takes over an expired lease can mark that
 * run abandoned. */
void ww_lock_item(ww_av *out, const char *holder, const char *run_sk, time_t now, int lease_s);

/* Take the lock, polling once a second for up to `timeout_s` while someone
 * else holds an unexpired lease. Returns 0, WW_EINTERRUPTED when *stop is
 * set while waiting, WW_ELOCKED with a message naming the holder and when
 * the lease ends, or the error of the service. Starts the heartbeat on success; if a renewal
 * finds the lease taken by another run, the heartbeat sets *stop so no new
 * batch starts, and `lost` says why. When the lease taken over was another
 * run's expired one (a dead run), that run's ledger record is marked
 * "abandoned" if it still says "running", and `abandoned` names the run. */
int ww_lock_acquire(ww_lock *lk, ww_ddb *ddb, const char *table, const char *holder,
		    const char *run_sk, int lease_s, int timeout_s, volatile sig_atomic_t *stop);
/* Stop the heartbeat and delete the lock if we still hold it; safe on a
 * lock never taken and twice. */
void ww_lock_release(ww_lock *lk);
/* Delete the lock whoever holds it; `holder_out` (may be NULL) gets who
 * held it (malloc'd, NULL when there was no lock). */
int ww_lock_force_unlock(ww_ddb *ddb, const char *table, char **holder_out);

#endif
