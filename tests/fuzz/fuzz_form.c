/*
 * fuzz_form.c - the checklist forms of grid visits (core/form.c): a
 * definition checked with its relevant, constraint and hazard_if
 * expressions (lx_form_parse), then answers checked against it and against
 * the two ready forms (lx_form_check).
 *
 * Input: a JSON definition followed by a JSON object of answers, two JSON
 * texts one after the other (the answers may be missing or broken: then
 * none). When the input does not start with a JSON array or object, the
 * whole input is read as answers for the ready forms.
 *
 * Properties: parsing and checking return LX_OK or LX_INVALID, never
 * LX_ERR; a refusal names a field ("questions", "questions[i]..." with i in
 * the definition, "answers", "answers.<key>") and has a message, both
 * UTF-8, and leaves nothing behind; an accepted form has 1..200 questions
 * with unique identifier names and known types, and distinct category
 * codes; accepted answers keep an object whose keys are questions in form
 * order with the answers as given (never null), whose hazards point at kept
 * answers with days in 1..365, and whose photos are the photo answers; and
 * checking the kept answers again accepts them and keeps the same with the
 * same hazards (the kept record is a fixed point).
 */
#include "fuzz.h"
#include "form.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static lx_form *fuzz_ready[2];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	json_t *(*const make[2])(void) = {lx_form_builtin_gas, lx_form_builtin_knock};
	for (size_t i = 0; i < 2; i++) {
		lx_form_error err;
		json_t *def = make[i]();
		FUZZ_CHECK(def != NULL, "ready form %zu is not JSON", i);
		int rc = lx_form_parse(def, &fuzz_ready[i], &err);
		FUZZ_CHECK(rc == LX_OK, "ready form %zu refused: %s: %s", i, err.field, err.message);
		json_decref(def);
	}
	return 0;
}

static bool fuzz_ident(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > LX_FORM_MAX_NAME || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static bool fuzz_code(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > LX_FORM_MAX_CATEGORY)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || strchr("_.-", s[i])))
			return false;
	return true;
}

/* Index of question name in f, or the count when there is none. */
static size_t fuzz_index(const lx_form *f, const char *name)
{
	size_t i = 0;
	while (i < lx_form_count(f) && strcmp(lx_form_question_name(f, i), name) != 0)
		i++;
	return i;
}

static void fuzz_error_ok(const lx_form_error *err)
{
	FUZZ_CHECK(err->field[0] && err->message[0], "an error without field or message: '%s' '%s'", err->field,
		   err->message);
	FUZZ_CHECK(lx_utf8_valid(err->field, strlen(err->field)), "a field that is not UTF-8");
	FUZZ_CHECK(lx_utf8_valid(err->message, strlen(err->message)), "a message that is not UTF-8");
}

static void fuzz_form_ok(const lx_form *f)
{
	size_t n = lx_form_count(f);
	FUZZ_CHECK(n >= 1 && n <= LX_FORM_MAX_QUESTIONS, "%zu questions", n);
	for (size_t i = 0; i < n; i++) {
		const char *name = lx_form_question_name(f, i), *type = lx_form_question_type(f, i);
		FUZZ_CHECK(fuzz_ident(name), "question %zu is named '%s'", i, name);
		FUZZ_CHECK(fuzz_index(f, name) == i, "question %zu's name '%s' is not unique", i, name);
		static const char *const types[] = {"yes_no", "choice", "number", "text", "photo", "geopoint"};
		size_t t = 0;
		while (t < 6 && strcmp(types[t], type) != 0)
			t++;
		FUZZ_CHECK(t < 6, "question %zu has type '%s'", i, type);
		const char *label = lx_form_question_label(f, i);
		FUZZ_CHECK(label[0] && strlen(label) <= LX_FORM_MAX_LABEL, "question %zu's label", i);
	}
	const char *const *codes = NULL;
	size_t nc = lx_form_hazard_categories(f, &codes);
	FUZZ_CHECK((nc == 0) == (codes == NULL), "%zu categories at %p", nc, (const void *)codes);
	for (size_t i = 0; i < nc; i++) {
		FUZZ_CHECK(fuzz_code(codes[i]), "category '%s'", codes[i]);
		for (size_t k = 0; k < i; k++)
			FUZZ_CHECK(strcmp(codes[i], codes[k]) != 0, "category '%s' twice", codes[i]);
	}
}

