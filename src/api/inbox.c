/*
 * inbox.c - a user's inbox (GET /api/v1/inbox, POST …/{id}/read,
 * POST …/read-all), the message templates an admin edits
 * (/api/v1/notify/templates) and the outbox's deliveries
 * (GET /api/v1/notify/outbox). The entries are written by notify/ in the
 * transaction of the change they tell of; here they are only read and
 * marked read. A user sees only their own entries.
 */
#include "api.h"
#include "notify.h"
#include "repo_notify.h"
#include "scrub.h"

#include <stdlib.h>
#include <string.h>

/* Rows' integer times (created_at, …) as RFC 3339 in the server's zone. */
static void lx_rows_times(lx_req *r, json_t *rows, const char *const *keys)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		for (const char *const *k = keys; *k; k++) {
			json_t *v = json_object_get(row, *k);
			if (json_is_integer(v)) {
				char ts[40];
				lx_time_format(json_integer_value(v), r->app->tz_offset_min, ts, sizeof ts);
				json_object_set_new(row, *k, json_string(ts));
			}
		}
	}
}

/* {"items": rows[0..limit), "next_cursor": the last id when rows has more}
 * plus extra's members. Takes rows and extra. */
static int lx_page_reply(lx_req *r, json_t *rows, int64_t limit, json_t *extra)
{
	bool more = json_array_size(rows) > (size_t)limit;
	if (more)
		json_array_remove(rows, (size_t)limit);
	size_t n = json_array_size(rows);
	json_t *last = n ? json_object_get(json_array_get(rows, n - 1), "id") : NULL;
	char cursor[24];
	snprintf(cursor, sizeof cursor, "%lld", last ? (long long)json_integer_value(last) : 0LL);
	json_t *j = extra ? extra : json_object();
	json_object_set_new(j, "items", rows);
	json_object_set_new(j, "next_cursor", more && last ? json_string(cursor) : json_null());
	return lx_reply_json(r, 200, j);
}

int lx_api_inbox_list(lx_req *r)
{
	int64_t limit = 0, cursor = 0, unread = 0;
	bool only_unread;
	if (!lx_query_posint_or_reply(r, "limit", 200, &limit) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX / 2, &cursor) ||
	    !lx_query_bool_or_reply(r, "unread", &only_unread))
		return LX_BADREQ;
	if (!limit)
		limit = 50;
	json_t *rows = lx_inbox_list(r->db, r->user.id, only_unread, cursor, (int)limit);
	if (!rows || lx_inbox_unread(r->db, r->user.id, &unread) != LX_OK) {
		json_decref(rows);
		return lx_reply_store_error(r, LX_ERR);
	}
	static const char *const times[] = {"created_at", "read_at", NULL};
	lx_rows_times(r, rows, times);
	return lx_page_reply(r, rows, limit, json_pack("{s:I}", "unread", (json_int_t)unread));
}

/* The live inbox: an event whenever the newest entry or the unread count
 * changes (and one at once), polled by the stream about once a second. */
struct lx_inbox_stream {
	lx_pool *pool;
	int64_t user_id, newest, unread;
	bool sent;
};

static int lx_inbox_poll(void *cls, lx_buf *out)
{
	struct lx_inbox_stream *s = cls;
	lx_db *db = lx_pool_conn(s->pool);
	int64_t newest = 0, unread = 0;
	if (!db || lx_inbox_newest(db, s->user_id, &newest) != LX_OK ||
	    lx_inbox_unread(db, s->user_id, &unread) != LX_OK)
		return LX_ERR;
	if (!s->sent || newest != s->newest || unread != s->unread)
		lx_buf_printf(out, "event: inbox\ndata: {\"unread\":%lld,\"newest\":%lld}\n\n", (long long)unread,
			      (long long)newest);
	s->sent = true;
	s->newest = newest;
	s->unread = unread;
	return LX_OK;
}

int lx_api_inbox_stream(lx_req *r)
{
	struct lx_inbox_stream *s = lx_xcalloc(1, sizeof *s);
	s->pool = r->app->pool;
	s->user_id = r->user.id;
	/* ten minutes, then the browser comes back with the session as it is then */
	return lx_reply_events(r, 10 * 60 * 1000, lx_inbox_poll, s, free);
}

