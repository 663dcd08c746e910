/*
 * sqlite.c - the embedded SQLite driver behind db.h.
 *
 * One connection per thread, WAL journal, synchronous=NORMAL by default
 * (survives a killed process; LIANXIN_SYNC=full for power loss), a busy
 * timeout so writers queue on the write lock instead of failing, and a
 * per-connection statement cache keyed by SQL text.
 */
#include "db.h"
#include "lx.h"

#include <assert.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_STMT_CACHE 256

struct lx_stmt {
	sqlite3_stmt *st;
	uint64_t hash;       /* FNV-1a of the SQL text */
	char *sql;           /* our copy, compared on a hash match */
	lx_db *db;
};

struct lx_db {
	sqlite3 *h;
	lx_stmt cache[LX_STMT_CACHE];
	int ncache;
	bool in_tx;
	char err[256];
};

static int lx_sqlite_status(lx_db *db, int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
		return LX_OK;
	case SQLITE_ROW:
		return LX_ROW;
	case SQLITE_DONE:
		return LX_DONE;
	case SQLITE_CONSTRAINT:
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(db->h));
		return LX_CONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(db->h));
		return LX_BUSY;
	default:
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(db->h));
		return LX_ERR;
	}
}

static const char *lx_sqlite_path(const char *url)
{
	if (strncmp(url, "sqlite:", 7) == 0)
		return url + 7;
	return url;
}

int lx_db_open(const char *url, lx_db **out, char *err, size_t errsz)
{
	int rc = LX_ERR;
	lx_db *db = NULL;
	const char *path;

	if (!url || !*url) {
		snprintf(err, errsz, "no database given");
		goto cleanup;
	}
	if (strncmp(url, "postgres", 8) == 0) {
		snprintf(err, errsz, "this build has no PostgreSQL driver yet");
		goto cleanup;
	}
	path = lx_sqlite_path(url);
	db = lx_xcalloc(1, sizeof *db);
	if (sqlite3_open_v2(path, &db->h,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		snprintf(err, errsz, "cannot open %s: %s", path,
			 db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto cleanup;
	}
	sqlite3_busy_timeout(db->h, 10000);
	const char *sync = getenv("LIANXIN_SYNC");
	char pragmas[256];
	snprintf(pragmas, sizeof pragmas,
		 "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA foreign_keys=ON;"
		 "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-16000;",
		 sync && strcmp(sync, "full") == 0 ? "FULL" : "NORMAL");
	char *msg = NULL;
	if (sqlite3_exec(db->h, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "cannot set up %s: %s", path, msg ? msg : "?");
		sqlite3_free(msg);
		goto cleanup;
	}
	*out = db;
	db = NULL;
	rc = LX_OK;
cleanup:
	lx_db_close(db);
	return rc;
}

void lx_db_close(lx_db *db)
{
	if (!db)
		return;
	for (int i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->h);
	free(db);
}

const char *lx_db_kind(const lx_db *db)
{
	(void)db;
	return "sqlite";
}

const char *lx_db_errmsg(lx_db *db)
{
	return db->err;
}

int lx_db_exec(lx_db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_BUSY ? LX_BUSY : LX_ERR;
	}
	return LX_OK;
}

int lx_db_begin(lx_db *db, bool write)
{
	assert(!db->in_tx);
	int rc = lx_db_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc == LX_OK)
		db->in_tx = true;
	return rc;
}

int lx_db_commit(lx_db *db)
{
	assert(db->in_tx);
	int rc = lx_db_exec(db, "COMMIT");
	if (rc != LX_OK) {
		lx_db_rollback(db);
		return rc;
	}
	db->in_tx = false;
	return LX_OK;
}

void lx_db_rollback(lx_db *db)
{
	if (!db)
		return;
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = false;
}

static uint64_t lx_sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

lx_stmt *lx_db_prepare(lx_db *db, const char *sql)
{
	uint64_t hash = lx_sql_hash(sql);
	for (int i = 0; i < db->ncache; i++) {
		if (db->cache[i].hash == hash && strcmp(db->cache[i].sql, sql) == 0) {
			sqlite3_reset(db->cache[i].st);
			sqlite3_clear_bindings(db->cache[i].st);
			return &db->cache[i];
		}
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", sqlite3_errmsg(db->h));
		fprintf(stderr, "lianxin: prepare failed: %s\n  in: %s\n", db->err, sql);
		return NULL;
	}
	if (db->ncache == LX_STMT_CACHE) {
		/* evict the last slot; the cache is sized well above the SQL we have */
		sqlite3_finalize(db->cache[LX_STMT_CACHE - 1].st);
		free(db->cache[LX_STMT_CACHE - 1].sql);
		db->ncache--;
	}
	lx_stmt *s = &db->cache[db->ncache++];
	s->st = st;
	s->hash = hash;
	s->sql = lx_xstrdup(sql);
	s->db = db;
	return s;
}

void lx_stmt_bind_int(lx_stmt *st, int i, int64_t v)
{
	sqlite3_bind_int64(st->st, i, v);
}

void lx_stmt_bind_double(lx_stmt *st, int i, double v)
{
	sqlite3_bind_double(st->st, i, v);
}

void lx_stmt_bind_text(lx_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, i);
}

void lx_stmt_bind_null(lx_stmt *st, int i)
{
	sqlite3_bind_null(st->st, i);
}

int lx_stmt_step(lx_stmt *st)
{
	int rc = sqlite3_step(st->st);
	return lx_sqlite_status(st->db, rc);
}

bool lx_stmt_isnull(lx_stmt *st, int col)
{
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

int64_t lx_stmt_int(lx_stmt *st, int col)
{
	return sqlite3_column_int64(st->st, col);
}

double lx_stmt_double(lx_stmt *st, int col)
{
	return sqlite3_column_double(st->st, col);
}

const char *lx_stmt_text(lx_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st->st, col);
}

char *lx_stmt_dup(lx_stmt *st, int col)
{
	const char *t = lx_stmt_text(st, col);
	return t ? lx_xstrdup(t) : NULL;
}

void lx_stmt_done(lx_stmt *st)
{
	if (st)
		sqlite3_reset(st->st);
}

int64_t lx_db_changes(lx_db *db)
{
	return sqlite3_changes64(db->h);
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

int lx_db_fts_index(lx_db *db, int64_t id, const char *terms)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO case_fts(rowid, terms) VALUES (?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_stmt_bind_text(st, 2, terms);
	int rc = lx_stmt_step(st) == LX_DONE ? LX_OK : LX_ERR;
	lx_stmt_done(st);
	return rc;
}

const char *lx_db_fts_condition(lx_db *db)
{
	(void)db;
	return "c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?12)";
}

/* ---- pool: one connection per thread ---- */

struct lx_pool {
	char *url;
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
	lx_db_close(probe);
	lx_pool *p = lx_xcalloc(1, sizeof *p);
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
	(void)p;
	return "sqlite";
}
