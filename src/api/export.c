/*
 * export.c - any case list as a spreadsheet: GET /api/v1/cases/export.xlsx
 * and GET /api/v1/cases/export.csv, with the same filters as GET
 * /api/v1/cases (status, type, category_code, unit_id, overdue, q, from, to)
 * and the same scope (store/lx_case_list takes the caller's scope).
 *
 * Chinese offices open these in Excel, so:
 * - the header row is Chinese, enumerations are shown by their Chinese
 *   names, unit and category codes are resolved to names;
 * - reporters' phones are always masked (138****5678) and anonymous
 *   reporters' names hidden, whoever exports: a file leaves the system;
 *   for the same reason ID, mobile and landline numbers written into the
 *   free texts (title, description, address, reply, the reporter's name)
 *   are masked (core/scrub.h);
 * - times are local text in the server's zone ("2026-04-01 09:30:00");
 * - .xlsx via libxlsxwriter (constant-memory mode: rows are streamed to a
 *   temporary file and strings are written inline in the sheet XML); the
 *   characters XML 1.0 cannot carry (C0 controls but tab and line breaks,
 *   U+FFFE, U+FFFF), which the API takes in a title, are dropped, or the
 *   file would not open;
 * - CSV is UTF-8 with a BOM (Excel needs it to see UTF-8), or GB18030 (a
 *   superset of GBK: GBK text is byte-identical) with `encoding=gbk`, via
 *   iconv. Cells that a spreadsheet would read as a formula are prefixed
 *   with an apostrophe (OWASP's CSV injection list: = + - @, tab and
 *   carriage return; also a line feed, the full-width ＝ ＋ － ＠ a Chinese
 *   input method types, and any of these after leading spaces).
 *
 * At most LX_EXPORT_MAX rows (newest first); `limit` may ask for fewer.
 *
 * The filters are parsed by lx_api_case_query_parse (case_query.c), exactly
 * as for the list, and the case number comes from lx_api_case_number.
 */
#include "api.h"
#include "scrub.h"
#include "sheet.h"
#include "text.h"
#include "flow.h"

#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define LX_EXPORT_MAX 20000

/* ---------------- rows ---------------- */

enum {
	COL_NUMBER, COL_TYPE, COL_CHANNEL, COL_STATUS, COL_CAT_CODE, COL_CAT_NAME, COL_TITLE,
	COL_DESC, COL_ADDRESS, COL_UNIT, COL_HANDLER, COL_URGENT, COL_REP_NAME, COL_REP_PHONE,
	COL_CREATED, COL_DISPATCHED, COL_ACCEPT_DUE, COL_RESOLVE_DUE, COL_ACCEPTED, COL_RESOLVED,
	COL_CLOSED, COL_REPLY, COL_RATING, COL_SOLVED, COL_OVERDUE, COL_SUPERVISED, COL__N
};

static const char *const lx_export_titles[COL__N] = {
	"编号", "类型", "来源渠道", "状态", "分类编码", "分类名称", "标题", "诉求内容", "地址",
	"所在网格", "承办单位", "紧急", "反映人", "联系电话", "受理时间", "派发时间", "签收时限",
	"办结时限", "签收时间", "办结时间", "结案时间", "答复内容", "评价", "是否解决", "超期",
	"督办次数",
};

/* Column widths in characters for the .xlsx. */
static const double lx_export_widths[COL__N] = {
	16, 10, 12, 10, 9, 18, 28, 50, 28, 18, 16, 6, 10, 14, 19, 19, 19, 19, 19, 19, 19, 40, 10,
	9, 6, 9,
};

static const char *lx_zh(const char *const *names, const char *const *zh, const char *v)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], v) == 0)
			return zh[i];
	return v;
}

/* The type's name in its machine (flow/machines.c). */
static const char *lx_type_zh(const char *v)
{
	for (const lx_flow_decl *d = lx_flow_machines; d->type; d++)
		if (strcmp(d->type, v) == 0)
			return d->label;
	return v;
}

static const char *lx_channel_zh(const char *v)
{
	static const char *const n[] = {"hotline", "web", "grid_visit", "deputy_station", "onekey",
					"open311", "import", "inspection", NULL};
	static const char *const z[] = {"12345热线", "网上诉求", "网格巡查", "代表联络站", "一键呼叫",
					"Open311", "批量导入", "督查巡查"};
	return lx_zh(n, z, v);
}

/* The status's name in its machine (flow/machines.c). */
static const char *lx_status_zh(const lx_case *c)
{
	const lx_flow_state *st = lx_flow_state_of(c->type, c->status);
	return st && st->label ? st->label : c->status;
}

