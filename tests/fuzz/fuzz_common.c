/*
 * fuzz_common.c - the requests, the fixture and the libmicrohttpd lookup
 * the fuzz targets share (fuzz.h).
 */
#include "fuzz.h"
#include "cli.h"
#include "repo_open311.h"
#include "pii.h"
#include "secret.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "\n%s:%d: property failed: %s\n  ", file, line, cond);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
	char *s = lx_xmalloc(size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* ---------------- the application and the fixture ---------------- */

lx_app *fuzz_app(void)
{
	static lx_app app;
	if (!app.metrics) {
		app.tz_offset_min = 480;
		app.body_limit = 1024 * 1024;
		app.threads = 1;
		app.metrics = lx_metrics_new();
		app.sweep_interval_ms = 0;
	}
	return &app;
}

static lx_db *fuzz_the_db;
static char fuzz_tmpdir[64];
static char fuzz_tmpfile[96];

static void fuzz_db_close(void)
{
	lx_db_close(fuzz_the_db);
	fuzz_the_db = NULL;
	lx_geocache_free();
	lx_sessions_free();
	if (fuzz_tmpfile[0]) {
		static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
		for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
			char p[128];
			snprintf(p, sizeof p, "%s%s", fuzz_tmpfile, ext[i]);
			unlink(p);
		}
		rmdir(fuzz_tmpdir);
	}
}

