/*
 * attachments.c - photos and files on a case: upload, download, thumbnail,
 * removal (POST /api/v1/cases/:id/attachments, /api/v1/attachments/:id).
 *
 * An upload is read in full first (the route's LX_RT_UPLOAD raises the
 * body limit to attachment_max_bytes), its type decided from its bytes,
 * and an image written again by libvips without metadata (media/) before
 * the write job runs: the writer's transaction only inserts. A download
 * streams the stored parts one statement at a time. An attachment is seen
 * where its case is seen (404 elsewhere); adding one is not a change of
 * the case's state, so it leaves the case's version alone and only the
 * timeline says so (lx_flow_note).
 */
#include "api.h"
#include "flow.h"
#include "media.h"
#include "repo_attachment.h"
#include "repo_open311.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define LX_ATT_PER_STAGE 9
#define LX_ATT_DELETE_MS (10 * 60 * 1000)
#define LX_ATT_NAME_MAX 200
/* who may add files: not leaders (they read) nor volunteers */
#define LX_ATT_ROLES LX_ATT_UPLOAD_ROLES

static const char *const lx_att_stages[] = {"intake", "handling", "resolve", "verify", NULL};

/* An upload between its phases. */
struct lx_upload {
	lx_case c;
	lx_attachment a;
	lx_media_out m;            /* an image's served copy and thumbnail */
	const unsigned char *bytes; /* what is stored: m.data, or a PDF's r->body */
	size_t len;
};

static void lx_upload_free(void *p)
{
	struct lx_upload *u = p;
	if (!u)
		return;
	lx_case_clear(&u->c);
	lx_attachment_clear(&u->a);
	lx_media_out_free(&u->m);
	free(u);
}

/* The attachment's JSON with its addresses under base. */
static void lx_attachment_write_at(lx_jw *w, lx_req *r, const lx_attachment *a, const char *base)
{
	char url[96];
	lx_jw_open(w, '{');
	lx_jw_key(w, "id");
	lx_jw_int(w, a->id);
	lx_jw_key(w, "case_id");
	if (a->case_id)
		lx_jw_int(w, a->case_id);
	else
		lx_jw_null(w);
	lx_jw_key(w, "content_type");
	lx_jw_str(w, a->content_type);
	lx_jw_key(w, "bytes");
	lx_jw_int(w, a->bytes);
	lx_jw_key(w, "sha256");
	lx_jw_str(w, a->sha256);
	lx_jw_key(w, "width"); /* null for a PDF */
	lx_jw_id(w, a->width);
	lx_jw_key(w, "height");
	lx_jw_id(w, a->height);
	lx_jw_key(w, "stage");
	lx_jw_str(w, a->stage);
	lx_jw_key(w, "name");
	lx_jw_str(w, a->name); /* NULL writes null */
	lx_jw_key(w, "created_at");
	lx_jw_time(w, a->created_at, r->app->tz_offset_min);
	lx_jw_key(w, "created_by");
	lx_jw_id(w, a->created_by);
	snprintf(url, sizeof url, "%s/%lld", base, (long long)a->id);
	lx_jw_key(w, "url");
	lx_jw_str(w, url);
	lx_jw_key(w, "thumb_url");
	if (a->has_thumb) {
		snprintf(url, sizeof url, "%s/%lld/thumb", base, (long long)a->id);
		lx_jw_str(w, url);
	} else {
		lx_jw_null(w);
	}
	lx_jw_close(w, '}');
}

void lx_api_attachment_write(lx_jw *w, lx_req *r, const lx_attachment *a)
{
	lx_attachment_write_at(w, r, a, "/api/v1/attachments");
}

static int lx_upload_name_or_reply(lx_req *r, struct lx_upload *u, const char *name);

/* ?stage= (default: intake before the case was accepted, else handling)
 * and ?name= into u->a. Replies on a bad one. */
static int lx_upload_params_or_reply(lx_req *r, struct lx_upload *u)
{
	const char *stage = lx_req_arg(r, "stage"), *name = lx_req_arg(r, "name");
	if (!stage || !*stage)
		stage = u->c.accepted_at ? "handling" : "intake";
	bool known = false;
	for (int i = 0; lx_att_stages[i]; i++)
		known = known || strcmp(stage, lx_att_stages[i]) == 0;
	if (!known)
		return lx_reply_error(r, 422, "invalid", "stage",
				      "stage is one of intake, handling, resolve, verify");
	snprintf(u->a.stage, sizeof u->a.stage, "%s", stage);
	return lx_upload_name_or_reply(r, u, name);
}

