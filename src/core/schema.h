/*
 * schema.h - declared request bodies: a schema is a list of fields (name,
 * type, limits, where the value goes in a struct), checked once by one
 * function, so a handler receives a filled struct and never looks at JSON.
 *
 * Errors follow the contract: a value of the wrong JSON type is 400
 * (`bad_type`, `bad_encoding`), a missing or out-of-range value is 422
 * (`required`, `too_long`, `invalid`, or the field's own code), always
 * naming the field ("reporter.phone" inside a nested object).
 *
 * Strings and arrays in the filled struct are borrowed from the JSON tree
 * that was parsed: it must outlive the struct. Pure: no I/O.
 */
#ifndef LX_SCHEMA_H
#define LX_SCHEMA_H

#include "lx.h"

#include <jansson.h>
#include <stddef.h>

typedef enum {
	LX_F_STR,    /* const char *: UTF-8 text without NUL, up to max code points */
	LX_F_INT,    /* int64_t in [min, max] */
	LX_F_NUM,    /* double in [min, max] (min exclusive when min_open) */
	LX_F_BOOL,   /* bool */
	LX_F_ENUM,   /* int: the index of the string in values[] */
	LX_F_TIME,   /* lx_ms: an RFC 3339 time (or a date, in the server zone) */
	LX_F_IDS,    /* json_t *: an array of distinct positive integers, min..max long */
	LX_F_OBJECT, /* a nested object whose fields (sub) go into the same struct */
	LX_F_JSON    /* json_t *: any JSON value, checked by the handler */
} lx_ftype;

typedef struct lx_schema lx_schema;

typedef struct lx_field {
	const char *name;
	lx_ftype type;
	size_t off;              /* where the value goes */
	bool required;           /* absent or null is 422 required */
	bool tracked;            /* has_off names a bool set when the key is given */
	size_t has_off;
	bool nullable;           /* an explicit null counts as given (PATCH: clear it) */
	double min, max;         /* INT, NUM: range; STR: max length (0: none); IDS: count */
	bool min_open;           /* NUM: min itself is not allowed */
	const char *const *values; /* ENUM: the allowed names, NULL-terminated */
	const char *code;        /* the 422 code for a value out of range/not in values */
	const lx_schema *sub;    /* OBJECT: the nested fields */
	const char *doc;         /* one line for docs/openapi.json */
	bool quiet;              /* not kept on the timeline (lx_schema_dump_values) */
} lx_field;

/* The outcome of a failed check, in the contract's terms. */
typedef struct lx_schema_error {
	int status;              /* 400 or 422 */
	const char *code;        /* snake_case */
	char field[64];          /* "" when no single field is at fault */
	char message[200];
} lx_schema_error;

struct lx_schema {
	const char *name;        /* for docs/openapi.json */
	const lx_field *fields;  /* ends with a field whose name is NULL */
	/* Optional rule across fields, run after every field passed; returns
	 * LX_OK or fills err (lx_schema_fail) and returns its status's code. */
	int (*check)(const void *out, lx_schema_error *err);
	size_t size;             /* the struct it fills (0 for a nested object's fields) */
};

/* Fields of struct type T: the member's name is the key. */
#define LX_FIELD(T, member, ftype, ...) \
	{.name = #member, .type = (ftype), .off = offsetof(T, member), __VA_ARGS__}
/* ... and `has_<member>` is set when the key is given. */
#define LX_FIELD_HAS(T, member, ftype, ...) \
	{.name = #member, .type = (ftype), .off = offsetof(T, member), .tracked = true, \
	 .has_off = offsetof(T, has_##member), __VA_ARGS__}
#define LX_FIELD_END {.name = NULL}

/* Checks obj (a JSON object) against s and fills out (zeroed first; the
 * caller sized it for s). offset_min is the server zone for dates. Returns
 * LX_OK, or LX_BADREQ / LX_INVALID with err filled. */
int lx_schema_parse(const lx_schema *s, json_t *obj, int offset_min, void *out, lx_schema_error *err);

/* Records a failure: status 400 or 422, code, field (may be NULL) and a
 * printf message. Returns the status's LX_ code (lx_code_of_status). */
int lx_schema_fail(lx_schema_error *err, int status, const char *code, const char *field,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The JSON Schema (OpenAPI 3.1) of s: a new object the caller owns. */
json_t *lx_schema_openapi(const lx_schema *s);

/* Writes the given non-text fields of out (every type but STR, OBJECT and
 * JSON; nested objects flattened) as a compact JSON object, times as RFC
 * 3339 at offset_min: what a timeline event records of its input. Returns
 * a malloc'd string, or NULL when no such field was given. */
char *lx_schema_dump_values(const lx_schema *s, const void *out, int offset_min);

#endif
