/*
 * onekey_read.c - reading press-9 calls (一键呼叫, P10): one call with
 * every step of its ladder and its timeline (GET /api/v1/onekey/calls/:id),
 * the desk's list with the calls nobody acknowledged first and red
 * (GET /api/v1/onekey/calls), and the figures: time to acknowledge and to
 * arrive, median and 90th percentile, per community and month, and the
 * calls never acknowledged (GET /api/v1/onekey/stats). A call is seen by
 * those it reached and in the scope of its place.
 */
#include "api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *lx_kind_label(const char *kind)
{
	return strcmp(kind, "carer") == 0	  ? "代理儿女"
	       : strcmp(kind, "grid") == 0	  ? "网格员"
	       : strcmp(kind, "community") == 0 ? "社区值班"
					       : "区热线值班台";
}

/* {"id","name"} of user id, or null for 0. */
static void lx_person_write(lx_jw *w, lx_db *db, int64_t id)
{
	lx_user u = {0};
	if (!id || lx_user_get(db, "/", id, &u) != LX_OK) {
		lx_user_clear(&u);
		lx_jw_null(w);
		return;
	}
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_int(w, u.id);
	lx_jw_key(w, "name");
	lx_jw_str(w, u.name ? u.name : u.login);
	lx_jw_close(w, '}');
	lx_user_clear(&u);
}

struct lx_steps_w {
	lx_jw *w;
	lx_db *db;
	const lx_onekey_call *k;
	int tz;
};

static int lx_step_write(void *arg, const lx_onekey_step *s)
{
	struct lx_steps_w *sw = arg;
	lx_jw *w = sw->w;
	lx_jw_open(w, '{');
	lx_jw_key(w, "n");
	lx_jw_int(w, s->n);
	lx_jw_key(w, "kind");
	lx_jw_str(w, s->kind);
	lx_jw_key(w, "label");
	lx_jw_str(w, lx_kind_label(s->kind));
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, s->unit_id);
	lx_jw_key(w, "people");
	lx_jw_open(w, '[');
	for (int i = 0; i < s->nusers; i++)
		lx_person_write(w, sw->db, s->users[i]);
	lx_jw_close(w, ']');
	lx_jw_key(w, "notified_at");
	lx_jw_time(w, s->notified_at, sw->tz);
	lx_jw_key(w, "current");
	lx_jw_bool(w, s->n == sw->k->step);
	lx_jw_close(w, '}');
	return 0;
}

static int lx_event_write(void *arg, const lx_event_view *v)
{
	struct lx_steps_w *sw = arg;
	lx_jw *w = sw->w;
	lx_jw_open(w, '{');
	lx_jw_key(w, "at");
	lx_jw_time(w, v->e->at, sw->tz);
	lx_jw_key(w, "action");
	lx_jw_str(w, v->e->action);
	lx_jw_key(w, "actor");
	lx_jw_str(w, v->actor_name);
	lx_jw_key(w, "note");
	lx_jw_str(w, v->e->note);
	lx_jw_close(w, '}');
	return 0;
}

static void lx_time_key(lx_jw *w, const char *key, lx_ms t, int tz)
{
	lx_jw_key(w, key);
	lx_jw_time(w, t, tz);
}