/* ?name= (may be absent) into u->a.name. Replies 422 on a bad one. */
static int lx_upload_name_or_reply(lx_req *r, struct lx_upload *u, const char *name)
{
	if (name && *name) {
		size_t n = strlen(name);
		if (n > LX_ATT_NAME_MAX || !lx_utf8_valid(name, n))
			return lx_reply_error(r, 422, "invalid", "name",
					      "name is at most %d bytes of UTF-8", LX_ATT_NAME_MAX);
		for (const unsigned char *p = (const unsigned char *)name; *p; p++)
			if (*p < 0x20 || *p == 0x7f || *p == '/' || *p == '\\')
				return lx_reply_error(r, 422, "invalid", "name",
						      "name holds a control character or a slash");
		u->a.name = lx_xstrdup(name);
	}
	return LX_OK;
}

/* The body: present, within the limit, of the type its bytes and its
 * Content-Type both say. Replies 413, 400 or 415. Returns the kind. */
static int lx_upload_kind_or_reply(lx_req *r, lx_media_kind *kind)
{
	if (r->too_large)
		return lx_reply_error(r, 413, "too_large", NULL, "a file is at most %zu bytes",
				      r->app->upload_limit);
	if (!r->body.len)
		return lx_reply_error(r, 400, "empty_body", NULL, "the body is the file: it is empty");
	lx_media_kind said = lx_media_from_mime(lx_req_header(r, MHD_HTTP_HEADER_CONTENT_TYPE));
	lx_media_kind is = lx_media_sniff((const unsigned char *)r->body.data, r->body.len);
	if (!said)
		return lx_reply_error(r, 415, "unsupported_media_type", NULL,
				      "Content-Type is one of image/jpeg, image/png, image/webp, "
				      "application/pdf");
	if (is != said)
		return lx_reply_error(r, 415, "unsupported_media_type", NULL,
				      "the bytes are %s, not the %s Content-Type says",
				      is ? lx_media_mime(is) : "no JPEG, PNG, WebP or PDF",
				      lx_media_mime(said));
	*kind = is;
	return LX_OK;
}

/* The served copy of the body, its hash and size into u. Replies 422/500.
 * An image's copy is libvips's and the upload as sent is dropped at once; a
 * PDF is served as sent, so its bytes stay in the request's body (one copy
 * of a 10 MB file, not two). */
static int lx_upload_prepare_or_reply(lx_req *r, struct lx_upload *u, lx_media_kind k)
{
	char err[256];
	if (k == LX_MEDIA_PDF) {
		u->bytes = (const unsigned char *)r->body.data;
		u->len = r->body.len;
	} else {
		int rc = lx_media_prepare(k, (const unsigned char *)r->body.data, r->body.len,
					  r->app->max_pixels, &u->m, err, sizeof err);
		if (rc == LX_MEDIA_TOO_LARGE)
			return lx_reply_error(r, 422, "image_too_large", NULL, "the image has %s", err);
		if (rc == LX_MEDIA_BROKEN)
			return lx_reply_error(r, 422, "bad_image", NULL, "the image %s", err);
		if (rc != LX_MEDIA_OK)
			return lx_reply_error(r, 500, "internal", NULL, "the image could not be written");
		lx_buf_free(&r->body); /* only the copy without metadata is kept */
		u->bytes = u->m.data;
		u->len = u->m.len;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, u->bytes, (unsigned long long)u->len);
	sodium_bin2hex(u->a.sha256, sizeof u->a.sha256, h, sizeof h);
	snprintf(u->a.content_type, sizeof u->a.content_type, "%s", lx_media_mime(k));
	u->a.width = u->m.width;
	u->a.height = u->m.height;
	return LX_OK;
}

/* Room for one more in the stage? Replies 409 when not. */
static int lx_upload_room_or_reply(lx_req *r, const struct lx_upload *u)
{
	int64_t n = 0;
	int rc = lx_attachments_count(r->db, u->c.id, u->a.stage, &n);
	if (rc != LX_OK)
		return rc;
	if (n >= LX_ATT_PER_STAGE)
		return lx_reply_error(r, 409, "attachment_limit", "stage",
				      "a case holds at most %d files per stage", LX_ATT_PER_STAGE);
	return LX_OK;
}

