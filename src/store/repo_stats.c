/*
 * repo_stats.c - roll-ups of the three rates and the queries on them.
 *
 * Every write of a case goes through lx_rollup_case: its contribution
 * vector (core: lx_stat_contrib) is added to the rows of the day it was
 * received, for its handling unit (scope_path) and each ancestor and the
 * whole system (unit 0), once in total and once for its category. An
 * update subtracts the old vector and adds the new one, so the roll-ups
 * always equal what a scan of the cases would count, with the time-based
 * parts ("accept deadline passed", "overdue") as of the sweeper's last
 * pass. A summary over whole days reads roll-ups only; the partial days at
 * the ends of an arbitrary window are counted from the cases themselves.
 *
 * The same vector also moves the location roll-ups (migration 016,
 * stats_loc_*): the difference location basis minus handler basis, +v on
 * the units of the case's location path (unit_path) and -v on those of its
 * handling path, so shared ancestors cancel and are never written. A
 * summary by location adds those rows to the handler's.
 */
#include "driver.h"
#include "repo.h"
#include "rules.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int lx_tz_min = 480;

void lx_store_set_tz(int offset_min)
{
	lx_tz_min = offset_min;
}

int64_t lx_day_of(lx_ms t)
{
	lx_ms local = t + (lx_ms)lx_tz_min * 60000;
	return local >= 0 ? local / LX_DAY_MS : (local - LX_DAY_MS + 1) / LX_DAY_MS;
}

lx_ms lx_day_start(int64_t day)
{
	return day * LX_DAY_MS - (lx_ms)lx_tz_min * 60000;
}

/* Proleptic Gregorian calendar on day numbers from 1970-01-01 (the
 * well-known era arithmetic: 400-year eras of 146097 days). */
int64_t lx_month_of_day(int64_t day)
{
	int64_t z = day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	int64_t y = yoe + era * 400 + (m <= 2);
	return y * 12 + m - 1;
}

