#include "migrate/apply.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/error.h"
#include "common/log.h"

#define BATCH_MAX_REQUESTS 25
#define BATCH_MAX_BYTES (16u * 1024 * 1024)

int ww_on_conflict_parse(const char *s)
{
	if (!strcmp(s, "fail"))
		return WW_CONFLICT_FAIL;
	if (!strcmp(s, "overwrite"))
		return WW_CONFLICT_OVERWRITE;
	if (!strcmp(s, "skip"))
		return WW_CONFLICT_SKIP;
	return -1;
}

void ww_bucket_init(ww_bucket *b, double rate, double now_ms)
{
	b->rate = rate;
	b->tokens = rate;
	b->last_ms = now_ms;
}

long ww_bucket_take(ww_bucket *b, double n, double now_ms)
{
	double burst = b->rate > n ? b->rate : n;

	if (now_ms > b->last_ms) {
		b->tokens += (now_ms - b->last_ms) * b->rate / 1000.0;
		if (b->tokens > burst)
			b->tokens = burst;
		b->last_ms = now_ms;
	}
	if (b->tokens >= n) {
		b->tokens -= n;
		return 0;
	}
	return (long)((n - b->tokens) * 1000.0 / b->rate) + 1;
}

long ww_backoff_ms(int attempt, int base_ms, int cap_ms, unsigned *seed)
{
	double ceiling = base_ms;
	int i;

	for (i = 0; i < attempt && ceiling < cap_ms; i++)
		ceiling *= 2;
	if (ceiling > cap_ms)
		ceiling = cap_ms;
	return (long)(ceiling * ((double)rand_r(seed) / ((double)RAND_MAX + 1.0)));
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	if (ms > 0)
		nanosleep(&ts, NULL);
}

static void add_name(ww_av *names, const char *ph, const char *name)
{
	ww_av_set_s(ww_av_map_add(names, ph), name, strlen(name));
}

static void and (ww_buf * cond, const char *text)
{
	if (cond->len)
		ww_buf_puts(cond, " AND ");
	ww_buf_puts(cond, text);
}

int ww_apply_condition(const ww_plan *p, const ww_change *c, ww_on_conflict mode, ww_buf *cond,
		       ww_av *names, ww_av *values)
{
	const ww_layout *l = p->layout;
	char hash_buf[65];
	const char *remote_hash = ww_change_remote_hash(c, hash_buf);
	char num[32];

	ww_buf_clear(cond);
	ww_av_set_container(names, WW_AV_M);
	ww_av_set_container(values, WW_AV_M);
	if (c->type == WW_CHANGE_ORPHAN) {
		add_name(names, "#w", WW_META_ATTR);
		add_name(names, "#m", "managedBy");
		ww_av_set_s(ww_av_map_add(values, ":m"), "wwseed", 6);
		and(cond, "#w.#m = :m");
		if (remote_hash) {
			add_name(names, "#h", "hash");
			ww_av_set_s(ww_av_map_add(values, ":h"), remote_hash, strlen(remote_hash));
			and(cond, "#w.#h = :h");
		}
		return 1;
	}
	if (mode == WW_CONFLICT_OVERWRITE)
		return 0;
	add_name(names, "#k", l->kinds[c->kind].keys[0].name);
	if (c->type == WW_CHANGE_CREATE) {
		and(cond, "attribute_not_exists(#k)");
		return 1;
	}
	and(cond, "attribute_exists(#k)");
	add_name(names, "#w", WW_META_ATTR);
	if (remote_hash) {
		add_name(names, "#h", "hash");
		ww_av_set_s(ww_av_map_add(values, ":h"), remote_hash, strlen(remote_hash));
		and(cond, "#w.#h = :h");
	} else {
		and(cond, "attribute_not_exists(#w)");
	}
	if (l->version_attr) {
		add_name(names, "#v", l->version_attr);
		if (c->remote_has_version) {
			snprintf(num, sizeof(num), "%ld", c->remote_version);
			ww_av_set_n(ww_av_map_add(values, ":v"), num);
			and(cond, "#v = :v");
		} else {
			and(cond, "attribute_not_exists(#v)");
		}
	}
	if (l->updated_attr) {
		add_name(names, "#u", l->updated_attr);
		if (c->remote_updated) {
			ww_av_set_s(ww_av_map_add(values, ":u"), c->remote_updated,
				    strlen(c->remote_updated));
			and(cond, "#u = :u");
		} else {
			and(cond, "attribute_not_exists(#u)");
		}
	}
	return 1;
}

