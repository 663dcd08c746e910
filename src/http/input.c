/*
 * input.c - typed access to JSON body fields, each replying with the
 * contract's error (400 wrong type, 422 bad value) on failure.
 */
#include "http.h"

#include <math.h>
#include <string.h>

bool lx_in_str(lx_req *r, json_t *body, const char *key, bool required, size_t maxlen,
	       const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required) {
			lx_reply_error(r, 422, "required", key, "%s is required", key);
			return false;
		}
		return true;
	}
	if (!json_is_string(v)) {
		lx_reply_error(r, 400, "bad_type", key, "%s must be a string", key);
		return false;
	}
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (strlen(s) != len || !lx_utf8_valid(s, len)) {
		lx_reply_error(r, 400, "bad_encoding", key, "%s is not valid UTF-8 text", key);
		return false;
	}
	if (required) {
		const char *p = s;
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p) {
			lx_reply_error(r, 422, "required", key, "%s must not be empty", key);
			return false;
		}
	}
	if (maxlen && lx_utf8_len(s) > maxlen) {
		lx_reply_error(r, 422, "too_long", key, "%s is longer than %zu characters", key, maxlen);
		return false;
	}
	*out = s;
	return true;
}

bool lx_in_int(lx_req *r, json_t *body, const char *key, bool required, int64_t *out,
	       bool *present)
{
	json_t *v = json_object_get(body, key);
	if (present)
		*present = false;
	if (!v || json_is_null(v)) {
		if (required) {
			lx_reply_error(r, 422, "required", key, "%s is required", key);
			return false;
		}
		return true;
	}
	if (!json_is_integer(v)) {
		lx_reply_error(r, 400, "bad_type", key, "%s must be an integer", key);
		return false;
	}
	*out = json_integer_value(v);
	if (present)
		*present = true;
	return true;
}

bool lx_in_bool(lx_req *r, json_t *body, const char *key, bool *out, bool *present)
{
	json_t *v = json_object_get(body, key);
	if (present)
		*present = false;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_boolean(v)) {
		lx_reply_error(r, 400, "bad_type", key, "%s must be true or false", key);
		return false;
	}
	*out = json_is_true(v);
	if (present)
		*present = true;
	return true;
}

bool lx_in_num(lx_req *r, json_t *body, const char *key, double *out, bool *present)
{
	json_t *v = json_object_get(body, key);
	if (present)
		*present = false;
	if (!v || json_is_null(v))
		return true;
	if (!json_is_number(v)) {
		lx_reply_error(r, 400, "bad_type", key, "%s must be a number", key);
		return false;
	}
	*out = json_number_value(v);
	if (!isfinite(*out)) {
		lx_reply_error(r, 422, "invalid", key, "%s must be finite", key);
		return false;
	}
	if (present)
		*present = true;
	return true;
}
