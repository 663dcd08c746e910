/*
 * pg.c - the PostgreSQL driver behind db.h (libpq).
 *
 * Several stateless `lianxin serve` nodes may share one PostgreSQL primary.
 *
 * Pooling (pg_pool.c): db.c gives each thread its own lx_db handle; here those handles
 * share the node's server connections, a pool per database URL of at most
 * LIANXIN_DB_POOL connections (default 2 x cores + 2, at least 4). A handle
 * borrows a connection for one statement (results are read in full, so it
 * goes back before the rows are used) or for a whole transaction, from BEGIN
 * to COMMIT/ROLLBACK. A thread that finds every connection lent waits up to
 * 10 s, then gets LX_BUSY (503). So a node opens few connections however
 * many HTTP threads it runs, and the primary's max_connections budget is
 * nodes x LIANXIN_DB_POOL.
 *
 * SQL: the store's SQL is SQLite-flavoured. Its `?` and `?NNN` placeholders
 * are rewritten once per SQL text into $1..$n, the distinct parameters
 * numbered in order of first appearance (so a statement that uses ?1, ?2 and
 * ?12 has $1..$3, with no gaps PostgreSQL could not type). Quoted literals,
 * quoted identifiers and comments are copied untouched.
 *
 * Statements are prepared server-side, lazily at the first step on each
 * connection (when the bindings are known), and remembered per connection
 * by SQL text. Parameter types come from the bindings: bind_int is int8,
 * bind_double float8, bind_text text, and a NULL binding takes the type the
 * statement had before, else leaves it to PostgreSQL (unknown), which infers
 * it from the context (`unit_id = $3`). Where the context says nothing
 * (`$5 IS NULL OR kind = $6` with $5 NULL) the server answers 42P18 and the
 * statement is prepared again with text for those parameters; inside a
 * transaction that first attempt runs under a savepoint, so the failure does
 * not abort the caller's transaction. An execution that binds a different
 * non-NULL type than the statement was prepared with prepares it again. This
 * keeps the repositories' SQL portable without casts.
 *
 * Results come back in text format and are parsed in col_int / col_double
 * (booleans 't'/'f' read as 1/0). `changes` is PQcmdTuples of the last
 * INSERT, UPDATE or DELETE.
 *
 * Errors: SQLSTATE class 23 (integrity) is LX_CONFLICT; 40001, 40P01, 55P03,
 * class 08 (connection), 57P0x (shutdown) and 53xxx (resources) are LX_BUSY,
 * as is any failure that leaves the connection broken: the API answers 503
 * `unavailable`. A lent connection is checked first (one poll of its socket,
 * no round trip): one the server closed is dropped and a new one opened, so
 * a node recovers by itself when the database returns. A broken connection
 * is never given back to the pool.
 *
 * Transactions: begin(write) is a plain BEGIN (READ COMMITTED). Every update
 * of a case carries `WHERE version = ?`, so of two racing writers the second
 * waits for the first's row lock, then finds the version changed and
 * updates nothing: LX_CONFLICT, 409. begin(read) is a REPEATABLE READ, READ
 * ONLY transaction: one snapshot, like SQLite's read transaction.
 *
 * Full-text search: case_fts(id, tsv) with a GIN index and the SQL function
 * lx_fts_query (schema/001_init.pg.sql).
 */
#include "pg_int.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

/* Copies msg into db->err (its first line). */
static void lx_pg_set_err(lx_pg_db *db, const char *msg)
{
	snprintf(db->err, sizeof db->err, "%s", msg && *msg ? msg : "unknown PostgreSQL error");
	char *nl = strchr(db->err, '\n');
	if (nl)
		*nl = '\0';
}

/* Maps a failed result on c (res may be NULL) to a status code and records
 * the message. Returns LX_CONFLICT, LX_BUSY or LX_ERR. */