/* ---- The worker pool ------------------------------------------------- */
typedef struct {
	size_t *idx; /* change indices */
	size_t n;
} batch;

typedef struct {
	ww_plan *plan;
	ww_ddb *ddb;
	const ww_tables *tables;
	const ww_apply_opts *o;
	batch *batches;
	size_t nbatches, next;
	size_t done, total;
	pthread_mutex_t mu;
	ww_bucket bucket;
	int use_bucket;
	unsigned seed;
} pool;

static void set_error(ww_change *c, const ww_ddb_error *e, const char *fallback)
{
	free(c->err_type);
	free(c->err_message);
	free(c->err_request_id);
	c->err_type =
	    ww_xstrdup(e && e->type[0] ? e->type : ww_error_code_name(e ? e->code : WW_ERROR));
	c->err_message = ww_xstrdup(e && e->message[0] ? e->message : fallback);
	c->err_request_id = e && e->request_id[0] ? ww_xstrdup(e->request_id) : NULL;
	if (e && e->attempts > c->attempts)
		c->attempts = e->attempts;
}

static void take_capacity(pool *pl, double wcu)
{
	long wait;

	if (!pl->use_bucket)
		return;
	for (;;) {
		pthread_mutex_lock(&pl->mu);
		wait = ww_bucket_take(&pl->bucket, wcu, now_ms());
		pthread_mutex_unlock(&pl->mu);
		if (!wait)
			return;
		sleep_ms(wait);
	}
}

static ww_outcome done_outcome(const ww_change *c)
{
	switch (c->type) {
	case WW_CHANGE_CREATE:
		return WW_OUTCOME_CREATED;
	case WW_CHANGE_UPDATE:
		return WW_OUTCOME_UPDATED;
	case WW_CHANGE_ORPHAN:
		return WW_OUTCOME_DELETED;
	default:
		return WW_OUTCOME_UNCHANGED;
	}
}

/* The stored item's _wwseed member `name`, or NULL (borrowed). */
static const char *meta_str(const ww_av *item, const char *name)
{
	const ww_av *m = ww_av_map_get(item, WW_META_ATTR);

	return m && m->type == WW_AV_M ? ww_av_map_get_str(m, name) : NULL;
}

/*
 * After a failed condition: did an earlier send of this write land (its
 * answer lost on the way back)? A consistent read decides:
 * a delete landed when the item is gone; a put landed when the item holds
 * the hash we wrote under this run's id. Anything else, or a failed read,
 * stays a conflict.
 */
static int landed_earlier(pool *pl, const ww_change *c, const char *table)
{
	ww_av stored = WW_AV_INIT, key = WW_AV_INIT;
	const char *hash, *run, *want_run;
	char want_hash[65];
	int found = 0, landed = 0;

	ww_plan_key(pl->plan, c, &key);
	if (ww_ddb_get_item(pl->ddb, table, &key, NULL, 1, &stored, &found, NULL))
		goto done;
	if (c->type == WW_CHANGE_ORPHAN) {
		landed = !found;
		goto done;
	}
	hash = meta_str(&stored, "hash");
	run = meta_str(&stored, "runId");
	ww_change_hash(c, want_hash);
	want_run = ww_plan_run_id(pl->plan);
	landed = found && hash && run && !strcmp(hash, want_hash) && !strcmp(run, want_run);
done:
	ww_av_release(&stored);
	ww_av_release(&key);
	return landed;
}

