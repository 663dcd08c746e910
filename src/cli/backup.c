/*
 * backup.c - `lianxin backup --db PATH --to FILE` and
 * `lianxin restore --from FILE --db PATH` (SQLite; store/backup.c does the
 * database part, this file the files).
 *
 * Both write a temporary file beside their target (FILE.tmp-XXXXXX, mode
 * 0600), check it, fsync it, rename it over the target and fsync the
 * directory, so the target is either the old file or the whole new one; on
 * any failure the temporary file is removed and the target left untouched.
 *
 * backup copies a consistent snapshot of a database that a server may be
 * writing to (store/backup.c says how). restore refuses a file that fails
 * the checks (integrity, a lianxin schema not newer than this binary) and a
 * target that some process has open, such as a running server; it removes
 * the target's stale -wal and -shm before putting the copy in place, so the
 * next `serve` reads exactly the backup (and migrates it when it is older).
 *
 * PostgreSQL databases are backed up with pg_dump or pg_basebackup, not
 * here: both commands refuse a postgresql:// URL and say where to look
 * (docs/operations.md, "Backups").
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static bool lx_bk_is_pg(const char *url)
{
	return strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0;
}

static const char *lx_bk_path(const char *url)
{
	return strncmp(url, "sqlite:", 7) == 0 ? url + 7 : url;
}

static double lx_bk_seconds(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Creates an empty temporary file beside target; returns its malloc'd
 * name (caller frees and removes it) or NULL with errno set. */
static char *lx_bk_temp(const char *target)
{
	char *name = lx_xasprintf("%s.tmp-XXXXXX", target);
	int fd = mkstemp(name);
	if (fd < 0) {
		int e = errno;
		free(name);
		errno = e;
		return NULL;
	}
	close(fd);
	return name;
}

/* Removes the journal files SQLite may have made beside path, and with
 * self path itself. */
static void lx_bk_remove(const char *path, bool self)
{
	static const char *const side[] = {"", "-journal", "-wal", "-shm"};
	for (size_t i = self ? 0 : 1; i < sizeof side / sizeof side[0]; i++) {
		char *p = lx_xasprintf("%s%s", path, side[i]);
		unlink(p);
		free(p);
	}
}

/* fsyncs a file, or with dir the directory holding it. LX_OK or LX_ERR (errno). */
static int lx_bk_fsync(const char *path, bool dir)
{
	char *copy = lx_xstrdup(path);
	int fd = open(dir ? dirname(copy) : copy, O_RDONLY | (dir ? O_DIRECTORY : 0));
	int rc = fd >= 0 && fsync(fd) == 0 ? LX_OK : LX_ERR;
	int e = errno;
	if (fd >= 0)
		close(fd);
	free(copy);
	errno = e;
	return rc;
}

/* Renames the finished tmp over to and syncs their directory, so the new
 * name survives a crash; says what failed for cmd ("backup", "restore").
 * LX_OK or LX_ERR. */
static int lx_bk_rename_durably(const char *cmd, const char *tmp, const char *to)
{
	if (rename(tmp, to) != 0) {
		fprintf(stderr, "lianxin %s: cannot put %s in place: %s\n", cmd, to, strerror(errno));
		return LX_ERR;
	}
	if (lx_bk_fsync(to, true) != LX_OK) {
		fprintf(stderr, "lianxin %s: cannot sync the directory of %s: %s\n", cmd, to, strerror(errno));
		return LX_ERR;
	}
	return LX_OK;
}

