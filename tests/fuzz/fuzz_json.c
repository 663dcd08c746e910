/*
 * fuzz_json.c - a JSON request body against every body schema of the route
 * table: the body is read by lx_req_json (http/server.c, the dispatcher's
 * reading: UTF-8, JSON_REJECT_DUPLICATES, an object) and then checked by
 * lx_schema_parse (core/schema.c) against each distinct schema of
 * lx_api_routes (the declared rows and every workflow action's input), as
 * the dispatcher's lx_check_body does. A failure is replied as the
 * dispatcher replies it (lx_reply_schema_error); a success is written back
 * as a timeline event keeps it (lx_schema_dump_values).
 *
 * Properties: a failure has a 400 or 422 status and a snake_case code, its
 * field names a declared field, and its reply is the contract's JSON error;
 * what a success filled holds what the schema promises (strings valid UTF-8
 * within their length, numbers in range, enums an index into values) and
 * its dump parses as a JSON object.
 */
#include "fuzz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const lx_schema *fuzz_schemas[128];
static size_t fuzz_nschemas;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t n;
	const lx_route *rt;
	(void)argc;
	(void)argv;
	lx_flow_init();
	rt = lx_api_routes(&n);
	for (size_t i = 0; i < n; i++) {
		bool seen = !rt[i].body;
		for (size_t k = 0; k < fuzz_nschemas && !seen; k++)
			seen = fuzz_schemas[k] == rt[i].body;
		if (!seen && fuzz_nschemas < sizeof fuzz_schemas / sizeof fuzz_schemas[0])
			fuzz_schemas[fuzz_nschemas++] = rt[i].body;
	}
	return 0;
}

static bool fuzz_snake(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || *s == '_' || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* True when field (maybe "a.b") names a field of s. */
static bool fuzz_field_known(const lx_schema *s, const char *field)
{
	const char *dot = strchr(field, '.');
	size_t n = dot ? (size_t)(dot - field) : strlen(field);
	for (const lx_field *f = s->fields; f->name; f++) {
		if (strlen(f->name) != n || strncmp(f->name, field, n) != 0)
			continue;
		if (!dot)
			return true;
		if (f->type == LX_F_OBJECT && fuzz_field_known(f->sub, dot + 1))
			return true;
	}
	return false;
}

/* What a successful check filled, against the fields' promises. */
static void fuzz_check_filled(const lx_schema *s, const void *out, json_t *obj)
{
	for (const lx_field *f = s->fields; f->name; f++) {
		const char *p = (const char *)out + f->off;
		json_t *v = json_object_get(obj, f->name);
		bool given = v && !json_is_null(v);
		FUZZ_CHECK(given || !f->required, "%s is required but was not given", f->name);
		if (f->tracked && given)
			FUZZ_CHECK(*(const bool *)((const char *)out + f->has_off), "has_%s not set", f->name);
		if (!given)
			continue;
		switch (f->type) {
		case LX_F_STR: {
			const char *str = *(const char *const *)p;
			FUZZ_CHECK(str && lx_utf8_valid(str, strlen(str)), "%s is not UTF-8", f->name);
			FUZZ_CHECK(f->max <= 0 || (double)lx_utf8_len(str) <= f->max, "%s is too long", f->name);
			break;
		}
		case LX_F_INT: {
			int64_t x = *(const int64_t *)p;
			FUZZ_CHECK((f->min == 0 && f->max == 0) || ((double)x >= f->min && (double)x <= f->max),
				   "%s = %lld is out of range", f->name, (long long)x);
			break;
		}
		case LX_F_NUM: {
			double x = *(const double *)p;
			FUZZ_CHECK(isfinite(x), "%s is not finite", f->name);
			FUZZ_CHECK((f->min == 0 && f->max == 0) || (x >= f->min && x <= f->max &&
								   !(f->min_open && x == f->min)),
				   "%s = %g is out of range", f->name, x);
			break;
		}
		case LX_F_ENUM: {
			int k = *(const int *)p, nv = 0;
			while (f->values[nv])
				nv++;
			FUZZ_CHECK(k >= 0 && k < nv, "%s = %d is not an index of its values", f->name, k);
			break;
		}
		case LX_F_IDS:
			FUZZ_CHECK(json_is_array(*(json_t *const *)p), "%s is not the array", f->name);
			break;
		case LX_F_OBJECT:
			fuzz_check_filled(f->sub, out, v);
			break;
		default:
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_req f;
	json_t *body = NULL;
	fuzz_req_init(&f, "POST", "/api/v1/fuzz", data, size);
	/* the dispatcher's reading of a body, with and without "empty reads as {}" */
	int rc = lx_req_json(&f.r, size & 1, &body);
	if (rc != LX_OK) {
		FUZZ_CHECK(f.r.out && (f.r.status == 400 || f.r.status == 413), "lx_req_json %d without a 400", rc);
		fuzz_check_reply(&f.r);
		fuzz_req_free(&f);
		return 0;
	}
	FUZZ_CHECK(json_is_object(body), "lx_req_json accepted a non-object");
	for (size_t i = 0; i < fuzz_nschemas; i++) {
		const lx_schema *s = fuzz_schemas[i];
		void *out = lx_xcalloc(1, s->size);
		lx_schema_error e;
		rc = lx_schema_parse(s, body, f.r.app->tz_offset_min, out, &e);
		if (rc != LX_OK) {
			FUZZ_CHECK(e.status == 400 || e.status == 422, "%s: status %d", s->name, e.status);
			FUZZ_CHECK(rc == lx_code_of_status(e.status), "%s: rc %d for status %d", s->name, rc, e.status);
			FUZZ_CHECK(fuzz_snake(e.code), "%s: code \"%s\"", s->name, e.code ? e.code : "(null)");
			/* a schema's own cross-field check may blame no single field */
			FUZZ_CHECK(!e.field[0] || fuzz_field_known(s, e.field), "%s: unknown field \"%s\"", s->name,
				   e.field);
			free(f.r.out);
			f.r.out = NULL;
			lx_reply_schema_error(&f.r, &e);
			FUZZ_CHECK(f.r.status == e.status, "reply %d for %d", f.r.status, e.status);
			fuzz_check_reply(&f.r);
		} else {
			fuzz_check_filled(s, out, body);
			char *dump = lx_schema_dump_values(s, out, f.r.app->tz_offset_min);
			if (dump) {
				json_error_t je;
				json_t *j = json_loads(dump, 0, &je);
				FUZZ_CHECK(json_is_object(j), "%s: dump is not a JSON object: %s", s->name, dump);
				json_decref(j);
				free(dump);
			}
		}
		free(out);
	}
	json_decref(body);
	fuzz_req_free(&f);
	return 0;
}