/* One conditional PutItem or DeleteItem. */
static void write_one(pool *pl, ww_change *c)
{
	ww_buf cond = WW_BUF_INIT, item = WW_BUF_INIT;
	ww_av names = WW_AV_INIT, values = WW_AV_INIT, key = WW_AV_INIT;
	ww_ddb_expr expr = {0};
	ww_ddb_error err;
	const char *table = ww_plan_table(pl->tables, c);
	int rc, has;

	memset(&err, 0, sizeof(err));
	has = ww_apply_condition(pl->plan, c, pl->o->on_conflict, &cond, &names, &values);
	if (has) {
		expr.condition = ww_buf_cstr(&cond);
		expr.names = &names;
		expr.values = values.n ? &values : NULL;
	}
	if (c->type != WW_CHANGE_ORPHAN && ww_plan_item_json(pl->plan, c, &item)) {
		c->outcome = WW_OUTCOME_FAILED;
		set_error(c, NULL, ww_error_message());
		goto done;
	}
	take_capacity(pl, c->wcu);
	if (c->type == WW_CHANGE_ORPHAN) {
		ww_plan_key(pl->plan, c, &key);
		rc = ww_ddb_delete_item(pl->ddb, table, &key, has ? &expr : NULL, &err);
	} else {
		rc = ww_ddb_put_item_raw(pl->ddb, table, ww_buf_cstr(&item), has ? &expr : NULL,
					 &err);
	}
	c->attempts += err.attempts > 0 ? err.attempts : 1;
	/* Not only when the client counted a retry: curl itself resends a
	 * request once, within one attempt, when a reused connection dies
	 * before the answer, and that resend can find our own write. */
	if (rc == WW_ECONFLICT && landed_earlier(pl, c, table)) {
		ww_log(WW_LOG_VERBOSE,
		       "%s '%s': an earlier attempt was written (its answer was lost)",
		       ww_kind_name(c->kind), c->id);
		rc = 0;
	}
	if (rc == 0) {
		c->outcome = done_outcome(c);
	} else if (rc == WW_ECONFLICT) {
		c->outcome = pl->o->on_conflict == WW_CONFLICT_SKIP || c->type == WW_CHANGE_ORPHAN
				 ? WW_OUTCOME_SKIPPED
				 : WW_OUTCOME_CONFLICT;
		set_error(c, &err, ww_error_message());
		if (c->type == WW_CHANGE_ORPHAN) {
			free(c->err_message);
			c->err_message = ww_xstrdup("not deleted: the item changed or lost the "
						    "wwseed mark since plan read it");
		}
	} else {
		c->outcome = WW_OUTCOME_FAILED;
		set_error(c, &err, ww_error_message());
	}
done:
	ww_buf_release(&cond);
	ww_buf_release(&item);
	ww_av_release(&key);
	ww_av_release(&names);
	ww_av_release(&values);
}

/* Puts without conditions as BatchWriteItem, resending what comes back
 * unprocessed with backoff until max_attempts. */
