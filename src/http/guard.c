/*
 * guard.c - what the server refuses before any handler runs.
 *
 * Three things live here:
 *  - the request-line and header checks: a request that a proxy in front
 *    of us could frame differently from us (two Content-Length headers,
 *    Content-Length beside Transfer-Encoding, any transfer coding, two Host
 *    headers, NUL in a header or the path) is refused with 400 and the
 *    connection closed; a declared body over the limit gets 413 before
 *    libmicrohttpd would answer "100 Continue". Bodies come with a
 *    Content-Length only: chunked uploads get 411, which also keeps
 *    libmicrohttpd's own HTML error for an oversized chunk line away;
 *  - the connection watchdog: libmicrohttpd's idle timeout restarts with
 *    every byte, so a client sending a header line every few seconds holds
 *    a connection for ever. Each request gets an absolute deadline from its
 *    request line to its last body byte; a thread shuts down the sockets of
 *    requests past it (shutdown, not close: the descriptor stays
 *    libmicrohttpd's, which sees the end and cleans up). Together with the
 *    per-address connection limit (MHD_OPTION_PER_IP_CONNECTION_LIMIT, set
 *    in server.c) one client cannot hold the server;
 *  - the Content-Security-Policy, built once from the web root's
 *    index.html (the hashes of its inline scripts).
 */
#include "http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum lx_conn_phase {
	LX_CONN_WAITING,   /* between requests: the idle timeout applies */
	LX_CONN_RECEIVING, /* request line seen, body not complete: the deadline applies */
	LX_CONN_HANDLING,  /* the handler runs or the reply is being sent */
	LX_CONN_CUT,       /* the watchdog shut it down */
};

/* A connection's phase and since when, in one word (since_ms << 2 |
 * phase): the request threads move it without the guard's lock, three
 * times a request; the watchdog reads it and cuts with a compare-and-swap,
 * so a phase change and a cut never cross. */
#define LX_PHASE_BITS 2
#define LX_PHASE(w) ((enum lx_conn_phase)((w) & 3))
#define LX_SINCE(w) ((lx_ms)((w) >> LX_PHASE_BITS))

struct lx_conn {
	struct lx_conn *prev, *next; /* under the guard's lock */
	int fd;
	_Atomic uint64_t state;
	char addr[48];
};

static uint64_t lx_conn_word(enum lx_conn_phase phase, lx_ms since_ms)
{
	return (uint64_t)since_ms << LX_PHASE_BITS | (uint64_t)phase;
}

struct lx_guard {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool running, stop;
	struct lx_conn head; /* a ring; head itself is no connection */
	lx_ms deadline_ms;
	uint64_t cut;
};

static lx_ms lx_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (lx_ms)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void *lx_guard_main(void *arg)
{
	struct lx_guard *g = arg;
	pthread_mutex_lock(&g->mu);
	while (!g->stop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 250 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&g->cv, &g->mu, &until);
		lx_ms now = lx_mono_ms();
		for (struct lx_conn *c = g->head.next; c != &g->head; c = c->next) {
			uint64_t w = atomic_load(&c->state);
			if (LX_PHASE(w) != LX_CONN_RECEIVING || !g->deadline_ms || now - LX_SINCE(w) <= g->deadline_ms)
				continue;
			/* the request may have just come in: then it is not cut */
			if (!atomic_compare_exchange_strong(&c->state, &w, lx_conn_word(LX_CONN_CUT, LX_SINCE(w))))
				continue;
			/* the record is freed only under g->mu, before libmicrohttpd
			 * closes the descriptor: fd is still this connection's */
			/* the log line first: whoever sees the close can read why */
			fprintf(stderr, "guard: closed a connection from %s: its request was not in after %lld s\n",
				c->addr, (long long)(g->deadline_ms / 1000));
			fflush(stderr);
			shutdown(c->fd, SHUT_RDWR);
			g->cut++;
		}
	}
	pthread_mutex_unlock(&g->mu);
	return NULL;
}

/* The sha256 of every inline <script> of the page at rel under web_root,
 * as CSP sources appended to out. */
static void lx_guard_page_hashes(const char *web_root, const char *rel, lx_buf *out)
{
	char *path = lx_xasprintf("%s/%s", web_root, rel);
	FILE *f = fopen(path, "rb");
	free(path);
	if (!f)
		return;
	lx_buf html;
	lx_buf_init(&html);
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		lx_buf_append(&html, chunk, n);
	fclose(f);
	lx_buf_append(&html, "", 1);
	const char *p = html.data;
	while (p && (p = strstr(p, "<script")) != NULL) {
		const char *gt = strchr(p, '>');
		if (!gt)
			break;
		bool external = memmem(p, (size_t)(gt - p), "src=", 4) != NULL;
		const char *body = gt + 1, *end = strstr(body, "</script>");
		if (!end)
			break;
		if (!external) {
			unsigned char h[crypto_hash_sha256_BYTES];
			char b64[sodium_base64_ENCODED_LEN(crypto_hash_sha256_BYTES, sodium_base64_VARIANT_ORIGINAL)];
			crypto_hash_sha256(h, (const unsigned char *)body, (unsigned long long)(end - body));
			sodium_bin2base64(b64, sizeof b64, h, sizeof h, sodium_base64_VARIANT_ORIGINAL);
			lx_buf_printf(out, " 'sha256-%s'", b64);
		}
		p = end;
	}
	lx_buf_free(&html);
}

