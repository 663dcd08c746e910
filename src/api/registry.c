/*
 * registry.c - households and residents: GET|POST /api/v1/registry/
 * households|residents, GET|PATCH .../{id}, and a resident's unmasked
 * read, which is audited before it is answered.
 */
#include "pii.h"
#include "registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------- households ---------------- */

struct lx_household_in {
	int64_t unit_id, members, version;
	bool has_unit_id, has_members, has_version;
	const char *address;
	double lat, lon;
	bool has_lat, has_lon;
};
#define HI struct lx_household_in
#define LX_HH_FIELDS                                                                               \
	LX_FIELD_HAS(HI, members, LX_F_INT, .min = 0, .max = 99, .doc = "people living there"),        \
	LX_FIELD_HAS(HI, lat, LX_F_NUM, .min = -90, .max = 90, .nullable = true),                     \
	LX_FIELD_HAS(HI, lon, LX_F_NUM, .min = -180, .max = 180, .nullable = true)
static const lx_field lx_household_create_fields[] = {
	LX_FIELD_HAS(HI, unit_id, LX_F_INT, .required = true, .min = 1, .max = 1e15, .doc = "its grid"),
	LX_FIELD(HI, address, LX_F_STR, .required = true, .max = 200),
	LX_HH_FIELDS,
	LX_FIELD_END,
};
static const lx_field lx_household_patch_fields[] = {
	LX_FIELD_HAS(HI, unit_id, LX_F_INT, .min = 1, .max = 1e15, .doc = "another grid: a move, kept in its history"),
	LX_FIELD(HI, address, LX_F_STR, .max = 200),
	LX_HH_FIELDS,
	LX_FIELD_HAS(HI, version, LX_F_INT, .min = 1, .max = 1e9, .doc = "the version read (409 when stale)"),
	LX_FIELD_END,
};
const lx_schema lx_household_create_schema = {"household_create", lx_household_create_fields, NULL, sizeof(HI)};
const lx_schema lx_household_patch_schema = {"household_patch", lx_household_patch_fields, NULL, sizeof(HI)};

/* Applies the body to h (a unit change is checked in scope); replies on error. */
static int lx_household_apply_or_reply(lx_req *r, const HI *in, lx_household *h)
{
	if (in->has_unit_id && in->unit_id != h->unit_id) {
		lx_unit u = {0};
		int rc = lx_reg_unit_or_reply(r, in->unit_id, "unit_id", &u);
		if (rc != LX_OK)
			return rc;
		h->unit_id = u.id;
		free(h->unit_path);
		h->unit_path = lx_xstrdup(u.path);
		lx_unit_clear(&u);
	}
	if (in->address) {
		if (!*in->address)
			return lx_reply_error(r, 422, "required", "address", "address is required");
		free(h->address);
		h->address = lx_xstrdup(in->address);
	}
	if (in->has_members)
		h->members = (int)in->members;
	if (in->has_lat != in->has_lon)
		return lx_reply_error(r, 422, "invalid", in->has_lat ? "lon" : "lat", "lat and lon come together");
	if (in->has_lat) {
		h->has_point = true;
		h->lat = in->lat;
		h->lon = in->lon;
	}
	if (in->has_version && in->version != h->version)
		return lx_reply_error(r, 409, "stale_version", "version", "the household changed since you read it");
	return LX_OK;
}

static int lx_household_reply(lx_req *r, int status, const lx_household *h)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_reg_household_write(&w, r, h);
	lx_jw_close(&w, '}');
	return lx_reply_jw(r, status, &w);
}

int lx_api_households_create(lx_req *r)
{
	lx_household h = {0};
	int rc = lx_household_apply_or_reply(r, r->in, &h);
	if (rc == LX_OK) {
		rc = lx_household_add(r->db, &h, lx_now_ms());
		rc = rc == LX_OK ? lx_household_reply(r, 201, &h) : lx_reply_store_error(r, rc);
	}
	lx_household_clear(&h);
	return rc;
}

