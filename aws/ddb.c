#include "aws/ddb.h"

#include <cJSON.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/crc32.h"
#include "aws/creds.h"
#include "aws/ddb_internal.h"
#include "aws/ddb_json.h"
#include "aws/retry.h"
#include "aws/sigv4.h"
#include "common/error.h"
#include "common/log.h"

#define TARGET_PREFIX "DynamoDB_20120810."
#define CONTENT_TYPE "application/x-amz-json-1.0"
#define DEBUG_BODY_MAX 16384
#define LIST_TABLES_PAGE 100

struct ww_ddb {
	char *region;
	char *endpoint; /* without a trailing slash */
	char *url;	/* endpoint + path */
	char *host;	/* host[:port] for the Host header */
	char *path;	/* "/" unless the endpoint has a path */
	ww_creds_provider *creds;
	ww_http_send_fn send;
	void *send_ctx;
	ww_http_client *own_http;
	ww_clock_fn clock;
	void *clock_ctx;
	void (*sleep_ms)(void *ctx, long ms);
	void *sleep_ctx;
	ww_retry *retry;
	pthread_mutex_t stats_lock;
	ww_ddb_stats stats;
};

/* ---- Construction -------------------------------------------------- */

static time_t real_clock(void *ctx)
{
	(void)ctx;
	return time(NULL);
}

static void real_sleep(void *ctx, long ms)
{
	struct timespec ts;

	(void)ctx;
	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Split "scheme://host[:port][/path]" into host and path. */
static int split_endpoint(ww_ddb *d)
{
	const char *p = strstr(d->endpoint, "://"), *slash;

	if (!p || p == d->endpoint || !p[3])
		return ww_error_set(WW_EINVALID, "invalid endpoint url '%s'", d->endpoint);
	p += 3;
	slash = strchr(p, '/');
	d->host = slash ? ww_xstrndup(p, (size_t)(slash - p)) : ww_xstrdup(p);
	d->path = ww_xstrdup(slash ? slash : "/");
	d->url = ww_xmalloc(strlen(d->endpoint) + 2);
	sprintf(d->url, "%s%s", d->endpoint, slash ? "" : "/");
	return 0;
}

ww_ddb *ww_ddb_new(const ww_ddb_options *opts)
{
	ww_ddb *d = NULL;
	ww_buf url = WW_BUF_INIT;
	size_t n;

	if (!opts || !opts->region || !*opts->region) {
		ww_error_set(WW_EINVALID, "no region for dynamodb");
		return NULL;
	}
	if (!opts->creds) {
		ww_error_set(WW_EAUTH, "no credentials for dynamodb");
		return NULL;
	}
	d = ww_xcalloc(1, sizeof(*d));
	pthread_mutex_init(&d->stats_lock, NULL);
	d->region = ww_xstrdup(opts->region);
	if (opts->endpoint && *opts->endpoint)
		ww_buf_puts(&url, opts->endpoint);
	else
		ww_buf_printf(&url, "https://dynamodb.%s.amazonaws.com", opts->region);
	n = url.len;
	while (n > 0 && url.ptr[n - 1] == '/' && !(n >= 3 && !strncmp(url.ptr + n - 3, "://", 3)))
		n--;
	d->endpoint = ww_xstrndup(url.ptr, n);
	if (split_endpoint(d))
		goto fail;
	d->creds = opts->creds;
	d->send = opts->send ? opts->send : ww_http_send_curl;
	d->send_ctx = opts->send_ctx;
	if (!opts->send && !opts->send_ctx) {
		d->own_http = ww_http_client_new(&opts->http_opts);
		if (!d->own_http)
			goto fail;
		d->send_ctx = d->own_http;
	}
	d->clock = opts->clock ? opts->clock : real_clock;
	d->clock_ctx = opts->clock_ctx;
	d->sleep_ms = opts->sleep_ms ? opts->sleep_ms : real_sleep;
	d->sleep_ctx = opts->sleep_ctx;
	d->retry = ww_retry_new(&opts->retry, opts->random, opts->random_ctx);
	ww_buf_release(&url);
	return d;
fail:
	ww_buf_release(&url);
	ww_ddb_free(d);
	return NULL;
}

void ww_ddb_free(ww_ddb *d)
{
	if (!d)
		return;
	ww_http_client_free(d->own_http);
	ww_retry_free(d->retry);
	pthread_mutex_destroy(&d->stats_lock);
	free(d->region);
	free(d->endpoint);
	free(d->url);
	free(d->host);
	free(d->path);
	free(d);
}

const char *ww_ddb_endpoint(const ww_ddb *d)
{
	return d->endpoint;
}

void ww_ddb_get_stats(ww_ddb *d, ww_ddb_stats *out)
{
	pthread_mutex_lock(&d->stats_lock);
	*out = d->stats;
	pthread_mutex_unlock(&d->stats_lock);
}

/* ---- Errors -------------------------------------------------------- */

static const char *const auth_types[] = {
    "AccessDeniedException",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
    "IncompleteSignatureException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
    "ExpiredToken",
};

int ww_ddb_error_code(const char *type, long status)
{
	size_t i;

	if (!type)
		type = "";
	if (!strcmp(type, "ConditionalCheckFailedException"))
		return WW_ECONFLICT;
	if (!strcmp(type, "ResourceNotFoundException"))
		return WW_ENOTFOUND;
	if (!strcmp(type, "ValidationException"))
		return WW_EINVALID;
	if (ww_retry_is_throttle(type))
		return WW_ETHROTTLED;
	for (i = 0; i < sizeof(auth_types) / sizeof(*auth_types); i++)
		if (!strcmp(type, auth_types[i]))
			return WW_EAUTH;
	if (!*type && (status == 401 || status == 403))
		return WW_EAUTH;
	return WW_EAWS;
}

static void copy_field(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src ? src : "");
}

/* Parse `len` bytes as JSON (they need not be NUL-terminated). */
static cJSON *parse_json(const char *body, size_t len)
{
	if (!body)
		return NULL;
	return cJSON_ParseWithLength(body, len);
}

int ww_ddb_parse_error_body(const char *body, size_t len, ww_ddb_error *err)
{
	cJSON *root = parse_json(body, len);
	const cJSON *t, *m;
	const char *hash;
	int rc = 0;

	err->type[0] = '\0';
	err->message[0] = '\0';
	if (!cJSON_IsObject(root)) {
		rc = WW_ERROR;
		goto done;
	}
	t = cJSON_GetObjectItemCaseSensitive(root, "__type");
	if (cJSON_IsString(t)) {
		hash = strrchr(t->valuestring, '#');
		copy_field(err->type, sizeof(err->type), hash ? hash + 1 : t->valuestring);
	}
	m = cJSON_GetObjectItemCaseSensitive(root, "message");
	if (!cJSON_IsString(m))
		m = cJSON_GetObjectItemCaseSensitive(root, "Message");
	if (cJSON_IsString(m))
		copy_field(err->message, sizeof(err->message), m->valuestring);
done:
	cJSON_Delete(root);
	return rc;
}

