/*
 * service.c - /healthz, /metrics and the static web files.
 */
#include "api.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int lx_api_healthz(lx_req *r)
{
	int64_t one = 0;
	int rc = lx_db_query_int(r->db, "SELECT 1", &one);
	if (rc != LX_OK)
		return lx_reply_error(r, 503, "unavailable", NULL, "database unavailable");
	json_t *j = json_object();
	json_object_set_new(j, "status", json_string("ok"));
	json_object_set_new(j, "db", json_string(lx_db_kind(r->db)));
	json_object_set_new(j, "version", json_string(LX_VERSION));
	return lx_reply_json(r, 200, j);
}

/* /metrics: a local Prometheus reads it freely; anything else shows the
 * metrics_token. Replies 401/403 and returns the error otherwise. */
static int lx_metrics_caller_or_reply(lx_req *r)
{
	if (lx_req_loopback(r))
		return LX_OK;
	const char *tok = r->app->metrics_token;
	if (!tok)
		return lx_reply_error(r, 403, "forbidden", NULL,
				      "metrics are served to loopback only (set metrics_token)");
	const char *h = lx_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	size_t n = strlen(tok);
	if (!h || strncasecmp(h, "Bearer ", 7) != 0 || strlen(h + 7) != n ||
	    sodium_memcmp(h + 7, tok, n) != 0)
		return lx_reply_error(r, 401, "unauthorized", NULL, "the metrics token is required");
	return LX_OK;
}

int lx_api_metrics(lx_req *r)
{
	lx_buf b;
	int64_t open = 0, overdue = 0;
	int rc = lx_metrics_caller_or_reply(r);
	if (rc != LX_OK)
		return rc;
	lx_buf_init(&b);
	lx_metrics_render(r->app->metrics, &b);
	if (lx_case_counts(r->db, lx_now_ms(), &open, &overdue) == LX_OK)
		lx_buf_printf(&b, "# HELP lianxin_cases_open Cases not yet resolved or closed.\n"
				  "# TYPE lianxin_cases_open gauge\nlianxin_cases_open %lld\n"
				  "# HELP lianxin_cases_overdue Open cases past their resolve deadline.\n"
				  "# TYPE lianxin_cases_overdue gauge\nlianxin_cases_overdue %lld\n",
			      (long long)open, (long long)overdue);
	size_t len = b.len;
	return lx_reply_raw(r, 200, "text/plain; version=0.0.4; charset=utf-8", lx_buf_steal(&b), len);
}

static const char *lx_mime(const char *path)
{
	const char *dot = strrchr(path, '.');
	static const struct {
		const char *ext, *type;
	} types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
		{".ico", "image/x-icon"}, {".woff2", "font/woff2"}, {".map", "application/json"},
	};
	for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return "application/octet-stream";
}

int lx_api_static(lx_req *r)
{
	const char *root = r->app->web_root;
	if (!root || strncmp(r->url, "/api/", 5) == 0 || strstr(r->url, ".."))
		return LX_NOTFOUND;
	/* a folder's address (/, /r/) is its index.html */
	size_t len = strlen(r->url);
	char *rel = lx_xasprintf("%s%s", r->url, len && r->url[len - 1] == '/' ? "index.html" : "");
	char *path = lx_xasprintf("%s%s", root, rel), *buf = NULL;
	int rc = LX_NOTFOUND, fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0)
		goto cleanup;
	if (S_ISDIR(sb.st_mode)) { /* /r: the folder's page is at /r/ */
		lx_reply_header(r, "Location", "%s/", r->url);
		r->route = "static";
		rc = lx_reply_raw(r, 301, "text/plain; charset=utf-8", lx_xstrdup(""), 0);
		goto cleanup;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size > 32 * 1024 * 1024)
		goto cleanup;
	buf = lx_xmalloc((size_t)sb.st_size + 1);
	ssize_t got = 0;
	while (got < sb.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)(sb.st_size - got));
		if (n <= 0)
			break;
		got += n;
	}
	if (got != sb.st_size)
		goto cleanup;
	r->route = "static";
	rc = lx_reply_raw(r, 200, lx_mime(rel), buf, (size_t)got);
	buf = NULL;
cleanup:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	free(rel);
	return rc;
}
