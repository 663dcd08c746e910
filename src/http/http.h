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
	size_t upload_limit;     /* bytes, of a route that takes a file (upload_route) */
	int64_t max_pixels;      /* of an uploaded image */
	/* Whether method and path name a route that takes a file as its body
	 * (api/dispatch.c: a row flagged LX_RT_UPLOAD); NULL: none does. */
	bool (*upload_route)(const char *method, const char *path);
	unsigned threads;
	unsigned conn_timeout_s;
	const char *web_root;    /* static files, or NULL */
	lx_metrics *metrics;
	int sweep_interval_ms;
	/* hardening (guard.c, auth): see docs/security.md */
	unsigned per_ip_connections;  /* concurrent connections from one address */
	unsigned request_deadline_s;  /* from the request line to the whole body */
	const char *public_url;       /* e.g. https://12345.example.gov.cn, or NULL */
	bool https;                   /* public_url is https: cookies are Secure */
	const char *metrics_token;    /* bearer token /metrics needs off loopback, or NULL */
	unsigned totp_required_roles; /* roles that must enrol a second factor */
	unsigned unmask_roles;        /* roles granted unmask (a resident's full ID number, phone) */
	unsigned registry_sensitive_roles; /* roles granted registry_sensitive (PIPL Art. 28 tags) */
	lx_ms idle_timeout_ms;        /* a session unused this long ends */
	lx_ms session_ms;             /* a session's absolute life */
	lx_ms password_max_age_ms;    /* 0: passwords do not expire */
	int64_t desk_unit_id;         /* unplaced requests' desk (0: the district) */
	char *csp;                    /* the Content-Security-Policy header (guard.c) */
	struct lx_guard *guard;       /* the connection watchdog (guard.c) */
	int public_point_decimals;    /* decimals of a point Open311 shows publicly */
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
	size_t body_limit;       /* this request's: app->body_limit or app->upload_limit */
	bool too_large;
	bool close;              /* answer with Connection: close (a refused request) */
	bool replied;            /* the reply went out before the body (guard.c) */
	bool bad_path;           /* the raw path held a NUL or control character */
	bool cookie_auth;        /* authenticated by the lx_session cookie, not a header */
	char addr[48];           /* the client's address (numeric) */
	struct lx_conn *cn;      /* the connection's watchdog record (guard.c) */
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
	char *headers[6][2];     /* extra headers of the reply: name, value (lx_reply_header; owned) */
	int nheaders;
	struct lx_stream *stream;/* a reply read piece by piece (lx_reply_stream; owned) */
	lx_ms t0;
	/* filled by the dispatcher (api/dispatch.c) */
	const void *rt;          /* the matched route row (const lx_route *) */
	json_t *json;            /* the parsed body (owned) */
	void *in;                /* the body checked against the route's schema (owned) */
	void *state;             /* a write route's state between its phases (owned) */
	void (*state_free)(void *state);
};

typedef int (*lx_handler)(lx_req *r);

/* Frees what r owns (body, captures, user, reply, parsed body, state),
 * not r itself. */
void lx_req_clear(lx_req *r);

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
/* Adds a header to the reply: name (copied) and the value printf makes of
 * fmt; at most six; a Content-Security-Policy given here replaces the
 * server's. They go with whatever reply r ends with. */
