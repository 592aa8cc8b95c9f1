#include "migrate/source.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buf.h"
#include "common/error.h"

#define MAX_DIR_DEPTH 32

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static const char *extension(const char *path)
{
	const char *b = base_name(path), *dot = strrchr(b, '.');

	return dot && dot != b ? dot + 1 : "";
}

static int is_lines(const char *path)
{
	const char *e = extension(path);

	return !strcmp(e, "jsonl") || !strcmp(e, "ndjson");
}

static int is_definition_file(const char *name)
{
	const char *e = extension(name);

	return !strcmp(e, "json") || !strcmp(e, "jsonl") || !strcmp(e, "ndjson");
}

int ww_source_kind_of(const char *path)
{
	const char *b = base_name(path), *dot = strrchr(b, '.');
	char stem[64];
	size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);

	if (n >= sizeof(stem))
		return -1;
	memcpy(stem, b, n);
	stem[n] = '\0';
	return ww_kind_parse(stem);
}

static int read_error(ww_defset *set, const char *path, const char *what)
{
	const char *why = strerror(errno);

	ww_defset_add_diag(set, WW_SEV_ERROR, "file-read", path, 0, 0, "",
			   "cannot read %s '%s': %s", what, path, why);
	return ww_error_set(WW_EINVALID, "cannot read %s '%s': %s", what, path, why);
}

static int load_json(ww_defset *set, const char *path, int kind)
{
	FILE *f = NULL;
	ww_buf data = WW_BUF_INIT;
	char chunk[65536];
	size_t n;
	int rc = 0;

	if (!(f = fopen(path, "rb"))) {
		rc = read_error(set, path, "file");
		goto done;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(&data, chunk, n);
	if (ferror(f)) {
		rc = read_error(set, path, "file");
		goto done;
	}
	ww_defset_add_document(set, path, data.ptr ? data.ptr : "", data.len, kind);
done:
	if (f)
		fclose(f);
	ww_buf_release(&data);
	return rc;
}

/* A JSON file as a stream: an array of `kind`, or the export shape when
 * kind < 0, read in chunks of WW_SOURCE_CHUNK, each definition checked as
 * soon as it is complete, the buffer growing only for one larger than a
 * chunk. A file of another shape is left to load_json, whose diagnostics
 * are the contract. */
static int load_array(ww_defset *set, const char *path, int kind)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = WW_SOURCE_CHUNK, len = 0, start = 0;
	int rc = 0, r = 1, eof = 0;

	if (!(f = fopen(path, "rb")))
		return read_error(set, path, "file");
	buf = ww_xmalloc(cap);
	ww_defset_feed_begin(set, path, kind);
	while (r == 1 && !eof) {
		size_t used = 0;
		if (start) {
			memmove(buf, buf + start, len - start);
			len -= start;
			start = 0;
		}
		if (len == cap) {
			cap *= 2;
			buf = ww_xrealloc(buf, cap);
		}
		len += fread(buf + len, 1, cap - len, f);
		if (ferror(f)) {
			ww_defset_feed_abort(set);
			rc = read_error(set, path, "file");
			goto done;
		}
		eof = feof(f);
		r = ww_defset_feed(set, buf, len, eof, &used);
		start = used;
	}
	if (r == 2)
		rc = load_json(set, path, kind);
done:
	fclose(f);
	free(buf);
	return rc;
}

/* JSON Lines as a stream: one record per line, blank lines skipped, a line
 * longer than WW_SOURCE_MAX_LINE reported and skipped. */
