/*
 * Fuzz the definitions pipeline: any bytes, read as an export document, an
 * array of one kind or JSON Lines, must parse and validate without a crash,
 * leak or undefined behaviour; every definition that was kept must marshal,
 * and its hash must equal the hash of its marshalled item.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/av.h"
#include "common/buf.h"
#include "models/defs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = { "text", "json", "github", "junit" };
	ww_defs_options o = { 0, 1 };
	ww_defset *s;
	ww_buf out = WW_BUF_INIT;
	const char *p = (const char *)data;
	int mode = size ? data[0] % 6 : 0, k;
	size_t i;

	if (size) /* the first byte picks the mode: the rest is the input */
		p++, size--;
	o.strict = mode == 5;
	s = ww_defset_new(&o);
	if (mode < 5) {
		ww_defset_add_document(s, "fuzz.json", p, size, mode - 1);
	} else {
		unsigned line = 1;
		size_t start = 0;
		for (i = 0; i <= size; i++) {
			if (i < size && p[i] != '\n')
				continue;
			if (i > start)
				ww_defset_add_line(s, "fuzz.jsonl", line, p + start, i - start,
						   (ww_kind)(line % WW_KIND_COUNT));
			line++;
			start = i + 1;
		}
	}
	ww_defset_finish(s);
	for (i = 0; i < 4; i++)
		ww_diags_format(&out, ww_defset_diags(s), formats[i], (int)(i & 1));
	for (k = 0; k < WW_KIND_COUNT; k++) {
		for (i = 0; i < ww_defset_count(s, (ww_kind)k); i++) {
			const ww_def *d = ww_defset_get(s, (ww_kind)k, i);
			ww_av item = WW_AV_INIT;
			char h1[65], h2[65];
			ww_def_marshal(d, &item);
			ww_def_hash(d, h1);
			ww_av_hash(&item, h2);
			if (strcmp(h1, h2))
				__builtin_trap();
			ww_av_release(&item);
		}
	}
	ww_buf_release(&out);
	ww_defset_free(s);
	return 0;
}
