#ifndef WW_COMMON_AV_H
#define WW_COMMON_AV_H

#include <stddef.h>

#include "common/buf.h"

/*
 * DynamoDB attribute values: the one representation of an item that the
 * models produce (marshalling a definition), the engine compares and the
 * DynamoDB client sends and receives. An item is a WW_AV_M value.
 *
 * Numbers (N, NS) are kept as their decimal text exactly as DynamoDB sends
 * or receives it, so nothing is lost in transit; B and BS hold raw bytes.
 */
typedef enum {
	WW_AV_NULL = 0,
	WW_AV_S,
	WW_AV_N,
	WW_AV_B,
	WW_AV_BOOL,
	WW_AV_M,
	WW_AV_L,
	WW_AV_SS,
	WW_AV_NS,
	WW_AV_BS
} ww_av_type;

typedef struct ww_av ww_av;
typedef struct ww_av_member ww_av_member;

struct ww_av {
	ww_av_type type;
	char *str;            /* S, N (decimal text), B (raw bytes): owned */
	size_t len;           /* bytes in str */
	int boolean;          /* BOOL */
	ww_av_member *members; /* M (named), L/SS/NS/BS (name NULL): owned */
	size_t n, cap;
};

struct ww_av_member {
	char *name; /* owned; NULL in lists and sets */
	ww_av value;
};

#define WW_AV_INIT { WW_AV_NULL, NULL, 0, 0, NULL, 0, 0 }

/* Free everything `av` owns and reset it to NULL; safe twice. */
void ww_av_release(ww_av *av);

/* Set `av` (released first) to a scalar. Strings are copied. */
void ww_av_set_s(ww_av *av, const char *s, size_t len);
void ww_av_set_n(ww_av *av, const char *decimal);
void ww_av_set_b(ww_av *av, const void *bytes, size_t len);
void ww_av_set_bool(ww_av *av, int value);
void ww_av_set_null(ww_av *av);
/* Make `av` an empty map, list or set of the given type. */
void ww_av_set_container(ww_av *av, ww_av_type type);

/* Add a member to a map and return its value (WW_AV_NULL) to fill in;
 * the name is copied. The pointer is valid until the next add. */
ww_av *ww_av_map_add(ww_av *map, const char *name);
/* Append an element to a list or set and return it to fill in. */
ww_av *ww_av_list_add(ww_av *list);
/* Give back the unused member slots of a map, list or set (adds grow
 * them in steps): for values kept long, one per definition. */
void ww_av_shrink(ww_av *av);
/* Look a member up by name (borrowed), or NULL. */
const ww_av *ww_av_map_get(const ww_av *map, const char *name);
ww_av *ww_av_map_get_mut(ww_av *map, const char *name);
/* Remove a member from a map; returns 1 if one was removed. */
int ww_av_map_remove(ww_av *map, const char *name);
/* Convenience: the text of an S or N member, or NULL (borrowed). */
const char *ww_av_map_get_str(const ww_av *map, const char *name);

/* Deep copy `src` into `out` (released first). */
void ww_av_copy(ww_av *out, const ww_av *src);
/* Deep equality. Maps compare regardless of member order, sets regardless
 * of element order, numbers by their numeric value. */
int ww_av_equal(const ww_av *a, const ww_av *b);

/* Append the DynamoDB JSON form ({"S":"x"}, {"M":{...}}) of `av`. For an
 * item (a map), ww_av_item_to_json writes {"name":{"S":..},...}. */
void ww_av_to_json(ww_buf *out, const ww_av *av);
void ww_av_item_to_json(ww_buf *out, const ww_av *item);
/* Append the plain JSON (unmarshalled, as an SDK's unmarshall gives it) of
 * `av`: numbers bare, sets as arrays, binary as base64. */
void ww_av_to_plain_json(ww_buf *out, const ww_av *av);

/* The item size DynamoDB charges and limits (400 KB): attribute names and
 * values as the Developer Guide counts them. */
size_t ww_av_item_size(const ww_av *item);
size_t ww_av_size(const ww_av *av);
/* The size of an N value given as `len` bytes of decimal text (not
 * NUL-terminated), for items written as text without attribute values. */
size_t ww_av_number_size(const char *text, size_t len);

#endif