/* The call k as staff read it; with detail, its steps and timeline too. */
static int lx_onekey_write(lx_jw *w, lx_req *r, const lx_onekey_call *k, bool detail)
{
	int tz = r->app->tz_offset_min;
	lx_case c = {0};
	int rc = lx_case_get(r->db, "/", k->case_id, &c);
	if (rc != LX_OK)
		return rc;
	char number[32];
	lx_flow_case_number(tz, &c, number);
	const lx_flow_state *st = lx_flow_state_of(c.type, c.status);
	char *mask = lx_mask_phone(k->caller);
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_int(w, k->id);
	lx_jw_key(w, "case_id");
	lx_jw_int(w, k->case_id);
	lx_jw_key(w, "number");
	lx_jw_str(w, number);
	lx_jw_key(w, "status");
	lx_jw_str(w, c.status);
	lx_jw_key(w, "status_label");
	lx_jw_str(w, st && st->label ? st->label : c.status);
	lx_jw_key(w, "resident");
	if (k->resident_id) {
		lx_jw_open(w, '{');
		lx_jw_key(w, "id");
		lx_jw_int(w, k->resident_id);
		lx_jw_key(w, "name");
		lx_jw_str(w, c.reporter_name);
		lx_jw_close(w, '}');
	} else {
		lx_jw_null(w);
	}
	lx_jw_key(w, "address");
	lx_jw_str(w, c.address);
	lx_jw_key(w, "caller");
	lx_jw_str(w, mask);
	lx_jw_key(w, "device_id");
	lx_jw_str(w, k->device_id);
	lx_jw_key(w, "unit_id");
	lx_jw_int(w, k->unit_id);
	lx_jw_key(w, "community_id");
	lx_jw_id(w, k->community_id);
	lx_jw_key(w, "emergency");
	lx_jw_bool(w, k->emergency);
	lx_jw_key(w, "advice");
	lx_jw_str(w, k->emergency ? "情况紧急请立即拨打120（急救）或119（消防）" : NULL);
	/* nobody acknowledged it yet: it is the desk's red line */
	lx_jw_key(w, "red");
	lx_jw_bool(w, !k->acked_at && !k->closed_at);
	lx_jw_key(w, "step");
	lx_jw_int(w, k->step);
	lx_jw_key(w, "nsteps");
	lx_jw_int(w, k->nsteps);
	lx_onekey_step cur;
	bool has_cur = lx_onekey_step_get(r->db, k->id, k->step, &cur) == LX_OK;
	lx_jw_key(w, "step_kind");
	lx_jw_str(w, has_cur ? cur.kind : NULL);
	lx_jw_key(w, "step_label");
	lx_jw_str(w, has_cur ? lx_kind_label(cur.kind) : NULL);
	lx_time_key(w, "step_due_at", k->step_due_at, tz);
	lx_time_key(w, "created_at", k->created_at, tz);
	lx_time_key(w, "acked_at", k->acked_at, tz);
	lx_jw_key(w, "acked_by");
	lx_person_write(w, r->db, k->acked_by);
	lx_time_key(w, "arrived_at", k->arrived_at, tz);
	lx_jw_key(w, "arrived_by");
	lx_person_write(w, r->db, k->arrived_by);
	lx_time_key(w, "closed_at", k->closed_at, tz);
	lx_jw_key(w, "closed_by");
	lx_person_write(w, r->db, k->closed_by);
	lx_jw_key(w, "close_note");
	lx_jw_str(w, k->close_note);
	if (detail) {
		struct lx_steps_w sw = {w, r->db, k, tz};
		lx_jw_key(w, "steps");
		lx_jw_open(w, '[');
		rc = lx_onekey_steps_each(r->db, k->id, lx_step_write, &sw);
		lx_jw_close(w, ']');
		lx_jw_key(w, "timeline");
		lx_jw_open(w, '[');
		if (rc == LX_OK)
			rc = lx_case_events_each(r->db, k->case_id, lx_event_write, &sw);
		lx_jw_close(w, ']');
	}
	lx_jw_close(w, '}');
	free(mask);
	lx_case_clear(&c);
	return rc;
}

int lx_api_onekey_reply(lx_req *r, int status, int64_t id)
{
	lx_onekey_call k = {0};
	bool told;
	if (!lx_onekey_call_or_reply(r, id, &k, &told))
		return LX_NOTFOUND;
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	int rc = lx_onekey_write(&w, r, &k, true);
	lx_onekey_call_clear(&k);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc);
	}
	return lx_reply_jw(r, status, &w);
}

int lx_api_onekey_get(lx_req *r)
{
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such call");
	lx_db_read_begin(r->db);
	int rc = lx_api_onekey_reply(r, 200, id);
	lx_db_read_end(r->db);
	return rc;
}

/* ---------------- the desk's list ---------------- */

struct lx_klist {
	lx_req *r;
	lx_jw *w;
	int rc;
};

