/*
 * trail.c - audit rows a read leaves (an unmasked phone shown, an export,
 * an API key used): queued in memory and written by the sweeper's next
 * pass in one write job (lx_trail_flush), so a read never waits for the
 * writer. A repeat of the same actor, kind and target within
 * LX_TRAIL_REPEAT_MS is one row (but every export is its own). What a crash loses is at most one
 * sweeper interval of these (writes and logins are audited in their own
 * transaction, never here).
 */
#include "http.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_TRAIL_REPEAT_MS (10LL * 60 * 1000)
#define LX_TRAIL_SEEN 4096
#define LX_TRAIL_MAX 500000 /* queued rows kept at most (the writer is down): ~100 MB */

struct lx_trail_row {
	lx_audit a;
	char *strs[5]; /* owned copies: kind, login, addr, target, detail */
};

struct lx_trail_seen {
	uint64_t key;
	lx_ms at;
};

static pthread_mutex_t lx_trail_mu = PTHREAD_MUTEX_INITIALIZER;
static struct lx_trail_row *lx_trail_rows;
static size_t lx_trail_n, lx_trail_cap;
static struct lx_trail_seen lx_trail_seen[LX_TRAIL_SEEN];
static uint64_t lx_trail_dropped;

static uint64_t lx_trail_key(int64_t actor, const char *kind, const char *target)
{
	uint64_t h = 1469598103934665603ULL ^ (uint64_t)actor;
	for (const char *s = kind; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	h = (h ^ '|') * 1099511628211ULL;
	for (const char *s = target; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h | 1;
}

static char *lx_dup_or_null(const char *s)
{
	return s ? lx_xstrdup(s) : NULL;
}

void lx_trail_defer(lx_req *r, const char *kind, const char *target, const char *detail)
{
	lx_ms now = lx_now_ms();
	int64_t actor = r->authed ? r->user.id : 0;
	uint64_t key = lx_trail_key(actor, kind, target);
	pthread_mutex_lock(&lx_trail_mu);
	struct lx_trail_seen *seen = &lx_trail_seen[key % LX_TRAIL_SEEN];
	/* every export is a row of its own; reads and key uses repeat */
	bool repeats = strcmp(kind, "export") != 0;
	if (repeats && seen->key == key && now - seen->at < LX_TRAIL_REPEAT_MS) {
		pthread_mutex_unlock(&lx_trail_mu);
		return;
	}
	seen->key = key;
	seen->at = now;
	if (lx_trail_n == LX_TRAIL_MAX) {
		lx_trail_dropped++;
		pthread_mutex_unlock(&lx_trail_mu);
		return;
	}
	if (lx_trail_n == lx_trail_cap) {
		lx_trail_cap = lx_trail_cap ? lx_trail_cap * 2 : 64;
		lx_trail_rows = lx_xrealloc(lx_trail_rows, lx_trail_cap * sizeof *lx_trail_rows);
	}
	struct lx_trail_row *row = &lx_trail_rows[lx_trail_n++];
	memset(row, 0, sizeof *row);
	row->strs[0] = lx_xstrdup(kind);
	row->strs[1] = lx_dup_or_null(r->authed ? r->user.login : NULL);
	row->strs[2] = lx_xstrdup(r->addr);
	row->strs[3] = lx_dup_or_null(target);
	row->strs[4] = lx_dup_or_null(detail);
	row->a = (lx_audit){.at = now, .kind = row->strs[0], .actor_id = actor, .login = row->strs[1],
			    .addr = row->strs[2], .target = row->strs[3], .detail = row->strs[4]};
	pthread_mutex_unlock(&lx_trail_mu);
}

struct lx_trail_batch {
	struct lx_trail_row *rows;
	size_t n;
};

static int lx_trail_job(lx_db *db, void *arg)
{
	struct lx_trail_batch *b = arg;
	lx_audit *a = lx_xmalloc((b->n ? b->n : 1) * sizeof *a);
	for (size_t i = 0; i < b->n; i++)
		a[i] = b->rows[i].a;
	int rc = lx_audit_insert(db, a, b->n);
	free(a);
	return rc;
}

static void lx_trail_rows_free(struct lx_trail_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < 5; k++)
			free(rows[i].strs[k]);
	free(rows);
}

int lx_trail_flush(lx_pool *pool)
{
	struct lx_trail_batch b;
	uint64_t dropped;
	pthread_mutex_lock(&lx_trail_mu);
	b.rows = lx_trail_rows;
	b.n = lx_trail_n;
	dropped = lx_trail_dropped;
	lx_trail_rows = NULL;
	lx_trail_n = lx_trail_cap = 0;
	lx_trail_dropped = 0;
	pthread_mutex_unlock(&lx_trail_mu);
	if (dropped)
		fprintf(stderr, "trail: %llu audit rows of reads were dropped (the queue was full)\n",
			(unsigned long long)dropped);
	if (!b.n)
		return LX_OK;
	int rc = lx_pool_write(pool, lx_trail_job, &b);
	if (rc != LX_OK) {
		/* put them back in front, for the next pass */
		pthread_mutex_lock(&lx_trail_mu);
		size_t need = b.n + lx_trail_n;
		if (need <= LX_TRAIL_MAX) {
			struct lx_trail_row *all = lx_xmalloc(need * sizeof *all);
			memcpy(all, b.rows, b.n * sizeof *all);
			if (lx_trail_n)
				memcpy(all + b.n, lx_trail_rows, lx_trail_n * sizeof *all);
			free(lx_trail_rows);
			free(b.rows);
			lx_trail_rows = all;
			lx_trail_n = lx_trail_cap = need;
			b.rows = NULL;
			b.n = 0;
		}
		pthread_mutex_unlock(&lx_trail_mu);
	}
	lx_trail_rows_free(b.rows, b.n);
	return rc;
}
