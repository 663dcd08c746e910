/*
 * form.c - checklist forms of grid visits (see form.h): a definition
 * checked once into an array of questions (the expressions are
 * form_expr.c's, a visit's answers form_check.c's).
 *
 * Expressions are trees of nodes in one array per expression (children
 * before parents, so the root is the last node). Names in expressions are
 * resolved to question indexes at parse time; evaluation reads the answers
 * kept so far from an array indexed the same way.
 */
#include "form_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------- errors ---------------- */

/* Cuts s back to its longest valid UTF-8 prefix (snprintf may have cut a
 * character in two). */
static void lx_form_utf8_fit(char *s)
{
	size_t n = strlen(s);
	while (n > 0 && !lx_utf8_valid(s, n))
		n--;
	s[n] = '\0';
}


/* Fills err (when not NULL) with field and the formatted message. */
void lx_form_fail(lx_form_error *err, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!err)
		return;
	snprintf(err->field, sizeof err->field, "%s", field);
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	lx_form_utf8_fit(err->field);
	lx_form_utf8_fit(err->message);
}

/* "questions[i].key" into buf (at least 96 bytes). Returns buf. */
static char *lx_form_qfield(char *buf, size_t i, const char *key)
{
	if (key)
		snprintf(buf, 96, "questions[%zu].%s", i, key);
	else
		snprintf(buf, 96, "questions[%zu]", i);
	return buf;
}

/* ---------------- small helpers ---------------- */

bool lx_form_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* True when the JSON string v is empty or only ASCII white space. */
bool lx_form_blank(const json_t *v)
{
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	for (size_t i = 0; i < n; i++)
		if (!lx_form_space(s[i]))
			return false;
	return true;
}

/* True when the JSON string v holds no NUL byte. */
bool lx_form_no_nul(const json_t *v)
{
	return strlen(json_string_value(v)) == json_string_length(v);
}

/* obj[key], NULL when absent or JSON null. */
json_t *lx_form_get(const json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	return json_is_null(v) ? NULL : v;
}

/* True when s is [a-z_][a-z0-9_]* of 1..LX_FORM_MAX_NAME bytes. */
static bool lx_form_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > LX_FORM_MAX_NAME)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		bool ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

/* The words of the expressions, which cannot name questions. */
/* the words an expression spells itself, which no question may be named */
const char *const lx_form_words[] = {"and", "or", "true", "false", "null", NULL};

static bool lx_form_reserved(const char *s)
{
	for (const char *const *w = lx_form_words; *w; w++)
		if (strcmp(s, *w) == 0)
			return true;
	return false;
}

/* True when s is a category code: [a-z0-9_.-]+ of at most LX_FORM_MAX_CATEGORY bytes. */
static bool lx_form_code_ok(const char *s, size_t n)
{
	if (n == 0 || n > LX_FORM_MAX_CATEGORY)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
			return false;
	}
	return true;
}

/*
 * Reads the string obj[key] into *out (a malloc'd copy the caller frees;
 * NULL when absent or null and not required). It must be non-blank, without
 * NUL, and at most max bytes. Returns LX_OK or LX_INVALID with err naming
 * field.
 */
static int lx_form_string(const json_t *obj, const char *key, bool required, size_t max, const char *field,
			  char **out, lx_form_error *err)
{
	json_t *v = lx_form_get(obj, key);
	*out = NULL;
	if (!v) {
		if (!required)
			return LX_OK;
		lx_form_fail(err, field, "%s is required (a non-blank string of at most %zu bytes)", key, max);
		return LX_INVALID;
	}
	if (!json_is_string(v) || lx_form_blank(v) || !lx_form_no_nul(v) || json_string_length(v) > max) {
		lx_form_fail(err, field, "%s must be a non-blank string of at most %zu bytes", key, max);
		return LX_INVALID;
	}
	*out = lx_xstrdup(json_string_value(v));
	return LX_OK;
}

