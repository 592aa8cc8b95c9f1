#include "migrate/item.h"

#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "common/error.h"

int ww_item_build(ww_av *out, const ww_layout *l, ww_kind k, const char *id, const ww_av *fields,
		  const char *hash, const ww_item_meta *meta, const ww_item_prev *prev)
{
	ww_av key = WW_AV_INIT;
	ww_av *meta_av;
	char num[32];
	size_t i;
	int rc = 0;

	ww_av_release(out);
	for (i = 0; i < fields->n; i++) {
		if (ww_layout_is_reserved(l, k, fields->members[i].name)) {
			rc = ww_error_set(
			    WW_EINVALID,
			    "%s \"%s\": field '%s' collides with an attribute of layout '%s'",
			    ww_kind_name(k), id, fields->members[i].name, l->name);
			goto done;
		}
	}
	ww_av_copy(out, fields);
	ww_layout_key_of(l, k, id, &key);
	for (i = 0; i < key.n; i++) {
		ww_av *v = ww_av_map_get_mut(out, key.members[i].name);
		if (!v)
			v = ww_av_map_add(out, key.members[i].name);
		ww_av_copy(v, &key.members[i].value);
	}
	if (l->entity_type_attr && l->kinds[k].entity_type) {
		const char *et = l->kinds[k].entity_type;
		ww_av_set_s(ww_av_map_add(out, l->entity_type_attr), et, strlen(et));
	}
	if (l->created_attr) {
		const char *c = prev && prev->created_at ? prev->created_at : meta->now;
		ww_av_set_s(ww_av_map_add(out, l->created_attr), c, strlen(c));
	}
	if (l->updated_attr)
		ww_av_set_s(ww_av_map_add(out, l->updated_attr), meta->now, strlen(meta->now));
	if (l->version_attr) {
		snprintf(num, sizeof(num), "%ld", prev ? prev->version + 1 : 1);
		ww_av_set_n(ww_av_map_add(out, l->version_attr), num);
	}
	meta_av = ww_av_map_add(out, WW_META_ATTR);
	ww_av_set_container(meta_av, WW_AV_M);
	ww_av_set_s(ww_av_map_add(meta_av, "hash"), hash, strlen(hash));
	snprintf(num, sizeof(num), "%d", WW_MODEL_VERSION);
	ww_av_set_n(ww_av_map_add(meta_av, "modelVersion"), num);
	ww_av_set_s(ww_av_map_add(meta_av, "changedAt"), meta->now, strlen(meta->now));
	ww_av_set_s(ww_av_map_add(meta_av, "managedBy"), "wwseed", 6);
	ww_av_set_s(ww_av_map_add(meta_av, "runId"), meta->run_id, strlen(meta->run_id));
done:
	ww_av_release(&key);
	return rc;
}

void ww_item_strip(ww_av *out, const ww_layout *l, ww_kind k, const ww_av *item)
{
	size_t i;

	ww_av_set_container(out, WW_AV_M);
	for (i = 0; i < item->n; i++) {
		if (ww_layout_is_reserved(l, k, item->members[i].name))
			continue;
		ww_av_copy(ww_av_map_add(out, item->members[i].name), &item->members[i].value);
	}
}

void ww_item_iso_time(char out[32], time_t secs, int millis)
{
	struct tm tm;
	char date[24];
	unsigned ms = (unsigned)(millis < 0 ? 0 : millis % 1000);

	gmtime_r(&secs, &tm);
	if (!strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm))
		date[0] = 0;
	snprintf(out, 32, "%.19s.%03uZ", date, ms);
}

void ww_item_now(char out[32])
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	ww_item_iso_time(out, tv.tv_sec, (int)(tv.tv_usec / 1000));
}

unsigned ww_item_wcu(const ww_av *item)
{
	size_t size = ww_av_item_size(item);

	return size == 0 ? 1 : (unsigned)((size + 1023) / 1024);
}