static double consumed_of(const cJSON *root)
{
	const cJSON *cc = cJSON_GetObjectItemCaseSensitive(root, "ConsumedCapacity"), *e, *u;
	double sum = 0;

	if (cJSON_IsObject(cc)) {
		u = cJSON_GetObjectItemCaseSensitive(cc, "CapacityUnits");
		return cJSON_IsNumber(u) ? u->valuedouble : 0;
	}
	if (!cJSON_IsArray(cc))
		return 0;
	cJSON_ArrayForEach(e, cc)
	{
		u = cJSON_GetObjectItemCaseSensitive(e, "CapacityUnits");
		if (cJSON_IsNumber(u))
			sum += u->valuedouble;
	}
	return sum;
}

double ww_ddb_parse_consumed(const char *body, size_t len)
{
	cJSON *root = parse_json(body, len);
	double v = cJSON_IsObject(root) ? consumed_of(root) : 0;

	cJSON_Delete(root);
	return v;
}

/* ---- The call: sign, send, check, retry ---------------------------- */

static int is_write_op(const char *op)
{
	return !strcmp(op, "BatchWriteItem") || !strcmp(op, "PutItem") ||
	       !strcmp(op, "UpdateItem") || !strcmp(op, "DeleteItem");
}

static int is_read_op(const char *op)
{
	return !strcmp(op, "GetItem") || !strcmp(op, "BatchGetItem") || !strcmp(op, "Scan") ||
	       !strcmp(op, "Query");
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static void log_body(const char *dir, const char *op, const char *body, size_t len)
{
	if (len > DEBUG_BODY_MAX)
		ww_log(WW_LOG_DEBUG, "ddb: %s %s %.*s... (%zu bytes)", dir, op, DEBUG_BODY_MAX,
		       body, len);
	else
		ww_log(WW_LOG_DEBUG, "ddb: %s %s %.*s", dir, op, (int)len, body ? body : "");
}

/* The request headers at debug level. The signature and the token are
 * masked here, before the logger's own redaction sees them. */
static void log_headers(const char *op, const ww_http_header *h, size_t n)
{
	size_t i;
	const char *sig;

	if (ww_log_level() < WW_LOG_DEBUG)
		return;
	for (i = 0; i < n; i++) {
		if (!strcasecmp(h[i].name, "X-Amz-Security-Token")) {
			ww_log(WW_LOG_DEBUG, "ddb: > %s %s: ****", op, h[i].name);
		} else if (!strcasecmp(h[i].name, "Authorization") &&
			   (sig = strstr(h[i].value, "Signature="))) {
			ww_log(WW_LOG_DEBUG, "ddb: > %s %s: %.*sSignature=****", op, h[i].name,
			       (int)(sig - h[i].value), h[i].value);
		} else {
			ww_log(WW_LOG_DEBUG, "ddb: > %s %s: %s", op, h[i].name, h[i].value);
		}
	}
}

/* What one attempt ended with. */
typedef struct {
	int send_rc; /* the send function's code */
	long status;
	char type[96];
	char message[512];
	char request_id[96];
	ww_retry_class cls;
	int code;    /* error code if this is the final outcome */
	cJSON *json; /* a good 200 body, parsed */
	ww_buf *raw; /* where a good body's bytes go, or NULL */
} attempt_result;

/* Check and parse one response into `r`. */
static void judge_response(const char *op, ww_http_response *resp, attempt_result *r)
{
	const char *crc = ww_http_response_header(resp, "x-amz-crc32");
	const char *rid = ww_http_response_header(resp, "x-amzn-requestid");
	ww_ddb_error tmp;

	r->status = resp->status;
	copy_field(r->request_id, sizeof(r->request_id), rid);
	/* A response without the header (some compatible servers) is taken as
	 * is; one with a wrong value was damaged on the way. */
	if (crc && !ww_crc32_matches(crc, resp->body.ptr ? resp->body.ptr : "", resp->body.len)) {
		r->cls = WW_RETRY_TRANSIENT;
		r->code = WW_ENETWORK;
		snprintf(r->message, sizeof(r->message),
			 "response crc32 mismatch (x-amz-crc32 %s, body of %zu bytes)", crc,
			 resp->body.len);
		return;
	}
	if (resp->status >= 200 && resp->status < 300) {
		r->json = parse_json(resp->body.ptr, resp->body.len);
		if (cJSON_IsObject(r->json)) {
			if (r->raw)
				ww_buf_put(r->raw, resp->body.ptr, resp->body.len);
			return;
		}
		cJSON_Delete(r->json);
		r->json = NULL;
		r->cls = WW_RETRY_TRANSIENT;
		r->code = WW_ENETWORK;
		snprintf(r->message, sizeof(r->message),
			 "%s response body is not a json object (%zu bytes, truncated?)", op,
			 resp->body.len);
		return;
	}
	ww_ddb_parse_error_body(resp->body.ptr, resp->body.len, &tmp);
	copy_field(r->type, sizeof(r->type), tmp.type);
	copy_field(r->message, sizeof(r->message), tmp.message);
	r->cls = ww_retry_classify(0, resp->status, r->type);
	r->code = ww_ddb_error_code(r->type, resp->status);
}

/* One signed HTTP attempt. */
static void attempt_once(ww_ddb *d, const char *op, const char *table, const char *target,
			 const char *body, size_t len, int attempt, attempt_result *r)
{
	ww_creds creds;
	ww_sigv4_input in;
	ww_sigv4_output sig;
	ww_http_header h[6];
	size_t nh = 3;
	ww_http_request req;
	ww_http_response resp = WW_HTTP_RESPONSE_INIT;
	double t0;
	int rc;

	memset(&creds, 0, sizeof(creds));
	memset(&sig, 0, sizeof(sig));
	memset(&in, 0, sizeof(in));
	memset(&req, 0, sizeof(req));
	h[0].name = "Host";
	h[0].value = d->host;
	h[1].name = "Content-Type";
	h[1].value = CONTENT_TYPE;
	h[2].name = "X-Amz-Target";
	h[2].value = target;

	/* Per attempt, so credentials refreshed meanwhile are used. */
	rc = ww_creds_provider_get(d->creds, &creds);
	if (rc) {
		r->send_rc = rc;
		r->cls = WW_RETRY_NEVER;
		r->code = rc;
		copy_field(r->message, sizeof(r->message), ww_error_message());
		goto done;
	}
	in.method = "POST";
	in.path = d->path;
	in.query = "";
	in.headers = h;
	in.nheaders = nh;
	in.body = body;
	in.body_len = len;
	in.region = d->region;
	in.service = "dynamodb";
	in.now = d->clock(d->clock_ctx);
	in.normalize_path = 1;
	rc = ww_sigv4_sign(&in, &creds, &sig);
	if (rc) {
		r->send_rc = rc;
		r->cls = WW_RETRY_NEVER;
		r->code = rc;
		copy_field(r->message, sizeof(r->message), ww_error_message());
		goto done;
	}
	h[nh].name = "X-Amz-Date";
	h[nh++].value = sig.amz_date;
	if (creds.session_token && *creds.session_token) {
		h[nh].name = "X-Amz-Security-Token";
		h[nh++].value = creds.session_token;
	}
	h[nh].name = "Authorization";
	h[nh++].value = ww_buf_cstr(&sig.authorization);

	req.method = "POST";
	req.url = d->url;
	req.headers = h;
	req.nheaders = nh;
	req.body = body;
	req.body_len = len;
	if (ww_log_level() >= WW_LOG_DEBUG) {
		log_headers(op, h, nh);
		log_body(">", op, body, len);
	}
	t0 = now_ms();
	rc = d->send(d->send_ctx, &req, &resp);
	if (resp.elapsed_ms <= 0)
		resp.elapsed_ms = now_ms() - t0;
	pthread_mutex_lock(&d->stats_lock);
	d->stats.requests++;
	if (attempt > 1)
		d->stats.retries++;
	pthread_mutex_unlock(&d->stats_lock);
	if (rc) {
		r->send_rc = rc;
		r->cls = ww_retry_classify(rc, 0, NULL);
		r->code = rc == WW_ENETWORK ? WW_ENETWORK : rc;
		copy_field(r->message, sizeof(r->message), ww_error_message());
	} else {
		judge_response(op, &resp, r);
		if (ww_log_level() >= WW_LOG_DEBUG)
			log_body("<", op, resp.body.ptr, resp.body.len);
	}
	r->status = resp.status;
	ww_log(WW_LOG_VERBOSE, "ddb: %s table=%s status=%ld ms=%.1f attempt=%d request-id=%s%s%s",
	       op, table ? table : "-", resp.status, resp.elapsed_ms, attempt,
	       r->request_id[0] ? r->request_id : "-", r->type[0] || r->code ? " error=" : "",
	       r->type[0] ? r->type
	       : r->code  ? ww_error_code_name(r->code)
			  : "");
done:
	ww_http_response_release(&resp);
	ww_sigv4_output_release(&sig);
	ww_creds_release(&creds);
}

static void fill_error(ww_ddb_error *err, const attempt_result *r, int attempts, int code)
{
	if (!err)
		return;
	copy_field(err->type, sizeof(err->type), r->type);
	copy_field(err->message, sizeof(err->message), r->message);
	err->http_status = r->status;
	copy_field(err->request_id, sizeof(err->request_id), r->request_id);
	err->attempts = attempts;
	err->code = code;
}

static const char *verdict_note(ww_retry_verdict v)
{
	switch (v) {
	case WW_RETRY_STOP_ATTEMPTS:
		return ", out of attempts";
	case WW_RETRY_STOP_BUDGET:
		return ", retry budget exhausted";
	default:
		return "";
	}
}

/*
 * Send one operation with retries. On success *out gets the parsed body
 * (caller deletes it); on failure the thread's error is set with the
 * operation, table, AWS error type and message, status, request id and
 * attempts, and the code is returned.
 */
static int call_json(ww_ddb *d, const char *op, const char *table, const char *body, size_t len,
		     cJSON **out, ww_buf *raw, ww_ddb_error *err)
{
	char target[128];
	attempt_result r;
	ww_retry_verdict v = WW_RETRY_STOP_CLASS;
	int attempt, last_cost = 0, cost, code;
	long delay;

	*out = NULL;
	if (err)
		memset(err, 0, sizeof(*err));
	snprintf(target, sizeof(target), TARGET_PREFIX "%s", op);
	if (is_write_op(op)) {
		pthread_mutex_lock(&d->stats_lock);
		d->stats.write_requests++;
		pthread_mutex_unlock(&d->stats_lock);
	}
	for (attempt = 1;; attempt++) {
		memset(&r, 0, sizeof(r));
		r.raw = raw;
		attempt_once(d, op, table, target, body, len, attempt, &r);
		if (r.json) {
			double cu = consumed_of(r.json);
			ww_retry_success(d->retry, last_cost);
			pthread_mutex_lock(&d->stats_lock);
			if (is_write_op(op))
				d->stats.consumed_wcu += cu;
			else if (is_read_op(op))
				d->stats.consumed_rcu += cu;
			if (!strcmp(op, "PutItem") || !strcmp(op, "UpdateItem") ||
			    !strcmp(op, "DeleteItem"))
				d->stats.items_written++;
			pthread_mutex_unlock(&d->stats_lock);
			*out = r.json;
			return 0;
		}
		v = ww_retry_decide(d->retry, r.cls, attempt, &delay, &cost);
		if (v != WW_RETRY_GO)
			break;
		last_cost = cost;
		ww_log(WW_LOG_VERBOSE, "ddb: retrying %s in %ld ms (attempt %d failed: %s)", op,
		       delay, attempt, r.type[0] ? r.type : r.message);
		d->sleep_ms(d->sleep_ctx, delay);
	}
	code = r.code ? r.code : WW_EAWS;
	/* Out of retries, a throttled call is reported as such whatever its
	 * exact type; transport failures stay network errors. */
	fill_error(err, &r, attempt, code);
	if (r.type[0])
		ww_error_set(
		    code,
		    "dynamodb %s%s%s%s failed: %s: %s (http %ld, request-id %s, %d attempt%s%s)",
		    op, table ? " on table '" : "", table ? table : "", table ? "'" : "", r.type,
		    r.message[0] ? r.message : "no message", r.status,
		    r.request_id[0] ? r.request_id : "-", attempt, attempt == 1 ? "" : "s",
		    verdict_note(v));
	else if (r.status && !r.message[0] && r.send_rc == 0)
		ww_error_set(code,
			     "dynamodb %s%s%s%s failed: http %ld (request-id %s, %d attempt%s%s)",
			     op, table ? " on table '" : "", table ? table : "", table ? "'" : "",
			     r.status, r.request_id[0] ? r.request_id : "-", attempt,
			     attempt == 1 ? "" : "s", verdict_note(v));
	else
		ww_error_set(code, "dynamodb %s%s%s%s failed: %s (%d attempt%s%s)", op,
			     table ? " on table '" : "", table ? table : "", table ? "'" : "",
			     r.message[0] ? r.message : "no response", attempt,
			     attempt == 1 ? "" : "s", verdict_note(v));
	return code;
}

int ww_ddb_call(ww_ddb *d, const char *operation, const char *table, const char *json_body,
		ww_buf *out, ww_ddb_error *err)
{
	cJSON *root = NULL;
	int rc;

	/* The body exactly as it arrived: a re-print would change numbers
	 * such as 1.0. */
	rc = call_json(d, operation, table, json_body, json_body ? strlen(json_body) : 0, &root,
		       out, err);
	cJSON_Delete(root);
	return rc;
}

/* ---- Request bodies ------------------------------------------------ */

/* Start a member: a comma unless it is the first of its object. */
static void member(ww_buf *b, const char *name)
{
	if (b->len && b->ptr[b->len - 1] != '{')
		ww_buf_putc(b, ',');
	ww_buf_put_json_string(b, name, strlen(name));
	ww_buf_putc(b, ':');
}

static void member_str(ww_buf *b, const char *name, const char *value)
{
	if (!value)
		return;
	member(b, name);
	ww_buf_put_json_string(b, value, strlen(value));
}

static void member_item(ww_buf *b, const char *name, const ww_av *item)
{
	member(b, name);
	ww_av_item_to_json(b, item);
}

enum {
	EXPR_CONDITION = 1,
	EXPR_UPDATE = 2,
	EXPR_PROJECTION = 4,
	EXPR_KEY = 8,
	EXPR_FILTER = 16,
	EXPR_VALUES = 32
};

/* ExpressionAttributeNames are plain strings ({"#n":"name"}). */
static void member_names(ww_buf *b, const ww_av *names)
{
	size_t i;

	if (!names || names->type != WW_AV_M || !names->n)
		return;
	member(b, "ExpressionAttributeNames");
	ww_buf_putc(b, '{');
	for (i = 0; i < names->n; i++) {
		const ww_av *v = &names->members[i].value;
		if (i)
			ww_buf_putc(b, ',');
		ww_buf_put_json_string(b, names->members[i].name, strlen(names->members[i].name));
		ww_buf_putc(b, ':');
		ww_buf_put_json_string(b, v->str ? v->str : "", v->str ? v->len : 0);
	}
	ww_buf_putc(b, '}');
}

static void member_expr(ww_buf *b, const ww_ddb_expr *e, unsigned allow)
{
	if (!e)
		return;
	if (allow & EXPR_KEY)
		member_str(b, "KeyConditionExpression", e->key_condition);
	if (allow & EXPR_UPDATE)
		member_str(b, "UpdateExpression", e->update);
	if (allow & EXPR_CONDITION)
		member_str(b, "ConditionExpression", e->condition);
	if (allow & EXPR_FILTER)
		member_str(b, "FilterExpression", e->filter);
	if (allow & EXPR_PROJECTION)
		member_str(b, "ProjectionExpression", e->projection);
	member_names(b, e->names);
	if ((allow & EXPR_VALUES) && e->values && e->values->type == WW_AV_M && e->values->n)
		member_item(b, "ExpressionAttributeValues", e->values);
}

static void member_consumed(ww_buf *b)
{
	member_str(b, "ReturnConsumedCapacity", "TOTAL");
}

static void body_table(ww_buf *b, const char *name)
{
	ww_buf_putc(b, '{');
	member_str(b, "TableName", name);
	ww_buf_putc(b, '}');
}

static void key_schema(ww_buf *b, const char *hash, const char *range)
{
	member(b, "KeySchema");
	ww_buf_puts(b, "[{\"AttributeName\":");
	ww_buf_put_json_string(b, hash ? hash : "", hash ? strlen(hash) : 0);
	ww_buf_puts(b, ",\"KeyType\":\"HASH\"}");
	if (range) {
		ww_buf_puts(b, ",{\"AttributeName\":");
		ww_buf_put_json_string(b, range, strlen(range));
		ww_buf_puts(b, ",\"KeyType\":\"RANGE\"}");
	}
	ww_buf_putc(b, ']');
}

static void throughput(ww_buf *b, long rcu, long wcu)
{
	member(b, "ProvisionedThroughput");
	ww_buf_printf(b, "{\"ReadCapacityUnits\":%ld,\"WriteCapacityUnits\":%ld}", rcu, wcu);
}

void ww_ddb_body_create_table(ww_buf *b, const ww_ddb_table *t)
{
	size_t i;

	ww_buf_putc(b, '{');
	member_str(b, "TableName", t->name);
	member(b, "AttributeDefinitions");
	ww_buf_putc(b, '[');
	for (i = 0; i < t->nattrs; i++) {
		if (i)
			ww_buf_putc(b, ',');
		ww_buf_puts(b, "{\"AttributeName\":");
		ww_buf_put_json_string(b, t->attrs[i].name, strlen(t->attrs[i].name));
		ww_buf_printf(b, ",\"AttributeType\":\"%c\"}", t->attrs[i].type);
	}
	ww_buf_putc(b, ']');
	key_schema(b, t->hash_key, t->range_key);
	if (t->ngsis) {
		member(b, "GlobalSecondaryIndexes");
		ww_buf_putc(b, '[');
		for (i = 0; i < t->ngsis; i++) {
			const ww_ddb_gsi *g = &t->gsis[i];
			if (i)
				ww_buf_putc(b, ',');
			ww_buf_putc(b, '{');
			member_str(b, "IndexName", g->name);
			key_schema(b, g->hash_key, g->range_key);
			member(b, "Projection");
			ww_buf_putc(b, '{');
			member_str(b, "ProjectionType", g->projection ? g->projection : "ALL");
			ww_buf_putc(b, '}');
			if (!t->pay_per_request)
				throughput(b, t->rcu, t->wcu);
			ww_buf_putc(b, '}');
		}
		ww_buf_putc(b, ']');
	}
	member_str(b, "BillingMode", t->pay_per_request ? "PAY_PER_REQUEST" : "PROVISIONED");
	if (!t->pay_per_request)
		throughput(b, t->rcu, t->wcu);
	if (t->stream_enabled) {
		member(b, "StreamSpecification");
		ww_buf_puts(b, "{\"StreamEnabled\":true");
		member_str(b, "StreamViewType",
			   t->stream_view_type ? t->stream_view_type : "NEW_AND_OLD_IMAGES");
		ww_buf_putc(b, '}');
	}
	if (t->sse_enabled) {
		member(b, "SSESpecification");
		ww_buf_puts(b, "{\"Enabled\":true");
		member_str(b, "SSEType", t->sse_type);
		ww_buf_putc(b, '}');
	}
	if (t->deletion_protection) {
		member(b, "DeletionProtectionEnabled");
		ww_buf_puts(b, "true");
	}
	ww_buf_putc(b, '}');
}

/* Requests grouped by table in the order tables first appear. */
void ww_ddb_body_batch_write(ww_buf *b, const ww_ddb_write *reqs, size_t n)
{
	size_t i, j;
	int first;

	ww_buf_puts(b, "{\"RequestItems\":{");
	for (i = 0; i < n; i++) {
		for (j = 0; j < i; j++)
			if (!strcmp(reqs[j].table, reqs[i].table))
				break;
		if (j < i)
			continue; /* table already written */
		if (b->ptr[b->len - 1] != '{')
			ww_buf_putc(b, ',');
		ww_buf_put_json_string(b, reqs[i].table, strlen(reqs[i].table));
		ww_buf_puts(b, ":[");
		first = 1;
		for (j = i; j < n; j++) {
			if (strcmp(reqs[j].table, reqs[i].table))
				continue;
			if (!first)
				ww_buf_putc(b, ',');
			first = 0;
			ww_buf_puts(b, reqs[j].is_delete ? "{\"DeleteRequest\":{\"Key\":"
							 : "{\"PutRequest\":{\"Item\":");
			if (reqs[j].raw)
				ww_buf_puts(b, reqs[j].raw);
			else
				ww_av_item_to_json(b, &reqs[j].item);
			ww_buf_puts(b, "}}");
		}
		ww_buf_putc(b, ']');
	}
	ww_buf_putc(b, '}');
	member_consumed(b);
	ww_buf_putc(b, '}');
}

/* ---- Response parsing ---------------------------------------------- */

static const char *json_str(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *json_strdup(const cJSON *obj, const char *name)
{
	const char *s = json_str(obj, name);

	return s ? ww_xstrdup(s) : NULL;
}

static int malformed(const char *op, const char *what)
{
	return ww_error_set(WW_ERROR, "malformed %s response: %s", op, what);
}

static void key_schema_of(const cJSON *ks, char **hash, char **range)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, ks)
	{
		const char *kt = json_str(e, "KeyType"), *name = json_str(e, "AttributeName");
		if (!kt || !name)
			continue;
		if (!strcmp(kt, "HASH") && !*hash)
			*hash = ww_xstrdup(name);
		else if (!strcmp(kt, "RANGE") && !*range)
			*range = ww_xstrdup(name);
	}
}

