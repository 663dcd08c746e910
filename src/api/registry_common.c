/*
 * registry_common.c - what the registry's handlers share (registry_int.h).
 */
#include "pii.h"
#include "registry_int.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lx_reg_sees_sensitive(const lx_req *r)
{
	return (r->user.roles & r->app->registry_sensitive_roles) != 0;
}

bool lx_reg_may_unmask(const lx_req *r)
{
	return (r->user.roles & r->app->unmask_roles) != 0;
}

static const char *lx_arg(lx_req *r, const char *key)
{
	const char *s = lx_req_arg(r, key);
	return s && *s ? s : NULL;
}

void lx_reg_query_clear(lx_reg_query *q)
{
	lx_unit_clear(&q->unit);
	memset(q, 0, sizeof *q);
}

int lx_reg_query_parse_or_reply(lx_req *r, lx_reg_query *q)
{
	int64_t unit_id = 0, hh = 0, limit = 0, cursor = 0;
	memset(q, 0, sizeof *q);
	if (!lx_query_posint_or_reply(r, "unit_id", INT64_MAX, &unit_id) ||
	    !lx_query_posint_or_reply(r, "household_id", INT64_MAX, &hh) ||
	    !lx_query_posint_or_reply(r, "limit", 500, &limit) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX, &cursor))
		return LX_BADREQ;
	q->f.q = lx_arg(r, "q");
	q->f.tag = lx_arg(r, "tag");
	q->f.type = lx_arg(r, "type");
	q->f.household_id = hh;
	q->f.after_id = cursor;
	/* one more than asked: a full page says whether another follows */
	q->f.limit = (int)(limit ? limit : 50) + 1;
	if (q->f.q && strlen(q->f.q) > 100)
		return lx_reply_error(r, 400, "bad_parameter", "q", "q has at most 100 bytes");
	if (unit_id) {
		int rc = lx_unit_get(r->db, r->user.scope, unit_id, &q->unit);
		if (rc != LX_OK)
			return rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", "unit_id", "no such unit")
						 : lx_reply_store_error(r, rc);
		q->f.under = q->unit.path;
	}
	return LX_OK;
}

int lx_reg_unit_or_reply(lx_req *r, int64_t id, const char *field, lx_unit *out)
{
	static const char *const territorial[] = {"district", "street", "community", "village", "grid", "microgrid",
						  NULL};
	int rc = lx_unit_get(r->db, r->user.scope, id, out);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 422, "unknown_unit", field, "no such unit in your scope");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	for (int i = 0; territorial[i]; i++)
		if (strcmp(out->kind, territorial[i]) == 0)
			return LX_OK;
	lx_unit_clear(out);
	return lx_reply_error(r, 422, "not_territorial", field, "a registry entry belongs to a unit of the grid tree");
}

static void lx_opt_str(lx_jw *w, const char *k, const char *v)
{
	lx_jw_key(w, k);
	lx_jw_str(w, v && *v ? v : NULL);
}

static void lx_point_write(lx_jw *w, bool has, double lat, double lon)
{
	lx_jw_key(w, "lat");
	if (has)
		lx_jw_real(w, lat);
	else
		lx_jw_null(w);
	lx_jw_key(w, "lon");
	if (has)
		lx_jw_real(w, lon);
	else
		lx_jw_null(w);
}

static void lx_phone_write(lx_jw *w, const char *phone, bool masked)
{
	char *m = masked ? lx_mask_phone(phone) : NULL;
	lx_jw_str(w, masked ? m : phone);
	free(m);
}

static void lx_times_write(lx_jw *w, lx_req *r, int version, lx_ms created, lx_ms updated)
{
	lx_jw_key(w, "version");
	lx_jw_int(w, version);
	lx_jw_key(w, "created_at");
	lx_jw_time(w, created, r->app->tz_offset_min);
	lx_jw_key(w, "updated_at");
	lx_jw_time(w, updated, r->app->tz_offset_min);
}

