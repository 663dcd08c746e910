/*
 * form_check.c - a visit's answers checked against a parsed form
 * (form_int.h), and the two ready forms the server seeds.
 */
#include "form_int.h"

#include <assert.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------- answers ---------------- */

/* Checks answer v (not null) of question q; LX_OK or LX_INVALID naming field. */
static int lx_form_check_answer(const lx_form_question *q, const json_t *v, const char *field, lx_form_error *err)
{
	const char *nm = q->name;
	switch (q->type) {
	case LX_FT_YES_NO:
		if (json_is_boolean(v))
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be true or false", nm);
		return LX_INVALID;
	case LX_FT_CHOICE: {
		if (lx_form_is_choice(q, v))
			return LX_OK;
		lx_buf b;
		lx_buf_init(&b);
		for (size_t i = 0; i < q->nchoices; i++)
			lx_buf_printf(&b, "%s%s", i ? ", " : "", q->choices[i]);
		lx_form_fail(err, field, "answer '%s' must be one of %s", nm, b.data);
		lx_buf_free(&b);
		return LX_INVALID;
	}
	case LX_FT_NUMBER: {
		double x = json_number_value(v);
		if (json_is_number(v) && (!q->has_min || x >= q->min) && (!q->has_max || x <= q->max))
			return LX_OK;
		if (q->has_min && q->has_max)
			lx_form_fail(err, field, "answer '%s' must be a number between %g and %g", nm, q->min, q->max);
		else if (q->has_min)
			lx_form_fail(err, field, "answer '%s' must be a number of at least %g", nm, q->min);
		else if (q->has_max)
			lx_form_fail(err, field, "answer '%s' must be a number of at most %g", nm, q->max);
		else
			lx_form_fail(err, field, "answer '%s' must be a number", nm);
		return LX_INVALID;
	}
	case LX_FT_TEXT:
		if (json_is_string(v) && json_string_length(v) <= LX_FORM_MAX_TEXT && lx_form_no_nul(v))
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be a string of at most %d bytes without NUL characters", nm,
			     LX_FORM_MAX_TEXT);
		return LX_INVALID;
	case LX_FT_PHOTO:
		if (json_is_integer(v) && json_integer_value(v) > 0)
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be an attachment id (a positive integer)", nm);
		return LX_INVALID;
	case LX_FT_GEOPOINT: {
		json_t *lat = json_array_get(v, 0), *lon = json_array_get(v, 1);
		if (json_is_array(v) && json_array_size(v) == 2 && json_is_number(lat) && json_is_number(lon) &&
		    json_number_value(lat) >= -90 && json_number_value(lat) <= 90 && json_number_value(lon) >= -180 &&
		    json_number_value(lon) <= 180)
			return LX_OK;
		lx_form_fail(err, field, "answer '%s' must be [lat, lon]: two numbers, lat in [-90, 90] and lon in "
			     "[-180, 180]", nm);
		return LX_INVALID;
	}
	default:
		break;
	}
	assert(!"unknown question type");
	return LX_INVALID;
}

void lx_form_result_clear(lx_form_result *res)
{
	if (!res)
		return;
	json_decref(res->kept);
	free(res->hazards);
	free(res->photos);
	memset(res, 0, sizeof *res);
}

/* Tries question q's rules on its kept answer v, appending to res. */
static void lx_form_hazards(const lx_form_question *q, const json_t *v, const json_t *const *vals,
			    lx_form_result *res)
{
	for (size_t j = 0; j < q->nrules; j++) {
		const lx_form_rule *r = &q->rules[j];
		bool hit = r->equals ? lx_form_eq(v, r->equals) : lx_form_eval(r->expr, vals, v);
		if (!hit)
			continue;
		res->hazards = lx_xrealloc(res->hazards, (res->nhazards + 1) * sizeof *res->hazards);
		res->hazards[res->nhazards++] = (lx_form_hazard){
			.question = q->name,
			.question_label = q->label,
			.category = r->category,
			.label = r->label,
			.days = r->days,
			.answer = v,
		};
	}
}

