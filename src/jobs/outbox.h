/*
 * outbox.h - the delivery thread: every poll_ms it runs notify/'s delivery
 * pass (lx_deliver_once), which sends the outbox's due messages through
 * their channels and records each result. Many nodes may run it on one
 * PostgreSQL database: each message is leased by one node at a time.
 */
#ifndef LX_OUTBOX_H
#define LX_OUTBOX_H

#include "db.h"
#include "notify.h"

typedef struct lx_outbox_worker lx_outbox_worker;

/* Starts the thread on pool with conf (copied; its strings must outlive the
 * worker). Returns NULL when the thread cannot start; stop it with
 * lx_outbox_stop. */
lx_outbox_worker *lx_outbox_start(lx_pool *pool, const lx_deliver_conf *conf, int poll_ms);
/* Stops the thread (after the message it is sending), waits and frees it. NULL is fine. */
void lx_outbox_stop(lx_outbox_worker *w);

#endif