int64_t lx_month_first_day(int64_t month)
{
	int64_t y = (month >= 0 ? month : month - 11) / 12, m = month - y * 12 + 1;
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void lx_case_contrib(const lx_case *c, int64_t v[LX_STAT__N])
{
	lx_stat_facts f = {
		.first_dispatched_at = c->first_dispatched_at,
		.dispatched_at = c->dispatched_at,
		.accepted_at = c->accepted_at,
		.accept_due_at = c->accept_due_at,
		.accept_overdue = c->accept_overdue,
		.overdue = c->overdue,
		.done = lx_store_state(c->status) && lx_store_state(c->status)->done,
		.rating = c->rating[0] ? lx_rating_parse(c->rating) : -1,
		.solved = c->solved,
		.excluded = c->excluded,
	};
	lx_stat_contrib(&f, v);
}

#define LX_ROLL_COLS "received, dispatched, due, on_time, rated, solved, satisfied, basic, " \
		     "unsatisfied, overdue_open, excluded"
/* postgresql: the old value is named by its table (`t.received`); a bare
 * `received` is ambiguous there next to `excluded.received`. */
#define LX_ROLL_SET(t) \
	"received = " t ".received + excluded.received, dispatched = " t ".dispatched + excluded.dispatched, " \
	"due = " t ".due + excluded.due, on_time = " t ".on_time + excluded.on_time, " \
	"rated = " t ".rated + excluded.rated, solved = " t ".solved + excluded.solved, " \
	"satisfied = " t ".satisfied + excluded.satisfied, basic = " t ".basic + excluded.basic, " \
	"unsatisfied = " t ".unsatisfied + excluded.unsatisfied, overdue_open = " t ".overdue_open + excluded.overdue_open, " \
	"excluded = " t ".excluded + excluded.excluded"

/* The two sets of roll-up tables: by handling unit, and the location
 * basis's difference from it (016). */
enum { LX_TAB_HANDLER, LX_TAB_LOC, LX_TAB__N };

#define LX_ROLL_UNIT_SQL(t, k) \
	"INSERT INTO " t "(" k ", unit_id, " LX_ROLL_COLS ") " \
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " \
	"ON CONFLICT (unit_id, " k ") DO UPDATE SET " LX_ROLL_SET(t)
#define LX_ROLL_CAT_SQL(t, k) \
	"INSERT INTO " t "(" k ", unit_id, category_code, " LX_ROLL_COLS ") " \
	"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " \
	"ON CONFLICT (unit_id, " k ", category_code) DO UPDATE SET " LX_ROLL_SET(t)

/* Adds v to the row of (day, unit), or with month of (month, unit), of
 * table set tab. */
static int lx_rollup_add_unit(lx_db *db, int tab, bool month, int64_t day, int64_t unit,
			      const int64_t v[LX_STAT__N])
{
	static const char *const sql[LX_TAB__N][2] = {
		{LX_ROLL_UNIT_SQL("stats_unit_day", "day"), LX_ROLL_UNIT_SQL("stats_unit_month", "month")},
		{LX_ROLL_UNIT_SQL("stats_loc_day", "day"), LX_ROLL_UNIT_SQL("stats_loc_month", "month")},
	};
	lx_stmt *st = lx_db_prepare(db, sql[tab][month]);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, day);
	lx_stmt_bind_int(st, 2, unit);
	for (int i = 0; i < LX_STAT__N; i++)
		lx_stmt_bind_int(st, 3 + i, v[i]);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* Adds v to the row of (day, unit, category), or with month of (month,
 * unit, category), of table set tab. */
static int lx_rollup_add_cat(lx_db *db, int tab, bool month, int64_t day, int64_t unit, const char *cat,
			     const int64_t v[LX_STAT__N])
{
	static const char *const sql[LX_TAB__N][2] = {
		{LX_ROLL_CAT_SQL("stats_cat_day", "day"), LX_ROLL_CAT_SQL("stats_cat_month", "month")},
		{LX_ROLL_CAT_SQL("stats_loc_cat_day", "day"), LX_ROLL_CAT_SQL("stats_loc_cat_month", "month")},
	};
	lx_stmt *st = lx_db_prepare(db, sql[tab][month]);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, day);
	lx_stmt_bind_int(st, 2, unit);
	lx_stmt_bind_text(st, 3, cat ? cat : "");
	for (int i = 0; i < LX_STAT__N; i++)
		lx_stmt_bind_int(st, 4 + i, v[i]);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* The units a path counts for: the root (0) and every id in "/1/7/42/". */
struct lx_roll_entry {
	int64_t unit;
	int64_t v[LX_STAT__N];
};

#define LX_ROLL_MAX 64
/* room for the four paths of a change's location difference */
#define LX_ROLL_CAP (4 * LX_ROLL_MAX)

/* Adds sign * v to each unit of path in e[] (merging units already there;
 * e has room for LX_ROLL_CAP). A NULL path (a case located nowhere) is the
 * root alone. */
static size_t lx_roll_collect(struct lx_roll_entry *e, size_t n, const char *path, int sign,
			      const int64_t v[LX_STAT__N])
{
	int64_t ids[LX_ROLL_MAX];
	ids[0] = 0;
	size_t k = 1 + lx_path_ids(path, ids + 1, LX_ROLL_MAX - 1);
	for (size_t i = 0; i < k; i++) {
		size_t j = 0;
		while (j < n && e[j].unit != ids[i])
			j++;
		if (j == n) {
			if (n == LX_ROLL_CAP)
				break;
			memset(&e[n], 0, sizeof e[n]);
			e[n++].unit = ids[i];
		}
		for (int x = 0; x < LX_STAT__N; x++)
			e[j].v[x] += sign * v[x];
	}
	return n;
}

static int lx_roll_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct lx_roll_entry *)a)->unit, y = ((const struct lx_roll_entry *)b)->unit;
	return x < y ? -1 : x > y;
}

/* A delta held back by the group-commit writer (db->in_batch). */
struct lx_roll_pending {
	int tab;
	int64_t unit, day, month;
	char cat[32];
	int64_t v[LX_STAT__N];
};

/* True when every count of v is zero (nothing to write). */
static bool lx_roll_zero(const int64_t v[LX_STAT__N])
{
	for (int x = 0; x < LX_STAT__N; x++)
		if (v[x])
			return false;
	return true;
}

/* Orders pending deltas by table set, then one of the four roll-up keys
 * (*key: bit 1 month instead of day, bit 0 with the category); for qsort_r. */
