/*
 * sqlite.c - the embedded SQLite driver behind db.h.
 *
 * One connection per thread, WAL journal, synchronous=NORMAL by default
 * (survives a killed process; LIANXIN_SYNC=full for power loss), a busy
 * timeout so writers queue on the write lock instead of failing, and a
 * per-connection statement cache keyed by SQL text.
 */
#include "driver.h"
#include "lx.h"

#include <assert.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_STMT_CACHE 256

typedef struct lx_sqlite_db lx_sqlite_db;

typedef struct lx_sqlite_stmt {
	struct lx_stmt base;
	sqlite3_stmt *st;
	uint64_t hash;       /* FNV-1a of the SQL text */
	char *sql;           /* our copy, compared on a hash match */
	const char *seen;    /* the caller's pointer at the last hit (a hint) */
	lx_sqlite_db *db;
} lx_sqlite_stmt;

struct lx_sqlite_db {
	struct lx_db base;
	sqlite3 *h;
	lx_sqlite_stmt cache[LX_STMT_CACHE];
	int ncache;
	bool in_tx;
	bool holds_writer;   /* this connection holds lx_sqlite_writer */
	char err[256];
};

/* SQLite has one writer at a time. Threads of this process queue for it
 * here, in FIFO-ish order and without sleeping, instead of in SQLite's busy
 * handler, which backs off with sleeps of up to 100 ms under contention.
 * Other processes still meet the busy timeout. */
static pthread_mutex_t lx_sqlite_writer = PTHREAD_MUTEX_INITIALIZER;

#define DB(x) ((lx_sqlite_db *)(x))
#define ST(x) ((lx_sqlite_stmt *)(x))

static void sq_close(lx_db *base);
static void sq_rollback(lx_db *base);

static int lx_sqlite_status(lx_db *base, int rc)
{
	lx_sqlite_db *db = DB(base);
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

/* Process-wide settings, before SQLite initialises: no memory statistics
 * (they take one global mutex around every allocation SQLite makes, seen
 * as lock waits between the HTTP threads under load). */
static void lx_sqlite_configure(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int sq_open(const char *url, lx_db **out, char *err, size_t errsz)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int rc = LX_ERR;
	lx_sqlite_db *db = NULL;
	const char *path;

	pthread_once(&once, lx_sqlite_configure);

	if (!url || !*url) {
		snprintf(err, errsz, "no database given");
		goto cleanup;
	}
	path = lx_sqlite_path(url);
	db = lx_xcalloc(1, sizeof *db);
	db->base.drv = &lx_sqlite_driver;
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
	*out = &db->base;
	db = NULL;
	rc = LX_OK;
cleanup:
	if (db)
		sq_close(&db->base);
	return rc;
}

static void sq_close(lx_db *base)
{
	lx_sqlite_db *db = DB(base);
	for (int i = 0; i < db->ncache; i++) {
		sqlite3_finalize(db->cache[i].st);
		free(db->cache[i].sql);
	}
	sqlite3_close(db->h);
	free(db);
}

static const char *sq_errmsg(lx_db *base)
{
	return DB(base)->err;
}

static int sq_exec(lx_db *base, const char *sql)
{
	lx_sqlite_db *db = DB(base);
	char *msg = NULL;
	int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		snprintf(db->err, sizeof db->err, "%s", msg ? msg : sqlite3_errmsg(db->h));
		sqlite3_free(msg);
		return (rc & 0xff) == SQLITE_BUSY ? LX_BUSY : LX_ERR;
	}
	return LX_OK;
}

static int sq_begin(lx_db *base, bool write)
{
	lx_sqlite_db *db = DB(base);
	assert(!db->in_tx);
	if (write) {
		pthread_mutex_lock(&lx_sqlite_writer);
		db->holds_writer = true;
	}
	int rc = sq_exec(base, write ? "BEGIN IMMEDIATE" : "BEGIN");
	if (rc == LX_OK) {
		db->in_tx = true;
	} else if (db->holds_writer) {
		db->holds_writer = false;
		pthread_mutex_unlock(&lx_sqlite_writer);
	}
	return rc;
}

