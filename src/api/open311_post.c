/*
 * open311_post.c - GeoReport's POST requests. A POST is authenticated by an
 * API key (form body or query string), limited per key and minute,
 * validated completely (the service, the location, the person, the
 * service's attributes), located in the grid (the point, else address_id,
 * else the unit names in address_string) and then filed by the intake of
 * any case (lx_api_intake_prepare, then lx_api_intake_write as the route's
 * write job): dispatched by the duty list in one transaction, by a
 * synthetic dispatcher with the whole system as scope. A
 * request no duty rule places is queued for the desk and answered with a
 * token.
 */
#include "open311.h"
#include "secret.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends at most max code points of s (up to its first line break) to b,
 * with an ellipsis when cut. */
static void lx_o311_prefix(lx_buf *b, const char *s, size_t max)
{
	size_t n = 0;
	const char *p = s;
	while (*p && *p != '\n' && *p != '\r' && n < max) {
		const char *q = p + 1;
		while ((*q & 0xC0) == 0x80)
			q++;
		lx_buf_append(b, p, (size_t)(q - p));
		p = q;
		n++;
	}
	if (*p)
		lx_buf_puts(b, "…");
}

/* Reads a coordinate; answers 400 and returns false when it is not a
 * number in [lo, hi]. */
static bool lx_o311_coord_or_reply(lx_req *r, lx_o311_fmt fmt, const char *key, const char *s, double lo,
			  double hi, double *out)
{
	double v = 0;
	if (!lx_parse_decimal(s, &v) || v < lo || v > hi) {
		lx_o311_error(r, fmt, 400, "%s must be a number from %g to %g", key, lo, hi);
		return false;
	}
	*out = v;
	return true;
}

/* The attribute values posted for one definition. */
struct lx_o311_posted {
	const char **vals;
	size_t n;
	bool listed; /* sent as attribute[CODE][] */
	bool plain;  /* sent as attribute[CODE] */
};

/* Sorts the posted attribute[CODE] and attribute[CODE][] fields to the
 * service's definitions (posted[d] for defs[d]); codes the service does not
 * define are ignored. Answers 400 and returns false on a malformed key. */
static bool lx_o311_attr_gather_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form,
					 const lx_o311_attr *defs, size_t ndefs, struct lx_o311_posted *posted)
{
	for (size_t i = 0; i < form->n; i++) {
		const char *k = form->keys[i];
		if (strncmp(k, "attribute[", 10) != 0)
			continue;
		const char *code = k + 10, *close = strchr(code, ']');
		if (!close || close == code || (strcmp(close, "]") != 0 && strcmp(close, "][]") != 0)) {
			lx_o311_error(r, fmt, 400, "malformed attribute field: use attribute[CODE] or "
				      "attribute[CODE][]");
			return false;
		}
		size_t clen = (size_t)(close - code);
		for (size_t d = 0; d < ndefs; d++) {
			if (strlen(defs[d].code) != clen || strncmp(defs[d].code, code, clen) != 0)
				continue;
			struct lx_o311_posted *p = &posted[d];
			p->vals = lx_xrealloc(p->vals, (p->n + 1) * sizeof *p->vals);
			p->vals[p->n++] = form->vals[i];
			if (close[1])
				p->listed = true;
			else
				p->plain = true;
		}
	}
	return true;
}

/* The answer of a list attribute (singlevaluelist, multivaluelist): every
 * value must be one of its keys; repeats count once. Sets the answer (the
 * key, or the keys for a multivaluelist) and appends the line with the
 * values' names. Answers 400 and returns false on an unknown key. */
