/*
 * db.c - the public db.h functions: choose a driver by URL, dispatch each
 * call through its table, and the per-thread connection pool.
 */
#include "driver.h"
#include "lx.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Returns the driver for url, or NULL when this build has none for it. */
static const struct lx_db_driver *lx_driver_for(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
#ifdef LX_HAVE_PG
		return &lx_pg_driver;
#else
		return NULL;
#endif
	}
	return &lx_sqlite_driver;
}

int lx_db_open(const char *url, lx_db **out, char *err, size_t errsz)
{
	if (!url || !*url) {
		snprintf(err, errsz, "no database given");
		return LX_ERR;
	}
	const struct lx_db_driver *d = lx_driver_for(url);
	if (!d) {
		snprintf(err, errsz, "this build has no driver for %.40s", url);
		return LX_ERR;
	}
	return d->open(url, out, err, errsz);
}

void lx_db_close(lx_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->npending; i++)
		free(db->pending[i].terms);
	free(db->pending);
	free(db->roll);
	db->drv->close(db);
}

const char *lx_db_kind(const lx_db *db) { return db->drv->kind; }
const char *lx_db_errmsg(lx_db *db) { return db->drv->errmsg(db); }
int lx_db_exec(lx_db *db, const char *sql) { return db->drv->exec(db, sql); }
int lx_db_begin(lx_db *db, bool write) { return db->drv->begin(db, write); }
int lx_db_commit(lx_db *db) { return db->drv->commit(db); }

void lx_db_rollback(lx_db *db)
{
	if (db)
		db->drv->rollback(db);
}

void lx_db_read_begin(lx_db *db)
{
	if (db->drv->read_tx && db->read_depth++ == 0)
		(void)db->drv->begin(db, false);
}

void lx_db_read_end(lx_db *db)
{
	assert(!db->drv->read_tx || db->read_depth > 0);
	if (db->drv->read_tx && --db->read_depth == 0)
		db->drv->rollback(db);
}

lx_stmt *lx_db_prepare(lx_db *db, const char *sql) { return db->drv->prepare(db, sql); }
void lx_stmt_bind_int(lx_stmt *st, int i, int64_t v) { st->drv->bind_int(st, i, v); }
void lx_stmt_bind_double(lx_stmt *st, int i, double v) { st->drv->bind_double(st, i, v); }
void lx_stmt_bind_text(lx_stmt *st, int i, const char *s) { st->drv->bind_text(st, i, s); }
void lx_stmt_bind_blob(lx_stmt *st, int i, const void *p, size_t n) { st->drv->bind_blob(st, i, p, n); }
void lx_stmt_bind_null(lx_stmt *st, int i) { st->drv->bind_null(st, i); }
int lx_stmt_step(lx_stmt *st) { return st->drv->step(st); }
bool lx_stmt_isnull(lx_stmt *st, int col) { return st->drv->isnull(st, col); }
int64_t lx_stmt_int(lx_stmt *st, int col) { return st->drv->col_int(st, col); }
double lx_stmt_double(lx_stmt *st, int col) { return st->drv->col_double(st, col); }
const char *lx_stmt_text(lx_stmt *st, int col) { return st->drv->col_text(st, col); }
const void *lx_stmt_blob(lx_stmt *st, int col, size_t *n) { return st->drv->col_blob(st, col, n); }
int lx_stmt_columns(lx_stmt *st) { return st->drv->columns(st); }
const char *lx_stmt_column_name(lx_stmt *st, int col) { return st->drv->column_name(st, col); }
int lx_stmt_column_kind(lx_stmt *st, int col) { return st->drv->column_kind(st, col); }

void lx_stmt_done(lx_stmt *st)
{
	if (st)
		st->drv->done(st);
}

int64_t lx_db_changes(lx_db *db) { return db->drv->changes(db); }
int lx_db_fts_index(lx_db *db, int64_t id, const char *terms)
{
	if (!db->in_batch)
		return db->drv->fts_index(db, id, terms);
	if (db->npending == db->cappending) {
		db->cappending = db->cappending ? db->cappending * 2 : 64;
		db->pending = lx_xrealloc(db->pending, db->cappending * sizeof *db->pending);
	}
	db->pending[db->npending].id = id;
	db->pending[db->npending].terms = lx_xstrdup(terms);
	db->npending++;
	return LX_OK;
}

