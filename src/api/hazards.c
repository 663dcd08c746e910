/*
 * hazards.c - the hazard ledger (隐患台账): GET /api/v1/hazards (filters
 * unit_id, category_code, status, owner, overdue; newest first, paged) and
 * GET /api/v1/hazards/export.xlsx with the owner, deadline, status and the
 * photos' links. A hazard is a case of the engine: acting on it is the
 * case's actions (verify is the re-inspection).
 */
#include "api.h"
#include "repo_attachment.h"
#include "repo_field.h"
#include "scrub.h"
#include "sheet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_HAZARD_EXPORT_MAX 20000

/* The ledger's filters from r's query; replies on error. u is the unit_id's. */
static int lx_hazard_query_or_reply(lx_req *r, lx_hazard_filter *f, lx_unit *u, int64_t max)
{
	int64_t unit_id = 0, cursor = 0, limit = 0;
	memset(f, 0, sizeof *f);
	if (!lx_query_posint_or_reply(r, "unit_id", INT64_MAX, &unit_id) ||
	    !lx_query_posint_or_reply(r, "cursor", INT64_MAX, &cursor) ||
	    !lx_query_posint_or_reply(r, "limit", max, &limit))
		return LX_BADREQ;
	const char *s;
	f->category_code = (s = lx_req_arg(r, "category_code")) && *s ? s : NULL;
	f->status = (s = lx_req_arg(r, "status")) && *s ? s : NULL;
	f->owner = (s = lx_req_arg(r, "owner")) && *s ? s : NULL;
	s = lx_req_arg(r, "overdue");
	if (s && *s && strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
		return lx_reply_error(r, 400, "bad_parameter", "overdue", "overdue is true or false");
	f->overdue = s && strcmp(s, "true") == 0;
	if (f->status && !lx_flow_state_of("hazard", f->status))
		return lx_reply_error(r, 422, "unknown_status", "status", "no such status");
	f->before_id = cursor;
	f->limit = (int)(limit ? limit : (max > 200 ? max : 50));
	if (unit_id) {
		int rc = lx_unit_get(r->db, r->user.scope, unit_id, u);
		if (rc != LX_OK)
			return rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", "unit_id", "no such unit")
						 : lx_reply_store_error(r, rc);
		f->under = u->path;
	}
	return LX_OK;
}

struct lx_photo_ids {
	int64_t ids[16];
	size_t n;
};

static int lx_photo_id(void *arg, const struct lx_attachment *a)
{
	struct lx_photo_ids *p = arg;
	if (p->n < 16)
		p->ids[p->n++] = a->id;
	return 0;
}

struct lx_hazard_list {
	lx_req *r;
	lx_jw *w;
	lx_sheet *sheet;
	json_t *cat_names;
	size_t n, max;          /* max: the page (0: the whole export) */
	int64_t last;
	bool more;
	int rc;
};

static void lx_hazard_write(lx_jw *w, lx_req *r, const lx_hazard_item *it, const struct lx_photo_ids *ph)
{
	lx_jw_open(w, '{');
	lx_jw_key(w, "case_id");
	lx_jw_id(w, it->h.case_id);
	lx_jw_key(w, "status");
	lx_jw_str(w, it->status);
	lx_jw_key(w, "category_code");
	lx_jw_str(w, it->category_code);
	lx_jw_key(w, "title");
	lx_jw_str(w, it->title);
	lx_jw_key(w, "label");
	lx_jw_str(w, it->h.label);
	lx_jw_key(w, "question");
	lx_jw_str(w, it->h.question);
	lx_jw_key(w, "owner");
	lx_jw_str(w, it->h.owner);
	lx_jw_key(w, "address");
	lx_jw_str(w, it->address);
	lx_jw_key(w, "unit_id");
	lx_jw_id(w, it->unit_id);
	lx_jw_key(w, "handler_unit_id");
	it->handler_unit_id ? lx_jw_id(w, it->handler_unit_id) : lx_jw_null(w);
	lx_jw_key(w, "deadline");
	lx_jw_time(w, it->resolve_due_at, r->app->tz_offset_min);
	lx_jw_key(w, "overdue");
	lx_jw_bool(w, it->overdue);
	lx_jw_key(w, "failures");
	lx_jw_int(w, it->h.failures);
	lx_jw_key(w, "supervised");
	lx_jw_int(w, it->supervised);
	lx_jw_key(w, "visit_id");
	it->h.visit_id ? lx_jw_id(w, it->h.visit_id) : lx_jw_null(w);
	lx_jw_key(w, "target");
	lx_jw_open(w, '{');
	lx_jw_key(w, "kind");
	lx_jw_str(w, it->h.target_kind[0] ? it->h.target_kind : NULL);
	lx_jw_key(w, "id");
	it->h.target_id ? lx_jw_id(w, it->h.target_id) : lx_jw_null(w);
	lx_jw_close(w, '}');
	lx_jw_key(w, "found_at");
	lx_jw_time(w, it->h.created_at, r->app->tz_offset_min);
	lx_jw_key(w, "photos");
	lx_jw_open(w, '[');
	for (size_t i = 0; i < ph->n; i++)
		lx_jw_id(w, ph->ids[i]);
	lx_jw_close(w, ']');
	lx_jw_close(w, '}');
}

enum { HC_CASE, HC_LABEL, HC_CATEGORY, HC_STATUS, HC_OWNER, HC_ADDRESS, HC_DEADLINE, HC_OVERDUE, HC_FAILURES,
       HC_FOUND, HC_PHOTOS, HC__N };
static const char *const lx_hazard_titles[HC__N] = {"案件编号", "隐患", "分类", "状态", "责任人", "地址",
						    "整改期限", "是否逾期", "复查未通过次数", "发现时间", "照片"};
static const double lx_hazard_widths[HC__N] = {12, 28, 18, 10, 14, 36, 18, 10, 14, 18, 60};

static void lx_hazard_row_sheet(struct lx_hazard_list *l, const lx_hazard_item *it, const struct lx_photo_ids *ph)
{
	char id[24], due[40], found[40];
	snprintf(id, sizeof id, "%lld", (long long)it->h.case_id);
	lx_time_format(it->resolve_due_at, l->r->app->tz_offset_min, due, sizeof due);
	lx_time_format(it->h.created_at, l->r->app->tz_offset_min, found, sizeof found);
	due[it->resolve_due_at ? 16 : 0] = found[16] = '\0';
	due[10] = due[10] ? ' ' : '\0';
	found[10] = ' ';
	const lx_flow_state *st = lx_flow_state_of("hazard", it->status);
	const char *cat = it->category_code ? json_string_value(json_object_get(l->cat_names, it->category_code)) : NULL;
	lx_buf links;
	lx_buf_init(&links);
	for (size_t i = 0; i < ph->n; i++)
		lx_buf_printf(&links, "%s%s/api/v1/attachments/%lld", i ? "\n" : "",
			      l->r->app->public_url ? l->r->app->public_url : "", (long long)ph->ids[i]);
	/* free texts leave the system: ID numbers and phones in them masked */
	char *addr = it->address ? lx_scrub_pii(it->address) : NULL;
	lx_sheet_text(l->sheet, HC_CASE, id, false);
	lx_sheet_text(l->sheet, HC_LABEL, it->h.label ? it->h.label : it->title, true);
	lx_sheet_text(l->sheet, HC_CATEGORY, cat ? cat : it->category_code, false);
	lx_sheet_text(l->sheet, HC_STATUS, st && st->label ? st->label : it->status, false);
	lx_sheet_text(l->sheet, HC_OWNER, it->h.owner, false);
	lx_sheet_text(l->sheet, HC_ADDRESS, addr, true);
	lx_sheet_text(l->sheet, HC_DEADLINE, due, false);
	lx_sheet_text(l->sheet, HC_OVERDUE, it->overdue ? "是" : "否", false);
	lx_sheet_number(l->sheet, HC_FAILURES, it->h.failures);
	lx_sheet_text(l->sheet, HC_FOUND, found, false);
	lx_sheet_text(l->sheet, HC_PHOTOS, links.data, true);
	lx_sheet_next(l->sheet);
	free(addr);
	lx_buf_free(&links);
}

static int lx_hazard_item_cb(void *arg, const lx_hazard_item *it)
{
	struct lx_hazard_list *l = arg;
	if (l->max && l->n == l->max) {
		l->more = true;
		return 1;
	}
	struct lx_photo_ids ph = {.n = 0};
	l->rc = lx_attachments_each(l->r->db, it->h.case_id, lx_photo_id, &ph);
	if (l->rc != LX_OK)
		return 1;
	if (l->sheet)
		lx_hazard_row_sheet(l, it, &ph);
	else
		lx_hazard_write(l->w, l->r, it, &ph);
	l->n++;
	l->last = it->h.case_id;
	return 0;
}

int lx_api_hazards_list(lx_req *r)
{
	lx_hazard_filter f;
	lx_unit u = {0};
	int rc = lx_hazard_query_or_reply(r, &f, &u, 200);
	if (rc != LX_OK)
		return rc;
	lx_buf b;
	lx_jw w;
	lx_api_list_open(&b, &w);
	/* one row more than the page: whether another page follows */
	struct lx_hazard_list l = {.r = r, .w = &w, .max = (size_t)f.limit, .rc = LX_OK};
	f.limit++;
	rc = lx_hazards_each(r->db, r->user.scope, &f, lx_hazard_item_cb, &l);
	if (rc != LX_OK || l.rc != LX_OK) {
		lx_buf_free(&b);
		rc = lx_reply_store_error(r, rc != LX_OK ? rc : l.rc);
		goto cleanup;
	}
	rc = lx_api_list_reply(r, &w, l.more, l.last);
cleanup:
	lx_unit_clear(&u);
	return rc;
}

int lx_api_hazards_export(lx_req *r)
{
	lx_hazard_filter f;
	lx_unit u = {0};
	int rc = lx_hazard_query_or_reply(r, &f, &u, LX_HAZARD_EXPORT_MAX);
	if (rc != LX_OK)
		return rc;
	struct lx_hazard_list l = {.r = r, .rc = LX_OK};
	rc = lx_sheet_open_or_reply(r, "隐患台账", lx_hazard_titles, lx_hazard_widths, HC__N, &l.sheet);
	if (rc != LX_OK)
		goto cleanup;
	l.cat_names = lx_api_category_names(r->db);
	rc = lx_hazards_each(r->db, r->user.scope, &f, lx_hazard_item_cb, &l);
	if (rc != LX_OK || l.rc != LX_OK) {
		lx_sheet_free(l.sheet);
		rc = lx_reply_store_error(r, rc != LX_OK ? rc : l.rc);
		goto cleanup;
	}
	lx_trail_defer(r, "export", "hazards.xlsx", NULL);
	/* "隐患台账" percent-encoded as UTF-8 */
	rc = lx_sheet_reply(r, l.sheet, "hazards", "%E9%9A%90%E6%82%A3%E5%8F%B0%E8%B4%A6");
cleanup:
	json_decref(l.cat_names);
	lx_unit_clear(&u);
	return rc;
}
