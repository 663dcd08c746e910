/*
 * case_query.c - the filters of a case list (GET /api/v1/cases and its
 * exports), parsed and checked once: the same parameters, the same errors.
 */
#include "api.h"
#include "flow.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void lx_api_case_query_clear(lx_case_query *q)
{
	lx_text_query_free(&q->tq);
	lx_unit_clear(&q->unit);
	free(q->reporter_key);
	memset(q, 0, sizeof *q);
}

/* Empty query arguments count as absent, as in the list. */
static const char *lx_query_arg(lx_req *r, const char *key)
{
	const char *s = lx_req_arg(r, key);
	return s && *s ? s : NULL;
}

bool lx_query_time_or_reply(lx_req *r, const char *key, lx_ms *out)
{
	const char *s = lx_query_arg(r, key);
	*out = 0;
	if (s && lx_time_parse(s, r->app->tz_offset_min, out) != LX_OK) {
		lx_reply_error(r, 400, "bad_parameter", key, "%s must be an RFC 3339 time or a date", key);
		return false;
	}
	return true;
}

bool lx_query_posint_or_reply(lx_req *r, const char *key, int64_t max, int64_t *out)
{
	const char *s = lx_query_arg(r, key);
	char *end;
	*out = 0;
	if (!s)
		return true;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (*end || errno || v <= 0 || v > max) {
		lx_reply_error(r, 400, "bad_parameter", key, "%s must be an integer from 1 to %lld", key,
			       (long long)max);
		return false;
	}
	*out = v;
	return true;
}

bool lx_query_bool_or_reply(lx_req *r, const char *key, bool *out)
{
	const char *s = lx_query_arg(r, key);
	*out = false;
	if (!s || strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
		return true;
	if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0) {
		*out = true;
		return true;
	}
	lx_reply_error(r, 400, "bad_parameter", key, "%s is true or false", key);
	return false;
}

/*
 * Parses the case list's query arguments of r into *q, with the same rules
 * and error replies as GET /api/v1/cases: unknown status or type 422, bad
 * numbers and times 400, a unit outside the caller's scope 404. `limit` is
 * 1..max_limit (default max_limit). Returns LX_OK (caller clears q with
 * lx_case_query_clear) or an error status after replying (q is cleared).
 */
/* A case number typed into the search ("20261123000042": the local date
 * of intake and the id): narrows q to that id on that day. False when
 * text is no case number. */
static bool lx_query_number(lx_req *r, const char *text, lx_case_query *q)
{
	char day[11];
	lx_ms start;
	int64_t id;
	if (!lx_flow_case_number_id(text, &id))
		return false;
	snprintf(day, sizeof day, "%.4s-%.2s-%.2s", text, text + 4, text + 6);
	if (lx_time_parse(day, r->app->tz_offset_min, &start) != LX_OK)
		return false;
	q->f.id = id;
	if (!q->f.from || q->f.from < start)
		q->f.from = start;
	if (!q->f.to || q->f.to > start + LX_DAY_MS)
		q->f.to = start + LX_DAY_MS;
	return true;
}

/* reporter_phone (the desk's repeat-call path: admin and dispatcher only),
 * mine=true, basis=location|handler. Replies on a bad one. */
static int lx_query_desk_or_reply(lx_req *r, lx_case_query *q)
{
	const char *phone = lx_query_arg(r, "reporter_phone"), *mine = lx_query_arg(r, "mine");
	const char *basis = lx_query_arg(r, "basis");
	if (phone) {
		if (!lx_req_role(r, LX_ROLE_ADMIN | LX_ROLE_DISPATCHER))
			return lx_reply_error(r, 403, "forbidden", "reporter_phone",
					      "only the desk looks callers up by phone");
		q->reporter_key = lx_phone_key(phone);
		if (!q->reporter_key || strlen(q->reporter_key) < 3 || strlen(q->reporter_key) > 20)
			return lx_reply_error(r, 400, "bad_parameter", "reporter_phone",
					      "reporter_phone holds 3-20 digits");
		q->f.reporter_key = q->reporter_key;
	}
	if (mine && strcmp(mine, "true") == 0)
		q->f.created_by = r->user.id;
	else if (mine && strcmp(mine, "false") != 0)
		return lx_reply_error(r, 400, "bad_parameter", "mine", "mine must be true or false");
	if (basis && strcmp(basis, "location") == 0)
		q->f.basis = LX_BASIS_LOCATION;
	else if (basis && strcmp(basis, "handler") == 0)
		q->f.basis = LX_BASIS_HANDLER;
	else if (basis)
		return lx_reply_error(r, 400, "bad_parameter", "basis", "basis must be location or handler");
	return LX_OK;
}

