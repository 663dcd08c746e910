/*
 * repo_open311.c - the reads and writes of the Open311 GeoReport endpoint:
 * services (leaf categories) with their attribute definitions, requests
 * (cases of type `request`) as GeoReport shows them, tokens of queued
 * requests, and the updates clients post back.
 *
 * Nothing here reads a reporter's name or phone: GeoReport output is public.
 */
#include "repo_open311.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- services ---------------- */

#define LX_SVC_SELECT \
	"SELECT c.code, c.name, p.name, c.accept_hours, c.resolve_hours, " \
	"CASE WHEN c.resp_kind IS NULL THEN 0 ELSE 1 END, " \
	"(SELECT COUNT(*) FROM open311_attributes a WHERE a.category_code = c.code) " \
	"FROM categories c LEFT JOIN categories p ON p.code = c.parent_code " \
	"WHERE NOT EXISTS (SELECT 1 FROM categories k WHERE k.parent_code = c.code)"

void lx_o311_service_clear(lx_o311_service *s)
{
	free(s->code);
	free(s->name);
	free(s->group);
	memset(s, 0, sizeof *s);
}

static void lx_o311_service_row(lx_stmt *st, lx_o311_service *s)
{
	memset(s, 0, sizeof *s);
	s->code = lx_stmt_dup(st, 0);
	s->name = lx_stmt_dup(st, 1);
	s->group = lx_stmt_dup(st, 2);
	s->accept_hours = lx_stmt_double(st, 3);
	s->resolve_hours = lx_stmt_double(st, 4);
	s->has_rule = lx_stmt_int(st, 5) != 0;
	s->nattrs = (int)lx_stmt_int(st, 6);
}

static void lx_o311_service_row_fill(lx_stmt *st, void *out)
{
	lx_o311_service_row(st, out);
}

int lx_o311_service_list(lx_db *db, int (*fn)(void *arg, const lx_o311_service *s), void *arg)
{
	lx_stmt *st = lx_db_prepare(db, LX_SVC_SELECT " ORDER BY c.code");
	if (!st)
		return LX_ERR;
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_o311_service s;
		lx_o311_service_row(st, &s);
		int stop = fn(arg, &s);
		lx_o311_service_clear(&s);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_o311_service_get(lx_db *db, const char *code, lx_o311_service *out)
{
	lx_stmt *st = lx_db_prepare(db, LX_SVC_SELECT " AND c.code = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, code);
	return lx_row_one(st, lx_o311_service_row_fill, out);
}

int lx_o311_changeset(lx_db *db, lx_ms *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT (SELECT MAX(updated_at) FROM categories), "
					"(SELECT MAX(applied_at) FROM schema_migrations)");
	if (!st)
		return LX_ERR;
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		lx_ms a = lx_stmt_int(st, 0), b = lx_stmt_int(st, 1);
		*out = a > b ? a : b;
		rc = LX_OK;
	} else {
		rc = LX_ERR;
	}
	lx_stmt_done(st);
	return rc;
}

void lx_o311_attrs_free(lx_o311_attr *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].code);
		free(a[i].datatype_description);
		free(a[i].description);
		for (size_t k = 0; k < a[i].nvalues; k++) {
			free(a[i].values[k].key);
			free(a[i].values[k].name);
		}
		free(a[i].values);
	}
	free(a);
}