void lx_reg_resident_write(lx_jw *w, lx_req *r, const lx_resident *p, const lx_reg_tags *tags, bool masked)
{
	bool all_tags = lx_reg_sees_sensitive(r);
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_id(w, p->id);
	lx_jw_key(w, "household_id");
	if (p->household_id)
		lx_jw_id(w, p->household_id);
	else
		lx_jw_null(w);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, p->unit_id);
	lx_opt_str(w, "name", p->name);
	lx_opt_str(w, "gender", p->gender);
	lx_opt_str(w, "birth_date", p->birth_date);
	lx_jw_key(w, "phone");
	lx_phone_write(w, p->phone, masked);
	lx_jw_key(w, "id_number");
	char *m = masked ? lx_mask_id_number(p->id_number) : NULL;
	lx_jw_str(w, masked ? m : p->id_number);
	free(m);
	lx_jw_key(w, "tags");
	lx_jw_open(w, '[');
	size_t i;
	json_t *t;
	json_array_foreach(p->tags, i, t) {
		const lx_tag *tag = lx_reg_tag(tags, json_string_value(t));
		if (all_tags || (tag && !tag->sensitive))
			lx_jw_str(w, json_string_value(t));
	}
	lx_jw_close(w, ']');
	lx_jw_key(w, "contacts");
	lx_jw_open(w, '[');
	json_t *c;
	json_array_foreach(p->contacts, i, c) {
		lx_jw_open(w, '{');
		lx_opt_str(w, "name", json_string_value(json_object_get(c, "name")));
		lx_jw_key(w, "phone");
		lx_phone_write(w, json_string_value(json_object_get(c, "phone")), masked);
		lx_opt_str(w, "relation", json_string_value(json_object_get(c, "relation")));
		lx_jw_close(w, '}');
	}
	lx_jw_close(w, ']');
	lx_jw_key(w, "carers");
	lx_jw_open(w, '[');
	for (int k = 0; k < p->ncarers; k++)
		lx_jw_int(w, p->carers[k]);
	lx_jw_close(w, ']');
	lx_jw_key(w, "device_id");
	lx_jw_str(w, p->device_id);
	lx_jw_key(w, "daily_check");
	lx_jw_bool(w, p->daily_check_since[0] != '\0');
	lx_jw_key(w, "daily_check_since");
	lx_jw_str(w, p->daily_check_since[0] ? p->daily_check_since : NULL);
	lx_opt_str(w, "address", p->address);
	lx_times_write(w, r, p->version, p->created_at, p->updated_at);
	if (!masked) {
		lx_jw_key(w, "unmasked");
		lx_jw_bool(w, true);
	}
	lx_jw_close(w, '}');
}

void lx_reg_household_write(lx_jw *w, lx_req *r, const lx_household *h)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_id(w, h->id);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, h->unit_id);
	lx_opt_str(w, "address", h->address);
	lx_jw_key(w, "members");
	lx_jw_int(w, h->members);
	lx_point_write(w, h->has_point, h->lat, h->lon);
	lx_times_write(w, r, h->version, h->created_at, h->updated_at);
	/* left open: GET one adds its residents and moves */
}

void lx_reg_place_write(lx_jw *w, lx_req *r, const lx_place *p)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_id(w, p->id);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, p->unit_id);
	lx_opt_str(w, "type", p->type);
	lx_opt_str(w, "name", p->name);
	lx_opt_str(w, "address", p->address);
	lx_point_write(w, p->has_point, p->lat, p->lon);
	lx_jw_key(w, "geometry");
	lx_jw_raw(w, p->geometry, "null");
	lx_opt_str(w, "contact", p->contact);
	lx_jw_key(w, "phone");
	lx_phone_write(w, p->phone, true);
	lx_times_write(w, r, p->version, p->created_at, p->updated_at);
	lx_jw_close(w, '}');
}

void lx_reg_org_write(lx_jw *w, lx_req *r, const lx_org *o)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_id(w, o->id);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, o->unit_id);
	lx_opt_str(w, "type", o->type);
	lx_opt_str(w, "name", o->name);
	lx_opt_str(w, "address", o->address);
	lx_opt_str(w, "contact", o->contact);
	lx_jw_key(w, "phone");
	lx_phone_write(w, o->phone, true);
	lx_times_write(w, r, o->version, o->created_at, o->updated_at);
	lx_jw_close(w, '}');
}