static const char *lx_rating_zh(const char *v)
{
	int r = lx_rating_parse(v);
	return r >= 0 ? lx_rating_label((lx_rating)r) : v;
}

/* What the row callback needs: the request, name caches, the writer. */
struct lx_export_ctx {
	lx_req *r;
	json_t *cat_names;   /* code -> name */
	json_t *unit_names;  /* "id" -> name (filled lazily) */
	lx_ms now;
	size_t rows;
	/* one of the two writers */
	lx_sheet *sheet;
	lx_buf *csv;
};

static const char *lx_unit_name_cached(struct lx_export_ctx *x, int64_t id)
{
	char key[32];
	if (!id)
		return "";
	snprintf(key, sizeof key, "%lld", (long long)id);
	json_t *v = json_object_get(x->unit_names, key);
	if (!v) {
		lx_unit u = {0};
		v = json_string(lx_unit_get(x->r->db, "/", id, &u) == LX_OK ? u.name : key);
		lx_unit_clear(&u);
		json_object_set_new(x->unit_names, key, v);
	}
	return json_string_value(v);
}

/* Local time text "YYYY-MM-DD HH:MM:SS" of t in the server zone, "" for never. */
static const char *lx_local_text(lx_req *r, lx_ms t, char *buf, size_t n)
{
	if (!t || n < 20) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	lx_time_format(t, r->app->tz_offset_min, buf, n);
	buf[10] = ' ';
	buf[19] = '\0';
	return buf;
}

/* The malloc'd strings a row's cells point to, freed with it. */
enum { LX_OWNED_PHONE, LX_OWNED_TITLE, LX_OWNED_DESC, LX_OWNED_ADDRESS, LX_OWNED_REPLY,
       LX_OWNED_NAME, LX_OWNED__N };

static void lx_export_owned_free(char **owned)
{
	for (int i = 0; i < LX_OWNED__N; i++)
		free(owned[i]);
}

/* Free text as it leaves the system: personal numbers masked, owned by
 * *keep; "" for none. */
static const char *lx_export_text(const char *s, char **keep)
{
	*keep = lx_scrub_pii(s);
	return *keep ? *keep : "";
}

/* Fills cells[COL__N] for case c; strings point into c, statics, bufs or
 * owned[LX_OWNED__N] (the caller frees those with lx_export_owned_free). */
static void lx_export_cells(struct lx_export_ctx *x, const lx_case *c, const char **cells,
			    char bufs[][40], char **owned)
{
	memset(owned, 0, LX_OWNED__N * sizeof *owned);
	lx_req *r = x->r;
	char day[40];
	lx_time_format(c->created_at, r->app->tz_offset_min, day, sizeof day);
	lx_api_case_number(r, c, bufs[0]);
	cells[COL_NUMBER] = bufs[0];
	cells[COL_TYPE] = lx_type_zh(c->type);
	cells[COL_CHANNEL] = lx_channel_zh(c->channel);
	cells[COL_STATUS] = lx_status_zh(c);
	cells[COL_CAT_CODE] = c->category_code ? c->category_code : "";
	json_t *cn = c->category_code ? json_object_get(x->cat_names, c->category_code) : NULL;
	cells[COL_CAT_NAME] = cn ? json_string_value(cn) : "";
	cells[COL_TITLE] = lx_export_text(c->title, &owned[LX_OWNED_TITLE]);
	cells[COL_DESC] = lx_export_text(c->description, &owned[LX_OWNED_DESC]);
	cells[COL_ADDRESS] = lx_export_text(c->address, &owned[LX_OWNED_ADDRESS]);
	cells[COL_UNIT] = lx_unit_name_cached(x, c->unit_id);
	cells[COL_HANDLER] = lx_unit_name_cached(x, c->handler_unit_id);
	cells[COL_URGENT] = c->urgent ? "是" : "否";
	cells[COL_REP_NAME] = c->reporter_anonymous ? "（匿名）" : lx_export_text(c->reporter_name, &owned[LX_OWNED_NAME]);
	if (c->reporter_anonymous || !c->reporter_phone) {
		cells[COL_REP_PHONE] = "";
	} else {
		owned[LX_OWNED_PHONE] = lx_mask_phone(c->reporter_phone);
		cells[COL_REP_PHONE] = owned[LX_OWNED_PHONE];
	}
	cells[COL_CREATED] = lx_local_text(r, c->created_at, bufs[1], 40);
	cells[COL_DISPATCHED] = lx_local_text(r, c->dispatched_at, bufs[2], 40);
	cells[COL_ACCEPT_DUE] = lx_local_text(r, c->accept_due_at, bufs[3], 40);
	cells[COL_RESOLVE_DUE] = lx_local_text(r, c->resolve_due_at, bufs[4], 40);
	cells[COL_ACCEPTED] = lx_local_text(r, c->accepted_at, bufs[5], 40);
	cells[COL_RESOLVED] = lx_local_text(r, c->resolved_at, bufs[6], 40);
	cells[COL_CLOSED] = lx_local_text(r, c->closed_at, bufs[7], 40);
	cells[COL_REPLY] = lx_export_text(c->reply, &owned[LX_OWNED_REPLY]);
	cells[COL_RATING] = c->rating[0] ? lx_rating_zh(c->rating) : "";
	cells[COL_SOLVED] = c->solved < 0 ? "" : c->solved ? "已解决" : "未解决";
	cells[COL_OVERDUE] = lx_flow_overdue(c, x->now) ? "是" : "否";
	snprintf(bufs[8], 40, "%d", c->supervised);
	cells[COL_SUPERVISED] = bufs[8];
}

