/*
 * The validation benchmark (make bench-validate; docs/benchmarks.md,
 * "Validation").
 *
 *   validate_bench compare FILE   throughput of validating FILE (the export
 *                                 shape) against parsing it alone with cJSON
 *   validate_bench stream PATH... validate JSON Lines as `wwseed validate`
 *                                 does (no bodies kept); prints peak memory
 */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "common/buf.h"
#include "migrate/source.h"
#include "models/defs.h"

/* CPU time of this process: the machine is shared, so wall time would
 * measure the other jobs as much as this one. */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long maxrss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int read_file(const char *path, ww_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[1 << 16];
	size_t n;

	if (!f)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(out, chunk, n);
	fclose(f);
	return 0;
}

static int compare(const char *path)
{
	ww_buf data = WW_BUF_INIT;
	double best_cjson = 1e9, best_validate = 1e9, mb;
	size_t errors = 0, tickets = 0;
	int i;

	if (read_file(path, &data)) {
		fprintf(stderr, "validate_bench: cannot read '%s'\n", path);
		return 1;
	}
	mb = (double)data.len / 1e6;
	for (i = 0; i < 3; i++) {
		double t0 = now(), t;
		cJSON *root = cJSON_ParseWithLength(data.ptr, data.len);
		if (!root) {
			fprintf(stderr, "validate_bench: cJSON could not parse '%s'\n", path);
			return 1;
		}
		cJSON_Delete(root);
		t = now() - t0;
		if (t < best_cjson)
			best_cjson = t;
	}
	for (i = 0; i < 3; i++) {
		ww_defs_options o = { 0, 0 };
		double t0 = now(), t;
		ww_defset *s = ww_defset_new(&o);
		ww_defset_add_document(s, path, data.ptr, data.len, -1);
		ww_defset_finish(s);
		t = now() - t0;
		errors = ww_defset_diags(s)->count[WW_SEV_ERROR];
		tickets = ww_defset_count(s, WW_KIND_TICKET);
		ww_defset_free(s);
		if (t < best_validate)
			best_validate = t;
	}
	printf("file: %s (%.1f MB, %zu tickets, %zu errors)\n", path, mb, tickets, errors);
	printf("cJSON parse only: %8.1f MB/s (best of 3: %.3f s CPU)\n", mb / best_cjson, best_cjson);
	printf("wwseed validate:  %8.1f MB/s (best of 3: %.3f s CPU)\n", mb / best_validate,
	       best_validate);
	printf("validate / cJSON: %8.0f %%\n", 100.0 * best_cjson / best_validate);
	ww_buf_release(&data);
	return errors ? 1 : 0;
}

static int stream(int n, char **paths)
{
	ww_defs_options o = { 0, 0 };
	ww_defset *s = ww_defset_new(&o);
	double t0 = now(), w0 = wall(), t, w;
	size_t defs = 0, errors;
	int k;

	ww_source_load(s, (const char *const *)paths, (size_t)n, -1);
	ww_defset_finish(s);
	t = now() - t0;
	w = wall() - w0;
	for (k = 0; k < WW_KIND_COUNT; k++)
		defs += ww_defset_count(s, (ww_kind)k);
	errors = ww_defset_diags(s)->count[WW_SEV_ERROR];
	printf("stream: %zu definitions, %.3f s CPU (%.3f s wall), %zu errors, peak RSS %ld KiB\n",
	       defs, t, w, errors, maxrss_kb());
	ww_defset_free(s);
	return errors ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "compare"))
		return compare(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "stream"))
		return stream(argc - 2, argv + 2);
	fprintf(stderr, "usage: validate_bench compare FILE | stream PATH...\n");
	return 2;
}