static int lx_rp_cmp(const void *a, const void *b, void *key)
{
	const struct lx_roll_pending *x = a, *y = b;
	int k = *(const int *)key;
	if (x->tab != y->tab)
		return x->tab < y->tab ? -1 : 1;
	int64_t kx[2] = {x->unit, k & 2 ? x->month : x->day};
	int64_t ky[2] = {y->unit, k & 2 ? y->month : y->day};
	for (int i = 0; i < 2; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return k & 1 ? strcmp(x->cat, y->cat) : 0;
}

int lx_rollup_flush(lx_db *db)
{
	int rc = LX_OK;
	/* key 0: (unit, day), 1: (unit, day, category), 2: (unit, month),
	 * 3: (unit, month, category); runs of one key are summed first */
	for (int key = 0; rc == LX_OK && key < 4 && db->nroll; key++) {
		struct lx_roll_pending *p = db->roll;
		qsort_r(p, db->nroll, sizeof *p, lx_rp_cmp, &key);
		for (size_t i = 0; rc == LX_OK && i < db->nroll;) {
			int64_t v[LX_STAT__N] = {0};
			size_t j = i;
			for (; j < db->nroll && lx_rp_cmp(&p[i], &p[j], &key) == 0; j++)
				for (int x = 0; x < LX_STAT__N; x++)
					v[x] += p[j].v[x];
			int64_t when = key & 2 ? p[i].month : p[i].day;
			if (!lx_roll_zero(v))
				rc = key & 1 ? lx_rollup_add_cat(db, p[i].tab, key & 2, when, p[i].unit, p[i].cat, v)
					     : lx_rollup_add_unit(db, p[i].tab, key & 2, when, p[i].unit, v);
			i = j;
		}
	}
	return rc;
}

/* Writes the non-zero deltas to table set tab in ascending unit order, so
 * that two transactions always lock roll-up rows in the same order (the
 * handler's set before the location's; no deadlocks between nodes on
 * PostgreSQL). In a group-commit batch they are held back for
 * lx_rollup_flush instead. */
static int lx_roll_apply(lx_db *db, int tab, int64_t day, const char *cat, struct lx_roll_entry *e, size_t n)
{
	if (db->in_batch) {
		for (size_t i = 0; i < n; i++) {
			if (lx_roll_zero(e[i].v))
				continue;
			if (db->nroll == db->caproll) {
				db->caproll = db->caproll ? 2 * db->caproll : 256;
				db->roll = lx_xrealloc(db->roll, db->caproll * sizeof *db->roll);
			}
			struct lx_roll_pending *p = &db->roll[db->nroll++];
			p->tab = tab;
			p->unit = e[i].unit;
			p->day = day;
			p->month = lx_month_of_day(day);
			snprintf(p->cat, sizeof p->cat, "%s", cat ? cat : "");
			memcpy(p->v, e[i].v, sizeof p->v);
		}
		return LX_OK;
	}
	qsort(e, n, sizeof *e, lx_roll_cmp);
	int rc = LX_OK;
	for (size_t i = 0; rc == LX_OK && i < n; i++) {
		if (lx_roll_zero(e[i].v))
			continue;
		/* the day and its month alike: every transaction takes the rows in
		 * the same order (unit, then day before month), so none deadlock */
		rc = lx_rollup_add_unit(db, tab, false, day, e[i].unit, e[i].v);
		if (rc == LX_OK)
			rc = lx_rollup_add_cat(db, tab, false, day, e[i].unit, cat, e[i].v);
		if (rc == LX_OK)
			rc = lx_rollup_add_unit(db, tab, true, lx_month_of_day(day), e[i].unit, e[i].v);
		if (rc == LX_OK)
			rc = lx_rollup_add_cat(db, tab, true, lx_month_of_day(day), e[i].unit, cat, e[i].v);
	}
	return rc;
}

int lx_rollup_case(lx_db *db, const lx_case *c, int sign)
{
	struct lx_roll_entry e[LX_ROLL_CAP];
	int64_t v[LX_STAT__N];
	int64_t day = lx_day_of(c->created_at);
	lx_case_contrib(c, v);
	size_t n = lx_roll_collect(e, 0, c->scope_path, sign, v);
	int rc = lx_roll_apply(db, LX_TAB_HANDLER, day, c->category_code, e, n);
	/* location minus handler: the units only one of the two paths names */
	n = lx_roll_collect(e, 0, c->unit_path, sign, v);
	n = lx_roll_collect(e, n, c->scope_path, -sign, v);
	return rc == LX_OK ? lx_roll_apply(db, LX_TAB_LOC, day, c->category_code, e, n) : rc;
}

int lx_rollup_change(lx_db *db, const lx_case *before, const lx_case *after)
{
	struct lx_roll_entry e[LX_ROLL_CAP];
	int64_t a[LX_STAT__N], b[LX_STAT__N];
	int64_t day = lx_day_of(after->created_at);
	lx_case_contrib(before, b);
	lx_case_contrib(after, a);
	/* common ancestors get the net change; the rest the old or new vector */
	size_t n = lx_roll_collect(e, 0, before->scope_path, -1, b);
	n = lx_roll_collect(e, n, after->scope_path, +1, a);
	int rc = lx_roll_apply(db, LX_TAB_HANDLER, day, after->category_code, e, n);
	/* the location difference: the old one out, the new one in */
	n = lx_roll_collect(e, 0, before->unit_path, -1, b);
	n = lx_roll_collect(e, n, before->scope_path, +1, b);
	n = lx_roll_collect(e, n, after->unit_path, +1, a);
	n = lx_roll_collect(e, n, after->scope_path, -1, a);
	return rc == LX_OK ? lx_roll_apply(db, LX_TAB_LOC, day, after->category_code, e, n) : rc;
}

/* ---- reading ---- */

/* Reads the eleven counts from column first on, each times sign (+1 or -1). */
static void lx_stats_from_row(lx_stmt *st, int first, int sign, lx_stats *s)
{
	s->received = sign * lx_stmt_int(st, first + 0);
	s->dispatched = sign * lx_stmt_int(st, first + 1);
	s->due_for_response = sign * lx_stmt_int(st, first + 2);
	s->accepted_on_time = sign * lx_stmt_int(st, first + 3);
	s->rated = sign * lx_stmt_int(st, first + 4);
	s->solved = sign * lx_stmt_int(st, first + 5);
	s->satisfied = sign * lx_stmt_int(st, first + 6);
	s->basic = sign * lx_stmt_int(st, first + 7);
	s->unsatisfied = sign * lx_stmt_int(st, first + 8);
	s->overdue_open = sign * lx_stmt_int(st, first + 9);
	s->excluded = sign * lx_stmt_int(st, first + 10);
}

void lx_stats_add(lx_stats *dst, const lx_stats *s)
{
	dst->received += s->received;
	dst->dispatched += s->dispatched;
	dst->due_for_response += s->due_for_response;
	dst->accepted_on_time += s->accepted_on_time;
	dst->rated += s->rated;
	dst->solved += s->solved;
	dst->satisfied += s->satisfied;
	dst->basic += s->basic;
	dst->unsatisfied += s->unsatisfied;
	dst->overdue_open += s->overdue_open;
	dst->excluded += s->excluded;
}

/* The rows of one table set, kind and granularity: [tab][month][q], q the
 * mode of lx_stats_days (3: the top-level units, children of the root). */
#define LX_RANGE_SQL(unit_t, cat_t, k) { \
	"SELECT unit_id, '', " LX_ROLL_COLS " FROM " unit_t " WHERE unit_id = ? " \
	"AND " k " >= ? AND " k " < ?", \
	"SELECT s.unit_id, '', " LX_ROLL_COLS " FROM units u CROSS JOIN " unit_t " s " \
	"WHERE u.parent_id = ? AND s.unit_id = u.id AND s." k " >= ? AND s." k " < ?", \
	"SELECT unit_id, category_code, " LX_ROLL_COLS " FROM " cat_t " WHERE unit_id = ? " \
	"AND " k " >= ? AND " k " < ?", \
	"SELECT s.unit_id, '', " LX_ROLL_COLS " FROM units u CROSS JOIN " unit_t " s " \
	"WHERE u.parent_id IS NULL AND ? = 0 AND s.unit_id = u.id AND s." k " >= ? AND s." k " < ?"}

