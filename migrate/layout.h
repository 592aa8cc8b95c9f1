#ifndef WW_MIGRATE_LAYOUT_H
#define WW_MIGRATE_LAYOUT_H

#include <stddef.h>

#include "common/av.h"
#include "models/defs.h"

/*
 * Table layouts as data: for each kind of definition, which table it goes
 * to (a logical table name resolved by migrate/resolve.h), how its key is
 * formed from templates, and which bookkeeping attributes go with it. Two
 * are built in ("per-kind", "single-table"); a team describes its own in a
 * JSON layout file (format in docs/cli.md, "Layout files").
 *
 * Templates expand ${id} (the definition's id), ${TYPE} (the kind's type
 * tag, "PRIZE"), ${type} ("prize") and ${kind} ("prizes"). A kind's key
 * (all its templates together) names ${id} exactly once, so two
 * definitions never share a key.
 */
#define WW_LAYOUT_MAX_KEYS 2

typedef struct {
	char *name; /* attribute name ("id", "PK") */
	char *tmpl; /* "${id}", "${TYPE}#${id}" */
} ww_layout_key;

typedef struct {
	char *table;	   /* logical table: "prizes", ..., "game-data" */
	char *type;	   /* type tag for ${TYPE}: "PRIZE" */
	char *entity_type; /* value of the entityType attribute ("Prize") or NULL */
	ww_layout_key keys[WW_LAYOUT_MAX_KEYS];
	size_t nkeys;
} ww_layout_kind;

typedef struct {
	char *name;
	ww_layout_kind kinds[WW_KIND_COUNT];
	/* Bookkeeping attribute names; NULL when the layout has none. */
	char *entity_type_attr; /* "entityType" */
	char *created_attr;	/* "createdAt": set on create, kept on update */
	char *updated_attr;	/* "updatedAt": moves on every write */
	char *version_attr;	/* "version": 1 on create, +1 on update */
} ww_layout;

#define WW_LAYOUT_INIT                                                                             \
	{                                                                                          \
		0                                                                                  \
	}

/* The name of wwseed's one metadata attribute (a map) on every item. */
#define WW_META_ATTR "_wwseed"

/* Fill `out` (released first) with a built-in layout: "per-kind" or
 * "single-table". WW_EINVALID for another name. */
int ww_layout_builtin(ww_layout *out, const char *name);
/* Parse a layout file's JSON (`what` names it in messages) into `out`
 * (released first). WW_EINVALID with the message set when it is not a
 * valid layout. */
int ww_layout_parse(ww_layout *out, const char *json, size_t len, const char *what);
/* Read and parse a layout file. */
int ww_layout_load_file(ww_layout *out, const char *path);
void ww_layout_release(ww_layout *l);

/* Expand a template for a definition of kind `k` with `id`; appended to
 * `out`. */
void ww_layout_expand(ww_buf *out, const ww_layout *l, ww_kind k, const char *tmpl, const char *id);
/* The key of a definition (a WW_AV_M of S values) into `out`, released
 * first. */
void ww_layout_key_of(const ww_layout *l, ww_kind k, const char *id, ww_av *out);
/* Recognise an item read from `table` (logical name): its kind and id
 * (malloc'd into *id_out) from its key attributes. Returns 1 when the item
 * is a definition of this layout, 0 when not (another kind of data that
 * shares the table). */
int ww_layout_match(const ww_layout *l, const char *table, const ww_av *item, ww_kind *kind_out,
		    char **id_out);
/* 1 if `name` is one of the layout's key or bookkeeping attributes or the
 * metadata attribute for kind `k`: what is stripped to get the definition
 * back from an item. */
int ww_layout_is_reserved(const ww_layout *l, ww_kind k, const char *name);

#endif