int lx_api_households_patch(lx_req *r)
{
	lx_household h = {0}, was = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such household");
	int rc = lx_household_get(r->db, r->user.scope, id, &was);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	h = was;
	h.unit_path = lx_xstrdup(was.unit_path);
	h.address = lx_xstrdup(was.address);
	rc = lx_household_apply_or_reply(r, r->in, &h);
	if (rc == LX_OK) {
		rc = lx_household_update(r->db, &h, &was, r->user.id, lx_now_ms());
		if (rc == LX_CONFLICT)
			rc = lx_reply_error(r, 409, "stale_version", "version", "the household changed meanwhile");
		else
			rc = rc == LX_OK ? lx_household_reply(r, 200, &h) : lx_reply_store_error(r, rc);
	}
	lx_household_clear(&h);
	lx_household_clear(&was);
	return rc;
}

struct lx_reg_list {
	lx_req *r;
	lx_jw *w;
	lx_reg_tags *tags;
	size_t n, max;
	int64_t last_id;
	bool more;
};

static int lx_household_row(void *arg, const lx_household *h)
{
	struct lx_reg_list *l = arg;
	if (l->n == l->max) {
		l->more = true; /* a row beyond the page: another page follows */
		return 1;
	}
	lx_reg_household_write(l->w, l->r, h);
	lx_jw_close(l->w, '}');
	l->n++;
	l->last_id = h->id;
	return 0;
}

int lx_api_households_list(lx_req *r)
{
	lx_reg_query q;
	lx_buf b;
	lx_jw w;
	int rc = lx_reg_query_parse_or_reply(r, &q);
	if (rc != LX_OK)
		return rc;
	lx_api_list_open(&b, &w);
	struct lx_reg_list l = {.r = r, .w = &w, .max = (size_t)q.f.limit - 1};
	rc = lx_households_each(r->db, r->user.scope, &q.f, lx_household_row, &l);
	if (rc == LX_OK)
		rc = lx_api_list_reply(r, &w, l.more, l.last_id);
	else
		lx_buf_free(&b), rc = lx_reply_store_error(r, rc);
	lx_reg_query_clear(&q);
	return rc;
}

static int lx_resident_row(void *arg, const lx_resident *p)
{
	struct lx_reg_list *l = arg;
	if (l->n == l->max) {
		l->more = true; /* a row beyond the page: another page follows */
		return 1;
	}
	lx_reg_resident_write(l->w, l->r, p, l->tags, true);
	l->n++;
	l->last_id = p->id;
	return 0;
}

int lx_api_households_get(lx_req *r)
{
	lx_household h;
	lx_reg_tags tags = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such household");
	int rc = lx_household_get(r->db, r->user.scope, id, &h);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	json_t *moves = lx_household_moves(r->db, id);
	if (!moves || lx_reg_tags_load(r->db, &tags) != LX_OK) {
		rc = lx_reply_store_error(r, LX_ERR);
		goto cleanup;
	}
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_reg_household_write(&w, r, &h);
	lx_jw_key(&w, "residents");
	lx_jw_open(&w, '[');
	struct lx_reg_list l = {.r = r, .w = &w, .tags = &tags, .max = 100};
	lx_reg_filter f = {.household_id = id, .limit = 100};
	rc = lx_residents_each(r->db, r->user.scope, &f, lx_resident_row, &l);
	lx_jw_close(&w, ']');
	lx_jw_key(&w, "moves");
	char *mv = json_dumps(moves, JSON_COMPACT);
	lx_jw_raw(&w, mv, "[]");
	free(mv);
	lx_jw_close(&w, '}');
	rc = rc == LX_OK ? lx_reply_jw(r, 200, &w) : (lx_buf_free(&b), lx_reply_store_error(r, rc));
cleanup:
	json_decref(moves);
	lx_reg_tags_free(&tags);
	lx_household_clear(&h);
	return rc;
}

/* ---------------- residents ---------------- */