static int lx_pg_error(lx_pg_db *db, lx_pg_conn *c, const PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (primary && state) {
		char msg[256];
		snprintf(msg, sizeof msg, "%s (SQLSTATE %s)", primary, state);
		lx_pg_set_err(db, msg);
	} else {
		lx_pg_set_err(db, res && *PQresultErrorMessage(res) ? PQresultErrorMessage(res)
								     : PQerrorMessage(c->pq));
	}
	if (PQstatus(c->pq) != CONNECTION_OK)
		return LX_BUSY;
	if (!state)
		return LX_ERR;
	if (strncmp(state, "23", 2) == 0)
		return LX_CONFLICT;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
	    strcmp(state, "55P03") == 0 || strncmp(state, "08", 2) == 0 ||
	    strncmp(state, "57P0", 4) == 0 || strncmp(state, "53", 2) == 0)
		return LX_BUSY;
	return LX_ERR;
}

/* Translates st's SQL (see lx_pg_sql_translate). LX_OK or LX_ERR. */
static int lx_pg_translate(lx_pg_stmt *st)
{
	return lx_pg_sql_translate(st->sql, &st->pgsql, &st->map, &st->nmap, &st->nparams);
}

/* ---- connections and the pool ---- */


/* ---- handles ---- */

static void pg_close(lx_db *base);

static int pg_open(const char *url, lx_db **out, char *err, size_t errsz)
{
	lx_pg_db *db = lx_xcalloc(1, sizeof *db);
	db->base.drv = &lx_pg_driver;
	db->pool = lx_pg_pool_ref(url);
	/* Fail now, with the reason, when the database cannot be reached. */
	if (lx_pg_borrow(db) != LX_OK) {
		snprintf(err, errsz, "%s", db->err);
		pg_close(&db->base);
		return LX_ERR;
	}
	lx_pg_giveback(db);
	*out = &db->base;
	return LX_OK;
}

static void lx_pg_stmt_unbind(lx_pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->values[i]);
		st->values[i] = NULL;
		st->btypes[i] = 0;
		st->lengths[i] = st->formats[i] = 0;
	}
	if (st->blob)
		PQfreemem(st->blob);
	st->blob = NULL;
	PQclear(st->res);
	st->res = NULL;
	st->row = st->nrows = 0;
	st->executed = false;
}

static void lx_pg_stmt_free(lx_pg_stmt *st)
{
	if (!st)
		return;
	lx_pg_stmt_unbind(st);
	free(st->values);
	free(st->lengths);
	free(st->formats);
	free(st->btypes);
	free(st->types);
	free(st->map);
	free(st->pgsql);
	free(st->sql);
	free(st);
}

static void pg_close(lx_db *base)
{
	lx_pg_db *db = DB(base);
	lx_pg_giveback(db);
	for (int i = 0; i < db->ncache; i++)
		lx_pg_stmt_free(db->cache[i]);
	lx_pg_pool_unref(db->pool);
	free(db);
}

static const char *pg_errmsg(lx_db *base)
{
	return DB(base)->err;
}

/* Runs sql (no parameters, possibly several statements) on db's borrowed
 * connection. Returns LX_OK or the mapped error. */
static int lx_pg_run(lx_pg_db *db, const char *sql)
{
	PGresult *res = PQexec(db->c->pq, sql);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	int rc = LX_OK;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
		rc = lx_pg_error(db, db->c, res);
	PQclear(res);
	return rc;
}

static int pg_exec(lx_db *base, const char *sql)
{
	lx_pg_db *db = DB(base);
	if (db->in_tx)
		return lx_pg_run(db, sql);
	int rc = lx_pg_borrow(db);
	if (rc != LX_OK)
		return rc;
	rc = lx_pg_run(db, sql);
	lx_pg_giveback(db);
	return rc;
}

static int pg_check(lx_db *base)
{
	lx_pg_db *db = DB(base);
	if (db->in_tx)
		return PQstatus(db->c->pq) == CONNECTION_OK ? LX_OK : LX_BUSY;
	int rc = lx_pg_borrow(db);
	if (rc == LX_OK)
		lx_pg_giveback(db);
	return rc;
}

