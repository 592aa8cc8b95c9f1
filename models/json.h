#ifndef WW_MODELS_JSON_H
#define WW_MODELS_JSON_H

#include <stddef.h>

#include "common/arena.h"
#include "common/buf.h"

/*
 * wwseed's own JSON reader (RFC 8259), built for diagnostics: every value
 * and member name carries its line and column (1-based; columns count
 * characters, not bytes), invalid UTF-8, NUL bytes and lone surrogates are
 * rejected, nesting is limited, numbers keep their double value, and
 * duplicate member names are reported without stopping the parse. A UTF-8
 * byte order mark at the start is skipped. All nodes live in one arena
 * freed with the document.
 */
typedef enum {
	WW_JSON_NULL = 0,
	WW_JSON_FALSE,
	WW_JSON_TRUE,
	WW_JSON_NUMBER,
	WW_JSON_STRING,
	WW_JSON_ARRAY,
	WW_JSON_OBJECT
} ww_json_type;

#define WW_JSON_MAX_DEPTH 64

typedef struct ww_json ww_json;
struct ww_json {
	ww_json_type type;
	unsigned line, column; /* where the value starts */
	double num;	       /* NUMBER */
	unsigned digits;       /* NUMBER: significant digits of its text */
	unsigned text_len;     /* NUMBER: bytes of its text */
	const char *text;      /* NUMBER: its text in the input (not NUL-terminated;
				  valid only as long as the input is) */
	const char *str;       /* STRING: decoded UTF-8, NUL-terminated */
	size_t len;	       /* STRING: bytes; ARRAY/OBJECT: members */
	const char *key;       /* member name inside an object, else NULL */
	size_t key_len;
	unsigned key_line, key_column;
	int duplicate;	       /* a later member with an earlier member's name */
	ww_json *child, *next; /* first member; next sibling */
};

typedef struct {
	ww_json *root;
	ww_arena_block *blocks; /* the arena */
} ww_json_doc;

#define WW_JSON_DOC_INIT                                                                           \
	{                                                                                          \
		NULL, NULL                                                                         \
	}

typedef struct {
	const char *code; /* json-syntax, json-utf8, json-nul, json-depth,
			     json-number, json-empty (static) */
	unsigned line, column;
	char message[200];
} ww_json_error;

/* Called for each duplicate member name, at the later occurrence. */
typedef void (*ww_json_dup_fn)(void *ctx, const ww_json *member, const ww_json *first);

/*
 * Parse `len` bytes into `doc` (emptied first, its newest block kept for
 * reuse). Positions start at line
 * `first_line`. Returns 0, or -1 with `err` filled at the first error that
 * stops the parse (the document is then released).
 */
int ww_json_parse(ww_json_doc *doc, const char *data, size_t len, unsigned first_line,
		  ww_json_error *err, ww_json_dup_fn on_dup, void *dup_ctx);
void ww_json_doc_release(ww_json_doc *doc);

/*
 * A top-level array read one element at a time from a window of the input
 * that the caller slides and refills, so a file of any size needs memory
 * for one element. Positions, errors and duplicate-member callbacks are
 * exactly those ww_json_parse gives for the whole input, except for the
 * names of a top-level object's members, which the caller checks (it sees
 * each one).
 *
 * With `object` set, the top level must be an object: each member gives
 * WW_JSON_READ_MEMBER, then its value as elements (an array, when the
 * caller set `stream`) or as one WW_JSON_READ_VALUE.
 */
typedef struct {
	unsigned line; /* of the first byte not yet used */
	size_t col;    /* characters before it on its line */
	int state;
	int object; /* the top level is an object (else an array) */
	/* Object: the member just read (WW_JSON_READ_MEMBER; `key` is valid
	 * until the next call), and whether the caller wants an array value
	 * element by element (1) or whole (0). */
	const char *key;
	size_t key_len;
	unsigned key_line, key_column;
	int stream;
	int in_member;	/* reading a member's array */
	size_t members; /* members read */
	int closed;	/* the object is complete (what may follow is not) */
} ww_json_reader;

#define WW_JSON_READER_INIT                                                                        \
	{                                                                                          \
		1, 0, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0                                              \
	}

enum {
	WW_JSON_READ_MORE = 0,	/* give the unused bytes again, with more (or eof) */
	WW_JSON_READ_ELEMENT,	/* doc->root is the next element */
	WW_JSON_READ_END,	/* the array is closed and only whitespace follows */
	WW_JSON_READ_NOT_ARRAY, /* the input is not an array (or, with `object`,
				   not an object): nothing was used */
	WW_JSON_READ_MEMBER,	/* object: r->key is the next member's name */
	WW_JSON_READ_VALUE,	/* object: doc->root is that member's whole value */
};

/*
 * Read on from `data` (the `len` bytes after those already used; `eof`
 * when no more follow). `*used` is how many of them the caller may drop.
 * Returns a WW_JSON_READ_ value, or -1 with `err` filled at the error
 * ww_json_parse would stop at (then `doc` holds nothing useful). `doc` is
 * emptied first (its memory reused); release it after the last call.
 */
int ww_json_read_next(ww_json_reader *r, ww_json_doc *doc, const char *data, size_t len, int eof,
		      size_t *used, ww_json_error *err, ww_json_dup_fn on_dup, void *dup_ctx);

/* The member of `obj` named `name` (the first, duplicates skipped), or NULL. */
const ww_json *ww_json_get(const ww_json *obj, const char *name);
/* Bytes the document's arena holds (for the benchmark's memory figures). */
size_t ww_json_doc_size(const ww_json_doc *doc);

/* Allocate from the document's arena (8-byte aligned, never NULL). */
void *ww_json_alloc(ww_json_doc *doc, size_t n);

/* For JSON text already known to be well formed (canonical text, a span a
 * scanner accepted): the value of the four hex digits at `p` (0, or -1 when
 * one is not a hex digit), and a string's contents (between the quotes)
 * with every escape decoded, surrogate pairs to UTF-8, appended to `out`. */
int ww_json_hex4(const char *p, unsigned *out);
void ww_json_unescape(ww_buf *out, const char *raw, size_t len);

#endif
