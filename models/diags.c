/* Printing diagnostics: text, the JSON report, GitHub workflow commands and
 * JUnit XML. */
#include <stdio.h>
#include <string.h>

#include "models/defs.h"

static const char *const sev_names[] = {"info", "warning", "error"};

int ww_diags_format_valid(const char *format)
{
	return format && (!strcmp(format, "text") || !strcmp(format, "json") ||
			  !strcmp(format, "github") || !strcmp(format, "junit"));
}

static void put_location(ww_buf *out, const ww_diag *g)
{
	if (!g->file) {
		ww_buf_puts(out, "wwseed");
		return;
	}
	ww_buf_puts(out, g->file);
	if (g->line)
		ww_buf_printf(out, ":%u:%u", g->line, g->column ? g->column : 1);
}

static void format_text(ww_buf *out, const ww_diags *d, int color)
{
	static const char *const colors[] = {"\033[1;36m", "\033[1;33m", "\033[1;31m"};
	size_t i;

	for (i = 0; i < d->n; i++) {
		const ww_diag *g = &d->items[i];
		put_location(out, g);
		ww_buf_puts(out, ": ");
		if (color)
			ww_buf_printf(out, "%s%s\033[0m", colors[g->severity],
				      sev_names[g->severity]);
		else
			ww_buf_puts(out, sev_names[g->severity]);
		ww_buf_printf(out, "[%s]: %s", g->code, g->message);
		if (g->path && *g->path)
			ww_buf_printf(out, " [%s]", g->path);
		ww_buf_putc(out, '\n');
		if (g->hint)
			ww_buf_printf(out, "  hint: %s\n", g->hint);
	}
}

static void json_str(ww_buf *out, const char *s)
{
	if (!s)
		ww_buf_puts(out, "null");
	else
		ww_buf_put_json_string(out, s, strlen(s));
}

static void format_json(ww_buf *out, const ww_diags *d)
{
	size_t i;

	ww_buf_puts(out, "{\"version\":1,\"diagnostics\":[");
	for (i = 0; i < d->n; i++) {
		const ww_diag *g = &d->items[i];
		ww_buf_printf(out, "%s{\"severity\":\"%s\",\"code\":", i ? "," : "",
			      sev_names[g->severity]);
		json_str(out, g->code);
		ww_buf_puts(out, ",\"file\":");
		json_str(out, g->file);
		ww_buf_printf(out, ",\"line\":%u,\"column\":%u,\"path\":", g->line, g->column);
		json_str(out, g->path ? g->path : "");
		ww_buf_puts(out, ",\"message\":");
		json_str(out, g->message);
		ww_buf_puts(out, ",\"hint\":");
		json_str(out, g->hint);
		ww_buf_putc(out, '}');
	}
	ww_buf_printf(out, "],\"summary\":{\"errors\":%zu,\"warnings\":%zu,\"infos\":%zu}}\n",
		      d->count[WW_SEV_ERROR], d->count[WW_SEV_WARNING], d->count[WW_SEV_INFO]);
}

/* GitHub workflow command escaping: data escapes %, CR, LF; properties
 * also ':' and ','. */
static void gh_escape(ww_buf *out, const char *s, int property)
{
	for (; s && *s; s++) {
		if (*s == '%')
			ww_buf_puts(out, "%25");
		else if (*s == '\r')
			ww_buf_puts(out, "%0D");
		else if (*s == '\n')
			ww_buf_puts(out, "%0A");
		else if (property && *s == ':')
			ww_buf_puts(out, "%3A");
		else if (property && *s == ',')
			ww_buf_puts(out, "%2C");
		else
			ww_buf_putc(out, *s);
	}
}