static long json_long(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
}

static int json_true(const cJSON *obj, const char *name)
{
	return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, name));
}

static int table_of(const cJSON *td, ww_ddb_table *t, int *indexes_active)
{
	const cJSON *arr, *e, *o;
	const char *s;
	size_t n;

	if (indexes_active)
		*indexes_active = 1;
	if (!cJSON_IsObject(td))
		return malformed("DescribeTable", "no table description");
	t->name = json_strdup(td, "TableName");
	t->status = json_strdup(td, "TableStatus");
	if (!t->name)
		return malformed("DescribeTable", "no TableName");
	key_schema_of(cJSON_GetObjectItemCaseSensitive(td, "KeySchema"), &t->hash_key,
		      &t->range_key);
	arr = cJSON_GetObjectItemCaseSensitive(td, "AttributeDefinitions");
	n = (size_t)cJSON_GetArraySize(arr);
	if (cJSON_IsArray(arr) && n) {
		t->attrs = ww_xcalloc(n, sizeof(*t->attrs));
		cJSON_ArrayForEach(e, arr)
		{
			const char *name = json_str(e, "AttributeName"),
				   *ty = json_str(e, "AttributeType");
			if (!name || !ty)
				continue;
			t->attrs[t->nattrs].name = ww_xstrdup(name);
			t->attrs[t->nattrs++].type = ty[0];
		}
	}
	arr = cJSON_GetObjectItemCaseSensitive(td, "GlobalSecondaryIndexes");
	n = (size_t)cJSON_GetArraySize(arr);
	if (cJSON_IsArray(arr) && n) {
		t->gsis = ww_xcalloc(n, sizeof(*t->gsis));
		cJSON_ArrayForEach(e, arr)
		{
			ww_ddb_gsi *g = &t->gsis[t->ngsis];
			g->name = json_strdup(e, "IndexName");
			if (!g->name)
				continue;
			key_schema_of(cJSON_GetObjectItemCaseSensitive(e, "KeySchema"),
				      &g->hash_key, &g->range_key);
			g->projection = json_strdup(
			    cJSON_GetObjectItemCaseSensitive(e, "Projection"), "ProjectionType");
			s = json_str(e, "IndexStatus");
			if (indexes_active && s && strcmp(s, "ACTIVE"))
				*indexes_active = 0;
			t->ngsis++;
		}
	}
	o = cJSON_GetObjectItemCaseSensitive(td, "BillingModeSummary");
	s = json_str(o, "BillingMode");
	t->pay_per_request = s && !strcmp(s, "PAY_PER_REQUEST");
	o = cJSON_GetObjectItemCaseSensitive(td, "ProvisionedThroughput");
	t->rcu = json_long(o, "ReadCapacityUnits");
	t->wcu = json_long(o, "WriteCapacityUnits");
	/* Old servers (and dynalite) omit BillingModeSummary for on-demand
	 * tables but report zero provisioned capacity. */
	if (!s && cJSON_IsObject(o) && t->rcu == 0 && t->wcu == 0)
		t->pay_per_request = 1;
	o = cJSON_GetObjectItemCaseSensitive(td, "StreamSpecification");
	t->stream_enabled = json_true(o, "StreamEnabled");
	if (t->stream_enabled)
		t->stream_view_type = json_strdup(o, "StreamViewType");
	o = cJSON_GetObjectItemCaseSensitive(td, "SSEDescription");
	s = json_str(o, "Status");
	t->sse_enabled = s && (!strcmp(s, "ENABLED") || !strcmp(s, "ENABLING"));
	if (t->sse_enabled)
		t->sse_type = json_strdup(o, "SSEType");
	t->deletion_protection = json_true(td, "DeletionProtectionEnabled");
	t->item_count = json_long(td, "ItemCount");
	return 0;
}

