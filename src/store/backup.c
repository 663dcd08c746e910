/*
 * backup.c - online backups of a SQLite database, and the checks a restore
 * makes (`lianxin backup`, `lianxin restore`: cli/backup.c handles the
 * files, this file the database).
 *
 * The copy is SQLite's online backup API, sqlite3_backup_step in chunks of
 * LX_BACKUP_CHUNK pages, run inside one read transaction of the source that
 * this file opens first. A backup step that finds the source already in a
 * read transaction keeps it across steps (it opens and closes one itself
 * only when there is none), so every chunk reads the same snapshot: a
 * server writing to the database from another process neither restarts the
 * copy nor waits for it (WAL: readers and the writer do not block each
 * other; the checkpointer does not copy frames past a reader's snapshot).
 * The copy then leaves WAL mode, so it is one self-contained file, and is
 * checked like a restore checks its input (lx_backup_check).
 *
 * In use: every connection of a serving lianxin holds a shared lock on the
 * database file for as long as it is open (WAL mode never drops it between
 * transactions), so a connection in exclusive locking mode, which needs an
 * exclusive lock on the file to open the WAL, cannot get it while any
 * server has the file open, busy or idle.
 */
#include "db.h"
#include "lx.h"

#include <errno.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LX_BACKUP_CHUNK 256     /* pages per sqlite3_backup_step */
#define LX_BACKUP_BUSY_MS 60000 /* give up after waiting this long in all */
#define LX_BACKUP_NAP_MS 10     /* sleep on SQLITE_BUSY / SQLITE_LOCKED */

/* The embedded migrations (generated schema_files.c, cmake/embed.cmake),
 * also read by store/migrate.c. */
struct lx_schema_file {
	const char *name;
	const char *sql;
};
extern const struct lx_schema_file lx_schema_files[];

static const char *lx_backup_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

static int64_t lx_backup_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void lx_backup_nap(void)
{
	struct timespec ts = {0, LX_BACKUP_NAP_MS * 1000000L};
	nanosleep(&ts, NULL);
}

/* The LX_ status of a failed SQLite call: LX_BUSY for a lock, LX_INVALID
 * for a file that is no (sound) database, LX_ERR otherwise; the message
 * goes to err. */
static int lx_backup_fail(sqlite3 *h, int rc, const char *what, char *err, size_t errsz)
{
	snprintf(err, errsz, "%s: %s", what, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return LX_BUSY;
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return LX_INVALID;
	default:
		return LX_ERR;
	}
}

/* Opens path read-write without creating it. LX_OK with *out (caller
 * closes with sqlite3_close, also on failure), or a status with err. */