struct lx_resident_in {
	int64_t household_id, unit_id, version;
	bool has_household_id, has_unit_id, has_version;
	const char *name, *gender, *birth_date, *phone, *id_number;
	bool has_gender, has_birth_date, has_phone, has_id_number;
	json_t *tags, *contacts, *carers;
	bool has_tags, has_contacts, has_carers;
	const char *device_id;
	bool has_device_id;
	bool daily_check, has_daily_check;
};
#define RI struct lx_resident_in
#define LX_RES_FIELDS                                                                                  \
	LX_FIELD_HAS(RI, household_id, LX_F_INT, .min = 1, .max = 1e15, .nullable = true,                 \
		     .doc = "the household (its unit then is the resident's)"),                             \
	LX_FIELD_HAS(RI, unit_id, LX_F_INT, .min = 1, .max = 1e15, .doc = "the unit, without a household"), \
	LX_FIELD_HAS(RI, gender, LX_F_STR, .max = 8, .nullable = true, .doc = "male or female (from the ID number when absent)"), \
	LX_FIELD_HAS(RI, birth_date, LX_F_STR, .max = 10, .nullable = true, .doc = "YYYY-MM-DD (from the ID number when absent)"), \
	LX_FIELD_HAS(RI, phone, LX_F_STR, .max = 24, .nullable = true, .quiet = true, .doc = "a mobile or landline; sealed"), \
	LX_FIELD_HAS(RI, id_number, LX_F_STR, .max = 24, .nullable = true, .quiet = true, \
		     .doc = "GB 11643, check digit checked (422); sealed"), \
	LX_FIELD_HAS(RI, tags, LX_F_JSON, .nullable = true, .doc = "tag names (GET /api/v1/registry/tags)"), \
	LX_FIELD_HAS(RI, contacts, LX_F_JSON, .nullable = true, .doc = "family contacts: up to 5 {name, phone, relation}"), \
	LX_FIELD_HAS(RI, carers, LX_F_JSON, .nullable = true, \
		     .doc = "the 代理儿女 volunteers who come when the resident presses 9: up to 5 user ids, in order"), \
	LX_FIELD_HAS(RI, device_id, LX_F_STR, .max = 64, .nullable = true, .doc = "the press-9 device's id"), \
	LX_FIELD_HAS(RI, daily_check, LX_F_BOOL, \
		     .doc = "a daily \"I'm fine\" press is expected from today; a day without one raises a follow-up")
static const lx_field lx_resident_create_fields[] = {
	LX_FIELD(RI, name, LX_F_STR, .required = true, .max = 32),
	LX_RES_FIELDS,
	LX_FIELD_END,
};
static const lx_field lx_resident_patch_fields[] = {
	LX_FIELD(RI, name, LX_F_STR, .max = 32),
	LX_RES_FIELDS,
	LX_FIELD_HAS(RI, version, LX_F_INT, .min = 1, .max = 1e9, .doc = "the version read (409 when stale)"),
	LX_FIELD_END,
};
const lx_schema lx_resident_create_schema = {"resident_create", lx_resident_create_fields, NULL, sizeof(RI)};
const lx_schema lx_resident_patch_schema = {"resident_patch", lx_resident_patch_fields, NULL, sizeof(RI)};

/* The resident's place: its household's unit, or the unit given. */
static int lx_resident_place_or_reply(lx_req *r, const RI *in, lx_resident *p)
{
	if (in->has_household_id && in->household_id) {
		lx_household h;
		int rc = lx_household_get(r->db, r->user.scope, in->household_id, &h);
		if (rc == LX_NOTFOUND)
			return lx_reply_error(r, 422, "unknown_household", "household_id", "no such household in your scope");
		if (rc != LX_OK)
			return lx_reply_store_error(r, rc);
		p->household_id = h.id;
		p->unit_id = h.unit_id;
		free(p->unit_path);
		p->unit_path = lx_xstrdup(h.unit_path);
		free(p->address);
		p->address = h.address;
		h.address = NULL;
		lx_household_clear(&h);
		return LX_OK;
	}
	if (in->has_household_id)
		p->household_id = 0;
	if (in->has_unit_id) {
		lx_unit u = {0};
		int rc = lx_reg_unit_or_reply(r, in->unit_id, "unit_id", &u);
		if (rc != LX_OK)
			return rc;
		p->unit_id = u.id;
		free(p->unit_path);
		p->unit_path = lx_xstrdup(u.path);
		lx_unit_clear(&u);
	}
	if (!p->unit_id)
		return lx_reply_error(r, 422, "required", "household_id", "a resident needs a household_id or a unit_id");
	return LX_OK;
}

/* The contacts as sent, with a masked phone (as the record showed it) read
 * as "unchanged": the stored phone of the contact of that name whose mask it
 * is. A new array the caller owns. */
static json_t *lx_contacts_unmasked(const json_t *sent, const json_t *stored)
{
	json_t *out = json_deep_copy(sent);
	size_t i, k;
	json_t *c, *old;
	json_array_foreach(out, i, c) {
		const char *phone = json_string_value(json_object_get(c, "phone"));
		if (!phone || !strchr(phone, '*'))
			continue;
		json_array_foreach(stored, k, old) {
			const char *was = json_string_value(json_object_get(old, "phone"));
			char *m = lx_mask_phone(was);
			bool same = m && strcmp(m, phone) == 0 &&
				    json_equal(json_object_get(old, "name"), json_object_get(c, "name"));
			free(m);
			if (same) {
				json_object_set_new(c, "phone", json_string(was));
				break;
			}
		}
	}
	return out;
}