int lx_guard_start(lx_app *app)
{
	struct lx_guard *g = lx_xcalloc(1, sizeof *g);
	pthread_mutex_init(&g->mu, NULL);
	pthread_cond_init(&g->cv, NULL);
	g->head.next = g->head.prev = &g->head;
	g->deadline_ms = (lx_ms)app->request_deadline_s * 1000;
	app->guard = g;
	/* The UI is Vue with its template compiler and no build step: the
	 * compiler makes render functions with new Function, hence
	 * 'unsafe-eval'; everything else comes from this origin. */
	lx_buf csp;
	lx_buf_init(&csp);
	lx_buf_puts(&csp, "default-src 'self'; script-src 'self' 'unsafe-eval'");
	/* the staff's app and the residents' page (/r/) each have an import map inline */
	if (app->web_root) {
		lx_guard_page_hashes(app->web_root, "index.html", &csp);
		lx_guard_page_hashes(app->web_root, "r/index.html", &csp);
	}
	lx_buf_puts(&csp, "; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
			  "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; "
			  "form-action 'self'; frame-ancestors 'none'");
	app->csp = lx_buf_steal(&csp);
	if (pthread_create(&g->thread, NULL, lx_guard_main, g) != 0)
		return LX_ERR;
	g->running = true;
	return LX_OK;
}

void lx_guard_stop(lx_app *app)
{
	struct lx_guard *g = app->guard;
	free(app->csp);
	app->csp = NULL;
	if (!g)
		return;
	if (g->running) {
		pthread_mutex_lock(&g->mu);
		g->stop = true;
		pthread_cond_signal(&g->cv);
		pthread_mutex_unlock(&g->mu);
		pthread_join(g->thread, NULL);
	}
	/* libmicrohttpd has closed every connection (and told us) by now */
	assert(g->head.next == &g->head);
	pthread_cond_destroy(&g->cv);
	pthread_mutex_destroy(&g->mu);
	free(g);
	app->guard = NULL;
}

static void lx_addr_format(struct MHD_Connection *conn, char *out, size_t outsz)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, outsz, "-");
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)outsz);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)outsz);
}

void lx_guard_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		     enum MHD_ConnectionNotificationCode toe)
{
	lx_app *app = cls;
	struct lx_guard *g = app->guard;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		struct lx_conn *c = lx_xcalloc(1, sizeof *c);
		const union MHD_ConnectionInfo *ci =
			MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		c->fd = ci ? ci->connect_fd : -1;
		atomic_init(&c->state, lx_conn_word(LX_CONN_WAITING, lx_mono_ms()));
		lx_addr_format(conn, c->addr, sizeof c->addr);
		pthread_mutex_lock(&g->mu);
		c->next = g->head.next;
		c->prev = &g->head;
		g->head.next->prev = c;
		g->head.next = c;
		pthread_mutex_unlock(&g->mu);
		*socket_context = c;
		return;
	}
	struct lx_conn *c = *socket_context;
	if (!c)
		return;
	pthread_mutex_lock(&g->mu);
	c->prev->next = c->next;
	c->next->prev = c->prev;
	pthread_mutex_unlock(&g->mu);
	free(c);
	*socket_context = NULL;
}

static void lx_conn_phase(struct lx_conn *c, enum lx_conn_phase phase)
{
	if (!c)
		return;
	uint64_t w = atomic_load(&c->state), next = lx_conn_word(phase, lx_mono_ms());
	while (LX_PHASE(w) != LX_CONN_CUT && !atomic_compare_exchange_weak(&c->state, &w, next))
		;
}

/* A raw path with a NUL or a control character, spelt out or escaped. */
static bool lx_path_has_control(const char *uri)
{
	for (const char *p = uri; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return true;
		if (p[0] == '%' && p[1] && p[2]) {
			char hex[3] = {p[1], p[2], 0}, *end = NULL;
			long v = strtol(hex, &end, 16);
			if (end == hex + 2 && (v < 0x20 || v == 0x7f))
				return true;
		}
	}
	return false;
}

void *lx_guard_request_line(void *cls, const char *uri, struct MHD_Connection *conn)
{
	lx_app *app = cls;
	lx_req *r = lx_xcalloc(1, sizeof *r);
	r->app = app;
	r->conn = conn;
	lx_buf_init(&r->body);
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	r->cn = ci ? ci->socket_context : NULL;
	if (r->cn)
		memcpy(r->addr, r->cn->addr, sizeof r->addr);
	else
		lx_addr_format(conn, r->addr, sizeof r->addr);
	/* uri is the raw request target, before libmicrohttpd unescapes it */
	r->bad_path = lx_path_has_control(uri);
	lx_conn_phase(r->cn, LX_CONN_RECEIVING);
	return r;
}