static bool lx_o311_attr_keys_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_attr *a,
				       const struct lx_o311_posted *p, json_t *answers, lx_buf *lines)
{
	json_t *keys = json_array();
	lx_buf names;
	bool ok = false;
	lx_buf_init(&names);
	for (size_t i = 0; i < p->n; i++) {
		const lx_o311_value *hit = NULL;
		if (!*p->vals[i])
			continue;
		for (size_t k = 0; k < a->nvalues && !hit; k++)
			if (strcmp(a->values[k].key, p->vals[i]) == 0)
				hit = &a->values[k];
		if (!hit) {
			lx_o311_error(r, fmt, 400, "attribute[%s] has no value key \"%s\"", a->code, p->vals[i]);
			goto cleanup;
		}
		bool seen = false;
		for (size_t k = 0; k < json_array_size(keys); k++)
			seen |= strcmp(json_string_value(json_array_get(keys, k)), hit->key) == 0;
		if (seen)
			continue;
		json_array_append_new(keys, json_string(hit->key));
		lx_buf_printf(&names, "%s%s", names.len ? "、" : "", hit->name);
	}
	lx_buf_printf(lines, "\n%s：%s", a->description, names.data);
	if (strcmp(a->datatype, "multivaluelist") == 0)
		json_object_set(answers, a->code, keys);
	else
		json_object_set(answers, a->code, json_array_get(keys, 0));
	ok = true;
cleanup:
	json_decref(keys);
	lx_buf_free(&names);
	return ok;
}

/* Checks the answer given to one attribute against its datatype, sets it
 * in answers and appends its "description：value" line. An attribute
 * without an answer is fine unless required; informational ones (variable
 * = false) take none. Answers 400 and returns false on bad input. */
static bool lx_o311_attr_answer_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_attr *a,
					 const struct lx_o311_posted *p, json_t *answers, lx_buf *lines)
{
	size_t given = 0;
	for (size_t i = 0; i < p->n; i++)
		given += *p->vals[i] != '\0';
	if (!a->variable)
		return true;
	if (!given) {
		if (a->required)
			return lx_o311_error(r, fmt, 400, "attribute[%s] (%s) is required", a->code,
					     a->description), false;
		return true;
	}
	bool multi = strcmp(a->datatype, "multivaluelist") == 0;
	if (!multi && (p->n > 1 || p->listed))
		return lx_o311_error(r, fmt, 400, "attribute[%s] takes a single value", a->code), false;
	if (multi && p->listed && p->plain)
		return lx_o311_error(r, fmt, 400, "attribute[%s] is given both as a value and as a list",
				     a->code), false;
	const char *v = p->vals[0];
	if (strcmp(a->datatype, "number") == 0) {
		double x = 0;
		if (!lx_parse_decimal(v, &x))
			return lx_o311_error(r, fmt, 400, "attribute[%s] must be a number", a->code), false;
		json_object_set_new(answers, a->code, json_real(x));
	} else if (strcmp(a->datatype, "datetime") == 0) {
		lx_ms t;
		if (lx_time_parse(v, r->app->tz_offset_min, &t) != LX_OK)
			return lx_o311_error(r, fmt, 400, "attribute[%s] must be an ISO 8601 date or datetime "
					     "with its zone", a->code), false;
		json_object_set_new(answers, a->code, json_string(v));
	} else if (strcmp(a->datatype, "string") == 0 || strcmp(a->datatype, "text") == 0) {
		bool line = strcmp(a->datatype, "string") == 0;
		if (!lx_o311_text_ok(v, line ? 200 : LX_O311_DESC_MAX, line))
			return lx_o311_error(r, fmt, 400, line ? "attribute[%s] must be one line of at most 200 "
					     "characters" : "attribute[%s] must be text of at most 4000 characters",
					     a->code), false;
		json_object_set_new(answers, a->code, json_string(v));
	} else {
		return lx_o311_attr_keys_or_reply(r, fmt, a, p, answers, lines);
	}
	lx_buf_printf(lines, "\n%s：%s", a->description, v);
	return true;
}

/* Validates the posted attribute[CODE] and attribute[CODE][] fields against
 * the service's definitions. Appends one "description：value" line per
 * answered attribute to lines and sets *json to the answers (code -> value
 * or [keys]; a new reference, the caller's). Unknown codes are ignored
 * (clients such as FixMyStreet send their own); informational (variable =
 * false) attributes take no answer. Answers 400 and returns false on bad
 * input. */
static bool lx_o311_attributes_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form,
					const lx_o311_attr *defs, size_t ndefs, lx_buf *lines, json_t **json)
{
	struct lx_o311_posted *posted = lx_xcalloc(ndefs ? ndefs : 1, sizeof *posted);
	json_t *answers = json_object();
	bool ok = lx_o311_attr_gather_or_reply(r, fmt, form, defs, ndefs, posted);
	for (size_t d = 0; ok && d < ndefs; d++)
		ok = lx_o311_attr_answer_or_reply(r, fmt, &defs[d], &posted[d], answers, lines);
	if (ok) {
		*json = answers;
		answers = NULL;
	}
	for (size_t d = 0; d < ndefs; d++)
		free(posted[d].vals);
	free(posted);
	json_decref(answers);
	return ok;
}

