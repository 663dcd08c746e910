/*
 * registry_check.c - a resident's fields checked the same way from a JSON
 * body and from an import row; the tag list (field.h).
 */
#include "field.h"
#include "pii.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int lx_reg_tags_load(lx_db *db, lx_reg_tags *tags)
{
	return lx_tags_load(db, &tags->t, &tags->n);
}

void lx_reg_tags_free(lx_reg_tags *tags)
{
	lx_tags_free(tags->t, tags->n);
	tags->t = NULL;
	tags->n = 0;
}

const lx_tag *lx_reg_tag(const lx_reg_tags *tags, const char *s)
{
	for (size_t i = 0; s && i < tags->n; i++)
		if (strcmp(tags->t[i].name, s) == 0)
			return &tags->t[i];
	return NULL;
}

static int lx_fail(lx_reg_error *e, const char *field, const char *msg)
{
	e->field = field;
	e->code = "invalid";
	snprintf(e->message, sizeof e->message, "%s", msg);
	return LX_INVALID;
}

static bool lx_given(const char *s)
{
	return s && *s;
}

/* YYYY-MM-DD of a day that exists, 1900 to 2100. */
static bool lx_date_ok(const char *s)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	static const int md[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 && d <= md[m - 1] && !(m == 2 && d == 29 && !leap);
}

/* The contacts: up to 5 {"name","phone"?,"relation"?}, phones checked. */
static int lx_contacts_check(const json_t *in, lx_resident *p, lx_reg_error *e)
{
	p->contacts = json_array();
	if (!in || json_is_null(in))
		return LX_OK;
	if (!json_is_array(in) || json_array_size(in) > 5)
		return lx_fail(e, "contacts", "contacts is an array of at most 5 {name, phone, relation}");
	size_t i;
	json_t *c;
	json_array_foreach(in, i, c) {
		const char *name = json_string_value(json_object_get(c, "name"));
		const char *phone = json_string_value(json_object_get(c, "phone"));
		const char *rel = json_string_value(json_object_get(c, "relation"));
		char norm[24];
		if (!json_is_object(c) || !lx_given(name) || lx_utf8_len(name) > 32 || (rel && lx_utf8_len(rel) > 16))
			return lx_fail(e, "contacts", "a contact needs a name (up to 32 characters) and may have a relation");
		if (lx_given(phone) && lx_phone_check(phone, norm))
			return lx_fail(e, "contacts", "a contact's phone is a mobile or a landline with its area code");
		json_array_append_new(p->contacts, json_pack("{s:s, s:s?, s:s?}", "name", name, "phone",
							   lx_given(phone) ? norm : NULL, "relation", rel));
	}
	return LX_OK;
}

static int lx_tags_check(const json_t *in, const lx_reg_tags *tags, bool sensitive_ok, lx_resident *p,
			 lx_reg_error *e)
{
	p->tags = json_array();
	if (!in || json_is_null(in))
		return LX_OK;
	if (!json_is_array(in) || json_array_size(in) > 20)
		return lx_fail(e, "tags", "tags is an array of tag names");
	size_t i;
	json_t *t;
	json_array_foreach(in, i, t) {
		const lx_tag *tag = lx_reg_tag(tags, json_string_value(t));
		if (!tag) {
			snprintf(e->message, sizeof e->message, "unknown tag '%.60s' (GET /api/v1/registry/tags)",
				 json_is_string(t) ? json_string_value(t) : "?");
			e->field = "tags";
			e->code = "invalid";
			return LX_INVALID;
		}
		if (tag->sensitive && !sensitive_ok) {
			lx_fail(e, "tags", "a sensitive tag needs the registry_sensitive right");
			e->code = "sensitive_tag";
			return LX_FORBIDDEN;
		}
		bool dup = false;
		for (size_t k = 0; k < json_array_size(p->tags); k++)
			dup |= strcmp(json_string_value(json_array_get(p->tags, k)), tag->name) == 0;
		if (!dup)
			json_array_append_new(p->tags, json_string(tag->name));
	}
	return LX_OK;
}

int lx_reg_resident_check(const lx_resident_text *t, const lx_reg_tags *tags, bool sensitive_ok, lx_resident *p,
			  lx_reg_error *e)
{
	char idn[19], phone[24];
	const char *why;
	if (!lx_given(t->name) || lx_utf8_len(t->name) > 32)
		return lx_fail(e, "name", "a resident's name has 1 to 32 characters");
	free(p->name);
	p->name = lx_xstrdup(t->name);
	if (lx_given(t->id_number)) {
		if ((why = lx_id_number_check(t->id_number, idn)))
			return lx_fail(e, "id_number", why);
		lx_pii_free(p->id_number);
		p->id_number = lx_xstrdup(idn);
	}
	if (lx_given(t->phone)) {
		if ((why = lx_phone_check(t->phone, phone)))
			return lx_fail(e, "phone", why);
		lx_pii_free(p->phone);
		p->phone = lx_xstrdup(phone);
	}
	if (lx_given(t->gender)) {
		if (strcmp(t->gender, "male") == 0 || strcmp(t->gender, "男") == 0)
			snprintf(p->gender, sizeof p->gender, "male");
		else if (strcmp(t->gender, "female") == 0 || strcmp(t->gender, "女") == 0)
			snprintf(p->gender, sizeof p->gender, "female");
		else
			return lx_fail(e, "gender", "gender is male or female");
	} else if (p->id_number && !p->gender[0]) {
		/* GB 11643: the 17th digit is odd for a man */
		snprintf(p->gender, sizeof p->gender, "%s", (p->id_number[16] - '0') % 2 ? "male" : "female");
	}
	if (lx_given(t->birth_date)) {
		if (!lx_date_ok(t->birth_date))
			return lx_fail(e, "birth_date", "birth_date is a date YYYY-MM-DD");
		snprintf(p->birth_date, sizeof p->birth_date, "%s", t->birth_date);
	} else if (p->id_number && !p->birth_date[0]) {
		snprintf(p->birth_date, sizeof p->birth_date, "%.4s-%.2s-%.2s", p->id_number + 6, p->id_number + 10,
			 p->id_number + 12);
	}
	json_decref(p->tags);
	p->tags = NULL;
	int rc = lx_tags_check(t->tags, tags, sensitive_ok, p, e);
	if (rc != LX_OK)
		return rc;
	json_decref(p->contacts);
	p->contacts = NULL;
	return lx_contacts_check(t->contacts, p, e);
}