/* ---------------- xlsx ---------------- */

static int lx_xlsx_row(void *arg, const lx_case *c)
{
	struct lx_export_ctx *x = arg;
	const char *cells[COL__N];
	char bufs[9][40];
	char *owned[LX_OWNED__N];
	lx_export_cells(x, c, cells, bufs, owned);
	for (int i = 0; i < COL__N; i++) {
		if (i == COL_SUPERVISED)
			lx_sheet_number(x->sheet, i, (double)c->supervised);
		else
			lx_sheet_text(x->sheet, i, cells[i], i == COL_DESC || i == COL_REPLY);
	}
	lx_sheet_next(x->sheet);
	lx_export_owned_free(owned);
	x->rows++;
	return 0;
}

/* Sets the download header: an ASCII name and the Chinese one (RFC 5987). */
static void lx_export_filename(lx_req *r, const char *ext)
{
	char day[40];
	lx_time_format(lx_now_ms(), r->app->tz_offset_min, day, sizeof day);
	/* "案件导出" percent-encoded as UTF-8 */
	lx_reply_header(r, "Content-Disposition",
		"attachment; filename=\"cases-%.4s%.2s%.2s.%s\"; "
		"filename*=UTF-8''%%E6%%A1%%88%%E4%%BB%%B6%%E5%%AF%%BC%%E5%%87%%BA-%.4s%.2s%.2s.%s",
		day, day + 5, day + 8, ext, day, day + 5, day + 8, ext);
}

int lx_api_cases_export_xlsx(lx_req *r)
{
	lx_case_query q;
	struct lx_export_ctx x = {0};
	bool more = false;
	int rc = lx_api_case_query_parse(r, LX_EXPORT_MAX, LX_EXPORT_MAX, &q);
	if (rc != LX_OK)
		return rc;
	rc = lx_sheet_open_or_reply(r, "案件", lx_export_titles, lx_export_widths, COL__N, &x.sheet);
	if (rc != LX_OK)
		goto cleanup;
	x.r = r;
	x.now = lx_now_ms();
	x.cat_names = lx_api_category_names(r->db);
	x.unit_names = json_object();
	rc = lx_case_list(r->db, r->user.scope, &q.f, lx_xlsx_row, &x, &more);
	if (rc != LX_OK) {
		lx_sheet_free(x.sheet);
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	lx_trail_defer(r, "export", "cases.xlsx", NULL);
	/* "案件导出" percent-encoded as UTF-8 */
	rc = lx_sheet_reply(r, x.sheet, "cases", "%E6%A1%88%E4%BB%B6%E5%AF%BC%E5%87%BA");
cleanup:
	json_decref(x.cat_names);
	json_decref(x.unit_names);
	lx_api_case_query_clear(&q);
	return rc;
}

/* ---------------- csv ---------------- */

/* Would a spreadsheet read the cell s as a formula? It starts (after any
 * spaces: U+0020, U+00A0, U+3000) with = + - @, a tab, a carriage return
 * or a line feed, or with the full-width ＝ ＋ － ＠. */
static bool lx_csv_formula(const char *s)
{
	static const char *const spaces[] = {" ", "\xC2\xA0", "\xE3\x80\x80"};
	static const char *const wide[] = {"\xEF\xBC\x9D", "\xEF\xBC\x8B", "\xEF\xBC\x8D", "\xEF\xBC\xA0"};
	for (bool more = true; more;) {
		more = false;
		for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
			size_t n = strlen(spaces[i]);
			if (strncmp(s, spaces[i], n) == 0) {
				s += n;
				more = true;
			}
		}
	}
	if (*s && strchr("=+-@\t\r\n", *s))
		return true;
	for (size_t i = 0; i < sizeof wide / sizeof wide[0]; i++)
		if (strncmp(s, wide[i], 3) == 0)
			return true;
	return false;
}

