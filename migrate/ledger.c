#include "migrate/ledger.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"
#include "migrate/item.h"

void ww_run_init(ww_run *r, const char *layout, const char *version)
{
	unsigned char rnd[8];
	const char *s;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd)) {
		struct timeval tv;
		gettimeofday(&tv, NULL);
		for (i = 0; i < sizeof(rnd); i++)
			rnd[i] =
			    (unsigned char)((tv.tv_usec >> (i * 3)) ^ (getpid() >> i) ^ (int)i);
	}
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(r->run_id + i * 2, 3, "%02x", rnd[i]);
	ww_item_now(r->started_at);
	r->status = "running";
	r->layout = layout;
	r->version = version;
	s = getenv("GITHUB_SHA");
	if (!s || !*s)
		s = getenv("CI_COMMIT_SHA");
	r->commit = s && *s ? s : NULL;
	s = getenv("GITHUB_ACTOR");
	if (!s || !*s)
		s = getenv("USER");
	if (!s || !*s) {
		struct passwd *pw = getpwuid(getuid());
		s = pw ? pw->pw_name : NULL;
	}
	r->actor = s && *s ? s : NULL;
}

static void put_s(ww_av *m, const char *name, const char *v)
{
	if (v)
		ww_av_set_s(ww_av_map_add(m, name), v, strlen(v));
}

static void put_n(ww_av *m, const char *name, double v)
{
	char num[64];

	if (v == (double)(long long)v)
		snprintf(num, sizeof(num), "%lld", (long long)v);
	else
		snprintf(num, sizeof(num), "%.3f", v);
	ww_av_set_n(ww_av_map_add(m, name), num);
}

void ww_run_sk(const ww_run *r, char *out, size_t cap)
{
	snprintf(out, cap, "%s#%s", r->started_at, r->run_id);
}

void ww_run_to_item(const ww_run *r, ww_av *out)
{
	char sk[96];
	ww_av *counts, *kind;
	size_t k, o;

	ww_av_set_container(out, WW_AV_M);
	ww_run_sk(r, sk, sizeof(sk));
	put_s(out, "pk", "run");
	put_s(out, "sk", sk);
	put_s(out, "runId", r->run_id);
	put_s(out, "startedAt", r->started_at);
	if (r->ended_at[0])
		put_s(out, "endedAt", r->ended_at);
	put_s(out, "status", r->status);
	if (r->input_digest[0])
		put_s(out, "inputDigest", r->input_digest);
	put_s(out, "wwseedVersion", r->version);
	put_s(out, "commit", r->commit);
	put_s(out, "actor", r->actor);
	put_s(out, "layout", r->layout);
	if (r->ended_at[0]) {
		put_n(out, "durationSeconds", r->duration_s);
		put_n(out, "requests", (double)r->requests);
		put_n(out, "retries", (double)r->retries);
		put_n(out, "wcu", r->wcu);
	}
	counts = ww_av_map_add(out, "counts");
	ww_av_set_container(counts, WW_AV_M);
	for (k = 0; k < WW_KIND_COUNT; k++) {
		kind = ww_av_map_add(counts, ww_kind_plural((ww_kind)k));
		ww_av_set_container(kind, WW_AV_M);
		for (o = 1; o < WW_OUTCOME_NTYPES; o++)
			put_n(kind, ww_outcome_name((ww_outcome)o), (double)r->counts[k][o]);
	}
}

int ww_ledger_put_run(ww_ddb *ddb, const char *table, const ww_run *r)
{
	ww_av item = WW_AV_INIT;
	int rc;

	ww_run_to_item(r, &item);
	rc = ww_ddb_put_item(ddb, table, &item, NULL, NULL);
	ww_av_release(&item);
	return rc;
}

int ww_ledger_list_runs(ww_ddb *ddb, const char *table, int limit, ww_av *out)
{
	ww_av names = WW_AV_INIT, values = WW_AV_INIT, page = WW_AV_INIT, last = WW_AV_INIT,
	      start = WW_AV_INIT;
	ww_ddb_expr expr = {0};
	ww_ddb_read r = {0};
	size_t i;
	int rc = 0;

	ww_av_release(out);
	ww_av_set_container(out, WW_AV_L);
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_container(&values, WW_AV_M);
	put_s(&names, "#pk", "pk");
	put_s(&values, ":run", "run");
	expr.key_condition = "#pk = :run";
	expr.names = &names;
	expr.values = &values;
	r.table = table;
	r.expr = &expr;
	r.consistent = 1;
	/* Newest first (sort keys start with the start time): the first
	 * `limit` items are the answer, and the pages after them are never
	 * read. */
	r.descending = 1;
	for (;;) {
		r.limit = limit > 0 ? limit - (int)out->n : 0;
		rc = ww_ddb_query(ddb, &r, &page, &last, NULL);
		if (rc)
			goto done;
		for (i = 0; i < page.n && (limit <= 0 || out->n < (size_t)limit); i++)
			ww_av_copy(ww_av_list_add(out), &page.members[i].value);
		if (last.type != WW_AV_M || last.n == 0 || (limit > 0 && out->n >= (size_t)limit))
			break;
		ww_av_copy(&start, &last);
		r.start_key = &start;
	}
done:
	ww_av_release(&names);
	ww_av_release(&values);
	ww_av_release(&page);
	ww_av_release(&last);
	ww_av_release(&start);
	return rc;
}

