/*
 * test_form.c - unit tests for the checklist forms of grid visits (form.h).
 *
 * JSON in the tests is written with ' for " so it stays readable: j()
 * turns ' into ", ^ into \" (a quote inside a JSON string, as in an
 * expression's "bottled") and ` into a literal '.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "form.h"
#include "lx.h"

/* The JSON value of s written with the quoting above; aborts the test if
 * it does not parse. Caller decrefs. */
static json_t *j(const char *s)
{
	lx_buf b;
	lx_buf_init(&b);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			lx_buf_putc(&b, '"');
		else if (*p == '^')
			lx_buf_puts(&b, "\\\"");
		else if (*p == '`')
			lx_buf_putc(&b, '\'');
		else
			lx_buf_putc(&b, *p);
	}
	json_error_t e;
	json_t *v = json_loads(b.data ? b.data : "", JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!v)
		fail_msg("test JSON does not parse (%s): %s", e.text, b.data);
	lx_buf_free(&b);
	return v;
}

/* Parses a definition that must be valid. */
static lx_form *form_ok(const char *def)
{
	json_t *q = j(def);
	lx_form *f = NULL;
	lx_form_error err = {{0}, {0}};
	int rc = lx_form_parse(q, &f, &err);
	json_decref(q);
	if (rc != LX_OK)
		fail_msg("definition refused (%d): %s: %s", rc, err.field, err.message);
	assert_non_null(f);
	assert_string_equal(err.field, "");
	return f;
}

/* Parses a definition that must be refused with exactly field and message. */
static void form_fails(const char *def, const char *field, const char *message)
{
	json_t *q = j(def);
	lx_form *sentinel = (lx_form *)(uintptr_t)0x1234;
	lx_form *f = sentinel;
	lx_form_error err = {{0}, {0}};
	int rc = lx_form_parse(q, &f, &err);
	json_decref(q);
	if (rc != LX_INVALID)
		fail_msg("definition accepted (%d), expected %s: %s", rc, field, message);
	assert_ptr_equal(f, sentinel); /* *out untouched */
	assert_string_equal(err.field, field);
	assert_string_equal(err.message, message);
}

/* Checks answers that must pass; fills res (caller clears it). */
static void check_ok(const lx_form *f, const char *answers, lx_form_result *res)
{
	json_t *a = answers ? j(answers) : NULL;
	lx_form_error err = {{0}, {0}};
	int rc = lx_form_check(f, a, res, &err);
	json_decref(a);
	if (rc != LX_OK)
		fail_msg("answers refused (%d): %s: %s", rc, err.field, err.message);
	assert_non_null(res->kept);
}

/* Checks answers that must be refused with exactly field and message. */
static void check_fails(const lx_form *f, const char *answers, const char *field, const char *message)
{
	json_t *a = j(answers);
	lx_form_result res;
	lx_form_error err = {{0}, {0}};
	int rc = lx_form_check(f, a, &res, &err);
	json_decref(a);
	if (rc != LX_INVALID)
		fail_msg("answers accepted (%d), expected %s: %s", rc, field, message);
	assert_null(res.kept);
	assert_null(res.hazards);
	assert_int_equal(res.nhazards, 0);
	assert_int_equal(res.nphotos, 0);
	assert_string_equal(err.field, field);
	assert_string_equal(err.message, message);
	lx_form_result_clear(&res);
}

/* The kept answers, dumped compactly in their order, must be want. */
static void assert_kept(const lx_form_result *res, const char *want)
{
	json_t *w = j(want);
	char *got = json_dumps(res->kept, JSON_COMPACT | JSON_ENCODE_ANY);
	char *exp = json_dumps(w, JSON_COMPACT | JSON_ENCODE_ANY);
	assert_string_equal(got, exp);
	free(got);
	free(exp);
	json_decref(w);
}

/* check_ok, then the kept answers must be want and there must be nhaz hazards. */
static void kept_is(const lx_form *f, const char *answers, const char *want, size_t nhaz)
{
	lx_form_result res;
	check_ok(f, answers, &res);
	assert_kept(&res, want);
	assert_int_equal(res.nhazards, nhaz);
	lx_form_result_clear(&res);
}

static const char GAS_MINI[] =
	"[{'name':'gas_kind','type':'choice','label':'燃气类型','required':true,"
	"'choices':[{'value':'pipeline','label':'管道燃气'},{'value':'bottled','label':'瓶装液化气'},'none']},"
	"{'name':'hose_ok','type':'yes_no','label':'软管完好','required':true,'relevant':'gas_kind == ^bottled^'},"
	"{'name':'notes','type':'text','label':'备注'}]";

/* ---------------- relevance ---------------- */

static void test_relevant_shown_when_bottled(void **state)
{
	(void)state;
	lx_form *f = form_ok(GAS_MINI);
	kept_is(f, "{'gas_kind':'bottled','hose_ok':true}", "{'gas_kind':'bottled','hose_ok':true}", 0);
	kept_is(f, "{'gas_kind':'bottled','hose_ok':false,'notes':'旧'}",
		"{'gas_kind':'bottled','hose_ok':false,'notes':'旧'}", 0);
	/* irrelevant: the answer is dropped, and is not even type-checked */
	kept_is(f, "{'gas_kind':'pipeline','hose_ok':true}", "{'gas_kind':'pipeline'}", 0);
	kept_is(f, "{'gas_kind':'none','hose_ok':'whatever'}", "{'gas_kind':'none'}", 0);
	lx_form_free(f);
}

static void test_relevant_cascades(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'a','type':'yes_no','label':'A'},"
			     "{'name':'b','type':'yes_no','label':'B','relevant':'a == true'},"
			     "{'name':'c','type':'yes_no','label':'C','relevant':'b == true'},"
			     "{'name':'d','type':'yes_no','label':'D','relevant':'b != true'}]");
	kept_is(f, "{'a':true,'b':true,'c':true,'d':true}", "{'a':true,'b':true,'c':true}", 0);
	/* b dropped, so c (b == true) is irrelevant too, and d sees b as null */
	kept_is(f, "{'a':false,'b':true,'c':true,'d':false}", "{'a':false,'d':false}", 0);
	/* unanswered reads as null the same way */
	kept_is(f, "{'c':true,'d':true}", "{'d':true}", 0);
	lx_form_free(f);
}

static void test_relevant_null_and_numbers(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'n','type':'number','label':'N'},"
			     "{'name':'unanswered','type':'yes_no','label':'U','relevant':'n == null'},"
			     "{'name':'ne','type':'yes_no','label':'NE','relevant':'n != 3'},"
			     "{'name':'lt','type':'yes_no','label':'LT','relevant':'n < 5'},"
			     "{'name':'one','type':'yes_no','label':'ONE','relevant':'n == 1'}]");
	const char *all = "{'n':1.0,'unanswered':true,'ne':true,'lt':true,'one':true}";
	/* 1.0 == 1 (numbers by value) */
	kept_is(f, all, "{'n':1.0,'ne':true,'lt':true,'one':true}", 0);
	/* without n: n == null holds, n != 3 holds, n < 5 does not (null is no number) */
	kept_is(f, "{'unanswered':true,'ne':true,'lt':true,'one':true}", "{'unanswered':true,'ne':true}", 0);
	kept_is(f, "{'n':3,'ne':true,'lt':true,'one':true}", "{'n':3,'lt':true}", 0);
	kept_is(f, "{'n':5,'ne':true,'lt':true,'one':true}", "{'n':5,'ne':true}", 0);
	lx_form_free(f);
}