int lx_form_check(const lx_form *f, const json_t *answers, lx_form_result *res, lx_form_error *err)
{
	int rc = LX_OK;
	char field[96];
	const json_t **vals = NULL;
	assert(f && res);
	memset(res, 0, sizeof *res);
	if (err)
		err->field[0] = err->message[0] = '\0';
	if (answers && !json_is_object(answers)) {
		lx_form_fail(err, "answers", "answers must be an object (question name -> answer)");
		rc = LX_INVALID;
		goto cleanup;
	}
	if (answers) {
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)answers, key, v) {
			if (lx_form_find(f, f->n, key) < 0) {
				snprintf(field, sizeof field, "answers.%s", key);
				lx_form_fail(err, field, "no question '%s' in this form", key);
				rc = LX_INVALID;
				goto cleanup;
			}
		}
	}
	res->kept = json_object();
	if (!res->kept) {
		rc = LX_ERR;
		goto cleanup;
	}
	vals = lx_xcalloc(f->n, sizeof *vals);
	for (size_t i = 0; i < f->n; i++) {
		const lx_form_question *q = &f->q[i];
		const json_t *v = answers ? lx_form_get(answers, q->name) : NULL;
		if (q->relevant && !lx_form_eval(q->relevant, vals, NULL))
			continue; /* dropped */
		if (v && q->type == LX_FT_TEXT && json_is_string(v) && lx_form_blank(v))
			v = NULL;
		snprintf(field, sizeof field, "answers.%s", q->name);
		if (!v) {
			if (q->required) {
				lx_form_fail(err, field, "answer '%s' is required", q->name);
				rc = LX_INVALID;
				goto cleanup;
			}
			continue;
		}
		rc = lx_form_check_answer(q, v, field, err);
		if (rc != LX_OK)
			goto cleanup;
		if (q->constraint && !lx_form_eval(q->constraint, vals, v)) {
			lx_form_fail(err, field, "answer '%s' does not meet its constraint: %s", q->name,
				     q->constraint->text);
			rc = LX_INVALID;
			goto cleanup;
		}
		json_t *copy = json_deep_copy(v);
		if (!copy || json_object_set_new(res->kept, q->name, copy) != 0) {
			rc = LX_ERR;
			goto cleanup;
		}
		vals[i] = copy;
		lx_form_hazards(q, copy, vals, res);
		if (q->type == LX_FT_PHOTO) {
			res->photos = lx_xrealloc(res->photos, (res->nphotos + 1) * sizeof *res->photos);
			res->photos[res->nphotos++] = (lx_form_photo){
				.question = q->name,
				.attachment_id = (int64_t)json_integer_value(copy),
			};
		}
	}
cleanup:
	free(vals);
	if (rc != LX_OK)
		lx_form_result_clear(res);
	return rc;
}

/* ---------------- the ready definitions ---------------- */