/* Appends the bytes of the file from to the file to. LX_OK or LX_ERR (message). */
static int lx_bk_copy_bytes(const char *from, const char *to, int64_t *bytes)
{
	int in = -1, out = -1, rc = LX_ERR;
	static char buf[1 << 16];
	*bytes = 0;
	in = open(from, O_RDONLY);
	if (in < 0) {
		fprintf(stderr, "lianxin restore: cannot read %s: %s\n", from, strerror(errno));
		goto cleanup;
	}
	out = open(to, O_WRONLY | O_TRUNC);
	if (out < 0) {
		fprintf(stderr, "lianxin restore: cannot write %s: %s\n", to, strerror(errno));
		goto cleanup;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "lianxin restore: cannot read %s: %s\n", from, strerror(errno));
			goto cleanup;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				fprintf(stderr, "lianxin restore: cannot write %s: %s\n", to,
					strerror(errno));
				goto cleanup;
			}
			off += w;
		}
		*bytes += n;
	}
	if (close(out) != 0) {
		out = -1;
		fprintf(stderr, "lianxin restore: cannot write %s: %s\n", to, strerror(errno));
		goto cleanup;
	}
	out = -1;
	rc = LX_OK;
cleanup:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static void lx_bk_pg_refusal(const char *cmd)
{
	fprintf(stderr,
		"lianxin %s: --db is a PostgreSQL URL; lianxin backs up SQLite files only.\n"
		"  Use pg_dump -Fc (a consistent snapshot while the nodes serve) and pg_restore,\n"
		"  or pg_basebackup with WAL archiving: docs/operations.md, \"Backups\".\n",
		cmd);
}

