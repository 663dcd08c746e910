/*
 * registry_places.c - places and organisations (GET|POST /api/v1/registry/
 * places|organisations, GET|PATCH .../{id}) and the tag list
 * (GET|PUT /api/v1/registry/tags).
 */
#include "geo.h"
#include "pii.h"
#include "registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What places and organisations share in a body. */
struct lx_site_in {
	int64_t unit_id, version;
	bool has_unit_id, has_version;
	const char *type, *name, *address, *contact, *phone;
	bool has_address, has_contact, has_phone;
	double lat, lon;
	bool has_lat, has_lon;
	json_t *geometry;
	bool has_geometry;
};
#define SI struct lx_site_in
#define LX_SITE_FIELDS                                                                             \
	LX_FIELD_HAS(SI, address, LX_F_STR, .max = 200, .nullable = true),                             \
	LX_FIELD_HAS(SI, contact, LX_F_STR, .max = 32, .nullable = true, .doc = "who runs it"),        \
	LX_FIELD_HAS(SI, phone, LX_F_STR, .max = 24, .nullable = true, .quiet = true, .doc = "sealed; masked when shown")
static const lx_field lx_place_create_fields[] = {
	LX_FIELD_HAS(SI, unit_id, LX_F_INT, .min = 1, .max = 1e15, .doc = "its unit (or located by lat/lon)"),
	LX_FIELD(SI, type, LX_F_STR, .required = true, .max = 32,
		 .doc = "building, shop, small_venue (九小场所), facility, ..."),
	LX_FIELD(SI, name, LX_F_STR, .required = true, .max = 100),
	LX_SITE_FIELDS,
	LX_FIELD_HAS(SI, lat, LX_F_NUM, .min = -90, .max = 90),
	LX_FIELD_HAS(SI, lon, LX_F_NUM, .min = -180, .max = 180),
	LX_FIELD_HAS(SI, geometry, LX_F_JSON, .nullable = true, .doc = "a GeoJSON Polygon or MultiPolygon"),
	LX_FIELD_END,
};
static const lx_field lx_place_patch_fields[] = {
	LX_FIELD_HAS(SI, unit_id, LX_F_INT, .min = 1, .max = 1e15),
	LX_FIELD(SI, type, LX_F_STR, .max = 32),
	LX_FIELD(SI, name, LX_F_STR, .max = 100),
	LX_SITE_FIELDS,
	LX_FIELD_HAS(SI, lat, LX_F_NUM, .min = -90, .max = 90),
	LX_FIELD_HAS(SI, lon, LX_F_NUM, .min = -180, .max = 180),
	LX_FIELD_HAS(SI, geometry, LX_F_JSON, .nullable = true),
	LX_FIELD_HAS(SI, version, LX_F_INT, .min = 1, .max = 1e9),
	LX_FIELD_END,
};
static const lx_field lx_org_create_fields[] = {
	LX_FIELD_HAS(SI, unit_id, LX_F_INT, .required = true, .min = 1, .max = 1e15),
	LX_FIELD(SI, type, LX_F_STR, .required = true, .max = 32,
		 .doc = "enterprise, social_org, school, hospital, ..."),
	LX_FIELD(SI, name, LX_F_STR, .required = true, .max = 100),
	LX_SITE_FIELDS,
	LX_FIELD_END,
};
static const lx_field lx_org_patch_fields[] = {
	LX_FIELD_HAS(SI, unit_id, LX_F_INT, .min = 1, .max = 1e15),
	LX_FIELD(SI, type, LX_F_STR, .max = 32),
	LX_FIELD(SI, name, LX_F_STR, .max = 100),
	LX_SITE_FIELDS,
	LX_FIELD_HAS(SI, version, LX_F_INT, .min = 1, .max = 1e9),
	LX_FIELD_END,
};
const lx_schema lx_place_create_schema = {"place_create", lx_place_create_fields, NULL, sizeof(SI)};
const lx_schema lx_place_patch_schema = {"place_patch", lx_place_patch_fields, NULL, sizeof(SI)};
const lx_schema lx_org_create_schema = {"organisation_create", lx_org_create_fields, NULL, sizeof(SI)};
const lx_schema lx_org_patch_schema = {"organisation_patch", lx_org_patch_fields, NULL, sizeof(SI)};

