/*
 * sweeper.h - the SLA sweeper: a background thread that marks work past its
 * accept or resolve deadline and records it on the case timeline.
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
/* One pass on db: returns the number of cases marked, or -1 on error. */
int lx_sweep_once(lx_db *db, lx_ms now);

#endif
