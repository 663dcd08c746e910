/*
 * demo_photos.c - the demo district's photos: what grid workers and the
 * desk sent with the reports of broken street lights, manhole covers,
 * roads, rubbish and stalls, and the handlers' after-photos of the ones
 * resolved. Each is a generated phone-sized JPEG (media/), stored as an
 * upload is: written again without metadata, with its thumbnail.
 */
#include "demo.h"
#include "media.h"
#include "repo_attachment.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LX_DEMO_PHOTOS_PER_CATEGORY 40

struct lx_demo_photo_ctx {
	struct lx_demo *d;
	int r, g, b;     /* the category's colours */
	unsigned seed;
	int rc;
	int made;
};

/* Stores one generated photo on case c at time at. */
static int lx_demo_photo_put(struct lx_demo_photo_ctx *p, const lx_case *c, const char *stage,
			     lx_ms at, int64_t by, bool after)
{
	unsigned char *raw = NULL;
	size_t len = 0;
	lx_media_out m = {0};
	char err[128];
	lx_attachment a = {.case_id = c->id, .created_by = by, .created_at = at};
	int shade = after ? 60 : 0; /* the repaired thing looks cleaner */
	int rc = lx_media_demo_photo(480, 360, p->r + shade > 255 ? 255 : p->r + shade, p->g + shade > 255 ? 255 : p->g + shade,
				     p->b + shade > 255 ? 255 : p->b + shade, p->seed++, &raw, &len);
	if (rc == LX_MEDIA_OK)
		rc = lx_media_prepare(LX_MEDIA_JPEG, raw, len, 1 << 24, &m, err, sizeof err);
	if (rc != LX_MEDIA_OK) {
		rc = LX_ERR;
		goto cleanup;
	}
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, m.data, m.len);
	sodium_bin2hex(a.sha256, sizeof a.sha256, h, sizeof h);
	snprintf(a.stage, sizeof a.stage, "%s", stage);
	snprintf(a.content_type, sizeof a.content_type, "image/jpeg");
	a.name = lx_xasprintf("IMG_%08lld.jpg", (long long)(c->id * 10 + (after ? 1 : 0)));
	a.width = m.width;
	a.height = m.height;
	rc = lx_attachment_insert(p->d->db, &a, m.data, m.len, m.thumb, m.thumb_len);
	p->made += rc == LX_OK;
cleanup:
	lx_attachment_clear(&a);
	lx_media_out_free(&m);
	lx_media_free(raw);
	return rc;
}

static int lx_demo_photo_case(void *arg, const lx_case *c)
{
	struct lx_demo_photo_ctx *p = arg;
	int64_t by = c->created_by ? c->created_by : p->d->dispatcher_id;
	p->rc = lx_demo_photo_put(p, c, "intake", c->created_at + 60 * 1000, by, false);
	if (p->rc == LX_OK && c->resolved_at)
		p->rc = lx_demo_photo_put(p, c, "resolve", c->resolved_at - 5 * 60 * 1000,
					  p->d->dispatcher_id, true);
	return p->rc != LX_OK;
}

int lx_demo_photos(struct lx_demo *d)
{
	static const struct {
		const char *code;
		int r, g, b;
	} cats[] = {
		{"0201", 70, 80, 110},  /* a street light at dusk */
		{"0202", 110, 100, 90}, /* a manhole cover on asphalt */
		{"0203", 100, 95, 90},  /* a broken road */
		{"0301", 90, 120, 70},  /* rubbish by the green bins */
		{"0502", 150, 110, 80}, /* a stall on the pavement */
	};
	if (lx_media_init("lianxin") != 0) {
		fprintf(stderr, "lianxin demo: libvips does not start\n");
		return LX_ERR;
	}
	struct lx_demo_photo_ctx p = {.d = d, .seed = 7};
	for (size_t i = 0; i < sizeof cats / sizeof cats[0]; i++) {
		lx_case_filter f = {.category_code = cats[i].code, .limit = LX_DEMO_PHOTOS_PER_CATEGORY};
		bool more = false;
		p.r = cats[i].r;
		p.g = cats[i].g;
		p.b = cats[i].b;
		p.rc = LX_OK;
		int rc = lx_case_list(d->db, "/", &f, lx_demo_photo_case, &p, &more);
		if (rc != LX_OK || p.rc != LX_OK) {
			fprintf(stderr, "lianxin demo: photos: %s\n", lx_db_errmsg(d->db));
			return LX_ERR;
		}
	}
	return LX_OK;
}
