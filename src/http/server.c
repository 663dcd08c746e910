/*
 * server.c - libmicrohttpd set-up, the request life cycle, replies, the
 * access log and graceful shutdown.
 *
 * MHD runs a pool of polling threads (epoll), one per core; handlers run
 * blocking inside them, each with its own database connection. The first
 * callback of a request only allocates its context; the body is gathered on
 * the following ones (up to the body limit) and the handler runs and queues
 * the response on the last, which keeps keep-alive working.
 */
#include "http.h"
#include "secret.h"
#include "rules.h"
#include "scrub.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

const char *lx_req_arg(lx_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *lx_req_header(lx_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool lx_req_id(lx_req *r, int i, int64_t *id)
{
	if (i >= r->nparams || !r->params[i])
		return false;
	const char *s = r->params[i];
	if (!*s || strlen(s) > 18)
		return false;
	int64_t v = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	if (v <= 0)
		return false;
	*id = v;
	return true;
}

/* A streamed reply's reader (lx_reply_stream). */
struct lx_stream {
	uint64_t size;
	ssize_t (*read)(void *cls, uint64_t pos, char *buf, size_t max);
	void *cls;
	void (*free_cls)(void *cls);
};

static void lx_stream_free(void *p)
{
	struct lx_stream *s = p;
	if (!s)
		return;
	if (s->free_cls)
		s->free_cls(s->cls);
	free(s);
}

static ssize_t lx_stream_read(void *p, uint64_t pos, char *buf, size_t max)
{
	struct lx_stream *s = p;
	ssize_t n = s->read(s->cls, pos, buf, max);
	if (n == LX_STREAM_END)
		return (ssize_t)MHD_CONTENT_READER_END_OF_STREAM;
	return n < 0 ? (ssize_t)MHD_CONTENT_READER_END_WITH_ERROR : n;
}

int lx_reply_stream(lx_req *r, int status, const char *ctype, uint64_t size,
		    ssize_t (*read)(void *cls, uint64_t pos, char *buf, size_t max),
		    void *cls, void (*free_cls)(void *cls))
{
	free(r->out);
	r->out = NULL;
	lx_stream_free(r->stream);
	r->stream = lx_xcalloc(1, sizeof *r->stream);
	*r->stream = (struct lx_stream){size, read, cls, free_cls};
	r->status = status;
	r->ctype = ctype;
	r->outlen = size == MHD_SIZE_UNKNOWN ? 0 : (size_t)size;
	return LX_OK;
}

void lx_reply_header(lx_req *r, const char *name, const char *fmt, ...)
{
	va_list ap;
	lx_buf v;
	assert(r->nheaders < (int)(sizeof r->headers / sizeof r->headers[0]));
	if (r->nheaders >= (int)(sizeof r->headers / sizeof r->headers[0]))
		return;
	lx_buf_init(&v);
	va_start(ap, fmt);
	lx_buf_vprintf(&v, fmt, ap);
	va_end(ap);
	r->headers[r->nheaders][0] = lx_xstrdup(name);
	r->headers[r->nheaders][1] = v.data ? lx_buf_steal(&v) : lx_xstrdup("");
	r->nheaders++;
}

int lx_reply_raw(lx_req *r, int status, const char *ctype, char *body, size_t len)
{
	lx_stream_free(r->stream);
	r->stream = NULL;
	free(r->out);
	r->status = status;
	r->ctype = ctype;
	r->out = body;
	r->outlen = len;
	return LX_OK;
}

int lx_reply_json(lx_req *r, int status, json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(j);
	if (!s)
		s = lx_xstrdup("null");
	return lx_reply_raw(r, status, "application/json; charset=utf-8", s, strlen(s));
}

int lx_reply_jw(lx_req *r, int status, lx_jw *w)
{
	assert(w->depth == 0 && !w->keyed && w->b->len);
	size_t len = w->b->len;
	return lx_reply_raw(r, status, "application/json; charset=utf-8", lx_buf_steal(w->b), len);
}

int lx_reply_error(lx_req *r, int status, const char *code, const char *field, const char *fmt,
		   ...)
{
	lx_buf msg;
	va_list ap;
	/* an error reply is a 4xx or 5xx: a status 0 here (an unset refusal)
	 * would read as LX_OK to the caller and let a write go on */
	assert(status >= 400 && status < 600 && code);
	lx_buf_init(&msg);
	va_start(ap, fmt);
	lx_buf_vprintf(&msg, fmt, ap);
	va_end(ap);
	json_t *err = json_object();
	json_object_set_new(err, "code", json_string(code));
	/* messages may quote user input: keep them valid UTF-8 */
	json_object_set_new(err, "message", json_string(msg.data && lx_utf8_valid(msg.data, msg.len)
							? msg.data : "invalid request"));
	if (field)
		json_object_set_new(err, "field", json_string(field));
	lx_buf_free(&msg);
	json_t *body = json_object();
	json_object_set_new(body, "error", err);
	lx_reply_json(r, status, body);
	/* 503 is a failure of the reply's own making here, like any 5xx */
	return status == 503 ? LX_ERR : lx_code_of_status(status);
}

int lx_reply_store_error(lx_req *r, int rc)
{
	switch (rc) {
	case LX_NOTFOUND:
		return lx_reply_error(r, 404, "not_found", NULL, "没有找到（not found）");
	case LX_CONFLICT:
		return lx_reply_error(r, 409, "conflict", NULL, "conflicting change");
	case LX_BUSY:
		return lx_reply_error(r, 503, "unavailable", NULL, "database busy, try again");
	default:
		return lx_reply_error(r, 500, "internal", NULL, "internal error");
	}
}

int lx_req_json(lx_req *r, bool empty_ok, json_t **out)
{
	json_error_t e;
	if (r->too_large)
		return lx_reply_error(r, 413, "too_large", NULL, "body larger than %zu bytes",
				      r->app->body_limit);
	if (!r->body.len && empty_ok) {
		*out = json_object();
		return LX_OK;
	}
	if (!r->body.len)
		return lx_reply_error(r, 400, "bad_json", NULL, "a JSON object body is required");
	if (!lx_req_is_json(r))
		return lx_reply_error(r, 415, "unsupported_media_type", NULL,
				      "send the body as Content-Type: application/json");
	if (!lx_utf8_valid(r->body.data, r->body.len))
		return lx_reply_error(r, 400, "bad_encoding", NULL, "body is not valid UTF-8");
	json_t *j = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return lx_reply_error(r, 400, "bad_json", NULL, "malformed JSON at line %d column %d: %s",
				      e.line, e.column, e.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return lx_reply_error(r, 400, "bad_json", NULL, "the body must be a JSON object");
	}
	*out = j;
	return LX_OK;
}

bool lx_req_is_json(lx_req *r)
{
	const char *ct = lx_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!ct)
		return false;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	if (strncasecmp(ct, "application/json", n) != 0)
		return false;
	ct += n;
	while (*ct == ' ')
		ct++;
	return *ct == '\0' || *ct == ';';
}

static const char *lx_bearer(lx_req *r)
{
	const char *h = lx_req_header(r, MHD_HTTP_HEADER_AUTHORIZATION);
	if (h && strncasecmp(h, "Bearer ", 7) == 0)
		return h + 7;
	r->cookie_auth = true;
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "lx_session");
}