static int lx_klist_cb(void *arg, const lx_onekey_call *k)
{
	struct lx_klist *l = arg;
	l->rc = lx_onekey_write(l->w, l->r, k, false);
	return l->rc != LX_OK;
}

int lx_api_onekey_list(lx_req *r)
{
	int64_t limit = 0, cursor = 0;
	bool open = false;
	if (!lx_query_posint_or_reply(r, "limit", 200, &limit) ||
	    !lx_query_posint_or_reply(r, "cursor", 1000000, &cursor) || !lx_query_bool_or_reply(r, "open", &open))
		return LX_BADREQ;
	if (!limit)
		limit = 50;
	lx_buf b;
	lx_jw w;
	lx_api_list_open(&b, &w);
	struct lx_klist l = {r, &w, LX_OK};
	bool more = false;
	lx_db_read_begin(r->db);
	/* the cursor is the count read so far: the red ones lead, so ids do not order the list */
	int rc = lx_onekey_list(r->db, r->user.scope, r->user.id, open, (int)limit, (int)cursor, lx_klist_cb, &l,
				&more);
	lx_db_read_end(r->db);
	if (rc != LX_OK || l.rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc != LX_OK ? rc : l.rc);
	}
	return lx_api_list_reply(r, &w, more, cursor + limit);
}

/* ---------------- the figures ---------------- */

#define LX_MONTHS_MAX 24
#define LX_GROUPS_MAX 512

struct lx_kgroup {
	char month[8];
	int64_t community_id;
	int calls, acked, arrived, never_acked;
	double *ack_s, *arrive_s; /* seconds, one per acknowledged / arrived call */
};

struct lx_kstats {
	struct lx_kgroup g[LX_GROUPS_MAX];
	int n;
	int tz;
	bool full;
};

static struct lx_kgroup *lx_kgroup_of(struct lx_kstats *s, const char *month, int64_t community)
{
	for (int i = 0; i < s->n; i++)
		if (s->g[i].community_id == community && strcmp(s->g[i].month, month) == 0)
			return &s->g[i];
	if (s->n == LX_GROUPS_MAX) {
		s->full = true;
		return NULL;
	}
	struct lx_kgroup *g = &s->g[s->n++];
	memset(g, 0, sizeof *g);
	snprintf(g->month, sizeof g->month, "%.7s", month);
	g->community_id = community;
	return g;
}

static void lx_push(double **v, int n, double x)
{
	if ((n & (n - 1)) == 0) /* n is 0 or a power of two: grow */
		*v = lx_xrealloc(*v, (size_t)(n ? 2 * n : 1) * sizeof **v);
	(*v)[n] = x;
}

static int lx_kstats_cb(void *arg, const lx_onekey_call *k)
{
	struct lx_kstats *s = arg;
	char t[40];
	lx_time_format(k->created_at, s->tz, t, sizeof t);
	t[7] = '\0';
	struct lx_kgroup *g = lx_kgroup_of(s, t, k->community_id);
	if (!g)
		return 0;
	g->calls++;
	if (k->acked_at) {
		lx_push(&g->ack_s, g->acked, (double)(k->acked_at - k->created_at) / 1000.0);
		g->acked++;
	} else {
		g->never_acked++;
	}
	if (k->arrived_at) {
		lx_push(&g->arrive_s, g->arrived, (double)(k->arrived_at - k->created_at) / 1000.0);
		g->arrived++;
	}
	return 0;
}

static int lx_dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The nearest-rank percentile p (0-100) of v[0..n), sorting v; null when empty. */
static void lx_pct_write(lx_jw *w, const char *key, double *v, int n, int p)
{
	lx_jw_key(w, key);
	if (!n) {
		lx_jw_null(w);
		return;
	}
	qsort(v, (size_t)n, sizeof *v, lx_dbl_cmp);
	int rank = (p * n + 99) / 100;
	lx_jw_real(w, v[rank > 0 ? rank - 1 : 0]);
}

