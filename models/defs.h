#ifndef WW_MODELS_DEFS_H
#define WW_MODELS_DEFS_H

#include <stddef.h>

#include "common/av.h"
#include "common/buf.h"

/*
 * The game's definitions (Prize, Scratcher, Ticket, Store): parsing,
 * validation, marshalling and canonical form. Pure: bytes in, records and
 * diagnostics out, no I/O (migrate/source.c reads files and feeds them here).
 */
typedef enum {
	WW_KIND_PRIZE = 0,
	WW_KIND_SCRATCHER,
	WW_KIND_TICKET,
	WW_KIND_STORE,
	WW_KIND_COUNT
} ww_kind;

/* "prize", "scratcher", "ticket", "store" (singular, lowercase), and the
 * export member / file stem "prizes", ...; ww_kind_parse accepts either and
 * returns -1 when neither. */
const char *ww_kind_name(ww_kind k);
const char *ww_kind_plural(ww_kind k);
int ww_kind_parse(const char *s);

/* The model version written into item metadata; bumped when a model's
 * marshalled shape changes. */
#define WW_MODEL_VERSION 1

/* ---- Diagnostics --------------------------------------------------- */
typedef enum { WW_SEV_INFO = 0, WW_SEV_WARNING, WW_SEV_ERROR } ww_severity;

typedef struct {
	ww_severity severity;
	const char *code;      /* stable rule code (docs/models.md); static storage */
	char *file;	       /* owned */
	unsigned line, column; /* 1-based; 0 when not known */
	char *path;	       /* JSON pointer: /tickets/3/prizeConfigs/0/prizeId; owned */
	char *message;	       /* what was found and what was expected; owned */
	char *hint;	       /* "did you mean 'goblin-gold'?" or NULL; owned */
} ww_diag;

typedef struct {
	ww_diag *items;
	size_t n, cap;
	size_t count[3]; /* per severity */
} ww_diags;

void ww_diags_release(ww_diags *d);

/* Append the diagnostics to `out` in `format`:
 *   "text"   compiler style, one "file:line:col: severity[code]: message [path]"
 *            line each, then "  hint: ..." when there is a hint; ANSI colour
 *            when `color` is set;
 *   "json"   the versioned report {"version":1,"diagnostics":[...],"summary":{...}}
 *            (docs/cli.md);
 *   "github" GitHub Actions workflow commands (::error file=...::message);
 *   "junit"  JUnit XML, one testcase per diagnostic, errors as failures.
 * An unknown format is treated as "text" (check with ww_diags_format_valid). */
void ww_diags_format(ww_buf *out, const ww_diags *d, const char *format, int color);
int ww_diags_format_valid(const char *format);

/* ---- Loading ------------------------------------------------------- */
typedef struct {
	int strict;	 /* unknown fields are errors, not warnings */
	int keep_bodies; /* keep every definition's canonical text (import); 0
			    keeps only what cross-reference checks need */
} ww_defs_options;

typedef struct ww_defset ww_defset;
typedef struct ww_def ww_def;

ww_defset *ww_defset_new(const ww_defs_options *opts);
void ww_defset_free(ww_defset *s);

/* A whole file's bytes: the frontend export shape ({"prizes": [...], ...})
 * when kind < 0, else a JSON array of that kind. Problems become
 * diagnostics; returns 0, or WW_EINVALID when the document could not be
 * read at all (the diagnostic says why). */
int ww_defset_add_document(ww_defset *s, const char *file, const char *data, size_t len, int kind);
/*
 * A JSON array of `kind` (the export shape when kind is not a ww_kind) in
 * pieces, so memory holds one definition at a time,
 * not the file or its parse tree: ww_defset_feed_begin, then
 * ww_defset_feed with the bytes not yet used (`data`, `len`; `eof` when
 * the file has no more), dropping the `*used` first ones each time.
 * Returns 1 when it needs more bytes (give the rest again, with more), 0
 * when the file is done, 2 when the file is not of that shape (nothing was
 * used or recorded: give the whole file to ww_defset_add_document), or
 * WW_EINVALID when the file is not valid JSON: then, as with
 * ww_defset_add_document, the diagnostic says why and none of the file's
 * definitions is kept. ww_defset_feed_abort forgets a file left half read
 * (a read error).
 */
void ww_defset_feed_begin(ww_defset *s, const char *file, int kind);
int ww_defset_feed(ww_defset *s, const char *data, size_t len, int eof, size_t *used);
void ww_defset_feed_abort(ww_defset *s);
/* One JSON Lines record of `kind` found at `file`:`line`. */
int ww_defset_add_line(ww_defset *s, const char *file, unsigned line, const char *data, size_t len,
		       ww_kind kind);
/* Record a diagnostic from outside the models (a file that cannot be read,
 * a kind that cannot be told from a file name). */
void ww_defset_add_diag(ww_defset *s, ww_severity sev, const char *code, const char *file,
			unsigned line, unsigned column, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));
/* Run the checks that need every definition (references, uniqueness,
 * tickets in no store, ...). Call once, after the last add. */
void ww_defset_finish(ww_defset *s);

const ww_diags *ww_defset_diags(const ww_defset *s);
size_t ww_defset_count(const ww_defset *s, ww_kind k);
/* The i-th definition of a kind, in input order (borrowed). Only with
 * keep_bodies. */
const ww_def *ww_defset_get(const ww_defset *s, ww_kind k, size_t i);

/* ---- One definition ------------------------------------------------ */
ww_kind ww_def_kind(const ww_def *d);
const char *ww_def_id(const ww_def *d);	  /* borrowed */
const char *ww_def_file(const ww_def *d); /* where it was defined */
unsigned ww_def_line(const ww_def *d);
/* The DynamoDB item of the definition's own fields (a WW_AV_M into `out`,
 * released first): native types (M, L, S, N, BOOL), optional fields absent,
 * numbers in canonical text, members in canonical order (built from the
 * kept canonical text). Unmarshalled, it is exactly the frontend's
 * object. */
void ww_def_marshal(const ww_def *d, ww_av *out);
/* The canonical JSON of the definition (RFC 8785 style: members sorted,
 * numbers as JavaScript prints them, no whitespace), and its SHA-256 in
 * lowercase hex (65 bytes with the NUL). */
void ww_def_canonical(const ww_def *d, ww_buf *out);
void ww_def_hash(const ww_def *d, char hex_out[65]);
/* The same hash as 32 bytes, kept in the set (borrowed; valid until
 * ww_defset_free), or NULL when the set keeps no bodies. */
const unsigned char *ww_def_digest(const ww_def *d);
/* The same canonical text, kept in the set since the definition was added
 * (borrowed; valid until ww_defset_free; NUL-terminated). */
void ww_def_canonical_view(const ww_def *d, const char **text, size_t *len);

/* Canonical form and hash of an item read back from a table (definition
 * fields only: the caller removes metadata first), so local and remote
 * compare without unmarshalling into records. Equal definitions give equal
 * hashes on either side. */
void ww_av_canonical(const ww_av *item, ww_buf *out);
void ww_av_hash(const ww_av *item, char hex_out[65]);

/* ---- Schema -------------------------------------------------------- */
/* Append the JSON Schema (draft 2020-12) of game-data files, generated from
 * the same field tables that drive validation and marshalling. */
void ww_defs_schema(ww_buf *out);

#endif