static void test_relevant_precedence(void **state)
{
	(void)state;
	/* and binds tighter than or: x or (y and z) */
	lx_form *f = form_ok("[{'name':'x','type':'number','label':'X'},{'name':'y','type':'number','label':'Y'},"
			     "{'name':'z','type':'number','label':'Z'},"
			     "{'name':'p','type':'yes_no','label':'P','relevant':'x == 1 or y == 2 and z == 3'},"
			     "{'name':'q','type':'yes_no','label':'Q','relevant':'(x == 1 or y == 2) and z == 3'},"
			     "{'name':'r','type':'yes_no','label':'R','relevant':'x==1and(y>=2)'}]");
	kept_is(f, "{'x':1,'y':0,'z':0,'p':true,'q':true,'r':true}", "{'x':1,'y':0,'z':0,'p':true}", 0);
	kept_is(f, "{'x':0,'y':2,'z':3,'p':true,'q':true,'r':true}", "{'x':0,'y':2,'z':3,'p':true,'q':true}", 0);
	kept_is(f, "{'x':1,'y':2.5,'z':3,'p':true,'q':true,'r':true}",
		"{'x':1,'y':2.5,'z':3,'p':true,'q':true,'r':true}", 0);
	kept_is(f, "{'x':0,'y':0,'z':3,'p':true,'q':true,'r':true}", "{'x':0,'y':0,'z':3}", 0);
	lx_form_free(f);
}

static void test_relevant_two_answers(void **state)
{
	(void)state;
	/* two answers compared with each other: numbers by value, points as arrays */
	lx_form *f = form_ok("[{'name':'a','type':'number','label':'A'},{'name':'b','type':'number','label':'B'},"
			     "{'name':'p','type':'geopoint','label':'P'},{'name':'q','type':'geopoint','label':'Q'},"
			     "{'name':'same','type':'yes_no','label':'S','relevant':'a == b'},"
			     "{'name':'here','type':'yes_no','label':'H','relevant':'p == q and p != null'},"
			     "{'name':'more','type':'yes_no','label':'M','relevant':'a > b'}]");
	kept_is(f, "{'a':2,'b':2.0,'same':true,'more':true}", "{'a':2,'b':2.0,'same':true}", 0);
	kept_is(f, "{'a':3,'b':2.5,'same':true,'more':true}", "{'a':3,'b':2.5,'more':true}", 0);
	kept_is(f, "{'p':[1,2],'q':[1,2],'here':true}", "{'p':[1,2],'q':[1,2],'here':true}", 0);
	kept_is(f, "{'p':[1,2],'q':[1,3],'here':true}", "{'p':[1,2],'q':[1,3]}", 0);
	lx_form_free(f);
}

static void test_relevant_strings(void **state)
{
	(void)state;
	/* a JSON escape in the literal: \u72ec is 独 */
	lx_form *f = form_ok("[{'name':'t','type':'text','label':'T'},"
			     "{'name':'s','type':'yes_no','label':'S','relevant':'t == ^\\\\u72ec居^ or t == ^x^'}]");
	kept_is(f, "{'t':'独居','s':true}", "{'t':'独居','s':true}", 0);
	kept_is(f, "{'t':'x','s':true}", "{'t':'x','s':true}", 0);
	kept_is(f, "{'t':'独','s':true}", "{'t':'独'}", 0);
	kept_is(f, "{'t':'独居 ','s':true}", "{'t':'独居 '}", 0);
	lx_form_free(f);
}

/* ---------------- required, empty answers ---------------- */

static void test_required(void **state)
{
	(void)state;
	lx_form *f = form_ok(GAS_MINI);
	/* required and relevant, missing */
	check_fails(f, "{'gas_kind':'bottled'}", "answers.hose_ok", "answer 'hose_ok' is required");
	check_fails(f, "{'gas_kind':'bottled','hose_ok':null}", "answers.hose_ok", "answer 'hose_ok' is required");
	check_fails(f, "{}", "answers.gas_kind", "answer 'gas_kind' is required");
	/* required but irrelevant */
	kept_is(f, "{'gas_kind':'pipeline'}", "{'gas_kind':'pipeline'}", 0);
	/* optional text: blank and null are no answer, not kept */
	kept_is(f, "{'gas_kind':'none','notes':' \\t '}", "{'gas_kind':'none'}", 0);
	kept_is(f, "{'gas_kind':'none','notes':null}", "{'gas_kind':'none'}", 0);
	kept_is(f, "{'gas_kind':'none','notes':' x '}", "{'gas_kind':'none','notes':' x '}", 0);
	lx_form_free(f);

	f = form_ok("[{'name':'t','type':'text','label':'T','required':true}]");
	check_fails(f, "{'t':'   '}", "answers.t", "answer 't' is required");
	check_fails(f, "{'t':''}", "answers.t", "answer 't' is required");
	kept_is(f, "{'t':'有'}", "{'t':'有'}", 0);
	lx_form_free(f);
}

static void test_null_answers(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'a','type':'yes_no','label':'A'}]");
	lx_form_result res;
	check_ok(f, NULL, &res);
	assert_int_equal(json_object_size(res.kept), 0);
	lx_form_result_clear(&res);
	lx_form_result_clear(&res); /* twice is harmless */
	lx_form_result_clear(NULL);
	check_fails(f, "[]", "answers", "answers must be an object (question name -> answer)");
	check_fails(f, "true", "answers", "answers must be an object (question name -> answer)");
	lx_form_free(f);

	f = form_ok("[{'name':'a','type':'yes_no','label':'A','required':true}]");
	json_t *none = NULL;
	lx_form_error err;
	assert_int_equal(lx_form_check(f, none, &res, &err), LX_INVALID);
	assert_string_equal(err.field, "answers.a");
	lx_form_free(f);
}

/* ---------------- constraints ---------------- */

static void test_constraint(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'total','type':'number','label':'总数'},"
			     "{'name':'score','type':'number','label':'评分','constraint':'. >= 0 and . <= 10'},"
			     "{'name':'part','type':'number','label':'部分','constraint':'. <= total'}]");
	kept_is(f, "{'score':0}", "{'score':0}", 0);
	kept_is(f, "{'score':10}", "{'score':10}", 0);
	kept_is(f, "{'score':7.5}", "{'score':7.5}", 0);
	check_fails(f, "{'score':11}", "answers.score", "answer 'score' does not meet its constraint: . >= 0 and . <= 10");
	check_fails(f, "{'score':-0.5}", "answers.score",
		    "answer 'score' does not meet its constraint: . >= 0 and . <= 10");
	/* only checked on an answer */
	kept_is(f, "{}", "{}", 0);
	kept_is(f, "{'score':null}", "{}", 0);
	/* an earlier answer: part <= total; without total, null: not a number, fails */
	kept_is(f, "{'total':3,'part':3}", "{'total':3,'part':3}", 0);
	check_fails(f, "{'total':3,'part':4}", "answers.part", "answer 'part' does not meet its constraint: . <= total");
	check_fails(f, "{'part':1}", "answers.part", "answer 'part' does not meet its constraint: . <= total");
	lx_form_free(f);

	/* a constraint on a choice (!= a value), on text (. != "") */
	f = form_ok("[{'name':'k','type':'choice','label':'K','choices':['a','b'],'constraint':'. != ^b^'},"
		    "{'name':'t','type':'text','label':'T','constraint':'. != ^无^'}]");
	kept_is(f, "{'k':'a','t':'有'}", "{'k':'a','t':'有'}", 0);
	check_fails(f, "{'k':'b'}", "answers.k", "answer 'k' does not meet its constraint: . != \"b\"");
	check_fails(f, "{'t':'无'}", "answers.t", "answer 't' does not meet its constraint: . != \"无\"");
	lx_form_free(f);
}