static void write_batch(pool *pl, ww_change **cs, size_t n, unsigned *seed)
{
	ww_ddb_write *reqs = ww_xcalloc(n ? n : 1, sizeof(*reqs));
	ww_ddb_write *left = NULL;
	size_t nreq = n, nleft = 0, i;
	int attempt, rc = 0, max = pl->o->max_attempts > 0 ? pl->o->max_attempts : 8;
	int base = pl->o->base_ms > 0 ? pl->o->base_ms : 50,
	    cap = pl->o->cap_ms > 0 ? pl->o->cap_ms : 5000;
	ww_ddb_error err;
	double wcu = 0;

	/* The items' text exists only while their batch is in flight. */
	for (i = 0, nreq = 0; i < n; i++) {
		ww_buf text = WW_BUF_INIT;
		if (ww_plan_item_json(pl->plan, cs[i], &text)) {
			ww_buf_release(&text);
			cs[i]->outcome = WW_OUTCOME_FAILED;
			set_error(cs[i], NULL, ww_error_message());
			continue;
		}
		reqs[nreq].table = ww_plan_table(pl->tables, cs[i]);
		reqs[nreq].raw = ww_buf_detach(&text);
		reqs[nreq].user = cs[i];
		wcu += cs[i]->wcu;
		nreq++;
	}
	for (attempt = 0; nreq > 0 && attempt < max; attempt++) {
		if (attempt)
			sleep_ms(ww_backoff_ms(attempt, base, cap, seed));
		wcu = 0;
		for (i = 0; i < nreq; i++)
			wcu += ((ww_change *)reqs[i].user)->wcu;
		take_capacity(pl, wcu);
		memset(&err, 0, sizeof(err));
		for (i = 0; i < nreq; i++)
			((ww_change *)reqs[i].user)->attempts++;
		rc = ww_ddb_batch_write(pl->ddb, reqs, nreq, &left, &nleft, &err);
		if (rc) {
			for (i = 0; i < nreq; i++) {
				ww_change *c = reqs[i].user;
				c->outcome = WW_OUTCOME_FAILED;
				set_error(c, &err, ww_error_message());
			}
			break;
		}
		/* Whatever is not handed back was written. */
		for (i = 0; i < nreq; i++) {
			ww_change *c = reqs[i].user;
			size_t j;
			int back = 0;
			for (j = 0; j < nleft && !back; j++)
				back = left[j].user == c;
			if (!back)
				c->outcome = done_outcome(c);
		}
		ww_ddb_writes_release(reqs, nreq);
		reqs = left;
		nreq = nleft;
		left = NULL;
		nleft = 0;
	}
	if (rc == 0) {
		for (i = 0; i < nreq; i++) {
			ww_change *c = reqs[i].user;
			char msg[128];
			c->outcome = WW_OUTCOME_FAILED;
			snprintf(msg, sizeof(msg), "still unprocessed after %d attempts", max);
			free(c->err_type);
			free(c->err_message);
			c->err_type = ww_xstrdup("UnprocessedItems");
			c->err_message = ww_xstrdup(msg);
		}
	}
	ww_ddb_writes_release(reqs, nreq);
	ww_ddb_writes_release(left, nleft);
}

/* Count finished requests and tell the progress callback (serialised). */
static void report_done(pool *pl, size_t n)
{
	pthread_mutex_lock(&pl->mu);
	pl->done += n;
	if (pl->o->progress)
		pl->o->progress(pl->o->progress_ctx, pl->done, pl->total);
	pthread_mutex_unlock(&pl->mu);
}

static void *worker(void *arg)
{
	pool *pl = arg;
	unsigned seed;
	size_t b, i;

	pthread_mutex_lock(&pl->mu);
	seed = pl->seed++;
	pthread_mutex_unlock(&pl->mu);
	for (;;) {
		ww_change *puts[BATCH_MAX_REQUESTS];
		size_t nputs = 0;

		pthread_mutex_lock(&pl->mu);
		if ((pl->o->stop && __atomic_load_n(pl->o->stop, __ATOMIC_SEQ_CST)) ||
		    pl->next >= pl->nbatches) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		b = pl->next++;
		pthread_mutex_unlock(&pl->mu);
		for (i = 0; i < pl->batches[b].n; i++) {
			ww_change *c = &pl->plan->items[pl->batches[b].idx[i]];
			if (c->type != WW_CHANGE_ORPHAN &&
			    pl->o->on_conflict == WW_CONFLICT_OVERWRITE)
				puts[nputs++] = c;
			else {
				write_one(pl, c);
				report_done(pl, 1);
			}
		}
		if (nputs) {
			write_batch(pl, puts, nputs, &seed);
			report_done(pl, nputs);
		}
	}
	return NULL;
}