/* Hands each row of one table in [from, to) (days or months) of table set
 * tab to fn, to add up (or subtract, sign < 0), for lx_stats_days. */
static int lx_stats_range(lx_db *db, int tab, bool month, int64_t unit_id, int64_t from, int64_t to,
			  int (*fn)(void *arg, int64_t unit_id, const char *code, const lx_stats *s),
			  void *arg, int mode, int sign)
{
	/* Rows as they are, summed by the caller's fn in C: SQLite's SUM()
	 * and GROUP BY (a sort for categories) were most of a summary's time. */
	static const char *const sql[LX_TAB__N][2][4] = {
		{LX_RANGE_SQL("stats_unit_day", "stats_cat_day", "day"),
		 LX_RANGE_SQL("stats_unit_month", "stats_cat_month", "month")},
		{LX_RANGE_SQL("stats_loc_day", "stats_loc_cat_day", "day"),
		 LX_RANGE_SQL("stats_loc_month", "stats_loc_cat_month", "month")},
	};
	/* children of the whole system (unit 0) are the units without a parent */
	int q = mode == 1 && unit_id == 0 ? 3 : mode;
	lx_stmt *st = lx_db_prepare(db, sql[tab][month][q]);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, unit_id);
	lx_stmt_bind_int(st, 2, from);
	lx_stmt_bind_int(st, 3, to);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_stats s;
		/* a month minus its days outside the window: those subtract */
		lx_stats_from_row(st, 2, sign, &s);
		fn(arg, lx_stmt_int(st, 0), lx_stmt_text(st, 1), &s);
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* Adds the days [from, to) that lie inside one month m: from the daily
 * rows, or as the month minus its other days when those are fewer (a
 * window ending today leaves the rest of this month empty: one monthly
 * row and no daily ones). */
