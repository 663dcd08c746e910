/*
 * import.c - the registry import (field.h): households, residents or
 * places from a spreadsheet (CSV in UTF-8 or GBK, or XLSX, read into the
 * same table by core/csv.c and core/xlsx.c).
 *
 * Two phases, so that a dry run and the real thing say the same: the check
 * reads every row against what is stored (outside the writer: it may take
 * seconds) and keeps what each good row will do; the apply writes them all
 * in the caller's transaction. A row's identity: a household by its
 * address in its unit, a resident by the ID number (else a new one), a
 * place by name and address in its unit. A resident whose
 * household_address names no household makes one (once per address).
 */
#include "field.h"
#include "pii.h"
#include "repo.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool lx_import_kind_parse(const char *s, lx_import_kind *kind)
{
	static const char *const names[] = {"households", "residents", "places"};
	for (int i = 0; s && i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*kind = (lx_import_kind)i;
			return true;
		}
	return false;
}

/* One good row: what it writes. */
struct lx_import_row {
	size_t line;
	bool update;
	lx_household h; /* households; residents: the new household (h.address set, id 0) */
	lx_resident p;
	lx_place pl;
	int new_household;  /* residents: 1 + index of the row that makes its household, 0: none */
};

struct lx_reg_import {
	lx_import_kind kind;
	struct lx_import_row *rows;
	size_t nrows;
	json_t *errors;
	size_t created, updated;
	json_t *units;        /* unit code -> [id, path] (what the rows named) */
	json_t *addresses;    /* "unit_id|address" -> row index + 1 of a household made here */
	json_t *id_numbers;   /* normalised ID numbers seen (duplicates in the file) */
};

/* The columns, by the names a header may give them (English, Chinese). */
enum { C_UNIT, C_ADDRESS, C_MEMBERS, C_LAT, C_LON, C_NAME, C_GENDER, C_BIRTH, C_PHONE, C_IDN, C_TAGS,
       C_HH_ADDRESS, C_TYPE, C_CONTACT, C__N };
static const char *const lx_import_cols[C__N][6] = {
	[C_UNIT] = {"unit_code", "单位编码", "网格编码", "网格代码", NULL},
	[C_ADDRESS] = {"address", "地址", "住址", NULL},
	[C_MEMBERS] = {"members", "人数", "户人数", "家庭人数", NULL},
	[C_LAT] = {"lat", "纬度", NULL},
	[C_LON] = {"lon", "经度", NULL},
	[C_NAME] = {"name", "姓名", "名称", NULL},
	[C_GENDER] = {"gender", "性别", NULL},
	[C_BIRTH] = {"birth_date", "出生日期", NULL},
	[C_PHONE] = {"phone", "电话", "手机", "联系电话", "手机号", NULL},
	[C_IDN] = {"id_number", "身份证号", "身份证号码", "公民身份号码", NULL},
	[C_TAGS] = {"tags", "标签", "人员标签", NULL},
	[C_HH_ADDRESS] = {"household_address", "家庭住址", "户籍地址", "居住地址", NULL},
	[C_TYPE] = {"type", "类型", "场所类型", NULL},
	[C_CONTACT] = {"contact", "联系人", "负责人", NULL},
};