int lx_api_attachment_check(lx_req *r)
{
	int64_t id;
	lx_media_kind k = LX_MEDIA_UNKNOWN;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case");
	struct lx_upload *u = lx_xcalloc(1, sizeof *u);
	r->state = u;
	r->state_free = lx_upload_free;
	int rc = lx_case_get(r->db, r->user.scope, id, &u->c);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", NULL, "no such case");
	if (rc != LX_OK)
		return rc;
	if (!lx_req_role(r, LX_ATT_ROLES))
		return lx_reply_error(r, 403, "forbidden", NULL, "your role does not add files to cases");
	const lx_flow_state *s = lx_flow_state_of(u->c.type, u->c.status);
	if (!s || !s->open)
		return lx_reply_error(r, 409, "case_not_open", NULL,
				      "files are added while the case is open (it is %s)", u->c.status);
	if ((rc = lx_upload_params_or_reply(r, u)) != LX_OK ||
	    (rc = lx_upload_room_or_reply(r, u)) != LX_OK ||
	    (rc = lx_upload_kind_or_reply(r, &k)) != LX_OK)
		return rc;
	return lx_upload_prepare_or_reply(r, u, k);
}

/* The write job's part: u stored on its case by who (counted again inside
 * the transaction: two uploads may race for the ninth place), with note
 * on the timeline. */
static int lx_upload_store(lx_req *r, struct lx_upload *u, const lx_flow_actor *who, const char *note)
{
	int rc = lx_upload_room_or_reply(r, u);
	if (rc != LX_OK)
		return rc;
	u->a.case_id = u->c.id;
	u->a.created_by = who->user_id;
	u->a.created_at = lx_now_ms();
	rc = lx_attachment_insert(r->db, &u->a, u->bytes, u->len, u->m.thumb, u->m.thumb_len);
	if (rc != LX_OK)
		return rc;
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, who, u->a.created_at, r->app->tz_offset_min);
	rc = lx_flow_note(x, &u->c, "attach", note);
	lx_flow_ctx_free(x);
	return rc;
}

int lx_api_attachment_add(lx_req *r)
{
	struct lx_upload *u = r->state;
	lx_flow_actor who = {r->user.id, r->user.roles, r->user.scope, false};
	char *note = lx_xasprintf("%s%s", u->a.name ? u->a.name : u->a.content_type,
				  strcmp(u->a.stage, "resolve") == 0 ? "（办结照片）" : "");
	int rc = lx_upload_store(r, u, &who, note);
	free(note);
	return rc;
}

int lx_api_attachment_added(lx_req *r)
{
	struct lx_upload *u = r->state;
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_api_attachment_write(&w, r, &u->a);
	return lx_reply_jw(r, 201, &w);
}

/* ---------------- a visit's photo ---------------- */

/* POST /api/v1/visits/photos: an image for a visit not sent yet (the
 * phone uploads it first, then names its id in the visit's answers). No
 * case: its uploader sees it until a visit claims it. */
int lx_api_visit_photo_check(lx_req *r)
{
	lx_media_kind k = LX_MEDIA_UNKNOWN;
	struct lx_upload *u = lx_xcalloc(1, sizeof *u);
	r->state = u;
	r->state_free = lx_upload_free;
	snprintf(u->a.stage, sizeof u->a.stage, "visit");
	int rc = lx_upload_kind_or_reply(r, &k);
	if (rc != LX_OK)
		return rc;
	if (k == LX_MEDIA_PDF)
		return lx_reply_error(r, 415, "unsupported_media_type", NULL, "a visit's photo is a JPEG, PNG or WebP");
	return lx_upload_prepare_or_reply(r, u, k);
}

int lx_api_visit_photo_add(lx_req *r)
{
	struct lx_upload *u = r->state;
	u->a.created_by = r->user.id;
	u->a.created_at = lx_now_ms();
	return lx_attachment_insert(r->db, &u->a, u->bytes, u->len, u->m.thumb, u->m.thumb_len);
}

/* ---------------- reading ---------------- */

/* A download being sent: the part in hand and where it starts. */
struct lx_att_stream {
	lx_pool *pool;
	int64_t id;
	int parts;
	int seq;             /* the part in buf, -1: none yet */
	lx_buf buf;
};

