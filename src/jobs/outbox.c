/*
 * outbox.c - the delivery thread (outbox.h). A pass that found work runs
 * again at once; an idle one waits poll_ms. The node's name in the lease is
 * host:pid:random, so a restarted process never takes its old leases for
 * its own.
 */
#include "outbox.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct lx_outbox_worker {
	lx_pool *pool;
	lx_deliver_conf conf;
	int poll_ms;
	char owner[96];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

static void lx_wait_ms(lx_outbox_worker *w, int ms)
{
	struct timespec ts;
	lx_deadline_in_ms(&ts, ms);
	pthread_mutex_lock(&w->mu);
	if (!w->stop)
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	pthread_mutex_unlock(&w->mu);
}

static bool lx_stopping(lx_outbox_worker *w)
{
	pthread_mutex_lock(&w->mu);
	bool s = w->stop;
	pthread_mutex_unlock(&w->mu);
	return s;
}

static void *lx_outbox_main(void *arg)
{
	lx_outbox_worker *w = arg;
	bool failing = false; /* log an outage of the store once, and its end */
	while (!lx_stopping(w)) {
		lx_db *db = lx_pool_conn(w->pool);
		int n = db ? lx_deliver_once(db, &w->conf, w->owner, lx_now_ms()) : -1;
		if (n < 0 && !failing)
			fprintf(stderr, "job=outbox error=\"%s\" (retrying)\n", db ? lx_db_errmsg(db) : "no connection");
		else if (n >= 0 && failing)
			fprintf(stderr, "job=outbox recovered\n");
		failing = n < 0;
		if (n <= 0)
			lx_wait_ms(w, w->poll_ms);
	}
	return NULL;
}

lx_outbox_worker *lx_outbox_start(lx_pool *pool, const lx_deliver_conf *conf, int poll_ms)
{
	lx_outbox_worker *w = lx_xcalloc(1, sizeof *w);
	w->pool = pool;
	w->conf = *conf;
	w->poll_ms = poll_ms > 0 ? poll_ms : 100;
	char host[64] = "node";
	gethostname(host, sizeof host - 1);
	snprintf(w->owner, sizeof w->owner, "%s:%ld:%08x", host, (long)getpid(), randombytes_random());
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, lx_outbox_main, w) != 0) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
		free(w);
		return NULL;
	}
	return w;
}

void lx_outbox_stop(lx_outbox_worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
