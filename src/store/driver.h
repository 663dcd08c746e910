/*
 * driver.h - what a database driver provides behind db.h. Only store/
 * includes this. Each driver's connection and statement structs start
 * with the common header (struct lx_db / struct lx_stmt), so db.c can
 * dispatch through the driver table.
 */
#ifndef LX_DRIVER_H
#define LX_DRIVER_H

#include "db.h"

struct lx_db_driver {
	const char *kind; /* "sqlite" | "postgresql" */
	bool group_commit; /* one writer: batch writes in the pool's writer thread */
	bool read_tx;      /* several reads in one transaction cost less (lx_db_read_begin) */
	int (*open)(const char *url, lx_db **out, char *err, size_t errsz);
	void (*close)(lx_db *db);
	const char *(*errmsg)(lx_db *db);
	/* postgresql: optional; LX_OK when the connection is usable (reconnecting
	 * a lost one), LX_BUSY when the database cannot be reached. */
	int (*check)(lx_db *db);
	int (*exec)(lx_db *db, const char *sql);
	int (*begin)(lx_db *db, bool write);
	int (*commit)(lx_db *db);
	void (*rollback)(lx_db *db);
	lx_stmt *(*prepare)(lx_db *db, const char *sql);
	void (*bind_int)(lx_stmt *st, int i, int64_t v);
	void (*bind_double)(lx_stmt *st, int i, double v);
	void (*bind_text)(lx_stmt *st, int i, const char *s);
	void (*bind_null)(lx_stmt *st, int i);
	void (*bind_blob)(lx_stmt *st, int i, const void *p, size_t n); /* copies p */
	int (*step)(lx_stmt *st);
	bool (*isnull)(lx_stmt *st, int col);
	int64_t (*col_int)(lx_stmt *st, int col);
	double (*col_double)(lx_stmt *st, int col);
	const char *(*col_text)(lx_stmt *st, int col);
	/* the bytes of a BLOB/BYTEA column (NULL for SQL NULL), valid until
	 * the next step or done; their length in *n */
	const void *(*col_blob)(lx_stmt *st, int col, size_t *n);
	int (*columns)(lx_stmt *st);
	const char *(*column_name)(lx_stmt *st, int col);
	int (*column_kind)(lx_stmt *st, int col);
	void (*done)(lx_stmt *st);
	int64_t (*changes)(lx_db *db);
	int (*fts_index)(lx_db *db, int64_t id, const char *terms);
	const char *(*fts_plan)(lx_db *db, const char **order_by);
};

/* Search terms written during a group-commit batch wait here and are
 * indexed once at its end: FTS5 writes a segment at every savepoint, which
 * made per-job savepoints around index writes ruinous. */
struct lx_fts_pending {
	int64_t id;
	char *terms;
};

/* The common first member of every driver's connection and statement. */
struct lx_db {
	const struct lx_db_driver *drv;
	bool in_batch;                  /* set by the writer during a batch: search terms
					 * and roll-up deltas are held back to its end */
	bool bulk;                      /* a bulk load: roll-ups rebuilt at the end */
	int read_depth;                 /* nested lx_db_read_begin calls */
	struct lx_fts_pending *pending;
	size_t npending, cappending;
	/* roll-up deltas of a batch, summed and written once at its end
	 * (store/repo_stats.c: lx_rollup_flush); same life as pending */
	struct lx_roll_pending *roll;
	size_t nroll, caproll;
};
struct lx_stmt {
	const struct lx_db_driver *drv;
};

/* Writes the roll-up deltas held back during a batch (repo_stats.c);
 * LX_OK or LX_ERR. The caller empties db->roll. */
int lx_rollup_flush(lx_db *db);

extern const struct lx_db_driver lx_sqlite_driver;
#ifdef LX_HAVE_PG
extern const struct lx_db_driver lx_pg_driver; /* postgresql */
#endif
/* postgresql: rewrites SQLite-style `?` and `?NNN` placeholders of sql into
 * $1..$n, numbering the distinct parameters in order of first appearance;
 * quoted literals, quoted identifiers and -- comments are copied untouched.
 * Returns LX_OK and sets *pgsql (malloc'd), *map (malloc'd; map[original
 * number] = new number, 0 when absent; *nmap entries) and *nparams, all owned
 * by the caller; LX_ERR for a parameter number outside 1..999. (pg.c) */
int lx_pg_sql_translate(const char *sql, char **pgsql, int **map, int *nmap, int *nparams);

#endif
