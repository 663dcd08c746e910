/*
 * sweeper.c - the timed work of every node, each tick: the press-9 calls
 * whose step ran out move on (flow/onekey.c), the field's two-day alerts
 * are raised and the daily "I'm fine" presses missed yesterday followed
 * up (field/fine.c), and the clocks' sweep fires the machines' overdue actions on
 * cases whose deadline passed, warns of deadlines an hour off and resumes
 * suspensions whose end came (flow/: lx_flow_sweep). Each pass is one write transaction per batch;
 * every change goes through the engine's versioned update, so a second
 * node's pass over the same case is a no-op and running it on every node
 * marks each case once.
 */
#include "sweeper.h"
#include "field.h"
#include "flow.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct lx_sweeper {
	lx_app *app;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
};

/* One pass of a sweep in batches of `batch`, each its own write
 * transaction, until a batch comes back short: the count, or -1. A batch
 * another node got to first (LX_NOTFOUND) ends the pass: its pass does the
 * rest. */
static int lx_sweep_batches(lx_db *db, lx_ms now, int tz_offset_min, int batch,
			    int (*pass)(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n))
{
	int total = 0;
	for (;;) {
		int n = 0;
		if (lx_db_begin(db, true) != LX_OK)
			return -1;
		lx_flow_actor sys = {0, 0, "/", true};
		lx_flow_ctx *x = lx_flow_ctx_new(db, &sys, now, tz_offset_min);
		int rc = pass(x, db, now, tz_offset_min, batch, &n);
		lx_flow_ctx_free(x);
		if (rc == LX_OK)
			rc = lx_db_commit(db);
		else
			lx_db_rollback(db);
		if (rc == LX_NOTFOUND)
			return total;
		if (rc != LX_OK)
			return -1;
		total += n;
		if (n < batch)
			return total;
	}
}

/* The press-9 ladders: calls whose step ran out move on (flow/onekey.c). */
static int lx_pass_onekey(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	(void)db, (void)now, (void)tz;
	return lx_onekey_sweep(x, limit, n);
}

/* The field's alerts: a person of a daily plan nobody saw for two days
 * (field/visits.c). */
static int lx_pass_alerts(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	return lx_visits_alert_sweep(x, db, now, tz, limit, n);
}

/* The daily "I'm fine" presses yesterday missed (field/fine.c). */
static int lx_pass_fine(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	return lx_fine_sweep(x, db, now, tz, limit, n);
}

/* The deadlines an hour off (flow/sweep.c), apart from the clocks' own
 * transaction: they take no case's row lock together. */
static int lx_pass_warnings(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	(void)db, (void)now, (void)tz;
	return lx_flow_warn_sweep(x, limit, n);
}

/* The clocks: the engine's sweep (overdue, suspensions ending). */
static int lx_pass_clocks(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	(void)db, (void)now, (void)tz;
	return lx_flow_sweep(x, limit, n);
}

int lx_sweep_once(lx_db *db, lx_ms now, int tz_offset_min)
{
	/* a call waiting for somebody comes before every clock */
	int moved = lx_sweep_batches(db, now, tz_offset_min, 50, lx_pass_onekey);
	int alerts = moved < 0 ? -1 : lx_sweep_batches(db, now, tz_offset_min, 50, lx_pass_alerts);
	int missed = alerts < 0 ? -1 : lx_sweep_batches(db, now, tz_offset_min, 50, lx_pass_fine);
	int marked = missed < 0 ? -1 : lx_sweep_batches(db, now, tz_offset_min, 200, lx_pass_clocks);
	int warned = marked < 0 ? -1 : lx_sweep_batches(db, now, tz_offset_min, 200, lx_pass_warnings);
	return warned < 0 ? -1 : moved + alerts + missed + marked + warned;
}

static void *lx_sweeper_main(void *arg)
{
	lx_sweeper *s = arg;
	lx_db *db = lx_pool_conn(s->app->pool);
	bool failing = false; /* postgresql: log an outage once, and its end */
	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		pthread_mutex_unlock(&s->mu);
		if (!db)
			db = lx_pool_conn(s->app->pool);
		if (db) {
			int n = lx_sweep_once(db, lx_now_ms(), s->app->tz_offset_min);
			if (n > 0)
				fprintf(stderr, "job=sweeper marked=%d\n", n);
			if (n < 0 && !failing)
				fprintf(stderr, "job=sweeper error=\"%s\" (retrying every pass)\n",
					lx_db_errmsg(db));
			else if (n >= 0 && failing)
				fprintf(stderr, "job=sweeper recovered\n");
			failing = n < 0;
		}
		lx_trail_flush(s->app->pool);
		pthread_mutex_lock(&s->mu);
		struct timespec ts;
		lx_deadline_in_ms(&ts, s->app->sweep_interval_ms);
		if (!s->stop)
			pthread_cond_timedwait(&s->cv, &s->mu, &ts);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

lx_sweeper *lx_sweeper_start(lx_app *app)
{
	lx_sweeper *s = lx_xcalloc(1, sizeof *s);
	s->app = app;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, lx_sweeper_main, s) != 0) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return NULL;
	}
	return s;
}

void lx_sweeper_stop(lx_sweeper *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}