int ww_ddb_parse_table(const char *body, size_t len, ww_ddb_table *out, int *indexes_active)
{
	cJSON *root = parse_json(body, len);
	const cJSON *td;
	int rc;

	ww_ddb_table_release(out);
	td = cJSON_GetObjectItemCaseSensitive(root, "Table");
	if (!td)
		td = cJSON_GetObjectItemCaseSensitive(root, "TableDescription");
	rc = table_of(td, out, indexes_active);
	if (rc)
		ww_ddb_table_release(out);
	cJSON_Delete(root);
	return rc;
}

void ww_ddb_table_release(ww_ddb_table *t)
{
	size_t i;

	if (!t)
		return;
	free(t->name);
	free(t->hash_key);
	free(t->range_key);
	for (i = 0; i < t->nattrs; i++)
		free(t->attrs[i].name);
	free(t->attrs);
	for (i = 0; i < t->ngsis; i++) {
		free(t->gsis[i].name);
		free(t->gsis[i].hash_key);
		free(t->gsis[i].range_key);
		free(t->gsis[i].projection);
	}
	free(t->gsis);
	free(t->stream_view_type);
	free(t->sse_type);
	free(t->status);
	free(t->ttl_attribute);
	memset(t, 0, sizeof(*t));
}

/* What request i sent: its item, or its raw item read back (once, into
 * `*cache`; text that does not read back matches nothing). */
