/*
 * migrate_data.c - `lianxin migrate-data --from sqlite:PATH --to postgresql://...`:
 * moves a whole database (a district, a city) from one driver to another.
 *
 * The tables are the ones the portable migrations (schema/NNN_name.sql)
 * create, in the order they create them, which is dependency order (a table
 * is created after the tables it references); the driver-only tables (the
 * search index, the visibility index, the monthly roll-ups) and
 * schema_migrations are not copied but rebuilt. Each table is read in
 * primary-key order, in pages (keyset: `WHERE (pk) > (last) ORDER BY pk
 * LIMIT n`), with SELECT *; its column names and declared types come from
 * the statement, and its rows go to the target as multi-row INSERTs under
 * the same names. Everything the target receives is one transaction: a
 * failure leaves it as it was. In that transaction the search index is
 * rebuilt from the cases (core/text.c terms) and, on PostgreSQL, every
 * identity sequence is moved past the largest id.
 *
 * The target must hold no data: tables the migrations seed (categories,
 * Open311 attributes) are replaced by the source's, any other table with
 * rows makes the command refuse before it writes anything.
 *
 * Verification, after the commit: each table is read again on both sides;
 * the row counts must be equal, and so must a checksum: the sum (mod 2^64)
 * of an FNV-1a hash of every row, over each column's canonical text
 * (integers as integers, doubles as %.17g of the value, text as its bytes,
 * NULL as a marker). A sum does not depend on the order rows come in, so a
 * text key sorted by a PostgreSQL collation other than C still compares.
 */
#include "cli.h"
#include "repo.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

/* The embedded migrations (generated schema_files.c, cmake/embed.cmake),
 * also read by store/migrate.c. */
struct lx_schema_file {
	const char *name;
	const char *sql;
};
extern const struct lx_schema_file lx_schema_files[];

#define LX_MD_MAXPK 4
#define LX_MD_PAGE 2000       /* rows per SELECT page */
#define LX_MD_MAXPARAMS 999   /* bound parameters per INSERT (pg.c's limit) */
#define LX_MD_MAXBATCH 500    /* rows per INSERT */

/* One table to move. */
typedef struct lx_md_table {
	char *name;
	char *pk[LX_MD_MAXPK];
	int npk;
	bool seeded;          /* a migration inserts rows into it */
	int64_t src_rows, dst_rows;
	uint64_t src_sum, dst_sum;
	char **cols;          /* the source's column names (NULL: no rows) */
	int ncols;
} lx_md_table;

/* A copied value. */
typedef struct lx_md_val {
	bool null;
	int kind;
	int64_t i;
	double d;
	char *s;        /* text, or a BLOB's bytes */
	size_t n;       /* a BLOB's length */
} lx_md_val;

/* Reads one table of one database page by page in primary-key order. */
typedef struct lx_md_reader {
	lx_db *db;
	const lx_md_table *t;
	char *sql_first, *sql_next;
	lx_stmt *st;
	int keycol[LX_MD_MAXPK];
	lx_md_val key[LX_MD_MAXPK];
	bool have_key, have_cols;
	int inpage;
} lx_md_reader;

static void lx_md_val_clear(lx_md_val *v)
{
	free(v->s);
	memset(v, 0, sizeof *v);
}

/* Reads column col of st's current row by its declared kind. */
static void lx_md_val_read(lx_stmt *st, int col, lx_md_val *v)
{
	lx_md_val_clear(v);
	v->kind = lx_stmt_column_kind(st, col);
	v->null = lx_stmt_isnull(st, col);
	if (v->null)
		return;
	if (v->kind == LX_COL_INT)
		v->i = lx_stmt_int(st, col);
	else if (v->kind == LX_COL_DOUBLE)
		v->d = lx_stmt_double(st, col);
	else if (v->kind == LX_COL_BLOB) {
		const void *p = lx_stmt_blob(st, col, &v->n);
		v->s = lx_xmalloc(v->n ? v->n : 1);
		memcpy(v->s, p, v->n);
	} else
		v->s = lx_stmt_dup(st, col);
}

