/*
 * repo_attachments.c - photos and files on a case (repo_attachment.h).
 */
#include "repo_attachment.h"
#include "repo.h"
#include "repo_case.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define LX_ATT_COLS                                                                                \
	"a.id, a.case_id, a.stage, a.name, a.content_type, a.bytes, a.sha256, a.width, a.height, " \
	"a.parts, a.thumb IS NOT NULL, a.created_by, a.created_at, " \
	"(SELECT vp.visit_id FROM visit_photos vp WHERE vp.attachment_id = a.id)"
/* stages in the order of the work */
#define LX_ATT_ORDER                                                                               \
	"CASE a.stage WHEN 'intake' THEN 0 WHEN 'handling' THEN 1 WHEN 'resolve' THEN 2 ELSE 3 END, a.id"

void lx_attachment_clear(lx_attachment *a)
{
	if (!a)
		return;
	free(a->name);
	memset(a, 0, sizeof *a);
}

static void lx_att_copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static void lx_att_from_row(lx_stmt *st, void *out)
{
	lx_attachment *a = out;
	a->id = lx_stmt_int(st, 0);
	a->case_id = lx_stmt_isnull(st, 1) ? 0 : lx_stmt_int(st, 1);
	lx_att_copy(a->stage, sizeof a->stage, lx_stmt_text(st, 2));
	a->name = lx_stmt_dup(st, 3);
	lx_att_copy(a->content_type, sizeof a->content_type, lx_stmt_text(st, 4));
	a->bytes = lx_stmt_int(st, 5);
	lx_att_copy(a->sha256, sizeof a->sha256, lx_stmt_text(st, 6));
	a->width = (int)lx_stmt_int(st, 7);
	a->height = (int)lx_stmt_int(st, 8);
	a->parts = (int)lx_stmt_int(st, 9);
	a->has_thumb = lx_stmt_int(st, 10) != 0;
	a->created_by = lx_stmt_int(st, 11);
	a->created_at = lx_stmt_int(st, 12);
	a->visit_id = lx_stmt_isnull(st, 13) ? 0 : lx_stmt_int(st, 13);
}

int lx_attachment_insert(lx_db *db, lx_attachment *a, const unsigned char *data, size_t len,
			 const unsigned char *thumb, size_t thumb_len)
{
	int rc = LX_ERR;
	assert(a && (data || !len));
	a->parts = (int)((len + LX_ATTACHMENT_PART - 1) / LX_ATTACHMENT_PART);
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO attachments(case_id, stage, name, content_type, "
					"bytes, sha256, width, height, parts, thumb, created_by, "
					"created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id");
	if (!st)
		return LX_ERR;
	lx_bind_id(st, 1, a->case_id);
	lx_stmt_bind_text(st, 2, a->stage);
	lx_stmt_bind_text(st, 3, a->name);
	lx_stmt_bind_text(st, 4, a->content_type);
	lx_stmt_bind_int(st, 5, (int64_t)len);
	lx_stmt_bind_text(st, 6, a->sha256);
	lx_bind_id(st, 7, a->width);
	lx_bind_id(st, 8, a->height);
	lx_stmt_bind_int(st, 9, a->parts);
	if (thumb)
		lx_stmt_bind_blob(st, 10, thumb, thumb_len);
	else
		lx_stmt_bind_null(st, 10);
	lx_bind_id(st, 11, a->created_by);
	lx_stmt_bind_int(st, 12, a->created_at);
	if (lx_stmt_step(st) != LX_ROW)
		goto cleanup;
	a->id = lx_stmt_int(st, 0);
	a->bytes = (int64_t)len;
	a->has_thumb = thumb != NULL;
	lx_stmt_done(st);
	st = lx_db_prepare(db, "INSERT INTO attachment_parts(attachment_id, seq, data) VALUES (?,?,?)");
	if (!st)
		return LX_ERR;
	for (int seq = 0; seq < a->parts; seq++) {
		size_t off = (size_t)seq * LX_ATTACHMENT_PART;
		size_t n = len - off < LX_ATTACHMENT_PART ? len - off : LX_ATTACHMENT_PART;
		lx_stmt_bind_int(st, 1, a->id);
		lx_stmt_bind_int(st, 2, seq);
		lx_stmt_bind_blob(st, 3, data + off, n);
		if (lx_stmt_step(st) != LX_DONE)
			goto cleanup;
		lx_stmt_done(st);
	}
	rc = LX_OK;
cleanup:
	lx_stmt_done(st);
	return rc;
}

/* Who sees an attachment: where its case is seen; a visit's photo also
 * where the visit is, and a photo no visit has claimed yet by its uploader
 * (?1 ?2 the scope, ?4 the user). */
#define LX_ATT_VISIBLE                                                                             \
	"(" LX_CASE_SCOPE_SQL " OR (a.case_id IS NULL AND a.created_by = ?4) OR EXISTS (SELECT 1 "     \
	"FROM visit_photos vp JOIN visits v ON v.id = vp.visit_id WHERE vp.attachment_id = a.id "      \
	"AND v.unit_path >= ?1 AND v.unit_path < ?2))"