int ww_apply(ww_plan *p, ww_ddb *ddb, const ww_tables *tables, const ww_apply_opts *o,
	     ww_apply_result *out)
{
	pool pl;
	pthread_t *threads = NULL;
	size_t i, nthreads, started = 0, bytes = 0;
	int rc = 0, conflicts = 0;

	memset(out, 0, sizeof(*out));
	memset(&pl, 0, sizeof(pl));
	pl.plan = p;
	pl.ddb = ddb;
	pl.tables = tables;
	pl.o = o;
	pl.seed = (unsigned)time(NULL) ^ (unsigned)getpid();
	pthread_mutex_init(&pl.mu, NULL);
	if (o->max_wcu > 0) {
		ww_bucket_init(&pl.bucket, o->max_wcu, now_ms());
		pl.use_bucket = 1;
	}
	pl.batches = ww_xcalloc(p->n ? p->n : 1, sizeof(batch));
	for (i = 0; i < p->n; i++) {
		ww_change *c = &p->items[i];
		size_t size;
		batch *cur;

		c->outcome = WW_OUTCOME_PENDING;
		if (c->type == WW_CHANGE_UNCHANGED) {
			c->outcome = WW_OUTCOME_UNCHANGED;
			continue;
		}
		if (c->type == WW_CHANGE_ORPHAN && !o->prune) {
			c->outcome = WW_OUTCOME_KEPT;
			continue;
		}
		if (c->type == WW_CHANGE_ORPHAN) {
			ww_av key = WW_AV_INIT;
			ww_plan_key(p, c, &key);
			size = ww_av_item_size(&key);
			ww_av_release(&key);
		} else {
			size = c->size;
		}
		cur = pl.nbatches ? &pl.batches[pl.nbatches - 1] : NULL;
		if (!cur || cur->n == BATCH_MAX_REQUESTS || bytes + size > BATCH_MAX_BYTES) {
			cur = &pl.batches[pl.nbatches++];
			cur->idx = ww_xcalloc(BATCH_MAX_REQUESTS, sizeof(size_t));
			bytes = 0;
		}
		cur->idx[cur->n++] = i;
		bytes += size;
		pl.total++;
	}
	out->to_write = pl.total;
	out->batches = pl.nbatches;
	nthreads = o->concurrency > 0 ? (size_t)o->concurrency : 4;
	if (nthreads > pl.nbatches)
		nthreads = pl.nbatches;
	threads = ww_xcalloc(nthreads ? nthreads : 1, sizeof(*threads));
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, worker, &pl))
			break;
		started++;
	}
	if (started == 0 && pl.nbatches)
		worker(&pl);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	for (i = 0; i < p->n; i++) {
		switch (p->items[i].outcome) {
		case WW_OUTCOME_PENDING:
			out->pending++;
			break;
		case WW_OUTCOME_FAILED:
			out->failed++;
			break;
		case WW_OUTCOME_CONFLICT:
			out->failed++;
			conflicts++;
			break;
		default:
			break;
		}
	}
	out->interrupted =
	    o->stop && __atomic_load_n(o->stop, __ATOMIC_SEQ_CST) && out->pending > 0;
	if (out->interrupted)
		rc = ww_error_set(WW_EINTERRUPTED, "interrupted: %zu of %zu writes not attempted",
				  out->pending, pl.total);
	else if (out->failed > (size_t)conflicts)
		rc = ww_error_set(WW_ERROR, "%zu items were not written", out->failed);
	else if (conflicts)
		rc = ww_error_set(
		    WW_ECONFLICT,
		    "%d items changed in the table since plan read them (--on-conflict fail)",
		    conflicts);
	for (i = 0; i < pl.nbatches; i++)
		free(pl.batches[i].idx);
	free(pl.batches);
	free(threads);
	pthread_mutex_destroy(&pl.mu);
	return rc;
}
