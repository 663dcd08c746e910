/*
 * repo_attachment.h - photos and files on a case (repo_attachments.c).
 *
 * A file's bytes are parts of LX_ATTACHMENT_PART bytes (schema 015), so a
 * download reads one part per statement. An attachment is visible where
 * its case is: every read that takes a scope joins the case's scope
 * predicate, so an id outside it reads as LX_NOTFOUND.
 */
#ifndef LX_REPO_ATTACHMENT_H
#define LX_REPO_ATTACHMENT_H

#include "db.h"
#include "lx.h"

#define LX_ATTACHMENT_PART (256 * 1024)

typedef struct lx_attachment {
	int64_t id, case_id;    /* case_id 0: a visit's photo no hazard took (visit_id) */
	int64_t visit_id;       /* the visit that claimed it, or 0 (read only) */
	char stage[12];         /* intake | handling | resolve | verify | visit */
	char *name;             /* the file name as given, or NULL (owned) */
	char content_type[24];
	int64_t bytes;          /* of the served copy */
	char sha256[65];        /* hex, of the served copy */
	int width, height;      /* 0 for a PDF */
	int parts;
	bool has_thumb;
	int64_t created_by;
	lx_ms created_at;
} lx_attachment;

void lx_attachment_clear(lx_attachment *a);
/* Inserts a (sets a->id and a->parts) with the len bytes of data in parts
 * and the thumbnail (NULL: none), in the caller's transaction. LX_OK or
 * LX_ERR. */
int lx_attachment_insert(lx_db *db, lx_attachment *a, const unsigned char *data, size_t len,
			 const unsigned char *thumb, size_t thumb_len);
/* Loads attachment id when user_id of scope may see it: its case is
 * visible in scope, or the visit that took it (a visit's photo), or it is
 * user_id's own photo no visit claimed yet. LX_OK, LX_NOTFOUND, LX_ERR;
 * the caller clears *out. */
int lx_attachment_get(lx_db *db, const char *scope, int64_t user_id, int64_t id, lx_attachment *out);
/* Appends part seq of attachment id to out (no scope: the caller checked
 * it with lx_attachment_get). LX_OK, LX_NOTFOUND (deleted meanwhile), LX_ERR. */
int lx_attachment_part(lx_db *db, int64_t id, int seq, lx_buf *out);
/* Appends the thumbnail of attachment id, visible in scope, to out.
 * LX_OK, LX_NOTFOUND (none, or out of scope), LX_ERR. */
int lx_attachment_thumb(lx_db *db, const char *scope, int64_t user_id, int64_t id, lx_buf *out);
/* Calls fn for each attachment of a case, by stage (intake, handling,
 * resolve, verify) then upload; fn returns 0 to go on. The struct is valid
 * during the call. LX_OK or LX_ERR. */
int lx_attachments_each(lx_db *db, int64_t case_id, int (*fn)(void *arg, const lx_attachment *a),
			void *arg);
/* How many attachments case_id has in stage (NULL: in all), in *n. LX_OK or LX_ERR. */
int lx_attachments_count(lx_db *db, int64_t case_id, const char *stage, int64_t *n);
/* A visit claims its worker's photo (uploaded without a case, not claimed
 * by another visit). LX_OK, LX_NOTFOUND (no such photo of the worker's),
 * LX_ERR. */
int lx_visit_photo_claim(lx_db *db, int64_t visit_id, int64_t worker_id, int64_t attachment_id);
/* The visit's photos that belong to no case join case_id (stage intake):
 * a hazard the visit raised shows them. LX_OK or LX_ERR. */
int lx_visit_photos_to_case(lx_db *db, int64_t visit_id, int64_t case_id);
/* Removes attachment id and its bytes. LX_OK, LX_NOTFOUND, LX_ERR. */
int lx_attachment_delete(lx_db *db, int64_t id);

#endif
