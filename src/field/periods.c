/*
 * periods.c - a visit plan's periods (field.h): the day, the week from
 * Monday, the month, every n months counted from the plan's first month,
 * or the plan's whole span for a plan done once, all in the server's zone.
 * A target is done when visited since its period began, overdue when it
 * let a whole period pass (a once plan: when its end passed).
 */
#include "field.h"
#include "repo.h"

#include <stdint.h>
#include <string.h>

static const char *const lx_freqs[] = {"daily", "weekly", "monthly", "every_n_months", "once", NULL};

bool lx_frequency_known(const char *f)
{
	for (int i = 0; f && lx_freqs[i]; i++)
		if (strcmp(f, lx_freqs[i]) == 0)
			return true;
	return false;
}

/* A local day number to year and month (the store's calendar arithmetic:
 * lx_month_of_day counts months from year 0), and a month's first day. */
static void lx_civil(int64_t day, int *y, int *m)
{
	int64_t month = lx_month_of_day(day);
	*y = (int)(month / 12);
	*m = (int)(month % 12) + 1;
}

static int64_t lx_days(int y, int m)
{
	return lx_month_first_day((int64_t)y * 12 + (m - 1));
}

static int64_t lx_local_day_of(lx_ms t, int tz)
{
	lx_ms local = t + (lx_ms)tz * 60000;
	return local >= 0 ? local / LX_DAY_MS : -((-local + LX_DAY_MS - 1) / LX_DAY_MS);
}

static lx_ms lx_local_start(int64_t day, int tz)
{
	return day * LX_DAY_MS - (lx_ms)tz * 60000;
}

/* The first day of the period of plan p holding local day d. */
static int64_t lx_period_day(const lx_plan *p, int64_t d, int tz)
{
	int y, m, y0, m0;
	if (strcmp(p->frequency, "daily") == 0)
		return d;
	if (strcmp(p->frequency, "weekly") == 0)
		return d - ((d + 3) % 7 + 7) % 7; /* 1970-01-01 was a Thursday */
	lx_civil(d, &y, &m);
	if (strcmp(p->frequency, "monthly") == 0)
		return lx_days(y, m);
	/* every n months, from the plan's first month */
	lx_civil(lx_local_day_of(p->starts_at, tz), &y0, &m0);
	int n = p->every_n > 0 ? p->every_n : 1;
	int64_t months = (int64_t)(y - y0) * 12 + (m - m0);
	months -= ((months % n) + n) % n;
	int64_t ym = (int64_t)y0 * 12 + (m0 - 1) + months;
	return lx_days((int)(ym / 12), (int)(ym % 12) + 1);
}

lx_ms lx_plan_period_start(const lx_plan *p, lx_ms t, int tz)
{
	if (strcmp(p->frequency, "once") == 0)
		return p->starts_at;
	return lx_local_start(lx_period_day(p, lx_local_day_of(t, tz), tz), tz);
}

/* The once plan's deadline: its end, else 30 days after its start. */
static lx_ms lx_once_deadline(const lx_plan *p)
{
	return p->ends_at ? p->ends_at : p->starts_at + 30 * LX_DAY_MS;
}

lx_period_bounds lx_plan_bounds(const lx_plan *p, lx_ms now, int tz)
{
	lx_period_bounds b;
	if (strcmp(p->frequency, "once") == 0) {
		bool late = now > lx_once_deadline(p);
		b.done_since = p->starts_at;
		b.first_before = late ? INT64_MAX : INT64_MIN;
		b.done_before = p->starts_at; /* a visit of the plan is never before its start */
		return b;
	}
	lx_ms start = lx_plan_period_start(p, now, tz);
	/* the previous period began at the period start of the instant before */
	b.done_since = start;
	b.first_before = start;
	b.done_before = lx_plan_period_start(p, start - 1, tz);
	return b;
}

void lx_target_due(const lx_plan *p, const lx_target *t, const lx_period_bounds *b, int tz, lx_ms *due_since,
		   bool *overdue)
{
	if (t->done_at && t->done_at >= b->done_since) {
		/* done this period: due again only for a follow-up */
		*due_since = t->retry_at ? t->retry_at : t->done_at;
		*overdue = false;
		return;
	}
	if (!t->done_at) {
		*due_since = t->first_due_at;
		*overdue = t->first_due_at < b->first_before;
		return;
	}
	/* due from the period after the one it was last done in */
	if (strcmp(p->frequency, "once") == 0) {
		*due_since = p->starts_at;
	} else {
		lx_ms prev = lx_plan_period_start(p, t->done_at, tz), next = prev;
		/* the next period starts at the first instant whose period differs */
		for (lx_ms step = LX_DAY_MS; next == prev; step += LX_DAY_MS)
			next = lx_plan_period_start(p, prev + step, tz);
		*due_since = next;
	}
	*overdue = t->done_at < b->done_before;
}
