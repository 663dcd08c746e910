/*
 * schema.c - checks a JSON body against its declared fields and fills the
 * handler's struct (schema.h), describes the fields for OpenAPI, and
 * writes back what a timeline event keeps of an input.
 */
#include "schema.h"
#include "jw.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

int lx_schema_fail(lx_schema_error *err, int status, const char *code, const char *field,
		   const char *fmt, ...)
{
	va_list ap;
	err->status = status;
	err->code = code;
	snprintf(err->field, sizeof err->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	return lx_code_of_status(status);
}

static void *lx_at(void *out, size_t off)
{
	return (char *)out + off;
}

static const void *lx_at_c(const void *out, size_t off)
{
	return (const char *)out + off;
}

/* True when s holds something other than white space. */
static bool lx_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return false;
	return true;
}

static int lx_check_str(const lx_field *f, const char *key, json_t *v, void *out, lx_schema_error *err)
{
	if (!json_is_string(v))
		return lx_schema_fail(err, 400, "bad_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len || !lx_utf8_valid(s, len))
		return lx_schema_fail(err, 400, "bad_encoding", key, "%s is not valid UTF-8 text", key);
	if (f->required && lx_blank(s))
		return lx_schema_fail(err, 422, "required", key, "%s must not be empty", key);
	if (f->max > 0 && (double)lx_utf8_len(s) > f->max)
		return lx_schema_fail(err, 422, "too_long", key, "%s is longer than %.0f characters", key, f->max);
	*(const char **)lx_at(out, f->off) = s;
	return LX_OK;
}

static int lx_check_int(const lx_field *f, const char *key, json_t *v, void *out, lx_schema_error *err)
{
	if (!json_is_integer(v))
		return lx_schema_fail(err, 400, "bad_type", key, "%s must be an integer", key);
	json_int_t x = json_integer_value(v);
	if ((f->min != 0 || f->max != 0) && ((double)x < f->min || (double)x > f->max))
		return lx_schema_fail(err, 422, f->code ? f->code : "invalid", key,
				      "%s must be an integer from %.0f to %.0f", key, f->min, f->max);
	*(int64_t *)lx_at(out, f->off) = x;
	return LX_OK;
}

static int lx_check_num(const lx_field *f, const char *key, json_t *v, void *out, lx_schema_error *err)
{
	if (!json_is_number(v))
		return lx_schema_fail(err, 400, "bad_type", key, "%s must be a number", key);
	double x = json_number_value(v);
	if (!isfinite(x))
		return lx_schema_fail(err, 422, "invalid", key, "%s must be finite", key);
	if ((f->min != 0 || f->max != 0) &&
	    (x < f->min || (f->min_open && x == f->min) || x > f->max))
		return lx_schema_fail(err, 422, f->code ? f->code : "invalid", key,
				      "%s must be %s %g and at most %g", key, f->min_open ? "above" : "at least",
				      f->min, f->max);
	*(double *)lx_at(out, f->off) = x;
	return LX_OK;
}

static int lx_check_enum(const lx_field *f, const char *key, json_t *v, void *out, lx_schema_error *err)
{
	if (!json_is_string(v))
		return lx_schema_fail(err, 400, "bad_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	for (int i = 0; f->values[i]; i++) {
		if (strcmp(f->values[i], s) == 0) {
			*(int *)lx_at(out, f->off) = i;
			return LX_OK;
		}
	}
	lx_buf b;
	lx_buf_init(&b);
	for (int i = 0; f->values[i]; i++)
		lx_buf_printf(&b, "%s%s", i ? ", " : "", f->values[i]);
	int rc = lx_schema_fail(err, 422, f->code ? f->code : "invalid", key, "%s must be one of %s", key,
				b.data ? b.data : "");
	lx_buf_free(&b);
	return rc;
}

static int lx_check_ids(const lx_field *f, const char *key, json_t *v, void *out, lx_schema_error *err)
{
	size_t i, k;
	json_t *e;
	if (!json_is_array(v))
		return lx_schema_fail(err, 400, "bad_type", key, "%s must be an array of ids", key);
	if ((double)json_array_size(v) < f->min || (double)json_array_size(v) > f->max)
		return lx_schema_fail(err, 422, "invalid", key, "%s must name %.0f to %.0f ids", key, f->min, f->max);
	json_array_foreach(v, i, e) {
		if (!json_is_integer(e))
			return lx_schema_fail(err, 400, "bad_type", key, "%s must be integers", key);
		if (json_integer_value(e) <= 0)
			return lx_schema_fail(err, 422, "invalid", key, "%s must be positive ids", key);
		for (k = 0; k < i; k++)
			if (json_integer_value(json_array_get(v, k)) == json_integer_value(e))
				return lx_schema_fail(err, 422, "invalid", key, "%s names an id twice", key);
	}
	*(json_t **)lx_at(out, f->off) = v;
	return LX_OK;
}

static int lx_parse_into(const lx_schema *s, json_t *obj, const char *prefix, int offset_min, void *out,
			 lx_schema_error *err);

/* Checks one field's value v (present, not null) and stores it. */
static int lx_check_field(const lx_field *f, const char *key, json_t *v, int offset_min, void *out,
			  lx_schema_error *err)
{
	switch (f->type) {
	case LX_F_STR:
		return lx_check_str(f, key, v, out, err);
	case LX_F_INT:
		return lx_check_int(f, key, v, out, err);
	case LX_F_NUM:
		return lx_check_num(f, key, v, out, err);
	case LX_F_BOOL:
		if (!json_is_boolean(v))
			return lx_schema_fail(err, 400, "bad_type", key, "%s must be true or false", key);
		*(bool *)lx_at(out, f->off) = json_is_true(v);
		return LX_OK;
	case LX_F_ENUM:
		return lx_check_enum(f, key, v, out, err);
	case LX_F_TIME: {
		lx_ms t;
		if (!json_is_string(v) || lx_time_parse(json_string_value(v), offset_min, &t) != LX_OK)
			return lx_schema_fail(err, 400, "bad_type", key, "%s must be an RFC 3339 time", key);
		*(lx_ms *)lx_at(out, f->off) = t;
		return LX_OK;
	}
	case LX_F_IDS:
		return lx_check_ids(f, key, v, out, err);
	case LX_F_OBJECT:
		if (!json_is_object(v))
			return lx_schema_fail(err, 400, "bad_type", key, "%s must be an object", key);
		return lx_parse_into(f->sub, v, key, offset_min, out, err);
	case LX_F_JSON:
		*(json_t **)lx_at(out, f->off) = v;
		return LX_OK;
	}
	assert(0);
	return LX_ERR;
}

static int lx_parse_into(const lx_schema *s, json_t *obj, const char *prefix, int offset_min, void *out,
			 lx_schema_error *err)
{
	char key[64];
	for (const lx_field *f = s->fields; f->name; f++) {
		if (prefix)
			snprintf(key, sizeof key, "%s.%s", prefix, f->name);
		else
			snprintf(key, sizeof key, "%s", f->name);
		json_t *v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return lx_schema_fail(err, 422, "required", key, "%s is required", key);
			if (v && f->nullable && f->tracked)
				*(bool *)lx_at(out, f->has_off) = true;
			continue;
		}
		int rc = lx_check_field(f, key, v, offset_min, out, err);
		if (rc != LX_OK)
			return rc;
		if (f->tracked)
			*(bool *)lx_at(out, f->has_off) = true;
	}
	return LX_OK;
}