static int lx_backup_open(const char *path, sqlite3 **out, char *err, size_t errsz)
{
	int rc = sqlite3_open_v2(path, out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return lx_backup_fail(*out, rc, path, err, errsz);
	sqlite3_extended_result_codes(*out, 0);
	return LX_OK;
}

static bool lx_backup_known(const char *name)
{
	for (const struct lx_schema_file *f = lx_schema_files; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return true;
	return false;
}

/* The checks of lx_backup_check on an open connection. */
static int lx_backup_verify(sqlite3 *h, char *err, size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int rc = LX_ERR, step, n = 0;

	step = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL);
	if (step == SQLITE_OK)
		step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = lx_backup_fail(h, step, "integrity_check", err, errsz);
		goto cleanup;
	}
	const char *verdict = (const char *)sqlite3_column_text(st, 0);
	if (!verdict || strcmp(verdict, "ok") != 0) {
		snprintf(err, errsz, "integrity_check: %s", verdict ? verdict : "no answer");
		rc = LX_INVALID;
		goto cleanup;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (sqlite3_prepare_v2(h, "SELECT name FROM schema_migrations ORDER BY name", -1, &st,
			       NULL) != SQLITE_OK) {
		snprintf(err, errsz, "not a lianxin database (%s)", sqlite3_errmsg(h));
		rc = LX_INVALID;
		goto cleanup;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (!name || !lx_backup_known(name)) {
			snprintf(err, errsz,
				 "made by a newer lianxin: migration %s is unknown to this binary (%s)",
				 name ? name : "NULL", LX_VERSION);
			rc = LX_INVALID;
			goto cleanup;
		}
		n++;
	}
	if (step != SQLITE_DONE) {
		rc = lx_backup_fail(h, step, "schema_migrations", err, errsz);
		goto cleanup;
	}
	if (n == 0) {
		snprintf(err, errsz, "not a lianxin database (no migration recorded)");
		rc = LX_INVALID;
		goto cleanup;
	}
	rc = LX_OK;
cleanup:
	sqlite3_finalize(st);
	return rc;
}

/* Whether the file at path is exactly as long as its own header says: the
 * page size (bytes 16-17) times the page count (bytes 28-31). A copy cut
 * short inside a page can pass integrity_check when the lost bytes were
 * unused space, so the length is checked first. Returns LX_OK or
 * LX_INVALID with err. */
static int lx_backup_length(const char *path, char *err, size_t errsz)
{
	unsigned char hdr[100];
	struct stat sb;
	int rc = LX_INVALID;
	FILE *f = fopen(path, "rb");
	if (!f || fstat(fileno(f), &sb) != 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		goto cleanup;
	}
	if (fread(hdr, 1, sizeof hdr, f) != sizeof hdr ||
	    memcmp(hdr, "SQLite format 3", 16) != 0) {
		snprintf(err, errsz, "not an SQLite database (no SQLite header)");
		goto cleanup;
	}
	int64_t page = ((int64_t)hdr[16] << 8) | hdr[17];
	if (page == 1)
		page = 65536;
	int64_t pages = ((int64_t)hdr[28] << 24) | ((int64_t)hdr[29] << 16) |
			((int64_t)hdr[30] << 8) | hdr[31];
	if (page < 512 || (page & (page - 1)) != 0 || (int64_t)sb.st_size != page * pages) {
		snprintf(err, errsz,
			 "cut short or padded: %lld bytes, but its header says %lld pages of %lld",
			 (long long)sb.st_size, (long long)pages, (long long)page);
		goto cleanup;
	}
	rc = LX_OK;
cleanup:
	if (f)
		fclose(f);
	return rc;
}

int lx_backup_check(const char *path, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	int rc = lx_backup_length(lx_backup_path(path), err, errsz);
	if (rc != LX_OK)
		return rc;
	rc = lx_backup_open(lx_backup_path(path), &h, err, errsz);
	if (rc == LX_OK) {
		sqlite3_busy_timeout(h, 5000);
		rc = lx_backup_verify(h, err, errsz);
	}
	sqlite3_close(h);
	return rc;
}

/* Holds a read transaction on src, so the backup's steps share one
 * snapshot; waits out a lock (a WAL being recovered) up to the deadline. */
static int lx_backup_snapshot(sqlite3 *src, char *err, size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int rc = LX_ERR, step = SQLITE_ERROR;
	char *msg = NULL;

	if (sqlite3_exec(src, "BEGIN", NULL, NULL, &msg) != SQLITE_OK) {
		snprintf(err, errsz, "begin: %s", msg ? msg : "?");
		goto cleanup;
	}
	/* a read: this is what opens the transaction's snapshot */
	step = sqlite3_prepare_v2(src, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'schema_migrations'",
				  -1, &st, NULL);
	if (step == SQLITE_OK)
		step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = lx_backup_fail(src, step, "read", err, errsz);
		goto cleanup;
	}
	if (sqlite3_column_int(st, 0) != 1) {
		snprintf(err, errsz, "not a lianxin database (no schema_migrations)");
		rc = LX_INVALID;
		goto cleanup;
	}
	rc = LX_OK;
cleanup:
	sqlite3_finalize(st);
	sqlite3_free(msg);
	return rc;
}

/* Copies src into dst in chunks, all inside src's current snapshot. */
static int lx_backup_pages(sqlite3 *src, sqlite3 *dst, lx_backup_stats *out, char *err,
			   size_t errsz)
{
	int rc = LX_ERR, step, waited = 0;
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b)
		return lx_backup_fail(dst, sqlite3_errcode(dst), "backup", err, errsz);
	for (;;) {
		step = sqlite3_backup_step(b, LX_BACKUP_CHUNK);
		out->steps++;
		if (step == SQLITE_OK)
			continue;
		if (step != SQLITE_BUSY && step != SQLITE_LOCKED)
			break;
		out->waits++;
		if ((waited += LX_BACKUP_NAP_MS) > LX_BACKUP_BUSY_MS)
			break;
		lx_backup_nap();
	}
	out->pages = sqlite3_backup_pagecount(b);
	int fin = sqlite3_backup_finish(b);
	if (step != SQLITE_DONE) {
		rc = lx_backup_fail(dst, step, "backup step", err, errsz);
		goto cleanup;
	}
	if (fin != SQLITE_OK) {
		rc = lx_backup_fail(dst, fin, "backup", err, errsz);
		goto cleanup;
	}
	rc = LX_OK;
