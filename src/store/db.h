/*
 * db.h - the one driver-neutral database interface of lianxin.
 *
 * SQL handed to this interface is portable: `?` placeholders (the PostgreSQL
 * driver rewrites them to $1..$n), INSERT ... RETURNING for new ids, integer
 * milliseconds for times, TEXT for strings. Only store/ includes this file.
 *
 * Connections are not shared between threads: each thread takes its own
 * from a pool (lx_pool_conn). A statement belongs to its connection and is
 * cached by SQL text, so preparing the same SQL twice is cheap.
 */
#ifndef LX_DB_H
#define LX_DB_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

typedef struct lx_db lx_db;
typedef struct lx_stmt lx_stmt;
typedef struct lx_pool lx_pool;

/* lx_stmt_step results (besides negative LX_ status codes). */
enum { LX_DONE = 0, LX_ROW = 1 };

/* Opens a connection for url ("sqlite:PATH", a plain path, or
 * "postgresql://..." / "postgres://..." in a build with libpq). Returns
 * LX_OK and sets *out (caller closes with lx_db_close), or LX_ERR with a
 * message in err. */
int lx_db_open(const char *url, lx_db **out, char *err, size_t errsz);
/* Closes a connection and every cached statement. NULL is ignored. */
void lx_db_close(lx_db *db);
/* Returns "sqlite" or "postgresql" (static string). */
const char *lx_db_kind(const lx_db *db);
/* Returns the last driver error message (owned by db, valid until the next call). */
const char *lx_db_errmsg(lx_db *db);

/* Runs one or more statements without parameters. Returns LX_OK or LX_ERR/LX_BUSY. */
int lx_db_exec(lx_db *db, const char *sql);
/* Transactions. begin(write=true) takes the write lock up front (SQLite
 * BEGIN IMMEDIATE) so a read-then-write transaction never deadlocks.
 * Returns LX_OK, LX_BUSY (could not get the lock in time) or LX_ERR. */
int lx_db_begin(lx_db *db, bool write);
int lx_db_commit(lx_db *db);
/* Rolls back if a transaction is open; always safe to call. */
void lx_db_rollback(lx_db *db);
/* Brackets the reads of one request that only reads. On SQLite they share
 * one read transaction: one snapshot, and the file and WAL-index locks
 * (fcntl system calls) taken once instead of around every statement. On
 * PostgreSQL nothing happens (a transaction there costs round trips).
 * Never fails: without the transaction each read runs on its own. Pairs
 * nest (the outermost pair holds the transaction). Under a stream of
 * commits a statement outside a transaction also starts with an empty page
 * cache (SQLite drops it when the WAL changed), so grouping reads saves
 * page reads as well as locks. */
void lx_db_read_begin(lx_db *db);
void lx_db_read_end(lx_db *db);

/* Returns a prepared statement for sql, reset and with no bindings, owned by
 * db (do not free; call lx_stmt_done when finished). NULL on error. */
lx_stmt *lx_db_prepare(lx_db *db, const char *sql);
/* Parameter binding, 1-based like SQL. */
void lx_stmt_bind_int(lx_stmt *st, int i, int64_t v);
void lx_stmt_bind_double(lx_stmt *st, int i, double v);
/* Binds a copy of s (NULL binds SQL NULL). */
void lx_stmt_bind_text(lx_stmt *st, int i, const char *s);
void lx_stmt_bind_null(lx_stmt *st, int i);
/* Binds a copy of the n bytes at p as a BLOB (PostgreSQL: BYTEA). */
void lx_stmt_bind_blob(lx_stmt *st, int i, const void *p, size_t n);
/* Binds v, or NULL for 0 (times, ids and counts that are not set). */
static inline void lx_bind_ms(lx_stmt *st, int i, int64_t v)
{
	if (v)
		lx_stmt_bind_int(st, i, v);
	else
		lx_stmt_bind_null(st, i);
}
#define lx_bind_id lx_bind_ms
/* Executes or advances: returns LX_ROW, LX_DONE, LX_CONFLICT (constraint
 * violation), LX_BUSY or LX_ERR. */
int lx_stmt_step(lx_stmt *st);
/* Column access for the current row, 0-based. Text is owned by the
 * statement and valid until the next step or lx_stmt_done. A NULL reads as
 * 0 (int, double) and as NULL (text) on both backends. */
bool lx_stmt_isnull(lx_stmt *st, int col);
int64_t lx_stmt_int(lx_stmt *st, int col);
double lx_stmt_double(lx_stmt *st, int col);
const char *lx_stmt_text(lx_stmt *st, int col);
/* The bytes of a BLOB column, owned by the statement and valid until the
 * next step or lx_stmt_done, their count in *n; NULL (and *n = 0) for SQL
 * NULL. */
const void *lx_stmt_blob(lx_stmt *st, int col, size_t *n);
/* Returns a malloc'd copy of the column text or NULL; caller frees. */
char *lx_stmt_dup(lx_stmt *st, int col);
/* Result columns, for generic copying (cli/migrate_data.c). Valid while
 * the statement is on a row (PostgreSQL knows its columns only once it has
 * run). lx_stmt_columns returns the number of columns; lx_stmt_column_name
 * the name of column col (owned by the statement, valid until the next
 * step or lx_stmt_done); lx_stmt_column_kind one of LX_COL_* for the
 * column's declared type (INTEGER/BIGINT, DOUBLE PRECISION, anything else
 * is text), the same on both drivers for the same schema. */
