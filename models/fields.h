#ifndef WW_MODELS_FIELDS_H
#define WW_MODELS_FIELDS_H

#include <stddef.h>

#include "common/buf.h"
#include "models/defs.h"

/*
 * The field tables: one row per field of every model and nested object.
 * Parsing (type checks), validation (required, enums, ranges, id format,
 * references), marshalling to DynamoDB and the JSON Schema are all driven
 * from these rows, so none of them can drift from the others.
 */
typedef enum {
	WW_F_STRING = 0,
	WW_F_NUMBER,
	WW_F_BOOL,
	WW_F_OBJECT,
	WW_F_ARRAY,
	WW_F_STATE_VALUE /* number, string or array of strings */
} ww_ftype;

typedef enum {
	WW_REF_NONE = 0,
	WW_REF_PRIZE,	   /* a prize id */
	WW_REF_TICKET,	   /* a ticket id */
	WW_REF_AREA,	   /* one of the same ticket's scratch area ids */
	WW_REF_ACHIEVEMENT /* one of ww_achievements */
} ww_ref;

/* Range flags. */
enum {
	WW_R_MIN = 1,	   /* value >= min */
	WW_R_MIN_EXCL = 2, /* value > min */
	WW_R_MAX = 4	   /* value <= max */
};

/* Other flags. */
enum {
	WW_FF_ID = 1,	   /* a lowercase kebab-case id */
	WW_FF_NONEMPTY = 2 /* an array with at least one element */
};

typedef struct ww_model ww_model;

typedef struct {
	const char *name;
	ww_ftype type;
	ww_ftype item; /* ARRAY: the element type */
	int required;
	const char *const *values;     /* allowed strings, NULL-terminated; NULL: any */
	const char *const *deprecated; /* also accepted, with a warning */
	unsigned range;		       /* WW_R_* */
	double min, max;
	const ww_model *model; /* OBJECT, or ARRAY of OBJECT */
	ww_ref ref;
	unsigned flags;	 /* WW_FF_* */
	const char *doc; /* one line for the schema and the docs */
} ww_field;

struct ww_model {
	const char *name; /* "ticket", "scratchArea", ... */
	const char *doc;
	const ww_field *fields;
	size_t n;
};

/* The top-level model of each kind. */
const ww_model *ww_model_of(ww_kind k);
/* A field of `m` by name, or NULL. */
const ww_field *ww_model_field(const ww_model *m, const char *name, size_t len);
/* The achievement ids prize.effects.achievementId may name (NULL-terminated). */
extern const char *const ww_achievements[];

/* The id format: lowercase kebab-case ([a-z0-9]+ joined by single '-'). */
int ww_id_valid(const char *s, size_t len);

/* The closest candidate to `s` by edit distance (case-insensitive), or
 * NULL when none is close enough to be a likely typo. */
const char *ww_did_you_mean(const char *s, const char *const *candidates, size_t n);

/* Append one diagnostic (strings copied). */
void ww_diags_add(ww_diags *d, ww_severity sev, const char *code, const char *file, unsigned line,
		  unsigned column, const char *path, const char *hint, const char *message);

/* Write the JSON Schema (draft 2020-12) of game-data files into `out`. */
void ww_schema_write(ww_buf *out);

#endif
