/*
 * Micro-benchmark of the DynamoDB client (not a test): PutItem,
 * BatchWriteItem (25 items) and GetItem requests, with 1 and with K threads
 * sharing one client, against
 *   - a DynamoDB-compatible server (--endpoint URL, e.g. local dynalite), and
 *   - a null server (--null) that this program forks: it answers every
 *     request with "{}" and a correct x-amz-crc32, so the figures show the
 *     client's own ceiling (signing, JSON, curl, CRC).
 * Reports requests per second and the client's CPU time per request
 * (getrusage of this process; the forked null server is not counted).
 *
 *   build/bench/ddb_client --endpoint http://127.0.0.1:PORT [-n N] [-k K]
 *   build/bench/ddb_client --null [-n N] [-k K]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "aws/crc32.h"
#include "aws/creds.h"
#include "aws/ddb.h"
#include "common/error.h"
#include "common/log.h"

/* ---- The null server (child process) -------------------------------- */

#define NULL_BUF (1 << 20) /* a whole request: 25 items of a few KB */

static void *null_conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *buf = malloc(NULL_BUF), resp[256];
	size_t have = 0;
	int n;

	n = snprintf(resp, sizeof(resp),
		     "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
		     "x-amzn-RequestId: NULLSERVER\r\nx-amz-crc32: %u\r\nContent-Length: 2\r\n\r\n{}",
		     (unsigned)ww_crc32(0, "{}", 2));
	for (;;) {
		char *end;
		long clen = 0;
		const char *cl;
		size_t head, total;
		ssize_t r;

		end = have ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
		if (!end) {
			if (have == NULL_BUF)
				break;
			r = read(fd, buf + have, NULL_BUF - have);
			if (r <= 0)
				break;
			have += (size_t)r;
			continue;
		}
		head = (size_t)(end - buf) + 4;
		cl = memmem(buf, head, "ontent-Length:", 14);
		if (!cl)
			cl = memmem(buf, head, "ontent-length:", 14);
		if (cl)
			clen = strtol(cl + 14, NULL, 10);
		total = head + (size_t)clen;
		if (total > NULL_BUF)
			break;
		while (have < total) {
			r = read(fd, buf + have, NULL_BUF - have);
			if (r <= 0)
				goto done;
			have += (size_t)r;
		}
		if (write(fd, resp, (size_t)n) != n)
			break;
		memmove(buf, buf + total, have - total);
		have -= total;
	}
done:
	free(buf);
	close(fd);
	return NULL;
}

/* Fork a server on a free loopback port; returns its pid, *port set. */
static pid_t null_server_start(int *port)
{
	struct sockaddr_in a;
	socklen_t alen = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), one = 1;
	pid_t pid;

	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 64) ||
	    getsockname(s, (struct sockaddr *)&a, &alen)) {
		perror("null server");
		exit(1);
	}
	*port = ntohs(a.sin_port);
	pid = fork();
	if (pid < 0) {
		perror("fork");
		exit(1);
	}
	if (pid > 0) {
		close(s);
		return pid;
	}
	for (;;) {
		pthread_t th;
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		pthread_create(&th, NULL, null_conn, (void *)(intptr_t)c);
		pthread_detach(th);
	}
}

/* ---- The client side ------------------------------------------------- */

enum op { OP_PUT, OP_BATCH, OP_GET, OP_BIG };
static const char *const op_names[] = { "PutItem", "BatchWriteItem(25)", "GetItem",
					"BatchWriteItem(25x3KB)" };
static const char *const op_flags[] = { "put", "batch", "get", "big" };

static ww_ddb *ddb;
static const char *table = "wwseed-bench-client";

struct job {
	enum op op;
	int thread, count;
	int rc;
};

/* ~2.8 KB as JSON (a 70 KB batch), the size of an imported definition's item: nested maps,
 * a list and long strings, not one blob. */