/* ---- The lock -------------------------------------------------------- */

void ww_lock_holder(char *out, size_t cap, const char *run_id)
{
	char host[128];

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "unknown-host");
	host[sizeof(host) - 1] = 0;
	snprintf(out, cap, "%s@%s:%ld", run_id, host, (long)getpid());
}

static void lock_key(ww_av *key)
{
	ww_av_set_container(key, WW_AV_M);
	put_s(key, "pk", "lock");
	put_s(key, "sk", "import");
}

void ww_lock_item(ww_av *out, const char *holder, const char *run_sk, time_t now, int lease_s)
{
	char iso[32];

	lock_key(out);
	put_s(out, "holder", holder);
	put_s(out, "runSk", run_sk);
	ww_item_iso_time(iso, now, 0);
	put_s(out, "acquiredAt", iso);
	put_n(out, "expiresAt", (double)(now + lease_s));
}

/* Who holds the lock and until when, for the message. */
static void describe_holder(ww_ddb *ddb, const char *table, ww_buf *out, char **holder_out)
{
	ww_av key = WW_AV_INIT, item = WW_AV_INIT;
	int found = 0;
	const char *h, *e;
	char iso[32];

	lock_key(&key);
	if (ww_ddb_get_item(ddb, table, &key, NULL, 1, &item, &found, NULL) == 0 && found) {
		h = ww_av_map_get_str(&item, "holder");
		e = ww_av_map_get_str(&item, "expiresAt");
		ww_item_iso_time(iso, e ? (time_t)strtoll(e, NULL, 10) : 0, 0);
		if (out)
			ww_buf_printf(out, "'%s' (lease ends %s)", h ? h : "?", iso);
		if (holder_out)
			*holder_out = ww_xstrdup(h ? h : "?");
	}
	ww_av_release(&key);
	ww_av_release(&item);
}

/* Who holds the lock now, read consistently: 1 and *mine when there is a
 * lock item, 0 when there is none, or the read's error code. Used after a
 * failed condition, which a retry of our own write whose first answer was
 * lost also gets. */
static int current_holder(ww_lock *lk, int *mine)
{
	ww_av key = WW_AV_INIT, item = WW_AV_INIT;
	const char *h;
	int found = 0, rc;

	*mine = 0;
	lock_key(&key);
	rc = ww_ddb_get_item(lk->ddb, lk->table, &key, NULL, 1, &item, &found, NULL);
	if (rc == 0 && found) {
		h = ww_av_map_get_str(&item, "holder");
		*mine = h && !strcmp(h, lk->holder);
		rc = 1;
	}
	ww_av_release(&key);
	ww_av_release(&item);
	return rc;
}

static int try_take(ww_lock *lk, time_t now)
{
	ww_av item = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr expr = {0};
	int rc;

	ww_lock_item(&item, lk->holder, lk->run_sk, now, lk->lease_s);
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_container(&values, WW_AV_M);
	put_s(&names, "#pk", "pk");
	put_s(&names, "#e", "expiresAt");
	put_n(&values, ":now", (double)now);
	expr.condition = "attribute_not_exists(#pk) OR #e < :now";
	expr.names = &names;
	expr.values = &values;
	rc = ww_ddb_put_item(lk->ddb, lk->table, &item, &expr, NULL);
	if (rc == WW_ECONFLICT) {
		int mine = 0;
		/* The lease we find may be our own, put by an attempt whose
		 * answer was lost: then we hold the lock. */
		if (current_holder(lk, &mine) == 1 && mine) {
			ww_log(WW_LOG_VERBOSE, "import lock: the lease found is ours (an earlier "
					       "answer was lost)");
			rc = 0;
		}
	}
	ww_av_release(&item);
	ww_av_release(&names);
	ww_av_release(&values);
	return rc;
}

