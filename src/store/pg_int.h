/*
 * pg_int.h - what the PostgreSQL driver's two files share: the handle, the
 * statement and the server connection (pg.c), and the per-URL pool that
 * lends connections to handles (pg_pool.c). Only those two include it.
 */
#ifndef LX_PG_INT_H
#define LX_PG_INT_H

#include "driver.h"
#include "lx.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define LX_PG_CACHE 256      /* statements per handle and per connection */
#define LX_PG_WAIT_S 10      /* how long a thread waits for a free connection */

/* Type OIDs from catalog/pg_type.h (a server header libpq-dev lacks). */
#define LX_PG_INT8 20
#define LX_PG_TEXT 25
#define LX_PG_BYTEA 17
#define LX_PG_FLOAT8 701

/* A statement prepared on one server connection. */
typedef struct lx_pg_prep {
	uint64_t hash;
	char *sql;         /* the SQL as given: the key */
	Oid *types;        /* the types it was prepared with */
	char name[24];     /* its server-side name */
} lx_pg_prep;

/* One server connection and what is prepared on it; lent to one handle
 * at a time by its pool. */
typedef struct lx_pg_conn {
	PGconn *pq;
	lx_pg_prep prep[LX_PG_CACHE];
	int nprep;
	unsigned nextname;
	struct lx_pg_conn *next; /* in the pool's idle list */
} lx_pg_conn;

/* The connections of one database URL in this process. */
typedef struct lx_pg_pool {
	char *url;
	int refs;          /* open handles */
	int open;          /* connections open, lent or being opened */
	int max;
	lx_pg_conn *idle;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a connection came back */
	struct lx_pg_pool *next;
} lx_pg_pool;


typedef struct lx_pg_db lx_pg_db;

typedef struct lx_pg_stmt {
	struct lx_stmt base;
	lx_pg_db *db;
	uint64_t hash;     /* FNV-1a of the SQL text */
	char *sql;         /* the SQL as given: the cache key */
	char *pgsql;       /* the same with $n placeholders */
	int *map;          /* map[original number] = $n, 0 when absent */
	int nmap;          /* entries in map (largest original number + 1) */
	int nparams;       /* distinct parameters, $1..$nparams */
	Oid *types;        /* the types of its last preparation (0: unknown) */
	Oid *btypes;       /* the types of the current bindings (0: NULL) */
	char **values;     /* the current bindings as text (NULL: SQL NULL) */
	int *lengths;      /* a binary binding's length (BYTEA), else 0 */
	int *formats;      /* 1 for a binary binding (BYTEA), else 0 (text) */
	unsigned char *blob; /* the last column read as BYTEA, unescaped (PQfreemem) */
	PGresult *res;     /* rows of the current execution */
	int row, nrows;
	bool executed;
} lx_pg_stmt;

/* A thread's handle: statements and, while it runs one or holds a
 * transaction, a connection borrowed from the pool. */
struct lx_pg_db {
	struct lx_db base;
	lx_pg_pool *pool;
	lx_pg_conn *c;     /* borrowed, or NULL */
	lx_pg_stmt *cache[LX_PG_CACHE];
	int ncache;
	bool in_tx;
	int64_t changes;
	char err[256];
};

#define DB(x) ((lx_pg_db *)(x))
#define ST(x) ((lx_pg_stmt *)(x))

/* ---- the pool (pg_pool.c) ---- */

/* The pool of url, made on first use, with one more reference (the
 * caller drops it with lx_pg_pool_unref). */
lx_pg_pool *lx_pg_pool_ref(const char *url);
/* Drops a reference; the last one closes the pool's connections. */
void lx_pg_pool_unref(lx_pg_pool *p);
/* Lends db a usable connection (db->c), reconnecting a lost one. Returns
 * LX_OK, or LX_BUSY (db->err says why) when the database cannot be reached
 * or every connection stayed lent for LX_PG_WAIT_S seconds. */
int lx_pg_borrow(lx_pg_db *db);
/* Gives db's connection back (rolling back an open transaction); a broken
 * one is closed instead. db->c and db->in_tx are cleared. */
void lx_pg_giveback(lx_pg_db *db);

#endif