struct lx_o311_matches {
	size_t n;
	bool overflow;
	int64_t ids[32];
	char *paths[32];
};

static int lx_o311_match_cb(void *arg, int64_t id, const char *path)
{
	struct lx_o311_matches *m = arg;
	if (m->n == sizeof m->ids / sizeof m->ids[0]) {
		m->overflow = true;
		return 1;
	}
	m->ids[m->n] = id;
	m->paths[m->n] = lx_xstrdup(path);
	m->n++;
	return 0;
}

/* Locates an address_string by the names of units it contains: the deepest
 * named unit wins when every other named unit is one of its ancestors
 * ("桥头街道桥头社区…"); several unrelated names locate nothing. LX_OK with
 * *unit_id, LX_NOTFOUND, LX_ERR. */
static int lx_o311_locate_text(lx_db *db, const char *text, int64_t *unit_id)
{
	struct lx_o311_matches m = {0};
	int rc = lx_o311_units_in_text(db, text, lx_o311_match_cb, &m);
	if (rc == LX_OK) {
		rc = LX_NOTFOUND;
		size_t deep = 0;
		for (size_t i = 1; i < m.n; i++)
			if (strlen(m.paths[i]) > strlen(m.paths[deep]))
				deep = i;
		bool chain = m.n > 0 && !m.overflow;
		for (size_t i = 0; chain && i < m.n; i++)
			chain = strncmp(m.paths[deep], m.paths[i], strlen(m.paths[i])) == 0;
		if (chain) {
			*unit_id = m.ids[deep];
			rc = LX_OK;
		}
	}
	for (size_t i = 0; i < m.n; i++)
		free(m.paths[i]);
	return rc;
}

/* Resolves address_id: a unit code, else a unit id; only units of the
 * territory. LX_OK, LX_NOTFOUND, LX_ERR. */
static int lx_o311_address_unit(lx_db *db, const char *address_id, lx_unit *out)
{
	int64_t id;
	int rc = lx_unit_get_by_code(db, address_id, out);
	if (rc == LX_NOTFOUND && lx_o311_posint(address_id, INT64_MAX / 2, &id))
		rc = lx_unit_get(db, "/", id, out);
	if (rc == LX_OK && (strcmp(out->kind, "department") == 0 || strcmp(out->kind, "station") == 0)) {
		lx_unit_clear(out);
		rc = LX_NOTFOUND;
	}
	return rc;
}


/* The reporter's name from first_name and last_name: family name first
 * without a space when either is Chinese, "given family" otherwise. */