static int pg_begin(lx_db *base, bool write)
{
	lx_pg_db *db = DB(base);
	const char *sql = write ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY";
	assert(!db->in_tx);
	int rc = LX_BUSY;
	for (int attempt = 0; attempt < 2 && rc == LX_BUSY; attempt++) {
		/* a connection that died unnoticed fails BEGIN, which is safe to
		 * send again on a new one */
		rc = lx_pg_borrow(db);
		if (rc != LX_OK)
			return rc;
		rc = lx_pg_run(db, sql);
		if (rc != LX_OK) {
			bool broken = PQstatus(db->c->pq) != CONNECTION_OK;
			lx_pg_giveback(db);
			if (!broken)
				return rc;
		}
	}
	if (rc == LX_OK)
		db->in_tx = true;
	return rc;
}

static int pg_commit(lx_db *base)
{
	lx_pg_db *db = DB(base);
	int rc = LX_OK;
	assert(db->in_tx && db->c);
	PGresult *res = PQexec(db->c->pq, "COMMIT");
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		rc = lx_pg_error(db, db->c, res);
	} else if (strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
		/* a statement failed earlier: the server rolled back instead */
		lx_pg_set_err(db, "transaction aborted by an earlier error; rolled back");
		rc = LX_ERR;
	}
	PQclear(res);
	lx_pg_giveback(db); /* rolls back what a failed COMMIT left */
	return rc;
}

static void pg_rollback(lx_db *base)
{
	lx_pg_giveback(DB(base)); /* rolls back an open transaction */
}

/* ---- statements ---- */

static uint64_t lx_pg_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static lx_stmt *pg_prepare(lx_db *base, const char *sql)
{
	lx_pg_db *db = DB(base);
	uint64_t hash = lx_pg_hash(sql);
	for (int i = 0; i < db->ncache; i++) {
		lx_pg_stmt *s = db->cache[i];
		if (s->hash == hash && strcmp(s->sql, sql) == 0) {
			lx_pg_stmt_unbind(s);
			return &s->base;
		}
	}
	lx_pg_stmt *st = lx_xcalloc(1, sizeof *st);
	st->base.drv = &lx_pg_driver;
	st->db = db;
	st->hash = hash;
	st->sql = lx_xstrdup(sql);
	if (lx_pg_translate(st) != LX_OK) {
		snprintf(db->err, sizeof db->err, "placeholder number out of range");
		fprintf(stderr, "lianxin: prepare failed: %s\n  in: %s\n", db->err, sql);
		lx_pg_stmt_free(st);
		return NULL;
	}
	size_t n = st->nparams ? (size_t)st->nparams : 1;
	st->types = lx_xcalloc(n, sizeof *st->types);
	st->btypes = lx_xcalloc(n, sizeof *st->btypes);
	st->values = lx_xcalloc(n, sizeof *st->values);
	st->lengths = lx_xcalloc(n, sizeof *st->lengths);
	st->formats = lx_xcalloc(n, sizeof *st->formats);
	if (db->ncache == LX_PG_CACHE) {
		/* evict the last slot; the cache is sized well above the SQL we have */
		lx_pg_stmt_free(db->cache[LX_PG_CACHE - 1]);
		db->ncache--;
	}
	db->cache[db->ncache++] = st;
	return &st->base;
}

/* Stores a binding for original parameter i; unknown numbers are ignored,
 * as SQLite ignores a binding out of range. Takes ownership of v. */
static void lx_pg_bind(lx_pg_stmt *st, int i, Oid type, char *v)
{
	if (i < 1 || i >= st->nmap || !st->map[i]) {
		free(v);
		return;
	}
	int k = st->map[i] - 1;
	free(st->values[k]);
	st->values[k] = v;
	st->btypes[k] = v ? type : 0;
	st->lengths[k] = st->formats[k] = 0;
}

static void pg_bind_int(lx_stmt *base, int i, int64_t v)
{
	lx_pg_bind(ST(base), i, LX_PG_INT8, lx_xasprintf("%lld", (long long)v));
}

static void pg_bind_double(lx_stmt *base, int i, double v)
{
	lx_pg_bind(ST(base), i, LX_PG_FLOAT8, lx_xasprintf("%.17g", v));
}