int lx_cli_backup(const char *db, const char *to)
{
	char err[512];
	char *tmp = NULL;
	int rc = LX_ERR;
	lx_backup_stats st;
	struct stat sdb, sto;
	struct timespec t0;

	if (!to) {
		fprintf(stderr, "lianxin backup: --db PATH and --to FILE are required\n");
		return LX_INVALID;
	}
	if (lx_bk_is_pg(db)) {
		lx_bk_pg_refusal("backup");
		return LX_INVALID;
	}
	const char *path = lx_bk_path(db);
	if (stat(path, &sdb) != 0 || !S_ISREG(sdb.st_mode)) {
		fprintf(stderr, "lianxin backup: no database at %s\n", path);
		goto cleanup;
	}
	if (stat(to, &sto) == 0 && sto.st_dev == sdb.st_dev && sto.st_ino == sdb.st_ino) {
		fprintf(stderr, "lianxin backup: --to names the database itself\n");
		goto cleanup;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	tmp = lx_bk_temp(to);
	if (!tmp) {
		fprintf(stderr, "lianxin backup: cannot create a file beside %s: %s\n", to,
			strerror(errno));
		goto cleanup;
	}
	if (lx_backup_copy(path, tmp, &st, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin backup: %s: %s\n", path, err);
		goto cleanup;
	}
	double took = lx_bk_seconds(&t0);
	if (lx_bk_fsync(tmp, false) != LX_OK) {
		fprintf(stderr, "lianxin backup: cannot write %s: %s\n", to, strerror(errno));
		goto cleanup;
	}
	if (lx_bk_rename_durably("backup", tmp, to) != LX_OK)
		goto cleanup;
	free(tmp);
	tmp = NULL;
	printf("lianxin backup: %s -> %s: %lld pages, %lld bytes (%.1f MiB) in %.3f s "
	       "(copy %.3f s in %lld steps, %lld waits; check %.3f s); integrity ok\n",
	       path, to, (long long)st.pages, (long long)st.bytes, (double)st.bytes / 1048576.0, took,
	       (double)st.copy_ms / 1e3, (long long)st.steps, (long long)st.waits,
	       (double)st.check_ms / 1e3);
	rc = LX_OK;
cleanup:
	if (tmp) {
		lx_bk_remove(tmp, true);
		free(tmp);
	}
	return rc;
}

/* Refuses a target that is open in some process; LX_OK when it is not. */
static int lx_bk_target_idle(const char *path)
{
	char err[512];
	int rc = lx_backup_idle(path, err, sizeof err);
	if (rc == LX_BUSY)
		fprintf(stderr,
			"lianxin restore: refusing: %s is in use (a running lianxin serve?); stop it first\n",
			path);
	else if (rc == LX_INVALID)
		fprintf(stderr, "lianxin restore: refusing: %s exists and is no SQLite database (%s)\n",
			path, err);
	else if (rc != LX_OK)
		fprintf(stderr, "lianxin restore: %s\n", err);
	return rc;
}

int lx_cli_restore(const char *from, const char *db)
{
	char err[512];
	char *tmp = NULL;
	int rc = LX_ERR;
	int64_t bytes = 0;
	struct stat sfrom, sdb;
	bool exists;
	struct timespec t0;

	if (!from) {
		fprintf(stderr, "lianxin restore: --from FILE and --db PATH are required\n");
		return LX_INVALID;
	}
	if (lx_bk_is_pg(db)) {
		lx_bk_pg_refusal("restore");
		return LX_INVALID;
	}
	const char *path = lx_bk_path(db);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (stat(from, &sfrom) != 0 || !S_ISREG(sfrom.st_mode)) {
		fprintf(stderr, "lianxin restore: no backup file at %s\n", from);
		goto cleanup;
	}
	exists = stat(path, &sdb) == 0;
	if (exists && !S_ISREG(sdb.st_mode)) {
		fprintf(stderr, "lianxin restore: refusing: %s is not a file\n", path);
		goto cleanup;
	}
	if (exists && sdb.st_dev == sfrom.st_dev && sdb.st_ino == sfrom.st_ino) {
		fprintf(stderr, "lianxin restore: --from and --db name the same file\n");
		goto cleanup;
	}
	/* before copying a large file: fail fast on a served target */
	if (exists && lx_bk_target_idle(path) != LX_OK)
		goto cleanup;
	tmp = lx_bk_temp(path);
	if (!tmp) {
		fprintf(stderr, "lianxin restore: cannot create a file beside %s: %s\n", path,
			strerror(errno));
		goto cleanup;
	}
	if (lx_bk_copy_bytes(from, tmp, &bytes) != LX_OK)
		goto cleanup;
	rc = lx_backup_check(tmp, err, sizeof err);
	if (rc != LX_OK) {
		fprintf(stderr, "lianxin restore: refusing %s: %s\n", from, err);
		rc = LX_ERR;
		goto cleanup;
	}
	rc = LX_ERR;
	lx_bk_remove(tmp, false); /* nothing is left beside it after the check, to be sure */
	/* the restored file keeps the old one's mode (and owner, as root) */
	if (exists && (chmod(tmp, sdb.st_mode & 07777) != 0 ||
		       (geteuid() == 0 && chown(tmp, sdb.st_uid, sdb.st_gid) != 0))) {
		fprintf(stderr, "lianxin restore: cannot set the mode of %s: %s\n", tmp,
			strerror(errno));
		goto cleanup;
	}
	if (lx_bk_fsync(tmp, false) != LX_OK) {
		fprintf(stderr, "lianxin restore: cannot write %s: %s\n", tmp, strerror(errno));
		goto cleanup;
	}
	/* again, just before the swap: a server may have started meanwhile */
	if (exists && lx_bk_target_idle(path) != LX_OK)
		goto cleanup;
	/* the old file's WAL and index must not be read with the new file */
	static const char *const side[] = {"-wal", "-shm"};
	for (size_t i = 0; i < 2; i++) {
		char *p = lx_xasprintf("%s%s", path, side[i]);
		int gone = unlink(p) == 0 || errno == ENOENT;
		if (!gone)
			fprintf(stderr, "lianxin restore: cannot remove %s: %s\n", p, strerror(errno));
		free(p);
		if (!gone)
			goto cleanup;
	}
	if (lx_bk_rename_durably("restore", tmp, path) != LX_OK)
		goto cleanup;
	free(tmp);
	tmp = NULL;
	printf("lianxin restore: %s -> %s: %lld bytes in %.3f s; integrity ok; "
	       "`lianxin serve` applies any newer migrations\n",
	       from, path, (long long)bytes, lx_bk_seconds(&t0));
	rc = LX_OK;
cleanup:
	if (tmp) {
		lx_bk_remove(tmp, true);
		free(tmp);
	}
	return rc;
}