static void make_big_item(ww_av *it, int thread, int i)
{
	char id[48], name[32], text[200];
	ww_av *rules, *tiers;
	int k;

	snprintf(id, sizeof(id), "t%d-%d", thread, i);
	ww_av_set_container(it, WW_AV_M);
	ww_av_set_s(ww_av_map_add(it, "id"), id, strlen(id));
	ww_av_set_s(ww_av_map_add(it, "kind"), "scratcher", 9);
	ww_av_set_n(ww_av_map_add(it, "version"), "3");
	rules = ww_av_map_add(it, "rules");
	ww_av_set_container(rules, WW_AV_M);
	for (k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "rule_%d", k);
		snprintf(text, sizeof(text),
			 "Match %d symbols in a row, column or diagonal to win the prize shown in "
			 "the legend; void if altered, torn or illegible (rule %d of 8).",
			 k + 3, k + 1);
		ww_av_set_s(ww_av_map_add(rules, name), text, strlen(text));
	}
	tiers = ww_av_map_add(it, "tiers");
	ww_av_set_container(tiers, WW_AV_L);
	for (k = 0; k < 12; k++) {
		ww_av *t = ww_av_list_add(tiers);
		snprintf(name, sizeof(name), "%d.00", (k + 1) * 5);
		ww_av_set_container(t, WW_AV_M);
		ww_av_set_n(ww_av_map_add(t, "amount"), name);
		ww_av_set_n(ww_av_map_add(t, "odds"), "1250.75");
		ww_av_set_s(ww_av_map_add(t, "label"), "tier-of-the-standard-table", 26);
		ww_av_set_bool(ww_av_map_add(t, "claimable"), k % 2);
	}
}

static void make_item(ww_av *it, int thread, int i)
{
	char id[48];

	snprintf(id, sizeof(id), "t%d-%d", thread, i);
	ww_av_set_container(it, WW_AV_M);
	ww_av_set_s(ww_av_map_add(it, "id"), id, strlen(id));
	ww_av_set_s(ww_av_map_add(it, "prize"), "grand-prize-of-the-week", 23);
	ww_av_set_s(ww_av_map_add(it, "store"), "store-0042", 10);
	ww_av_set_n(ww_av_map_add(it, "price"), "2.50");
	ww_av_set_n(ww_av_map_add(it, "sold_at"), "1795262400");
	ww_av_set_bool(ww_av_map_add(it, "claimed"), 0);
}