int lx_api_inbox_read(lx_req *r)
{
	int64_t id, unread = 0;
	if (!lx_req_id(r, 0, &id))
		return LX_NOTFOUND;
	/* another user's entry reads as missing */
	int rc = lx_inbox_read(r->db, r->user.id, id, lx_now_ms());
	if (rc == LX_OK)
		rc = lx_inbox_unread(r->db, r->user.id, &unread);
	if (rc != LX_OK)
		return rc == LX_NOTFOUND ? LX_NOTFOUND : lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, json_pack("{s:I, s:b, s:I}", "id", (json_int_t)id, "read", 1, "unread",
					       (json_int_t)unread));
}

int lx_api_inbox_read_all(lx_req *r)
{
	int64_t n = 0;
	int rc = lx_inbox_read_all(r->db, r->user.id, lx_now_ms(), &n);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, json_pack("{s:I, s:i}", "marked", (json_int_t)n, "unread", 0));
}

int lx_api_templates_list(lx_req *r)
{
	json_t *rows = lx_templates_list(r->db);
	if (!rows)
		return lx_reply_store_error(r, LX_ERR);
	static const char *const times[] = {"updated_at", NULL};
	lx_rows_times(r, rows, times);
	return lx_reply_json(r, 200, json_pack("{s:o}", "items", rows));
}

struct lx_template_in {
	const char *event, *channel, *text;
};
#define TPI struct lx_template_in
static const lx_field lx_template_fields[] = {
	LX_FIELD(TPI, event, LX_F_STR, .required = true, .max = 64, .doc = "case.accepted, case.resolved, …"),
	LX_FIELD(TPI, channel, LX_F_STR, .required = true, .max = 16, .doc = "inbox or sms"),
	LX_FIELD(TPI, text, LX_F_STR, .required = true, .max = 500,
		 .doc = "with {number} {title} {unit} {accept_due} {due} {reply} {link} {request}"),
	LX_FIELD_END,
};
#undef TPI
const lx_schema lx_template_schema = {"template", lx_template_fields, NULL, sizeof(struct lx_template_in)};

int lx_api_templates_put(lx_req *r)
{
	const struct lx_template_in *in = r->in;
	if (!*in->text)
		return lx_reply_error(r, 422, "invalid", "text", "a template needs its text");
	/* texts reach residents' phones: only the templates the system sends */
	int rc = lx_template_set(r->db, in->event, in->channel, in->text, lx_now_ms());
	lx_notify_templates_changed();
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", "event", "there is no %s template of %s", in->channel,
				      in->event);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, json_pack("{s:s, s:s, s:s}", "event", in->event, "channel", in->channel, "text",
					       in->text));
}

int lx_api_outbox_list(lx_req *r)
{
	int64_t limit = 0, cursor = 0, case_id = 0;
	bool pending;
	/* the texts name cases of every unit: a street's admin sees its cases' own on the case */
	if (strcmp(r->user.scope, "/") != 0)
		return lx_reply_error(r, 403, "forbidden", NULL, "only the system's admin sees every unit's messages");
	if (!lx_query_posint_or_reply(r, "limit", 200, &limit) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX / 2, &cursor) ||
	    !lx_query_posint_or_reply(r, "case_id", INT64_MAX / 2, &case_id) ||
	    !lx_query_bool_or_reply(r, "pending", &pending))
		return LX_BADREQ;
	if (!limit)
		limit = 50;
	json_t *rows = lx_outbox_list(r->db, case_id, pending, cursor, (int)limit);
	if (!rows)
		return lx_reply_store_error(r, LX_ERR);
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		/* an admin's list, yet a text may quote a reply with numbers in it */
		char *text = lx_scrub_pii(json_string_value(json_object_get(row, "text")));
		json_object_set_new(row, "text", json_string(text ? text : ""));
		free(text);
	}
	static const char *const times[] = {"created_at", "next_at", "delivered_at", "gave_up_at", NULL};
	lx_rows_times(r, rows, times);
	return lx_page_reply(r, rows, limit, NULL);
}