/* ---------------- types ---------------- */

static void test_type_mismatch(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'ok','type':'yes_no','label':'OK'},"
			     "{'name':'kind','type':'choice','label':'K','choices':['pipeline','bottled']},"
			     "{'name':'gas_meter','type':'number','label':'M','min':0,'max':100},"
			     "{'name':'lo','type':'number','label':'L','min':1.5},"
			     "{'name':'hi','type':'number','label':'H','max':9},"
			     "{'name':'any','type':'number','label':'A'},"
			     "{'name':'notes','type':'text','label':'N'},"
			     "{'name':'pic','type':'photo','label':'P'},"
			     "{'name':'loc','type':'geopoint','label':'G'}]");
	check_fails(f, "{'ok':'yes'}", "answers.ok", "answer 'ok' must be true or false");
	check_fails(f, "{'ok':1}", "answers.ok", "answer 'ok' must be true or false");
	check_fails(f, "{'kind':'Pipeline'}", "answers.kind", "answer 'kind' must be one of pipeline, bottled");
	check_fails(f, "{'kind':1}", "answers.kind", "answer 'kind' must be one of pipeline, bottled");
	check_fails(f, "{'kind':''}", "answers.kind", "answer 'kind' must be one of pipeline, bottled");
	check_fails(f, "{'gas_meter':'5'}", "answers.gas_meter", "answer 'gas_meter' must be a number between 0 and 100");
	check_fails(f, "{'gas_meter':100.5}", "answers.gas_meter",
		    "answer 'gas_meter' must be a number between 0 and 100");
	check_fails(f, "{'gas_meter':-1}", "answers.gas_meter", "answer 'gas_meter' must be a number between 0 and 100");
	check_fails(f, "{'lo':1}", "answers.lo", "answer 'lo' must be a number of at least 1.5");
	check_fails(f, "{'hi':10}", "answers.hi", "answer 'hi' must be a number of at most 9");
	check_fails(f, "{'any':true}", "answers.any", "answer 'any' must be a number");
	check_fails(f, "{'notes':5}", "answers.notes",
		    "answer 'notes' must be a string of at most 2000 bytes without NUL characters");
	check_fails(f, "{'notes':'a\\u0000b'}", "answers.notes",
		    "answer 'notes' must be a string of at most 2000 bytes without NUL characters");
	check_fails(f, "{'pic':0}", "answers.pic", "answer 'pic' must be an attachment id (a positive integer)");
	check_fails(f, "{'pic':-3}", "answers.pic", "answer 'pic' must be an attachment id (a positive integer)");
	check_fails(f, "{'pic':1.5}", "answers.pic", "answer 'pic' must be an attachment id (a positive integer)");
	check_fails(f, "{'pic':'7'}", "answers.pic", "answer 'pic' must be an attachment id (a positive integer)");
	static const char *const bad_points[] = {
		"{'loc':[91,0]}", "{'loc':[0,181]}", "{'loc':[-90.5,0]}", "{'loc':[0]}", "{'loc':[1,2,3]}",
		"{'loc':'37.8,113.5'}", "{'loc':['37.8',113.5]}", "{'loc':{'lat':1,'lon':2}}",
	};
	for (size_t i = 0; i < sizeof bad_points / sizeof bad_points[0]; i++)
		check_fails(f, bad_points[i], "answers.loc",
			    "answer 'loc' must be [lat, lon]: two numbers, lat in [-90, 90] and lon in [-180, 180]");
	/* the boundaries pass, and each type's good answer is kept as given */
	kept_is(f, "{'gas_meter':100,'lo':1.5,'hi':9,'any':-1e6,'loc':[-90,180]}",
		"{'gas_meter':100,'lo':1.5,'hi':9,'any':-1e6,'loc':[-90,180]}", 0);
	kept_is(f, "{'ok':false,'kind':'bottled','gas_meter':0.5,'notes':'正常','pic':12,'loc':[37.8473,113.5795]}",
		"{'ok':false,'kind':'bottled','gas_meter':0.5,'notes':'正常','pic':12,'loc':[37.8473,113.5795]}", 0);
	lx_form_free(f);
}

static void test_text_limit(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'notes','type':'text','label':'N'}]");
	char *s = lx_xmalloc(LX_FORM_MAX_TEXT + 2);
	memset(s, 'x', LX_FORM_MAX_TEXT + 1);
	s[LX_FORM_MAX_TEXT + 1] = '\0';
	json_t *a = json_pack("{s:s}", "notes", s);
	lx_form_result res;
	lx_form_error err;
	assert_int_equal(lx_form_check(f, a, &res, &err), LX_INVALID);
	assert_string_equal(err.field, "answers.notes");
	s[LX_FORM_MAX_TEXT] = '\0';
	json_object_set_new(a, "notes", json_string(s));
	assert_int_equal(lx_form_check(f, a, &res, &err), LX_OK);
	assert_int_equal(json_string_length(json_object_get(res.kept, "notes")), LX_FORM_MAX_TEXT);
	lx_form_result_clear(&res);
	json_decref(a);
	free(s);
	lx_form_free(f);
}

static void test_unknown_answer_key(void **state)
{
	(void)state;
	lx_form *f = form_ok(GAS_MINI);
	check_fails(f, "{'gas_kind':'none','hose':true}", "answers.hose", "no question 'hose' in this form");
	check_fails(f, "{'燃气':1}", "answers.燃气", "no question '燃气' in this form");
	lx_form_free(f);
}

/* The kept record is a copy, in question order, and checking it again
 * gives itself. */
static void test_kept_is_a_copy(void **state)
{
	(void)state;
	lx_form *f = form_ok("[{'name':'a','type':'yes_no','label':'A'},{'name':'loc','type':'geopoint','label':'G'},"
			     "{'name':'b','type':'number','label':'B'}]");
	json_t *a = j("{'b':2,'loc':[1,2],'a':true}");
	lx_form_result res, again;
	lx_form_error err;
	assert_int_equal(lx_form_check(f, a, &res, &err), LX_OK);
	json_array_set_new(json_object_get(a, "loc"), 0, json_integer(50));
	json_decref(a);
	assert_kept(&res, "{'a':true,'loc':[1,2],'b':2}");
	assert_int_equal(lx_form_check(f, res.kept, &again, &err), LX_OK);
	assert_true(json_equal(res.kept, again.kept));
	lx_form_result_clear(&again);
	lx_form_result_clear(&res);
	assert_null(res.kept);
	lx_form_free(f);
}

/* ---------------- hazards ---------------- */

