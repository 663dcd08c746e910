/*
 * calendar.c - workdays and deadlines counted in them (calendar.h).
 */
#include "calendar.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The longest a working-day computation walks: ten years of days (a
 * calendar of rest days only must not loop for ever). */
#define LX_CAL_MAX_WALK 3660

void lx_cal_init(lx_cal *c, int tz_offset_min)
{
	memset(c, 0, sizeof *c);
	c->tz_offset_min = tz_offset_min;
}

void lx_cal_free(lx_cal *c)
{
	free(c->days);
	memset(c, 0, sizeof *c);
}

void lx_cal_set(lx_cal *c, int64_t day, bool workday)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->days = lx_xrealloc(c->days, c->cap * sizeof *c->days);
	}
	c->days[c->n++] = (lx_cal_day){day, workday};
}

void lx_cal_sort(lx_cal *c)
{
	/* insertion sort, stable: of two settings of one day the later wins
	 * (a calendar holds some tens of days a year) */
	for (size_t i = 1; i < c->n; i++) {
		lx_cal_day d = c->days[i];
		size_t j = i;
		while (j > 0 && c->days[j - 1].day > d.day) {
			c->days[j] = c->days[j - 1];
			j--;
		}
		c->days[j] = d;
	}
	size_t out = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (out && c->days[out - 1].day == c->days[i].day)
			c->days[out - 1] = c->days[i];
		else
			c->days[out++] = c->days[i];
	}
	c->n = out;
}

int lx_cal_day_parse(const char *s, int64_t *day)
{
	int y, m, d;
	char tail;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return LX_INVALID;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return LX_INVALID;
	if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return LX_INVALID;
	if (y < 1900 || y > 2199 || m < 1 || m > 12 || d < 1 || d > 31)
		return LX_INVALID;
	int64_t z = lx_days_from_civil(y, (unsigned)m, (unsigned)d);
	int yy;
	unsigned mm, dd;
	lx_civil_from_days(z, &yy, &mm, &dd);
	if (yy != y || mm != (unsigned)m || dd != (unsigned)d) /* 2026-02-30 */
		return LX_INVALID;
	*day = z;
	return LX_OK;
}

char *lx_cal_day_format(int64_t day, char *out, size_t outsz)
{
	int y;
	unsigned m, d;
	lx_civil_from_days(day, &y, &m, &d);
	snprintf(out, outsz, "%04d-%02u-%02u", y, m, d);
	return out;
}

int lx_cal_weekday(int64_t day)
{
	/* 1970-01-01 was a Thursday */
	int64_t w = (day + 4) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

int64_t lx_cal_day_of(const lx_cal *c, lx_ms t)
{
	lx_ms local = t + (lx_ms)c->tz_offset_min * 60000;
	return local >= 0 ? local / LX_DAY_MS : (local - LX_DAY_MS + 1) / LX_DAY_MS;
}

lx_ms lx_cal_day_start(const lx_cal *c, int64_t day)
{
	return day * LX_DAY_MS - (lx_ms)c->tz_offset_min * 60000;
}

bool lx_cal_has(const lx_cal *c, int64_t day, bool *workday)
{
	size_t lo = 0, hi = c->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < c->n && c->days[lo].day == day) {
		if (workday)
			*workday = c->days[lo].workday;
		return true;
	}
	return false;
}

bool lx_cal_workday(const lx_cal *c, int64_t day)
{
	bool w;
	if (lx_cal_has(c, day, &w))
		return w;
	int wd = lx_cal_weekday(day);
	return wd != 0 && wd != 6;
}

lx_ms lx_cal_workdays_end(const lx_cal *c, lx_ms t, int n)
{
	assert(n >= 1);
	int64_t day = lx_cal_day_of(c, t);
	int found = 0;
	for (int walked = 0; walked < LX_CAL_MAX_WALK; walked++) {
		day++;
		if (lx_cal_workday(c, day) && ++found == n)
			return lx_cal_day_start(c, day + 1);
	}
	/* no workday for ten years: the walk's end, not a loop for ever */
	return lx_cal_day_start(c, day + 1);
}

lx_ms lx_cal_work_between(const lx_cal *c, lx_ms a, lx_ms b)
{
	lx_ms total = 0;
	if (b <= a)
		return 0;
	int64_t day = lx_cal_day_of(c, a);
	for (int walked = 0; walked <= LX_CAL_MAX_WALK * 10; walked++, day++) {
		lx_ms s = lx_cal_day_start(c, day), e = lx_cal_day_start(c, day + 1);
		if (s >= b)
			break;
		if (!lx_cal_workday(c, day))
			continue;
		lx_ms from = a > s ? a : s, to = b < e ? b : e;
		if (to > from)
			total += to - from;
	}
	return total;
}

lx_ms lx_cal_add_work(const lx_cal *c, lx_ms t, lx_ms w)
{
	if (w <= 0)
		return t;
	int64_t day = lx_cal_day_of(c, t);
	lx_ms at = t;
	for (int walked = 0; walked < LX_CAL_MAX_WALK * 10; walked++, day++) {
		lx_ms s = lx_cal_day_start(c, day), e = lx_cal_day_start(c, day + 1);
		if (at < s)
			at = s;
		if (!lx_cal_workday(c, day))
			continue;
		lx_ms room = e - at;
		if (w <= room)
			return at + w;
		w -= room;
	}
	return at + w;
}