static int renew(ww_lock *lk)
{
	ww_av key = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr expr = {0};
	int rc;

	lock_key(&key);
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_container(&values, WW_AV_M);
	put_s(&names, "#h", "holder");
	put_s(&names, "#e", "expiresAt");
	put_s(&values, ":me", lk->holder);
	put_n(&values, ":exp", (double)(time(NULL) + lk->lease_s));
	expr.update = "SET #e = :exp";
	expr.condition = "#h = :me";
	expr.names = &names;
	expr.values = &values;
	rc = ww_ddb_update_item(lk->ddb, lk->table, &key, &expr, NULL, NULL);
	if (rc == WW_ECONFLICT) {
		int mine = 0;
		/* Only someone else's lease means the lock is lost. */
		if (current_holder(lk, &mine) == 1 && mine)
			rc = 0;
	}
	ww_av_release(&key);
	ww_av_release(&names);
	ww_av_release(&values);
	return rc;
}

static void *heartbeat(void *arg)
{
	ww_lock *lk = arg;
	struct timespec until;
	int every = lk->lease_s / 3 > 0 ? lk->lease_s / 3 : 1;
	int rc;

	pthread_mutex_lock(&lk->mu);
	while (!lk->stopping) {
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += every;
		while (!lk->stopping &&
		       pthread_cond_timedwait(&lk->cv, &lk->mu, &until) != ETIMEDOUT)
			;
		if (lk->stopping)
			break;
		pthread_mutex_unlock(&lk->mu);
		rc = renew(lk);
		pthread_mutex_lock(&lk->mu);
		if (rc == WW_ECONFLICT) {
			lk->lost = 1;
			/* Someone took the lease: start no new batch. */
			if (lk->stop)
				__atomic_store_n(lk->stop, 1, __ATOMIC_SEQ_CST);
			ww_log_warning(
			    "import lock lost: another run took it after our lease expired");
			break;
		}
		if (rc)
			ww_log_warning("could not renew the import lock: %s", ww_error_message());
	}
	pthread_mutex_unlock(&lk->mu);
	return NULL;
}

/* The run record named by an expired lease of another holder, read
 * consistently before we try to take it: malloc'd runSk, or NULL. */
static char *expired_other_run(ww_lock *lk, time_t now)
{
	ww_av key = WW_AV_INIT, item = WW_AV_INIT;
	const char *h, *e, *sk;
	char *out = NULL;
	int found = 0;

	lock_key(&key);
	if (ww_ddb_get_item(lk->ddb, lk->table, &key, NULL, 1, &item, &found, NULL) == 0 && found) {
		h = ww_av_map_get_str(&item, "holder");
		e = ww_av_map_get_str(&item, "expiresAt");
		sk = ww_av_map_get_str(&item, "runSk");
		if (sk && e && strtoll(e, NULL, 10) < (long long)now &&
		    (!h || strcmp(h, lk->holder)))
			out = ww_xstrdup(sk);
	}
	ww_av_release(&key);
	ww_av_release(&item);
	return out;
}

/* Mark the dead run `run_sk` abandoned, on condition that its record still
 * says running (a run that ended and then lost its lease keeps its status). */
static void mark_abandoned(ww_lock *lk, const char *run_sk)
{
	ww_av key = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr expr = {0};
	const char *hash = strrchr(run_sk, '#');
	char ended[32];
	int rc;

	ww_av_set_container(&key, WW_AV_M);
	put_s(&key, "pk", "run");
	put_s(&key, "sk", run_sk);
	ww_av_set_container(&names, WW_AV_M);
	ww_av_set_container(&values, WW_AV_M);
	put_s(&names, "#s", "status");
	put_s(&names, "#a", "abandonedAt");
	put_s(&values, ":running", "running");
	put_s(&values, ":abandoned", "abandoned");
	ww_item_now(ended);
	put_s(&values, ":at", ended);
	expr.update = "SET #s = :abandoned, #a = :at";
	expr.condition = "#s = :running";
	expr.names = &names;
	expr.values = &values;
	rc = ww_ddb_update_item(lk->ddb, lk->table, &key, &expr, NULL, NULL);
	if (rc == 0) {
		free(lk->abandoned);
		lk->abandoned = ww_xstrdup(hash ? hash + 1 : run_sk);
		ww_log(WW_LOG_NORMAL,
		       "took over the expired import lock of run '%s'; recorded it as abandoned",
		       lk->abandoned);
	} else if (rc != WW_ECONFLICT) {
		ww_log_warning("could not record run '%s' as abandoned: %s", run_sk,
			       ww_error_message());
	}
	ww_av_release(&key);
	ww_av_release(&names);
	ww_av_release(&values);
}