static const char lx_form_gas_json[] =
	"["
	"{\"name\":\"gas_kind\",\"type\":\"choice\",\"label\":\"使用的燃气类型\",\"required\":true,"
	"\"choices\":[{\"value\":\"pipeline\",\"label\":\"管道燃气\"},{\"value\":\"bottled\",\"label\":\"瓶装液化气\"},"
	"{\"value\":\"none\",\"label\":\"不使用燃气\"}]},"
	"{\"name\":\"pipe_joints_ok\",\"type\":\"yes_no\",\"label\":\"燃气管道及接口无漏气\","
	"\"hint\":\"用肥皂水涂抹接口检查，有气泡即为漏气\",\"required\":true,\"relevant\":\"gas_kind != \\\"none\\\"\","
	"\"hazard_if\":{\"equals\":false,\"category\":\"0605\",\"days\":3,\"label\":\"燃气管道接口漏气\"}},"
	"{\"name\":\"meter_ok\",\"type\":\"yes_no\",\"label\":\"燃气表外观完好、运行正常\",\"required\":true,"
	"\"relevant\":\"gas_kind == \\\"pipeline\\\"\"},"
	"{\"name\":\"ventilation_ok\",\"type\":\"yes_no\",\"label\":\"用气场所通风良好\","
	"\"hint\":\"厨房未封闭，有可开启的窗户或排风设施\",\"required\":true,\"relevant\":\"gas_kind != \\\"none\\\"\","
	"\"hazard_if\":{\"equals\":false,\"category\":\"0605\",\"days\":5,\"label\":\"用气场所通风不良\"}},"
	"{\"name\":\"valve_ok\",\"type\":\"yes_no\",\"label\":\"燃气阀门开关灵活、无锈蚀\",\"required\":true,"
	"\"relevant\":\"gas_kind != \\\"none\\\"\"},"
	"{\"name\":\"hose_ok\",\"type\":\"yes_no\",\"label\":\"连接软管无老化、龟裂，两端有卡箍固定\",\"required\":true,"
	"\"relevant\":\"gas_kind == \\\"bottled\\\"\"},"
	"{\"name\":\"hose_age_years\",\"type\":\"number\",\"label\":\"连接软管已使用年限\",\"min\":0,\"max\":30,"
	"\"unit\":\"年\",\"relevant\":\"gas_kind == \\\"bottled\\\"\","
	"\"hazard_if\":{\"expr\":\". > 2\",\"category\":\"0605\",\"days\":5,\"label\":\"橡胶软管超过2年\"}},"
	"{\"name\":\"alarm_installed\",\"type\":\"yes_no\",\"label\":\"已安装可燃气体报警器\",\"required\":true,"
	"\"relevant\":\"gas_kind != \\\"none\\\"\"},"
	"{\"name\":\"appliance_age_years\",\"type\":\"number\",\"label\":\"燃气灶具已使用年限\",\"min\":0,\"max\":50,"
	"\"unit\":\"年\",\"relevant\":\"gas_kind != \\\"none\\\"\","
	"\"hazard_if\":{\"expr\":\". >= 8\",\"category\":\"0605\",\"days\":10,\"label\":\"燃气灶具超期使用\"}},"
	"{\"name\":\"photo\",\"type\":\"photo\",\"label\":\"现场照片\"},"
	"{\"name\":\"notes\",\"type\":\"text\",\"label\":\"备注\"}"
	"]";

static const char lx_form_knock_json[] =
	"["
	"{\"name\":\"seen_in_person\",\"type\":\"yes_no\",\"label\":\"当面见到老人本人\",\"required\":true},"
	"{\"name\":\"health\",\"type\":\"choice\",\"label\":\"身体状况\","
	"\"choices\":[{\"value\":\"good\",\"label\":\"良好\"},{\"value\":\"fair\",\"label\":\"一般\"},"
	"{\"value\":\"poor\",\"label\":\"较差\"},{\"value\":\"needs_care\",\"label\":\"需就医\"}],"
	"\"hazard_if\":{\"equals\":\"needs_care\",\"category\":\"0707\",\"days\":1,"
	"\"label\":\"独居老人需要照护\"}},"
	"{\"name\":\"needs\",\"type\":\"text\",\"label\":\"需求与困难\"},"
	"{\"name\":\"food_ok\",\"type\":\"yes_no\",\"label\":\"饮食有保障\"},"
	"{\"name\":\"home_safe\",\"type\":\"yes_no\",\"label\":\"居家环境安全（水、电、气无隐患）\"},"
	"{\"name\":\"notes\",\"type\":\"text\",\"label\":\"备注\"}"
	"]";

json_t *lx_form_builtin_gas(void)
{
	return json_loads(lx_form_gas_json, 0, NULL);
}

json_t *lx_form_builtin_knock(void)
{
	return json_loads(lx_form_knock_json, 0, NULL);
}