static int lx_stats_part(lx_db *db, int tab, int64_t m, int64_t unit_id, int64_t from, int64_t to,
			 int (*fn)(void *arg, int64_t unit_id, const char *code, const lx_stats *s),
			 void *arg, int mode)
{
	int64_t first = lx_month_first_day(m), end = lx_month_first_day(m + 1);
	assert(first <= from && from < to && to <= end);
	if ((from - first) + (end - to) >= to - from)
		return lx_stats_range(db, tab, false, unit_id, from, to, fn, arg, mode, +1);
	int rc = lx_stats_range(db, tab, true, unit_id, m, m + 1, fn, arg, mode, +1);
	if (rc == LX_OK && first < from)
		rc = lx_stats_range(db, tab, false, unit_id, first, from, fn, arg, mode, -1);
	if (rc == LX_OK && to < end)
		rc = lx_stats_range(db, tab, false, unit_id, to, end, fn, arg, mode, -1);
	return rc;
}

/* lx_stats_days on one table set. */
static int lx_stats_days_tab(lx_db *db, int tab, int64_t unit_id, int64_t day_from, int64_t day_to,
			     int (*fn)(void *arg, int64_t unit_id, const char *code, const lx_stats *s),
			     void *arg, int mode)
{
	/* whole months from the monthly rows, the days around them from the daily */
	int64_t m0 = lx_month_of_day(day_from), m1 = lx_month_of_day(day_to);
	if (lx_month_first_day(m0) < day_from)
		m0++;
	if (m0 >= m1)
		return lx_stats_range(db, tab, false, unit_id, day_from, day_to, fn, arg, mode, +1);
	int rc = lx_stats_range(db, tab, true, unit_id, m0, m1, fn, arg, mode, +1);
	if (rc == LX_OK && day_from < lx_month_first_day(m0))
		rc = lx_stats_part(db, tab, m0 - 1, unit_id, day_from, lx_month_first_day(m0), fn, arg, mode);
	if (rc == LX_OK && lx_month_first_day(m1) < day_to)
		rc = lx_stats_part(db, tab, m1, unit_id, lx_month_first_day(m1), day_to, fn, arg, mode);
	return rc;
}

int lx_stats_days(lx_db *db, int basis, int64_t unit_id, int64_t day_from, int64_t day_to,
		  int (*fn)(void *arg, int64_t unit_id, const char *code, const lx_stats *s), void *arg,
		  int mode)
{
	int rc = lx_stats_days_tab(db, LX_TAB_HANDLER, unit_id, day_from, day_to, fn, arg, mode);
	/* by location: the handler's figures plus the difference */
	if (rc == LX_OK && basis == LX_BASIS_LOCATION)
		rc = lx_stats_days_tab(db, LX_TAB_LOC, unit_id, day_from, day_to, fn, arg, mode);
	return rc;
}

/* The partial days' scan by handling unit: the contribution vector (core
 * lx_stat_contrib) in SQL, with the done statuses from the engine's
 * classes, grouped in the database. Built once. */
static char *lx_scan_sql;
static pthread_once_t lx_scan_once = PTHREAD_ONCE_INIT;

static void lx_scan_sql_build(void)
{
	lx_scan_sql = lx_xasprintf(
		"SELECT c.scope_path, COALESCE(c.category_code, ''), COUNT(*), "
		"SUM(CASE WHEN c.first_dispatched_at IS NOT NULL THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.dispatched_at IS NOT NULL AND (c.accepted_at IS NOT NULL "
		"OR c.accept_overdue = 1) THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.dispatched_at IS NOT NULL AND c.accepted_at IS NOT NULL "
		"AND c.accepted_at <= c.accept_due_at THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.rating IS NOT NULL AND c.excluded = 0 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.rating IS NOT NULL AND c.excluded = 0 AND c.solved = 1 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.rating = 'satisfied' AND c.excluded = 0 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.rating = 'basic' AND c.excluded = 0 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.rating = 'unsatisfied' AND c.excluded = 0 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.status NOT IN %s AND c.overdue = 1 THEN 1 ELSE 0 END), "
		"SUM(CASE WHEN c.excluded = 1 THEN 1 ELSE 0 END) "
		"FROM cases c WHERE c.created_at >= ? AND c.created_at < ? "
		"AND c.scope_path >= ? AND c.scope_path < ? GROUP BY c.scope_path, c.category_code",
		lx_store_states_sql(LX_STATES_DONE));
}

