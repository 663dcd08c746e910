/*
 * workflow.c - the state machines of every case type, as one table.
 *
 * A row says: for these case types, in these statuses, this action moves the
 * case to that status, and these roles may fire it; "handles" rows also need
 * the actor's scope to contain the handling unit. The first row whose types,
 * status and roles match decides. Adding a case type or a step is a change
 * to the table, not to code.
 */
#include "workflow.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#define S(x) (1u << (x))
#define T(x) (1u << (x))
#define T_ALL ((1u << LX_TYPE__N) - 1)
/* Types whose outcome a resident (or a voter) rates. Hazards and opinion
 * reports are verified and closed by the dispatcher instead. */
#define T_RATED (T(LX_TYPE_REQUEST) | T(LX_TYPE_DISPUTE) | T(LX_TYPE_PROXY) | \
		 T(LX_TYPE_SUGGESTION) | T(LX_TYPE_ONEKEY))
#define S_ANY ((1u << LX_ST__N) - 1)
#define S_WAITING (S(LX_ST_DISPATCHED) | S(LX_ST_REOPENED))
#define S_HANDLING (S_WAITING | S(LX_ST_ACCEPTED))
#define S_OPEN (S(LX_ST_NEW) | S(LX_ST_RETURNED) | S_HANDLING)
#define R_DESK (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER)
#define R_WORK (LX_ROLE_ADMIN | LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER)

enum { LX_TO_SAME = -1, LX_TO_RATING = -2 };

struct lx_transition {
	lx_action action;
	unsigned types;
	unsigned from;
	int to;
	unsigned roles;
	bool handles;       /* actor must be in the handling unit's scope */
	bool needs_handler; /* the case must have a handling unit */
};

static const struct lx_transition lx_transitions[] = {
	{LX_ACT_DISPATCH, T_ALL, S(LX_ST_NEW) | S(LX_ST_RETURNED) | S_WAITING, LX_ST_DISPATCHED, R_DESK, false, false},
	{LX_ACT_ACCEPT, T_ALL, S_WAITING, LX_ST_ACCEPTED, R_WORK, true, true},
	{LX_ACT_RETURN, T_ALL, S_HANDLING, LX_ST_RETURNED, R_WORK, true, true},
	{LX_ACT_ESCALATE, T_ALL, S_HANDLING, LX_ST_DISPATCHED, R_WORK, true, true},
	{LX_ACT_ASSIST, T_ALL, S(LX_ST_ACCEPTED), LX_TO_SAME, R_WORK, true, true},
	{LX_ACT_RESOLVE, T_ALL, S(LX_ST_ACCEPTED), LX_ST_RESOLVED, R_WORK, true, true},
	{LX_ACT_RATE, T_RATED, S(LX_ST_RESOLVED), LX_TO_RATING,
	 R_DESK | LX_ROLE_GRID_WORKER | LX_ROLE_DEPUTY, false, false},
	{LX_ACT_REOPEN, T_ALL, S(LX_ST_RESOLVED) | S(LX_ST_CLOSED), LX_ST_REOPENED, R_DESK, false, true},
	{LX_ACT_CLOSE, T_ALL, S(LX_ST_RESOLVED) | S(LX_ST_NEW) | S(LX_ST_RETURNED), LX_ST_CLOSED, R_DESK, false, false},
	{LX_ACT_SUPERVISE, T_ALL, S_OPEN, LX_TO_SAME, R_DESK | LX_ROLE_LEADER, false, false},
	{LX_ACT_COMMENT, T_ALL, S_ANY, LX_TO_SAME, LX_ROLE__ALL, false, false},
};

#define LX_NTRANS (sizeof lx_transitions / sizeof lx_transitions[0])

static const char *const lx_type_names[] = {"request", "hazard", "dispute", "proxy",
					    "opinion", "suggestion", "onekey"};
static const char *const lx_status_names[] = {"new", "dispatched", "accepted", "resolved",
					      "closed", "returned", "reopened"};
static const char *const lx_action_names[] = {"dispatch", "accept", "return", "escalate",
					      "assist", "resolve", "rate", "reopen",
					      "close", "supervise", "comment"};
static const char *const lx_rating_names[] = {"satisfied", "basic", "unsatisfied"};
static const char *const lx_channel_names[] = {"hotline", "web", "grid_visit", "deputy_station",
					       "onekey", "open311", "import", "inspection"};
static const char *const lx_role_names[] = {"admin", "dispatcher", "handler", "grid_worker",
					    "leader", "deputy", "volunteer"};

static int lx_lookup(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

#define LX_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

const char *lx_type_name(lx_case_type t)
{
	assert(t >= 0 && t < LX_TYPE__N);
	return lx_type_names[t];
}
int lx_type_parse(const char *s) { return lx_lookup(lx_type_names, LX_N(lx_type_names), s); }

const char *lx_status_name(lx_status s)
{
	assert(s >= 0 && s < LX_ST__N);
	return lx_status_names[s];
}
int lx_status_parse(const char *s) { return lx_lookup(lx_status_names, LX_N(lx_status_names), s); }

const char *lx_action_name(lx_action a)
{
	assert(a >= 0 && a < LX_ACT__N);
	return lx_action_names[a];
}
int lx_action_parse(const char *s) { return lx_lookup(lx_action_names, LX_N(lx_action_names), s); }

const char *lx_rating_name(lx_rating r)
{
	assert(r >= 0 && r < LX_RATING__N);
	return lx_rating_names[r];
}
int lx_rating_parse(const char *s) { return lx_lookup(lx_rating_names, LX_N(lx_rating_names), s); }

const char *lx_channel_name(lx_channel c)
{
	assert(c >= 0 && c < LX_CH__N);
	return lx_channel_names[c];
}
int lx_channel_parse(const char *s) { return lx_lookup(lx_channel_names, LX_N(lx_channel_names), s); }

const char *lx_role_name(unsigned role_bit)
{
	for (int i = 0; i < LX_N(lx_role_names); i++)
		if (role_bit == (1u << i))
			return lx_role_names[i];
	return NULL;
}

unsigned lx_role_parse(const char *s)
{
	int i = lx_lookup(lx_role_names, LX_N(lx_role_names), s);
	return i < 0 ? 0 : 1u << i;
}

char *lx_roles_format(unsigned mask, char *out, size_t outsz)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < LX_N(lx_role_names); i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = snprintf(out + len, outsz - len, "%s%s", len ? "," : "", lx_role_names[i]);
		if (n < 0 || (size_t)n >= outsz - len)
			break;
		len += (size_t)n;
	}
	return out;
}