static void lx_att_stream_free(void *p)
{
	struct lx_att_stream *s = p;
	if (!s)
		return;
	lx_buf_free(&s->buf);
	free(s);
}

/* MHD asks for the bytes from pos on: copied from the part that holds pos,
 * read when MHD first reaches it (on this connection's thread). */
static ssize_t lx_att_stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct lx_att_stream *s = cls;
	int seq = (int)(pos / LX_ATTACHMENT_PART);
	size_t off = (size_t)(pos % LX_ATTACHMENT_PART);
	if (seq >= s->parts)
		return -1;
	if (seq != s->seq) {
		lx_db *db = lx_pool_conn(s->pool);
		lx_buf_reset(&s->buf);
		if (!db || lx_attachment_part(db, s->id, seq, &s->buf) != LX_OK)
			return -1; /* removed meanwhile, or the store failed: the reply is cut */
		s->seq = seq;
	}
	if (off >= s->buf.len)
		return -1;
	size_t n = s->buf.len - off < max ? s->buf.len - off : max;
	memcpy(out, s->buf.data + off, n);
	return (ssize_t)n;
}

/* The headers of a stored file: its hash as the ETag, cached for good
 * (a file never changes: a new one is a new id), its name. Returns true
 * when the client's copy is current (If-None-Match: reply 304). */
static bool lx_att_headers(lx_req *r, const lx_attachment *a, bool thumb)
{
	char etag[80];
	snprintf(etag, sizeof etag, "\"%s%s\"", a->sha256, thumb ? "-t" : "");
	lx_reply_header(r, "ETag", "%s", etag);
	lx_reply_header(r, "Cache-Control", "private, max-age=31536000, immutable");
	const char *inm = lx_req_header(r, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0)
		return true;
	/* a PDF is downloaded, never run in our origin; images show inline */
	bool pdf = strcmp(a->content_type, "application/pdf") == 0;
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_puts(&b, pdf && !thumb ? "attachment" : "inline");
	if (a->name) {
		lx_buf_puts(&b, "; filename*=UTF-8''");
		for (const unsigned char *p = (const unsigned char *)a->name; *p; p++) {
			if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			    strchr("-._~", *p))
				lx_buf_putc(&b, (char)*p);
			else
				lx_buf_printf(&b, "%%%02X", *p);
		}
	}
	lx_reply_header(r, "Content-Disposition", "%.*s", (int)b.len, b.data);
	lx_buf_free(&b);
	lx_reply_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	return false;
}

/* Loads the attachment of path capture 0 in the caller's scope. Replies 404. */
static int lx_att_find_or_reply(lx_req *r, lx_attachment *a)
{
	int64_t id;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such attachment");
	int rc = lx_attachment_get(r->db, r->user.scope, r->user.id, id, a);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", NULL, "no such attachment");
	return rc;
}

/* The stored copy streamed; a 304 when the client has it. */
static int lx_att_send(lx_req *r, const lx_attachment *a)
{
	if (lx_att_headers(r, a, false))
		return lx_reply_raw(r, 304, "application/octet-stream", lx_xstrdup(""), 0);
	struct lx_att_stream *s = lx_xcalloc(1, sizeof *s);
	s->pool = r->app->pool;
	s->id = a->id;
	s->parts = a->parts;
	s->seq = -1;
	lx_buf_init(&s->buf);
	const char *ct = lx_media_mime(lx_media_from_mime(a->content_type));
	return lx_reply_stream(r, 200, ct ? ct : "application/octet-stream", (uint64_t)a->bytes,
			       lx_att_stream_read, s, lx_att_stream_free);
}

int lx_api_attachment_get(lx_req *r)
{
	lx_attachment a = {0};
	int rc = lx_att_find_or_reply(r, &a);
	if (rc == LX_OK)
		rc = lx_att_send(r, &a);
	lx_attachment_clear(&a);
	return rc;
}

/* Replies a's thumbnail (304 when the client has it; 404 for a PDF's),
 * read as scope and user_id may. */