int lx_schema_parse(const lx_schema *s, json_t *obj, int offset_min, void *out, lx_schema_error *err)
{
	memset(err, 0, sizeof *err);
	assert(json_is_object(obj));
	int rc = lx_parse_into(s, obj, NULL, offset_min, out, err);
	if (rc == LX_OK && s->check)
		rc = s->check(out, err);
	return rc;
}

/* ---------------- OpenAPI ---------------- */

static json_t *lx_field_openapi(const lx_field *f)
{
	json_t *o = json_object();
	switch (f->type) {
	case LX_F_STR:
		json_object_set_new(o, "type", json_string("string"));
		if (f->max > 0)
			json_object_set_new(o, "maxLength", json_integer((json_int_t)f->max));
		break;
	case LX_F_INT:
		json_object_set_new(o, "type", json_string("integer"));
		if (f->min != 0 || f->max != 0) {
			json_object_set_new(o, "minimum", json_integer((json_int_t)f->min));
			json_object_set_new(o, "maximum", json_integer((json_int_t)f->max));
		}
		break;
	case LX_F_NUM:
		json_object_set_new(o, "type", json_string("number"));
		if (f->min != 0 || f->max != 0) {
			json_object_set_new(o, f->min_open ? "exclusiveMinimum" : "minimum", json_real(f->min));
			json_object_set_new(o, "maximum", json_real(f->max));
		}
		break;
	case LX_F_BOOL:
		json_object_set_new(o, "type", json_string("boolean"));
		break;
	case LX_F_ENUM: {
		json_t *e = json_array();
		for (int i = 0; f->values[i]; i++)
			json_array_append_new(e, json_string(f->values[i]));
		json_object_set_new(o, "type", json_string("string"));
		json_object_set_new(o, "enum", e);
		break;
	}
	case LX_F_TIME:
		json_object_set_new(o, "type", json_string("string"));
		json_object_set_new(o, "format", json_string("date-time"));
		break;
	case LX_F_IDS: {
		json_t *items = json_object();
		json_object_set_new(items, "type", json_string("integer"));
		json_object_set_new(items, "minimum", json_integer(1));
		json_object_set_new(o, "type", json_string("array"));
		json_object_set_new(o, "items", items);
		json_object_set_new(o, "minItems", json_integer((json_int_t)f->min));
		json_object_set_new(o, "maxItems", json_integer((json_int_t)f->max));
		json_object_set_new(o, "uniqueItems", json_true());
		break;
	}
	case LX_F_OBJECT:
		json_decref(o);
		o = lx_schema_openapi(f->sub);
		break;
	case LX_F_JSON:
		break;
	}
	if (f->nullable && json_object_get(o, "type")) {
		json_t *t = json_array();
		json_array_append(t, json_object_get(o, "type"));
		json_array_append_new(t, json_string("null"));
		json_object_set_new(o, "type", t);
	}
	if (f->doc)
		json_object_set_new(o, "description", json_string(f->doc));
	return o;
}