/* The carers sent (null: none) into p: distinct active users the caller's
 * scope holds, at most LX_CARERS_MAX. Replies 422 naming carers. */
static int lx_carers_or_reply(lx_req *r, const json_t *in, lx_resident *p)
{
	size_t i;
	json_t *v;
	int n = 0;
	int64_t ids[LX_CARERS_MAX];
	if (in && !json_is_null(in) && (!json_is_array(in) || json_array_size(in) > LX_CARERS_MAX))
		return lx_reply_error(r, 422, "invalid", "carers", "carers is a list of at most %d user ids",
				      LX_CARERS_MAX);
	json_array_foreach(in, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return lx_reply_error(r, 422, "invalid", "carers", "a carer is a user id");
		int64_t id = json_integer_value(v);
		for (int k = 0; k < n; k++)
			if (ids[k] == id)
				return lx_reply_error(r, 422, "invalid", "carers", "user %lld is named twice", (long long)id);
		lx_user u = {0};
		int rc = lx_user_get(r->db, r->user.scope, id, &u);
		bool ok = rc == LX_OK && u.active;
		lx_user_clear(&u);
		if (rc != LX_OK && rc != LX_NOTFOUND)
			return lx_reply_store_error(r, rc);
		if (!ok)
			return lx_reply_error(r, 422, "unknown_user", "carers", "no active user %lld in your scope",
					      (long long)id);
		ids[n++] = id;
	}
	memcpy(p->carers, ids, (size_t)n * sizeof ids[0]);
	p->ncarers = n;
	return LX_OK;
}

/* The body over p's current values, checked; replies on error. A caller
 * without registry_sensitive keeps the sensitive tags it cannot see. */
static int lx_resident_apply_or_reply(lx_req *r, const RI *in, lx_resident *p, const lx_reg_tags *tags)
{
	bool sens = lx_reg_sees_sensitive(r);
	json_t *kept = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(p->tags, i, t) {
		const lx_tag *tag = lx_reg_tag(tags, json_string_value(t));
		if (!sens && tag && tag->sensitive)
			json_array_append(kept, t);
	}
	json_t *contacts = in->has_contacts && json_is_array(in->contacts) ? lx_contacts_unmasked(in->contacts, p->contacts) : NULL;
	lx_resident_text txt = {
		.name = in->name ? in->name : p->name,
		.gender = in->has_gender ? in->gender : p->gender,
		.birth_date = in->has_birth_date ? in->birth_date : p->birth_date,
		.phone = in->has_phone ? in->phone : p->phone,
		.id_number = in->has_id_number ? in->id_number : p->id_number,
		.tags = in->has_tags ? in->tags : p->tags,
		.contacts = in->has_contacts ? (contacts ? contacts : in->contacts) : p->contacts,
	};
	/* the text borrows p's strings: check into a fresh struct */
	lx_resident n = {0};
	lx_reg_error e = {0};
	json_t *tags_in = in->has_tags ? in->tags : NULL;
	int rc = lx_reg_resident_check(&txt, tags, sens || !tags_in, &n, &e);
	if (rc != LX_OK) {
		rc = lx_reply_error(r, rc == LX_FORBIDDEN ? 403 : 422, e.code, e.field, "%s", e.message);
		goto cleanup;
	}
	if (in->has_phone && !(in->phone && *in->phone))
		lx_pii_free(n.phone), n.phone = NULL;
	if (in->has_id_number && !(in->id_number && *in->id_number))
		lx_pii_free(n.id_number), n.id_number = NULL;
	json_array_foreach(kept, i, t) {
		bool dup = false;
		for (size_t k = 0; k < json_array_size(n.tags); k++)
			dup |= json_equal(json_array_get(n.tags, k), t);
		if (!dup)
			json_array_append(n.tags, t);
	}
	free(p->name);
	p->name = n.name, n.name = NULL;
	memcpy(p->gender, n.gender, sizeof p->gender);
	memcpy(p->birth_date, n.birth_date, sizeof p->birth_date);
	lx_pii_free(p->phone);
	p->phone = n.phone, n.phone = NULL;
	lx_pii_free(p->id_number);
	p->id_number = n.id_number, n.id_number = NULL;
	json_decref(p->tags);
	p->tags = n.tags, n.tags = NULL;
	json_decref(p->contacts);
	p->contacts = n.contacts, n.contacts = NULL;
	if (in->has_carers && (rc = lx_carers_or_reply(r, in->carers, p)) != LX_OK)
		goto cleanup;
	if (in->has_device_id) {
		free(p->device_id);
		p->device_id = in->device_id && *in->device_id ? lx_xstrdup(in->device_id) : NULL;
	}
	/* asked from today (kept when asked already); not asked: none */
	if (in->has_daily_check && !in->daily_check)
		p->daily_check_since[0] = '\0';
	else if (in->has_daily_check && !p->daily_check_since[0])
		lx_local_day(lx_now_ms(), r->app->tz_offset_min, p->daily_check_since);
	if (in->has_version && in->version != p->version)
		rc = lx_reply_error(r, 409, "stale_version", "version", "the resident changed since you read it");
cleanup:
	json_decref(kept);
	json_decref(contacts);
	lx_resident_clear(&n);
	return rc;
}