int lx_o311_attrs_load(lx_db *db, const char *code, lx_o311_attr **out, size_t *n)
{
	lx_o311_attr *arr = NULL;
	size_t cnt = 0, cap = 0;
	int64_t last = 0;
	int rc;

	*out = NULL;
	*n = 0;
	lx_stmt *st = lx_db_prepare(db, "SELECT a.id, a.code, a.datatype, a.variable, a.required, "
					"a.datatype_description, a.ord, a.description, v.value_key, v.name "
					"FROM open311_attributes a "
					"LEFT JOIN open311_attribute_values v ON v.attribute_id = a.id "
					"WHERE a.category_code = ? ORDER BY a.ord, a.id, v.ord, v.value_key");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, code);
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		int64_t id = lx_stmt_int(st, 0);
		if (!cnt || id != last) {
			if (cnt == cap) {
				cap = cap ? cap * 2 : 8;
				arr = lx_xrealloc(arr, cap * sizeof *arr);
			}
			lx_o311_attr *a = &arr[cnt++];
			memset(a, 0, sizeof *a);
			a->code = lx_stmt_dup(st, 1);
			snprintf(a->datatype, sizeof a->datatype, "%s", lx_stmt_text(st, 2));
			a->variable = lx_stmt_int(st, 3) != 0;
			a->required = lx_stmt_int(st, 4) != 0;
			a->datatype_description = lx_stmt_dup(st, 5);
			a->order = (int)lx_stmt_int(st, 6);
			a->description = lx_stmt_dup(st, 7);
			last = id;
		}
		if (!lx_stmt_isnull(st, 8)) {
			lx_o311_attr *a = &arr[cnt - 1];
			a->values = lx_xrealloc(a->values, (a->nvalues + 1) * sizeof *a->values);
			a->values[a->nvalues].key = lx_stmt_dup(st, 8);
			a->values[a->nvalues].name = lx_stmt_dup(st, 9);
			a->nvalues++;
		}
	}
	lx_stmt_done(st);
	if (rc != LX_DONE) {
		lx_o311_attrs_free(arr, cnt);
		return LX_ERR;
	}
	*out = arr;
	*n = cnt;
	return LX_OK;
}

/* ---------------- requests ---------------- */

/* An anonymous reporter: the flag, or an Open311 request with no contact. */
#define LX_REQ_ANON \
	"(c.reporter_anonymous <> 0 OR (c.channel = 'open311' AND c.reporter_name IS NULL " \
	"AND c.reporter_phone IS NULL AND o.email IS NULL))"

#define LX_REQ_SELECT \
	"SELECT c.id, c.status, c.category_code, k.name, c.description, c.address, lu.code, " \
	"hu.name, c.reply, o.media_url, c.lat, c.lon, c.created_at, c.updated_at, " \
	"c.resolve_due_at, CASE WHEN " LX_REQ_ANON " THEN 1 ELSE 0 END, au.name, au.code, " \
	"CASE WHEN " LX_REQ_ANON " THEN NULL ELSE (SELECT a.id FROM attachments a WHERE " \
	"a.case_id = c.id AND a.thumb IS NOT NULL ORDER BY a.id LIMIT 1) END FROM cases c " \
	"LEFT JOIN categories k ON k.code = c.category_code " \
	"LEFT JOIN units lu ON lu.id = c.unit_id " \
	"LEFT JOIN units hu ON hu.id = c.handler_unit_id " \
	"LEFT JOIN open311_requests o ON o.case_id = c.id " \
	/* the community (or coarser) of an anonymous reporter's case */ \
	"LEFT JOIN units au ON " LX_REQ_ANON " AND au.id = (SELECT u.id FROM units u " \
	"WHERE u.kind IN ('district', 'street', 'community', 'village') " \
	"AND c.unit_path LIKE (u.path || '%') ORDER BY u.depth DESC LIMIT 1) " \
	"WHERE c.type = 'request'"

void lx_o311_request_clear(lx_o311_request *q)
{
	free(q->service_code);
	free(q->service_name);
	free(q->description);
	free(q->address);
	free(q->address_id);
	free(q->agency);
	free(q->reply);
	free(q->media_url);
	free(q->area);
	free(q->area_code);
	memset(q, 0, sizeof *q);
}