static char *lx_o311_person(const char *first, const char *last)
{
	if (!first && !last)
		return NULL;
	if (!first || !last)
		return lx_xstrdup(first ? first : last);
	bool ascii = true;
	for (const char *p = first; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	for (const char *p = last; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	return ascii ? lx_xasprintf("%s %s", first, last) : lx_xasprintf("%s%s", last, first);
}

/* Open311's name for an intake field. */
static const char *lx_o311_field_name(const char *field)
{
	if (!field)
		return NULL;
	if (strcmp(field, "lon") == 0)
		return "long";
	if (strcmp(field, "reporter.phone") == 0)
		return "phone";
	if (strcmp(field, "category_code") == 0)
		return "service_code";
	if (strcmp(field, "unit_id") == 0)
		return "address_id";
	return field;
}

/* The Open311 extras of a new case, written by the intake's write half
 * in the case's transaction. */
struct lx_o311_after {
	lx_o311_extra x;
	char token[65];
	bool queued;
};

static int lx_o311_after_intake(lx_db *db, lx_case *c, void *arg)
{
	struct lx_o311_after *a = arg;
	/* no duty rule placed it: the desk will, and the client holds a token */
	a->queued = c->handler_unit_id == 0;
	if (a->queued) {
		lx_token_new(a->token);
		a->token[LX_O311_TOKEN_LEN] = '\0';
	}
	a->x.case_id = c->id;
	a->x.token = a->queued ? a->token : NULL;
	return lx_o311_extra_insert(db, &a->x, lx_now_ms());
}

/* A posted request's fields, checked. Strings are the form's. */
struct lx_o311_post {
	const char *code, *lat, *lon, *address, *address_id;
	const char *email, *device, *account, *phone, *first, *last, *desc, *media;
};

/* Reads and checks the location and the person of a posted request into
 * *p, and the point into in; answers 400 and returns false on bad input. */
static bool lx_o311_post_check_or_reply(lx_req *r, lx_o311_fmt fmt, const lx_o311_form *form,
					struct lx_o311_post *p, lx_intake *in)
{
	/* the location: lat and long, address_string or address_id */
	p->lat = lx_o311_field(form, "lat");
	p->lon = lx_o311_field(form, "long");
	p->address = lx_o311_field(form, "address_string");
	p->address_id = lx_o311_field(form, "address_id");
	if ((p->lat != NULL) != (p->lon != NULL))
		return lx_o311_error(r, fmt, 400, "lat and long must be sent together"), false;
	if (!p->lat && !p->address && !p->address_id)
		return lx_o311_error(r, fmt, 400, "a location is required: lat and long, address_string "
				     "or address_id"), false;
	if (p->lat && (!lx_o311_coord_or_reply(r, fmt, "lat", p->lat, -90, 90, &in->lat) ||
		       !lx_o311_coord_or_reply(r, fmt, "long", p->lon, -180, 180, &in->lon)))
		return false;
	in->has_point = p->lat != NULL;
	if (!lx_o311_line_or_reply(r, fmt, "address_string", p->address, 200) ||
	    !lx_o311_line_or_reply(r, fmt, "address_id", p->address_id, 64))
		return false;

	/* the person and the report */
	p->email = lx_o311_field(form, "email");
	p->device = lx_o311_field(form, "device_id");
	p->account = lx_o311_field(form, "account_id");
	p->phone = lx_o311_field(form, "phone");
	p->first = lx_o311_field(form, "first_name");
	p->last = lx_o311_field(form, "last_name");
	p->desc = lx_o311_field(form, "description");
	p->media = lx_o311_field(form, "media_url");
	if (!lx_o311_line_or_reply(r, fmt, "email", p->email, 254) ||
	    !lx_o311_line_or_reply(r, fmt, "device_id", p->device, 100) ||
	    !lx_o311_line_or_reply(r, fmt, "account_id", p->account, 100) ||
	    !lx_o311_line_or_reply(r, fmt, "phone", p->phone, 20) ||
	    !lx_o311_line_or_reply(r, fmt, "first_name", p->first, 32) ||
	    !lx_o311_line_or_reply(r, fmt, "last_name", p->last, 32))
		return false;
	if (p->email && (!strchr(p->email, '@') || strchr(p->email, ' ')))
		return lx_o311_error(r, fmt, 400, "email is not an e-mail address"), false;
	if (p->desc && !lx_o311_text_ok(p->desc, LX_O311_DESC_MAX, false))
		return lx_o311_error(r, fmt, 400, "description must be text of at most %d characters",
				     LX_O311_DESC_MAX), false;
	if (p->media && !lx_o311_url_ok(p->media))
		return lx_o311_error(r, fmt, 400, "media_url must be an http or https URL"), false;
	return true;
}

/* Where the case lies: the point, else address_id, else the unit names in
 * address_string; an unlocated case waits for a dispatcher (in->has_unit
 * stays false). Returns LX_OK, or an error status after replying (400 for
 * an address_id that names no unit of the grid). */
static int lx_o311_post_locate_or_reply(lx_req *r, lx_o311_fmt fmt, const struct lx_o311_post *p,
					lx_intake *in)
{
	lx_unit loc = {0}, addr = {0};
	int rc = LX_OK;
	if (p->address_id) {
		rc = lx_o311_address_unit(r->db, p->address_id, &addr);
		if (rc == LX_NOTFOUND) {
			rc = lx_o311_error(r, fmt, 400, "address_id names no unit of the grid");
			goto cleanup;
		}
		if (rc != LX_OK)
			goto fail;
	}
	if (in->has_point) {
		rc = lx_api_locate_point(r->db, in->lat, in->lon, &loc);
		if (rc == LX_OK) {
			in->has_unit = true;
			in->unit_id = loc.id;
		} else if (rc != LX_NOTFOUND) {
			goto fail;
		}
	}
	if (!in->has_unit && p->address_id) {
		in->has_unit = true;
		in->unit_id = addr.id;
	}
	if (!in->has_unit && p->address) {
		rc = lx_o311_locate_text(r->db, p->address, &in->unit_id);
		if (rc == LX_OK)
			in->has_unit = true;
		else if (rc != LX_NOTFOUND)
			goto fail;
	}
	rc = LX_OK;
	goto cleanup;
fail:
	rc = lx_o311_reply_store_error(r, fmt, rc);
cleanup:
	lx_unit_clear(&loc);
	lx_unit_clear(&addr);
	return rc;
}

/* Answers a filed request: its id (or the token of a queued one), what the
 * resident is told to expect, and the client's account_id. */
static int lx_o311_post_reply(lx_req *r, lx_o311_fmt fmt, const lx_case *c, const struct lx_o311_after *after,
			      const char *account)
{
	char *notice = NULL;
	if (!after->queued && c->handler_unit_id) {
		lx_unit h = {0};
		if (lx_unit_get(r->db, "/", c->handler_unit_id, &h) == LX_OK)
			notice = lx_o311_notice(r, c->type, c->status, h.name, c->resolve_due_at);
		lx_unit_clear(&h);
	}
	if (!notice)
		notice = lx_o311_notice(r, c->type, c->status, NULL, 0);
	json_t *o = json_object();
	if (after->queued)
		json_object_set_new(o, "token", json_string(after->token));
	else
		json_object_set_new(o, "service_request_id", json_integer(c->id));
	json_object_set_new(o, "service_notice", lx_o311_str(notice));
	json_object_set_new(o, "account_id", lx_o311_str(account));
	free(notice);
	json_t *list = json_array();
	json_array_append_new(list, o);
	return lx_o311_reply(r, 200, fmt, "service_requests", list);
}

/* The case's title (the service, then the description's start) and text
 * (the description, then the answered attributes). */
static void lx_o311_post_text(const lx_o311_service *svc, const char *desc, const lx_buf *lines, lx_buf *title,
			      lx_buf *text)
{
	lx_buf_puts(text, desc ? desc : "");
	if (lines->len)
		lx_buf_printf(text, "%s【附加信息】%s", desc ? "\n\n" : "", lines->data);
	lx_buf_puts(title, svc->name);
	if (desc) {
		lx_buf_puts(title, "：");
		lx_o311_prefix(title, desc, 30);
	}
}

/* A POST request between its read half, its write job and its answer
 * (r->state): the checked form and what the intake borrows from it. */
struct lx_o311_post_state {
	lx_o311_fmt fmt;
	lx_o311_form form;
	lx_apikey key;
	lx_o311_service svc;
	lx_o311_attr *defs;
	size_t ndefs;
	struct lx_o311_post p;
	json_t *answers;
	lx_buf lines, text, title;
	char *reporter, *answers_text;
	lx_intake in;
	lx_intake_error err;
	lx_intake_job *job;
	struct lx_o311_after after;
};

static void lx_o311_post_free(void *arg)
{
	struct lx_o311_post_state *st = arg;
	if (!st)
		return;
	lx_api_intake_free(st->job);
	free(st->reporter);
	free(st->answers_text);
	json_decref(st->answers);
	lx_buf_free(&st->lines);
	lx_buf_free(&st->text);
	lx_buf_free(&st->title);
	lx_o311_attrs_free(st->defs, st->ndefs);
	lx_o311_service_clear(&st->svc);
	lx_apikey_clear(&st->key);
	lx_o311_form_free(&st->form);
	free(st);
}

/* Replies with an intake's failure: its refusal as a 400 naming the
 * Open311 field, a store failure as the spec's service error. */
static int lx_o311_reply_intake_error(lx_req *r, const struct lx_o311_post_state *st, int rc)
{
	if (!st->err.status)
		return lx_o311_reply_store_error(r, st->fmt, rc);
	const char *field = lx_o311_field_name(st->err.field);
	return lx_o311_error(r, st->fmt, 400, "%s%s%s", field ? field : "", field ? ": " : "", st->err.message);
}

/* The intake of the checked request, as the key's synthetic dispatcher,
 * with what GeoReport keeps besides the case (and a token when the case is
 * queued) written in the case's own transaction; then the intake's read
 * half. Returns LX_OK, or an error status after replying. */
static int lx_o311_post_intake_or_reply(lx_req *r, struct lx_o311_post_state *st)
{
	lx_intake *in = &st->in;
	const struct lx_o311_post *p = &st->p;
	lx_o311_post_text(&st->svc, p->desc, &st->lines, &st->title, &st->text);
	st->reporter = lx_o311_person(p->first, p->last);
	st->answers_text = json_object_size(st->answers) ? json_dumps(st->answers, JSON_COMPACT) : NULL;
	in->type = "request";
	in->channel = "open311";
	in->category_code = st->svc.code;
	in->title = st->title.data;
	in->description = st->text.data;
	in->address = p->address;
	in->reporter_name = st->reporter;
	in->reporter_phone = p->phone;
	st->after.x = (lx_o311_extra){.api_key_id = st->key.id, .email = p->email, .device_id = p->device,
				      .account_id = p->account, .address_id = p->address_id,
				      .media_url = p->media, .attributes = st->answers_text};
	in->after = lx_o311_after_intake;
	in->after_arg = &st->after;
	lx_apikey_act_as(r, &st->key);
	int rc = lx_api_intake_prepare(r, in, &st->job, &st->err);
	return rc == LX_OK ? LX_OK : lx_o311_reply_intake_error(r, st, rc);
}

/* The read half of a POST request (the route's prepare): the form, the
 * key, the service, the fields and attributes, the location, then the
 * intake's own reads. Returns LX_OK, or an error status after replying. */
int lx_api_open311_create_read(lx_req *r)
{
	static const char *const scalars[] = {
		"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string",
		"address_id", "email", "device_id", "account_id", "first_name", "last_name", "phone",
		"description", "media_url",
	};
	struct lx_o311_post_state *st = lx_xcalloc(1, sizeof *st);
	lx_buf_init(&st->lines);
	lx_buf_init(&st->text);
	lx_buf_init(&st->title);
	r->state = st;
	r->state_free = lx_o311_post_free;
	if (!lx_o311_format_or_reply(r, &st->fmt))
		return LX_NOTFOUND;
	lx_o311_fmt fmt = st->fmt;
	int rc = lx_o311_post_begin_or_reply(r, fmt, &st->form, &st->key, scalars, sizeof scalars / sizeof scalars[0]);
	if (rc != LX_OK)
		return rc;
	st->p.code = lx_o311_field(&st->form, "service_code");
	if (!st->p.code)
		return lx_o311_error(r, fmt, 400, "service_code is required");
	if (!lx_o311_service_or_reply(r, fmt, st->p.code, &st->svc))
		return LX_NOTFOUND;
	if (!lx_o311_post_check_or_reply(r, fmt, &st->form, &st->p, &st->in))
		return LX_BADREQ;
	rc = lx_o311_attrs_load(r->db, st->svc.code, &st->defs, &st->ndefs);
	if (rc != LX_OK)
		return lx_o311_reply_store_error(r, fmt, rc);
	if (!lx_o311_attributes_or_reply(r, fmt, &st->form, st->defs, st->ndefs, &st->lines, &st->answers))
		return LX_BADREQ;
	rc = lx_o311_post_locate_or_reply(r, fmt, &st->p, &st->in);
	if (rc != LX_OK)
		return rc;
	return lx_o311_post_intake_or_reply(r, st);
}

int lx_api_open311_create(lx_req *r)
{
	struct lx_o311_post_state *st = r->state;
	int rc = lx_api_intake_write(r->db, st->job);
	return rc == LX_OK ? LX_OK : lx_o311_reply_intake_error(r, st, rc);
}

int lx_api_open311_create_reply(lx_req *r)
{
	struct lx_o311_post_state *st = r->state;
	return lx_o311_post_reply(r, st->fmt, lx_api_intake_case(st->job), &st->after, st->p.account);
}
