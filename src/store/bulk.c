/*
 * bulk.c - the second writer of a bulk load (SQLite).
 *
 * SQLite lets one connection at a time write a database, so while `lianxin
 * gen` writes cases and timelines one core works and the other waits. Two
 * tables derived from a case depend on nothing but the case as inserted:
 * its search terms (case_fts) and its visibility rows (case_scope). A second
 * thread writes them into two scratch databases beside the first, from the
 * cases handed to it as they are inserted. Two, because FTS5 flushes its
 * pending terms as a new segment whenever a statement of its connection
 * opens a savepoint, which each multi-row INSERT into case_scope did: in
 * one file the visibility rows took four times as long and the thread fell
 * behind the loader. At the end both are copied into
 * the database with INSERT INTO ... SELECT *, which SQLite runs as a copy of
 * records when source and target have the same definition (the scratch
 * tables are created from the database's own schema SQL) and the target is
 * empty. The FTS5 index is copied through its shadow tables (case_fts_data
 * and case_fts_idx; case_fts_config holds only the version, which both
 * tables were created with): the scratch index was written by the same
 * SQLite with the same options, so the copy is the index the database
 * would have built itself.
 *
 * The scratch connections are private to their thread and never meet the
 * writers of the database: they take no part in the process-wide writer
 * queue of store/sqlite.c (plain BEGIN/COMMIT through lx_db_exec).
 */
#include "driver.h"
#include "repo.h"
#include "repo_scope.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Cases go to the thread in chunks (one lock per chunk), and at most
 * LX_BULK_QUEUE chunks wait: the loader blocks when the thread is behind,
 * so memory stays bounded whatever the size of the load. */
#define LX_BULK_CHUNK 2048
#define LX_BULK_QUEUE 16
/* cases per scratch transaction: FTS5 writes a segment at every commit */
#define LX_BULK_TX 100000

struct lx_bulk_item {
	int64_t id;
	char status[16];
	char *scope_path, *unit_path, *title, *description;
};

struct lx_bulk_chunk {
	struct lx_bulk_item item[LX_BULK_CHUNK];
	size_t n;
	struct lx_bulk_chunk *next;
};

/* The scratch files: the search index, the visibility index. */
enum { LX_BULK_FTS, LX_BULK_VIS, LX_BULK_FILES };
static const char *const lx_bulk_suffix[LX_BULK_FILES] = {".bulk-fts", ".bulk-scope"};
static const char *const lx_bulk_table[LX_BULK_FILES] = {"case_fts", "case_scope"};

struct lx_bulk_side {
	lx_db *scratch[LX_BULK_FILES];
	char *path[LX_BULK_FILES];
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;             /* a chunk queued, room freed, or closing */
	struct lx_bulk_chunk *head, *tail;
	size_t queued;
	bool closing;
	int rc;                        /* the thread's first error (under mu) */
	struct lx_bulk_chunk *fill;    /* the loader's chunk being filled */
	lx_ms waited;                  /* the loader's time blocked on a full queue */
	char err[256];
};

static void lx_bulk_item_clear(struct lx_bulk_item *it)
{
	free(it->scope_path);
	free(it->unit_path);
	free(it->title);
	free(it->description);
}

/* Writes the search terms and the visibility rows of one chunk, each to
 * its own scratch file. */
static int lx_bulk_write_chunk(lx_bulk_side *s, lx_scope_batch *b, struct lx_bulk_chunk *c)
{
	int rc = LX_OK;
	for (size_t i = 0; i < c->n && rc == LX_OK; i++) {
		struct lx_bulk_item *it = &c->item[i];
		char *terms = lx_case_terms(it->title, it->description);
		if (*terms)
			rc = lx_db_fts_index(s->scratch[LX_BULK_FTS], it->id, terms);
		free(terms);
		lx_scope_batch_path(b, it->scope_path);
		lx_scope_batch_path(b, it->unit_path);
		if (rc == LX_OK)
			rc = lx_scope_batch_put(s->scratch[LX_BULK_VIS], b, it->id, it->status);
	}
	return rc;
}