static void pg_bind_text(lx_stmt *base, int i, const char *s)
{
	lx_pg_bind(ST(base), i, LX_PG_TEXT, s ? lx_xstrdup(s) : NULL);
}

static void pg_bind_blob(lx_stmt *base, int i, const void *p, size_t n)
{
	lx_pg_stmt *st = ST(base);
	assert(n <= INT32_MAX);
	char *v = lx_xmalloc(n ? n : 1);
	memcpy(v, p, n);
	lx_pg_bind(st, i, LX_PG_BYTEA, v);
	if (i >= 1 && i < st->nmap && st->map[i]) {
		st->lengths[st->map[i] - 1] = (int)n;
		st->formats[st->map[i] - 1] = 1;
	}
}

static void pg_bind_null(lx_stmt *base, int i)
{
	lx_pg_bind(ST(base), i, 0, NULL);
}

/* Returns st's slot on connection c, or NULL when it is not prepared there. */
static lx_pg_prep *lx_pg_prep_find(lx_pg_conn *c, const lx_pg_stmt *st)
{
	for (int i = 0; i < c->nprep; i++)
		if (c->prep[i].hash == st->hash && strcmp(c->prep[i].sql, st->sql) == 0)
			return &c->prep[i];
	return NULL;
}

/* Prepares st on db's connection with types into slot (new: NULL). Returns
 * LX_OK and the slot in *out, or the mapped error with *indeterminate set
 * when the server could not type a parameter (42P18). */
static int lx_pg_prepare_as(lx_pg_db *db, lx_pg_stmt *st, lx_pg_prep *slot, const Oid *types,
			    lx_pg_prep **out, bool *indeterminate)
{
	lx_pg_conn *c = db->c;
	char cmd[48];
	*indeterminate = false;
	if (slot) {
		/* prepared before on this connection with other types */
		snprintf(cmd, sizeof cmd, "DEALLOCATE %s", slot->name);
		int rc = lx_pg_run(db, cmd);
		if (rc != LX_OK)
			return rc;
	} else {
		if (c->nprep == LX_PG_CACHE) {
			slot = &c->prep[LX_PG_CACHE - 1];
			snprintf(cmd, sizeof cmd, "DEALLOCATE %s", slot->name);
			int rc = lx_pg_run(db, cmd);
			if (rc != LX_OK)
				return rc;
		} else {
			slot = &c->prep[c->nprep++];
		}
		free(slot->sql);
		free(slot->types);
		slot->hash = st->hash;
		slot->sql = lx_xstrdup(st->sql);
		slot->types = lx_xcalloc(st->nparams ? (size_t)st->nparams : 1, sizeof *slot->types);
	}
	/* a fresh name: the old one may be gone or about to be */
	snprintf(slot->name, sizeof slot->name, "lx%u", ++c->nextname);
	PGresult *res = PQprepare(c->pq, slot->name, st->pgsql, st->nparams, types);
	int rc = LX_OK;
	if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
		const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		*indeterminate = s && strcmp(s, "42P18") == 0;
		rc = lx_pg_error(db, c, res);
		/* the slot now names nothing: drop it */
		int i = (int)(slot - c->prep);
		free(slot->sql);
		free(slot->types);
		c->prep[i] = c->prep[--c->nprep];
		memset(&c->prep[c->nprep], 0, sizeof c->prep[c->nprep]);
		slot = NULL;
	}
	PQclear(res);
	if (rc == LX_OK) {
		memcpy(slot->types, types, (size_t)st->nparams * sizeof *types);
		memcpy(st->types, types, (size_t)st->nparams * sizeof *types);
		*out = slot;
	}
	return rc;
}

/* Makes sure st is prepared on db's connection with types that fit the
 * current bindings (see the file comment). Returns LX_OK with the server
 * name in *name (owned by the connection), or an error. */