static void lx_set_str(char **dst, const char *v)
{
	free(*dst);
	*dst = v && *v ? lx_xstrdup(v) : NULL;
}

/* The fields both share; replies on error. The unit id and path change
 * when the body names another unit (in scope). */
static int lx_site_apply_or_reply(lx_req *r, const SI *in, int64_t *unit_id, char **unit_path, char **type,
				  char **name, char **address, char **contact, char **phone, int version)
{
	if (in->has_unit_id && in->unit_id != *unit_id) {
		lx_unit u = {0};
		int rc = lx_reg_unit_or_reply(r, in->unit_id, "unit_id", &u);
		if (rc != LX_OK)
			return rc;
		*unit_id = u.id;
		lx_set_str(unit_path, u.path);
		lx_unit_clear(&u);
	}
	if (in->type && !*in->type)
		return lx_reply_error(r, 422, "required", "type", "type is required");
	if (in->name && !*in->name)
		return lx_reply_error(r, 422, "required", "name", "name is required");
	if (in->type)
		lx_set_str(type, in->type);
	if (in->name)
		lx_set_str(name, in->name);
	if (in->has_address)
		lx_set_str(address, in->address);
	if (in->has_contact)
		lx_set_str(contact, in->contact);
	if (in->has_phone) {
		char norm[24];
		const char *why = in->phone && *in->phone ? lx_phone_check(in->phone, norm) : NULL;
		if (why)
			return lx_reply_error(r, 422, "invalid", "phone", "%s", why);
		lx_pii_free(*phone);
		*phone = in->phone && *in->phone ? lx_xstrdup(norm) : NULL;
	}
	if (in->has_version && in->version != version)
		return lx_reply_error(r, 409, "stale_version", "version", "it changed since you read it");
	return LX_OK;
}

/* A place's point, polygon and (without a unit_id) its unit by the point. */
static int lx_place_geo_or_reply(lx_req *r, const SI *in, lx_place *p)
{
	if (in->has_lat != in->has_lon)
		return lx_reply_error(r, 422, "invalid", in->has_lat ? "lon" : "lat", "lat and lon come together");
	if (in->has_lat) {
		if (!lx_geo_valid_point(in->lat, in->lon))
			return lx_reply_error(r, 422, "invalid", "lat", "not a point on the map");
		p->has_point = true;
		p->lat = in->lat;
		p->lon = in->lon;
	}
	if (in->has_geometry) {
		free(p->geometry);
		p->geometry = NULL;
		if (in->geometry && !json_is_null(in->geometry)) {
			char err[160];
			lx_geom *g = NULL;
			if (lx_geom_from_json(in->geometry, &g, err, sizeof err) != LX_OK)
				return lx_reply_error(r, 422, "invalid_geometry", "geometry", "%s", err);
			lx_geom_free(g);
			p->geometry = json_dumps(in->geometry, JSON_COMPACT | JSON_REAL_PRECISION(12));
		}
	}
	if (p->unit_id)
		return LX_OK;
	if (!p->has_point)
		return lx_reply_error(r, 422, "required", "unit_id", "a place needs a unit_id or a point");
	lx_unit u = {0};
	int rc = lx_api_locate_point(r->db, p->lat, p->lon, &u);
	if (rc == LX_OK && !lx_scope_contains(r->user.scope, u.path))
		rc = LX_NOTFOUND;
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 422, "unknown_unit", "unit_id", "the point lies in no unit of your scope");
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	p->unit_id = u.id;
	lx_set_str(&p->unit_path, u.path);
	lx_unit_clear(&u);
	return LX_OK;
}