static int lx_att_thumb_reply(lx_req *r, const lx_attachment *a, const char *scope, int64_t user_id)
{
	if (!a->has_thumb)
		return lx_reply_error(r, 404, "not_found", NULL, "a PDF has no thumbnail");
	if (lx_att_headers(r, a, true))
		return lx_reply_raw(r, 304, "image/jpeg", lx_xstrdup(""), 0);
	lx_buf b;
	lx_buf_init(&b);
	int rc = lx_attachment_thumb(r->db, scope, user_id, a->id, &b);
	if (rc == LX_OK) {
		size_t n = b.len;
		rc = lx_reply_raw(r, 200, "image/jpeg", lx_buf_steal(&b), n);
	}
	lx_buf_free(&b);
	return rc;
}

int lx_api_attachment_thumb(lx_req *r)
{
	lx_attachment a = {0};
	int rc = lx_att_find_or_reply(r, &a);
	if (rc == LX_OK)
		rc = lx_att_thumb_reply(r, &a, r->user.scope, r->user.id);
	lx_attachment_clear(&a);
	return rc;
}

/* ---------------- removal ---------------- */

struct lx_att_removal {
	lx_attachment a;
	lx_case c;
};

static void lx_att_removal_free(void *p)
{
	struct lx_att_removal *d = p;
	if (!d)
		return;
	lx_attachment_clear(&d->a);
	lx_case_clear(&d->c);
	free(d);
}

int lx_api_attachment_delete_check(lx_req *r)
{
	struct lx_att_removal *d = lx_xcalloc(1, sizeof *d);
	r->state = d;
	r->state_free = lx_att_removal_free;
	int rc = lx_att_find_or_reply(r, &d->a);
	if (rc != LX_OK)
		return rc;
	if (d->a.created_by != r->user.id)
		return lx_reply_error(r, 403, "not_uploader", NULL, "only who added a file removes it");
	if (lx_now_ms() - d->a.created_at > LX_ATT_DELETE_MS)
		return lx_reply_error(r, 409, "too_late", NULL,
				      "a file is removed within 10 minutes of adding it; it is on "
				      "the record now");
	if (d->a.visit_id)
		return lx_reply_error(r, 409, "too_late", NULL, "the photo is on a visit's record now");
	if (!d->a.case_id)
		return LX_OK; /* a photo taken for a visit not sent yet */
	rc = lx_case_get(r->db, r->user.scope, d->a.case_id, &d->c);
	return rc == LX_NOTFOUND ? lx_reply_error(r, 404, "not_found", NULL, "no such attachment") : rc;
}

int lx_api_attachment_delete(lx_req *r)
{
	struct lx_att_removal *d = r->state;
	lx_flow_actor who = {r->user.id, r->user.roles, r->user.scope, false};
	int rc = lx_attachment_delete(r->db, d->a.id);
	if (rc != LX_OK || !d->a.case_id)
		return rc;
	lx_flow_ctx *x = lx_flow_ctx_new(r->db, &who, lx_now_ms(), r->app->tz_offset_min);
	rc = lx_flow_note(x, &d->c, "detach", d->a.name ? d->a.name : d->a.content_type);
	lx_flow_ctx_free(x);
	return rc;
}

int lx_api_attachment_deleted(lx_req *r)
{
	return lx_reply_json(r, 200, json_pack("{s:b}", "deleted", 1));
}

/* ---------------- Open311's public copy ---------------- */

int lx_api_open311_media(lx_req *r)
{
	int64_t id, case_id = 0;
	lx_attachment a = {0};
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such media");
	int rc = lx_o311_media_case(r->db, id, &case_id);
	if (rc == LX_OK)
		rc = lx_attachment_get(r->db, "/", 0, id, &a);
	if (rc == LX_NOTFOUND)
		rc = lx_reply_error(r, 404, "not_found", NULL, "no such media");
	else if (rc == LX_OK)
		rc = lx_att_send(r, &a);
	lx_attachment_clear(&a);
	return rc;
}

/* ---------------- a resident's photos ---------------- */

#define LX_RESIDENT_FILES "/api/v1/resident/attachments"

/* What a resident sees of their case's files: their own photos and the
 * handler's after-photos (not the handling's or the verification's). */
static bool lx_resident_sees(const lx_attachment *a)
{
	return strcmp(a->stage, "intake") == 0 || strcmp(a->stage, "resolve") == 0;
}

/* POST /api/v1/resident/cases/:id/attachments?name=: a photo of the
 * resident's own open case, stage intake; an image only. */