static int lx_pg_ensure_prepared(lx_pg_db *db, lx_pg_stmt *st, const char **name)
{
	int rc = LX_OK;
	lx_pg_prep *slot = lx_pg_prep_find(db->c, st), *done = NULL;
	bool fits = slot != NULL, unknown = false, indeterminate = false;
	Oid *want = lx_xcalloc(st->nparams ? (size_t)st->nparams : 1, sizeof *want);

	for (int k = 0; k < st->nparams; k++) {
		Oid had = slot ? slot->types[k] : st->types[k];
		if (st->btypes[k] && st->btypes[k] != had)
			fits = false;
		want[k] = st->btypes[k] ? st->btypes[k] : had;
		if (!want[k])
			unknown = true;
	}
	if (fits) {
		*name = slot->name;
		goto cleanup;
	}
	bool savepoint = unknown && db->in_tx;
	if (savepoint) {
		rc = lx_pg_run(db, "SAVEPOINT lx_prepare");
		if (rc != LX_OK)
			goto cleanup;
	}
	rc = lx_pg_prepare_as(db, st, slot, want, &done, &indeterminate);
	if (rc != LX_OK && indeterminate) {
		/* a NULL the context cannot type: call it text */
		if (savepoint)
			lx_pg_run(db, "ROLLBACK TO SAVEPOINT lx_prepare");
		for (int k = 0; k < st->nparams; k++)
			if (!want[k])
				want[k] = LX_PG_TEXT;
		rc = lx_pg_prepare_as(db, st, NULL, want, &done, &indeterminate);
	}
	if (savepoint && rc == LX_OK)
		rc = lx_pg_run(db, "RELEASE SAVEPOINT lx_prepare");
	if (rc == LX_OK)
		*name = done->name;
	else if (rc == LX_ERR)
		fprintf(stderr, "lianxin: prepare failed: %s\n  in: %s\n", db->err, st->sql);
cleanup:
	free(want);
	return rc;
}

/* Prepares (when needed) and executes st on db's borrowed connection.
 * Returns LX_ROW, LX_DONE or an error. */
static int lx_pg_execute(lx_pg_db *db, lx_pg_stmt *st)
{
	const char *name = NULL;
	int rc = lx_pg_ensure_prepared(db, st, &name);
	if (rc != LX_OK)
		return rc;
	PGresult *res = PQexecPrepared(db->c->pq, name, st->nparams, (const char *const *)st->values,
				       st->lengths, st->formats, 0);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s != PGRES_TUPLES_OK && s != PGRES_COMMAND_OK) {
		rc = lx_pg_error(db, db->c, res);
		PQclear(res);
		return rc;
	}
	const char *cmd = PQcmdStatus(res);
	if (strncmp(cmd, "INSERT", 6) == 0 || strncmp(cmd, "UPDATE", 6) == 0 ||
	    strncmp(cmd, "DELETE", 6) == 0)
		db->changes = strtoll(PQcmdTuples(res), NULL, 10);
	st->executed = true;
	st->row = 0;
	st->nrows = s == PGRES_TUPLES_OK ? PQntuples(res) : 0;
	if (st->nrows == 0) {
		PQclear(res);
		return LX_DONE;
	}
	st->res = res;
	return LX_ROW;
}

static int pg_step(lx_stmt *base)
{
	lx_pg_stmt *st = ST(base);
	lx_pg_db *db = st->db;
	if (st->blob)
		PQfreemem(st->blob);
	st->blob = NULL;
	if (st->executed) {
		if (st->row + 1 < st->nrows) {
			st->row++;
			return LX_ROW;
		}
		st->row = st->nrows;
		return LX_DONE;
	}
	if (db->in_tx)
		return lx_pg_execute(db, st);
	/* autocommit: a connection for this statement only (its rows are read
	 * in full before it goes back) */
	int rc = lx_pg_borrow(db);
	if (rc != LX_OK)
		return rc;
	rc = lx_pg_execute(db, st);
	lx_pg_giveback(db);
	return rc;
}

/* Returns the current row's value of col, or NULL (SQL NULL, or no row). */
static const char *lx_pg_value(lx_pg_stmt *st, int col)
{
	if (!st->res || st->row >= st->nrows || col < 0 || col >= PQnfields(st->res) ||
	    PQgetisnull(st->res, st->row, col))
		return NULL;
	return PQgetvalue(st->res, st->row, col);
}

