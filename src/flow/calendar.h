/*
 * calendar.h - working days (工作日): which local dates are workdays, and
 * deadlines counted in them.
 *
 * A date nobody set is a workday Monday to Friday and a rest day on
 * Saturday and Sunday; the calendar's days say otherwise (public holidays,
 * and the weekend days worked instead, 调休). Dates are day numbers: the
 * local date (in the server zone) counted from 1970-01-01.
 *
 * Pure: the caller loads the days (store: calendar_days).
 */
#ifndef LX_CALENDAR_H
#define LX_CALENDAR_H

#include "lx.h"


/* Days set apart from the weekday rule, sorted by day (lx_cal_sort). */
typedef struct lx_cal_day {
	int64_t day;
	bool workday;
} lx_cal_day;

typedef struct lx_cal {
	lx_cal_day *days;   /* owned */
	size_t n, cap;
	int tz_offset_min;  /* minutes east of UTC of the local dates */
} lx_cal;

void lx_cal_init(lx_cal *c, int tz_offset_min);
void lx_cal_free(lx_cal *c);
/* Sets day's kind (replacing an earlier setting of the same day); call
 * lx_cal_sort once after the last. */
void lx_cal_set(lx_cal *c, int64_t day, bool workday);
void lx_cal_sort(lx_cal *c);

/* "2026-10-01" -> day number; LX_OK or LX_INVALID (not a real date, or
 * outside 1900-2199). */
int lx_cal_day_parse(const char *s, int64_t *day);
/* Day number -> "2026-10-01" into out (at least 11 bytes). Returns out. */
char *lx_cal_day_format(int64_t day, char *out, size_t outsz);
/* 0 Sunday .. 6 Saturday. */
int lx_cal_weekday(int64_t day);

/* The local day number of t, and the instant that local day starts. */
int64_t lx_cal_day_of(const lx_cal *c, lx_ms t);
lx_ms lx_cal_day_start(const lx_cal *c, int64_t day);

/* Whether day is a workday: its own setting, else Monday to Friday. */
bool lx_cal_workday(const lx_cal *c, int64_t day);
/* True when day has a setting of its own (and *workday says which). */
bool lx_cal_has(const lx_cal *c, int64_t day, bool *workday);

/* N working days from t: 24:00 local time of the Nth workday strictly
 * after t's local date (n >= 1). */
lx_ms lx_cal_workdays_end(const lx_cal *c, lx_ms t, int n);
/* Working time in [a, b): the part of it that falls on workdays (0 when
 * b <= a). */
lx_ms lx_cal_work_between(const lx_cal *c, lx_ms a, lx_ms b);
/* The instant after t by w ms of working time (rest days are skipped); t
 * itself for w <= 0. A t on a rest day starts counting at the next workday. */
lx_ms lx_cal_add_work(const lx_cal *c, lx_ms t, lx_ms w);

#endif