static const ww_av *sent_item(const ww_ddb_write *reqs, size_t n, size_t i, ww_av **cache)
{
	cJSON *j;

	if (!reqs[i].raw)
		return &reqs[i].item;
	if (!*cache)
		*cache = ww_xcalloc(n, sizeof(ww_av));
	if ((*cache)[i].type == WW_AV_NULL) {
		j = cJSON_Parse(reqs[i].raw);
		if (!j || ww_ddb_json_item_to_av(j, &(*cache)[i]))
			ww_av_release(&(*cache)[i]);
		cJSON_Delete(j);
	}
	return &(*cache)[i];
}

static int batch_write_of(const cJSON *root, ww_ddb_write *reqs, size_t n,
			  ww_ddb_write **unprocessed, size_t *nunprocessed)
{
	const cJSON *ui = cJSON_GetObjectItemCaseSensitive(root, "UnprocessedItems"), *tbl, *e;
	ww_ddb_write *out = NULL;
	unsigned char *taken = NULL;
	ww_av *raw_items = NULL; /* raw puts read back, only when something came back */
	size_t nout = 0, cap = 0, i;
	int rc = 0;

	*unprocessed = NULL;
	*nunprocessed = 0;
	if (!cJSON_IsObject(root))
		return malformed("BatchWriteItem", "not an object");
	if (!ui || cJSON_IsNull(ui))
		return 0;
	if (!cJSON_IsObject(ui))
		return malformed("BatchWriteItem", "UnprocessedItems is not an object");
	taken = ww_xcalloc(n ? n : 1, 1);
	cJSON_ArrayForEach(tbl, ui)
	{
		if (!cJSON_IsArray(tbl)) {
			rc = malformed("BatchWriteItem", "unprocessed requests are not a list");
			goto done;
		}
		cJSON_ArrayForEach(e, tbl)
		{
			const cJSON *put = cJSON_GetObjectItemCaseSensitive(e, "PutRequest");
			const cJSON *del = cJSON_GetObjectItemCaseSensitive(e, "DeleteRequest");
			const cJSON *j = put ? cJSON_GetObjectItemCaseSensitive(put, "Item")
					     : cJSON_GetObjectItemCaseSensitive(del, "Key");
			ww_av got = WW_AV_INIT;
			if (!j || ww_ddb_json_item_to_av(j, &got)) {
				ww_av_release(&got);
				rc = malformed("BatchWriteItem", "bad unprocessed request");
				goto done;
			}
			for (i = 0; i < n; i++)
				if (!taken[i] && !reqs[i].is_delete == !!put &&
				    !strcmp(reqs[i].table, tbl->string) &&
				    ww_av_equal(sent_item(reqs, n, i, &raw_items), &got))
					break;
			if (i == n) {
				ww_av_release(&got);
				rc = malformed("BatchWriteItem",
					       "an unprocessed request matches none sent");
				goto done;
			}
			ww_av_release(&got);
			taken[i] = 1;
			if (nout == cap) {
				cap = cap ? cap * 2 : 8;
				out = ww_xrealloc(out, cap * sizeof(*out));
			}
			out[nout++] = reqs[i];
		}
	}
	/* Only now, when the whole answer is understood, move the items. */
	for (i = 0; i < n; i++)
		if (taken[i]) {
			memset(&reqs[i].item, 0, sizeof(reqs[i].item));
			reqs[i].raw = NULL;
		}
	*unprocessed = out;
	*nunprocessed = nout;
	out = NULL;
done:
	if (raw_items) {
		for (i = 0; i < n; i++)
			ww_av_release(&raw_items[i]);
		free(raw_items);
	}
	free(out);
	free(taken);
	return rc;
}