static void lx_md_val_bind(lx_stmt *st, int i, const lx_md_val *v)
{
	if (v->null)
		lx_stmt_bind_null(st, i);
	else if (v->kind == LX_COL_INT)
		lx_stmt_bind_int(st, i, v->i);
	else if (v->kind == LX_COL_DOUBLE)
		lx_stmt_bind_double(st, i, v->d);
	else if (v->kind == LX_COL_BLOB)
		lx_stmt_bind_blob(st, i, v->s, v->n);
	else
		lx_stmt_bind_text(st, i, v->s);
}

static uint64_t lx_fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

/* Returns the FNV-1a hash of st's current row in canonical text form. */
static uint64_t lx_md_row_hash(lx_stmt *st, int ncols)
{
	uint64_t h = 1469598103934665603ull;
	char num[40];
	for (int c = 0; c < ncols; c++) {
		if (lx_stmt_isnull(st, c)) {
			h = lx_fnv(h, "\0N", 2);
		} else {
			int kind = lx_stmt_column_kind(st, c);
			if (kind == LX_COL_INT) {
				int n = snprintf(num, sizeof num, "i%" PRId64, lx_stmt_int(st, c));
				h = lx_fnv(h, num, (size_t)n);
			} else if (kind == LX_COL_DOUBLE) {
				int n = snprintf(num, sizeof num, "d%.17g", lx_stmt_double(st, c));
				h = lx_fnv(h, num, (size_t)n);
			} else if (kind == LX_COL_BLOB) {
				size_t n = 0;
				const void *p = lx_stmt_blob(st, c, &n);
				h = lx_fnv(h, "b", 1);
				h = lx_fnv(h, p, n);
			} else {
				const char *s = lx_stmt_text(st, c);
				h = lx_fnv(h, "t", 1);
				h = lx_fnv(h, s, strlen(s));
			}
		}
		h = lx_fnv(h, "\x1f", 1);
	}
	return h;
}

/* ---- the tables, from the schema ---- */

/* Returns a copy of sql without -- comments (caller frees). */
static char *lx_md_strip_comments(const char *sql)
{
	lx_buf b;
	lx_buf_init(&b);
	bool quoted = false;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (!quoted && p[0] == '-' && p[1] == '-') {
			while (*p && *p != '\n')
				p++;
			if (!*p)
				break;
		}
		lx_buf_putc(&b, *p);
	}
	return lx_buf_steal(&b);
}

/* Copies the identifier at *p (skipping blanks and quotes) into out and
 * advances *p past it. Returns its length (0: none). */
static size_t lx_md_ident(const char **p, char *out, size_t outsz)
{
	const char *s = *p;
	size_t n = 0;
	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '"')
		s++;
	while ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
	       *s == '_') {
		if (n + 1 < outsz)
			out[n++] = *s;
		s++;
	}
	out[n] = '\0';
	if (*s == '"')
		s++;
	*p = s;
	return n;
}

/* Reads the primary key of a CREATE TABLE body (between its parentheses,
 * len bytes) into t: a `PRIMARY KEY (a, b)` clause, or the column declared
 * PRIMARY KEY or {{ID}}. */
static void lx_md_parse_pk(lx_md_table *t, const char *body, size_t len)
{
	const char *item = body;
	int depth = 0;
	for (size_t i = 0; i <= len && t->npk == 0; i++) {
		char c = i < len ? body[i] : ',';
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		if (c != ',' || depth != 0)
			continue;
		char *it = lx_xstrndup(item, (size_t)(body + i - item));
		const char *p = it;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		char name[64];
		if (strncasecmp(p, "PRIMARY KEY", 11) == 0) {
			p = strchr(p, '(');
			while (p && *p && *p != ')' && t->npk < LX_MD_MAXPK) {
				p++;
				if (lx_md_ident(&p, name, sizeof name))
					t->pk[t->npk++] = lx_xstrdup(name);
				while (*p == ' ')
					p++;
			}
		} else if (strstr(p, "{{ID}}") || strcasestr(p, "PRIMARY KEY")) {
			if (lx_md_ident(&p, name, sizeof name))
				t->pk[t->npk++] = lx_xstrdup(name);
		}
		free(it);
		item = body + i + 1;
	}
}

