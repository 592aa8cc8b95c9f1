#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

static _Thread_local char last_message[2048];
static _Thread_local int last_code;

int ww_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	last_code = code;
	return code;
}

const char *ww_error_message(void)
{
	return last_message;
}

int ww_error_last_code(void)
{
	return last_code;
}

void ww_error_clear(void)
{
	last_message[0] = '\0';
	last_code = WW_OK;
}

const char *ww_error_code_name(int code)
{
	switch (code) {
	case WW_OK: return "ok";
	case WW_EINVALID: return "invalid";
	case WW_ENOTFOUND: return "not-found";
	case WW_ETHROTTLED: return "throttled";
	case WW_EAUTH: return "auth";
	case WW_ENETWORK: return "network";
	case WW_ECONFLICT: return "conflict";
	case WW_ELOCKED: return "locked";
	case WW_EAWS: return "aws";
	case WW_EINTERRUPTED: return "interrupted";
	case WW_ECONFIG: return "config";
	default: return "error";
	}
}
