/*
 * http.h - the libmicrohttpd glue: the server, one request's context, the
 * reply helpers every handler uses, authentication and metrics.
 */
#ifndef LX_HTTP_H
#define LX_HTTP_H

#include "lx.h"
#include "db.h"
#include "jw.h"
#include "repo.h"

#include <jansson.h>
#include <microhttpd.h>

typedef struct lx_metrics lx_metrics;
typedef struct lx_req lx_req;

/* Server-wide settings and shared state; lives as long as the server. */
typedef struct lx_app {
	lx_pool *pool;
	const char *db_url;
	int tz_offset_min;       /* server zone, minutes east of UTC */
	size_t body_limit;       /* bytes */
	unsigned threads;
	unsigned conn_timeout_s;
	const char *web_root;    /* static files, or NULL */
	lx_metrics *metrics;
	int sweep_interval_ms;
	int public_point_decimals; /* decimals of a point shown publicly (Open311 GET) */
	volatile int stopping;
	/* Answers one request (api/dispatch.c: the route table); the server
	 * calls it once the body is in. */
	void (*dispatch)(lx_req *r);
} lx_app;

/* One request, from the first callback to the queued response. */
struct lx_req {
	lx_app *app;
	struct MHD_Connection *conn;
	const char *method;
	const char *url;
	lx_buf body;
	bool too_large;
	const char *route;       /* the matched route pattern, for logs and metrics */
	char *params[4];         /* path captures, e.g. the :id */
	int nparams;
	lx_db *db;               /* this thread's connection */
	lx_user user;            /* valid when authed */
	bool authed;
	char token_hash[65];     /* the hash of the session token, when authed */
	int status;
	char *out;               /* response body (owned) */
	size_t outlen;
	const char *ctype;
	char *extra_header[2];   /* one optional extra header: name, value (owned) */
	lx_ms t0;
	/* filled by the dispatcher (api/dispatch.c) */
	const void *rt;          /* the matched route row (const lx_route *) */
	json_t *json;            /* the parsed body (owned) */
	void *in;                /* the body checked against the route's schema (owned) */
	void *state;             /* a write route's state between its phases (owned) */
	void (*state_free)(void *state);
};

typedef int (*lx_handler)(lx_req *r);

/* Starts the server on bind:port and blocks until SIGTERM/SIGINT, then stops
 * accepting, lets in-flight requests finish and returns LX_OK (LX_ERR when
 * it could not start). */
int lx_http_serve(lx_app *app, const char *bind, int port);

/* Query-string argument or NULL (owned by the connection). */
const char *lx_req_arg(lx_req *r, const char *key);
/* Request header or NULL (owned by the connection). */
const char *lx_req_header(lx_req *r, const char *name);
/* Path capture i as a positive id; returns false when it is not one. */
bool lx_req_id(lx_req *r, int i, int64_t *id);

/* Replies with j (reference stolen) as JSON. Always returns LX_OK. */
int lx_reply_json(lx_req *r, int status, json_t *j);
/* Replies with the JSON document w wrote into its buffer, which must be
 * complete (every object and array closed); the buffer's memory goes to
 * the reply and the buffer is left empty. Always returns LX_OK. */
int lx_reply_jw(lx_req *r, int status, lx_jw *w);
/* Replies with the contract's error body. field may be NULL. Returns the
 * status-derived LX_ code so handlers can `return lx_reply_error(...)`. */
int lx_reply_error(lx_req *r, int status, const char *code, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Replies with an owned body of the given content type. */
int lx_reply_raw(lx_req *r, int status, const char *ctype, char *body, size_t len);
/* Maps a store status to the right reply (404 not found, 409 conflict,
 * 503 busy, 500 otherwise). */
int lx_reply_store_error(lx_req *r, int rc);

/* Parses the body as a JSON object into *out (caller decrefs). On failure
 * replies 400/413 and returns LX_BADREQ. An empty body reads as {} when
 * empty_ok is set. */
int lx_req_json(lx_req *r, bool empty_ok, json_t **out);
/* Authenticates the bearer token (or the lx_session cookie). On failure
 * replies 401 and returns LX_FORBIDDEN. */
int lx_req_auth(lx_req *r);
/* True when the authenticated user has any role in mask. */
bool lx_req_role(lx_req *r, unsigned mask);

/* ---- the session cache (sessions.c) ---- */
/* Copies the cached user of session hash into *out (caller clears it) when
 * the entry is fresh. Returns whether it did. */
bool lx_session_cached(const char *hash, lx_ms now, lx_user *out);
/* Caches u for session hash (a copy). */
void lx_session_remember(const char *hash, lx_ms now, const lx_user *u);
/* Drops session hash from the cache (logout). */
void lx_session_forget(const char *hash);
/* Empties the cache (at shutdown). */
void lx_sessions_free(void);

/* ---- metrics ---- */
lx_metrics *lx_metrics_new(void);
void lx_metrics_free(lx_metrics *m);
void lx_metrics_observe(lx_metrics *m, const char *route, int status, double ms);
/* Appends the Prometheus text of m to b. */
void lx_metrics_render(lx_metrics *m, lx_buf *b);

#endif
