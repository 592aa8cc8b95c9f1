#include "aws/ddb_json.h"

#include <string.h>

#include "common/error.h"

static int b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int ww_ddb_base64_decode(const char *in, size_t len, ww_buf *out)
{
	unsigned long acc = 0;
	int bits = 0, v;
	size_t i;

	while (len && in[len - 1] == '=')
		len--;
	for (i = 0; i < len; i++) {
		v = b64_value((unsigned char)in[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			ww_buf_putc(out, (char)((acc >> bits) & 0xff));
		}
	}
	/* A lone 6-bit group cannot encode a byte. */
	return bits >= 6 ? -1 : 0;
}

static int bad(const char *what)
{
	return ww_error_set(WW_ERROR, "malformed attribute value in response: %s", what);
}

static int set_binary(ww_av *out, const cJSON *s)
{
	ww_buf raw = WW_BUF_INIT;
	int rc = 0;

	if (!cJSON_IsString(s) ||
	    ww_ddb_base64_decode(s->valuestring, strlen(s->valuestring), &raw)) {
		rc = bad("binary is not base64");
		goto done;
	}
	ww_av_set_b(out, raw.ptr ? raw.ptr : "", raw.len);
done:
	ww_buf_release(&raw);
	return rc;
}

static int parse_set(const cJSON *arr, ww_av *out, ww_av_type type)
{
	const cJSON *e;

	if (!cJSON_IsArray(arr))
		return bad("set is not an array");
	ww_av_set_container(out, type);
	cJSON_ArrayForEach(e, arr)
	{
		ww_av *v = ww_av_list_add(out);
		if (type == WW_AV_BS) {
			if (set_binary(v, e))
				return WW_ERROR;
			continue;
		}
		if (!cJSON_IsString(e))
			return bad("set element is not a string");
		if (type == WW_AV_SS)
			ww_av_set_s(v, e->valuestring, strlen(e->valuestring));
		else
			ww_av_set_n(v, e->valuestring);
	}
	return 0;
}

int ww_ddb_json_to_av(const cJSON *j, ww_av *out)
{
	const cJSON *v;
	const char *tag;

	ww_av_release(out);
	if (!cJSON_IsObject(j) || !j->child || j->child->next)
		return bad("not an object with one type");
	v = j->child;
	tag = v->string;
	if (!strcmp(tag, "S") || !strcmp(tag, "N")) {
		if (!cJSON_IsString(v))
			return bad("string expected");
		if (tag[0] == 'S')
			ww_av_set_s(out, v->valuestring, strlen(v->valuestring));
		else
			ww_av_set_n(out, v->valuestring);
		return 0;
	}
	if (!strcmp(tag, "B"))
		return set_binary(out, v);
	if (!strcmp(tag, "BOOL")) {
		if (!cJSON_IsBool(v))
			return bad("boolean expected");
		ww_av_set_bool(out, cJSON_IsTrue(v));
		return 0;
	}
	if (!strcmp(tag, "NULL")) {
		ww_av_set_null(out);
		return 0;
	}
	if (!strcmp(tag, "M"))
		return ww_ddb_json_item_to_av(v, out);
	if (!strcmp(tag, "L")) {
		const cJSON *e;
		if (!cJSON_IsArray(v))
			return bad("list is not an array");
		ww_av_set_container(out, WW_AV_L);
		cJSON_ArrayForEach(e, v)
		{
			if (ww_ddb_json_to_av(e, ww_av_list_add(out)))
				return WW_ERROR;
		}
		return 0;
	}
	if (!strcmp(tag, "SS"))
		return parse_set(v, out, WW_AV_SS);
	if (!strcmp(tag, "NS"))
		return parse_set(v, out, WW_AV_NS);
	if (!strcmp(tag, "BS"))
		return parse_set(v, out, WW_AV_BS);
	return bad("unknown type");
}

int ww_ddb_json_item_to_av(const cJSON *j, ww_av *out)
{
	const cJSON *m;

	ww_av_release(out);
	if (!cJSON_IsObject(j))
		return bad("item is not an object");
	ww_av_set_container(out, WW_AV_M);
	cJSON_ArrayForEach(m, j)
	{
		if (ww_ddb_json_to_av(m, ww_av_map_add(out, m->string)))
			return WW_ERROR;
	}
	return 0;
}

int ww_ddb_json_items_to_av(const cJSON *j, ww_av *out)
{
	const cJSON *e;

	ww_av_release(out);
	if (!cJSON_IsArray(j))
		return bad("items are not an array");
	ww_av_set_container(out, WW_AV_L);
	cJSON_ArrayForEach(e, j)
	{
		if (ww_ddb_json_item_to_av(e, ww_av_list_add(out)))
			return WW_ERROR;
	}
	return 0;
}