static void format_github(ww_buf *out, const ww_diags *d)
{
	static const char *const cmds[] = {"notice", "warning", "error"};
	size_t i;

	for (i = 0; i < d->n; i++) {
		const ww_diag *g = &d->items[i];
		ww_buf_printf(out, "::%s ", cmds[g->severity]);
		if (g->file) {
			ww_buf_puts(out, "file=");
			gh_escape(out, g->file, 1);
			if (g->line)
				ww_buf_printf(out, ",line=%u,col=%u", g->line, g->column);
			ww_buf_putc(out, ',');
		}
		ww_buf_puts(out, "title=");
		gh_escape(out, g->code, 1);
		ww_buf_puts(out, "::");
		gh_escape(out, g->message, 0);
		if (g->path && *g->path) {
			ww_buf_puts(out, " [");
			gh_escape(out, g->path, 0);
			ww_buf_putc(out, ']');
		}
		if (g->hint) {
			ww_buf_puts(out, "%0Ahint: ");
			gh_escape(out, g->hint, 0);
		}
		ww_buf_putc(out, '\n');
	}
}

/* XML 1.0 text: markup escaped, control characters XML cannot hold dropped. */
static void xml_escape(ww_buf *out, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&')
			ww_buf_puts(out, "&amp;");
		else if (c == '<')
			ww_buf_puts(out, "&lt;");
		else if (c == '>')
			ww_buf_puts(out, "&gt;");
		else if (c == '"')
			ww_buf_puts(out, "&quot;");
		else if (c == '\'')
			ww_buf_puts(out, "&apos;");
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			continue;
		else
			ww_buf_putc(out, (char)c);
	}
}

static void format_junit(ww_buf *out, const ww_diags *d)
{
	size_t i, tests = d->n ? d->n : 1, failures = d->count[WW_SEV_ERROR];

	ww_buf_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	ww_buf_printf(
	    out,
	    "<testsuites name=\"wwseed validate\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n",
	    tests, failures);
	ww_buf_printf(out,
		      "  <testsuite name=\"wwseed validate\" tests=\"%zu\" failures=\"%zu\" "
		      "errors=\"0\" skipped=\"0\">\n",
		      tests, failures);
	if (!d->n)
		ww_buf_puts(
		    out, "    <testcase classname=\"wwseed\" name=\"definitions are valid\"/>\n");
	for (i = 0; i < d->n; i++) {
		const ww_diag *g = &d->items[i];
		ww_buf line = WW_BUF_INIT;

		put_location(&line, g);
		ww_buf_puts(out, "    <testcase classname=\"");
		xml_escape(out, g->file ? g->file : "wwseed");
		ww_buf_printf(out, "\" name=\"%s[%s] ", sev_names[g->severity], g->code);
		xml_escape(out, g->path && *g->path ? g->path : "/");
		if (g->line)
			ww_buf_printf(out, " (%u:%u)", g->line, g->column);
		ww_buf_puts(out, "\">\n");
		if (g->severity == WW_SEV_ERROR) {
			ww_buf_puts(out, "      <failure type=\"");
			xml_escape(out, g->code);
			ww_buf_puts(out, "\" message=\"");
			xml_escape(out, g->message);
			ww_buf_puts(out, "\">");
		} else {
			ww_buf_puts(out, "      <system-out>");
		}
		xml_escape(out, line.ptr);
		ww_buf_puts(out, ": ");
		xml_escape(out, g->message);
		if (g->hint) {
			ww_buf_puts(out, "\nhint: ");
			xml_escape(out, g->hint);
		}
		ww_buf_puts(out, g->severity == WW_SEV_ERROR ? "</failure>\n" : "</system-out>\n");
		ww_buf_puts(out, "    </testcase>\n");
		ww_buf_release(&line);
	}
	ww_buf_puts(out, "  </testsuite>\n</testsuites>\n");
}

void ww_diags_format(ww_buf *out, const ww_diags *d, const char *format, int color)
{
	if (format && !strcmp(format, "json"))
		format_json(out, d);
	else if (format && !strcmp(format, "github"))
		format_github(out, d);
	else if (format && !strcmp(format, "junit"))
		format_junit(out, d);
	else
		format_text(out, d, color);
}