static void lx_kgroup_write(lx_jw *w, lx_req *r, const struct lx_kgroup *g)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "month");
	lx_jw_str(w, g->month);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, g->community_id);
	lx_jw_key(w, "name");
	lx_unit u = {0};
	if (g->community_id && lx_unit_get(r->db, "/", g->community_id, &u) == LX_OK)
		lx_jw_str(w, u.name);
	else
		lx_jw_str(w, strcmp(g->month, "all") == 0 ? "合计" : "（未定位）");
	lx_unit_clear(&u);
	lx_jw_key(w, "calls");
	lx_jw_int(w, g->calls);
	lx_jw_key(w, "acked");
	lx_jw_int(w, g->acked);
	lx_jw_key(w, "arrived");
	lx_jw_int(w, g->arrived);
	lx_jw_key(w, "never_acked");
	lx_jw_int(w, g->never_acked);
	lx_pct_write(w, "ack_median_s", g->ack_s, g->acked, 50);
	lx_pct_write(w, "ack_p90_s", g->ack_s, g->acked, 90);
	lx_pct_write(w, "arrive_median_s", g->arrive_s, g->arrived, 50);
	lx_pct_write(w, "arrive_p90_s", g->arrive_s, g->arrived, 90);
	lx_jw_close(w, '}');
}

static int lx_kgroup_cmp(const void *a, const void *b)
{
	const struct lx_kgroup *x = a, *y = b;
	int c = strcmp(y->month, x->month); /* newest month first */
	return c ? c : (x->community_id > y->community_id) - (x->community_id < y->community_id);
}

int lx_api_onekey_stats(lx_req *r)
{
	lx_ms from = 0, to = 0;
	int64_t unit_id = 0;
	if (!lx_query_time_or_reply(r, "from", &from) || !lx_query_time_or_reply(r, "to", &to) ||
	    !lx_query_posint_or_reply(r, "unit_id", INT64_MAX / 2, &unit_id))
		return LX_BADREQ;
	if (!to)
		to = lx_now_ms() + 1;
	if (!from)
		from = to - 366LL * 24 * 3600 * 1000;
	if (from >= to)
		return lx_reply_error(r, 422, "invalid", "from", "from must be before to");
	lx_unit u = {0};
	if (unit_id) {
		int rc = lx_unit_get(r->db, r->user.scope, unit_id, &u);
		if (rc != LX_OK)
			return rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", "unit_id", "no such unit in your scope")
						 : lx_reply_store_error(r, rc);
	}
	struct lx_kstats *s = lx_xcalloc(1, sizeof *s);
	s->tz = r->app->tz_offset_min;
	lx_db_read_begin(r->db);
	int rc = lx_onekey_each_between(r->db, unit_id ? u.path : r->user.scope, from, to, lx_kstats_cb, s);
	struct lx_kgroup all = {.month = "all"};
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	if (rc == LX_OK) {
		qsort(s->g, (size_t)s->n, sizeof s->g[0], lx_kgroup_cmp);
		for (int i = 0; i < s->n; i++) {
			struct lx_kgroup *g = &s->g[i];
			all.calls += g->calls;
			all.never_acked += g->never_acked;
			for (int k = 0; k < g->acked; k++)
				lx_push(&all.ack_s, all.acked++, g->ack_s[k]);
			for (int k = 0; k < g->arrived; k++)
				lx_push(&all.arrive_s, all.arrived++, g->arrive_s[k]);
		}
		lx_jw_open(&w, '{');
		lx_jw_key(&w, "total");
		lx_kgroup_write(&w, r, &all);
		lx_jw_key(&w, "by_community");
		lx_jw_open(&w, '[');
		for (int i = 0; i < s->n; i++)
			lx_kgroup_write(&w, r, &s->g[i]);
		lx_jw_close(&w, ']');
		lx_jw_key(&w, "truncated");
		lx_jw_bool(&w, s->full);
		lx_jw_close(&w, '}');
	}
	lx_db_read_end(r->db);
	for (int i = 0; i < s->n; i++) {
		free(s->g[i].ack_s);
		free(s->g[i].arrive_s);
	}
	free(all.ack_s);
	free(all.arrive_s);
	free(s);
	lx_unit_clear(&u);
	if (rc != LX_OK) {
		lx_buf_free(&b);
		return lx_reply_store_error(r, rc);
	}
	return lx_reply_jw(r, 200, &w);
}
