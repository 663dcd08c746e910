/*
 * db.c - the public db.h functions: choose a driver by URL, dispatch each
 * call through its table, and the per-thread connection pool.
 */
#include "driver.h"
#include "lx.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns the driver for url, or NULL when this build has none for it. */
static const struct lx_db_driver *lx_driver_for(const char *url)
{
	if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
#ifdef LX_HAVE_PG
		extern const struct lx_db_driver lx_pg_driver;
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
	if (db)
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

lx_stmt *lx_db_prepare(lx_db *db, const char *sql) { return db->drv->prepare(db, sql); }
void lx_stmt_bind_int(lx_stmt *st, int i, int64_t v) { st->drv->bind_int(st, i, v); }
void lx_stmt_bind_double(lx_stmt *st, int i, double v) { st->drv->bind_double(st, i, v); }
void lx_stmt_bind_text(lx_stmt *st, int i, const char *s) { st->drv->bind_text(st, i, s); }
void lx_stmt_bind_null(lx_stmt *st, int i) { st->drv->bind_null(st, i); }
int lx_stmt_step(lx_stmt *st) { return st->drv->step(st); }
bool lx_stmt_isnull(lx_stmt *st, int col) { return st->drv->isnull(st, col); }
int64_t lx_stmt_int(lx_stmt *st, int col) { return st->drv->col_int(st, col); }
double lx_stmt_double(lx_stmt *st, int col) { return st->drv->col_double(st, col); }
const char *lx_stmt_text(lx_stmt *st, int col) { return st->drv->col_text(st, col); }

void lx_stmt_done(lx_stmt *st)
{
	if (st)
		st->drv->done(st);
}

int64_t lx_db_changes(lx_db *db) { return db->drv->changes(db); }
int lx_db_fts_index(lx_db *db, int64_t id, const char *terms) { return db->drv->fts_index(db, id, terms); }
const char *lx_db_fts_condition(lx_db *db) { return db->drv->fts_condition(db); }

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

/* ---- pool: one connection per thread ---- */

struct lx_pool {
	char *url;
	const char *kind;
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
	lx_db_close(probe);
	p->url = lx_xstrdup(url);
	pthread_key_create(&p->key, NULL);
	pthread_mutex_init(&p->mu, NULL);
	*out = p;
	return LX_OK;
}

lx_db *lx_pool_conn(lx_pool *p)
{
	lx_db *db = pthread_getspecific(p->key);
	if (db)
		return db;
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

void lx_pool_free(lx_pool *p)
{
	if (!p)
		return;
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