/* Whether origin (scheme://host[:port]) is this server's own. */
static bool lx_same_origin(lx_req *r, const char *origin)
{
	const lx_app *app = r->app;
	if (app->public_url) {
		size_t n = strlen(origin);
		return strncmp(app->public_url, origin, n) == 0 &&
		       (app->public_url[n] == '\0' || app->public_url[n] == '/');
	}
	const char *host = lx_req_header(r, MHD_HTTP_HEADER_HOST);
	const char *rest = strncmp(origin, "http://", 7) == 0 ? origin + 7
			 : strncmp(origin, "https://", 8) == 0 ? origin + 8 : NULL;
	return host && rest && strcmp(rest, host) == 0;
}

/* A browser sends the session cookie with any site's form or fetch: a
 * state-changing request authenticated by it must come from our own pages
 * (Sec-Fetch-Site or Origin says so) or carry a header no other site can
 * set without our consent (X-Requested-With: a CORS preflight we never
 * grant). Replies 403 and returns LX_FORBIDDEN otherwise. */
static int lx_cookie_csrf_or_reply(lx_req *r)
{
	if (strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0)
		return LX_OK;
	const char *site = lx_req_header(r, "Sec-Fetch-Site");
	if (site && strcmp(site, "same-origin") == 0)
		return LX_OK;
	const char *origin = lx_req_header(r, "Origin");
	if (origin && lx_same_origin(r, origin))
		return LX_OK;
	if (!site && !origin && lx_req_header(r, "X-Requested-With"))
		return LX_OK;
	return lx_reply_error(r, 403, "cross_site", NULL,
			      "a cookie session's change must come from this site's own pages");
}

/* How stale a session's last use may be before it is written again: the
 * idle timeout counts from the last write, within this. */
#define LX_TOUCH_MS (60 * 1000)

static int lx_touch_job(lx_db *db, void *arg)
{
	const lx_req *r = arg;
	return lx_session_touch(db, r->token_hash, lx_now_ms());
}