static void lx_md_tables_free_one(lx_md_table *t)
{
	free(t->name);
	for (int k = 0; k < t->npk; k++)
		free(t->pk[k]);
	for (int k = 0; k < t->ncols; k++)
		free(t->cols[k]);
	free(t->cols);
}

static void lx_md_tables_free(lx_md_table *t, int n)
{
	for (int i = 0; i < n; i++)
		lx_md_tables_free_one(&t[i]);
	free(t);
}

/* Returns the tables the portable migrations create, in creation order, in
 * *out (caller frees with lx_md_tables_free) and their number in *n.
 * LX_OK, or LX_ERR when a table has no primary key we can read. */
static int lx_md_tables(lx_md_table **out, int *n)
{
	lx_md_table *t = NULL;
	int nt = 0, cap = 0, rc = LX_OK;
	/* first the tables, then which of them a migration seeds */
	for (int pass = 0; pass < 2; pass++) {
		for (const struct lx_schema_file *f = lx_schema_files; f->name; f++) {
			const char *dot = strchr(f->name, '.');
			if (!dot || strcmp(dot, ".sql") != 0)
				continue; /* driver-only: exists on one side */
			char *sql = lx_md_strip_comments(f->sql);
			const char *key = pass == 0 ? "CREATE TABLE " : "INSERT INTO ";
			for (const char *p = strcasestr(sql, key); p; p = strcasestr(p, key)) {
				p += strlen(key);
				if (strncasecmp(p, "IF NOT EXISTS ", 14) == 0)
					p += 14;
				char name[64];
				if (!lx_md_ident(&p, name, sizeof name))
					continue;
				if (pass == 1) {
					for (int i = 0; i < nt; i++)
						if (strcmp(t[i].name, name) == 0)
							t[i].seeded = true;
					continue;
				}
				const char *open = strchr(p, '(');
				if (!open)
					continue;
				int depth = 0;
				const char *close = open;
				for (; *close; close++) {
					if (*close == '(')
						depth++;
					else if (*close == ')' && --depth == 0)
						break;
				}
				/* a table made again by a later migration (017's residents)
				 * keeps its place and takes the new definition's key */
				int at = 0;
				while (at < nt && strcmp(t[at].name, name) != 0)
					at++;
				if (at < nt) {
					lx_md_tables_free_one(&t[at]);
				} else {
					if (nt == cap) {
						cap = cap ? cap * 2 : 32;
						t = lx_xrealloc(t, (size_t)cap * sizeof *t);
					}
					nt++;
				}
				memset(&t[at], 0, sizeof t[at]);
				t[at].name = lx_xstrdup(name);
				lx_md_parse_pk(&t[at], open + 1, (size_t)(close - open - 1));
				if (t[at].npk == 0) {
					fprintf(stderr, "lianxin migrate-data: table %s has no primary key\n", name);
					rc = LX_ERR;
				}
				p = close;
			}
			free(sql);
		}
	}
	*out = t;
	*n = nt;
	return rc;
}

/* ---- reading a table in pages ---- */

/* Sets up r to read t on db: all columns (SELECT *) when cols is NULL,
 * else these ncols columns in this order. */