/* Appends one RFC 4180 field; quotes when needed, defuses formulas. */
static void lx_csv_put(lx_buf *b, const char *s, bool first)
{
	if (!first)
		lx_buf_putc(b, ',');
	bool formula = lx_csv_formula(s);
	bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
	if (!quote) {
		lx_buf_puts(b, s);
		return;
	}
	lx_buf_putc(b, '"');
	if (formula)
		lx_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			lx_buf_putc(b, '"');
		lx_buf_putc(b, *s);
	}
	lx_buf_putc(b, '"');
}

static int lx_csv_row_cb(void *arg, const lx_case *c)
{
	struct lx_export_ctx *x = arg;
	const char *cells[COL__N];
	char bufs[9][40];
	char *owned[LX_OWNED__N];
	lx_export_cells(x, c, cells, bufs, owned);
	for (int i = 0; i < COL__N; i++)
		lx_csv_put(x->csv, cells[i], i == 0);
	lx_buf_puts(x->csv, "\r\n");
	lx_export_owned_free(owned);
	x->rows++;
	return 0;
}

/* Converts UTF-8 text to GB18030 (GBK-compatible). Owned result or NULL. */
static char *lx_to_gb18030(const char *in, size_t inlen, size_t *outlen)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	if (cd == (iconv_t)-1)
		return NULL;
	size_t cap = inlen + inlen / 2 + 16, left = cap;
	char *out = lx_xmalloc(cap), *op = out;
	char *ip = (char *)in;
	size_t ileft = inlen;
	while (ileft) {
		if (iconv(cd, &ip, &ileft, &op, &left) != (size_t)-1)
			break;
		if (errno == E2BIG) {
			size_t used = (size_t)(op - out);
			cap *= 2;
			out = lx_xrealloc(out, cap);
			op = out + used;
			left = cap - used;
			continue;
		}
		/* not valid UTF-8 (cannot happen for stored text): stop */
		free(out);
		iconv_close(cd);
		return NULL;
	}
	iconv_close(cd);
	*outlen = (size_t)(op - out);
	return out;
}

int lx_api_cases_export_csv(lx_req *r)
{
	lx_case_query q;
	struct lx_export_ctx x = {0};
	lx_buf b;
	bool more = false, gbk = false;
	int rc;
	const char *enc = lx_req_arg(r, "encoding");
	if (enc && !*enc)
		enc = NULL;
	if (enc) {
		if (strcasecmp(enc, "gbk") == 0 || strcasecmp(enc, "gb18030") == 0)
			gbk = true;
		else if (strcasecmp(enc, "utf-8") != 0 && strcasecmp(enc, "utf8") != 0)
			return lx_reply_error(r, 422, "unknown_encoding", "encoding", "encoding must be utf-8 or gbk");
	}
	rc = lx_api_case_query_parse(r, LX_EXPORT_MAX, LX_EXPORT_MAX, &q);
	if (rc != LX_OK)
		return rc;
	lx_buf_init(&b);
	if (!gbk)
		lx_buf_puts(&b, "\xEF\xBB\xBF");
	for (int i = 0; i < COL__N; i++)
		lx_csv_put(&b, lx_export_titles[i], i == 0);
	lx_buf_puts(&b, "\r\n");
	x.r = r;
	x.csv = &b;
	x.now = lx_now_ms();
	x.cat_names = lx_api_category_names(r->db);
	x.unit_names = json_object();
	rc = lx_case_list(r->db, r->user.scope, &q.f, lx_csv_row_cb, &x, &more);
	if (rc != LX_OK) {
		rc = lx_reply_store_error(r, rc);
		goto cleanup;
	}
	lx_export_filename(r, "csv");
	if (gbk) {
		size_t outlen = 0;
		char *out = lx_to_gb18030(b.data, b.len, &outlen);
		if (!out) {
			rc = lx_reply_error(r, 500, "internal", NULL, "iconv has no GB18030");
			goto cleanup;
		}
		lx_trail_defer(r, "export", "cases.csv", "GB18030");
		rc = lx_reply_raw(r, 200, "text/csv; charset=GB18030", out, outlen);
	} else {
		size_t len = b.len;
		lx_trail_defer(r, "export", "cases.csv", NULL);
		rc = lx_reply_raw(r, 200, "text/csv; charset=utf-8", lx_buf_steal(&b), len);
	}
cleanup:
	lx_buf_free(&b);
	json_decref(x.cat_names);
	json_decref(x.unit_names);
	lx_api_case_query_clear(&q);
	return rc;
}