/* Builds the fixture at path: the demo district and the fuzz API key. */
static void fuzz_build(const char *path)
{
	char err[256];
	lx_db *db = NULL;
	/* the registry's ID numbers and phones are sealed: a fixed data key for
	 * the fixture (the demo checks it against the database it builds) */
	if (!lx_pii_key_loaded() &&
	    lx_pii_key_load("66757a7a2d64617461206b65792c206e6f7420666f722070726f64756374696f", NULL, false) != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_pii_key_load", "no data key");
	if (lx_cli_demo(path) != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_cli_demo", "cannot build the demo district at %s", path);
	if (lx_db_open(path, &db, err, sizeof err) != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_db_open", "%s: %s", path, err);
	char hash[65];
	lx_token_hash(FUZZ_O311_KEY, hash);
	lx_apikey k = {.name = lx_xstrdup("fuzz"), .rate_limit = INT_MAX};
	if (lx_apikey_insert(db, &k, hash, 0) != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_apikey_insert", "%s", lx_db_errmsg(db));
	lx_apikey_clear(&k);
	lx_db_close(db);
}

lx_db *fuzz_db(void)
{
	char err[256];
	if (fuzz_the_db)
		return fuzz_the_db;
	lx_flow_init();
	if (lx_secret_init() != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_secret_init", "libsodium failed to initialise");
	lx_store_set_tz(fuzz_app()->tz_offset_min);
	const char *path = getenv("LX_FUZZ_DB");
	if (path && *path) {
		if (access(path, F_OK) != 0) {
			/* built beside it and renamed, so a half-built file is never reused */
			char tmp[PATH_MAX];
			snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid());
			fuzz_build(tmp);
			if (rename(tmp, path) != 0)
				fuzz_fail(__FILE__, __LINE__, "rename", "cannot move %s to %s", tmp, path);
		}
	} else {
		snprintf(fuzz_tmpdir, sizeof fuzz_tmpdir, "/tmp/lx-fuzz-XXXXXX");
		if (!mkdtemp(fuzz_tmpdir))
			fuzz_fail(__FILE__, __LINE__, "mkdtemp", "cannot make %s", fuzz_tmpdir);
		snprintf(fuzz_tmpfile, sizeof fuzz_tmpfile, "%s/fixture.db", fuzz_tmpdir);
		fuzz_build(fuzz_tmpfile);
		path = fuzz_tmpfile;
	}
	if (lx_db_open(path, &fuzz_the_db, err, sizeof err) != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_db_open", "%s: %s", path, err);
	atexit(fuzz_db_close);
	return fuzz_the_db;
}

/* ---------------- requests ---------------- */

/* Live fuzz requests, for the lookup wrapper below to tell them apart from
 * real connections. The targets are single-threaded. */
static fuzz_req *fuzz_live[4];

static void fuzz_live_set(fuzz_req *f, bool on)
{
	for (size_t i = 0; i < sizeof fuzz_live / sizeof fuzz_live[0]; i++) {
		if (on && !fuzz_live[i]) {
			fuzz_live[i] = f;
			return;
		}
		if (!on && fuzz_live[i] == f) {
			fuzz_live[i] = NULL;
			return;
		}
	}
	if (on)
		abort();
}

static int fuzz_hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes a query component the way libmicrohttpd does for GET arguments:
 * '+' is a space, %XX a byte, a malformed escape stays as it is. The result
 * is a C string, so a decoded NUL ends it (as for MHD's callers). */
static char *fuzz_unescape(const char *s, size_t n)
{
	char *out = lx_xmalloc(n + 1), *o = out;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			*o++ = ' ';
		} else if (s[i] == '%' && i + 2 < n && fuzz_hex((unsigned char)s[i + 1]) >= 0 &&
			   fuzz_hex((unsigned char)s[i + 2]) >= 0) {
			*o++ = (char)(fuzz_hex((unsigned char)s[i + 1]) * 16 + fuzz_hex((unsigned char)s[i + 2]));
			i += 2;
		} else {
			*o++ = s[i];
		}
	}
	*o = '\0';
	return out;
}

static void fuzz_args_free(fuzz_req *f)
{
	for (size_t i = 0; i < f->nargs; i++) {
		free(f->keys[i]);
		free(f->vals[i]);
	}
	free(f->keys);
	free(f->vals);
	free(f->query);
	f->keys = f->vals = NULL;
	f->query = NULL;
	f->nargs = 0;
}

void fuzz_req_query(fuzz_req *f, const char *query, size_t len)
{
	fuzz_args_free(f);
	f->query = lx_xstrndup(query, len);
	const char *p = f->query, *end = f->query + strlen(f->query);
	while (p < end) {
		const char *amp = memchr(p, '&', (size_t)(end - p));
		const char *stop = amp ? amp : end;
		if (stop > p) {
			const char *eq = memchr(p, '=', (size_t)(stop - p));
			f->keys = lx_xrealloc(f->keys, (f->nargs + 1) * sizeof *f->keys);
			f->vals = lx_xrealloc(f->vals, (f->nargs + 1) * sizeof *f->vals);
			f->keys[f->nargs] = fuzz_unescape(p, (size_t)((eq ? eq : stop) - p));
			f->vals[f->nargs] = eq ? fuzz_unescape(eq + 1, (size_t)(stop - eq - 1)) : NULL;
			f->nargs++;
		}
		p = stop + 1;
	}
}

void fuzz_req_header(fuzz_req *f, const char *name, const char *value)
{
	if (f->nheaders == sizeof f->hkeys / sizeof f->hkeys[0])
		return;
	f->hkeys[f->nheaders] = lx_xstrdup(name);
	f->hvals[f->nheaders] = lx_xstrdup(value);
	f->nheaders++;
}

void fuzz_req_init(fuzz_req *f, const char *method, const char *url, const void *body, size_t len)
{
	memset(f, 0, sizeof *f);
	const char *q = strchr(url, '?');
	f->url = q ? lx_xstrndup(url, (size_t)(q - url)) : lx_xstrdup(url);
	if (q)
		fuzz_req_query(f, q + 1, strlen(q + 1));
	f->r.app = fuzz_app();
	f->r.conn = (struct MHD_Connection *)(void *)f;
	f->r.method = method;
	f->r.url = f->url;
	lx_buf_init(&f->r.body);
	if (len > f->r.app->body_limit)
		f->r.too_large = true;
	else if (len)
		lx_buf_append(&f->r.body, body, len);
	f->r.db = fuzz_the_db;
	fuzz_live_set(f, true);
}

void fuzz_req_login(fuzz_req *f, int64_t user_id)
{
	lx_user_clear(&f->r.user);
	if (lx_user_get(f->r.db, "/", user_id, &f->r.user) != LX_OK)
		fuzz_fail(__FILE__, __LINE__, "lx_user_get", "no user %lld in the fixture", (long long)user_id);
	f->r.authed = true;
}

void fuzz_req_free(fuzz_req *f)
{
	lx_req *r = &f->r;
	fuzz_live_set(f, false);
	lx_req_clear(r);
	fuzz_args_free(f);
	for (size_t i = 0; i < f->nheaders; i++) {
		free(f->hkeys[i]);
		free(f->hvals[i]);
	}
	free(f->url);
	memset(f, 0, sizeof *f);
}

/* ---------------- the one libmicrohttpd call ---------------- */

const char *__real_MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					       const char *key);
const char *__wrap_MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					       const char *key);

const char *__wrap_MHD_lookup_connection_value(struct MHD_Connection *connection, enum MHD_ValueKind kind,
					       const char *key)
{
	fuzz_req *f = NULL;
	for (size_t i = 0; i < sizeof fuzz_live / sizeof fuzz_live[0]; i++)
		if (fuzz_live[i] && (struct MHD_Connection *)(void *)fuzz_live[i] == connection)
			f = fuzz_live[i];
	if (!f)
		return __real_MHD_lookup_connection_value(connection, kind, key);
	if (!key)
		return NULL;
	if (kind & MHD_GET_ARGUMENT_KIND)
		for (size_t i = 0; i < f->nargs; i++)
			if (strcmp(f->keys[i], key) == 0)
				return f->vals[i];
	if (kind & MHD_HEADER_KIND)
		for (size_t i = 0; i < f->nheaders; i++)
			if (strcasecmp(f->hkeys[i], key) == 0)
				return f->hvals[i];
	return NULL;
}

/* ---------------- replies ---------------- */

void fuzz_check_reply(const lx_req *r)
{
	static int verbose = -1;
	if (verbose < 0)
		verbose = getenv("LX_FUZZ_VERBOSE") != NULL;
	if (verbose)
		fprintf(stderr, "fuzz: %s %s -> %d %.300s\n", r->method, r->url, r->status, r->out ? r->out : "(none)");
	if (!r->out)
		return;
	FUZZ_CHECK(r->status >= 100 && r->status <= 599, "status %d", r->status);
	FUZZ_CHECK(r->ctype != NULL, "a reply without a content type");
	bool text = strncmp(r->ctype, "application/json", 16) == 0 || strncmp(r->ctype, "text/", 5) == 0;
	if (text)
		FUZZ_CHECK(lx_utf8_valid(r->out, r->outlen), "a %s reply that is not UTF-8 text", r->ctype);
	if (strncmp(r->ctype, "application/json", 16) != 0)
		return;
	json_error_t e;
	json_t *j = json_loadb(r->out, r->outlen, 0, &e);
	FUZZ_CHECK(j != NULL, "a JSON reply that does not parse (%s): %.200s", e.text, r->out);
	/* the contract's error, or the list of a unit import's rows (422) */
	if (r->status >= 400 && json_is_object(j) && !json_is_array(json_object_get(j, "errors"))) {
		json_t *err = json_object_get(j, "error");
		FUZZ_CHECK(json_is_string(json_object_get(err, "code")) &&
			   json_is_string(json_object_get(err, "message")),
			   "a %d reply without the contract's error: %.200s", r->status, r->out);
	}
	json_decref(j);
}