/* Drops deferred terms from index `from` on (a job that failed). */
static void lx_fts_truncate(lx_db *db, size_t from)
{
	while (db->npending > from)
		free(db->pending[--db->npending].terms);
}
const char *lx_db_fts_plan(lx_db *db, const char **order_by)
{
	return db->drv->fts_plan(db, order_by);
}

char *lx_stmt_dup(lx_stmt *st, int col)
{
	const char *t = lx_stmt_text(st, col);
	return t ? lx_xstrdup(t) : NULL;
}

int lx_db_query_int(lx_db *db, const char *sql, int64_t *out)
{
	lx_stmt *st = lx_db_prepare(db, sql);
	if (!st)
		return LX_ERR;
	return lx_stmt_one_int(st, out);
}

int lx_stmt_one_int(lx_stmt *st, int64_t *out)
{
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		*out = lx_stmt_int(st, 0);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

int lx_stmt_one_text(lx_stmt *st, char **out)
{
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		*out = lx_stmt_dup(st, 0);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

/* ---- pool: one connection per thread ---- */

/* One queued write of lx_pool_write. */
struct lx_write_job {
	lx_write_fn fn;
	void *arg;
	int rc;
	bool done;
	struct lx_write_job *next;
};

#define LX_BATCH_MAX 256

struct lx_pool {
	char *url;
	const char *kind;
	bool group_commit;
	/* the writer thread (group commit) */
	pthread_mutex_t wmu;
	pthread_cond_t wcv;   /* jobs queued / stop */
	pthread_cond_t dcv;   /* jobs done */
	struct lx_write_job *head, *tail;
	bool wstarted, wstop;
	pthread_t writer;
	lx_db *wdb;
	/* the checkpointer (SQLite): copies the WAL into the database beside
	 * the writer, so that commits never wait on it */
	pthread_t ckpt;
	pthread_cond_t ckcv;  /* stop (its own: wcv's signals are the writer's) */
	lx_db *cdb;
	pthread_key_t key;
	pthread_mutex_t mu;
	lx_db **all;
	size_t nall, capall;
};

int lx_pool_new(const char *url, lx_pool **out, char *err, size_t errsz)
{
	lx_db *probe = NULL;
	int rc = lx_db_open(url, &probe, err, errsz);
	if (rc != LX_OK)
		return rc;
	lx_pool *p = lx_xcalloc(1, sizeof *p);
	p->kind = lx_db_kind(probe);
	p->group_commit = probe->drv->group_commit;
	lx_db_close(probe);
	pthread_mutex_init(&p->wmu, NULL);
	pthread_cond_init(&p->wcv, NULL);
	pthread_cond_init(&p->dcv, NULL);
	pthread_cond_init(&p->ckcv, NULL);
	p->url = lx_xstrdup(url);
	pthread_key_create(&p->key, NULL);
	pthread_mutex_init(&p->mu, NULL);
	*out = p;
	return LX_OK;
}

lx_db *lx_pool_conn(lx_pool *p)
{
	lx_db *db = pthread_getspecific(p->key);
	if (db) {
		/* postgresql: a connection lost since its last use is reset here */
		if (db->drv->check && db->drv->check(db) != LX_OK) {
			fprintf(stderr, "lianxin: database unavailable: %s\n", lx_db_errmsg(db));
			return NULL;
		}
		return db;
	}
	char err[256];
	if (lx_db_open(p->url, &db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin: %s\n", err);
		return NULL;
	}
	pthread_setspecific(p->key, db);
	pthread_mutex_lock(&p->mu);
	if (p->nall == p->capall) {
		p->capall = p->capall ? p->capall * 2 : 16;
		p->all = lx_xrealloc(p->all, p->capall * sizeof *p->all);
	}
	p->all[p->nall++] = db;
	pthread_mutex_unlock(&p->mu);
	return db;
}

static void lx_writer_stop(lx_pool *p);

void lx_pool_free(lx_pool *p)
{
	if (!p)
		return;
	lx_writer_stop(p);
	pthread_mutex_destroy(&p->wmu);
	pthread_cond_destroy(&p->wcv);
	pthread_cond_destroy(&p->dcv);
	pthread_cond_destroy(&p->ckcv);
	for (size_t i = 0; i < p->nall; i++)
		lx_db_close(p->all[i]);
	free(p->all);
	pthread_key_delete(p->key);
	pthread_mutex_destroy(&p->mu);
	free(p->url);
	free(p);
}

const char *lx_pool_kind(const lx_pool *p)
{
	return p->kind;
}

/* ---- group commit ---- */

/* Runs one batch of jobs in a single transaction. */
static void lx_writer_batch(lx_pool *p, struct lx_write_job *jobs)
{
	lx_db *db = p->wdb;
	int rc = lx_db_begin(db, true);
	db->in_batch = true;
	for (struct lx_write_job *j = jobs; j; j = j->next) {
		if (rc != LX_OK) {
			j->rc = rc;
			continue;
		}
		if (lx_db_exec(db, "SAVEPOINT lx_job") != LX_OK) {
			j->rc = LX_ERR;
			continue;
		}
		size_t mark = db->npending, rmark = db->nroll;
		j->rc = j->fn(db, j->arg);
		if (j->rc == LX_OK) {
			lx_db_exec(db, "RELEASE lx_job");
		} else {
			lx_db_exec(db, "ROLLBACK TO lx_job; RELEASE lx_job");
			lx_fts_truncate(db, mark);
			db->nroll = rmark;
		}
	}
	db->in_batch = false;
	/* the batch's roll-up deltas, summed: the intakes of one street and
	 * day move the same rows, which are now written once per batch */
	if (rc == LX_OK && lx_rollup_flush(db) != LX_OK) {
		rc = LX_ERR;
		lx_db_rollback(db);
		for (struct lx_write_job *j = jobs; j; j = j->next)
			if (j->rc == LX_OK)
				j->rc = LX_ERR;
	}
	db->nroll = 0;
	/* the batch's search terms, outside any savepoint */
	for (size_t i = 0; rc == LX_OK && i < db->npending; i++) {
		if (db->drv->fts_index(db, db->pending[i].id, db->pending[i].terms) != LX_OK) {
			rc = LX_ERR;
			lx_db_rollback(db);
			for (struct lx_write_job *j = jobs; j; j = j->next)
				if (j->rc == LX_OK)
					j->rc = LX_ERR;
		}
	}
	lx_fts_truncate(db, 0);
	if (rc == LX_OK) {
		int crc = lx_db_commit(db);
		if (crc != LX_OK) {
			fprintf(stderr, "lianxin: group commit failed: %s\n", lx_db_errmsg(db));
			for (struct lx_write_job *j = jobs; j; j = j->next)
				if (j->rc == LX_OK)
					j->rc = crc;
		}
	}
}

/* The one writer touches pages all over the case tables and indexes; a
 * page cache of its own the size of the read connections' (16 MB) sent it
 * to the kernel (pread) for most B-tree pages under load. LIANXIN_WRITER_CACHE_MB
 * sets it (default 256). */
static int lx_writer_tune(lx_db *db)
{
	if (strcmp(lx_db_kind(db), "sqlite") != 0)
		return LX_OK;
	const char *env = getenv("LIANXIN_WRITER_CACHE_MB");
	long mb = env && *env ? strtol(env, NULL, 10) : 256;
	if (mb < 2 || mb > 65536)
		mb = 256;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA cache_size=-%ld; PRAGMA wal_autocheckpoint=0", mb * 1024);
	return lx_db_exec(db, sql);
}

/* The checkpointer's loop. A commit that crosses SQLite's automatic
 * checkpoint (1000 WAL pages) used to copy the WAL into the database and
 * fsync it in the writer's own thread, while every intake of the next
 * batch waited (the profile showed the CPUs idle). The writer's
 * connection has automatic checkpoints off; this thread runs a PASSIVE
 * checkpoint (never blocks the writer or readers) five times a second. */
static void *lx_ckpt_main(void *arg)
{
	lx_pool *p = arg;
	pthread_setname_np(pthread_self(), "lx-checkpoint");
	pthread_mutex_lock(&p->wmu);
	while (!p->wstop) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->ckcv, &p->wmu, &until);
		if (p->wstop)
			break;
		pthread_mutex_unlock(&p->wmu);
		if (lx_db_exec(p->cdb, "PRAGMA wal_checkpoint(PASSIVE)") != LX_OK)
			fprintf(stderr, "lianxin: checkpoint: %s\n", lx_db_errmsg(p->cdb));
		pthread_mutex_lock(&p->wmu);
	}
	pthread_mutex_unlock(&p->wmu);
	return NULL;
}

static void *lx_writer_main(void *arg)
{
	lx_pool *p = arg;
	pthread_setname_np(pthread_self(), "lx-writer"); /* for top and perf */
	pthread_mutex_lock(&p->wmu);
	for (;;) {
		while (!p->head && !p->wstop)
			pthread_cond_wait(&p->wcv, &p->wmu);
		if (!p->head && p->wstop)
			break;
		/* take up to LX_BATCH_MAX jobs */
		struct lx_write_job *batch = p->head, *last = p->head;
		int n = 1;
		while (last->next && n < LX_BATCH_MAX) {
			last = last->next;
			n++;
		}
		p->head = last->next;
		if (!p->head)
			p->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&p->wmu);
		lx_writer_batch(p, batch);
		pthread_mutex_lock(&p->wmu);
		for (struct lx_write_job *j = batch; j;) {
			struct lx_write_job *next = j->next;
			j->done = true; /* j may be gone once its owner sees this */
			j = next;
		}
		pthread_cond_broadcast(&p->dcv);
	}
	pthread_mutex_unlock(&p->wmu);
	return NULL;
}