/* The columns a case's contribution depends on, for the rebuild and the
 * location scan: a narrow read, streamed, instead of whole cases (a bulk
 * load rebuilds millions). */
#define LX_FACT_COLS "c.id, c.status, c.scope_path, c.category_code, c.created_at, " \
		     "c.first_dispatched_at, c.dispatched_at, c.accepted_at, c.accept_due_at, " \
		     "c.accept_overdue, c.overdue, c.rating, c.solved, c.excluded, c.unit_path"
enum { LX_FACT_SCOPE = 2, LX_FACT_CAT = 3, LX_FACT_CREATED = 4, LX_FACT_UNIT_PATH = 14 };

/* The current row's (LX_FACT_COLS) contribution into v, by core's rule. */
static void lx_fact_contrib(lx_stmt *st, int64_t v[LX_STAT__N])
{
	const lx_state_class *cls = lx_store_state(lx_stmt_text(st, 1));
	lx_stat_facts f = {
		.first_dispatched_at = lx_stmt_int(st, 5),
		.dispatched_at = lx_stmt_int(st, 6),
		.accepted_at = lx_stmt_int(st, 7),
		.accept_due_at = lx_stmt_int(st, 8),
		.accept_overdue = lx_stmt_int(st, 9) != 0,
		.overdue = lx_stmt_int(st, 10) != 0,
		.done = cls && cls->done,
		.rating = lx_stmt_isnull(st, 11) ? -1 : lx_rating_parse(lx_stmt_text(st, 11)),
		.solved = lx_stmt_isnull(st, 12) ? -1 : (int)lx_stmt_int(st, 12),
		.excluded = lx_stmt_int(st, 13) != 0,
	};
	lx_stat_contrib(&f, v);
}

/* The eleven counts of a contribution vector. */
static void lx_stats_from_vec(const int64_t v[LX_STAT__N], lx_stats *s)
{
	s->received = v[LX_STAT_RECEIVED];
	s->dispatched = v[LX_STAT_DISPATCHED];
	s->due_for_response = v[LX_STAT_DUE];
	s->accepted_on_time = v[LX_STAT_ON_TIME];
	s->rated = v[LX_STAT_RATED];
	s->solved = v[LX_STAT_SOLVED];
	s->satisfied = v[LX_STAT_SATISFIED];
	s->basic = v[LX_STAT_BASIC];
	s->unsatisfied = v[LX_STAT_UNSATISFIED];
	s->overdue_open = v[LX_STAT_OVERDUE_OPEN];
	s->excluded = v[LX_STAT_EXCLUDED];
}

/* The partial days' scan by location: each case located under path (the
 * cases_unit index's range; every case for the whole system, those
 * located nowhere included, as the roll-ups count them) with its
 * contribution computed by core's lx_stat_contrib, as the roll-ups are. */
static int lx_stats_scan_location(lx_db *db, const char *path, lx_ms from, lx_ms to,
				  int (*fn)(void *arg, const char *path, const char *code, const lx_stats *s),
				  void *arg)
{
	bool root = strcmp(path, "/") == 0;
	lx_stmt *st = lx_db_prepare(db, root
		? "SELECT " LX_FACT_COLS " FROM cases c WHERE c.created_at >= ? AND c.created_at < ?"
		: "SELECT " LX_FACT_COLS " FROM cases c WHERE c.unit_path >= ? AND c.unit_path < ? "
		  "AND c.created_at >= ? AND c.created_at < ?");
	if (!st)
		return LX_ERR;
	int i = 1;
	if (!root) {
		lx_bind_scope(st, i, path);
		i += 2;
	}
	lx_stmt_bind_int(st, i, from);
	lx_stmt_bind_int(st, i + 1, to);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		int64_t v[LX_STAT__N];
		lx_stats s;
		lx_fact_contrib(st, v);
		lx_stats_from_vec(v, &s);
		fn(arg, lx_stmt_isnull(st, LX_FACT_UNIT_PATH) ? "" : lx_stmt_text(st, LX_FACT_UNIT_PATH),
		   lx_stmt_isnull(st, LX_FACT_CAT) ? "" : lx_stmt_text(st, LX_FACT_CAT), &s);
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_stats_scan(lx_db *db, int basis, const char *path, lx_ms from, lx_ms to,
		  int (*fn)(void *arg, const char *path, const char *code, const lx_stats *s),
		  void *arg)
{
	if (basis == LX_BASIS_LOCATION)
		return lx_stats_scan_location(db, path, from, to, fn, arg);
	pthread_once(&lx_scan_once, lx_scan_sql_build);
	lx_stmt *st = lx_db_prepare(db, lx_scan_sql);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, from);
	lx_stmt_bind_int(st, 2, to);
	lx_bind_scope(st, 3, path);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_stats s;
		lx_stats_from_row(st, 2, +1, &s);
		fn(arg, lx_stmt_text(st, 0), lx_stmt_text(st, 1), &s);
	}
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

