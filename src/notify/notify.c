/*
 * notify.c - a notice written to the inbox and the outbox in the
 * transaction of the change that causes it (notify.h).
 */
#include "notify.h"
#include "pii.h"
#include "repo_notify.h"

#include <jansson.h>
#include <pthread.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool lx_webhook_on;
static char lx_public_url[512];
static int lx_notify_tz = 480;

void lx_notify_configure(bool webhook, const char *public_url, int tz_offset_min)
{
	lx_webhook_on = webhook;
	lx_notify_tz = tz_offset_min;
	snprintf(lx_public_url, sizeof lx_public_url, "%s", public_url ? public_url : "");
	/* links are built as public_url + "/r/…" */
	size_t n = strlen(lx_public_url);
	while (n > 0 && lx_public_url[n - 1] == '/')
		lx_public_url[--n] = '\0';
}

bool lx_notify_has_webhook(void)
{
	return lx_webhook_on;
}

const char *lx_notify_public_url(void)
{
	return lx_public_url;
}

void lx_notice_var(lx_notice *n, const char *name, const char *value)
{
	assert(n->nvars < LX_NOTICE_MAX_VARS);
	n->names[n->nvars] = name;
	n->values[n->nvars] = value;
	n->nvars++;
}

char *lx_notice_render(const char *tmpl, const lx_notice *ev)
{
	lx_buf b;
	lx_buf_init(&b);
	for (const char *p = tmpl; *p;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (!close) {
			lx_buf_putc(&b, *p++);
			continue;
		}
		size_t len = (size_t)(close - p - 1);
		for (int i = 0; i < ev->nvars; i++)
			if (strlen(ev->names[i]) == len && memcmp(ev->names[i], p + 1, len) == 0) {
				lx_buf_puts(&b, ev->values[i] ? ev->values[i] : "");
				break;
			}
		p = close + 1;
	}
	return lx_buf_steal(&b);
}

/* The templates, kept for LX_TEMPLATE_TTL_MS: every notice of an intake
 * would otherwise read them in the writer's transaction. An edit on this
 * node is seen at once (lx_notify_templates_changed), on another node
 * within the TTL. */
#define LX_TEMPLATE_TTL_MS 10000
#define LX_TEMPLATE_SLOTS 64

struct lx_tmpl_slot {
	char event[64], channel[16];
	char *text; /* NULL: the event has no template on that channel */
	lx_ms at;
};
static struct lx_tmpl_slot lx_tmpl[LX_TEMPLATE_SLOTS];
static int lx_ntmpl;
static pthread_mutex_t lx_tmpl_mu = PTHREAD_MUTEX_INITIALIZER;

void lx_notify_templates_changed(void)
{
	pthread_mutex_lock(&lx_tmpl_mu);
	for (int i = 0; i < lx_ntmpl; i++) {
		free(lx_tmpl[i].text);
		lx_tmpl[i].text = NULL; /* the slot is reused: nothing of it may be freed again */
	}
	lx_ntmpl = 0;
	pthread_mutex_unlock(&lx_tmpl_mu);
}

/* The template of event on channel (malloc'd, or NULL for none): from the
 * cache, else the store. LX_OK or LX_ERR. */
static int lx_template_cached(lx_db *db, const char *event, const char *channel, char **out)
{
	lx_ms now = lx_now_ms();
	*out = NULL;
	pthread_mutex_lock(&lx_tmpl_mu);
	for (int i = 0; i < lx_ntmpl; i++) {
		struct lx_tmpl_slot *t = &lx_tmpl[i];
		if (strcmp(t->event, event) == 0 && strcmp(t->channel, channel) == 0 && now - t->at < LX_TEMPLATE_TTL_MS) {
			*out = t->text ? lx_xstrdup(t->text) : NULL;
			pthread_mutex_unlock(&lx_tmpl_mu);
			return LX_OK;
		}
	}
	pthread_mutex_unlock(&lx_tmpl_mu);
	int rc = lx_template_get(db, event, channel, out);
	if (rc != LX_OK && rc != LX_NOTFOUND)
		return LX_ERR;
	pthread_mutex_lock(&lx_tmpl_mu);
	struct lx_tmpl_slot *t = NULL;
	for (int i = 0; i < lx_ntmpl && !t; i++)
		if (strcmp(lx_tmpl[i].event, event) == 0 && strcmp(lx_tmpl[i].channel, channel) == 0)
			t = &lx_tmpl[i];
	if (!t && lx_ntmpl < LX_TEMPLATE_SLOTS)
		t = &lx_tmpl[lx_ntmpl++];
	if (t) {
		free(t->text);
		snprintf(t->event, sizeof t->event, "%s", event);
		snprintf(t->channel, sizeof t->channel, "%s", channel);
		t->text = *out ? lx_xstrdup(*out) : NULL;
		t->at = now;
	}
	pthread_mutex_unlock(&lx_tmpl_mu);
	return LX_OK;
}