int lx_roles_parse_list(const char *s, unsigned *mask)
{
	unsigned m = 0;
	char name[32];
	const char *p = s && *s ? s : NULL; /* "" is the empty list */
	while (p) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n == 0 || n >= sizeof name)
			return LX_INVALID;
		memcpy(name, p, n);
		name[n] = '\0';
		unsigned bit = lx_role_parse(name);
		if (!bit)
			return LX_INVALID;
		m |= bit;
		p = comma ? comma + 1 : NULL;
	}
	*mask = m;
	return LX_OK;
}

bool lx_status_done(lx_status s)
{
	return s == LX_ST_RESOLVED || s == LX_ST_CLOSED;
}

int lx_wf_decide(lx_action action, const lx_wf_input *in, lx_status *to)
{
	bool any_role = false;

	assert(action >= 0 && action < LX_ACT__N);
	assert(in->type >= 0 && in->type < LX_TYPE__N);
	assert(in->status >= 0 && in->status < LX_ST__N);
	for (size_t i = 0; i < LX_NTRANS; i++) {
		const struct lx_transition *t = &lx_transitions[i];
		if (t->action != action || !(t->types & T(in->type)))
			continue;
		bool role_ok = (t->roles & in->roles) && (!t->handles || in->actor_handles);
		any_role |= role_ok;
		if (!(t->from & S(in->status)) || (t->needs_handler && !in->has_handler))
			continue;
		if (!role_ok)
			continue;
		if (action == LX_ACT_RESOLVE && in->open_tasks)
			return LX_CONFLICT;
		if (t->to == LX_TO_SAME) {
			*to = in->status;
		} else if (t->to == LX_TO_RATING) {
			bool good = in->solved && (in->rating == LX_RATING_SATISFIED ||
						   in->rating == LX_RATING_BASIC);
			*to = good ? LX_ST_CLOSED : LX_ST_REOPENED;
		} else {
			*to = (lx_status)t->to;
		}
		return LX_OK;
	}
	/* Not allowed: a role that could never fire it is forbidden; a role
	 * that could, but not from here, is a conflict. */
	if (!any_role)
		return LX_FORBIDDEN;
	return LX_CONFLICT;
}

unsigned lx_wf_allowed(const lx_wf_input *in)
{
	unsigned mask = 0;
	for (int a = 0; a < LX_ACT__N; a++) {
		lx_wf_input probe = *in;
		lx_status to;
		probe.rating = LX_RATING_SATISFIED;
		probe.solved = true;
		if (lx_wf_decide((lx_action)a, &probe, &to) == LX_OK)
			mask |= 1u << a;
	}
	return mask;
}

void lx_sla_deadlines(lx_ms from, double accept_hours, double resolve_hours, bool urgent,
		      lx_ms *accept_due, lx_ms *resolve_due)
{
	assert(accept_hours > 0 && resolve_hours > 0);
	if (urgent) {
		if (accept_hours > 0.5)
			accept_hours = 0.5;
		if (resolve_hours > 2)
			resolve_hours = 2;
	}
	*accept_due = from + (lx_ms)(accept_hours * 3600000.0 + 0.5);
	*resolve_due = from + (lx_ms)(resolve_hours * 3600000.0 + 0.5);
}

void lx_stat_contrib(const lx_stat_facts *f, int64_t out[LX_STAT__N])
{
	bool rated = f->rating >= 0;
	out[LX_STAT_RECEIVED] = 1;
	out[LX_STAT_DISPATCHED] = f->first_dispatched_at != 0;
	/* due: dispatched, and accepted or past its accept deadline */
	out[LX_STAT_DUE] = f->dispatched_at != 0 && (f->accepted_at != 0 || f->accept_overdue);
	out[LX_STAT_ON_TIME] = f->dispatched_at != 0 && f->accepted_at != 0 &&
			       f->accepted_at <= f->accept_due_at;
	out[LX_STAT_RATED] = rated;
	out[LX_STAT_SOLVED] = rated && f->solved == 1;
	out[LX_STAT_SATISFIED] = rated && f->rating == LX_RATING_SATISFIED;
	out[LX_STAT_BASIC] = rated && f->rating == LX_RATING_BASIC;
	out[LX_STAT_UNSATISFIED] = rated && f->rating == LX_RATING_UNSATISFIED;
	out[LX_STAT_OVERDUE_OPEN] = !f->done && f->overdue;
}

bool lx_rate_value(lx_rate r, double *value)
{
	assert(r.num >= 0 && r.den >= 0 && r.num <= r.den);
	if (r.den == 0)
		return false;
	*value = (double)r.num / (double)r.den;
	return true;
}