/* ---- rebuilding after a bulk load ---- */

void lx_store_bulk(lx_db *db, bool on)
{
	db->bulk = on;
}

/* The rebuild sums contributions in memory and writes each (day, unit,
 * category) once per flush, instead of 2 x (depth + 2) upserts per case. */
struct lx_agg_entry {
	int64_t day, unit;
	char cat[17];
	bool used;
	int64_t v[LX_STAT__N];
};

struct lx_agg {
	struct lx_agg_entry *slots;
	size_t cap, used;
};

static uint64_t lx_agg_hash(int64_t day, int64_t unit, const char *cat)
{
	uint64_t h = 1469598103934665603ull ^ (uint64_t)day;
	h = (h ^ (uint64_t)unit) * 1099511628211ull;
	for (; *cat; cat++)
		h = (h ^ (unsigned char)*cat) * 1099511628211ull;
	return h * 11400714819323198485ull;
}

static void lx_agg_add(struct lx_agg *a, int64_t day, int64_t unit, const char *cat, const int64_t v[LX_STAT__N])
{
	if ((a->used + 1) * 2 > a->cap) {
		struct lx_agg old = *a;
		a->cap = old.cap ? old.cap * 2 : 1 << 14;
		a->slots = lx_xcalloc(a->cap, sizeof *a->slots);
		a->used = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i].used)
				lx_agg_add(a, old.slots[i].day, old.slots[i].unit, old.slots[i].cat, old.slots[i].v);
		free(old.slots);
	}
	size_t i = (size_t)(lx_agg_hash(day, unit, cat) >> 17) & (a->cap - 1);
	while (a->slots[i].used && !(a->slots[i].day == day && a->slots[i].unit == unit &&
				     strcmp(a->slots[i].cat, cat) == 0))
		i = (i + 1) & (a->cap - 1);
	struct lx_agg_entry *e = &a->slots[i];
	if (!e->used) {
		e->used = true;
		e->day = day;
		e->unit = unit;
		snprintf(e->cat, sizeof e->cat, "%s", cat);
		a->used++;
	}
	for (int k = 0; k < LX_STAT__N; k++)
		e->v[k] += v[k];
}

/* Writes and empties the aggregate into table set tab: unit rows (cat
 * "\1") and category rows, of days (e->day a day) or of months (a month). */
static int lx_agg_flush(lx_db *db, struct lx_agg *a, int tab, bool months)
{
	int rc = LX_OK;
	for (size_t i = 0; rc == LX_OK && i < a->cap; i++) {
		struct lx_agg_entry *e = &a->slots[i];
		if (!e->used || lx_roll_zero(e->v))
			continue;
		if (strcmp(e->cat, "\1") == 0)
			rc = lx_rollup_add_unit(db, tab, months, e->day, e->unit, e->v);
		else
			rc = lx_rollup_add_cat(db, tab, months, e->day, e->unit, e->cat, e->v);
	}
	if (a->slots)
		memset(a->slots, 0, a->cap * sizeof *a->slots);
	a->used = 0;
	return rc;
}

int lx_rollup_rebuild(lx_db *db)
{
	int rc = lx_rollup_rebuild_days(db);
	return rc == LX_OK ? lx_rollup_rebuild_months(db) : rc;
}