int ww_ddb_parse_batch_write(const char *body, size_t len, ww_ddb_write *reqs, size_t n,
			     ww_ddb_write **unprocessed, size_t *nunprocessed)
{
	cJSON *root = parse_json(body, len);
	int rc = batch_write_of(root, reqs, n, unprocessed, nunprocessed);

	cJSON_Delete(root);
	return rc;
}

static int append_items(const cJSON *arr, ww_av *list)
{
	const cJSON *e;

	if (list->type != WW_AV_L)
		ww_av_set_container(list, WW_AV_L);
	if (!arr || cJSON_IsNull(arr))
		return 0;
	if (!cJSON_IsArray(arr))
		return WW_ERROR;
	cJSON_ArrayForEach(e, arr)
	{
		if (ww_ddb_json_item_to_av(e, ww_av_list_add(list)))
			return WW_ERROR;
	}
	return 0;
}

static int batch_get_of(const cJSON *root, const char *table, ww_av *items, ww_av *unprocessed)
{
	const cJSON *resp = cJSON_GetObjectItemCaseSensitive(root, "Responses");
	const cJSON *uk = cJSON_GetObjectItemCaseSensitive(root, "UnprocessedKeys");

	if (!cJSON_IsObject(root))
		return malformed("BatchGetItem", "not an object");
	if (append_items(cJSON_GetObjectItemCaseSensitive(resp, table), items))
		return malformed("BatchGetItem", "bad Responses");
	if (append_items(cJSON_GetObjectItemCaseSensitive(
			     cJSON_GetObjectItemCaseSensitive(uk, table), "Keys"),
			 unprocessed))
		return malformed("BatchGetItem", "bad UnprocessedKeys");
	return 0;
}

int ww_ddb_parse_batch_get(const char *body, size_t len, const char *table, ww_av *items,
			   ww_av *unprocessed_keys)
{
	cJSON *root = parse_json(body, len);
	int rc = batch_get_of(root, table, items, unprocessed_keys);

	cJSON_Delete(root);
	return rc;
}

static int page_of(const cJSON *root, ww_av *items, ww_av *last_key)
{
	const cJSON *lk = cJSON_GetObjectItemCaseSensitive(root, "LastEvaluatedKey");

	ww_av_release(items);
	ww_av_release(last_key);
	if (!cJSON_IsObject(root))
		return malformed("Scan", "not an object");
	if (append_items(cJSON_GetObjectItemCaseSensitive(root, "Items"), items))
		return malformed("Scan", "bad Items");
	if (lk && !cJSON_IsNull(lk) && ww_ddb_json_item_to_av(lk, last_key))
		return malformed("Scan", "bad LastEvaluatedKey");
	return 0;
}

int ww_ddb_parse_page(const char *body, size_t len, ww_av *items, ww_av *last_key)
{
	cJSON *root = parse_json(body, len);
	int rc = page_of(root, items, last_key);

	cJSON_Delete(root);
	return rc;
}

/* ---- Tables -------------------------------------------------------- */

/* Send `b` and drop the answer. */
static int call_simple(ww_ddb *d, const char *op, const char *table, ww_buf *b, cJSON **out,
		       ww_ddb_error *err)
{
	cJSON *root = NULL;
	int rc = call_json(d, op, table, ww_buf_cstr(b), b->len, &root, NULL, err);

	if (out)
		*out = root;
	else
		cJSON_Delete(root);
	return rc;
}

/* A parse failure of a successful answer is reported through `err` too. */
static int parse_failed(ww_ddb_error *err, int rc)
{
	if (err) {
		memset(err, 0, sizeof(*err));
		copy_field(err->message, sizeof(err->message), ww_error_message());
		err->http_status = 200;
		err->attempts = 1;
		err->code = rc;
	}
	return rc;
}

int ww_ddb_create_table(ww_ddb *d, const ww_ddb_table *t, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	int rc;

	ww_ddb_body_create_table(&b, t);
	rc = call_simple(d, "CreateTable", t->name, &b, NULL, err);
	ww_buf_release(&b);
	return rc;
}