static void lx_o311_request_row(lx_stmt *st, lx_o311_request *q)
{
	memset(q, 0, sizeof *q);
	q->id = lx_stmt_int(st, 0);
	snprintf(q->status, sizeof q->status, "%s", lx_stmt_text(st, 1));
	q->service_code = lx_stmt_dup(st, 2);
	q->service_name = lx_stmt_dup(st, 3);
	q->description = lx_stmt_dup(st, 4);
	q->address = lx_stmt_dup(st, 5);
	q->address_id = lx_stmt_dup(st, 6);
	q->agency = lx_stmt_dup(st, 7);
	q->reply = lx_stmt_dup(st, 8);
	q->media_url = lx_stmt_dup(st, 9);
	q->has_point = !lx_stmt_isnull(st, 10) && !lx_stmt_isnull(st, 11);
	q->lat = lx_stmt_double(st, 10);
	q->lon = lx_stmt_double(st, 11);
	q->created_at = lx_stmt_int(st, 12);
	q->updated_at = lx_stmt_int(st, 13);
	q->resolve_due_at = lx_stmt_int(st, 14);
	q->anonymous = lx_stmt_int(st, 15) != 0;
	q->area = lx_stmt_dup(st, 16);
	q->area_code = lx_stmt_dup(st, 17);
	q->photo_id = lx_stmt_int(st, 18);
}

static void lx_o311_request_row_fill(lx_stmt *st, void *out)
{
	lx_o311_request_row(st, out);
}

/* The number of placeholders for a list of count items: the next power of
 * two, so that lists of any length share a few cached statements (the
 * extra places repeat the last item). */
static size_t lx_o311_slots(size_t count)
{
	size_t n = 1;
	assert(count > 0);
	while (n < count)
		n *= 2;
	return n;
}

/* Appends " AND col IN (?n, ...)" with lx_o311_slots(count) parameters
 * numbered from *next on. */
static void lx_o311_in_list(lx_buf *sql, const char *col, size_t count, int *next)
{
	size_t slots = lx_o311_slots(count);
	lx_buf_printf(sql, " AND %s IN (", col);
	for (size_t i = 0; i < slots; i++)
		lx_buf_printf(sql, "%s?%d", i ? ", " : "", (*next)++);
	lx_buf_putc(sql, ')');
}