static int sq_commit(lx_db *base)
{
	lx_sqlite_db *db = DB(base);
	assert(db->in_tx);
	int rc = sq_exec(base, "COMMIT");
	if (rc != LX_OK) {
		sq_rollback(base);
		return rc;
	}
	db->in_tx = false;
	if (db->holds_writer) {
		db->holds_writer = false;
		pthread_mutex_unlock(&lx_sqlite_writer);
	}
	return LX_OK;
}

static void sq_rollback(lx_db *base)
{
	lx_sqlite_db *db = DB(base);
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
	db->in_tx = false;
	if (db->holds_writer) {
		db->holds_writer = false;
		pthread_mutex_unlock(&lx_sqlite_writer);
	}
}

static uint64_t lx_sql_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static lx_stmt *sq_prepare(lx_db *base, const char *sql)
{
	lx_sqlite_db *db = DB(base);
	lx_sqlite_stmt *hit = NULL;
	/* Most SQL is a string literal, passed at the same address each time:
	 * look for that address first (the text is still compared, so a reused
	 * buffer with other SQL cannot match). Hashing every text cost 8% of
	 * `lianxin gen`. */
	for (int i = 0; i < db->ncache && !hit; i++)
		if (db->cache[i].seen == sql && strcmp(db->cache[i].sql, sql) == 0)
			hit = &db->cache[i];
	uint64_t hash = 0;
	if (!hit) {
		hash = lx_sql_hash(sql);
		for (int i = 0; i < db->ncache && !hit; i++)
			if (db->cache[i].hash == hash && strcmp(db->cache[i].sql, sql) == 0)
				hit = &db->cache[i];
	}
	if (hit) {
		hit->seen = sql;
		sqlite3_reset(hit->st);
		sqlite3_clear_bindings(hit->st);
		return &hit->base;
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
	lx_sqlite_stmt *s = &db->cache[db->ncache++];
	s->base.drv = &lx_sqlite_driver;
	s->st = st;
	s->hash = hash;
	s->sql = lx_xstrdup(sql);
	s->seen = sql;
	s->db = db;
	return &s->base;
}

static void sq_bind_int(lx_stmt *base, int i, int64_t v)
{
	lx_sqlite_stmt *st = ST(base);
	sqlite3_bind_int64(st->st, i, v);
}

static void sq_bind_double(lx_stmt *base, int i, double v)
{
	lx_sqlite_stmt *st = ST(base);
	sqlite3_bind_double(st->st, i, v);
}

static void sq_bind_text(lx_stmt *base, int i, const char *s)
{
	lx_sqlite_stmt *st = ST(base);
	if (s)
		sqlite3_bind_text(st->st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st->st, i);
}

static void sq_bind_blob(lx_stmt *base, int i, const void *p, size_t n)
{
	sqlite3_bind_blob64(ST(base)->st, i, n ? p : "", n, SQLITE_TRANSIENT);
}

static void sq_bind_null(lx_stmt *base, int i)
{
	lx_sqlite_stmt *st = ST(base);
	sqlite3_bind_null(st->st, i);
}

static int sq_step(lx_stmt *base)
{
	lx_sqlite_stmt *st = ST(base);
	int rc = sqlite3_step(st->st);
	return lx_sqlite_status(&st->db->base, rc);
}

static bool sq_isnull(lx_stmt *base, int col)
{
	lx_sqlite_stmt *st = ST(base);
	return sqlite3_column_type(st->st, col) == SQLITE_NULL;
}

static int64_t sq_col_int(lx_stmt *base, int col)
{
	lx_sqlite_stmt *st = ST(base);
	return sqlite3_column_int64(st->st, col);
}

static double sq_col_double(lx_stmt *base, int col)
{
	lx_sqlite_stmt *st = ST(base);
	return sqlite3_column_double(st->st, col);
}

static const char *sq_col_text(lx_stmt *base, int col)
{
	return (const char *)sqlite3_column_text(ST(base)->st, col);
}

static const void *sq_col_blob(lx_stmt *base, int col, size_t *n)
{
	const void *p = sqlite3_column_blob(ST(base)->st, col);
	*n = p ? (size_t)sqlite3_column_bytes(ST(base)->st, col) : 0;
	return p;
}

static int sq_columns(lx_stmt *base)
{
	return sqlite3_column_count(ST(base)->st);
}

static const char *sq_column_name(lx_stmt *base, int col)
{
	return sqlite3_column_name(ST(base)->st, col);
}

/* The declared type's affinity (the rules of SQLite's section 3.1); an
 * expression without one reads as the current value's type. */
static int sq_column_kind(lx_stmt *base, int col)
{
	const char *t = sqlite3_column_decltype(ST(base)->st, col);
	if (!t) {
		int v = sqlite3_column_type(ST(base)->st, col);
		return v == SQLITE_INTEGER ? LX_COL_INT : v == SQLITE_FLOAT ? LX_COL_DOUBLE : LX_COL_TEXT;
	}
	if (strcasestr(t, "INT"))
		return LX_COL_INT;
	if (strcasestr(t, "CHAR") || strcasestr(t, "CLOB") || strcasestr(t, "TEXT"))
		return LX_COL_TEXT;
	if (strcasestr(t, "REAL") || strcasestr(t, "FLOA") || strcasestr(t, "DOUB"))
		return LX_COL_DOUBLE;
	if (strcasestr(t, "BLOB"))
		return LX_COL_BLOB;
	return LX_COL_TEXT;
}

static void sq_done(lx_stmt *base)
{
	lx_sqlite_stmt *st = ST(base);
	sqlite3_reset(st->st);
}

static int64_t sq_changes(lx_db *base)
{
	lx_sqlite_db *db = DB(base);
	return sqlite3_changes64(db->h);
}

static int sq_fts_index(lx_db *base, int64_t id, const char *terms)
{
	lx_stmt *st = sq_prepare(base, "INSERT INTO case_fts(rowid, terms) VALUES (?, ?)");
	if (!st)
		return LX_ERR;
	sq_bind_int(st, 1, id);
	sq_bind_text(st, 2, terms);
	int rc = sq_step(st) == LX_DONE ? LX_OK : LX_ERR;
	sq_done(st);
	return rc;
}

static const char *sq_fts_plan(lx_db *db, const char **order_by)
{
	(void)db;
	/* CROSS JOIN keeps FTS5 outside: it yields matches in rowid order
	 * (descending under ORDER BY f.rowid DESC; the planner does not see
	 * that c.id would do) and stops at the LIMIT, where an IN (subquery)
	 * would collect every match first */
	*order_by = "f.rowid";
	return "case_fts f CROSS JOIN cases c WHERE c.id = f.rowid AND f.case_fts MATCH ?12 "
	       "AND f.rowid < ?11";
}

const struct lx_db_driver lx_sqlite_driver = {
	.kind = "sqlite",
	.group_commit = true,
	.open = sq_open,
	.close = sq_close,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.read_tx = true,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.prepare = sq_prepare,
	.bind_int = sq_bind_int,
	.bind_double = sq_bind_double,
	.bind_text = sq_bind_text,
	.bind_blob = sq_bind_blob,
	.bind_null = sq_bind_null,
	.step = sq_step,
	.isnull = sq_isnull,
	.col_int = sq_col_int,
	.col_double = sq_col_double,
	.col_text = sq_col_text,
	.col_blob = sq_col_blob,
	.columns = sq_columns,
	.column_name = sq_column_name,
	.column_kind = sq_column_kind,
	.done = sq_done,
	.changes = sq_changes,
	.fts_index = sq_fts_index,
	.fts_plan = sq_fts_plan,
};