/* Runs sql (BEGIN, COMMIT, ROLLBACK) on both scratch files. */
static int lx_bulk_exec(lx_bulk_side *s, const char *sql)
{
	int rc = LX_OK;
	for (int f = 0; f < LX_BULK_FILES; f++)
		if (lx_db_exec(s->scratch[f], sql) != LX_OK && rc == LX_OK)
			rc = LX_ERR;
	return rc;
}

/* Keeps the thread's first error and its message (under s->mu). */
static void lx_bulk_fail(lx_bulk_side *s, int rc)
{
	pthread_mutex_lock(&s->mu);
	if (s->rc == LX_OK && rc != LX_OK) {
		s->rc = rc;
		snprintf(s->err, sizeof s->err, "%s / %s", lx_db_errmsg(s->scratch[LX_BULK_FTS]),
			 lx_db_errmsg(s->scratch[LX_BULK_VIS]));
	}
	pthread_mutex_unlock(&s->mu);
}

static void *lx_bulk_main(void *arg)
{
	lx_bulk_side *s = arg;
	lx_scope_batch *b = lx_scope_batch_new();
	long since = 0;
	bool in_tx = false;
	int rc = LX_OK;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		while (!s->head && !s->closing)
			pthread_cond_wait(&s->cv, &s->mu);
		struct lx_bulk_chunk *c = s->head;
		if (c) {
			s->head = c->next;
			if (!s->head)
				s->tail = NULL;
			s->queued--;
			pthread_cond_broadcast(&s->cv);
		}
		pthread_mutex_unlock(&s->mu);
		if (!c)
			break;
		if (rc == LX_OK && !in_tx) {
			rc = lx_bulk_exec(s, "BEGIN");
			in_tx = true;
		}
		/* after an error, chunks are still taken (and dropped) so that
		 * the loader never blocks on a full queue */
		if (rc == LX_OK)
			rc = lx_bulk_write_chunk(s, b, c);
		since += (long)c->n;
		if (rc == LX_OK && since >= LX_BULK_TX) {
			rc = lx_scope_batch_flush(s->scratch[LX_BULK_VIS], b);
			if (rc == LX_OK)
				rc = lx_bulk_exec(s, "COMMIT");
			in_tx = rc != LX_OK;
			since = 0;
		}
		for (size_t i = 0; i < c->n; i++)
			lx_bulk_item_clear(&c->item[i]);
		free(c);
		lx_bulk_fail(s, rc);
	}
	if (rc == LX_OK)
		rc = lx_scope_batch_flush(s->scratch[LX_BULK_VIS], b);
	if (rc == LX_OK && in_tx)
		rc = lx_bulk_exec(s, "COMMIT");
	else if (in_tx)
		lx_bulk_exec(s, "ROLLBACK");
	lx_scope_batch_free(b);
	lx_bulk_fail(s, rc);
	return NULL;
}

/* Removes a scratch file and what SQLite may have left beside it. */
static void lx_bulk_unlink(const char *path)
{
	static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
		char *p = lx_xasprintf("%s%s", path, sfx[i]);
		unlink(p);
		free(p);
	}
}

/* Creates table in scratch with db's own definition. */
static int lx_bulk_schema(lx_db *db, lx_db *scratch, const char *table)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, table);
	int rc = lx_stmt_step(st);
	char *sql = rc == LX_ROW ? lx_stmt_dup(st, 0) : NULL;
	lx_stmt_done(st);
	rc = sql ? lx_db_exec(scratch, sql) : LX_ERR;
	free(sql);
	return rc;
}