static void lx_bad(lx_reg_import *im, size_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void lx_bad(lx_reg_import *im, size_t line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_array_append_new(im->errors, json_pack("{s:I, s:s}", "line", (json_int_t)line, "message", msg));
}

/* The unit a row's unit_code names, in scope; NULL after lx_bad otherwise. */
static json_t *lx_row_unit(lx_db *db, const char *scope, lx_reg_import *im, size_t line, const char *code, int *rc)
{
	if (!*code) {
		lx_bad(im, line, "unit_code is required");
		return NULL;
	}
	json_t *u = json_object_get(im->units, code);
	if (!u) {
		lx_unit unit;
		int st = lx_unit_get_by_code(db, code, &unit);
		if (st != LX_OK && st != LX_NOTFOUND) {
			*rc = st;
			return NULL;
		}
		bool ok = st == LX_OK && lx_scope_contains(scope, unit.path);
		u = ok ? json_pack("[I, s]", (json_int_t)unit.id, unit.path) : json_null();
		json_object_set_new(im->units, code, u);
		if (st == LX_OK)
			lx_unit_clear(&unit);
	}
	if (json_is_null(u)) {
		lx_bad(im, line, "no unit with code '%.40s' in your scope", code);
		return NULL;
	}
	return u;
}

static bool lx_number_cell(const char *s, double lo, double hi, double *out)
{
	return lx_parse_decimal(s, out) && *out >= lo && *out <= hi;
}

/* A household row. */
static int lx_check_household(lx_db *db, const char *scope, lx_reg_import *im, const lx_csv_row *row,
			      const int *col, struct lx_import_row *out)
{
	int rc = LX_OK;
	size_t line = row->line;
	json_t *u = lx_row_unit(db, scope, im, line, lx_csv_field(row, col[C_UNIT]), &rc);
	const char *addr = lx_csv_field(row, col[C_ADDRESS]), *mem = lx_csv_field(row, col[C_MEMBERS]);
	const char *lat = lx_csv_field(row, col[C_LAT]), *lon = lx_csv_field(row, col[C_LON]);
	double m = 0, la = 0, lo = 0;
	if (!u)
		return rc;
	if (!*addr || lx_utf8_len(addr) > 200) {
		lx_bad(im, line, "address is required (at most 200 characters)");
		return LX_OK;
	}
	if (*mem && (!lx_number_cell(mem, 0, 99, &m) || m != (int)m)) {
		lx_bad(im, line, "members is a whole number from 0 to 99");
		return LX_OK;
	}
	if ((*lat || *lon) && (!lx_number_cell(lat, -90, 90, &la) || !lx_number_cell(lon, -180, 180, &lo))) {
		lx_bad(im, line, "lat and lon are a point (degrees), given together");
		return LX_OK;
	}
	char key[300];
	snprintf(key, sizeof key, "%lld|%s", (long long)json_integer_value(json_array_get(u, 0)), addr);
	if (json_object_get(im->addresses, key)) {
		lx_bad(im, line, "the address is on an earlier line of the file");
		return LX_OK;
	}
	lx_household was;
	rc = lx_household_by_address(db, json_string_value(json_array_get(u, 1)), addr, &was);
	if (rc == LX_OK) {
		out->h = was;
		out->update = true;
	} else if (rc == LX_NOTFOUND) {
		out->h.unit_id = json_integer_value(json_array_get(u, 0));
		out->h.unit_path = lx_xstrdup(json_string_value(json_array_get(u, 1)));
		out->h.address = lx_xstrdup(addr);
	} else {
		return rc;
	}
	if (*mem)
		out->h.members = (int)m;
	if (*lat) {
		out->h.has_point = true;
		out->h.lat = la;
		out->h.lon = lo;
	}
	json_object_set_new(im->addresses, key, json_integer(1));
	out->line = line;
	return LX_ROW;
}

/* Splits "a;b；c" into an array of names. */
static json_t *lx_split_tags(const char *s)
{
	json_t *arr = json_array();
	char *copy = lx_xstrdup(s), *save = NULL;
	/* a full-width semicolon counts as one */
	for (char *p = strstr(copy, "；"); p; p = strstr(p, "；")) {
		memmove(p + 1, p + 3, strlen(p + 3) + 1);
		*p = ';';
	}
	for (char *t = strtok_r(copy, ";,", &save); t; t = strtok_r(NULL, ";,", &save)) {
		while (*t == ' ')
			t++;
		size_t n = strlen(t);
		while (n && t[n - 1] == ' ')
			t[--n] = '\0';
		if (n)
			json_array_append_new(arr, json_string(t));
	}
	free(copy);
	return arr;
}

/* The household of a resident row: found, made by an earlier row, or to
 * be made by this one. */
static int lx_resident_household(lx_db *db, lx_reg_import *im, json_t *u, const char *addr, size_t index,
				 struct lx_import_row *out)
{
	int64_t unit_id = json_integer_value(json_array_get(u, 0));
	const char *path = json_string_value(json_array_get(u, 1));
	char key[300];
	snprintf(key, sizeof key, "%lld|%s", (long long)unit_id, addr);
	json_t *made = json_object_get(im->addresses, key);
	if (made) {
		out->new_household = (int)json_integer_value(made);
		im->rows[out->new_household - 1].h.members++;
		return LX_OK;
	}
	lx_household h;
	int rc = lx_household_by_address(db, path, addr, &h);
	if (rc == LX_OK) {
		out->p.household_id = h.id;
		out->p.unit_id = h.unit_id;
		free(out->p.unit_path);
		out->p.unit_path = lx_xstrdup(h.unit_path);
		lx_household_clear(&h);
		return LX_OK;
	}
	if (rc != LX_NOTFOUND)
		return rc;
	out->h.unit_id = unit_id;
	out->h.unit_path = lx_xstrdup(path);
	out->h.address = lx_xstrdup(addr);
	out->h.members = 1;
	out->new_household = (int)index + 1;
	json_object_set_new(im->addresses, key, json_integer((json_int_t)index + 1));
	return LX_OK;
}

static int lx_check_resident(lx_db *db, const char *scope, bool sensitive_ok, const lx_reg_tags *tags,
			     lx_reg_import *im, const lx_csv_row *row, const int *col, size_t index,
			     struct lx_import_row *out)
{
	int rc = LX_OK;
	size_t line = row->line;
	json_t *u = lx_row_unit(db, scope, im, line, lx_csv_field(row, col[C_UNIT]), &rc);
	if (!u)
		return rc;
	json_t *tag_list = lx_split_tags(lx_csv_field(row, col[C_TAGS]));
	lx_resident_text t = {.name = lx_csv_field(row, col[C_NAME]), .gender = lx_csv_field(row, col[C_GENDER]),
			      .birth_date = lx_csv_field(row, col[C_BIRTH]), .phone = lx_csv_field(row, col[C_PHONE]),
			      .id_number = lx_csv_field(row, col[C_IDN]), .tags = tag_list};
	lx_reg_error e = {0};
	rc = lx_reg_resident_check(&t, tags, sensitive_ok, &out->p, &e);
	json_decref(tag_list);
	if (rc != LX_OK) {
		lx_bad(im, line, "%s: %s", e.field, e.message);
		return LX_OK;
	}
	if (out->p.id_number) {
		if (json_object_get(im->id_numbers, out->p.id_number)) {
			lx_bad(im, line, "id_number: the ID number is on an earlier line of the file");
			return LX_OK;
		}
		json_object_set_new(im->id_numbers, out->p.id_number, json_true());
		lx_resident was;
		rc = lx_resident_by_id_number(db, "/", out->p.id_number, &was);
		if (rc == LX_OK) {
			bool mine = lx_scope_contains(scope, was.unit_path);
			if (mine) {
				out->update = true;
				out->p.id = was.id;
				out->p.version = was.version;
				out->p.household_id = was.household_id;
			}
			lx_resident_clear(&was);
			if (!mine) {
				lx_bad(im, line, "id_number: registered already outside your scope");
				return LX_OK;
			}
		} else if (rc != LX_NOTFOUND) {
			return rc;
		}
	}
	out->p.unit_id = json_integer_value(json_array_get(u, 0));
	free(out->p.unit_path);
	out->p.unit_path = lx_xstrdup(json_string_value(json_array_get(u, 1)));
	const char *addr = lx_csv_field(row, col[C_HH_ADDRESS]);
	if (*addr && lx_utf8_len(addr) > 200) {
		lx_bad(im, line, "household_address has at most 200 characters");
		return LX_OK;
	}
	if (*addr && (rc = lx_resident_household(db, im, u, addr, index, out)) != LX_OK)
		return rc;
	out->line = line;
	return LX_ROW;
}

static int lx_check_place(lx_db *db, const char *scope, lx_reg_import *im, const lx_csv_row *row, const int *col,
			  struct lx_import_row *out)
{
	int rc = LX_OK;
	size_t line = row->line;
	json_t *u = lx_row_unit(db, scope, im, line, lx_csv_field(row, col[C_UNIT]), &rc);
	if (!u)
		return rc;
	const char *name = lx_csv_field(row, col[C_NAME]), *type = lx_csv_field(row, col[C_TYPE]);
	const char *addr = lx_csv_field(row, col[C_ADDRESS]), *phone = lx_csv_field(row, col[C_PHONE]);
	const char *lat = lx_csv_field(row, col[C_LAT]), *lon = lx_csv_field(row, col[C_LON]);
	char norm[24];
	double la = 0, lo = 0;
	const char *why;
	if (!*name || lx_utf8_len(name) > 100 || !*type || lx_utf8_len(type) > 32) {
		lx_bad(im, line, "name (up to 100 characters) and type (up to 32) are required");
		return LX_OK;
	}
	if (*phone && (why = lx_phone_check(phone, norm))) {
		lx_bad(im, line, "phone: %s", why);
		return LX_OK;
	}
	if ((*lat || *lon) && (!lx_number_cell(lat, -90, 90, &la) || !lx_number_cell(lon, -180, 180, &lo))) {
		lx_bad(im, line, "lat and lon are a point (degrees), given together");
		return LX_OK;
	}
	rc = lx_place_by_name(db, json_string_value(json_array_get(u, 1)), name, addr, &out->pl);
	if (rc == LX_OK)
		out->update = true;
	else if (rc != LX_NOTFOUND)
		return rc;
	lx_place *p = &out->pl;
	p->unit_id = json_integer_value(json_array_get(u, 0));
	free(p->unit_path);
	p->unit_path = lx_xstrdup(json_string_value(json_array_get(u, 1)));
	free(p->name);
	p->name = lx_xstrdup(name);
	free(p->type);
	p->type = lx_xstrdup(type);
	free(p->address);
	p->address = *addr ? lx_xstrdup(addr) : NULL;
	const char *contact = lx_csv_field(row, col[C_CONTACT]);
	if (*contact) {
		free(p->contact);
		p->contact = lx_xstrdup(contact);
	}
	if (*phone) {
		lx_pii_free(p->phone);
		p->phone = lx_xstrdup(norm);
	}
	if (*lat) {
		p->has_point = true;
		p->lat = la;
		p->lon = lo;
	}
	out->line = line;
	return LX_ROW;
}

static void lx_row_clear(struct lx_import_row *row)
{
	lx_household_clear(&row->h);
	lx_resident_clear(&row->p);
	lx_place_clear(&row->pl);
}

void lx_reg_import_free(lx_reg_import *im)
{
	if (!im)
		return;
	for (size_t i = 0; i < im->nrows; i++)
		lx_row_clear(&im->rows[i]);
	free(im->rows);
	json_decref(im->errors);
	json_decref(im->units);
	json_decref(im->addresses);
	json_decref(im->id_numbers);
	free(im);
}

/* The header's columns into col (-1: absent); what kind needs must be there. */
static int lx_import_columns(const lx_csv *t, lx_import_kind kind, int *col, char *err, size_t errsz)
{
	static const int need[3][3] = {{C_UNIT, C_ADDRESS, -1}, {C_UNIT, C_NAME, -1}, {C_UNIT, C_NAME, C_TYPE}};
	for (int c = 0; c < C__N; c++)
		col[c] = lx_csv_column(t, lx_import_cols[c]);
	for (int i = 0; i < 3; i++) {
		int c = need[kind][i];
		if (c >= 0 && col[c] < 0) {
			snprintf(err, errsz, "line 1: the header has no %s column", lx_import_cols[c][0]);
			return LX_INVALID;
		}
	}
	return LX_OK;
}

int lx_reg_import_check(lx_db *db, const char *scope, bool sensitive_ok, lx_import_kind kind, const lx_csv *t,
			lx_reg_import **out, char *err, size_t errsz, lx_import_progress progress, void *arg)
{
	int col[C__N];
	lx_reg_tags tags = {0};
	*out = NULL;
	if (t->nrows < 2) {
		snprintf(err, errsz, "the file has no rows under its header");
		return LX_INVALID;
	}
	if (lx_import_columns(t, kind, col, err, errsz) != LX_OK)
		return LX_INVALID;
	if (kind == LX_IMPORT_RESIDENTS && lx_reg_tags_load(db, &tags) != LX_OK)
		return LX_ERR;
	lx_reg_import *im = lx_xcalloc(1, sizeof *im);
	im->kind = kind;
	im->rows = lx_xcalloc(t->nrows, sizeof *im->rows);
	im->errors = json_array();
	im->units = json_object();
	im->addresses = json_object();
	im->id_numbers = json_object();
	int rc = LX_OK;
	for (size_t i = 1; i < t->nrows && rc == LX_OK; i++) {
		struct lx_import_row *row = &im->rows[im->nrows];
		memset(row, 0, sizeof *row);
		if (kind == LX_IMPORT_HOUSEHOLDS)
			rc = lx_check_household(db, scope, im, &t->rows[i], col, row);
		else if (kind == LX_IMPORT_RESIDENTS)
			rc = lx_check_resident(db, scope, sensitive_ok, &tags, im, &t->rows[i], col, im->nrows, row);
		else
			rc = lx_check_place(db, scope, im, &t->rows[i], col, row);
		if (rc == LX_ROW) {
			*(row->update ? &im->updated : &im->created) += 1;
			im->nrows++;
			rc = LX_OK;
		} else {
			lx_row_clear(row);
		}
		if (progress && (i % 1000 == 0 || i + 1 == t->nrows))
			progress(arg, "check", i, t->nrows - 1);
	}
	lx_reg_tags_free(&tags);
	if (rc != LX_OK) {
		lx_reg_import_free(im);
		return LX_ERR;
	}
	*out = im;
	return LX_OK;
}

json_t *lx_reg_import_errors(const lx_reg_import *im)
{
	return im->errors;
}

size_t lx_reg_import_created(const lx_reg_import *im)
{
	return im->created;
}

size_t lx_reg_import_updated(const lx_reg_import *im)
{
	return im->updated;
}

static int lx_apply_row(lx_db *db, lx_reg_import *im, struct lx_import_row *row, int64_t by, lx_ms now)
{
	switch (im->kind) {
	case LX_IMPORT_HOUSEHOLDS:
		if (!row->update)
			return lx_household_add(db, &row->h, now);
		return lx_household_update(db, &row->h, &row->h, by, now);
	case LX_IMPORT_PLACES:
		return row->update ? lx_place_update(db, &row->pl, now) : lx_place_add(db, &row->pl, now);
	case LX_IMPORT_RESIDENTS:
		break;
	}
	if (row->new_household) {
		struct lx_import_row *maker = &im->rows[row->new_household - 1];
		if (maker == row) {
			int rc = lx_household_add(db, &row->h, now);
			if (rc != LX_OK)
				return rc;
		}
		assert(maker->h.id > 0);
		row->p.household_id = maker->h.id;
		row->p.unit_id = maker->h.unit_id;
		free(row->p.unit_path);
		row->p.unit_path = lx_xstrdup(maker->h.unit_path);
	}
	return row->update ? lx_resident_update(db, &row->p, now) : lx_resident_add(db, &row->p, now);
}

int lx_reg_import_apply(lx_db *db, lx_reg_import *im, int64_t by, lx_ms now, lx_import_progress progress,
			void *arg)
{
	assert(json_array_size(im->errors) == 0);
	for (size_t i = 0; i < im->nrows; i++) {
		int rc = lx_apply_row(db, im, &im->rows[i], by, now);
		if (rc != LX_OK)
			return rc;
		if (progress && (i % 1000 == 999 || i + 1 == im->nrows))
			progress(arg, "write", i + 1, im->nrows);
	}
	return LX_OK;
}