int lx_api_resident_attachment_check(lx_req *r)
{
	int64_t id;
	lx_media_kind k = LX_MEDIA_UNKNOWN;
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such case of yours");
	struct lx_upload *u = lx_xcalloc(1, sizeof *u);
	r->state = u;
	r->state_free = lx_upload_free;
	int rc = lx_resident_case_or_reply(r, id, &u->c);
	if (rc != LX_OK)
		return rc;
	const lx_flow_state *s = lx_flow_state_of(u->c.type, u->c.status);
	if (!s || !s->open)
		return lx_reply_error(r, 409, "case_not_open", NULL, "photos are added while the case is being handled");
	snprintf(u->a.stage, sizeof u->a.stage, "intake");
	if ((rc = lx_upload_name_or_reply(r, u, lx_req_arg(r, "name"))) != LX_OK ||
	    (rc = lx_upload_room_or_reply(r, u)) != LX_OK || (rc = lx_upload_kind_or_reply(r, &k)) != LX_OK)
		return rc;
	if (k == LX_MEDIA_PDF)
		return lx_reply_error(r, 415, "unsupported_media_type", NULL, "a photo is a JPEG, PNG or WebP");
	return lx_upload_prepare_or_reply(r, u, k);
}

int lx_api_resident_attachment_add(lx_req *r)
{
	struct lx_upload *u = r->state;
	lx_flow_actor who = {0, LX_ROLE_RESIDENT, "/", false};
	char *note = lx_xasprintf("反映人上传照片%s%s", u->a.name ? "：" : "", u->a.name ? u->a.name : "");
	int rc = lx_upload_store(r, u, &who, note);
	free(note);
	return rc;
}

int lx_api_resident_attachment_added(lx_req *r)
{
	struct lx_upload *u = r->state;
	lx_buf b;
	lx_jw w;
	lx_buf_init(&b);
	lx_jw_init(&w, &b);
	lx_attachment_write_at(&w, r, &u->a, LX_RESIDENT_FILES);
	return lx_reply_jw(r, 201, &w);
}

struct lx_rfiles {
	lx_jw *w;
	lx_req *r;
};

static int lx_rfile_cb(void *arg, const lx_attachment *a)
{
	struct lx_rfiles *f = arg;
	if (lx_resident_sees(a))
		lx_attachment_write_at(f->w, f->r, a, LX_RESIDENT_FILES);
	return 0;
}

int lx_api_resident_files_write(lx_jw *w, lx_req *r, int64_t case_id)
{
	struct lx_rfiles f = {w, r};
	lx_jw_open(w, '[');
	int rc = lx_attachments_each(r->db, case_id, lx_rfile_cb, &f);
	lx_jw_close(w, ']');
	return rc;
}

/* The attachment of path capture 0 when the resident may see it (a photo
 * lx_resident_sees of their own case). Replies 404 otherwise. */
static int lx_resident_file_or_reply(lx_req *r, lx_attachment *a)
{
	int64_t id;
	lx_case c = {0};
	if (!lx_req_id(r, 0, &id))
		return lx_reply_error(r, 404, "not_found", NULL, "no such photo");
	int rc = lx_attachment_get(r->db, "/", 0, id, a);
	if (rc == LX_OK && (!a->case_id || !lx_resident_sees(a)))
		rc = LX_NOTFOUND;
	if (rc == LX_OK && (rc = lx_case_get(r->db, "/", a->case_id, &c)) == LX_OK && !lx_resident_owns(r, &c))
		rc = LX_NOTFOUND;
	lx_case_clear(&c);
	if (rc == LX_NOTFOUND)
		return lx_reply_error(r, 404, "not_found", NULL, "no such photo");
	return rc == LX_OK ? LX_OK : lx_reply_store_error(r, rc);
}

int lx_api_resident_attachment_get(lx_req *r)
{
	lx_attachment a = {0};
	int rc = lx_resident_file_or_reply(r, &a);
	if (rc == LX_OK)
		rc = lx_att_send(r, &a);
	lx_attachment_clear(&a);
	return rc;
}

int lx_api_resident_attachment_thumb(lx_req *r)
{
	lx_attachment a = {0};
	int rc = lx_resident_file_or_reply(r, &a);
	if (rc == LX_OK)
		rc = lx_att_thumb_reply(r, &a, "/", 0);
	lx_attachment_clear(&a);
	return rc;
}