static void lx_writer_stop(lx_pool *p)
{
	pthread_mutex_lock(&p->wmu);
	bool started = p->wstarted;
	p->wstop = true;
	pthread_cond_broadcast(&p->wcv);
	pthread_cond_broadcast(&p->ckcv);
	pthread_mutex_unlock(&p->wmu);
	if (started)
		pthread_join(p->writer, NULL);
	if (p->cdb)
		pthread_join(p->ckpt, NULL);
	lx_db_close(p->cdb);
	p->cdb = NULL;
	lx_db_close(p->wdb);
	p->wdb = NULL;
}

/* Runs fn directly in its own transaction on the caller's connection. */
static int lx_write_direct(lx_pool *p, lx_write_fn fn, void *arg)
{
	lx_db *db = lx_pool_conn(p);
	if (!db)
		return LX_BUSY;
	int rc = lx_db_begin(db, true);
	if (rc != LX_OK)
		return rc;
	rc = fn(db, arg);
	if (rc == LX_OK)
		rc = lx_db_commit(db);
	else
		lx_db_rollback(db);
	return rc;
}

int lx_pool_write(lx_pool *p, lx_write_fn fn, void *arg)
{
	if (!p->group_commit)
		return lx_write_direct(p, fn, arg);
	struct lx_write_job job = {.fn = fn, .arg = arg};
	pthread_mutex_lock(&p->wmu);
	if (p->wstop) {
		pthread_mutex_unlock(&p->wmu);
		return LX_BUSY;
	}
	if (!p->wstarted) {
		char err[256];
		if (lx_db_open(p->url, &p->wdb, err, sizeof err) != LX_OK ||
		    lx_writer_tune(p->wdb) != LX_OK ||
		    pthread_create(&p->writer, NULL, lx_writer_main, p) != 0) {
			fprintf(stderr, "lianxin: cannot start the writer: %s\n", err);
			lx_db_close(p->wdb);
			p->wdb = NULL;
			pthread_mutex_unlock(&p->wmu);
			return LX_ERR;
		}
		p->wstarted = true;
		/* without a checkpointer the writer checkpoints itself again */
		if (lx_db_open(p->url, &p->cdb, err, sizeof err) != LX_OK ||
		    pthread_create(&p->ckpt, NULL, lx_ckpt_main, p) != 0) {
			fprintf(stderr, "lianxin: no checkpointer (%s); the writer checkpoints\n", err);
			lx_db_close(p->cdb);
			p->cdb = NULL;
			lx_db_exec(p->wdb, "PRAGMA wal_autocheckpoint=1000");
		}
	}
	if (p->tail)
		p->tail->next = &job;
	else
		p->head = &job;
	p->tail = &job;
	pthread_cond_signal(&p->wcv);
	while (!job.done)
		pthread_cond_wait(&p->dcv, &p->wmu);
	pthread_mutex_unlock(&p->wmu);
	return job.rc;
}
