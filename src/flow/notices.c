/*
 * notices.c - who hears of a change of a case. The machines name notices
 * as "who:event" on states (told whenever a transition enters one) and on
 * transitions (machines.c); the step copies them onto its event, and once
 * the engine has written the event, lx_flow_notify writes them through
 * notify/ in the same transaction: a change is never committed without its
 * notices, nor a notice without its change.
 *
 *   handler   the users of the handling unit who work cases (not leaders),
 *             but not the actor: work arrived, a case supervised (督办)
 *   desk      the dispatchers of the nearest unit up the handler's path
 *             that has any: an approval waits (suspension, extension, appeal)
 *   reporter  the reporter's number, unless they filed anonymously: a text
 *             when the case is accepted, resolved (the reply and a link to
 *             rate) and reopened
 *
 * The event is the template's key (notify_templates, admin-editable).
 */
#include "flow_int.h"
#include "notify.h"
#include "repo_notify.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum lx_who { LX_WHO_HANDLER, LX_WHO_DESK, LX_WHO_REPORTER, LX_WHO__N };
static const char *const lx_who_names[LX_WHO__N] = {"handler", "desk", "reporter"};

/* The recipient kind of spec "who:event" (and its event), or -1. */
static int lx_notice_parse(const char *spec, const char **event)
{
	const char *colon = spec ? strchr(spec, ':') : NULL;
	if (!colon || !colon[1])
		return -1;
	for (int i = 0; i < LX_WHO__N; i++)
		if (strlen(lx_who_names[i]) == (size_t)(colon - spec) &&
		    strncmp(lx_who_names[i], spec, (size_t)(colon - spec)) == 0) {
			*event = colon + 1;
			return i;
		}
	return -1;
}

bool lx_flow_notice_valid(const char *spec)
{
	const char *event;
	return lx_notice_parse(spec, &event) >= 0;
}

#define LX_MAX_RECIPIENTS 64

struct lx_rcpts {
	lx_recipient to[LX_MAX_RECIPIENTS];
	size_t n;
	int64_t skip; /* the actor: nobody is told of their own step */
};

static void lx_rcpt_add(void *arg, int64_t user_id)
{
	struct lx_rcpts *r = arg;
	if (user_id != r->skip && r->n < LX_MAX_RECIPIENTS)
		r->to[r->n++] = (lx_recipient){.user_id = user_id};
}

static int lx_rcpts_of(lx_flow_ctx *x, const lx_case *c, enum lx_who who, struct lx_rcpts *r)
{
	r->skip = x->who.user_id;
	if (who == LX_WHO_REPORTER) {
		if (c->reporter_phone && c->reporter_phone[0] && !c->reporter_anonymous)
			r->to[r->n++] = (lx_recipient){.phone = c->reporter_phone, .sms = true};
		return LX_OK;
	}
	if (!c->handler_unit_id)
		return LX_OK;
	if (who == LX_WHO_HANDLER)
		return lx_users_of_unit(x->db, c->handler_unit_id,
					LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER | LX_ROLE_DISPATCHER | LX_ROLE_ADMIN,
					lx_rcpt_add, r);
	const lx_unit *u = lx_flow_unit(x, c->handler_unit_id);
	int64_t ids[LX_PATH_MAX_DEPTH];
	size_t n = u ? lx_path_ids(u->path, ids, LX_PATH_MAX_DEPTH) : 0;
	/* nearest first: the handler's own unit, then up to the first that has any */
	for (size_t i = n; i-- > 0 && r->n == 0;) {
		int rc = lx_users_of_unit(x->db, ids[i], LX_ROLE_DISPATCHER, lx_rcpt_add, r);
		if (rc != LX_OK)
			return rc;
	}
	return LX_OK;
}

/* A time as people read it in a text: "12月2日 09:30" (local). */
static void lx_notice_time(lx_ms t, int tz_offset_min, char out[32])
{
	char iso[40];
	if (!t) {
		snprintf(out, 32, "-");
		return;
	}
	lx_time_format(t, tz_offset_min, iso, sizeof iso); /* 2026-12-02T09:30:00+08:00 */
	snprintf(out, 32, "%d月%d日 %.5s", atoi(iso + 5), atoi(iso + 8), iso + 11);
}

static const char *lx_request_word(const char *action)
{
	return strcmp(action, "suspend") == 0  ? "挂起"
	       : strcmp(action, "extend") == 0 ? "延期"
	       : strcmp(action, "appeal") == 0 ? "申诉"
					       : "审批";
}

int lx_flow_notify(lx_flow_ctx *x, const lx_case *c, const lx_event *ev)
{
	int rc = LX_OK;
	for (size_t i = 0; rc == LX_OK && i < sizeof ev->notices / sizeof ev->notices[0] && ev->notices[i]; i++) {
		const char *event = NULL;
		int who = lx_notice_parse(ev->notices[i], &event);
		assert(who >= 0); /* checked when the machines were compiled */
		struct lx_rcpts r = {0};
		rc = lx_rcpts_of(x, c, (enum lx_who)who, &r);
		/* a webhook hears of it even when no person does */
		if (rc == LX_OK && (r.n || lx_notify_has_webhook())) {
			char number[32], accept_due[32], due[32], link[600];
			lx_flow_case_number(x->tz_offset_min, c, number);
			lx_notice_time(c->accept_due_at, x->tz_offset_min, accept_due);
			lx_notice_time(c->resolve_due_at, x->tz_offset_min, due);
			snprintf(link, sizeof link, "%s/r/#/case/%s", lx_notify_public_url(), number);
			const lx_unit *u = c->handler_unit_id ? lx_flow_unit(x, c->handler_unit_id) : NULL;
			lx_notice n = {.event = event, .case_id = c->id};
			snprintf(n.stem, sizeof n.stem, "c%lld:v%lld:%s:%lld", (long long)c->id, (long long)c->version,
				 ev->action, (long long)ev->at);
			lx_notice_var(&n, "number", number);
			lx_notice_var(&n, "title", c->title);
			lx_notice_var(&n, "unit", u ? u->name : "");
			lx_notice_var(&n, "accept_due", accept_due);
			lx_notice_var(&n, "due", due);
			lx_notice_var(&n, "reply", c->reply ? c->reply : "");
			lx_notice_var(&n, "link", link);
			lx_notice_var(&n, "request", lx_request_word(ev->action));
			rc = lx_notify(x->db, &n, r.to, r.n, ev->at);
		}
	}
	return rc;
}