json_t *lx_schema_openapi(const lx_schema *s)
{
	json_t *o = json_object(), *props = json_object(), *req = json_array();
	json_object_set_new(o, "type", json_string("object"));
	for (const lx_field *f = s->fields; f->name; f++) {
		json_object_set_new(props, f->name, lx_field_openapi(f));
		if (f->required)
			json_array_append_new(req, json_string(f->name));
	}
	json_object_set_new(o, "properties", props);
	if (json_array_size(req))
		json_object_set_new(o, "required", req);
	else
		json_decref(req);
	return o;
}

/* ---------------- what an event keeps ---------------- */

static bool lx_field_given(const lx_field *f, const void *out)
{
	if (f->tracked)
		return *(const bool *)lx_at_c(out, f->has_off);
	if (f->required)
		return true;
	switch (f->type) {
	case LX_F_INT:
		return *(const int64_t *)lx_at_c(out, f->off) != 0;
	case LX_F_TIME:
		return *(const lx_ms *)lx_at_c(out, f->off) != 0;
	case LX_F_IDS:
		return *(json_t *const *)lx_at_c(out, f->off) != NULL;
	default:
		return false; /* an untracked optional bool/number/enum: not known to be given */
	}
}

static void lx_dump_into(const lx_schema *s, const void *out, int offset_min, lx_jw *w)
{
	for (const lx_field *f = s->fields; f->name; f++) {
		if (f->type == LX_F_OBJECT) {
			lx_dump_into(f->sub, out, offset_min, w);
			continue;
		}
		if (f->quiet || f->type == LX_F_STR || f->type == LX_F_JSON || !lx_field_given(f, out))
			continue;
		const void *p = lx_at_c(out, f->off);
		if (f->type == LX_F_ENUM && *(const int *)p < 0)
			continue;
		if (!w->depth)
			lx_jw_open(w, '{');
		lx_jw_key(w, f->name);
		switch (f->type) {
		case LX_F_INT:
			lx_jw_int(w, *(const int64_t *)p);
			break;
		case LX_F_NUM:
			lx_jw_real(w, *(const double *)p);
			break;
		case LX_F_BOOL:
			lx_jw_bool(w, *(const bool *)p);
			break;
		case LX_F_ENUM:
			lx_jw_str(w, f->values[*(const int *)p]);
			break;
		case LX_F_TIME:
			lx_jw_time(w, *(const lx_ms *)p, offset_min);
			break;
		case LX_F_IDS: {
			size_t i;
			json_t *e;
			lx_jw_open(w, '[');
			json_array_foreach(*(json_t *const *)p, i, e)
				lx_jw_int(w, json_integer_value(e));
			lx_jw_close(w, ']');
			break;
		}
		default:
			lx_jw_null(w);
			break;
		}
	}
}

char *lx_schema_dump_values(const lx_schema *s, const void *out, int offset_min)
{
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_dump_into(s, out, offset_min, &w);
	if (!w.depth)
		return NULL; /* nothing to keep: no allocation made */
	lx_jw_close(&w, '}');
	return lx_buf_steal(&b);
}