/* Closes and removes the scratch files, frees s. */
static void lx_bulk_free(lx_bulk_side *s)
{
	for (int f = 0; f < LX_BULK_FILES; f++) {
		lx_db_close(s->scratch[f]);
		if (s->path[f])
			lx_bulk_unlink(s->path[f]);
		free(s->path[f]);
	}
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

int lx_bulk_side_start(lx_db *db, lx_bulk_side **out)
{
	*out = NULL;
	if (strcmp(lx_db_kind(db), "sqlite") != 0)
		return LX_OK;
	lx_stmt *st = lx_db_prepare(db, "SELECT file FROM pragma_database_list WHERE name = 'main'");
	if (!st)
		return LX_ERR;
	char *file = lx_stmt_step(st) == LX_ROW ? lx_stmt_dup(st, 0) : NULL;
	lx_stmt_done(st);
	if (!file || !*file) {
		/* an in-memory or temporary database: nowhere to put a scratch
		 * file beside it; the caller rebuilds after the load */
		free(file);
		return LX_OK;
	}
	lx_bulk_side *s = lx_xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	int rc = LX_OK;
	for (int f = 0; f < LX_BULK_FILES && rc == LX_OK; f++) {
		s->path[f] = lx_xasprintf("%s%s", file, lx_bulk_suffix[f]);
		lx_bulk_unlink(s->path[f]);
		char *url = lx_xasprintf("sqlite:%s", s->path[f]);
		char err[256];
		rc = lx_db_open(url, &s->scratch[f], err, sizeof err);
		free(url);
		if (rc != LX_OK) {
			fprintf(stderr, "lianxin: %s\n", err);
			break;
		}
		/* scratch: written once, read once, then deleted; at 10M cases
		 * the visibility rows grow at the ends of ~35k (unit, status)
		 * ranges, whose last pages should stay in the cache */
		rc = lx_db_exec(s->scratch[f], "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
						"PRAGMA cache_size=-262144;");
		if (rc == LX_OK)
			rc = lx_bulk_schema(db, s->scratch[f], lx_bulk_table[f]);
	}
	free(file);
	if (rc == LX_OK && pthread_create(&s->thread, NULL, lx_bulk_main, s) != 0)
		rc = LX_ERR;
	if (rc != LX_OK) {
		lx_bulk_free(s);
		return rc;
	}
	pthread_setname_np(s->thread, "lx-bulk");
	*out = s;
	return LX_OK;
}

/* Hands the loader's chunk to the thread, waiting while the queue is full. */
static void lx_bulk_push(lx_bulk_side *s)
{
	struct lx_bulk_chunk *c = s->fill;
	s->fill = NULL;
	if (!c)
		return;
	pthread_mutex_lock(&s->mu);
	if (s->queued >= LX_BULK_QUEUE) {
		lx_ms t0 = lx_now_ms();
		while (s->queued >= LX_BULK_QUEUE)
			pthread_cond_wait(&s->cv, &s->mu);
		s->waited += lx_now_ms() - t0;
	}
	if (s->tail)
		s->tail->next = c;
	else
		s->head = c;
	s->tail = c;
	s->queued++;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void lx_bulk_side_case(lx_bulk_side *s, const lx_case *c)
{
	assert(c->id > 0);
	if (!s->fill)
		s->fill = lx_xcalloc(1, sizeof *s->fill);
	struct lx_bulk_item *it = &s->fill->item[s->fill->n++];
	/* what lx_scope_case_insert and lx_case_terms read (NULL stays NULL) */
	it->id = c->id;
	snprintf(it->status, sizeof it->status, "%s", c->status);
	it->scope_path = lx_xstrdup(c->scope_path);
	it->unit_path = lx_xstrdup(c->unit_path);
	it->title = lx_xstrdup(c->title);
	it->description = lx_xstrdup(c->description);
	if (s->fill->n == LX_BULK_CHUNK)
		lx_bulk_push(s);
}

/* Attaches the scratch file at path as schema name. */
static int lx_bulk_attach(lx_db *db, const char *path, const char *name)
{
	char *sql = lx_xasprintf("ATTACH ? AS %s", name);
	lx_stmt *st = lx_db_prepare(db, sql);
	free(sql);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, path);
	int rc = lx_stmt_step(st) == LX_DONE ? LX_OK : LX_ERR;
	lx_stmt_done(st);
	return rc;
}

/* Empties db's table and copies the one of the attached schema into it. */
static int lx_bulk_copy(lx_db *db, const char *schema, const char *table)
{
	char *sql = lx_xasprintf("DELETE FROM main.%s; INSERT INTO main.%s SELECT * FROM %s.%s;", table,
				 table, schema, table);
	int rc = lx_db_exec(db, sql);
	free(sql);
	return rc;
}

int lx_bulk_side_finish(lx_bulk_side *s, lx_db *db, lx_ms *waited)
{
	if (!s)
		return LX_OK;
	lx_bulk_push(s);
	if (waited)
		*waited = s->waited;
	pthread_mutex_lock(&s->mu);
	s->closing = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	int rc = s->rc;
	if (rc != LX_OK)
		fprintf(stderr, "lianxin: the bulk load's second writer failed: %s\n", s->err);
	for (int f = 0; f < LX_BULK_FILES; f++) {
		lx_db_close(s->scratch[f]);
		s->scratch[f] = NULL;
	}
	if (rc == LX_OK && db) {
		/* attached outside the transaction: DETACH is refused inside */
		bool fts, vis;
		rc = lx_bulk_attach(db, s->path[LX_BULK_FTS], "lx_bulk_fts");
		fts = rc == LX_OK;
		if (rc == LX_OK)
			rc = lx_bulk_attach(db, s->path[LX_BULK_VIS], "lx_bulk_vis");
		vis = fts && rc == LX_OK;
		if (rc == LX_OK)
			rc = lx_db_begin(db, true);
		if (rc == LX_OK) {
			/* the FTS5 index is its shadow tables (case_fts_config, the
			 * version, was written alike when each table was created) */
			rc = lx_bulk_copy(db, "lx_bulk_fts", "case_fts_data");
			if (rc == LX_OK)
				rc = lx_bulk_copy(db, "lx_bulk_fts", "case_fts_idx");
			if (rc == LX_OK)
				rc = lx_bulk_copy(db, "lx_bulk_vis", "case_scope");
			if (rc == LX_OK)
				rc = lx_db_commit(db);
			else
				lx_db_rollback(db);
		}
		if (fts && lx_db_exec(db, "DETACH lx_bulk_fts") != LX_OK && rc == LX_OK)
			rc = LX_ERR;
		if (vis && lx_db_exec(db, "DETACH lx_bulk_vis") != LX_OK && rc == LX_OK)
			rc = LX_ERR;
	}
	lx_bulk_free(s);
	return rc;
}

/* ---- the load around the second writer ---- */

int lx_bulk_load_begin(lx_db *db, char ***sql, size_t *n)
{
	/* no journal while loading: pages are written once, not to the WAL
	 * and then again by the checkpoint */
	int rc = lx_db_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;");
	if (rc != LX_OK)
		return rc;
	lx_stmt *st = lx_db_prepare(db, "SELECT m.name, m.sql FROM sqlite_master m "
					"JOIN pragma_index_list(m.tbl_name) p ON p.name = m.name "
					"WHERE m.type = 'index' AND m.tbl_name IN ('cases', 'case_events') "
					"AND m.sql IS NOT NULL AND p.partial = 0");
	if (!st)
		return LX_ERR;
	char **names = NULL;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		*sql = lx_xrealloc(*sql, (*n + 1) * sizeof **sql);
		names = lx_xrealloc(names, (*n + 1) * sizeof *names);
		names[*n] = lx_xasprintf("DROP INDEX %s", lx_stmt_text(st, 0));
		(*sql)[(*n)++] = lx_stmt_dup(st, 1);
	}
	lx_stmt_done(st);
	rc = rc == LX_DONE ? LX_OK : LX_ERR;
	for (size_t i = 0; i < *n; i++) {
		if (rc == LX_OK)
			rc = lx_db_exec(db, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}

int lx_bulk_load_end(lx_db *db)
{
	/* statistics from a sample of each index: a full ANALYZE read every
	 * index of 10M cases once more */
	return lx_db_exec(db, "PRAGMA analysis_limit=2000; ANALYZE; PRAGMA journal_mode=WAL;");
}