static int load_lines(ww_defset *set, const char *path, int kind)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t cap = 65536, len = 0, start = 0;
	unsigned line = 1;
	int rc = 0, skipping = 0, eof = 0;

	if (!(f = fopen(path, "rb"))) {
		rc = read_error(set, path, "file");
		goto done;
	}
	buf = ww_xmalloc(cap);
	while (!eof || start < len) {
		char *nl = start < len ? memchr(buf + start, '\n', len - start) : NULL;
		size_t end;

		if (!nl && !eof) {
			size_t got;
			/* move the partial line to the front, grow up to the limit */
			memmove(buf, buf + start, len - start);
			len -= start;
			start = 0;
			if (len == cap) {
				if (cap >= WW_SOURCE_MAX_LINE) {
					if (!skipping)
						ww_defset_add_diag(
						    set, WW_SEV_ERROR, "line-too-long", path, line,
						    1, "",
						    "line is longer than %u bytes; expected one "
						    "definition per line",
						    WW_SOURCE_MAX_LINE);
					skipping = 1;
					len = 0;
				} else {
					cap *= 2;
					buf = ww_xrealloc(buf, cap);
				}
			}
			got = fread(buf + len, 1, cap - len, f);
			if (ferror(f)) {
				rc = read_error(set, path, "file");
				goto done;
			}
			if (!got)
				eof = 1;
			len += got;
			continue;
		}
		end = nl ? (size_t)(nl - buf) : len;
		if (!skipping) {
			size_t i = start, e = end;
			while (i < e && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r'))
				i++;
			if (i < e)
				ww_defset_add_line(set, path, line, buf + start, end - start,
						   (ww_kind)kind);
		}
		skipping = 0;
		line++;
		start = nl ? end + 1 : len;
	}
done:
	if (f)
		fclose(f);
	free(buf);
	return rc;
}

static int load_file(ww_defset *set, const char *path, int kind_override, int *nfiles)
{
	int kind = kind_override >= 0 ? kind_override : ww_source_kind_of(path);

	(*nfiles)++;
	if (is_lines(path)) {
		if (kind < 0) {
			ww_defset_add_diag(
			    set, WW_SEV_ERROR, "kind-unknown", path, 0, 0, "",
			    "cannot tell which kind of definition '%s' holds; expected a file "
			    "named prizes, scratchers, tickets or stores (.jsonl), or --kind",
			    path);
			return 0;
		}
		return load_lines(set, path, kind);
	}
	return load_array(set, path, kind);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_path(ww_defset *set, const char *path, int kind_override, int depth, int top,
		     int *nfiles)
{
	struct stat st;
	DIR *dir = NULL;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	if (stat(path, &st)) {
		rc = read_error(set, path, top ? "path" : "file");
		goto done;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (top || is_definition_file(path))
			rc = load_file(set, path, kind_override, nfiles);
		goto done;
	}
	if (depth > MAX_DIR_DEPTH) {
		ww_defset_add_diag(set, WW_SEV_ERROR, "file-read", path, 0, 0, "",
				   "cannot read directory '%s': nested deeper than %d levels", path,
				   MAX_DIR_DEPTH);
		rc = ww_error_set(WW_EINVALID,
				  "cannot read directory '%s': nested deeper than %d levels", path,
				  MAX_DIR_DEPTH);
		goto done;
	}
	if (!(dir = opendir(path))) {
		rc = read_error(set, path, "directory");
		goto done;
	}
	while ((de = readdir(dir))) {
		ww_buf full = WW_BUF_INIT;
		size_t plen = strlen(path);
		if (de->d_name[0] == '.')
			continue;
		ww_buf_puts(&full, path);
		if (plen && path[plen - 1] != '/')
			ww_buf_putc(&full, '/');
		ww_buf_puts(&full, de->d_name);
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = ww_xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = ww_buf_detach(&full);
	}
	qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n; i++) {
		int r = load_path(set, names[i], kind_override, depth + 1, 0, nfiles);
		if (r && !rc)
			rc = r;
	}
done:
	if (dir)
		closedir(dir);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

int ww_source_load(ww_defset *set, const char *const *paths, size_t npaths, int kind_override)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < npaths; i++) {
		int nfiles = 0, r = load_path(set, paths[i], kind_override, 0, 1, &nfiles);
		if (r && !rc)
			rc = r;
		if (!r && !nfiles) {
			ww_defset_add_diag(set, WW_SEV_ERROR, "no-definitions", paths[i], 0, 0, "",
					   "no .json, .jsonl or .ndjson files under '%s'",
					   paths[i]);
			rc = ww_error_set(WW_EINVALID,
					  "no .json, .jsonl or .ndjson files under '%s'", paths[i]);
		}
	}
	return rc;
}