int lx_attachment_get(lx_db *db, const char *scope, int64_t user_id, int64_t id, lx_attachment *out)
{
	memset(out, 0, sizeof *out);
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_ATT_COLS " FROM attachments a LEFT JOIN cases c ON "
					"c.id = a.case_id WHERE a.id = ?3 AND " LX_ATT_VISIBLE);
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, id);
	lx_stmt_bind_int(st, 4, user_id);
	return lx_row_one(st, lx_att_from_row, out);
}

/* Appends the BLOB in column 0 of st's row to the lx_buf out. */
static void lx_att_blob_into(lx_stmt *st, void *out)
{
	size_t n = 0;
	const void *p = lx_stmt_blob(st, 0, &n);
	if (p && n)
		lx_buf_append(out, p, n);
}

int lx_attachment_part(lx_db *db, int64_t id, int seq, lx_buf *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT data FROM attachment_parts WHERE attachment_id = ? "
					"AND seq = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	lx_stmt_bind_int(st, 2, seq);
	return lx_row_one(st, lx_att_blob_into, out);
}

int lx_attachment_thumb(lx_db *db, const char *scope, int64_t user_id, int64_t id, lx_buf *out)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT a.thumb FROM attachments a LEFT JOIN cases c ON "
					"c.id = a.case_id WHERE a.id = ?3 AND a.thumb IS NOT NULL "
					"AND " LX_ATT_VISIBLE);
	if (!st)
		return LX_ERR;
	lx_bind_scope(st, 1, scope);
	lx_stmt_bind_int(st, 3, id);
	lx_stmt_bind_int(st, 4, user_id);
	return lx_row_one(st, lx_att_blob_into, out);
}

int lx_attachments_each(lx_db *db, int64_t case_id, int (*fn)(void *arg, const lx_attachment *a),
			void *arg)
{
	int rc = LX_ERR, step;
	lx_stmt *st = lx_db_prepare(db, "SELECT " LX_ATT_COLS " FROM attachments a WHERE a.case_id = ? "
					"ORDER BY " LX_ATT_ORDER);
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	while ((step = lx_stmt_step(st)) == LX_ROW) {
		lx_attachment a = {0};
		lx_att_from_row(st, &a);
		int stop = fn(arg, &a);
		lx_attachment_clear(&a);
		if (stop)
			break;
	}
	rc = step == LX_ERR || step == LX_BUSY ? step : LX_OK;
	lx_stmt_done(st);
	return rc;
}

int lx_attachments_count(lx_db *db, int64_t case_id, const char *stage, int64_t *n)
{
	lx_stmt *st = lx_db_prepare(db, "SELECT COUNT(*) FROM attachments WHERE case_id = ?1 AND "
					"(?2 IS NULL OR stage = ?2)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_text(st, 2, stage);
	int rc = lx_stmt_step(st);
	*n = rc == LX_ROW ? lx_stmt_int(st, 0) : 0;
	lx_stmt_done(st);
	return rc == LX_ROW ? LX_OK : LX_ERR;
}

int lx_attachment_delete(lx_db *db, int64_t id)
{
	lx_stmt *st = lx_db_prepare(db, "DELETE FROM attachment_parts WHERE attachment_id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	if (rc != LX_DONE)
		return LX_ERR;
	st = lx_db_prepare(db, "DELETE FROM attachments WHERE id = ?");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_visit_photo_claim(lx_db *db, int64_t visit_id, int64_t worker_id, int64_t attachment_id)
{
	lx_stmt *st = lx_db_prepare(db, "INSERT INTO visit_photos(attachment_id, visit_id) SELECT a.id, ?1 FROM "
					"attachments a WHERE a.id = ?2 AND a.case_id IS NULL AND a.created_by = ?3 "
					"AND NOT EXISTS (SELECT 1 FROM visit_photos vp WHERE vp.attachment_id = a.id)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, visit_id);
	lx_stmt_bind_int(st, 2, attachment_id);
	lx_stmt_bind_int(st, 3, worker_id);
	return lx_change_one(db, st, LX_NOTFOUND);
}

int lx_visit_photos_to_case(lx_db *db, int64_t visit_id, int64_t case_id)
{
	lx_stmt *st = lx_db_prepare(db, "UPDATE attachments SET case_id = ?1, stage = 'intake' WHERE case_id IS NULL "
					"AND id IN (SELECT attachment_id FROM visit_photos WHERE visit_id = ?2)");
	if (!st)
		return LX_ERR;
	lx_stmt_bind_int(st, 1, case_id);
	lx_stmt_bind_int(st, 2, visit_id);
	int rc = lx_stmt_step(st);
	lx_stmt_done(st);
	return rc == LX_DONE ? LX_OK : LX_ERR;
}
