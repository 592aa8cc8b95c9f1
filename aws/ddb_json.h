#ifndef WW_AWS_DDB_JSON_H
#define WW_AWS_DDB_JSON_H

#include <cJSON.h>

#include "common/av.h"

/*
 * DynamoDB JSON (typed attribute values, {"S":"x"}) parsed by cJSON into
 * ww_av. Internal to aws/: cJSON types never cross this module's public
 * headers. Writing goes the other way through common/av.h's ww_av_to_json.
 */

/* One typed value ({"N":"1"}, {"M":{...}}) into `out` (released first).
 * Returns 0, or WW_ERROR (message set) when the JSON is not a valid value. */
int ww_ddb_json_to_av(const cJSON *j, ww_av *out);

/* An item or key ({"name":{"S":..},...}) into `out`, a WW_AV_M. */
int ww_ddb_json_item_to_av(const cJSON *j, ww_av *out);

/* A JSON array of items into `out` (released first), a WW_AV_L of maps. */
int ww_ddb_json_items_to_av(const cJSON *j, ww_av *out);

/* Decode standard base64 (padding optional) into `out`; -1 on bad input. */
int ww_ddb_base64_decode(const char *in, size_t len, ww_buf *out);

#endif