static int lx_resident_reply(lx_req *r, int status, const lx_resident *p, const lx_reg_tags *tags)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_reg_resident_write(&w, r, p, tags, true);
	return lx_reply_jw(r, status, &w);
}

/* Writes p (new or changed) and replies: 409 for an ID number registered
 * already. The number is looked up first: on PostgreSQL a unique violation
 * ends the transaction, so nothing could be asked after it (the index still
 * guards a race, answered as a plain conflict). */
static int lx_resident_save_or_reply(lx_req *r, lx_resident *p, const lx_reg_tags *tags, bool creating)
{
	lx_ms now = lx_now_ms();
	if (p->id_number) {
		lx_resident other;
		int rc = lx_resident_by_id_number(r->db, "/", p->id_number, &other);
		bool dup = rc == LX_OK && other.id != p->id;
		if (rc == LX_OK)
			lx_resident_clear(&other);
		else if (rc != LX_NOTFOUND)
			return lx_reply_store_error(r, rc);
		if (dup)
			return lx_reply_error(r, 409, "already_registered", "id_number",
					      "a resident with this ID number is registered already");
	}
	int rc = creating ? lx_resident_add(r->db, p, now) : lx_resident_update(r->db, p, now);
	if (rc == LX_CONFLICT)
		return creating ? lx_reply_error(r, 409, "already_registered", "id_number",
						 "the ID number was registered meanwhile")
				: lx_reply_error(r, 409, "stale_version", "version", "the resident changed meanwhile");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_resident_reply(r, creating ? 201 : 200, p, tags);
}

int lx_api_residents_create(lx_req *r)
{
	lx_resident p = {0};
	lx_reg_tags tags = {0};
	int rc = lx_reg_tags_load(r->db, &tags);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	p.tags = json_array();
	p.contacts = json_array();
	rc = lx_resident_place_or_reply(r, r->in, &p);
	if (rc == LX_OK)
		rc = lx_resident_apply_or_reply(r, r->in, &p, &tags);
	if (rc == LX_OK)
		rc = lx_resident_save_or_reply(r, &p, &tags, true);
	lx_resident_clear(&p);
	lx_reg_tags_free(&tags);
	return rc;
}

int lx_api_residents_patch(lx_req *r)
{
	lx_resident p = {0};
	lx_reg_tags tags = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such resident");
	int rc = lx_resident_get(r->db, r->user.scope, id, &p);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_reg_tags_load(r->db, &tags);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	rc = lx_resident_place_or_reply(r, r->in, &p);
	if (rc == LX_OK)
		rc = lx_resident_apply_or_reply(r, r->in, &p, &tags);
	if (rc == LX_OK)
		rc = lx_resident_save_or_reply(r, &p, &tags, false);
cleanup:
	lx_resident_clear(&p);
	lx_reg_tags_free(&tags);
	return rc;
}