struct lx_header_count {
	int content_length, transfer_encoding, host;
	bool nul, lengths_differ;
	const char *cl, *te;
	const char *prev_end; /* where the previous value ended (its terminating NUL) */
};

/* libmicrohttpd 0.9.75 ends a header value at a NUL byte of its own
 * accord and keeps the headers in its read buffer, each line's CRLF
 * replaced by two NULs (a bare LF by one). A value whose terminator is
 * followed neither by that second NUL nor by the next header's name (nor,
 * for the last, by the blank line) was cut at a NUL the client sent. */
static bool lx_value_cut_at_nul(const char *end, const char *next_key)
{
	const char *q = end + 1;
	if (next_key)
		return !(q == next_key || (*q == '\0' && q + 1 == next_key));
	return *q != '\0' && *q != '\r' && *q != '\n';
}

static enum MHD_Result lx_count_header(void *cls, enum MHD_ValueKind kind, const char *key,
				       size_t key_size, const char *value, size_t value_size)
{
	struct lx_header_count *n = cls;
	(void)kind;
	if (strlen(key) != key_size || (value && strlen(value) != value_size))
		n->nul = true;
	if (n->prev_end && lx_value_cut_at_nul(n->prev_end, key))
		n->nul = true;
	n->prev_end = value ? value + value_size : NULL;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (n->cl && (!value || strcmp(n->cl, value) != 0))
			n->lengths_differ = true;
		n->cl = value;
		n->content_length++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
		n->te = value;
		n->transfer_encoding++;
	} else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
		n->host++;
	}
	return MHD_YES;
}

static int lx_refuse(lx_req *r, int status, const char *code, const char *msg)
{
	r->close = true;
	return lx_reply_error(r, status, code, NULL, "%s", msg);
}

int lx_guard_headers_or_reply(lx_req *r)
{
	struct lx_header_count n = {0};
	MHD_get_connection_values_n(r->conn, MHD_HEADER_KIND, lx_count_header, &n);
	if (n.prev_end && lx_value_cut_at_nul(n.prev_end, NULL))
		n.nul = true;
	if (r->bad_path)
		return lx_refuse(r, 400, "bad_request", "a NUL or control character in the path");
	if (n.nul)
		return lx_refuse(r, 400, "bad_request", "a NUL in a header");
	if (n.content_length > 1)
		return lx_refuse(r, 400, "bad_request", n.lengths_differ ? "conflicting Content-Length headers"
									  : "more than one Content-Length header");
	if (n.content_length && n.transfer_encoding)
		return lx_refuse(r, 400, "bad_request", "Content-Length beside Transfer-Encoding");
	if (n.host > 1)
		return lx_refuse(r, 400, "bad_request", "more than one Host header");
	if (n.transfer_encoding) {
		if (n.transfer_encoding == 1 && n.te && strcasecmp(n.te, "chunked") == 0)
			return lx_refuse(r, 411, "length_required", "send the body with a Content-Length");
		return lx_refuse(r, 400, "bad_request", "unsupported transfer coding");
	}
	if (n.cl) {
		const char *p = n.cl;
		unsigned long long v = 0;
		if (!*p)
			return lx_refuse(r, 400, "bad_request", "an empty Content-Length");
		for (; *p; p++) {
			if (*p < '0' || *p > '9' || v > (1ULL << 40))
				return lx_refuse(r, 400, "bad_request", "a malformed Content-Length");
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (v > r->body_limit) {
			/* a client waiting for "100 Continue" hears 413 instead and
			 * need not send; one that sends anyway is read to the end
			 * (within the deadline) and answered 413 then, since closing
			 * under its upload would lose the answer in a reset */
			const char *expect = lx_req_header(r, MHD_HTTP_HEADER_EXPECT);
			if (!expect)
				r->too_large = true;
			else
				return lx_refuse(r, 413, "too_large", "body larger than the limit");
		}
	}
	return LX_OK;
}

void lx_guard_handling(lx_req *r)
{
	lx_conn_phase(r->cn, LX_CONN_HANDLING);
}

void lx_guard_done(lx_req *r)
{
	lx_conn_phase(r->cn, LX_CONN_WAITING);
}

bool lx_req_loopback(const lx_req *r)
{
	/* the host's own Prometheus: 127.0.0.1 itself, not all of 127/8 (a
	 * container or a test may bring another address of it) */
	return strcmp(r->addr, "127.0.0.1") == 0 || strcmp(r->addr, "::1") == 0 ||
	       strcmp(r->addr, "::ffff:127.0.0.1") == 0;
}