int lx_o311_request_list(lx_db *db, const lx_o311_filter *f,
			 int (*fn)(void *arg, const lx_o311_request *q), void *arg)
{
	lx_buf sql;
	int next = 1, rc = LX_ERR;

	assert(f->limit > 0 && f->offset >= 0);
	lx_buf_init(&sql);
	lx_buf_puts(&sql, LX_REQ_SELECT);
	if (f->nids) {
		lx_o311_in_list(&sql, "c.id", f->nids, &next);
	} else {
		if (f->ncodes)
			lx_o311_in_list(&sql, "c.category_code", f->ncodes, &next);
		/* Open311's closed is the engine's done */
		if (f->open != f->closed)
			lx_buf_printf(&sql, " AND c.status %s %s", f->open ? "NOT IN" : "IN",
				      lx_store_states_sql(LX_STATES_DONE));
		lx_buf_printf(&sql, " AND c.created_at >= ?%d AND c.created_at <= ?%d", next, next + 1);
		next += 2;
	}
	lx_buf_printf(&sql, " ORDER BY c.created_at DESC, c.id DESC LIMIT ?%d OFFSET ?%d", next, next + 1);

	lx_stmt *st = lx_db_prepare(db, sql.data);
	if (!st)
		goto cleanup;
	int i = 1;
	if (f->nids) {
		for (size_t k = 0; k < lx_o311_slots(f->nids); k++)
			lx_stmt_bind_int(st, i++, f->ids[k < f->nids ? k : f->nids - 1]);
	} else {
		for (size_t k = 0; f->ncodes && k < lx_o311_slots(f->ncodes); k++)
			lx_stmt_bind_text(st, i++, f->codes[k < f->ncodes ? k : f->ncodes - 1]);
		lx_stmt_bind_int(st, i++, f->from);
		lx_stmt_bind_int(st, i++, f->to);
	}
	lx_stmt_bind_int(st, i++, f->limit);
	lx_stmt_bind_int(st, i++, f->offset);
	int step;
	while ((step = lx_stmt_step(st)) == LX_ROW) {
		lx_o311_request q;
		lx_o311_request_row(st, &q);
		int stop = fn(arg, &q);
		lx_o311_request_clear(&q);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	rc = step == LX_ROW || step == LX_DONE ? LX_OK : LX_ERR;
cleanup:
	lx_buf_free(&sql);
	return rc;
}

int lx_o311_request_get(lx_db *db, int64_t id, lx_o311_request *out)
{
	lx_stmt *st = lx_db_prepare(db, LX_REQ_SELECT " AND c.id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_row_one(st, lx_o311_request_row_fill, out);
}

int lx_o311_extra_insert(lx_db *db, const lx_o311_extra *x, lx_ms now)
{
	assert(x->case_id > 0 && x->api_key_id > 0);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO open311_requests(case_id, api_key_id, email, "
					"device_id, account_id, address_id, media_url, attributes, "
					"created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, x->case_id);
	lx_stmt_bind_int(st, 2, x->api_key_id);
	lx_stmt_bind_text(st, 3, x->email);
	lx_stmt_bind_text(st, 4, x->device_id);
	lx_stmt_bind_text(st, 5, x->account_id);
	lx_stmt_bind_text(st, 6, x->address_id);
	lx_stmt_bind_text(st, 7, x->media_url);
	lx_stmt_bind_text(st, 8, x->attributes);
	lx_stmt_bind_int(st, 9, now);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return LX_ERR;
	if (!x->token)
		return LX_OK;
	st = lx_db_prepare(db, "INSERT INTO open311_tokens(token, case_id, created_at) VALUES (?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, x->token);
	lx_stmt_bind_int(st, 2, x->case_id);
	lx_stmt_bind_int(st, 3, now);
	rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}

int lx_o311_token_case(lx_db *db, const char *token, int64_t *case_id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT case_id FROM open311_tokens WHERE token = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, token);
	return lx_stmt_one_int(st, case_id);
}

int lx_o311_units_in_text(lx_db *db, const char *text,
			  int (*fn)(void *arg, int64_t id, const char *path), void *arg)
{
	/* Unit names hold no LIKE wildcards in practice; one that did would
	 * only widen its own match. */
	lx_stmt *st = lx_db_prepare(db, "SELECT id, path FROM units "
					"WHERE kind IN ('district', 'street', 'community', 'village', "
					"'grid', 'microgrid') AND ? LIKE '%' || name || '%' "
					"ORDER BY depth, id");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_text(st, 1, text);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW)
		if (fn(arg, lx_stmt_int(st, 0), lx_stmt_text(st, 1)))
			break;
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

/* ---------------- updates ---------------- */

int lx_o311_update_insert(lx_db *db, const lx_o311_update_in *u, lx_ms now)
{
	assert(u->case_id > 0 && u->api_key_id > 0 && u->event_id > 0);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO open311_updates(event_id, case_id, api_key_id, "
					"client_update_id, status, updated_datetime, description, "
					"media_url, email, first_name, last_name, account_id, created_at) "
					"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, u->event_id);
	lx_stmt_bind_int(st, 2, u->case_id);
	lx_stmt_bind_int(st, 3, u->api_key_id);
	lx_stmt_bind_text(st, 4, u->client_update_id);
	lx_stmt_bind_text(st, 5, u->status);
	lx_stmt_bind_int(st, 6, u->updated_datetime);
	lx_stmt_bind_text(st, 7, u->description);
	lx_stmt_bind_text(st, 8, u->media_url);
	lx_stmt_bind_text(st, 9, u->email);
	lx_stmt_bind_text(st, 10, u->first_name);
	lx_stmt_bind_text(st, 11, u->last_name);
	lx_stmt_bind_text(st, 12, u->account_id);
	lx_stmt_bind_int(st, 13, now);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc == LX_DONE)
		return LX_OK;
	return rc == LX_CONFLICT ? LX_CONFLICT : LX_ERR;
}

int lx_o311_update_find(lx_db *db, int64_t api_key_id, const char *client_update_id,
			int64_t *event_id, int64_t *case_id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT event_id, case_id FROM open311_updates "
					"WHERE api_key_id = ? AND client_update_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, api_key_id);
	lx_stmt_bind_text(st, 2, client_update_id);
	int rc = lx_stmt_step(st);
	if (rc == LX_ROW) {
		*event_id = lx_stmt_int(st, 0);
		*case_id = lx_stmt_int(st, 1);
		rc = LX_OK;
	} else if (rc == LX_DONE) {
		rc = LX_NOTFOUND;
	}
	lx_stmt_done(st);
	return rc;
}

void lx_o311_update_clear(lx_o311_update *u)
{
	free(u->unit_name);
	free(u->note);
	free(u->client_text);
	free(u->media_url);
	memset(u, 0, sizeof *u);
}

int lx_o311_update_list(lx_db *db, lx_ms from, lx_ms to, int limit, int offset,
			int (*fn)(void *arg, const lx_o311_update *u), void *arg)
{
	assert(limit > 0 && offset >= 0);
	lx_stmt *st = lx_db_prepare(db, "SELECT e.id, e.case_id, e.at, e.action, e.to_status, n.name, "
					"e.note, u.description, u.media_url, "
					"CASE WHEN u.id IS NULL THEN 0 ELSE 1 END "
					"FROM case_events e JOIN cases c ON c.id = e.case_id "
					"LEFT JOIN units n ON n.id = e.unit_id "
					"LEFT JOIN open311_updates u ON u.event_id = e.id "
					"WHERE c.type = 'request' AND e.at >= ? AND e.at <= ? "
					"AND (e.action IN ('dispatch', 'accept', 'resolve', 'rate', "
					"'reopen', 'close') OR u.id IS NOT NULL) "
					"ORDER BY e.at, e.id LIMIT ? OFFSET ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, from);
	lx_stmt_bind_int(st, 2, to);
	lx_stmt_bind_int(st, 3, limit);
	lx_stmt_bind_int(st, 4, offset);
	int rc;
	while ((rc = lx_stmt_step(st)) == LX_ROW) {
		lx_o311_update u;
		memset(&u, 0, sizeof u);
		u.id = lx_stmt_int(st, 0);
		u.case_id = lx_stmt_int(st, 1);
		u.at = lx_stmt_int(st, 2);
		snprintf(u.action, sizeof u.action, "%s", lx_stmt_text(st, 3));
		snprintf(u.to_status, sizeof u.to_status, "%s",
			 lx_stmt_isnull(st, 4) ? "" : lx_stmt_text(st, 4));
		u.unit_name = lx_stmt_dup(st, 5);
		u.note = lx_stmt_dup(st, 6);
		if (lx_stmt_int(st, 9)) {
			u.client_text = lx_stmt_dup(st, 7);
			u.media_url = lx_stmt_dup(st, 8);
		}
		int stop = fn(arg, &u);
		lx_o311_update_clear(&u);
		if (stop)
			break;
	}
	lx_stmt_done(st);
	return rc == LX_ROW || rc == LX_DONE ? LX_OK : LX_ERR;
}

static void lx_o311_case_id(lx_stmt *st, void *out)
{
	*(int64_t *)out = lx_stmt_int(st, 0);
}

int lx_o311_media_case(lx_db *db, int64_t attachment_id, int64_t *case_id)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT c.id FROM attachments a JOIN cases c ON c.id = a.case_id "
					"LEFT JOIN open311_requests o ON o.case_id = c.id "
					"WHERE a.id = ? AND a.thumb IS NOT NULL AND c.type = 'request' "
					"AND NOT " LX_REQ_ANON);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, attachment_id);
	return lx_row_one(st, lx_o311_case_id, case_id);
}
