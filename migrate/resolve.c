#include "migrate/resolve.h"

#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/error.h"

static const struct {
	const char *logical;
	const char *env;
	const char *output;
} table_info[WW_TABLE_COUNT] = {
    {"prizes", "WWSEED_TABLE_PRIZES", "PrizesTableName"},
    {"scratchers", "WWSEED_TABLE_SCRATCHERS", "ScratchersTableName"},
    {"tickets", "WWSEED_TABLE_TICKETS", "TicketsTableName"},
    {"stores", "WWSEED_TABLE_STORES", "StoresTableName"},
    {"ledger", "WWSEED_TABLE_LEDGER", "LedgerTableName"},
    {"game-data", "WWSEED_TABLE_GAME_DATA", "GameDataTableName"},
};

const char *ww_table_logical(ww_table_id t)
{
	return t < WW_TABLE_COUNT ? table_info[t].logical : "?";
}

int ww_table_parse(const char *logical)
{
	int i;

	for (i = 0; i < WW_TABLE_COUNT; i++)
		if (!strcmp(logical, table_info[i].logical))
			return i;
	return -1;
}

void ww_tables_release(ww_tables *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < WW_TABLE_COUNT; i++) {
		free(t->name[i]);
		free(t->source[i]);
		free(t->tried[i]);
		t->name[i] = t->source[i] = t->tried[i] = NULL;
	}
}

static int read_file(const char *path, ww_buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	if (!f)
		return ww_error_set(WW_EINVALID, "cannot read CDK outputs file '%s': %s", path,
				    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		ww_buf_put(out, chunk, n);
	fclose(f);
	return 0;
}

/* The stack object of the outputs file: "Schratcho-<stage>", else the only
 * stack, else NULL. */
static const cJSON *pick_stack(const cJSON *root, const char *stage)
{
	char want[256];
	const cJSON *s, *only = NULL;
	int n = 0;

	snprintf(want, sizeof(want), "Schratcho%s%s", *stage ? "-" : "", stage);
	s = cJSON_GetObjectItemCaseSensitive(root, want);
	if (cJSON_IsObject(s))
		return s;
	cJSON_ArrayForEach(s, root)
	{
		if (cJSON_IsObject(s)) {
			only = s;
			n++;
		}
	}
	return n == 1 ? only : NULL;
}

int ww_tables_resolve(ww_tables *out, const ww_resolve_opts *o)
{
	const char *stage = o->stage ? o->stage : "dev";
	cJSON *outputs = NULL;
	const cJSON *stack = NULL;
	ww_buf data = WW_BUF_INIT, tried = WW_BUF_INIT, name = WW_BUF_INIT;
	size_t i;
	int t, rc = 0;

	ww_tables_release(out);
	for (i = 0; i < o->noverrides; i++) {
		const char *eq = strchr(o->overrides[i], '=');
		char kind[32];
		size_t klen = eq ? (size_t)(eq - o->overrides[i]) : 0;

		if (!eq || !eq[1] || klen == 0 || klen >= sizeof(kind)) {
			rc = ww_error_set(WW_EINVALID, "invalid --table '%s': expected KIND=NAME",
					  o->overrides[i]);
			goto done;
		}
		memcpy(kind, o->overrides[i], klen);
		kind[klen] = 0;
		if ((t = ww_table_parse(kind)) < 0) {
			rc = ww_error_set(WW_EINVALID,
					  "invalid --table '%s': unknown kind '%s' (prizes, "
					  "scratchers, tickets, stores, ledger, game-data)",
					  o->overrides[i], kind);
			goto done;
		}
		free(out->name[t]);
		out->name[t] = ww_xstrdup(eq + 1);
		free(out->source[t]);
		out->source[t] = ww_xstrdup("--table");
	}
	if (o->cdk_outputs) {
		if ((rc = read_file(o->cdk_outputs, &data)) < 0)
			goto done;
		outputs = cJSON_ParseWithLength(data.ptr ? data.ptr : "", data.len);
		if (!cJSON_IsObject(outputs)) {
			rc = ww_error_set(WW_EINVALID,
					  "invalid CDK outputs file '%s': not a JSON object",
					  o->cdk_outputs);
			goto done;
		}
		stack = pick_stack(outputs, stage);
	}
	for (t = 0; t < WW_TABLE_COUNT; t++) {
		const char *env = getenv(table_info[t].env);
		const cJSON *v;

		ww_buf_clear(&tried);
		if (out->name[t])
			goto record;
		ww_buf_printf(&tried, "--table %s=NAME: not given; ", table_info[t].logical);
		if (env && *env) {
			out->name[t] = ww_xstrdup(env);
			out->source[t] = ww_xstrdup(table_info[t].env);
			goto record;
		}
		ww_buf_printf(&tried, "%s: not set; ", table_info[t].env);
		if (o->cdk_outputs) {
			v = stack ? cJSON_GetObjectItemCaseSensitive(stack, table_info[t].output)
				  : NULL;
			if (cJSON_IsString(v) && *v->valuestring) {
				out->name[t] = ww_xstrdup(v->valuestring);
				ww_buf_clear(&name);
				ww_buf_printf(&name, "--cdk-outputs %s", o->cdk_outputs);
				out->source[t] = ww_buf_detach(&name);
				goto record;
			}
			ww_buf_printf(&tried, "--cdk-outputs %s: no %s%s; ", o->cdk_outputs,
				      table_info[t].output,
				      stack ? "" : " (no stack Schratcho-<stage>)");
		} else {
			ww_buf_puts(&tried, "--cdk-outputs: not given; ");
		}
		ww_buf_clear(&name);
		ww_buf_printf(&name, "schratcho%s%s-%s", *stage ? "-" : "", stage,
			      t == WW_TABLE_LEDGER ? "wwseed-ledger" : table_info[t].logical);
		out->name[t] = ww_buf_detach(&name);
		ww_buf_printf(&name, "stage '%s'", stage);
		out->source[t] = ww_buf_detach(&name);
	record:
		out->tried[t] = ww_buf_detach(&tried);
	}
done:
	cJSON_Delete(outputs);
	ww_buf_release(&data);
	ww_buf_release(&tried);
	ww_buf_release(&name);
	if (rc)
		ww_tables_release(out);
	return rc;
}

const char *ww_tables_name(const ww_tables *t, const char *logical)
{
	int i = ww_table_parse(logical);

	return i < 0 ? NULL : t->name[i];
}

void ww_tables_describe(ww_buf *out, const ww_tables *t, ww_table_id id)
{
	ww_buf_printf(out, "table '%s' for %s (from %s) does not exist; tried: %s%s", t->name[id],
		      table_info[id].logical, t->source[id], t->tried[id] ? t->tried[id] : "",
		      t->source[id]);
}