static void test_hazard_equals(void **state)
{
	(void)state;
	json_t *def = lx_form_builtin_gas();
	lx_form *f = NULL;
	lx_form_error err;
	assert_int_equal(lx_form_parse(def, &f, &err), LX_OK);
	json_decref(def);
	lx_form_result res;
	check_ok(f, "{'gas_kind':'pipeline','pipe_joints_ok':false,'meter_ok':true,'ventilation_ok':true,"
		    "'valve_ok':true,'alarm_installed':true}", &res);
	assert_int_equal(res.nhazards, 1);
	assert_string_equal(res.hazards[0].question, "pipe_joints_ok");
	assert_string_equal(res.hazards[0].question_label, "燃气管道及接口无漏气");
	assert_string_equal(res.hazards[0].category, "0605");
	assert_string_equal(res.hazards[0].label, "燃气管道接口漏气");
	assert_int_equal(res.hazards[0].days, 3);
	assert_true(json_is_false(res.hazards[0].answer));
	assert_ptr_equal(res.hazards[0].answer, json_object_get(res.kept, "pipe_joints_ok"));
	lx_form_result_clear(&res);
	/* true is no hazard */
	check_ok(f, "{'gas_kind':'pipeline','pipe_joints_ok':true,'meter_ok':true,'ventilation_ok':true,"
		    "'valve_ok':true,'alarm_installed':true}", &res);
	assert_int_equal(res.nhazards, 0);
	assert_null(res.hazards);
	lx_form_result_clear(&res);
	lx_form_free(f);

	/* equals on a number compares by value; a rule without label */
	f = form_ok("[{'name':'n','type':'number','label':'数','hazard_if':{'equals':2,'category':'x.y','days':7}}]");
	check_ok(f, "{'n':2.0}", &res);
	assert_int_equal(res.nhazards, 1);
	assert_null(res.hazards[0].label);
	assert_int_equal(res.hazards[0].days, 7);
	lx_form_result_clear(&res);
	kept_is(f, "{'n':2.5}", "{'n':2.5}", 0);
	lx_form_free(f);
}