static int describe(ww_ddb *d, const char *name, ww_ddb_table *out, int *indexes_active,
		    ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	int rc;

	ww_ddb_table_release(out);
	body_table(&b, name);
	rc = call_simple(d, "DescribeTable", name, &b, &root, err);
	if (rc)
		goto done;
	rc = table_of(cJSON_GetObjectItemCaseSensitive(root, "Table"), out, indexes_active);
	if (rc) {
		ww_ddb_table_release(out);
		parse_failed(err, rc);
	}
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_describe_table(ww_ddb *d, const char *name, ww_ddb_table *out, ww_ddb_error *err)
{
	return describe(d, name, out, NULL, err);
}

int ww_ddb_delete_table(ww_ddb *d, const char *name, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	int rc;

	body_table(&b, name);
	rc = call_simple(d, "DeleteTable", name, &b, NULL, err);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_wait_active(ww_ddb *d, const char *name, int timeout_s, ww_ddb_error *err)
{
	ww_ddb_table t = {0};
	time_t start = d->clock(d->clock_ctx);
	long slept = 0, pause = 100;
	int rc, indexes_active = 0;

	for (;;) {
		rc = describe(d, name, &t, &indexes_active, err);
		if (rc)
			goto done;
		if (t.status && !strcmp(t.status, "ACTIVE") && indexes_active)
			goto done;
		/* The clock seam or the time slept, whichever says so first:
		 * tests with a frozen clock still end. */
		if (d->clock(d->clock_ctx) - start >= timeout_s || slept >= timeout_s * 1000L) {
			rc = ww_error_set(
			    WW_ERROR, "table '%s' did not become active within %d s (status %s%s)",
			    name, timeout_s, t.status ? t.status : "unknown",
			    indexes_active ? "" : ", indexes not active");
			if (err) {
				memset(err, 0, sizeof(*err));
				copy_field(err->message, sizeof(err->message), ww_error_message());
				err->code = rc;
			}
			goto done;
		}
		ww_log(WW_LOG_VERBOSE, "ddb: table %s is %s, waiting %ld ms", name,
		       t.status ? t.status : "unknown", pause);
		d->sleep_ms(d->sleep_ctx, pause);
		slept += pause;
		pause = pause * 2 > 2000 ? 2000 : pause * 2;
	}
done:
	ww_ddb_table_release(&t);
	return rc;
}

int ww_ddb_list_tables(ww_ddb *d, char ***out, size_t *nout, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	char **names = NULL, *start = NULL;
	size_t n = 0, cap = 0;
	const cJSON *arr, *e;
	int rc;

	*out = NULL;
	*nout = 0;
	for (;;) {
		ww_buf_clear(&b);
		ww_buf_putc(&b, '{');
		member_str(&b, "ExclusiveStartTableName", start);
		member(&b, "Limit");
		ww_buf_printf(&b, "%d}", LIST_TABLES_PAGE);
		cJSON_Delete(root);
		root = NULL;
		rc = call_simple(d, "ListTables", NULL, &b, &root, err);
		if (rc)
			goto done;
		arr = cJSON_GetObjectItemCaseSensitive(root, "TableNames");
		if (arr && !cJSON_IsArray(arr)) {
			rc = parse_failed(err, malformed("ListTables", "TableNames is not a list"));
			goto done;
		}
		cJSON_ArrayForEach(e, arr)
		{
			if (!cJSON_IsString(e))
				continue;
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				names = ww_xrealloc(names, cap * sizeof(*names));
			}
			names[n++] = ww_xstrdup(e->valuestring);
		}
		free(start);
		start = json_strdup(root, "LastEvaluatedTableName");
		if (!start)
			break;
	}
	*out = names;
	*nout = n;
	names = NULL;
	n = 0;
done:
	while (n)
		free(names[--n]);
	free(names);
	free(start);
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_describe_ttl(ww_ddb *d, const char *name, char **attr_out, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	const cJSON *td;
	const char *status;
	int rc;

	*attr_out = NULL;
	body_table(&b, name);
	rc = call_simple(d, "DescribeTimeToLive", name, &b, &root, err);
	if (rc)
		goto done;
	td = cJSON_GetObjectItemCaseSensitive(root, "TimeToLiveDescription");
	status = json_str(td, "TimeToLiveStatus");
	if (status && (!strcmp(status, "ENABLED") || !strcmp(status, "ENABLING")))
		*attr_out = json_strdup(td, "AttributeName");
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_update_ttl(ww_ddb *d, const char *name, const char *attr, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	char *current = NULL;
	int rc = 0;

	/* Turning TTL off names the attribute it is on. */
	if (!attr) {
		rc = ww_ddb_describe_ttl(d, name, &current, err);
		if (rc || !current)
			goto done;
	}
	ww_buf_putc(&b, '{');
	member_str(&b, "TableName", name);
	member(&b, "TimeToLiveSpecification");
	ww_buf_printf(&b, "{\"Enabled\":%s", attr ? "true" : "false");
	member_str(&b, "AttributeName", attr ? attr : current);
	ww_buf_puts(&b, "}}");
	rc = call_simple(d, "UpdateTimeToLive", name, &b, NULL, err);
done:
	free(current);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_describe_pitr(ww_ddb *d, const char *name, int *enabled_out, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	const cJSON *cb;
	const char *status;
	int rc;

	*enabled_out = 0;
	body_table(&b, name);
	rc = call_simple(d, "DescribeContinuousBackups", name, &b, &root, err);
	if (rc)
		goto done;
	cb = cJSON_GetObjectItemCaseSensitive(root, "ContinuousBackupsDescription");
	status = json_str(cJSON_GetObjectItemCaseSensitive(cb, "PointInTimeRecoveryDescription"),
			  "PointInTimeRecoveryStatus");
	*enabled_out = status && !strcmp(status, "ENABLED");
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_update_pitr(ww_ddb *d, const char *name, int enabled, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	int rc;

	ww_buf_putc(&b, '{');
	member_str(&b, "TableName", name);
	member(&b, "PointInTimeRecoverySpecification");
	ww_buf_printf(&b, "{\"PointInTimeRecoveryEnabled\":%s}}", enabled ? "true" : "false");
	rc = call_simple(d, "UpdateContinuousBackups", name, &b, NULL, err);
	ww_buf_release(&b);
	return rc;
}

/* ---- Items --------------------------------------------------------- */

int ww_ddb_get_item(ww_ddb *d, const char *table, const ww_av *key, const ww_ddb_expr *expr,
		    int consistent, ww_av *item_out, int *found_out, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	const cJSON *item;
	int rc;

	ww_av_release(item_out);
	*found_out = 0;
	ww_buf_putc(&b, '{');
	member_str(&b, "TableName", table);
	member_item(&b, "Key", key);
	if (consistent) {
		member(&b, "ConsistentRead");
		ww_buf_puts(&b, "true");
	}
	member_expr(&b, expr, EXPR_PROJECTION);
	member_consumed(&b);
	ww_buf_putc(&b, '}');
	rc = call_simple(d, "GetItem", table, &b, &root, err);
	if (rc)
		goto done;
	item = cJSON_GetObjectItemCaseSensitive(root, "Item");
	if (item && !cJSON_IsNull(item)) {
		rc = ww_ddb_json_item_to_av(item, item_out);
		if (rc) {
			ww_av_release(item_out);
			parse_failed(err, rc);
			goto done;
		}
		*found_out = 1;
	}
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

/* PutItem and DeleteItem: one item or key (or its JSON text), an optional
 * condition. */
static int write_one(ww_ddb *d, const char *op, const char *what, const char *table,
		     const ww_av *av, const char *raw, const ww_ddb_expr *expr, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	int rc;

	ww_buf_putc(&b, '{');
	member_str(&b, "TableName", table);
	if (raw) {
		member(&b, what);
		ww_buf_puts(&b, raw);
	} else {
		member_item(&b, what, av);
	}
	member_expr(&b, expr, EXPR_CONDITION | EXPR_VALUES);
	member_consumed(&b);
	ww_buf_putc(&b, '}');
	rc = call_simple(d, op, table, &b, NULL, err);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_put_item(ww_ddb *d, const char *table, const ww_av *item, const ww_ddb_expr *expr,
		    ww_ddb_error *err)
{
	return write_one(d, "PutItem", "Item", table, item, NULL, expr, err);
}

int ww_ddb_put_item_raw(ww_ddb *d, const char *table, const char *item_json,
			const ww_ddb_expr *expr, ww_ddb_error *err)
{
	return write_one(d, "PutItem", "Item", table, NULL, item_json, expr, err);
}

int ww_ddb_delete_item(ww_ddb *d, const char *table, const ww_av *key, const ww_ddb_expr *expr,
		       ww_ddb_error *err)
{
	return write_one(d, "DeleteItem", "Key", table, key, NULL, expr, err);
}

int ww_ddb_update_item(ww_ddb *d, const char *table, const ww_av *key, const ww_ddb_expr *expr,
		       ww_av *attrs_out, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	const cJSON *attrs;
	int rc;

	if (attrs_out)
		ww_av_release(attrs_out);
	ww_buf_putc(&b, '{');
	member_str(&b, "TableName", table);
	member_item(&b, "Key", key);
	member_expr(&b, expr, EXPR_UPDATE | EXPR_CONDITION | EXPR_VALUES);
	if (attrs_out)
		member_str(&b, "ReturnValues", "ALL_NEW");
	member_consumed(&b);
	ww_buf_putc(&b, '}');
	rc = call_simple(d, "UpdateItem", table, &b, &root, err);
	if (rc || !attrs_out)
		goto done;
	attrs = cJSON_GetObjectItemCaseSensitive(root, "Attributes");
	if (attrs && ww_ddb_json_item_to_av(attrs, attrs_out)) {
		ww_av_release(attrs_out);
		rc = parse_failed(err, WW_ERROR);
	}
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_batch_write(ww_ddb *d, ww_ddb_write *reqs, size_t n, ww_ddb_write **unprocessed,
		       size_t *nunprocessed, ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	int rc;

	*unprocessed = NULL;
	*nunprocessed = 0;
	if (n == 0)
		return 0;
	ww_ddb_body_batch_write(&b, reqs, n);
	rc = call_simple(d, "BatchWriteItem", reqs[0].table, &b, &root, err);
	if (rc)
		goto done;
	rc = batch_write_of(root, reqs, n, unprocessed, nunprocessed);
	if (rc) {
		parse_failed(err, rc);
		goto done;
	}
	pthread_mutex_lock(&d->stats_lock);
	d->stats.items_written += n - *nunprocessed;
	pthread_mutex_unlock(&d->stats_lock);
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

void ww_ddb_writes_release(ww_ddb_write *w, size_t n)
{
	size_t i;

	if (!w)
		return;
	for (i = 0; i < n; i++) {
		ww_av_release(&w[i].item);
		free(w[i].raw);
	}
	free(w);
}

int ww_ddb_batch_get(ww_ddb *d, const char *table, const ww_av *keys, size_t nkeys,
		     const ww_ddb_expr *expr, int consistent, ww_av *items, ww_av *unprocessed_keys,
		     ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	size_t i;
	int rc;

	if (items->type != WW_AV_L)
		ww_av_set_container(items, WW_AV_L);
	if (unprocessed_keys->type != WW_AV_L)
		ww_av_set_container(unprocessed_keys, WW_AV_L);
	if (nkeys == 0)
		return 0;
	ww_buf_puts(&b, "{\"RequestItems\":{");
	ww_buf_put_json_string(&b, table, strlen(table));
	ww_buf_puts(&b, ":{\"Keys\":[");
	for (i = 0; i < nkeys; i++) {
		if (i)
			ww_buf_putc(&b, ',');
		ww_av_item_to_json(&b, &keys[i]);
	}
	ww_buf_putc(&b, ']');
	if (consistent) {
		member(&b, "ConsistentRead");
		ww_buf_puts(&b, "true");
	}
	member_expr(&b, expr, EXPR_PROJECTION);
	ww_buf_puts(&b, "}}");
	member_consumed(&b);
	ww_buf_putc(&b, '}');
	rc = call_simple(d, "BatchGetItem", table, &b, &root, err);
	if (rc)
		goto done;
	rc = batch_get_of(root, table, items, unprocessed_keys);
	if (rc)
		parse_failed(err, rc);
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

static int read_page(ww_ddb *d, const char *op, const ww_ddb_read *r, ww_av *items, ww_av *last_key,
		     ww_ddb_error *err)
{
	ww_buf b = WW_BUF_INIT;
	cJSON *root = NULL;
	unsigned allow = EXPR_FILTER | EXPR_PROJECTION | EXPR_VALUES;
	int rc;

	ww_av_release(items);
	ww_av_release(last_key);
	ww_av_set_container(items, WW_AV_L);
	if (!strcmp(op, "Query"))
		allow |= EXPR_KEY;
	ww_buf_putc(&b, '{');
	member_str(&b, "TableName", r->table);
	member_str(&b, "IndexName", r->index);
	member_expr(&b, r->expr, allow);
	if (r->start_key && r->start_key->type == WW_AV_M)
		member_item(&b, "ExclusiveStartKey", r->start_key);
	if (r->limit > 0) {
		member(&b, "Limit");
		ww_buf_printf(&b, "%d", r->limit);
	}
	if (r->consistent) {
		member(&b, "ConsistentRead");
		ww_buf_puts(&b, "true");
	}
	if (r->descending && !strcmp(op, "Query")) {
		member(&b, "ScanIndexForward");
		ww_buf_puts(&b, "false");
	}
	if (r->total_segments > 0) {
		member(&b, "Segment");
		ww_buf_printf(&b, "%d", r->segment);
		member(&b, "TotalSegments");
		ww_buf_printf(&b, "%d", r->total_segments);
	}
	member_consumed(&b);
	ww_buf_putc(&b, '}');
	rc = call_simple(d, op, r->table, &b, &root, err);
	if (rc)
		goto done;
	rc = page_of(root, items, last_key);
	if (rc)
		parse_failed(err, rc);
done:
	cJSON_Delete(root);
	ww_buf_release(&b);
	return rc;
}

int ww_ddb_scan(ww_ddb *d, const ww_ddb_read *r, ww_av *items, ww_av *last_key_out,
		ww_ddb_error *err)
{
	return read_page(d, "Scan", r, items, last_key_out, err);
}

int ww_ddb_query(ww_ddb *d, const ww_ddb_read *r, ww_av *items, ww_av *last_key_out,
		 ww_ddb_error *err)
{
	return read_page(d, "Query", r, items, last_key_out, err);
}