static void lx_md_reader_init(lx_md_reader *r, lx_db *db, const lx_md_table *t, char **cols, int ncols)
{
	lx_buf sel, order, ph;
	memset(r, 0, sizeof *r);
	r->db = db;
	r->t = t;
	lx_buf_init(&sel);
	lx_buf_init(&order);
	lx_buf_init(&ph);
	if (!cols)
		lx_buf_puts(&sel, "*");
	for (int i = 0; cols && i < ncols; i++)
		lx_buf_printf(&sel, "%s%s", i ? ", " : "", cols[i]);
	for (int k = 0; k < t->npk; k++) {
		lx_buf_printf(&order, "%s%s", k ? ", " : "", t->pk[k]);
		lx_buf_puts(&ph, k ? ", ?" : "?");
	}
	r->sql_first = lx_xasprintf("SELECT %s FROM %s ORDER BY %s LIMIT %d", sel.data, t->name,
				    order.data, LX_MD_PAGE);
	if (t->npk == 1)
		r->sql_next = lx_xasprintf("SELECT %s FROM %s WHERE %s > ? ORDER BY %s LIMIT %d", sel.data,
					   t->name, order.data, order.data, LX_MD_PAGE);
	else
		r->sql_next = lx_xasprintf("SELECT %s FROM %s WHERE (%s) > (%s) ORDER BY %s LIMIT %d",
					   sel.data, t->name, order.data, ph.data, order.data, LX_MD_PAGE);
	lx_buf_free(&sel);
	lx_buf_free(&order);
	lx_buf_free(&ph);
}

static void lx_md_reader_free(lx_md_reader *r)
{
	lx_stmt_done(r->st);
	for (int k = 0; k < LX_MD_MAXPK; k++)
		lx_md_val_clear(&r->key[k]);
	free(r->sql_first);
	free(r->sql_next);
	memset(r, 0, sizeof *r);
}

/* Advances to the next row: LX_ROW with r->st on it, LX_DONE after the
 * last, or an error (message in lx_db_errmsg). */
static int lx_md_reader_next(lx_md_reader *r)
{
	for (;;) {
		if (r->st) {
			int rc = lx_stmt_step(r->st);
			if (rc == LX_ROW) {
				if (!r->have_cols) {
					int n = lx_stmt_columns(r->st);
					for (int k = 0; k < r->t->npk; k++) {
						r->keycol[k] = -1;
						for (int c = 0; c < n; c++)
							if (strcasecmp(lx_stmt_column_name(r->st, c), r->t->pk[k]) == 0)
								r->keycol[k] = c;
						if (r->keycol[k] < 0)
							return LX_ERR;
					}
					r->have_cols = true;
				}
				for (int k = 0; k < r->t->npk; k++)
					lx_md_val_read(r->st, r->keycol[k], &r->key[k]);
				r->have_key = true;
				r->inpage++;
				return LX_ROW;
			}
			lx_stmt_done(r->st);
			r->st = NULL;
			if (rc != LX_DONE)
				return rc;
			if (r->inpage < LX_MD_PAGE)
				return LX_DONE;
		}
		r->st = lx_db_prepare(r->db, r->have_key ? r->sql_next : r->sql_first);
		if (!r->st)
			return LX_ERR;
		for (int k = 0; r->have_key && k < r->t->npk; k++)
			lx_md_val_bind(r->st, k + 1, &r->key[k]);
		r->inpage = 0;
	}
}

/* ---- copying ---- */

/* Inserts rows [0, nrows) of vals (t->ncols each) into t on db. */
static int lx_md_insert(lx_db *db, const lx_md_table *t, const lx_md_val *vals, int nrows)
{
	lx_buf sql;
	lx_buf_init(&sql);
	lx_buf_printf(&sql, "INSERT INTO %s(", t->name);
	for (int c = 0; c < t->ncols; c++)
		lx_buf_printf(&sql, "%s%s", c ? ", " : "", t->cols[c]);
	lx_buf_puts(&sql, ") VALUES ");
	for (int r = 0; r < nrows; r++) {
		lx_buf_puts(&sql, r ? ", (" : "(");
		for (int c = 0; c < t->ncols; c++)
			lx_buf_puts(&sql, c ? ", ?" : "?");
		lx_buf_putc(&sql, ')');
	}
	int rc = LX_ERR;
	lx_stmt *st = lx_db_prepare(db, sql.data);
	if (st) {
		for (int i = 0; i < nrows * t->ncols; i++)
			lx_md_val_bind(st, i + 1, &vals[i]);
		rc = lx_stmt_step(st);
		rc = rc == LX_DONE ? LX_OK : rc;
		lx_stmt_done(st);
	}
	lx_buf_free(&sql);
	return rc;
}