int lx_api_residents_list(lx_req *r)
{
	lx_reg_query q;
	lx_reg_tags tags = {0};
	lx_buf b;
	lx_jw w;
	int rc = lx_reg_query_parse_or_reply(r, &q);
	if (rc != LX_OK)
		return rc;
	if (lx_reg_tags_load(r->db, &tags) != LX_OK) {
		rc = lx_reply_store_error(r, LX_ERR);
		goto cleanup;
	}
	const lx_tag *tag = q.f.tag ? lx_reg_tag(&tags, q.f.tag) : NULL;
	if (q.f.tag && !tag) {
		rc = lx_reply_error(r, 422, "unknown_tag", "tag", "no such tag (GET /api/v1/registry/tags)");
		goto cleanup;
	}
	if (tag && tag->sensitive && !lx_reg_sees_sensitive(r)) {
		rc = lx_reply_error(r, 403, "sensitive_tag", "tag", "this tag needs the registry_sensitive right");
		goto cleanup;
	}
	lx_api_list_open(&b, &w);
	struct lx_reg_list l = {.r = r, .w = &w, .tags = &tags, .max = (size_t)q.f.limit - 1};
	rc = lx_residents_each(r->db, r->user.scope, &q.f, lx_resident_row, &l);
	if (rc == LX_OK)
		rc = lx_api_list_reply(r, &w, l.more, l.last_id);
	else
		lx_buf_free(&b), rc = lx_reply_store_error(r, rc);
cleanup:
	lx_reg_tags_free(&tags);
	lx_reg_query_clear(&q);
	return rc;
}

int lx_api_residents_get(lx_req *r)
{
	lx_resident p;
	lx_reg_tags tags = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such resident");
	int rc = lx_resident_get(r->db, r->user.scope, id, &p);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_reg_tags_load(r->db, &tags);
	rc = rc == LX_OK ? lx_resident_reply(r, 200, &p, &tags) : lx_reply_store_error(r, rc);
	lx_resident_clear(&p);
	lx_reg_tags_free(&tags);
	return rc;
}

/* ---------------- the unmasked read ---------------- */

/* Between the phases: the resident found, and the reason. */
struct lx_unmask {
	lx_resident p;
	lx_reg_tags tags;
	char reason[256];
};

static void lx_unmask_free(void *arg)
{
	struct lx_unmask *u = arg;
	lx_resident_clear(&u->p);
	lx_reg_tags_free(&u->tags);
	free(u);
}

int lx_api_residents_unmask_check(lx_req *r)
{
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such resident");
	struct lx_unmask *u = lx_xcalloc(1, sizeof *u);
	r->state = u;
	r->state_free = lx_unmask_free;
	int rc = lx_resident_get(r->db, r->user.scope, id, &u->p);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	if (!lx_reg_may_unmask(r))
		return lx_reply_error(r, 403, "forbidden", NULL, "reading a resident unmasked needs the unmask right");
	const char *why = lx_req_arg(r, "reason");
	while (why && (*why == ' ' || *why == '\t'))
		why++;
	if (!why || !*why)
		return lx_reply_error(r, 422, "required", "reason", "say why you need the full ID number and phone");
	if (strlen(why) >= sizeof u->reason || !lx_utf8_valid(why, strlen(why)))
		return lx_reply_error(r, 422, "invalid", "reason", "the reason has at most 250 bytes of text");
	snprintf(u->reason, sizeof u->reason, "%s", why);
	return lx_reg_tags_load(r->db, &u->tags) == LX_OK ? LX_OK : lx_reply_store_error(r, LX_ERR);
}

int lx_api_residents_unmask(lx_req *r)
{
	struct lx_unmask *u = r->state;
	char target[40];
	snprintf(target, sizeof target, "resident:%lld", (long long)u->p.id);
	lx_audit a = {.kind = "unmasked_read", .actor_id = r->user.id, .login = r->user.login, .addr = r->addr,
		      .target = target, .detail = u->reason};
	int rc = lx_audit_insert(r->db, &a, 1);
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

int lx_api_residents_unmasked(lx_req *r)
{
	struct lx_unmask *u = r->state;
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_reg_resident_write(&w, r, &u->p, &u->tags, false);
	return lx_reply_jw(r, 200, &w);
}

/* GET /api/v1/registry/volunteers: whom a resident's carers may be, in
 * the caller's scope (a grid worker does not list users). */
int lx_api_registry_volunteers(lx_req *r)
{
	json_t *v = lx_volunteer_list(r->db, r->user.scope);
	if (!v)
		return lx_reply_store_error(r, LX_ERR);
	return lx_reply_json(r, 200, json_pack("{s:o}", "items", v));
}