static void fuzz_result_ok(const lx_form *f, const json_t *answers, const lx_form_result *res)
{
	FUZZ_CHECK(json_is_object(res->kept), "kept is no object");
	const char *key;
	json_t *v;
	size_t next = 0;
	json_object_foreach(res->kept, key, v) {
		size_t i = fuzz_index(f, key);
		FUZZ_CHECK(i < lx_form_count(f), "kept '%s' is no question", key);
		FUZZ_CHECK(i >= next, "kept '%s' out of order", key);
		next = i + 1;
		FUZZ_CHECK(!json_is_null(v), "kept '%s' is null", key);
		FUZZ_CHECK(json_equal(v, json_object_get(answers, key)), "kept '%s' is not the answer given", key);
	}
	for (size_t h = 0; h < res->nhazards; h++) {
		const lx_form_hazard *z = &res->hazards[h];
		size_t i = fuzz_index(f, z->question);
		FUZZ_CHECK(i < lx_form_count(f), "hazard %zu of no question", h);
		FUZZ_CHECK(z->answer && z->answer == json_object_get(res->kept, z->question),
			   "hazard %zu of '%s' is not its kept answer", h, z->question);
		FUZZ_CHECK(strcmp(z->question_label, lx_form_question_label(f, i)) == 0, "hazard %zu's label", h);
		FUZZ_CHECK(z->days >= 1 && z->days <= LX_FORM_MAX_DAYS, "hazard %zu: %d days", h, z->days);
		FUZZ_CHECK(fuzz_code(z->category), "hazard %zu: category '%s'", h, z->category);
		FUZZ_CHECK(!z->label || z->label[0], "hazard %zu: an empty label", h);
	}
	size_t nphotos = 0;
	for (size_t i = 0; i < lx_form_count(f); i++) {
		json_t *a = json_object_get(res->kept, lx_form_question_name(f, i));
		if (!a || strcmp(lx_form_question_type(f, i), "photo") != 0)
			continue;
		FUZZ_CHECK(nphotos < res->nphotos, "photo '%s' not listed", lx_form_question_name(f, i));
		const lx_form_photo *p = &res->photos[nphotos++];
		FUZZ_CHECK(strcmp(p->question, lx_form_question_name(f, i)) == 0 && p->attachment_id > 0 &&
			   p->attachment_id == json_integer_value(a), "photo %zu", nphotos - 1);
	}
	FUZZ_CHECK(nphotos == res->nphotos, "%zu photos listed, %zu kept", res->nphotos, nphotos);
}

static void fuzz_check(const lx_form *f, const json_t *answers)
{
	lx_form_result res, again;
	lx_form_error err;
	int rc = lx_form_check(f, answers, &res, &err);
	FUZZ_CHECK(rc == LX_OK || rc == LX_INVALID, "lx_form_check returned %d", rc);
	if (rc != LX_OK) {
		fuzz_error_ok(&err);
		FUZZ_CHECK(strcmp(err.field, "answers") == 0 || strncmp(err.field, "answers.", 8) == 0,
			   "check error field '%s'", err.field);
		FUZZ_CHECK(!res.kept && !res.hazards && !res.photos && !res.nhazards && !res.nphotos,
			   "a refused check left a result");
		return;
	}
	FUZZ_CHECK(err.field[0] == '\0', "an accepted check with error field '%s'", err.field);
	fuzz_result_ok(f, answers, &res);
	rc = lx_form_check(f, res.kept, &again, &err);
	FUZZ_CHECK(rc == LX_OK, "the kept answers are refused: %s: %s", err.field, err.message);
	FUZZ_CHECK(json_equal(again.kept, res.kept), "the kept answers keep other answers");
	FUZZ_CHECK(again.nhazards == res.nhazards && again.nphotos == res.nphotos,
		   "the kept answers find %zu hazards, not %zu", again.nhazards, res.nhazards);
	for (size_t h = 0; h < res.nhazards; h++)
		FUZZ_CHECK(strcmp(again.hazards[h].question, res.hazards[h].question) == 0 &&
			   strcmp(again.hazards[h].category, res.hazards[h].category) == 0 &&
			   again.hazards[h].days == res.hazards[h].days, "hazard %zu differs on the kept answers", h);
	lx_form_result_clear(&again);
	lx_form_result_clear(&res);
	FUZZ_CHECK(!res.kept && !res.nhazards, "a cleared result");
}

static void fuzz_parse(const json_t *def, const json_t *answers)
{
	lx_form *f = NULL;
	lx_form_error err;
	int rc = lx_form_parse(def, &f, &err);
	FUZZ_CHECK(rc == LX_OK || rc == LX_INVALID, "lx_form_parse returned %d", rc);
	if (rc != LX_OK) {
		FUZZ_CHECK(f == NULL, "a refused definition set *out");
		fuzz_error_ok(&err);
		size_t i = 0;
		if (strcmp(err.field, "questions") != 0) {
			FUZZ_CHECK(sscanf(err.field, "questions[%zu]", &i) == 1, "parse error field '%s'", err.field);
			FUZZ_CHECK(i < json_array_size(def), "error field '%s' of a definition of %zu", err.field,
				   json_array_size(def));
		}
		return;
	}
	FUZZ_CHECK(err.field[0] == '\0', "an accepted definition with error field '%s'", err.field);
	fuzz_form_ok(f);
	fuzz_check(f, answers);
	lx_form_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_error_t e;
	json_t *answers = NULL;
	json_t *def = json_loadb((const char *)data, size, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &e);
	if (def) {
		size_t used = (size_t)e.position;
		FUZZ_CHECK(used <= size, "read %zu of %zu bytes", used, size);
		answers = json_loadb((const char *)data + used, size - used, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
		fuzz_parse(def, answers);
	} else {
		answers = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	}
	for (size_t i = 0; i < 2; i++)
		fuzz_check(fuzz_ready[i], answers);
	json_decref(answers);
	json_decref(def);
	return 0;
}
