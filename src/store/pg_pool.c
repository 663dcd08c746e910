/*
 * pg_pool.c - the PostgreSQL driver's connections (pg_int.h): a pool per
 * database URL of at most LIANXIN_DB_POOL server connections, lent to a
 * handle for one statement or one transaction; a connection the server
 * closed is noticed when it is lent (one poll, no round trip) and replaced.
 */
#include "pg_int.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lx_pg_pools_mu = PTHREAD_MUTEX_INITIALIZER;
static lx_pg_pool *lx_pg_pools;

/* Quiet notices (CREATE ... IF NOT EXISTS, a server's last words): stderr
 * carries the access log. */
static void lx_pg_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/* Forgets everything prepared on c (after the server lost it). */
static void lx_pg_conn_forget(lx_pg_conn *c)
{
	for (int i = 0; i < c->nprep; i++) {
		free(c->prep[i].sql);
		free(c->prep[i].types);
	}
	c->nprep = 0;
}

static void lx_pg_conn_free(lx_pg_conn *c)
{
	if (!c)
		return;
	lx_pg_conn_forget(c);
	PQfinish(c->pq);
	free(c);
}

/* Opens a server connection to url. Returns it (caller owns it) or NULL
 * with the reason in err. */
static lx_pg_conn *lx_pg_connect(const char *url, char *err, size_t errsz)
{
	lx_pg_conn *c = lx_xcalloc(1, sizeof *c);
	/* Defaults first; the URL (expanded from dbname) overrides them. */
	const char *keys[] = {"connect_timeout", "application_name", "client_encoding", "dbname", NULL};
	const char *vals[] = {"5", "lianxin", "UTF8", url, NULL};
	c->pq = PQconnectdbParams(keys, vals, 1);
	if (!c->pq || PQstatus(c->pq) != CONNECTION_OK) {
		const char *m = c->pq ? PQerrorMessage(c->pq) : "out of memory";
		snprintf(err, errsz, "cannot connect to PostgreSQL: %s", m);
		char *nl = strchr(err, '\n');
		if (nl)
			*nl = '\0';
		lx_pg_conn_free(c);
		return NULL;
	}
	PQsetNoticeProcessor(c->pq, lx_pg_notice, NULL);
	/* Times are integer ms and text is UTF-8; nothing depends on the
	 * session zone, but keep casts and messages predictable. */
	PQclear(PQexec(c->pq, "SET TIME ZONE 'UTC'"));
	return c;
}

/* Returns true when c is usable. A server that went away (stopped,
 * restarted, killed the backend) leaves the socket readable: its last words
 * (a FATAL message), then the end of the stream. The input is consumed until
 * the socket is quiet, so libpq notices the end without a round trip (one
 * read returns the message, the next the end). */
static bool lx_pg_alive(lx_pg_conn *c)
{
	if (PQstatus(c->pq) != CONNECTION_OK || PQtransactionStatus(c->pq) != PQTRANS_IDLE)
		return false;
	struct pollfd pfd = {.fd = PQsocket(c->pq), .events = POLLIN};
	if (pfd.fd < 0)
		return false;
	for (int i = 0; i < 8 && poll(&pfd, 1, 0) > 0; i++) {
		if (!PQconsumeInput(c->pq))
			return false;
		PGnotify *n;
		while ((n = PQnotifies(c->pq)) != NULL)
			PQfreemem(n);
	}
	return PQstatus(c->pq) == CONNECTION_OK;
}