int lx_rollup_rebuild_months(lx_db *db)
{
	/* a month is the sum of its days, by the rule the live path adds
	 * them with (lx_month_of_day in lx_roll_apply); both table sets */
	static const char *const days[LX_TAB__N][2] = {
		{"SELECT day, unit_id, NULL, " LX_ROLL_COLS " FROM stats_unit_day",
		 "SELECT day, unit_id, category_code, " LX_ROLL_COLS " FROM stats_cat_day"},
		{"SELECT day, unit_id, NULL, " LX_ROLL_COLS " FROM stats_loc_day",
		 "SELECT day, unit_id, category_code, " LX_ROLL_COLS " FROM stats_loc_cat_day"},
	};
	struct lx_agg agg = {0};
	int rc = lx_db_exec(db, "DELETE FROM stats_unit_month; DELETE FROM stats_cat_month; "
				"DELETE FROM stats_loc_month; DELETE FROM stats_loc_cat_month;");
	for (int tab = 0; rc == LX_OK && tab < LX_TAB__N; tab++) {
		for (int t = 0; rc == LX_OK && t < 2; t++) {
			lx_stmt *st = lx_db_prepare(db, days[tab][t]);
			if (!st) {
				rc = LX_ERR;
				break;
			}
			int step;
			while (rc == LX_OK && (step = lx_stmt_step(st)) == LX_ROW) {
				int64_t v[LX_STAT__N];
				for (int k = 0; k < LX_STAT__N; k++)
					v[k] = lx_stmt_int(st, 3 + k);
				lx_agg_add(&agg, lx_month_of_day(lx_stmt_int(st, 0)), lx_stmt_int(st, 1),
					   t == 0 ? "\1" : lx_stmt_text(st, 2), v);
				if (agg.used > 200000)
					rc = lx_agg_flush(db, &agg, tab, true);
			}
			lx_stmt_done(st);
			if (rc == LX_OK && step != LX_DONE)
				rc = LX_ERR;
		}
		if (rc == LX_OK)
			rc = lx_agg_flush(db, &agg, tab, true);
	}
	free(agg.slots);
	return rc;
}

/* Adds the current row's contribution (LX_FACT_COLS) to agg by handling
 * unit, and its location difference to loc (as lx_rollup_case does). */
static void lx_agg_row(struct lx_agg *agg, struct lx_agg *loc, lx_stmt *st)
{
	int64_t v[LX_STAT__N], day = lx_day_of(lx_stmt_int(st, LX_FACT_CREATED));
	const char *cat = lx_stmt_isnull(st, LX_FACT_CAT) ? "" : lx_stmt_text(st, LX_FACT_CAT);
	lx_fact_contrib(st, v);
	lx_agg_add(agg, day, 0, "\1", v);
	lx_agg_add(agg, day, 0, cat, v);
	int64_t ids[LX_ROLL_MAX];
	const char *scope = lx_stmt_text(st, LX_FACT_SCOPE);
	size_t k = lx_path_ids(scope, ids, LX_ROLL_MAX);
	for (size_t j = 0; j < k; j++) {
		lx_agg_add(agg, day, ids[j], "\1", v);
		lx_agg_add(agg, day, ids[j], cat, v);
	}
	const char *where = lx_stmt_isnull(st, LX_FACT_UNIT_PATH) ? NULL : lx_stmt_text(st, LX_FACT_UNIT_PATH);
	if (where && strcmp(where, scope) == 0)
		return; /* handled where it lies: no difference */
	struct lx_roll_entry e[LX_ROLL_CAP];
	size_t n = lx_roll_collect(e, 0, where, +1, v);
	n = lx_roll_collect(e, n, scope, -1, v);
	for (size_t j = 0; j < n; j++) {
		if (lx_roll_zero(e[j].v))
			continue;
		lx_agg_add(loc, day, e[j].unit, "\1", e[j].v);
		lx_agg_add(loc, day, e[j].unit, cat, e[j].v);
	}
}

int lx_rollup_rebuild_days(lx_db *db)
{
	struct lx_agg agg = {0}, loc = {0};
	int rc = lx_db_exec(db, "DELETE FROM stats_unit_day; DELETE FROM stats_cat_day; "
				"DELETE FROM stats_loc_day; DELETE FROM stats_loc_cat_day;");
	int64_t last = 0;
	while (rc == LX_OK) {
		lx_stmt *st = lx_db_prepare(db, "SELECT " LX_FACT_COLS " FROM cases c WHERE c.id > ? "
						"ORDER BY c.id LIMIT 5000");
		if (!st) {
			rc = LX_ERR;
			break;
		}
		lx_stmt_bind_int(st, 1, last);
		int n = 0, step;
		while ((step = lx_stmt_step(st)) == LX_ROW) {
			lx_agg_row(&agg, &loc, st);
			last = lx_stmt_int(st, 0);
			n++;
		}
		lx_stmt_done(st);
		if (step != LX_DONE)
			rc = LX_ERR;
		if (rc == LX_OK && (agg.used > 200000 || n == 0))
			rc = lx_agg_flush(db, &agg, LX_TAB_HANDLER, false);
		if (rc == LX_OK && (loc.used > 200000 || n == 0))
			rc = lx_agg_flush(db, &loc, LX_TAB_LOC, false);
		if (n == 0)
			break;
	}
	free(agg.slots);
	free(loc.slots);
	return rc;
}
