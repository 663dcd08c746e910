/*
 * sweeper.h - the SLA sweeper: a background thread that marks work past its
 * accept or resolve deadline and resumes suspensions whose end came, each
 * a system action of the case's machine, recorded on its timeline.
 */
#ifndef LX_SWEEPER_H
#define LX_SWEEPER_H

#include "http.h"

typedef struct lx_sweeper lx_sweeper;

/* Starts the sweeper for app (every app->sweep_interval_ms). Returns NULL
 * when the thread cannot start. Caller stops it with lx_sweeper_stop. */
lx_sweeper *lx_sweeper_start(lx_app *app);
/* Stops the thread, waits for it and frees it. NULL is ignored. */
void lx_sweeper_stop(lx_sweeper *s);
/* One pass on db at now (times of the timeline notes in the zone
 * tz_offset_min): returns the number of actions fired, or -1 on error. */
int lx_sweep_once(lx_db *db, lx_ms now, int tz_offset_min);

#endif