int lx_api_case_query_parse(lx_req *r, int64_t default_limit, int64_t max_limit, lx_case_query *q)
{
	int64_t limit = 0, cursor = 0;
	int rc;
	memset(q, 0, sizeof *q);
	q->f.status = lx_query_arg(r, "status");
	q->f.type = lx_query_arg(r, "type");
	q->f.category_code = lx_query_arg(r, "category_code");
	const char *overdue = lx_query_arg(r, "overdue"), *text = lx_query_arg(r, "q");
	if (q->f.status && !lx_flow_status_known(q->f.status))
		return lx_reply_error(r, 422, "unknown_status", "status", "unknown status");
	if (q->f.type && !lx_flow_type_known(q->f.type))
		return lx_reply_error(r, 422, "unknown_type", "type", "unknown case type");
	/* the desk's queue of requests awaiting a decision */
	q->f.pending = lx_query_arg(r, "pending");
	if (q->f.pending && strcmp(q->f.pending, "any") != 0 && strcmp(q->f.pending, "extension") != 0 &&
	    strcmp(q->f.pending, "suspension") != 0 && strcmp(q->f.pending, "appeal") != 0)
		return lx_reply_error(r, 422, "invalid", "pending", "pending must be any, extension, suspension or appeal");
	if (q->f.category_code && (strlen(q->f.category_code) > 16 ||
				   !lx_utf8_valid(q->f.category_code, strlen(q->f.category_code))))
		return lx_reply_error(r, 400, "bad_parameter", "category_code", "bad category code");
	if (overdue) {
		if (strcmp(overdue, "true") == 0)
			q->f.overdue = true;
		else if (strcmp(overdue, "false") != 0)
			return lx_reply_error(r, 400, "bad_parameter", "overdue", "overdue must be true or false");
	}
	if (!lx_query_time_or_reply(r, "from", &q->f.from) || !lx_query_time_or_reply(r, "to", &q->f.to) ||
	    !lx_query_posint_or_reply(r, "limit", max_limit, &limit) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX / 2, &cursor) ||
	    !lx_query_posint_or_reply(r, "unit_id", INT64_MAX / 2, &q->f.unit_id))
		return LX_BADREQ;
	q->f.limit = (int)(limit ? limit : default_limit);
	q->f.cursor = cursor;
	if (q->f.unit_id) {
		rc = lx_unit_get(r->db, r->user.scope, q->f.unit_id, &q->unit);
		if (rc == LX_NOTFOUND)
			return lx_reply_error(r, 404, "not_found", "unit_id", "no such unit in your scope");
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		q->f.unit_path = q->unit.path;
	}
	if ((rc = lx_query_desk_or_reply(r, q)) != LX_OK)
		goto fail;
	if (text && lx_query_number(r, text, q))
		text = NULL; /* a case number: that case, not a search */
	if (text) {
		if (!lx_utf8_valid(text, strlen(text))) {
			rc = lx_reply_error(r, 400, "bad_encoding", "q", "q is not valid UTF-8");
			goto fail;
		}
		if (lx_text_query_parse(text, &q->tq) != LX_OK && strlen(text) > 200) {
			rc = lx_reply_error(r, 400, "bad_parameter", "q", "q is longer than 200 bytes");
			goto fail;
		}
		q->f.match = q->tq.match;
		q->f.words = q->tq.words;
		q->f.nwords = q->tq.nwords;
	}
	return LX_OK;
fail:
	lx_api_case_query_clear(q);
	return rc;
}