static void test_hazard_expr_numbers(void **state)
{
	(void)state;
	json_t *def = lx_form_builtin_gas();
	lx_form *f = NULL;
	lx_form_error err;
	assert_int_equal(lx_form_parse(def, &f, &err), LX_OK);
	json_decref(def);
	static const char base[] = "'gas_kind':'bottled','pipe_joints_ok':true,'ventilation_ok':true,'valve_ok':true,"
				   "'hose_ok':true,'alarm_installed':true";
	static const struct {
		const char *more;
		size_t nhaz;
		const char *question;
	} cases[] = {
		{"'hose_age_years':2", 0, NULL},
		{"'hose_age_years':2.5", 1, "hose_age_years"},
		{"'hose_age_years':3", 1, "hose_age_years"},
		{"'appliance_age_years':7.9", 0, NULL},
		{"'appliance_age_years':8", 1, "appliance_age_years"},
		{"'appliance_age_years':20", 1, "appliance_age_years"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char buf[512];
		snprintf(buf, sizeof buf, "{%s,%s}", base, cases[i].more);
		lx_form_result res;
		check_ok(f, buf, &res);
		assert_int_equal(res.nhazards, cases[i].nhaz);
		if (cases[i].nhaz) {
			assert_string_equal(res.hazards[0].question, cases[i].question);
			assert_string_equal(res.hazards[0].category, "0605");
			assert_int_equal(res.hazards[0].days, strcmp(cases[i].question, "hose_age_years") == 0 ? 5 : 10);
			assert_string_equal(res.hazards[0].label, strcmp(cases[i].question, "hose_age_years") == 0
							   ? "橡胶软管超过2年" : "燃气灶具超期使用");
		}
		lx_form_result_clear(&res);
	}
	/* the hose is irrelevant for pipeline gas: its age is dropped, no hazard */
	lx_form_result res;
	check_ok(f, "{'gas_kind':'pipeline','pipe_joints_ok':true,'meter_ok':true,'ventilation_ok':true,"
		    "'valve_ok':true,'alarm_installed':true,'hose_age_years':9}", &res);
	assert_int_equal(res.nhazards, 0);
	assert_null(json_object_get(res.kept, "hose_age_years"));
	lx_form_result_clear(&res);
	/* hazards are tried on given answers only: no age, no hazard */
	check_ok(f, "{'gas_kind':'pipeline','pipe_joints_ok':true,'meter_ok':true,'ventilation_ok':true,"
		    "'valve_ok':true,'alarm_installed':true}", &res);
	assert_int_equal(res.nhazards, 0);
	lx_form_result_clear(&res);
	lx_form_free(f);
}

static void test_multiple_hazards(void **state)
{
	(void)state;
	/* several rules on one question, and an expr naming an earlier answer */
	lx_form *f = form_ok("[{'name':'alone','type':'yes_no','label':'独居'},"
			     "{'name':'age','type':'number','label':'年龄','min':0,'max':130,'hazard_if':["
			     "{'expr':'. >= 80','category':'elderly.care','days':30,'label':'高龄'},"
			     "{'expr':'. >= 70 and alone == true','category':'elderly.visit','days':10,'label':'独居'},"
			     "{'equals':100,'category':'elderly.care','days':1}]}]");
	const char *const *codes = NULL;
	assert_int_equal(lx_form_hazard_categories(f, &codes), 2);
	assert_string_equal(codes[0], "elderly.care");
	assert_string_equal(codes[1], "elderly.visit");
	lx_form_result res;
	check_ok(f, "{'alone':true,'age':100}", &res);
	assert_int_equal(res.nhazards, 3);
	assert_string_equal(res.hazards[0].label, "高龄");
	assert_string_equal(res.hazards[1].label, "独居");
	assert_string_equal(res.hazards[1].category, "elderly.visit");
	assert_null(res.hazards[2].label);
	assert_int_equal(res.hazards[2].days, 1);
	lx_form_result_clear(&res);
	kept_is(f, "{'alone':false,'age':75}", "{'alone':false,'age':75}", 0);
	kept_is(f, "{'alone':true,'age':75}", "{'alone':true,'age':75}", 1);
	kept_is(f, "{'age':85}", "{'age':85}", 1);
	lx_form_free(f);

	/* hazards of several questions, in question order */
	json_t *def = lx_form_builtin_gas();
	assert_int_equal(lx_form_parse(def, &f, NULL), LX_OK);
	json_decref(def);
	check_ok(f, "{'gas_kind':'bottled','pipe_joints_ok':false,'ventilation_ok':false,'valve_ok':true,"
		    "'hose_ok':true,'hose_age_years':4,'alarm_installed':false,'appliance_age_years':12,"
		    "'photo':31,'notes':'厨房封闭'}", &res);
	assert_int_equal(res.nhazards, 4);
	assert_string_equal(res.hazards[0].question, "pipe_joints_ok");
	assert_string_equal(res.hazards[1].question, "ventilation_ok");
	assert_int_equal(res.hazards[1].days, 5);
	assert_string_equal(res.hazards[1].label, "用气场所通风不良");
	assert_string_equal(res.hazards[2].question, "hose_age_years");
	assert_string_equal(res.hazards[3].question, "appliance_age_years");
	assert_int_equal(res.nphotos, 1);
	assert_string_equal(res.photos[0].question, "photo");
	assert_int_equal(res.photos[0].attachment_id, 31);
	assert_int_equal(json_object_size(res.kept), 10);
	lx_form_result_clear(&res);
	lx_form_free(f);
}

/* ---------------- the ready definitions ---------------- */

static void test_builtin_gas(void **state)
{
	(void)state;
	json_t *def = lx_form_builtin_gas();
	assert_non_null(def);
	lx_form *f = NULL;
	assert_int_equal(lx_form_parse(def, &f, NULL), LX_OK);
	json_decref(def);
	static const char *const names[] = {"gas_kind", "pipe_joints_ok", "meter_ok", "ventilation_ok", "valve_ok",
					    "hose_ok", "hose_age_years", "alarm_installed", "appliance_age_years",
					    "photo", "notes"};
	static const char *const types[] = {"choice", "yes_no", "yes_no", "yes_no", "yes_no", "yes_no",
					    "number", "yes_no", "number", "photo", "text"};
	assert_int_equal(lx_form_count(f), 11);
	for (size_t i = 0; i < 11; i++) {
		assert_string_equal(lx_form_question_name(f, i), names[i]);
		assert_string_equal(lx_form_question_type(f, i), types[i]);
	}
	assert_string_equal(lx_form_question_label(f, 0), "使用的燃气类型");
	const char *const *codes = NULL;
	assert_int_equal(lx_form_hazard_categories(f, &codes), 1);
	assert_string_equal(codes[0], "0605");
	/* no gas: only the kind is asked (and the optional photo, notes) */
	kept_is(f, "{'gas_kind':'none','pipe_joints_ok':false,'notes':'不用燃气'}", "{'gas_kind':'none','notes':'不用燃气'}",
		0);
	check_fails(f, "{'gas_kind':'bottled','pipe_joints_ok':true,'ventilation_ok':true,'valve_ok':true,"
		       "'alarm_installed':true}", "answers.hose_ok", "answer 'hose_ok' is required");
	check_fails(f, "{'gas_kind':'none','photo':0}", "answers.photo",
		    "answer 'photo' must be an attachment id (a positive integer)");
	check_fails(f, "{'gas_kind':'bottled','pipe_joints_ok':true,'ventilation_ok':true,'valve_ok':true,"
		       "'hose_ok':true,'hose_age_years':31,'alarm_installed':true}", "answers.hose_age_years",
		    "answer 'hose_age_years' must be a number between 0 and 30");
	lx_form_free(f);
}

static void test_builtin_knock(void **state)
{
	(void)state;
	json_t *def = lx_form_builtin_knock();
	assert_non_null(def);
	lx_form *f = NULL;
	assert_int_equal(lx_form_parse(def, &f, NULL), LX_OK);
	json_decref(def);
	assert_int_equal(lx_form_count(f), 6);
	static const char *const names[] = {"seen_in_person", "health", "needs", "food_ok", "home_safe", "notes"};
	for (size_t i = 0; i < 6; i++)
		assert_string_equal(lx_form_question_name(f, i), names[i]);
	const char *const *codes = NULL;
	assert_int_equal(lx_form_hazard_categories(f, &codes), 1);
	assert_string_equal(codes[0], "0707");
	check_fails(f, "{'health':'good'}", "answers.seen_in_person", "answer 'seen_in_person' is required");
	check_fails(f, "{'seen_in_person':true,'health':'需就医'}", "answers.health",
		    "answer 'health' must be one of good, fair, poor, needs_care");
	lx_form_result res;
	check_ok(f, "{'seen_in_person':true,'health':'needs_care','needs':'腿脚不便，需要送医','food_ok':true,"
		    "'home_safe':true}", &res);
	assert_int_equal(res.nhazards, 1);
	assert_string_equal(res.hazards[0].question, "health");
	assert_string_equal(res.hazards[0].category, "0707");
	assert_int_equal(res.hazards[0].days, 1);
	assert_string_equal(res.hazards[0].label, "独居老人需要照护");
	assert_string_equal(json_string_value(res.hazards[0].answer), "needs_care");
	lx_form_result_clear(&res);
	kept_is(f, "{'seen_in_person':false,'health':'fair'}", "{'seen_in_person':false,'health':'fair'}", 0);
	lx_form_free(f);
}

/* ---------------- definition errors ---------------- */

static void test_def_shape(void **state)
{
	(void)state;
	form_fails("{}", "questions", "questions must be a non-empty array of question objects");
	form_fails("[]", "questions", "questions must be a non-empty array of question objects");
	form_fails("[1]", "questions[0]", "a question must be an object {\"name\", \"type\", \"label\", ...}");
	/* 201 questions */
	json_t *many = json_array();
	for (int i = 0; i <= LX_FORM_MAX_QUESTIONS; i++) {
		char name[16];
		snprintf(name, sizeof name, "q%d", i);
		json_array_append_new(many, json_pack("{s:s,s:s,s:s}", "name", name, "type", "yes_no", "label", "问"));
	}
	lx_form *f = NULL;
	lx_form_error err;
	assert_int_equal(lx_form_parse(many, &f, &err), LX_INVALID);
	assert_string_equal(err.field, "questions");
	assert_string_equal(err.message, "a form has at most 200 questions");
	json_array_remove(many, 0);
	assert_int_equal(lx_form_parse(many, &f, &err), LX_OK);
	assert_int_equal(lx_form_count(f), 200);
	const char *const *codes = (const char *const *)(uintptr_t)1;
	assert_int_equal(lx_form_hazard_categories(f, &codes), 0);
	assert_null(codes);
	lx_form_free(f);
	lx_form_free(NULL);
	json_decref(many);
}

static void test_def_names(void **state)
{
	(void)state;
	static const char msg[] = "name must be an identifier of at most 48 bytes: a-z, 0-9 and _, not starting with "
				  "a digit";
	form_fails("[{'type':'text','label':'L'}]", "questions[0].name", "name is required (an identifier like gas_kind)");
	form_fails("[{'name':'Gas','type':'text','label':'L'}]", "questions[0].name", msg);
	form_fails("[{'name':'1a','type':'text','label':'L'}]", "questions[0].name", msg);
	form_fails("[{'name':'a-b','type':'text','label':'L'}]", "questions[0].name", msg);
	form_fails("[{'name':'','type':'text','label':'L'}]", "questions[0].name", msg);
	form_fails("[{'name':7,'type':'text','label':'L'}]", "questions[0].name", msg);
	form_fails("[{'name':'a234567890123456789012345678901234567890123456789','type':'text','label':'L'}]",
		   "questions[0].name", msg);
	lx_form *f = form_ok("[{'name':'_23456789012345678901234567890123456789012345678','type':'text','label':'L'}]");
	lx_form_free(f);
	form_fails("[{'name':'and','type':'text','label':'L'}]", "questions[0].name",
		   "name 'and' is reserved (a word of the expressions)");
	form_fails("[{'name':'null','type':'text','label':'L'}]", "questions[0].name",
		   "name 'null' is reserved (a word of the expressions)");
	form_fails("[{'name':'a','type':'text','label':'L'},{'name':'b','type':'text','label':'L'},"
		   "{'name':'a','type':'yes_no','label':'L'}]",
		   "questions[2].name", "name 'a' is already the name of questions[0]");
}

static void test_def_type_label_keys(void **state)
{
	(void)state;
	static const char tmsg[] = "type must be one of yes_no, choice, number, text, photo, geopoint";
	form_fails("[{'name':'a','label':'L'}]", "questions[0].type", tmsg);
	form_fails("[{'name':'a','type':'boolean','label':'L'}]", "questions[0].type", tmsg);
	form_fails("[{'name':'a','type':'Yes_no','label':'L'}]", "questions[0].type", tmsg);
	form_fails("[{'name':'a','type':'text'}]", "questions[0].label",
		   "label is required (a non-blank string of at most 200 bytes)");
	form_fails("[{'name':'a','type':'text','label':'  '}]", "questions[0].label",
		   "label must be a non-blank string of at most 200 bytes");
	form_fails("[{'name':'a','type':'text','label':1}]", "questions[0].label",
		   "label must be a non-blank string of at most 200 bytes");
	form_fails("[{'name':'a','type':'text','label':'L','hint':5}]", "questions[0].hint",
		   "hint must be a non-blank string of at most 500 bytes");
	form_fails("[{'name':'a','type':'text','label':'L','required':'yes'}]", "questions[0].required",
		   "required must be true or false");
	form_fails("[{'name':'a','type':'text','label':'L','requried':true}]", "questions[0].requried",
		   "unknown key 'requried' (a question has name, type, label, hint, required, relevant, constraint, "
		   "hazard_if, choices, min, max, unit)");
	form_fails("[{'name':'a','type':'text','label':'L','min':1}]", "questions[0].min",
		   "min is only for number questions");
	form_fails("[{'name':'a','type':'yes_no','label':'L','choices':['x']}]", "questions[0].choices",
		   "choices is only for choice questions");
	/* a label of 200 bytes passes (66 three-byte characters and 2 more bytes) */
	char def[400] = "[{'name':'a','type':'text','label':'";
	for (int i = 0; i < 66; i++)
		strcat(def, "长");
	strcat(def, "ab'}]");
	lx_form_free(form_ok(def));
	def[strlen(def) - 3] = '\0';
	strcat(def, "bc'}]");
	form_fails(def, "questions[0].label", "label must be a non-blank string of at most 200 bytes");
}

static void test_def_choices(void **state)
{
	(void)state;
	static const char msg[] = "a choice question needs choices: a non-empty array of values or of {\"value\", "
				  "\"label\"} objects";
	form_fails("[{'name':'k','type':'choice','label':'K'}]", "questions[0].choices", msg);
	form_fails("[{'name':'k','type':'choice','label':'K','choices':[]}]", "questions[0].choices", msg);
	form_fails("[{'name':'k','type':'choice','label':'K','choices':'a,b'}]", "questions[0].choices", msg);
	form_fails("[{'name':'k','type':'choice','label':'K','choices':['a','b','a']}]", "questions[0].choices[2]",
		   "the value 'a' is already a choice");
	form_fails("[{'name':'k','type':'choice','label':'K','choices':['a',{'value':'a','label':'甲'}]}]",
		   "questions[0].choices[1].value", "the value 'a' is already a choice");
	form_fails("[{'name':'k','type':'choice','label':'K','choices':['a','']}]", "questions[0].choices[1]",
		   "a choice's value must be a non-blank string of at most 100 bytes");
	form_fails("[{'name':'k','type':'choice','label':'K','choices':[3]}]", "questions[0].choices[0]",
		   "a choice's value must be a non-blank string of at most 100 bytes");
	form_fails("[{'name':'k','type':'choice','label':'K','choices':[{'value':'a'}]}]",
		   "questions[0].choices[0].label", "label is required (a non-blank string of at most 200 bytes)");
	form_fails("[{'name':'k','type':'choice','label':'K','choices':[{'label':'甲'}]}]",
		   "questions[0].choices[0].value", "a choice's value must be a non-blank string of at most 100 bytes");
	form_fails("[{'name':'k','type':'choice','label':'K','choices':[{'value':'a','label':'甲','x':1}]}]",
		   "questions[0].choices[0]", "unknown key 'x' in a choice (expected value and label)");
	/* at most 100 choices */
	char def[1200] = "[{'name':'k','type':'choice','label':'K','choices':[";
	for (int i = 0; i <= LX_FORM_MAX_CHOICES; i++) {
		char c[16];
		snprintf(c, sizeof c, "%s'%d'", i ? "," : "", i);
		strcat(def, c);
	}
	strcat(def, "]}]");
	form_fails(def, "questions[0].choices", "at most 100 choices");
	*strrchr(def, ',') = '\0';
	strcat(def, "]}]");
	lx_form *f = form_ok(def);
	kept_is(f, "{'k':'99'}", "{'k':'99'}", 0);
	lx_form_free(f);
}

static void test_def_range(void **state)
{
	(void)state;
	form_fails("[{'name':'n','type':'number','label':'N','min':10,'max':5}]", "questions[0].min",
		   "min (10) is greater than max (5)");
	form_fails("[{'name':'n','type':'number','label':'N','min':'0'}]", "questions[0].min", "min must be a number");
	form_fails("[{'name':'n','type':'number','label':'N','max':true}]", "questions[0].max", "max must be a number");
	form_fails("[{'name':'n','type':'number','label':'N','unit':''}]", "questions[0].unit",
		   "unit must be a non-blank string of at most 32 bytes");
	lx_form *f = form_ok("[{'name':'n','type':'number','label':'N','min':5,'max':5,'unit':'年'}]");
	kept_is(f, "{'n':5}", "{'n':5}", 0);
	check_fails(f, "{'n':4}", "answers.n", "answer 'n' must be a number between 5 and 5");
	lx_form_free(f);
}

/* A definition with a number n, a choice k (a, b), a yes_no y, a geopoint
 * g, then a question x whose key is the given one. */
static void expr_fails(const char *key, const char *expr, const char *message)
{
	char def[1200];
	char field[64];
	snprintf(def, sizeof def,
		 "[{'name':'n','type':'number','label':'N'},{'name':'k','type':'choice','label':'K','choices':['a','b']},"
		 "{'name':'y','type':'yes_no','label':'Y'},{'name':'g','type':'geopoint','label':'G'},"
		 "{'name':'x','type':'number','label':'X','%s':'%s'},{'name':'later','type':'text','label':'L'}]",
		 key, expr);
	snprintf(field, sizeof field, "questions[4].%s", key);
	form_fails(def, field, message);
}

static void test_def_expression_syntax(void **state)
{
	(void)state;
	expr_fails("relevant", "", "must be a non-empty expression");
	expr_fails("relevant", "   ", "must be a non-empty expression");
	expr_fails("relevant", "n = 1", "'=' is not an operator (write '==') at column 3");
	expr_fails("relevant", "n ==", "expected a JSON literal, a question name or '.' after '==' at the end");
	expr_fails("relevant", "n == and", "expected a JSON literal, a question name or '.' after '==', not 'and' at "
		   "column 6");
	expr_fails("relevant", "n == 1 and", "expected a comparison (like gas_kind == \"bottled\") at the end");
	expr_fails("relevant", "n", "expected '==', '!=', '<', '<=', '>' or '>=' after 'n' at the end");
	expr_fails("relevant", "n 1", "expected '==', '!=', '<', '<=', '>' or '>=' after 'n' at column 3");
	expr_fails("relevant", "n == 1 y == true", "unexpected 'y' at column 8 (expected 'and', 'or' or the end)");
	expr_fails("relevant", "(n == 1", "missing ')' for the '(' at column 1");
	expr_fails("relevant", "(n == 1 y", "unexpected 'y' at column 9 (expected 'and', 'or' or ')')");
	expr_fails("relevant", "n == 1)", "unmatched ')' at column 7");
	expr_fails("relevant", "()", "expected a comparison (like gas_kind == \"bottled\"), not ')' at column 2");
	expr_fails("relevant", "k == `a`", "strings are written in double quotes (\"bottled\") at column 6");
	expr_fails("relevant", "k == ^a", "unterminated string starting at column 6");
	expr_fails("relevant", "k == ^a\\\\q^", "invalid string '\"a\\q\"' at column 6");
	expr_fails("relevant", "n == 01", "invalid number '01' at column 6");
	expr_fails("relevant", "n == -", "invalid number '-' at column 6");
	expr_fails("relevant", "n == .5", "invalid number '.5' at column 6");
	expr_fails("relevant", "n == 1 AND y == true", "write 'and' in lower case at column 8");
	expr_fails("relevant", "y == True", "write 'true' in lower case at column 6");
	expr_fails("relevant", "n == 1 && y == true", "write 'and' instead of '&&' at column 8");
	expr_fails("relevant", "n == 1 || y == true", "write 'or' instead of '||' at column 8");
	expr_fails("relevant", "${n} == 1", "write question names without ${ } (gas_kind, not ${gas_kind}) at column 1");
	expr_fails("relevant", "!(n == 1)", "'!' must be followed by '=' (there is no 'not') at column 1");
	expr_fails("relevant", "n == 1 # x", "unexpected character '#' at column 8");
	expr_fails("relevant", "n ＝ 1", "unexpected character '＝' at column 3");
	expr_fails("relevant", "(((((((((((n == 1)))))))))))", "parentheses nested deeper than 10");
	lx_form_free(form_ok("[{'name':'n','type':'number','label':'N'},{'name':'x','type':'yes_no','label':'X',"
			     "'relevant':'((((((((((n == 1))))))))))'}]"));
	form_fails("[{'name':'n','type':'number','label':'N'},{'name':'x','type':'yes_no','label':'X','relevant':1}]",
		   "questions[1].relevant", "must be an expression (a string like gas_kind == \"bottled\")");

	/* 500 bytes pass, 501 do not */
	char def[1200], expr[600] = "n == 1";
	while (strlen(expr) < 494)
		strcat(expr, " or n == 1");
	while (strlen(expr) < 500)
		strcat(expr, " ");
	assert_int_equal(strlen(expr), 500);
	snprintf(def, sizeof def, "[{'name':'n','type':'number','label':'N'},{'name':'x','type':'yes_no','label':'X',"
		 "'relevant':'%s'}]", expr);
	lx_form_free(form_ok(def));
	strcat(expr, " ");
	snprintf(def, sizeof def, "[{'name':'n','type':'number','label':'N'},{'name':'x','type':'yes_no','label':'X',"
		 "'relevant':'%s'}]", expr);
	form_fails(def, "questions[1].relevant", "expression longer than 500 bytes");
}

static void test_def_expression_names(void **state)
{
	(void)state;
	expr_fails("relevant", "gas_kind == 1", "unknown question 'gas_kind' (only earlier questions may be named)");
	expr_fails("relevant", "later == ^x^", "question 'later' comes later in the form (only earlier questions may "
		   "be named)");
	expr_fails("relevant", "x == 1", "relevant cannot name its own question 'x'");
	expr_fails("constraint", "x == 1", "'x' is this question: write '.' for its answer");
	expr_fails("relevant", ". == 1", "'.' (this answer) is only for constraint and hazard_if; relevant names "
		   "earlier questions");
	/* literals checked against the questions they are compared with */
	expr_fails("relevant", "k == ^c^", "\"c\" is not one of the choices of 'k'");
	expr_fails("relevant", "k != 1", "'k' is a choice question: compare it with one of its values");
	expr_fails("relevant", "y == ^true^", "'y' is a yes_no question: compare it with true or false");
	expr_fails("relevant", "n == ^1^", "'n' is a number question: compare it with a number");
	expr_fails("relevant", "g == 1", "'g' is a geopoint question: it can only be compared with null");
	form_fails("[{'name':'t','type':'text','label':'T'},{'name':'x','type':'yes_no','label':'X','relevant':'t == 1'}]",
		   "questions[1].relevant", "'t' is a text question: compare it with a string");
	form_fails("[{'name':'t','type':'text','label':'T'},{'name':'x','type':'yes_no','label':'X',"
		   "'relevant':'t == ^a^ \\u0000'}]",
		   "questions[1].relevant", "an expression cannot contain NUL characters");
	expr_fails("relevant", "k < 1", "'<' compares numbers, and 'k' is a choice question");
	expr_fails("relevant", "n >= ^1^", "'>=' compares numbers, not strings");
	expr_fails("relevant", "null > n", "'>' compares numbers, not null");
	expr_fails("constraint", ". == ^a^", "'x' is a number question: compare it with a number");
	/* what is fine: null for anything, names on the right, literal == literal */
	lx_form_free(form_ok("[{'name':'k','type':'choice','label':'K','choices':['a','b']},"
			     "{'name':'g','type':'geopoint','label':'G','relevant':'k != null and (^a^ == k or 1 == 1)'},"
			     "{'name':'z','type':'number','label':'Z','relevant':'g != null','constraint':'1 < . and . > -2.5e1'}]"));
}

static void test_def_hazard_if(void **state)
{
	(void)state;
	static const char head[] = "[{'name':'y','type':'yes_no','label':'Y','hazard_if':";
	struct {
		const char *rule, *field, *message;
	} cases[] = {
		{"{'equals':false,'category':'safety.gas','days':0}", "questions[0].hazard_if.days",
		 "days must be a whole number of working days from 1 to 365"},
		{"{'equals':false,'category':'safety.gas','days':366}", "questions[0].hazard_if.days",
		 "days must be a whole number of working days from 1 to 365"},
		{"{'equals':false,'category':'safety.gas','days':2.5}", "questions[0].hazard_if.days",
		 "days must be a whole number of working days from 1 to 365"},
		{"{'equals':false,'category':'safety.gas','days':'3'}", "questions[0].hazard_if.days",
		 "days must be a whole number of working days from 1 to 365"},
		{"{'equals':false,'category':'safety.gas'}", "questions[0].hazard_if.days",
		 "days must be a whole number of working days from 1 to 365"},
		{"{'equals':false,'category':'Safety Gas','days':3}", "questions[0].hazard_if.category",
		 "category must be a category code of at most 64 bytes: a-z, 0-9, '_', '.' and '-'"},
		{"{'equals':false,'category':'','days':3}", "questions[0].hazard_if.category",
		 "category must be a category code of at most 64 bytes: a-z, 0-9, '_', '.' and '-'"},
		{"{'equals':false,'category':'a2345678901234567890123456789012345678901234567890123456789012345','days':3}",
		 "questions[0].hazard_if.category",
		 "category must be a category code of at most 64 bytes: a-z, 0-9, '_', '.' and '-'"},
		{"{'equals':false,'days':3}", "questions[0].hazard_if.category",
		 "category must be a category code of at most 64 bytes: a-z, 0-9, '_', '.' and '-'"},
		{"{'equals':false,'expr':'. == false','category':'a','days':3}", "questions[0].hazard_if",
		 "a hazard_if rule has either equals or expr, not both"},
		{"{'category':'a','days':3}", "questions[0].hazard_if",
		 "a hazard_if rule needs equals (an answer) or expr (an expression on .)"},
		{"{'equals':'false','category':'a','days':3}", "questions[0].hazard_if.equals",
		 "equals must be true or false for a yes_no question"},
		{"{'equals':null,'category':'a','days':3}", "questions[0].hazard_if.equals",
		 "equals null never matches: rules are tried on given answers only"},
		{"{'equals':[false],'category':'a','days':3}", "questions[0].hazard_if.equals",
		 "equals must be a JSON literal (true, false, a number or a string)"},
		{"{'expr':'. = false','category':'a','days':3}", "questions[0].hazard_if.expr",
		 "'=' is not an operator (write '==') at column 3"},
		{"{'expr':'. > 2','category':'a','days':3}", "questions[0].hazard_if.expr",
		 "'>' compares numbers, and 'y' is a yes_no question"},
		{"{'equals':false,'category':'a','days':3,'label':''}", "questions[0].hazard_if.label",
		 "label must be a non-blank string of at most 200 bytes"},
		{"{'equals':false,'category':'a','days':3,'level':'high'}", "questions[0].hazard_if.level",
		 "unknown key 'level' in a hazard_if rule (expected equals or expr, category, days, label)"},
		{"[]", "questions[0].hazard_if", "hazard_if must be a rule object or an array of 1 to 10 rule objects"},
		{"true", "questions[0].hazard_if", "hazard_if must be a rule object or an array of 1 to 10 rule objects"},
		{"[{'equals':false,'category':'a','days':3},{'equals':true,'category':'a','days':400}]",
		 "questions[0].hazard_if[1].days", "days must be a whole number of working days from 1 to 365"},
		{"[{'equals':false,'category':'a','days':3},5]", "questions[0].hazard_if[1]",
		 "a hazard_if rule must be an object {\"equals\" or \"expr\", \"category\", \"days\", \"label\"?}"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char def[600];
		snprintf(def, sizeof def, "%s%s}]", head, cases[i].rule);
		form_fails(def, cases[i].field, cases[i].message);
	}
	form_fails("[{'name':'k','type':'choice','label':'K','choices':['a','b'],"
		   "'hazard_if':{'equals':'c','category':'a','days':3}}]",
		   "questions[0].hazard_if.equals", "equals must be one of the question's choice values");
	form_fails("[{'name':'n','type':'number','label':'N','hazard_if':{'equals':'1','category':'a','days':3}}]",
		   "questions[0].hazard_if.equals", "equals must be a number for a number question");
	form_fails("[{'name':'t','type':'text','label':'T','hazard_if':{'equals':false,'category':'a','days':3}}]",
		   "questions[0].hazard_if.equals", "equals must be a string for a text question");
	form_fails("[{'name':'p','type':'photo','label':'P','hazard_if':{'equals':1,'category':'a','days':3}}]",
		   "questions[0].hazard_if.equals", "a photo question cannot have an equals rule (use expr)");
	/* the limits themselves pass */
	lx_form *f = form_ok("[{'name':'y','type':'yes_no','label':'Y','hazard_if':["
			     "{'equals':false,'category':'a-b_c.9','days':1},{'equals':true,'category':'z','days':365}]}]");
	kept_is(f, "{'y':true}", "{'y':true}", 1);
	lx_form_free(f);
	/* equals on text: exact bytes */
	f = form_ok("[{'name':'t','type':'text','label':'T','hazard_if':{'equals':'漏气','category':'a','days':3}}]");
	kept_is(f, "{'t':'漏气'}", "{'t':'漏气'}", 1);
	kept_is(f, "{'t':'漏气 '}", "{'t':'漏气 '}", 0);
	lx_form_free(f);
	/* err may be NULL */
	json_t *bad = j("[{'name':'y','type':'yes_no','label':'Y','hazard_if':{'equals':false,'category':'a','days':0}}]");
	lx_form *out = NULL;
	assert_int_equal(lx_form_parse(bad, &out, NULL), LX_INVALID);
	assert_null(out);
	json_decref(bad);
}

/* Messages stay UTF-8 when long text taken from the input is cut. */
static void test_error_utf8(void **state)
{
	(void)state;
	char def[2000] = "[{'name':'kkk','type':'choice','label':'K','choices':[";
	for (int i = 0; i < 20; i++) {
		char c[64];
		snprintf(c, sizeof c, "%s'选项选项%02d'", i ? "," : "", i);
		strcat(def, c);
	}
	strcat(def, "]}]");
	lx_form *f = form_ok(def);
	json_t *a = j("{'kkk':'x'}");
	lx_form_result res;
	lx_form_error err;
	assert_int_equal(lx_form_check(f, a, &res, &err), LX_INVALID);
	/* 199 bytes would end in the first two bytes of a 项: cut back to 197 */
	assert_int_equal(strlen(err.message), 197);
	assert_true(lx_utf8_valid(err.message, strlen(err.message)));
	static const char start[] = "answer 'kkk' must be one of 选项选项00, 选项选项01, ";
	assert_true(strncmp(err.message, start, strlen(start)) == 0);
	assert_string_equal(err.message + 197 - strlen("选项选项09, 选项选"), "选项选项09, 选项选");
	json_decref(a);
	/* a long unknown key in the field */
	a = json_object();
	char key[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(key, "键");
	json_object_set_new(a, key, json_true());
	assert_int_equal(lx_form_check(f, a, &res, &err), LX_INVALID);
	assert_true(strncmp(err.field, "answers.键键", 14) == 0);
	assert_true(lx_utf8_valid(err.field, strlen(err.field)));
	assert_true(lx_utf8_valid(err.message, strlen(err.message)));
	json_decref(a);
	lx_form_free(f);
	/* a long string literal quoted in a syntax error */
	form_fails("[{'name':'t','type':'text','label':'T'},{'name':'x','type':'yes_no','label':'X',"
		   "'relevant':'t == ^一二三四五六七八九十一二三四五六七八九十^ t'}]",
		   "questions[1].relevant", "unexpected 't' at column 69 (expected 'and', 'or' or the end)");
	form_fails("[{'name':'t','type':'text','label':'T'},{'name':'x','type':'yes_no','label':'X',"
		   "'relevant':'t == ^一二三四五六七八九十一二三四五六七八九十\\\\x^'}]",
		   "questions[1].relevant", "invalid string '\"一二三四五六七八九十一二三' at column 6");
	/* 40 bytes would cut a character: the quote stops before it */
	form_fails("[{'name':'t','type':'text','label':'T'},{'name':'x','type':'yes_no','label':'X',"
		   "'relevant':'t == ^a一二三四五六七八九十一二三四五六七八九十\\\\x^'}]",
		   "questions[1].relevant", "invalid string '\"a一二三四五六七八九十一二' at column 6");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relevant_shown_when_bottled),
		cmocka_unit_test(test_relevant_cascades),
		cmocka_unit_test(test_relevant_null_and_numbers),
		cmocka_unit_test(test_relevant_precedence),
		cmocka_unit_test(test_relevant_two_answers),
		cmocka_unit_test(test_relevant_strings),
		cmocka_unit_test(test_required),
		cmocka_unit_test(test_null_answers),
		cmocka_unit_test(test_constraint),
		cmocka_unit_test(test_type_mismatch),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_unknown_answer_key),
		cmocka_unit_test(test_kept_is_a_copy),
		cmocka_unit_test(test_hazard_equals),
		cmocka_unit_test(test_hazard_expr_numbers),
		cmocka_unit_test(test_multiple_hazards),
		cmocka_unit_test(test_builtin_gas),
		cmocka_unit_test(test_builtin_knock),
		cmocka_unit_test(test_def_shape),
		cmocka_unit_test(test_def_names),
		cmocka_unit_test(test_def_type_label_keys),
		cmocka_unit_test(test_def_choices),
		cmocka_unit_test(test_def_range),
		cmocka_unit_test(test_def_expression_syntax),
		cmocka_unit_test(test_def_expression_names),
		cmocka_unit_test(test_def_hazard_if),
		cmocka_unit_test(test_error_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