/* The pool size: LIANXIN_DB_POOL, else 2 x cores + 2, at least 4. */
static int lx_pg_pool_size(void)
{
	const char *env = getenv("LIANXIN_DB_POOL");
	if (env && *env) {
		long n = strtol(env, NULL, 10);
		if (n >= 1 && n <= 1000)
			return (int)n;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int n = cores > 0 ? (int)cores * 2 + 2 : 4;
	return n < 4 ? 4 : n;
}

/* Returns the pool of url, made on first use, with one more reference. */
lx_pg_pool *lx_pg_pool_ref(const char *url)
{
	pthread_mutex_lock(&lx_pg_pools_mu);
	lx_pg_pool *p = lx_pg_pools;
	while (p && strcmp(p->url, url) != 0)
		p = p->next;
	if (!p) {
		p = lx_xcalloc(1, sizeof *p);
		p->url = lx_xstrdup(url);
		p->max = lx_pg_pool_size();
		pthread_mutex_init(&p->mu, NULL);
		pthread_cond_init(&p->cv, NULL);
		p->next = lx_pg_pools;
		lx_pg_pools = p;
	}
	p->refs++;
	pthread_mutex_unlock(&lx_pg_pools_mu);
	return p;
}

/* Drops a reference; the last one closes the pool's connections. */
void lx_pg_pool_unref(lx_pg_pool *p)
{
	pthread_mutex_lock(&lx_pg_pools_mu);
	bool last = --p->refs == 0;
	if (last) {
		lx_pg_pool **pp = &lx_pg_pools;
		while (*pp != p)
			pp = &(*pp)->next;
		*pp = p->next;
	}
	pthread_mutex_unlock(&lx_pg_pools_mu);
	if (!last)
		return;
	while (p->idle) {
		lx_pg_conn *c = p->idle;
		p->idle = c->next;
		lx_pg_conn_free(c);
	}
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p->url);
	free(p);
}

/* Lends db a usable connection (db->c). Returns LX_OK, or LX_BUSY when the
 * database cannot be reached or every connection stayed lent for
 * LX_PG_WAIT_S seconds. */
int lx_pg_borrow(lx_pg_db *db)
{
	lx_pg_pool *p = db->pool;
	lx_pg_conn *c = NULL;
	struct timespec until;
	assert(!db->c);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += LX_PG_WAIT_S;
	pthread_mutex_lock(&p->mu);
	while (!p->idle && p->open >= p->max) {
		if (pthread_cond_timedwait(&p->cv, &p->mu, &until) == ETIMEDOUT && !p->idle &&
		    p->open >= p->max) {
			pthread_mutex_unlock(&p->mu);
			snprintf(db->err, sizeof db->err, "all %d database connections are busy", p->max);
			return LX_BUSY;
		}
	}
	if (p->idle) {
		c = p->idle;
		p->idle = c->next;
	} else {
		p->open++; /* ours: being opened */
	}
	pthread_mutex_unlock(&p->mu);
	if (c && !lx_pg_alive(c)) {
		/* the server closed it (a restart, an idle timeout): a new one */
		fprintf(stderr, "lianxin: PostgreSQL connection lost; reconnecting\n");
		lx_pg_conn_free(c);
		c = NULL;
	}
	if (!c)
		c = lx_pg_connect(p->url, db->err, sizeof db->err);
	if (!c) {
		pthread_mutex_lock(&p->mu);
		p->open--;
		pthread_cond_signal(&p->cv);
		pthread_mutex_unlock(&p->mu);
		return LX_BUSY;
	}
	c->next = NULL;
	db->c = c;
	return LX_OK;
}

/* Gives db's connection back to the pool; a broken one is closed instead. */
void lx_pg_giveback(lx_pg_db *db)
{
	lx_pg_conn *c = db->c;
	lx_pg_pool *p = db->pool;
	if (!c)
		return;
	db->c = NULL;
	db->in_tx = false;
	if (PQstatus(c->pq) == CONNECTION_OK && PQtransactionStatus(c->pq) != PQTRANS_IDLE)
		PQclear(PQexec(c->pq, "ROLLBACK"));
	bool keep = PQstatus(c->pq) == CONNECTION_OK && PQtransactionStatus(c->pq) == PQTRANS_IDLE;
	pthread_mutex_lock(&p->mu);
	if (keep) {
		c->next = p->idle;
		p->idle = c;
	} else {
		p->open--;
	}
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	if (!keep)
		lx_pg_conn_free(c);
}