cleanup:
	return rc;
}

/* Runs one statement that returns a row and compares its first column. */
static int lx_backup_pragma(sqlite3 *h, const char *sql, const char *want, int64_t *num,
			    char *err, size_t errsz)
{
	sqlite3_stmt *st = NULL;
	int rc = LX_ERR;
	int step = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
	if (step == SQLITE_OK)
		step = sqlite3_step(st);
	if (step != SQLITE_ROW) {
		rc = lx_backup_fail(h, step, sql, err, errsz);
		goto cleanup;
	}
	const char *v = (const char *)sqlite3_column_text(st, 0);
	if (want && (!v || strcmp(v, want) != 0)) {
		snprintf(err, errsz, "%s: %s", sql, v ? v : "NULL");
		goto cleanup;
	}
	if (num)
		*num = sqlite3_column_int64(st, 0);
	rc = LX_OK;
cleanup:
	sqlite3_finalize(st);
	return rc;
}

int lx_backup_copy(const char *src_url, const char *dst, lx_backup_stats *out, char *err,
		   size_t errsz)
{
	sqlite3 *src = NULL, *d = NULL;
	int rc = LX_ERR;
	int64_t page_size = 0, t0 = lx_backup_ms();

	memset(out, 0, sizeof *out);
	rc = lx_backup_open(lx_backup_path(src_url), &src, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	sqlite3_busy_timeout(src, LX_BACKUP_BUSY_MS);
	rc = lx_backup_snapshot(src, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_backup_pragma(src, "PRAGMA page_size", NULL, &page_size, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_backup_open(dst, &d, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	/* a scratch file until the caller renames it: no journal, and the one
	 * fsync is the caller's, after the checks */
	if (sqlite3_exec(d, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF", NULL, NULL, NULL) !=
	    SQLITE_OK) {
		rc = lx_backup_fail(d, sqlite3_errcode(d), dst, err, errsz);
		goto cleanup;
	}
	rc = lx_backup_pages(src, d, out, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	out->bytes = out->pages * page_size;
	sqlite3_exec(src, "COMMIT", NULL, NULL, NULL);
	sqlite3_close(src);
	src = NULL;
	sqlite3_close(d);
	d = NULL;
	/* The copied first page still says WAL: open it again (WAL, empty) and
	 * leave WAL mode, which rewrites that header, so the copy is one file
	 * that needs no -wal and opens read-only anywhere. */
	rc = lx_backup_open(dst, &d, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_backup_pragma(d, "PRAGMA journal_mode=DELETE", "delete", NULL, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	out->copy_ms = lx_backup_ms() - t0;
	rc = lx_backup_verify(d, err, errsz);
	out->check_ms = lx_backup_ms() - t0 - out->copy_ms;
	if (rc != LX_OK)
		snprintf(err + strlen(err), errsz - strlen(err), " (in the copy)");
cleanup:
	sqlite3_close(d);
	if (src)
		sqlite3_exec(src, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(src);
	return rc;
}

int lx_backup_idle(const char *path, char *err, size_t errsz)
{
	sqlite3 *h = NULL;
	char *msg = NULL;
	int rc = lx_backup_open(lx_backup_path(path), &h, err, errsz);
	if (rc != LX_OK)
		goto cleanup;
	sqlite3_busy_timeout(h, 300);
	int step = sqlite3_exec(h, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; "
				   "SELECT COUNT(*) FROM sqlite_master; COMMIT",
				NULL, NULL, &msg);
	if (step != SQLITE_OK) {
		rc = lx_backup_fail(h, step, lx_backup_path(path), err, errsz);
		goto cleanup;
	}
	rc = LX_OK;
cleanup:
	sqlite3_free(msg);
	sqlite3_close(h);
	return rc;
}
