/*
 * notify.h - one notification system (P10). A change that concerns
 * somebody calls lx_notify inside its own write transaction: each staff
 * recipient gets an inbox entry, each number to text gets a message in the
 * outbox, and a configured webhook gets the event; nothing is sent here.
 * The delivery pass (lx_deliver_once, run by jobs/outbox.c on a thread of
 * its own) leases pending messages, sends them through the channel
 * adapters (sms and webhook over HTTP by libcurl, log for development)
 * outside any transaction, and records delivery, a retry with exponential
 * back-off, or giving up. A dead gateway never holds a transaction, so it
 * never slows intake.
 */
#ifndef LX_NOTIFY_H
#define LX_NOTIFY_H

#include "db.h"
#include "lx.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Settings every write of a notice reads (set once before threads start,
 * by serve from lianxin.conf): whether a webhook is configured (then every
 * notice is also queued for it), the public URL links in texts use, and
 * the zone of the times the webhook's events carry. */
void lx_notify_configure(bool webhook, const char *public_url, int tz_offset_min);
/* Whether a webhook is configured (every notice goes there too). */
bool lx_notify_has_webhook(void);
/* The public URL lx_notify_configure kept ("" when none); static storage. */
const char *lx_notify_public_url(void);

#define LX_NOTICE_MAX_VARS 12

/* What happened: the template key (event), the case it concerns (0:
 * none), what makes it unique (stem: the same stem, event and recipient
 * are one message, however often the change is retried) and the values
 * of its placeholders as name/value pairs. */
typedef struct lx_notice {
	const char *event;
	int64_t case_id;
	char stem[64];
	int nvars;
	const char *names[LX_NOTICE_MAX_VARS];
	const char *values[LX_NOTICE_MAX_VARS];
} lx_notice;

/* Sets placeholder name to value (both must outlive the notice). */
void lx_notice_var(lx_notice *n, const char *name, const char *value);

/* Who hears of it: a staff user (inbox; with sms, also a text to phone,
 * the user's own number), or a number alone (a resident: a text). */
typedef struct lx_recipient {
	int64_t user_id;
	const char *phone;
	bool sms;
} lx_recipient;

/* Writes the notice for to[0..n) on db, inside the caller's transaction,
 * at now: inbox entries from the event's "inbox" template, texts from its
 * "sms" template (the inbox text when it has none), the webhook's message
 * when one is configured. An event without any template writes nothing.
 * Returns LX_OK or LX_ERR (the caller's change should fail with it: a
 * change is never committed without its notices). */
int lx_notify(lx_db *db, const lx_notice *ev, const lx_recipient *to, size_t n, lx_ms now);

/* Forgets the templates this process keeps (an admin changed one). */
void lx_notify_templates_changed(void);

/* The template text with {name} placeholders filled from ev (an unknown
 * one is left out): malloc'd, the caller frees. */
char *lx_notice_render(const char *tmpl, const lx_notice *ev);

/* ---------------- delivery (deliver.c) ---------------- */

typedef struct lx_deliver_conf {
	const char *sms_url;        /* NULL: texts go to the log adapter */
	const char *webhook_url;    /* NULL: none */
	const char *webhook_secret; /* the HMAC-SHA256 key of the signature */
	long timeout_ms;            /* one HTTP attempt, connecting included */
	long retry_ms;              /* the first back-off; doubled per attempt, at most 10 minutes */
	long give_up_s;             /* after this long a message is given up */
	int batch;                  /* messages leased per pass */
} lx_deliver_conf;

/* Starts libcurl (once per process, before threads). LX_OK or LX_ERR. */
int lx_deliver_global_init(void);
/* One pass on db at now as owner (a node's name, unique per process):
 * leases due messages, sends each, records the result. Returns the number
 * of messages attempted (0: nothing was due), or -1 when the store failed. */
int lx_deliver_once(lx_db *db, const lx_deliver_conf *c, const char *owner, lx_ms now);

#endif