static int lx_place_reply(lx_req *r, int status, const lx_place *p)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_reg_place_write(&w, r, p);
	return lx_reply_jw(r, status, &w);
}

static int lx_place_save_or_reply(lx_req *r, lx_place *p, bool creating)
{
	const SI *in = r->in;
	int rc = lx_site_apply_or_reply(r, in, &p->unit_id, &p->unit_path, &p->type, &p->name, &p->address,
					&p->contact, &p->phone, p->version);
	if (rc == LX_OK)
		rc = lx_place_geo_or_reply(r, in, p);
	if (rc != LX_OK)
		return rc;
	rc = creating ? lx_place_add(r->db, p, lx_now_ms()) : lx_place_update(r->db, p, lx_now_ms());
	if (rc == LX_CONFLICT)
		return lx_reply_error(r, 409, "stale_version", "version", "the place changed meanwhile");
	return rc == LX_OK ? lx_place_reply(r, creating ? 201 : 200, p) : lx_reply_store_error(r, rc);
}

int lx_api_places_create(lx_req *r)
{
	lx_place p = {0};
	int rc = lx_place_save_or_reply(r, &p, true);
	lx_place_clear(&p);
	return rc;
}

int lx_api_places_patch(lx_req *r)
{
	lx_place p = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such place");
	int rc = lx_place_get(r->db, r->user.scope, id, &p);
	rc = rc == LX_OK ? lx_place_save_or_reply(r, &p, false) : lx_reply_store_error(r, rc);
	lx_place_clear(&p);
	return rc;
}

int lx_api_places_get(lx_req *r)
{
	lx_place p;
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such place");
	int rc = lx_place_get(r->db, r->user.scope, id, &p);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_place_reply(r, 200, &p);
	lx_place_clear(&p);
	return rc;
}

struct lx_site_list {
	lx_req *r;
	lx_jw *w;
	size_t n, max;
	int64_t last_id;
	bool more;
};

static int lx_place_row(void *arg, const lx_place *p)
{
	struct lx_site_list *l = arg;
	if (l->n == l->max) {
		l->more = true; /* a row beyond the page: another page follows */
		return 1;
	}
	lx_reg_place_write(l->w, l->r, p);
	l->n++;
	l->last_id = p->id;
	return 0;
}

static int lx_org_row(void *arg, const lx_org *o)
{
	struct lx_site_list *l = arg;
	if (l->n == l->max) {
		l->more = true; /* a row beyond the page: another page follows */
		return 1;
	}
	lx_reg_org_write(l->w, l->r, o);
	l->n++;
	l->last_id = o->id;
	return 0;
}

/* GET a list of places (orgs false) or organisations. */
static int lx_sites_list(lx_req *r, bool orgs)
{
	lx_reg_query q;
	lx_buf b;
	lx_jw w;
	int rc = lx_reg_query_parse_or_reply(r, &q);
	if (rc != LX_OK)
		return rc;
	lx_api_list_open(&b, &w);
	struct lx_site_list l = {.r = r, .w = &w, .max = (size_t)q.f.limit - 1};
	rc = orgs ? lx_orgs_each(r->db, r->user.scope, &q.f, lx_org_row, &l)
		  : lx_places_each(r->db, r->user.scope, &q.f, lx_place_row, &l);
	if (rc == LX_OK) {
		rc = lx_api_list_reply(r, &w, l.more, l.last_id);
	} else {
		lx_buf_free(&b);
		rc = lx_reply_store_error(r, rc);
	}
	lx_reg_query_clear(&q);
	return rc;
}

int lx_api_places_list(lx_req *r)
{
	return lx_sites_list(r, false);
}

int lx_api_orgs_list(lx_req *r)
{
	return lx_sites_list(r, true);
}