/* The event's text for channel, rendered; NULL when it has no template
 * (*rc stays LX_OK) or the store failed (*rc = LX_ERR). */
static char *lx_notice_text(lx_db *db, const lx_notice *ev, const char *channel, int *rc)
{
	char *tmpl = NULL;
	if (lx_template_cached(db, ev->event, channel, &tmpl) != LX_OK) {
		*rc = LX_ERR;
		return NULL;
	}
	if (!tmpl)
		return NULL;
	char *text = lx_notice_render(tmpl, ev);
	free(tmpl);
	return text;
}

/* The text to a number, queued once per (stem, event, number). */
static int lx_notify_sms(lx_db *db, const lx_notice *ev, const char *text, const char *phone, lx_ms now)
{
	char *key_digits = lx_phone_key(phone);
	if (!key_digits)
		return LX_OK; /* not a number anybody can text */
	char hash[33], key[160];
	lx_pii_hash("phone", key_digits, hash);
	free(key_digits);
	snprintf(key, sizeof key, "%s:%s:sms:%.12s", ev->event, ev->stem, hash);
	char *mask = lx_mask_phone(phone);
	int rc = lx_outbox_add(db, key, "sms", ev->event, ev->case_id, phone, mask, text, now);
	free(mask);
	return rc;
}

/* The webhook's message: the event as JSON, once per (stem, event). */
static int lx_notify_webhook(lx_db *db, const lx_notice *ev, const char *text, size_t nrecipients, lx_ms now)
{
	char key[160], at[40];
	snprintf(key, sizeof key, "%s:%s:webhook", ev->event, ev->stem);
	lx_time_format(now, lx_notify_tz, at, sizeof at);
	json_t *vars = json_object();
	for (int i = 0; i < ev->nvars; i++)
		json_object_set_new(vars, ev->names[i], json_string(ev->values[i] ? ev->values[i] : ""));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:I}", "id", key, "event", ev->event, "at", at, "text",
			      text, "data", vars, "recipients", (json_int_t)nrecipients);
	json_object_set_new(o, "case_id", ev->case_id ? json_integer(ev->case_id) : json_null());
	char *body = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	int rc = body ? lx_outbox_add(db, key, "webhook", ev->event, ev->case_id, NULL, NULL, body, now) : LX_ERR;
	free(body);
	return rc;
}

#define LX_NOTIFY_BATCH 64

int lx_notify(lx_db *db, const lx_notice *ev, const lx_recipient *to, size_t n, lx_ms now)
{
	assert(ev && ev->event && ev->stem[0]);
	int rc = LX_OK;
	char *inbox = lx_notice_text(db, ev, "inbox", &rc);
	char *sms = rc == LX_OK ? lx_notice_text(db, ev, "sms", &rc) : NULL;
	if (rc != LX_OK || (!inbox && !sms))
		goto done;
	/* the inbox entries in one statement per four: the writer's time is intake's */
	int64_t users[LX_NOTIFY_BATCH];
	char keys[LX_NOTIFY_BATCH][160];
	const char *keyp[LX_NOTIFY_BATCH];
	size_t nu = 0;
	for (size_t i = 0; rc == LX_OK && i < n; i++) {
		if (to[i].user_id && inbox) {
			snprintf(keys[nu], sizeof keys[nu], "%s:%s:u%lld", ev->event, ev->stem, (long long)to[i].user_id);
			keyp[nu] = keys[nu];
			users[nu++] = to[i].user_id;
			if (nu == LX_NOTIFY_BATCH) {
				rc = lx_inbox_add_many(db, users, keyp, nu, ev->event, ev->case_id, inbox, now);
				nu = 0;
			}
		}
		if (rc == LX_OK && to[i].sms && to[i].phone && to[i].phone[0])
			rc = lx_notify_sms(db, ev, sms ? sms : inbox, to[i].phone, now);
	}
	if (rc == LX_OK && nu)
		rc = lx_inbox_add_many(db, users, keyp, nu, ev->event, ev->case_id, inbox, now);
	if (rc == LX_OK && lx_webhook_on)
		rc = lx_notify_webhook(db, ev, inbox ? inbox : sms, n, now);
done:
	free(inbox);
	free(sms);
	return rc;
}
