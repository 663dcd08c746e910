/*
 * auth_totp.c - the second factor: enrolment (a secret, its otpauth URL
 * and a QR code of it), confirmation by a first code, and an admin's reset
 * for a lost phone. RFC 6238 with HMAC-SHA-256 (core/secret.c); the secret
 * is sealed with the server key before it is stored.
 */
#include "api.h"
#include "secret.h"

#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The QR code of text as an SVG document (malloc'd), or NULL. */
static char *lx_qr_svg(const char *text)
{
	QRcode *q = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!q)
		return NULL;
	int w = q->width, quiet = 4, size = w + 2 * quiet;
	lx_buf b;
	lx_buf_init(&b);
	lx_buf_printf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
			  "shape-rendering=\"crispEdges\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
			  "<path fill=\"#000\" d=\"", size, size, size, size);
	for (int y = 0; y < w; y++)
		for (int x = 0; x < w; x++)
			if (q->data[y * w + x] & 1)
				lx_buf_printf(&b, "M%d %dh1v1h-1z", x + quiet, y + quiet);
	lx_buf_puts(&b, "\"/></svg>");
	QRcode_free(q);
	return lx_buf_steal(&b);
}

/* Percent-encodes s for a URI component into b. */
static void lx_uri_component(lx_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			lx_buf_putc(b, (char)*p);
		else
			lx_buf_printf(b, "%%%02X", *p);
	}
}

struct lx_enroll_state {
	char secret[33];
	char *sealed;
};

static void lx_enroll_state_free(void *p)
{
	struct lx_enroll_state *s = p;
	if (s) {
		sodium_memzero(s->secret, sizeof s->secret);
		free(s->sealed);
		free(s);
	}
}

int lx_api_totp_enroll_check(lx_req *r)
{
	if (r->user.totp_enabled)
		return lx_reply_error(r, 409, "totp_enrolled", NULL,
				      "a second factor is set up already; an admin can reset it");
	struct lx_enroll_state *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = lx_enroll_state_free;
	lx_totp_secret_new(s->secret);
	s->sealed = lx_secret_seal(s->secret);
	if (!s->sealed)
		return lx_reply_error(r, 503, "unavailable", NULL, "the server key is not loaded");
	return LX_OK;
}

int lx_api_totp_enroll(lx_req *r)
{
	struct lx_enroll_state *s = r->state;
	return lx_user_totp_pending(r->db, r->user.id, s->sealed);
}

int lx_api_totp_enroll_reply(lx_req *r)
{
	struct lx_enroll_state *s = r->state;
	lx_buf url;
	lx_buf_init(&url);
	lx_buf_puts(&url, "otpauth://totp/");
	lx_uri_component(&url, "连心");
	lx_buf_putc(&url, ':');
	lx_uri_component(&url, r->user.login);
	lx_buf_printf(&url, "?secret=%s&issuer=", s->secret);
	lx_uri_component(&url, "连心");
	lx_buf_puts(&url, "&algorithm=SHA256&digits=6&period=30");
	char *svg = lx_qr_svg(url.data);
	json_t *j = json_object();
	json_object_set_new(j, "secret", json_string(s->secret));
	json_object_set_new(j, "otpauth_url", json_string(url.data));
	json_object_set_new(j, "qr_svg", svg ? json_string(svg) : json_null());
	free(svg);
	lx_buf_free(&url);
	return lx_reply_json(r, 200, j);
}

struct lx_totp_code_in {
	const char *code;
};

static const lx_field lx_totp_code_fields[] = {
	LX_FIELD(struct lx_totp_code_in, code, LX_F_STR, .required = true, .max = 16,
		 .doc = "the 6-digit code the authenticator shows now"),
	LX_FIELD_END,
};
const lx_schema lx_totp_confirm_schema = {"totp_confirm", lx_totp_code_fields, NULL,
					  sizeof(struct lx_totp_code_in)};

struct lx_confirm_state {
	int64_t step;
};

int lx_api_totp_confirm_check(lx_req *r)
{
	const struct lx_totp_code_in *in = r->in;
	char *secret = NULL, *pending = NULL;
	int64_t last = 0;
	struct lx_confirm_state *s = lx_xcalloc(1, sizeof *s);
	r->state = s;
	r->state_free = free;
	int rc = lx_user_totp(r->db, r->user.id, &secret, &pending, &last);
	free(secret);
	if (rc != LX_OK) {
		free(pending);
		return lx_reply_store_error(r, rc);
	}
	if (!pending)
		return lx_reply_error(r, 409, "conflict", NULL, "no enrolment to confirm: enrol first");
	char *plain = lx_secret_unseal(pending);
	free(pending);
	s->step = plain ? lx_totp_check(plain, in->code, lx_now_ms()) : 0;
	free(plain);
	if (!s->step)
		return lx_reply_error(r, 422, "totp_invalid", "code", "the code does not match: check the phone's clock");
	return LX_OK;
}

int lx_api_totp_confirm(lx_req *r)
{
	struct lx_confirm_state *s = r->state;
	lx_audit a = {.kind = "totp_enrolled", .actor_id = r->user.id, .login = r->user.login, .addr = r->addr};
	int rc = lx_user_totp_confirm(r->db, r->user.id, s->step);
	if (rc == LX_NOTFOUND)
		rc = LX_CONFLICT; /* confirmed by another request meanwhile */
	return rc == LX_OK ? lx_audit_insert(r->db, &a, 1) : rc;
}

int lx_api_totp_confirm_reply(lx_req *r)
{
	lx_session_forget(r->token_hash);
	json_t *j = json_object();
	json_object_set_new(j, "ok", json_true());
	json_object_set_new(j, "totp_enabled", json_true());
	return lx_reply_json(r, 200, j);
}