int ww_lock_acquire(ww_lock *lk, ww_ddb *ddb, const char *table, const char *holder,
		    const char *run_sk, int lease_s, int timeout_s, volatile sig_atomic_t *stop)
{
	char *dead = NULL;
	time_t start = time(NULL), now;
	ww_buf who = WW_BUF_INIT;
	int rc, announced = 0;

	memset(lk, 0, sizeof(*lk));
	lk->ddb = ddb;
	lk->table = ww_xstrdup(table);
	lk->holder = ww_xstrdup(holder);
	lk->run_sk = run_sk ? ww_xstrdup(run_sk) : NULL;
	lk->lease_s = lease_s > 0 ? lease_s : 60;
	lk->stop = stop;
	pthread_mutex_init(&lk->mu, NULL);
	pthread_cond_init(&lk->cv, NULL);
	for (;;) {
		now = time(NULL);
		free(dead);
		dead = expired_other_run(lk, now);
		rc = try_take(lk, now);
		if (rc != WW_ECONFLICT)
			break;
		if (stop && __atomic_load_n(stop, __ATOMIC_SEQ_CST)) {
			rc = ww_error_set(WW_EINTERRUPTED,
					  "interrupted while waiting for the import lock");
			break;
		}
		if (now - start >= timeout_s) {
			ww_buf_clear(&who);
			describe_holder(ddb, table, &who, NULL);
			rc = ww_error_set(
			    WW_ELOCKED,
			    "import lock in '%s' is held by %s; waited %ds (--lock-timeout); if "
			    "that run is dead, use --force-unlock",
			    table, who.len ? ww_buf_cstr(&who) : "another run", timeout_s);
			break;
		}
		if (!announced) {
			describe_holder(ddb, table, &who, NULL);
			ww_log(WW_LOG_NORMAL, "waiting for the import lock held by %s (up to %ds)",
			       who.len ? ww_buf_cstr(&who) : "another run", timeout_s);
			announced = 1;
		}
		sleep(1);
	}
	ww_buf_release(&who);
	if (rc == 0 && dead)
		mark_abandoned(lk, dead);
	free(dead);
	if (rc)
		return rc;
	lk->held = 1;
	if (pthread_create(&lk->hb, NULL, heartbeat, lk) == 0)
		lk->hb_running = 1;
	return 0;
}

void ww_lock_release(ww_lock *lk)
{
	ww_av key = WW_AV_INIT, names = WW_AV_INIT, values = WW_AV_INIT;
	ww_ddb_expr expr = {0};
	int rc;

	if (!lk || !lk->table)
		return;
	if (lk->hb_running) {
		pthread_mutex_lock(&lk->mu);
		lk->stopping = 1;
		pthread_cond_broadcast(&lk->cv);
		pthread_mutex_unlock(&lk->mu);
		pthread_join(lk->hb, NULL);
		lk->hb_running = 0;
	}
	if (lk->held && !lk->lost) {
		lock_key(&key);
		ww_av_set_container(&names, WW_AV_M);
		ww_av_set_container(&values, WW_AV_M);
		put_s(&names, "#h", "holder");
		put_s(&values, ":me", lk->holder);
		expr.condition = "#h = :me";
		expr.names = &names;
		expr.values = &values;
		rc = ww_ddb_delete_item(lk->ddb, lk->table, &key, &expr, NULL);
		if (rc == WW_ECONFLICT) {
			int mine = 0;
			/* No lock item left: an earlier attempt deleted it and
			 * its answer was lost. A lease of ours still there is
			 * deleted again; someone else's is theirs. */
			int held = current_holder(lk, &mine);
			if (held == 0)
				rc = 0;
			else if (held == 1 && mine)
				rc = ww_ddb_delete_item(lk->ddb, lk->table, &key, &expr, NULL);
			else if (held == 1)
				rc = ww_error_set(WW_ECONFLICT,
						  "the lease was taken by another run");
		}
		if (rc)
			ww_log_warning("could not release the import lock: %s", ww_error_message());
	}
	lk->held = 0;
	pthread_mutex_destroy(&lk->mu);
	pthread_cond_destroy(&lk->cv);
	free(lk->table);
	free(lk->holder);
	free(lk->run_sk);
	free(lk->abandoned);
	lk->table = lk->holder = lk->run_sk = lk->abandoned = NULL;
	ww_av_release(&key);
	ww_av_release(&names);
	ww_av_release(&values);
}

int ww_lock_force_unlock(ww_ddb *ddb, const char *table, char **holder_out)
{
	ww_av key = WW_AV_INIT;
	int rc;

	if (holder_out) {
		*holder_out = NULL;
		describe_holder(ddb, table, NULL, holder_out);
	}
	lock_key(&key);
	rc = ww_ddb_delete_item(ddb, table, &key, NULL, NULL);
	ww_av_release(&key);
	return rc;
}
