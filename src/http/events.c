/*
 * events.c - Server-Sent Events (text/event-stream) without holding a
 * thread per client. A stream's reader runs on libmicrohttpd's polling
 * thread: it sends what is pending, asks its poll function for anything
 * new, and when there is nothing, suspends its connection
 * (MHD_suspend_connection, allowed from a content reader) and returns 0.
 * One ticker thread resumes every suspended stream each second, so each
 * looks again; a comment line every 15 s keeps proxies from closing it.
 * At shutdown every stream is resumed and ends, so the daemon can stop.
 */
#include "http.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LX_EVENTS_TICK_MS 1000
#define LX_EVENTS_BEAT_MS 15000
#define LX_EVENTS_MAX 4096 /* streams one node keeps open */

struct lx_events {
	struct MHD_Connection *conn;
	int (*poll)(void *cls, lx_buf *out);
	void *cls;
	void (*free_cls)(void *cls);
	lx_buf out;
	size_t off;
	lx_ms last_sent, ends_at;
	struct lx_events *next; /* in the suspended list */
};

static pthread_mutex_t lx_ev_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lx_ev_cv = PTHREAD_COND_INITIALIZER;
static struct lx_events *lx_ev_suspended;
static int lx_ev_open;
static bool lx_ev_stopping, lx_ev_running;
static pthread_t lx_ev_thread;

static void lx_resume_all_locked(void)
{
	for (struct lx_events *e = lx_ev_suspended, *next; e; e = next) {
		next = e->next;
		e->next = NULL;
		MHD_resume_connection(e->conn);
	}
	lx_ev_suspended = NULL;
}

static void *lx_ev_ticker(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lx_ev_mu);
	while (!lx_ev_stopping) {
		struct timespec ts;
		lx_deadline_in_ms(&ts, LX_EVENTS_TICK_MS);
		pthread_cond_timedwait(&lx_ev_cv, &lx_ev_mu, &ts);
		lx_resume_all_locked();
	}
	lx_resume_all_locked();
	pthread_mutex_unlock(&lx_ev_mu);
	return NULL;
}

int lx_events_start(void)
{
	pthread_mutex_lock(&lx_ev_mu);
	lx_ev_stopping = false;
	int rc = lx_ev_running || pthread_create(&lx_ev_thread, NULL, lx_ev_ticker, NULL) == 0 ? LX_OK : LX_ERR;
	if (rc == LX_OK)
		lx_ev_running = true;
	pthread_mutex_unlock(&lx_ev_mu);
	return rc;
}

void lx_events_stop(void)
{
	pthread_mutex_lock(&lx_ev_mu);
	bool running = lx_ev_running;
	lx_ev_stopping = true;
	lx_resume_all_locked();
	pthread_cond_signal(&lx_ev_cv);
	pthread_mutex_unlock(&lx_ev_mu);
	if (running)
		pthread_join(lx_ev_thread, NULL);
	lx_ev_running = false;
}

static void lx_events_free(void *p)
{
	struct lx_events *e = p;
	if (e->free_cls)
		e->free_cls(e->cls);
	lx_buf_free(&e->out);
	free(e);
	pthread_mutex_lock(&lx_ev_mu);
	lx_ev_open--;
	pthread_mutex_unlock(&lx_ev_mu);
}

static ssize_t lx_events_copy(struct lx_events *e, char *buf, size_t max)
{
	size_t n = e->out.len - e->off;
	if (n > max)
		n = max;
	memcpy(buf, e->out.data + e->off, n);
	e->off += n;
	if (e->off == e->out.len) {
		lx_buf_reset(&e->out);
		e->off = 0;
	}
	return (ssize_t)n;
}

static ssize_t lx_events_read(void *p, uint64_t pos, char *buf, size_t max)
{
	struct lx_events *e = p;
	(void)pos;
	if (e->off < e->out.len)
		return lx_events_copy(e, buf, max);
	pthread_mutex_lock(&lx_ev_mu);
	bool stopping = lx_ev_stopping;
	pthread_mutex_unlock(&lx_ev_mu);
	lx_ms now = lx_now_ms();
	/* a stream lives a while, then ends: the browser reconnects with the
	 * session as it is then (revoked, expired, another role) */
	if (stopping || now >= e->ends_at)
		return LX_STREAM_END;
	if (e->poll(e->cls, &e->out) != LX_OK)
		return -1;
	if (!e->out.len && now - e->last_sent >= LX_EVENTS_BEAT_MS)
		lx_buf_puts(&e->out, ": keep-alive\n\n");
	if (e->out.len) {
		e->last_sent = now;
		return lx_events_copy(e, buf, max);
	}
	/* nothing new: out of the event loop until the ticker's next round. The
	 * lock makes suspending and lx_events_stop's resuming one order: a stream
	 * never suspends once the stop has resumed the others (libmicrohttpd
	 * aborts when it stops with a connection still suspended). */
	pthread_mutex_lock(&lx_ev_mu);
	if (lx_ev_stopping) {
		pthread_mutex_unlock(&lx_ev_mu);
		return LX_STREAM_END;
	}
	MHD_suspend_connection(e->conn);
	e->next = lx_ev_suspended;
	lx_ev_suspended = e;
	pthread_mutex_unlock(&lx_ev_mu);
	return 0;
}

int lx_reply_events(lx_req *r, lx_ms life_ms, int (*poll)(void *cls, lx_buf *out), void *cls,
		    void (*free_cls)(void *cls))
{
	pthread_mutex_lock(&lx_ev_mu);
	bool full = lx_ev_open >= LX_EVENTS_MAX || !lx_ev_running;
	if (!full)
		lx_ev_open++;
	pthread_mutex_unlock(&lx_ev_mu);
	if (full) {
		if (free_cls)
			free_cls(cls);
		lx_reply_header(r, "Retry-After", "%d", 30);
		return lx_reply_error(r, 503, "unavailable", NULL, "too many live streams on this node; poll instead");
	}
	struct lx_events *e = lx_xcalloc(1, sizeof *e);
	e->conn = r->conn;
	e->poll = poll;
	e->cls = cls;
	e->free_cls = free_cls;
	lx_buf_init(&e->out);
	e->last_sent = lx_now_ms();
	e->ends_at = e->last_sent + life_ms;
	/* the browser's EventSource waits this long before it reconnects */
	lx_buf_puts(&e->out, "retry: 3000\n\n");
	lx_reply_header(r, "Cache-Control", "no-store");
	lx_reply_header(r, "X-Accel-Buffering", "no");
	return lx_reply_stream(r, 200, "text/event-stream; charset=utf-8", MHD_SIZE_UNKNOWN, lx_events_read, e,
			       lx_events_free);
}