static int lx_org_reply(lx_req *r, int status, const lx_org *o)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_reg_org_write(&w, r, o);
	return lx_reply_jw(r, status, &w);
}

static int lx_org_save_or_reply(lx_req *r, lx_org *o, bool creating)
{
	int rc = lx_site_apply_or_reply(r, r->in, &o->unit_id, &o->unit_path, &o->type, &o->name, &o->address,
					&o->contact, &o->phone, o->version);
	if (rc != LX_OK)
		return rc;
	rc = creating ? lx_org_add(r->db, o, lx_now_ms()) : lx_org_update(r->db, o, lx_now_ms());
	if (rc == LX_CONFLICT)
		return lx_reply_error(r, 409, "stale_version", "version", "the organisation changed meanwhile");
	return rc == LX_OK ? lx_org_reply(r, creating ? 201 : 200, o) : lx_reply_store_error(r, rc);
}

int lx_api_orgs_create(lx_req *r)
{
	lx_org o = {0};
	int rc = lx_org_save_or_reply(r, &o, true);
	lx_org_clear(&o);
	return rc;
}

int lx_api_orgs_patch(lx_req *r)
{
	lx_org o = {0};
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such organisation");
	int rc = lx_org_get(r->db, r->user.scope, id, &o);
	rc = rc == LX_OK ? lx_org_save_or_reply(r, &o, false) : lx_reply_store_error(r, rc);
	lx_org_clear(&o);
	return rc;
}

int lx_api_orgs_get(lx_req *r)
{
	lx_org o;
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such organisation");
	int rc = lx_org_get(r->db, r->user.scope, id, &o);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	rc = lx_org_reply(r, 200, &o);
	lx_org_clear(&o);
	return rc;
}

/* ---------------- tags ---------------- */

int lx_api_tags_list(lx_req *r)
{
	lx_reg_tags tags = {0};
	if (lx_reg_tags_load(r->db, &tags) != LX_OK)
		return lx_reply_store_error(r, LX_ERR);
	bool all = lx_reg_sees_sensitive(r);
	json_t *arr = json_array();
	for (size_t i = 0; i < tags.n; i++)
		json_array_append_new(arr, json_pack("{s:s, s:b, s:i, s:s?, s:b}", "name", tags.t[i].name, "sensitive",
						     tags.t[i].sensitive, "sort", tags.t[i].sort, "note",
						     tags.t[i].note, "usable", all || !tags.t[i].sensitive));
	lx_reg_tags_free(&tags);
	return lx_reply_json(r, 200, arr);
}

struct lx_tag_in {
	const char *name, *note;
	bool sensitive;
	int64_t sort;
};
#define TI struct lx_tag_in
static const lx_field lx_tag_fields[] = {
	LX_FIELD(TI, name, LX_F_STR, .required = true, .max = 16),
	LX_FIELD(TI, sensitive, LX_F_BOOL, .doc = "health, disability, minors (PIPL Art. 28)"),
	LX_FIELD(TI, sort, LX_F_INT, .min = 0, .max = 10000),
	LX_FIELD(TI, note, LX_F_STR, .max = 64),
	LX_FIELD_END,
};
const lx_schema lx_tag_schema = {"tag", lx_tag_fields, NULL, sizeof(TI)};

int lx_api_tags_put(lx_req *r)
{
	const TI *in = r->in;
	if (!*in->name || strchr(in->name, ';') || strchr(in->name, ','))
		return lx_reply_error(r, 422, "invalid", "name", "a tag's name is 1-16 characters without ; or ,");
	int rc = lx_tag_put(r->db, in->name, in->sensitive, (int)in->sort, in->note);
	if (rc != LX_OK)
		return lx_reply_store_error(r, rc);
	return lx_reply_json(r, 200, json_pack("{s:s, s:b, s:I, s:s?}", "name", in->name, "sensitive", in->sensitive,
					      "sort", (json_int_t)in->sort, "note", in->note));
}