int lx_req_auth(lx_req *r)
{
	if (r->authed)
		return LX_OK;
	const char *tok = lx_bearer(r);
	if (!tok || strlen(tok) != 64)
		return lx_reply_error(r, 401, "unauthorized", NULL, "login required");
	char hash[65];
	lx_ms now = lx_now_ms();
	lx_token_hash(tok, hash);
	memcpy(r->token_hash, hash, sizeof r->token_hash);
	if (r->cookie_auth && lx_cookie_csrf_or_reply(r) != LX_OK)
		return LX_FORBIDDEN;
	if (lx_session_cached(hash, now, &r->user)) {
		r->authed = true;
		return LX_OK;
	}
	int rc = lx_session_user(r->db, hash, now, r->app->idle_timeout_ms, &r->user);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 401, "unauthorized", NULL, "invalid or expired token");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	/* the idle clock: a failed touch only shortens the session */
	if (now - r->user.seen_at > LX_TOUCH_MS && lx_pool_write(r->app->pool, lx_touch_job, r) == LX_OK)
		r->user.seen_at = now;
	lx_session_remember(hash, now, &r->user);
	r->authed = true;
	return LX_OK;
}

bool lx_req_role(lx_req *r, unsigned mask)
{
	return r->authed && (r->user.roles & mask);
}

/* ---- the request life cycle ---- */

void lx_req_clear(lx_req *r)
{
	lx_buf_free(&r->body);
	for (int i = 0; i < r->nparams; i++)
		free(r->params[i]);
	lx_user_clear(&r->user);
	free(r->out);
	json_decref(r->json);
	free(r->in);
	if (r->state_free)
		r->state_free(r->state);
	for (int i = 0; i < r->nheaders; i++) {
		free(r->headers[i][0]);
		free(r->headers[i][1]);
	}
	lx_stream_free(r->stream);
}

static void lx_req_free(lx_req *r)
{
	if (!r)
		return;
	lx_req_clear(r);
	free(r);
}

static double lx_elapsed_ms(lx_ms t0)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)(ts.tv_sec * 1000000000LL + ts.tv_nsec - t0) / 1e6;
}

static lx_ms lx_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void lx_access_log(lx_req *r, double ms)
{
	char ts[40], buf[512];
	lx_time_format(lx_now_ms(), r->app->tz_offset_min, ts, sizeof ts);
	/* The path carries ids only; the query string (which may hold a phone
	 * number in a search) is never logged, and numbers a client put into
	 * the path are masked like any free text (core/scrub.h). */
	size_t n = strlen(r->url);
	char *path = n < sizeof buf ? memcpy(buf, r->url, n + 1) : lx_xstrdup(r->url);
	lx_scrub_pii_inplace(path, n);
	fprintf(stderr, "ts=%s method=%s route=%s path=%s status=%d ms=%.2f user=%lld bytes=%zu\n",
		ts, r->method, r->route ? r->route : "-", path, r->status, ms,
		r->authed ? (long long)r->user.id : 0LL, r->outlen);
	if (path != buf)
		free(path);
}