/* Copies table t from src to dst (inside dst's transaction), counting and
 * summing the source's rows into t. Returns LX_OK or an error, reported. */
static int lx_md_copy_table(lx_db *src, lx_db *dst, lx_md_table *t)
{
	lx_md_reader r;
	lx_md_val *vals = NULL;
	int batch = 0, nbuf = 0, rc;
	lx_md_reader_init(&r, src, t, NULL, 0);
	while ((rc = lx_md_reader_next(&r)) == LX_ROW) {
		if (!t->cols) {
			t->ncols = lx_stmt_columns(r.st);
			t->cols = lx_xcalloc((size_t)t->ncols, sizeof *t->cols);
			for (int c = 0; c < t->ncols; c++)
				t->cols[c] = lx_xstrdup(lx_stmt_column_name(r.st, c));
			batch = LX_MD_MAXPARAMS / (t->ncols ? t->ncols : 1);
			if (batch > LX_MD_MAXBATCH)
				batch = LX_MD_MAXBATCH;
			vals = lx_xcalloc((size_t)batch * (size_t)t->ncols, sizeof *vals);
		}
		t->src_rows++;
		t->src_sum += lx_md_row_hash(r.st, t->ncols);
		for (int c = 0; c < t->ncols; c++)
			lx_md_val_read(r.st, c, &vals[nbuf * t->ncols + c]);
		if (++nbuf == batch) {
			rc = lx_md_insert(dst, t, vals, nbuf);
			nbuf = 0;
			if (rc != LX_OK) {
				fprintf(stderr, "lianxin migrate-data: %s: %s\n", t->name, lx_db_errmsg(dst));
				goto cleanup;
			}
		}
	}
	if (rc != LX_DONE) {
		fprintf(stderr, "lianxin migrate-data: reading %s: %s\n", t->name, lx_db_errmsg(src));
		rc = LX_ERR;
		goto cleanup;
	}
	rc = LX_OK;
	if (nbuf) {
		rc = lx_md_insert(dst, t, vals, nbuf);
		if (rc != LX_OK)
			fprintf(stderr, "lianxin migrate-data: %s: %s\n", t->name, lx_db_errmsg(dst));
	}
cleanup:
	for (int i = 0; vals && i < batch * t->ncols; i++)
		lx_md_val_clear(&vals[i]);
	free(vals);
	lx_md_reader_free(&r);
	return rc;
}

/* Counts and sums t's rows on db (the columns in the source's order) into
 * *rows and *sum. LX_OK or an error. */
static int lx_md_checksum(lx_db *db, const lx_md_table *t, int64_t *rows, uint64_t *sum)
{
	lx_md_reader r;
	int rc;
	*rows = 0;
	*sum = 0;
	lx_md_reader_init(&r, db, t, t->cols, t->ncols);
	while ((rc = lx_md_reader_next(&r)) == LX_ROW) {
		(*rows)++;
		*sum += lx_md_row_hash(r.st, lx_stmt_columns(r.st));
	}
	lx_md_reader_free(&r);
	return rc == LX_DONE ? LX_OK : rc;
}

/* Returns the portable migrations recorded in db, one string (caller
 * frees), or NULL when db has no schema_migrations. */
static char *lx_md_schema_version(lx_db *db)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT name FROM schema_migrations ORDER BY name");
	if (!st)
		return NULL;
	lx_buf b;
	lx_buf_init(&b);
	while (lx_stmt_step(st) == LX_ROW) {
		const char *name = lx_stmt_text(st, 0), *dot = strchr(name, '.');
		if (dot && strcmp(dot, ".sql") == 0)
			lx_buf_printf(&b, "%s ", name);
	}
	lx_stmt_done(st);
	return lx_buf_steal(&b);
}