/* Index of the question named name among the first n, or -1. */
long lx_form_find(const lx_form *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (f->q[i].name && strcmp(f->q[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* True when v (a string) is one of q's choice values. */
bool lx_form_is_choice(const lx_form_question *q, const json_t *v)
{
	if (!json_is_string(v))
		return false;
	for (size_t i = 0; i < q->nchoices; i++)
		if (strlen(q->choices[i]) == json_string_length(v) && strcmp(q->choices[i], json_string_value(v)) == 0)
			return true;
	return false;
}

/* ---------------- definitions ---------------- */

static void lx_form_question_clear(lx_form_question *q)
{
	free(q->name);
	free(q->label);
	for (size_t i = 0; i < q->nchoices; i++)
		free(q->choices[i]);
	free(q->choices);
	lx_form_expr_free(q->relevant);
	lx_form_expr_free(q->constraint);
	for (size_t i = 0; i < q->nrules; i++) {
		json_decref(q->rules[i].equals);
		lx_form_expr_free(q->rules[i].expr);
		free(q->rules[i].category);
		free(q->rules[i].label);
	}
	free(q->rules);
	memset(q, 0, sizeof *q);
}

void lx_form_free(lx_form *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++)
		lx_form_question_clear(&f->q[i]);
	free(f->q);
	free(f->cats);
	free(f);
}

/* The keys a question may have, and the type that may have each (-1: any). */
static const struct {
	const char *key;
	int type;
} lx_form_keys[] = {
	{"name", -1}, {"type", -1}, {"label", -1}, {"hint", -1}, {"required", -1}, {"relevant", -1},
	{"constraint", -1}, {"hazard_if", -1}, {"choices", LX_FT_CHOICE}, {"min", LX_FT_NUMBER},
	{"max", LX_FT_NUMBER}, {"unit", LX_FT_NUMBER},
};

/* Checks question i's keys against lx_form_keys once its type is known. */
static int lx_form_parse_keys(const json_t *obj, size_t i, lx_form_type type, lx_form_error *err)
{
	const char *key;
	json_t *v;
	char field[96];
	json_object_foreach((json_t *)obj, key, v) {
		size_t k = 0, nk = sizeof lx_form_keys / sizeof lx_form_keys[0];
		while (k < nk && strcmp(lx_form_keys[k].key, key) != 0)
			k++;
		if (k == nk) {
			lx_form_fail(err, lx_form_qfield(field, i, key), "unknown key '%s' (a question has name, type, "
				     "label, hint, required, relevant, constraint, hazard_if, choices, min, max, unit)", key);
			return LX_INVALID;
		}
		if (lx_form_keys[k].type >= 0 && lx_form_keys[k].type != (int)type && !json_is_null(v)) {
			lx_form_fail(err, lx_form_qfield(field, i, key), "%s is only for %s questions", key,
				     lx_form_type_names[lx_form_keys[k].type]);
			return LX_INVALID;
		}
	}
	return LX_OK;
}

/* Question i's name, checked: an identifier, not reserved, not an earlier one's. */
static int lx_form_parse_name(lx_form *f, const json_t *obj, size_t i, lx_form_error *err)
{
	char field[96];
	json_t *v = lx_form_get(obj, "name");
	lx_form_qfield(field, i, "name");
	if (!v) {
		lx_form_fail(err, field, "name is required (an identifier like gas_kind)");
		return LX_INVALID;
	}
	if (!json_is_string(v) || !lx_form_name_ok(json_string_value(v), json_string_length(v))) {
		lx_form_fail(err, field, "name must be an identifier of at most %d bytes: a-z, 0-9 and _, not "
			     "starting with a digit", LX_FORM_MAX_NAME);
		return LX_INVALID;
	}
	const char *name = json_string_value(v);
	if (lx_form_reserved(name)) {
		lx_form_fail(err, field, "name '%s' is reserved (a word of the expressions)", name);
		return LX_INVALID;
	}
	long k = lx_form_find(f, i, name);
	if (k >= 0) {
		lx_form_fail(err, field, "name '%s' is already the name of questions[%ld]", name, k);
		return LX_INVALID;
	}
	f->q[i].name = lx_xstrdup(name);
	return LX_OK;
}

/* A choice question's choices into q. */
static int lx_form_parse_choices(lx_form_question *q, const json_t *obj, size_t i, lx_form_error *err)
{
	char field[96], key[40];
	json_t *cs = lx_form_get(obj, "choices");
	lx_form_qfield(field, i, "choices");
	if (!json_is_array(cs) || json_array_size(cs) == 0) {
		lx_form_fail(err, field, "a choice question needs choices: a non-empty array of values or of "
			     "{\"value\", \"label\"} objects");
		return LX_INVALID;
	}
	if (json_array_size(cs) > LX_FORM_MAX_CHOICES) {
		lx_form_fail(err, field, "at most %d choices", LX_FORM_MAX_CHOICES);
		return LX_INVALID;
	}
	q->choices = lx_xcalloc(json_array_size(cs), sizeof *q->choices);
	for (size_t j = 0; j < json_array_size(cs); j++) {
		json_t *c = json_array_get(cs, j), *value = c;
		snprintf(key, sizeof key, "choices[%zu]", j);
		if (json_is_object(c)) {
			const char *k;
			json_t *kv;
			json_object_foreach(c, k, kv) {
				if (strcmp(k, "value") != 0 && strcmp(k, "label") != 0) {
					snprintf(key, sizeof key, "choices[%zu]", j);
					lx_form_fail(err, lx_form_qfield(field, i, key), "unknown key '%s' in a choice "
						     "(expected value and label)", k);
					return LX_INVALID;
				}
			}
			char *label = NULL;
			snprintf(key, sizeof key, "choices[%zu].label", j);
			int rc = lx_form_string(c, "label", true, LX_FORM_MAX_LABEL, lx_form_qfield(field, i, key), &label,
						err);
			free(label);
			if (rc != LX_OK)
				return rc;
			snprintf(key, sizeof key, "choices[%zu].value", j);
			value = lx_form_get(c, "value");
		}
		lx_form_qfield(field, i, key);
		if (!json_is_string(value) || lx_form_blank(value) || !lx_form_no_nul(value) ||
		    json_string_length(value) > LX_FORM_MAX_VALUE) {
			lx_form_fail(err, field, "a choice's value must be a non-blank string of at most %d bytes",
				     LX_FORM_MAX_VALUE);
			return LX_INVALID;
		}
		if (lx_form_is_choice(q, value)) {
			lx_form_fail(err, field, "the value '%s' is already a choice", json_string_value(value));
			return LX_INVALID;
		}
		q->choices[q->nchoices++] = lx_xstrdup(json_string_value(value));
	}
	return LX_OK;
}

/* A number question's min, max (and unit, only checked). */
static int lx_form_parse_range(lx_form_question *q, const json_t *obj, size_t i, lx_form_error *err)
{
	char field[96];
	static const char *const keys[] = {"min", "max"};
	for (size_t k = 0; k < 2; k++) {
		json_t *v = lx_form_get(obj, keys[k]);
		if (!v)
			continue;
		if (!json_is_number(v)) {
			lx_form_fail(err, lx_form_qfield(field, i, keys[k]), "%s must be a number", keys[k]);
			return LX_INVALID;
		}
		if (k == 0) {
			q->has_min = true;
			q->min = json_number_value(v);
		} else {
			q->has_max = true;
			q->max = json_number_value(v);
		}
	}
	if (q->has_min && q->has_max && q->min > q->max) {
		lx_form_fail(err, lx_form_qfield(field, i, "min"), "min (%g) is greater than max (%g)", q->min, q->max);
		return LX_INVALID;
	}
	char *unit = NULL;
	int rc = lx_form_string(obj, "unit", false, LX_FORM_MAX_UNIT, lx_form_qfield(field, i, "unit"), &unit, err);
	free(unit);
	return rc;
}

/* Checks that an "equals" rule's value v is an answer question q can have. */
static int lx_form_check_equals(const lx_form_question *q, const json_t *v, const char *field, lx_form_error *err)
{
	bool ok;
	if (json_is_null(v)) {
		lx_form_fail(err, field, "equals null never matches: rules are tried on given answers only");
		return LX_INVALID;
	}
	if (json_is_object(v) || json_is_array(v)) {
		lx_form_fail(err, field, "equals must be a JSON literal (true, false, a number or a string)");
		return LX_INVALID;
	}
	switch (q->type) {
	case LX_FT_YES_NO: ok = json_is_boolean(v); break;
	case LX_FT_CHOICE: ok = lx_form_is_choice(q, v); break;
	case LX_FT_NUMBER: ok = json_is_number(v); break;
	case LX_FT_TEXT: ok = json_is_string(v); break;
	default: ok = false; break;
	}
	if (ok)
		return LX_OK;
	switch (q->type) {
	case LX_FT_YES_NO:
		lx_form_fail(err, field, "equals must be true or false for a yes_no question");
		break;
	case LX_FT_CHOICE:
		lx_form_fail(err, field, "equals must be one of the question's choice values");
		break;
	case LX_FT_NUMBER:
		lx_form_fail(err, field, "equals must be a number for a number question");
		break;
	case LX_FT_TEXT:
		lx_form_fail(err, field, "equals must be a string for a text question");
		break;
	default:
		lx_form_fail(err, field, "a %s question cannot have an equals rule (use expr)",
			     lx_form_type_names[q->type]);
		break;
	}
	return LX_INVALID;
}

/* One hazard_if rule of question i into *r; base is its field ("questions[i].hazard_if" or "...[j]"). */
static int lx_form_parse_rule(lx_form *f, const json_t *all, size_t i, const json_t *obj, const char *base,
			      lx_form_rule *r, lx_form_error *err)
{
	char field[96];
	const char *key;
	json_t *v;
	int rc;
	if (!json_is_object(obj)) {
		lx_form_fail(err, base, "a hazard_if rule must be an object {\"equals\" or \"expr\", \"category\", "
			     "\"days\", \"label\"?}");
		return LX_INVALID;
	}
	json_object_foreach((json_t *)obj, key, v) {
		if (strcmp(key, "equals") != 0 && strcmp(key, "expr") != 0 && strcmp(key, "category") != 0 &&
		    strcmp(key, "days") != 0 && strcmp(key, "label") != 0) {
			snprintf(field, sizeof field, "%s.%s", base, key);
			lx_form_fail(err, field, "unknown key '%s' in a hazard_if rule (expected equals or expr, "
				     "category, days, label)", key);
			return LX_INVALID;
		}
	}
	json_t *eq = json_object_get(obj, "equals"), *ex = json_object_get(obj, "expr");
	if (eq && ex) {
		lx_form_fail(err, base, "a hazard_if rule has either equals or expr, not both");
		return LX_INVALID;
	}
	if (!eq && !ex) {
		lx_form_fail(err, base, "a hazard_if rule needs equals (an answer) or expr (an expression on .)");
		return LX_INVALID;
	}
	if (eq) {
		snprintf(field, sizeof field, "%s.equals", base);
		rc = lx_form_check_equals(&f->q[i], eq, field, err);
		if (rc != LX_OK)
			return rc;
		r->equals = json_deep_copy(eq);
		if (!r->equals)
			return LX_ERR;
	} else {
		snprintf(field, sizeof field, "%s.expr", base);
		rc = lx_form_expr_parse(f, all, i, ex, true, field, &r->expr, err);
		if (rc != LX_OK)
			return rc;
	}
	json_t *cat = lx_form_get(obj, "category");
	snprintf(field, sizeof field, "%s.category", base);
	if (!json_is_string(cat) || !lx_form_code_ok(json_string_value(cat), json_string_length(cat))) {
		lx_form_fail(err, field, "category must be a category code of at most %d bytes: a-z, 0-9, '_', "
			     "'.' and '-'", LX_FORM_MAX_CATEGORY);
		return LX_INVALID;
	}
	r->category = lx_xstrdup(json_string_value(cat));
	json_t *days = lx_form_get(obj, "days");
	snprintf(field, sizeof field, "%s.days", base);
	if (!json_is_integer(days) || json_integer_value(days) < 1 || json_integer_value(days) > LX_FORM_MAX_DAYS) {
		lx_form_fail(err, field, "days must be a whole number of working days from 1 to %d", LX_FORM_MAX_DAYS);
		return LX_INVALID;
	}
	r->days = (int)json_integer_value(days);
	snprintf(field, sizeof field, "%s.label", base);
	return lx_form_string(obj, "label", false, LX_FORM_MAX_LABEL, field, &r->label, err);
}

/* Question i's hazard_if: one rule or an array of them. */
static int lx_form_parse_rules(lx_form *f, const json_t *all, size_t i, const json_t *obj, lx_form_error *err)
{
	char base[96];
	lx_form_question *q = &f->q[i];
	json_t *h = lx_form_get(obj, "hazard_if");
	if (!h)
		return LX_OK;
	lx_form_qfield(base, i, "hazard_if");
	if (json_is_object(h)) {
		q->rules = lx_xcalloc(1, sizeof *q->rules);
		q->nrules = 1;
		return lx_form_parse_rule(f, all, i, h, base, &q->rules[0], err);
	}
	if (!json_is_array(h) || json_array_size(h) == 0 || json_array_size(h) > LX_FORM_MAX_RULES) {
		lx_form_fail(err, base, "hazard_if must be a rule object or an array of 1 to %d rule objects",
			     LX_FORM_MAX_RULES);
		return LX_INVALID;
	}
	q->rules = lx_xcalloc(json_array_size(h), sizeof *q->rules);
	for (size_t j = 0; j < json_array_size(h); j++) {
		char field[96];
		snprintf(field, sizeof field, "questions[%zu].hazard_if[%zu]", i, j);
		q->nrules++;
		int rc = lx_form_parse_rule(f, all, i, json_array_get(h, j), field, &q->rules[j], err);
		if (rc != LX_OK)
			return rc;
	}
	return LX_OK;
}

/* Question i of the definition all into f->q[i]. */
static int lx_form_parse_question(lx_form *f, const json_t *all, size_t i, lx_form_error *err)
{
	char field[96];
	int rc;
	lx_form_question *q = &f->q[i];
	const json_t *obj = json_array_get(all, i);
	if (!json_is_object(obj)) {
		lx_form_fail(err, lx_form_qfield(field, i, NULL), "a question must be an object {\"name\", \"type\", "
			     "\"label\", ...}");
		return LX_INVALID;
	}
	rc = lx_form_parse_name(f, obj, i, err);
	if (rc != LX_OK)
		return rc;

	json_t *type = lx_form_get(obj, "type");
	int t = 0;
	while (t < LX_FT__N && !(json_is_string(type) && strcmp(json_string_value(type), lx_form_type_names[t]) == 0))
		t++;
	if (t == LX_FT__N) {
		lx_form_fail(err, lx_form_qfield(field, i, "type"), "type must be one of yes_no, choice, number, text, "
			     "photo, geopoint");
		return LX_INVALID;
	}
	q->type = (lx_form_type)t;
	rc = lx_form_parse_keys(obj, i, q->type, err);
	if (rc != LX_OK)
		return rc;
	rc = lx_form_string(obj, "label", true, LX_FORM_MAX_LABEL, lx_form_qfield(field, i, "label"), &q->label, err);
	if (rc != LX_OK)
		return rc;
	char *hint = NULL;
	rc = lx_form_string(obj, "hint", false, LX_FORM_MAX_HINT, lx_form_qfield(field, i, "hint"), &hint, err);
	free(hint);
	if (rc != LX_OK)
		return rc;
	json_t *req = lx_form_get(obj, "required");
	if (req && !json_is_boolean(req)) {
		lx_form_fail(err, lx_form_qfield(field, i, "required"), "required must be true or false");
		return LX_INVALID;
	}
	q->required = json_is_true(req);
	if (q->type == LX_FT_CHOICE)
		rc = lx_form_parse_choices(q, obj, i, err);
	else if (q->type == LX_FT_NUMBER)
		rc = lx_form_parse_range(q, obj, i, err);
	if (rc != LX_OK)
		return rc;

	json_t *v = lx_form_get(obj, "relevant");
	if (v) {
		rc = lx_form_expr_parse(f, all, i, v, false, lx_form_qfield(field, i, "relevant"), &q->relevant, err);
		if (rc != LX_OK)
			return rc;
	}
	v = lx_form_get(obj, "constraint");
	if (v) {
		rc = lx_form_expr_parse(f, all, i, v, true, lx_form_qfield(field, i, "constraint"), &q->constraint,
					err);
		if (rc != LX_OK)
			return rc;
	}
	return lx_form_parse_rules(f, all, i, obj, err);
}

/* The distinct categories of f's rules into f->cats. */
static void lx_form_collect_categories(lx_form *f)
{
	size_t total = 0;
	for (size_t i = 0; i < f->n; i++)
		total += f->q[i].nrules;
	if (total == 0)
		return;
	f->cats = lx_xcalloc(total, sizeof *f->cats);
	for (size_t i = 0; i < f->n; i++) {
		for (size_t j = 0; j < f->q[i].nrules; j++) {
			const char *c = f->q[i].rules[j].category;
			size_t k = 0;
			while (k < f->ncats && strcmp(f->cats[k], c) != 0)
				k++;
			if (k == f->ncats)
				f->cats[f->ncats++] = c;
		}
	}
}

int lx_form_parse(const json_t *questions, lx_form **out, lx_form_error *err)
{
	int rc = LX_OK;
	lx_form *f = NULL;
	assert(out);
	if (err)
		err->field[0] = err->message[0] = '\0';
	if (!json_is_array(questions) || json_array_size(questions) == 0) {
		lx_form_fail(err, "questions", "questions must be a non-empty array of question objects");
		rc = LX_INVALID;
		goto cleanup;
	}
	if (json_array_size(questions) > LX_FORM_MAX_QUESTIONS) {
		lx_form_fail(err, "questions", "a form has at most %d questions", LX_FORM_MAX_QUESTIONS);
		rc = LX_INVALID;
		goto cleanup;
	}
	f = lx_xcalloc(1, sizeof *f);
	f->n = json_array_size(questions);
	f->q = lx_xcalloc(f->n, sizeof *f->q);
	for (size_t i = 0; i < f->n; i++) {
		rc = lx_form_parse_question(f, questions, i, err);
		if (rc != LX_OK)
			goto cleanup;
	}
	lx_form_collect_categories(f);
	*out = f;
	f = NULL;
cleanup:
	lx_form_free(f);
	return rc;
}

size_t lx_form_count(const lx_form *f)
{
	assert(f);
	return f->n;
}

const char *lx_form_question_name(const lx_form *f, size_t i)
{
	assert(f && i < f->n);
	return f->q[i].name;
}

const char *lx_form_question_label(const lx_form *f, size_t i)
{
	assert(f && i < f->n);
	return f->q[i].label;
}

const char *lx_form_question_type(const lx_form *f, size_t i)
{
	assert(f && i < f->n);
	return lx_form_type_names[f->q[i].type];
}

size_t lx_form_hazard_categories(const lx_form *f, const char *const **codes)
{
	assert(f && codes);
	*codes = f->cats;
	return f->ncats;
}