static enum MHD_Result lx_send(struct MHD_Connection *conn, lx_req *r)
{
	struct MHD_Response *resp;
	bool own_csp = false;
	if (r->stream) {
		/* 64 KiB pieces; MHD owns the reader from here (lx_stream_free) */
		resp = MHD_create_response_from_callback(r->stream->size, 64 * 1024, lx_stream_read,
							 r->stream, lx_stream_free);
		r->stream = NULL;
	} else {
		resp = MHD_create_response_from_buffer(r->outlen, r->out, MHD_RESPMEM_MUST_FREE);
		r->out = NULL; /* now owned by MHD */
	}
	if (!resp)
		return MHD_NO;
	for (int i = 0; i < r->nheaders; i++) {
		MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
		own_csp = own_csp || strcasecmp(r->headers[i][0], "Content-Security-Policy") == 0;
	}
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "same-origin");
	if (r->app->csp && !own_csp)
		MHD_add_response_header(resp, "Content-Security-Policy", r->app->csp);
	if (r->app->https)
		MHD_add_response_header(resp, "Strict-Transport-Security", "max-age=31536000");
	if (r->close)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
	enum MHD_Result ret = MHD_queue_response(conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* Observes, logs and sends the reply r holds. */
static enum MHD_Result lx_finish(struct MHD_Connection *conn, lx_req *r)
{
	if (!r->out && !r->stream)
		lx_reply_error(r, 500, "internal", NULL, "no response");
	double ms = lx_elapsed_ms(r->t0);
	lx_metrics_observe(r->app->metrics, r->route ? r->route : "unmatched", r->status, ms);
	lx_access_log(r, ms);
	return lx_send(conn, r);
}

static enum MHD_Result lx_access(void *cls, struct MHD_Connection *conn, const char *url,
				 const char *method, const char *version, const char *upload_data,
				 size_t *upload_data_size, void **con_cls)
{
	lx_app *app = cls;
	lx_req *r = *con_cls;
	(void)version;

	/* the URI log callback (guard.c) made the context */
	assert(r && r->app == app);
	if (!r->method) {
		/* the first call: the headers are in */
		r->url = url;
		r->method = method;
		r->t0 = lx_mono_ns();
		r->body_limit = app->upload_route && app->upload_route(method, url) ? app->upload_limit
										     : app->body_limit;
		if (lx_guard_headers_or_reply(r) != LX_OK) {
			r->replied = true;
			lx_guard_handling(r);
			return lx_finish(conn, r);
		}
		return MHD_YES;
	}
	if (r->replied) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!r->too_large) {
			if (r->body.len + *upload_data_size > r->body_limit) {
				r->too_large = true;
				lx_buf_free(&r->body);
			} else {
				lx_buf_append(&r->body, upload_data, *upload_data_size);
			}
		}
		*upload_data_size = 0;
		return MHD_YES;
	}

	lx_guard_handling(r);
	r->db = lx_pool_conn(app->pool);
	if (!r->db)
		lx_reply_error(r, 503, "unavailable", NULL, "database unavailable");
	else
		app->dispatch(r);
	return lx_finish(conn, r);
}

static void lx_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	lx_req *r = *con_cls;
	if (r)
		lx_guard_done(r);
	lx_req_free(r);
	*con_cls = NULL;
}

static void lx_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("mhd: ", stderr);
	vfprintf(stderr, fmt, ap);
}

int lx_http_serve(lx_app *app, const char *bind, int port)
{
	struct sockaddr_in addr;
	sigset_t set;
	int sig = 0;

	memset(&addr, 0, sizeof addr);
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, bind, &addr.sin_addr) != 1) {
		fprintf(stderr, "lianxin: bad --bind address %s\n", bind);
		return LX_ERR;
	}
	/* Block the stop signals in every thread; the main thread waits for them. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (lx_events_start() != LX_OK) {
		fprintf(stderr, "lianxin: cannot start the event streams' ticker\n");
		return LX_ERR;
	}
	if (lx_guard_start(app) != LX_OK) {
		fprintf(stderr, "lianxin: cannot start the connection guard\n");
		lx_guard_stop(app);
		lx_events_stop();
		return LX_ERR;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_USE_ERROR_LOG |
			MHD_ALLOW_SUSPEND_RESUME, /* event streams wait suspended (events.c) */
		(uint16_t)port, NULL, NULL, lx_access, app,
		MHD_OPTION_EXTERNAL_LOGGER, lx_mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)app->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)app->conn_timeout_s,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)8192,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)app->per_ip_connections,
		MHD_OPTION_URI_LOG_CALLBACK, lx_guard_request_line, app,
		MHD_OPTION_NOTIFY_CONNECTION, lx_guard_notify, app,
		/* MHD zeroes the used part of a connection's pool between requests:
		 * 32 KB (its default) holds headers and the read buffer; bodies are
		 * copied out as they arrive */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(32 * 1024),
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
		MHD_OPTION_NOTIFY_COMPLETED, lx_completed, NULL,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "lianxin: cannot listen on %s:%d: %s\n", bind, port, strerror(errno));
		lx_guard_stop(app);
		lx_events_stop();
		return LX_ERR;
	}
	fprintf(stderr, "lianxin: serving http://%s:%d/ (db %s, %u threads)\n", bind, port,
		lx_pool_kind(app->pool), app->threads);
	while (sigwait(&set, &sig) != 0)
		;
	fprintf(stderr, "lianxin: signal %d, finishing in-flight requests\n", sig);
	app->stopping = 1;
	/* No MHD_quiesce_daemon: with epoll and internal threads it races the
	 * workers' own removal of the listening socket from their epoll sets
	 * and libmicrohttpd (0.9.75) aborts when it loses (CI saw "Failed to
	 * remove listen FD from epoll set" at a SIGTERM). MHD_stop_daemon stops
	 * accepting as it stops: each worker finishes the handler it is in (a
	 * write job waits for its commit) before its thread is joined. */
	lx_events_stop(); /* every live stream resumed and ended */
	MHD_stop_daemon(d);
	lx_guard_stop(app);
	fprintf(stderr, "lianxin: stopped\n");
	return LX_OK;
}