void lx_reply_header(lx_req *r, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A reply of size bytes that read(cls, pos, buf, max) produces piece by
 * piece while it is sent (on the connection's thread, after the handler
 * returned): it returns the bytes it wrote into buf, or -1 on failure
 * (the connection is then closed). free_cls(cls) runs when the reply is
 * done or dropped; r owns cls from this call on. Returns LX_OK. */
int lx_reply_stream(lx_req *r, int status, const char *ctype, uint64_t size,
		    ssize_t (*read)(void *cls, uint64_t pos, char *buf, size_t max),
		    void *cls, void (*free_cls)(void *cls));
/* What a stream's read function returns when the stream is complete (a
 * reply of unknown size: an event stream). */
#define LX_STREAM_END ((ssize_t)-2)
/* An event stream (text/event-stream) as r's reply: poll(cls, out) is
 * called when the client may take more and appends what is new as SSE
 * lines ("event: x\ndata: {...}\n\n"; nothing: the stream waits,
 * suspended, and is asked again within a second). It ends after life_ms
 * (the browser reconnects, authenticated afresh) or at shutdown. cls is
 * owned by the stream from this call (free_cls). Returns LX_OK (or a 503
 * when the node holds too many streams). */
int lx_reply_events(lx_req *r, lx_ms life_ms, int (*poll)(void *cls, lx_buf *out), void *cls,
		    void (*free_cls)(void *cls));
/* The ticker that resumes waiting streams: started by lx_http_serve, and
 * stopped (every stream ended) before the daemon stops. */
int lx_events_start(void);
void lx_events_stop(void);

/* Maps a store status to the right reply (404 not found, 409 conflict,
 * 503 busy, 500 otherwise). */
int lx_reply_store_error(lx_req *r, int rc);

/* Parses the body as a JSON object into *out (caller decrefs). On failure
 * replies 400/413 and returns LX_BADREQ. An empty body reads as {} when
 * empty_ok is set. */
int lx_req_json(lx_req *r, bool empty_ok, json_t **out);
/* Whether the request's Content-Type is application/json (parameters such
 * as charset allowed). */
bool lx_req_is_json(lx_req *r);
/* Authenticates the bearer token (or the lx_session cookie: then a change
 * must come from this site, lx_cookie_csrf_or_reply). On failure replies
 * 401 (403 for a cross-site change) and returns LX_FORBIDDEN. */
int lx_req_auth(lx_req *r);
/* True when the authenticated user has any role in mask. */
bool lx_req_role(lx_req *r, unsigned mask);

/* ---- the guard (guard.c): what is refused before a handler runs ---- */
struct lx_guard;
struct lx_conn;
/* Starts the connection watchdog (a thread closing connections whose
 * request takes longer than app->request_deadline_s to arrive) and builds
 * app->csp. Returns LX_OK or LX_ERR. */
int lx_guard_start(lx_app *app);
/* Stops the watchdog and frees it (NULL is fine). */
void lx_guard_stop(lx_app *app);
/* MHD's connection notifications: keep the watchdog's records. */
void lx_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe);
/* MHD's URI log callback: the request line is in; allocates the request
 * context (returned: MHD keeps it as con_cls) and starts its deadline. */
void *lx_guard_request_line(void *cls, const char *uri, struct MHD_Connection *conn);
/* The request's headers are in: refuses what a proxy and this server could
 * read differently (two Content-Length headers, one beside Transfer-Encoding,
 * any transfer coding, two Host headers, NUL in a header or the path) and a
 * declared body over the limit. Replies (with Connection: close) and returns
 * the error status; LX_OK when the request may go on. */
int lx_guard_headers_or_reply(lx_req *r);
/* The handler starts: the deadline no longer applies. */
void lx_guard_handling(lx_req *r);
/* The reply is out: the connection waits for its next request. */
void lx_guard_done(lx_req *r);
/* True when the caller is this host's 127.0.0.1 (or ::1). */
bool lx_req_loopback(const lx_req *r);

/* ---- the trail of reads (trail.c) ---- */
/* Queues an audit row for what r read (kind "unmasked_read", "export",
 * "apikey_used"; target and detail may be NULL); the same actor, kind
 * and target again within ten minutes is not queued twice. */
void lx_trail_defer(lx_req *r, const char *kind, const char *target, const char *detail);
/* Writes the queued rows in one write job (the sweeper calls it every
 * pass, and serve at its end). LX_OK, or the writer's status (the rows
 * stay queued). */
int lx_trail_flush(lx_pool *pool);

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