enum { LX_COL_TEXT = 0, LX_COL_INT = 1, LX_COL_DOUBLE = 2, LX_COL_BLOB = 3 };
int lx_stmt_columns(lx_stmt *st);
const char *lx_stmt_column_name(lx_stmt *st, int col);
int lx_stmt_column_kind(lx_stmt *st, int col);
/* Resets the statement so the connection can reuse it. */
void lx_stmt_done(lx_stmt *st);
/* Rows changed by the last INSERT/UPDATE/DELETE on this connection. */
int64_t lx_db_changes(lx_db *db);

/* Convenience: prepares, binds nothing, steps once and returns the first
 * column of the first row as an integer in *out. LX_OK, LX_NOTFOUND or LX_ERR. */
int lx_db_query_int(lx_db *db, const char *sql, int64_t *out);

/* Full-text search is the one place the drivers' SQL differs: each driver
 * keeps its own index of the terms of core/text.c. */
/* Indexes the space-separated terms of row id. LX_OK or LX_ERR. */
int lx_db_fts_index(lx_db *db, int64_t id, const char *terms);
/* Returns the FROM part of a search (static string): the tables, ending in
 * an open WHERE that joins `cases c` to the cases matching the FTS
 * expression bound to ?12 with ids below ?11. *order_by is set to the
 * key to sort on, descending, for the driver to read matches newest first
 * and stop at the LIMIT. */
const char *lx_db_fts_plan(lx_db *db, const char **order_by);

/* Steps an already bound st once and returns the first column of the first
 * row in *out. LX_OK, LX_NOTFOUND or the step's error; always finishes st. */
/* Steps st once for one text column 0 into *out (malloc'd, NULL for a
 * NULL), then finishes st. LX_OK, LX_NOTFOUND (no row) or LX_ERR. */
int lx_stmt_one_text(lx_stmt *st, char **out);
int lx_stmt_one_int(lx_stmt *st, int64_t *out);

/* Applies every embedded migration not yet recorded in schema_migrations, each
 * in its own transaction. Returns LX_OK or LX_ERR (message in err). */
int lx_db_migrate(lx_db *db, char *err, size_t errsz);

/* Backups of a SQLite database (store/backup.c; `lianxin backup` and
 * `restore` in cli/backup.c). Paths may be spelled sqlite:PATH. */
typedef struct lx_backup_stats {
	int64_t pages;  /* pages copied */
	int64_t bytes;  /* pages times the page size */
	int64_t steps;  /* sqlite3_backup_step calls */
	int64_t waits;  /* of them, answered busy or locked (retried after a nap) */
	int64_t copy_ms, check_ms; /* time spent copying, and checking the copy */
} lx_backup_stats;
/* Copies the SQLite database src, which a server may be writing to from
 * another process, into dst, an existing empty file the caller made and
 * owns (it removes dst on failure and renames it on success). The copy is
 * one snapshot of src, in rollback-journal mode (no -wal needed), and has
 * passed lx_backup_check's checks. dst is not fsynced. Returns LX_OK and
 * fills *out; LX_INVALID when src is no lianxin database or the copy fails
 * a check; LX_BUSY when src stayed locked for a minute; LX_ERR otherwise;
 * err says why. */
int lx_backup_copy(const char *src, const char *dst, lx_backup_stats *out, char *err,
		   size_t errsz);
/* Checks that the SQLite file path is a lianxin database this binary can
 * serve: its length is what its header says (page size times page count),
 * PRAGMA integrity_check says ok, and schema_migrations exists and
 * names only migrations this binary embeds (an older one is migrated by
 * `serve`). Opens it read-write and leaves its content as it was. Returns
 * LX_OK, LX_INVALID (err says why), LX_BUSY (locked) or LX_ERR. */
int lx_backup_check(const char *path, char *err, size_t errsz);
/* Whether no process has the existing SQLite database path open: takes it
 * in exclusive locking mode for a moment (a serving lianxin holds a shared
 * lock on the file on every open connection, idle or not). Returns LX_OK
 * when nobody has it open (a WAL left by a stopped process is checkpointed
 * into it and removed on the way), LX_BUSY when some process does,
 * LX_INVALID when path is no SQLite database, LX_ERR otherwise; err says
 * why. */
int lx_backup_idle(const char *path, char *err, size_t errsz);

/* A pool hands each thread its own connection to the same database. */
/* Creates a pool for url. Returns LX_OK or LX_ERR with err. Caller frees with lx_pool_free. */
int lx_pool_new(const char *url, lx_pool **out, char *err, size_t errsz);
/* Returns the calling thread's connection (opened on first use), or NULL
 * when the database cannot be reached. Owned by the pool. A PostgreSQL
 * connection lost since its last use is reconnected here, so a node
 * recovers by itself when the database returns. */
lx_db *lx_pool_conn(lx_pool *p);
/* Closes every connection. */
void lx_pool_free(lx_pool *p);
/* Returns the pool's driver kind ("sqlite" / "postgresql"). */
const char *lx_pool_kind(const lx_pool *p);

/* A unit of write work: runs inside a transaction it must not begin or
 * end, using only the db it is given. Returns an LX_ status; anything but
 * LX_OK undoes what it wrote. */
typedef int (*lx_write_fn)(lx_db *db, void *arg);
/* Runs fn(db, arg) in a write transaction and returns once that transaction
 * has committed: fn's status, or the commit's failure (LX_BUSY/LX_ERR).
 * SQLite: calls from many threads are batched by the pool's writer thread
 * into one transaction (group commit), each isolated by a savepoint, so a
 * failing fn undoes only its own writes. Other drivers: fn runs on the
 * caller's connection in its own transaction. */
int lx_pool_write(lx_pool *p, lx_write_fn fn, void *arg);

#endif