static bool pg_isnull(lx_stmt *base, int col)
{
	return lx_pg_value(ST(base), col) == NULL;
}

static int64_t pg_col_int(lx_stmt *base, int col)
{
	const char *v = lx_pg_value(ST(base), col);
	if (!v)
		return 0;
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	if (strpbrk(v, ".eE"))
		return (int64_t)strtod(v, NULL); /* numeric or float text: truncate like SQLite */
	return strtoll(v, NULL, 10);
}

static double pg_col_double(lx_stmt *base, int col)
{
	const char *v = lx_pg_value(ST(base), col);
	return v ? strtod(v, NULL) : 0.0;
}

static const char *pg_col_text(lx_stmt *base, int col)
{
	return lx_pg_value(ST(base), col);
}

/* BYTEA comes as text ("\x0a1b..."): unescaped into st->blob, which
 * lives until the next step or done. */
static const void *pg_col_blob(lx_stmt *base, int col, size_t *n)
{
	lx_pg_stmt *st = ST(base);
	const char *v = lx_pg_value(st, col);
	*n = 0;
	if (st->blob)
		PQfreemem(st->blob);
	st->blob = NULL;
	if (!v)
		return NULL;
	st->blob = PQunescapeBytea((const unsigned char *)v, n);
	return st->blob ? st->blob : (const void *)"";
}

static int pg_columns(lx_stmt *base)
{
	lx_pg_stmt *st = ST(base);
	return st->res ? PQnfields(st->res) : 0;
}

static const char *pg_column_name(lx_stmt *base, int col)
{
	lx_pg_stmt *st = ST(base);
	return st->res ? PQfname(st->res, col) : NULL;
}

/* Type OIDs: bool, int2, int4, int8 read as integers; float4, float8 and
 * numeric as doubles. */
static int pg_column_kind(lx_stmt *base, int col)
{
	lx_pg_stmt *st = ST(base);
	Oid t = st->res ? PQftype(st->res, col) : 0;
	if (t == 16 || t == 21 || t == 23 || t == LX_PG_INT8)
		return LX_COL_INT;
	if (t == 700 || t == LX_PG_FLOAT8 || t == 1700)
		return LX_COL_DOUBLE;
	if (t == LX_PG_BYTEA)
		return LX_COL_BLOB;
	return LX_COL_TEXT;
}

static void pg_done(lx_stmt *base)
{
	lx_pg_stmt_unbind(ST(base));
}

static int64_t pg_changes(lx_db *base)
{
	return DB(base)->changes;
}

static int pg_fts_index(lx_db *base, int64_t id, const char *terms)
{
	lx_stmt *st = pg_prepare(base, "INSERT INTO case_fts(id, tsv) VALUES (?, "
				       "array_to_tsvector(array_remove(string_to_array(?, ' '), '')))");
	if (!st)
		return LX_ERR;
	pg_bind_int(st, 1, id);
	pg_bind_text(st, 2, terms);
	int rc = pg_step(st);
	pg_done(st);
	return rc == LX_DONE ? LX_OK : rc;
}

static const char *pg_fts_plan(lx_db *db, const char **order_by)
{
	(void)db;
	*order_by = "c.id";
	return "cases c WHERE c.id IN (SELECT id FROM case_fts WHERE tsv @@ lx_fts_query(?12)) "
	       "AND c.id < ?11";
}

const struct lx_db_driver lx_pg_driver = {
	.kind = "postgresql",
	.open = pg_open,
	.close = pg_close,
	.errmsg = pg_errmsg,
	.check = pg_check,
	.exec = pg_exec,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.prepare = pg_prepare,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_blob = pg_bind_blob,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.isnull = pg_isnull,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_blob = pg_col_blob,
	.columns = pg_columns,
	.column_name = pg_column_name,
	.column_kind = pg_column_kind,
	.done = pg_done,
	.changes = pg_changes,
	.fts_index = pg_fts_index,
	.fts_plan = pg_fts_plan,
};
