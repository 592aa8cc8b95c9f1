/*
 * Fuzz the shared-file (INI) parser: any bytes must parse or fail cleanly,
 * and whatever parsed must be readable back.
 */
#include <stddef.h>
#include <stdint.h>

#include "aws/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ww_ini ini = WW_INI_INIT;
	size_t i;

	if (ww_ini_parse(&ini, (const char *)data, size, "fuzz") == 0) {
		for (i = 0; i < ini.n; i++) {
			const ww_ini_entry *e = &ini.entries[i];
			if (e->key && !ww_ini_get(&ini, e->section, e->key))
				__builtin_trap(); /* a key that parsed must be found */
			if (!ww_ini_has_section(&ini, e->section))
				__builtin_trap();
		}
	}
	ww_ini_release(&ini);
	return 0;
}