static void *run_job(void *arg)
{
	struct job *j = arg;
	ww_ddb_error err;
	int i, k;

	for (i = 0; i < j->count && !j->rc; i++) {
		ww_av it = WW_AV_INIT;
		if (j->op == OP_PUT) {
			make_item(&it, j->thread, i);
			j->rc = ww_ddb_put_item(ddb, table, &it, NULL, &err);
		} else if (j->op == OP_GET) {
			ww_av key = WW_AV_INIT, got = WW_AV_INIT;
			char id[48];
			int found;
			snprintf(id, sizeof(id), "t%d-%d", j->thread, i);
			ww_av_set_container(&key, WW_AV_M);
			ww_av_set_s(ww_av_map_add(&key, "id"), id, strlen(id));
			j->rc = ww_ddb_get_item(ddb, table, &key, NULL, 0, &got, &found, &err);
			ww_av_release(&key);
			ww_av_release(&got);
		} else {
			ww_ddb_write w[25], *un = NULL;
			size_t nun = 0;
			memset(w, 0, sizeof(w));
			for (k = 0; k < 25; k++) {
				w[k].table = table;
				if (j->op == OP_BIG)
					make_big_item(&w[k].item, j->thread, 200000 + i * 25 + k);
				else
					make_item(&w[k].item, j->thread, 100000 + i * 25 + k);
			}
			j->rc = ww_ddb_batch_write(ddb, w, 25, &un, &nun, &err);
			ww_ddb_writes_release(un, nun);
			for (k = 0; k < 25; k++)
				ww_av_release(&w[k].item);
		}
		ww_av_release(&it);
	}
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int measure(const char *server, enum op op, int threads, int n)
{
	pthread_t th[64];
	struct job jobs[64];
	double t0, c0, wall, cpu;
	int i, rc = 0;

	t0 = now_s();
	c0 = cpu_s();
	for (i = 0; i < threads; i++) {
		jobs[i].op = op;
		jobs[i].thread = i;
		jobs[i].count = n / threads;
		jobs[i].rc = 0;
		pthread_create(&th[i], NULL, run_job, &jobs[i]);
	}
	for (i = 0; i < threads; i++) {
		pthread_join(th[i], NULL);
		if (jobs[i].rc)
			rc = jobs[i].rc;
	}
	wall = now_s() - t0;
	cpu = cpu_s() - c0;
	if (rc) {
		fprintf(stderr, "ddb_client: %s failed: %s\n", op_names[op], ww_error_message());
		return rc;
	}
	n = (n / threads) * threads;
	printf("%-9s %-22s %7d %9d %10.0f %12.1f\n", server, op_names[op], threads, n, n / wall,
	       cpu / n * 1e6);
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	const char *endpoint = NULL;
	char url[64];
	int n = 2000, k = 4, null = 0, i, rc = 1, port;
	pid_t server = 0;
	ww_creds_provider *creds = NULL;
	ww_ddb_options o;
	ww_ddb_error err;
	enum op ops[] = { OP_PUT, OP_BATCH, OP_BIG, OP_GET };
	const char *only = NULL;
	int only_threads = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--endpoint") && i + 1 < argc)
			endpoint = argv[++i];
		else if (!strcmp(argv[i], "--null"))
			null = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-k") && i + 1 < argc)
			k = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--op") && i + 1 < argc)
			only = argv[++i]; /* put, batch, big or get: one operation */
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
			only_threads = atoi(argv[++i]); /* just this thread count */
		else {
			fprintf(stderr,
				"usage: %s (--endpoint URL | --null) [-n N] [-k THREADS] "
				"[--op put|batch|big|get] [--threads N]\n",
				argv[0]);
			return 2;
		}
	}
	if ((!endpoint && !null) || n <= 0 || k <= 0 || k > 64) {
		fprintf(stderr, "usage: %s (--endpoint URL | --null) [-n N] [-k THREADS]\n", argv[0]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (null) {
		server = null_server_start(&port);
		snprintf(url, sizeof(url), "http://127.0.0.1:%d", port);
		endpoint = url;
	}
	ww_log_set_level(WW_LOG_QUIET);
	creds = ww_creds_provider_static_new("AKIDBENCH", "bench-secret-key-not-a-secret", NULL);
	memset(&o, 0, sizeof(o));
	o.region = "us-east-1";
	o.endpoint = endpoint;
	o.creds = creds;
	ddb = ww_ddb_new(&o);
	if (!ddb) {
		fprintf(stderr, "ddb_client: %s\n", ww_error_message());
		goto done;
	}
	if (!null) {
		ww_ddb_table t = { 0 };
		ww_ddb_attr_def a;
		char name[64], id[] = "id";
		snprintf(name, sizeof(name), "wwseed-bench-client-%ld", (long)getpid());
		table = strdup(name);
		a.name = id;
		a.type = 'S';
		t.name = name;
		t.hash_key = id;
		t.attrs = &a;
		t.nattrs = 1;
		t.pay_per_request = 1;
		if (ww_ddb_create_table(ddb, &t, &err) || ww_ddb_wait_active(ddb, name, 30, &err)) {
			fprintf(stderr, "ddb_client: %s\n", ww_error_message());
			goto done;
		}
	}
	printf("%-9s %-22s %7s %9s %10s %12s\n", "server", "operation", "threads", "requests",
	       "req/s", "cpu-us/req");
	for (i = 0; i < (int)(sizeof(ops) / sizeof(*ops)); i++) {
		/* a tenth as many 70 KB batches: dynalite takes ~10 ms for each */
		int ni = ops[i] == OP_BIG && !only ? (n / 10 > k ? n / 10 : k) : n;
		if (only && strcmp(only, op_flags[ops[i]]))
			continue;
		if (only_threads) {
			if (measure(null ? "null" : "dynalite", ops[i], only_threads, ni))
				goto done;
			continue;
		}
		if (measure(null ? "null" : "dynalite", ops[i], 1, ni) ||
		    measure(null ? "null" : "dynalite", ops[i], k, ni))
			goto done;
	}
	rc = 0;
done:
	if (ddb && !null)
		ww_ddb_delete_table(ddb, table, &err);
	if (!null && table && strcmp(table, "wwseed-bench-client"))
		free((char *)(intptr_t)table);
	ww_ddb_free(ddb);
	ww_creds_provider_free(creds);
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	return rc;
}