static double lx_md_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int lx_cli_migrate_data(const char *from, const char *to)
{
	lx_db *src = NULL, *dst = NULL;
	lx_md_table *t = NULL;
	char *vsrc = NULL, *vdst = NULL;
	char err[256];
	int nt = 0, rc = LX_ERR;
	bool src_tx = false, dst_tx = false;
	double t0 = lx_md_seconds();
	int64_t total = 0, indexed = 0;

	if (!(strncmp(from, "postgresql://", 13) == 0 || strncmp(from, "postgres://", 11) == 0)) {
		/* opening a SQLite path would create an empty file */
		const char *path = strncmp(from, "sqlite:", 7) == 0 ? from + 7 : from;
		if (access(path, R_OK) != 0) {
			fprintf(stderr, "lianxin migrate-data: no database at %s\n", path);
			goto cleanup;
		}
	}
	if (strcmp(from, to) == 0) {
		fprintf(stderr, "lianxin migrate-data: --from and --to are the same database\n");
		goto cleanup;
	}
	if (lx_md_tables(&t, &nt) != LX_OK)
		goto cleanup;
	if (lx_db_open(from, &src, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin migrate-data: source: %s\n", err);
		goto cleanup;
	}
	if (lx_cli_open(to, &dst) != LX_OK)
		goto cleanup;
	/* the same schema on both sides: the source is never written here */
	vsrc = lx_md_schema_version(src);
	vdst = lx_md_schema_version(dst);
	if (!vsrc || !vdst || strcmp(vsrc, vdst) != 0) {
		fprintf(stderr, "lianxin migrate-data: the source's schema (%s) is not the target's (%s); "
				"upgrade the source first (lianxin init --db SOURCE)\n",
			vsrc ? vsrc : "none", vdst ? vdst : "none");
		goto cleanup;
	}
	/* one snapshot of the source, one transaction on the target */
	if (lx_db_begin(src, false) != LX_OK) {
		fprintf(stderr, "lianxin migrate-data: begin: %s\n", lx_db_errmsg(src));
		goto cleanup;
	}
	src_tx = true;
	if (lx_db_begin(dst, true) != LX_OK) {
		fprintf(stderr, "lianxin migrate-data: begin: %s\n", lx_db_errmsg(dst));
		goto cleanup;
	}
	dst_tx = true;
	bool refuse = false;
	for (int i = 0; i < nt; i++) {
		if (t[i].seeded)
			continue;
		char *sql = lx_xasprintf("SELECT COUNT(*) FROM %s", t[i].name);
		int64_t n = 0;
		int qrc = lx_db_query_int(dst, sql, &n);
		free(sql);
		if (qrc != LX_OK) {
			fprintf(stderr, "lianxin migrate-data: target %s: %s\n", t[i].name, lx_db_errmsg(dst));
			goto cleanup;
		}
		if (n > 0) {
			fprintf(stderr, "lianxin migrate-data: the target already holds %" PRId64 " rows in %s\n",
				n, t[i].name);
			refuse = true;
		}
	}
	if (refuse) {
		fprintf(stderr, "lianxin migrate-data: refusing to write into a database that holds data; "
				"nothing was changed (migrate into a new, empty database)\n");
		goto cleanup;
	}
	/* what the migrations seeded gives way to the source's rows */
	for (int i = nt - 1; i >= 0; i--) {
		if (!t[i].seeded)
			continue;
		char *sql = lx_xasprintf("DELETE FROM %s", t[i].name);
		int erc = lx_db_exec(dst, sql);
		free(sql);
		if (erc != LX_OK) {
			fprintf(stderr, "lianxin migrate-data: clearing %s: %s\n", t[i].name, lx_db_errmsg(dst));
			goto cleanup;
		}
	}
	for (int i = 0; i < nt; i++) {
		if (lx_md_copy_table(src, dst, &t[i]) != LX_OK)
			goto cleanup;
		total += t[i].src_rows;
	}
	if (lx_case_fts_rebuild(dst, 0, &indexed) != LX_OK) {
		fprintf(stderr, "lianxin migrate-data: search index: %s\n", lx_db_errmsg(dst));
		goto cleanup;
	}
	/* the derived tables of driver-only migrations: built again from the
	 * copied rows by the same SQL that first filled them */
	if (lx_scope_rebuild(dst) != LX_OK || lx_rollup_rebuild_months(dst) != LX_OK) {
		fprintf(stderr, "lianxin migrate-data: visibility index and monthly roll-ups: %s\n",
			lx_db_errmsg(dst));
		goto cleanup;
	}
	if (strcmp(lx_db_kind(dst), "postgresql") == 0) {
		/* identity columns continue after the copied ids */
		for (int i = 0; i < nt; i++) {
			if (!(t[i].npk == 1 && strcmp(t[i].pk[0], "id") == 0))
				continue;
			char *sql = lx_xasprintf("SELECT setval(pg_get_serial_sequence(?, 'id'), "
						 "(SELECT COALESCE(MAX(id), 0) + 1 FROM %s), false)",
						 t[i].name);
			lx_stmt *st = lx_db_prepare(dst, sql);
			int step = LX_ERR;
			if (st) {
				lx_stmt_bind_text(st, 1, t[i].name);
				step = lx_stmt_step(st);
				lx_stmt_done(st);
			}
			free(sql);
			if (step != LX_ROW) {
				fprintf(stderr, "lianxin migrate-data: sequence of %s: %s\n", t[i].name,
					lx_db_errmsg(dst));
				goto cleanup;
			}
		}
	}
	if (lx_db_commit(dst) != LX_OK) {
		dst_tx = false;
		fprintf(stderr, "lianxin migrate-data: commit: %s\n", lx_db_errmsg(dst));
		goto cleanup;
	}
	dst_tx = false;
	double copied = lx_md_seconds() - t0;

	/* verify: the target as stored against the source as read */
	bool ok = true;
	if (lx_db_begin(dst, false) != LX_OK) {
		fprintf(stderr, "lianxin migrate-data: begin: %s\n", lx_db_errmsg(dst));
		goto cleanup;
	}
	dst_tx = true;
	printf("%-26s %12s %12s  %-16s  %-16s\n", "table", "source rows", "target rows", "source checksum",
	       "target checksum");
	for (int i = 0; i < nt; i++) {
		if (lx_md_checksum(dst, &t[i], &t[i].dst_rows, &t[i].dst_sum) != LX_OK) {
			fprintf(stderr, "lianxin migrate-data: verifying %s: %s\n", t[i].name, lx_db_errmsg(dst));
			goto cleanup;
		}
		bool same = t[i].src_rows == t[i].dst_rows && t[i].src_sum == t[i].dst_sum;
		ok = ok && same;
		printf("%-26s %12" PRId64 " %12" PRId64 "  %016" PRIx64 "  %016" PRIx64 "  %s\n", t[i].name,
		       t[i].src_rows, t[i].dst_rows, t[i].src_sum, t[i].dst_sum, same ? "ok" : "MISMATCH");
	}
	lx_db_rollback(dst);
	dst_tx = false;
	if (!ok) {
		fprintf(stderr, "lianxin migrate-data: the target differs from the source\n");
		goto cleanup;
	}
	printf("migrate-data: %d tables, %" PRId64 " rows and %" PRId64 " indexed cases copied in %.2f s, "
	       "verified in %.2f s: counts and checksums match\n",
	       nt, total, indexed, copied, lx_md_seconds() - t0 - copied);
	rc = LX_OK;
cleanup:
	if (dst_tx)
		lx_db_rollback(dst);
	if (src_tx)
		lx_db_rollback(src);
	free(vsrc);
	free(vdst);
	lx_md_tables_free(t, nt);
	lx_db_close(src);
	lx_db_close(dst);
	return rc;
}
