/*
 * image.c - sniffing an upload's type, and the served copy of an image
 * made with libvips (media.h).
 *
 * Only the loaders of the four accepted kinds are called by name (never
 * vips's "load anything" entry, which would reach ImageMagick or poppler),
 * and libvips's untrusted operations are blocked at start. A header is read
 * before any pixel: an image announcing more than the allowed pixels is
 * refused at once (a 30,000 x 30,000 PNG is 40 bytes of header and 2.7 GB
 * of pixels). Truncated files fail (fail_on=truncated) instead of coming
 * out grey at the bottom.
 */
#include "media.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <semaphore.h>
#include <unistd.h>
#include <vips/vips.h>

/* Images being decoded at once: one per core. Decoding is CPU work, so more
 * at a time would not finish sooner, and each holds its pixels (a 12 MP
 * photo is 36 MB decoded, ~100 MB with its copies): sixteen uploads at once
 * would otherwise want 1.6 GB. The others wait their turn. */
static sem_t lx_media_slots;
static int lx_media_started;

/* libvips warns on stderr about every broken upload ("Not a PNG file");
 * the uploader hears it as a 422 with the reason, and the access log has
 * the request: the warnings would only be noise in the server's log. */
static void lx_media_quiet(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer data)
{
	(void)domain;
	(void)level;
	(void)msg;
	(void)data;
}

int lx_media_init(const char *argv0)
{
	int *started = &lx_media_started;
	if (*started)
		return 0;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	if (sem_init(&lx_media_slots, 0, (unsigned)(cores < 1 ? 1 : cores > 8 ? 8 : cores)) != 0)
		return -1;
	if (VIPS_INIT(argv0 ? argv0 : "lianxin") != 0)
		return -1;
	vips_block_untrusted_set(TRUE);
	g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, lx_media_quiet, NULL);
	vips_cache_set_max(0);   /* each upload is seen once: nothing to reuse */
	vips_concurrency_set(1); /* requests run side by side already */
	*started = 1;
	return 0;
}

void lx_media_shutdown(void)
{
	vips_shutdown();
}

lx_media_kind lx_media_sniff(const unsigned char *d, size_t len)
{
	if (!d || len < 12)
		return LX_MEDIA_UNKNOWN;
	if (d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return LX_MEDIA_JPEG;
	if (memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0)
		return LX_MEDIA_PNG;
	if (memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBP", 4) == 0)
		return LX_MEDIA_WEBP;
	if (memcmp(d, "%PDF-", 5) == 0)
		return LX_MEDIA_PDF;
	return LX_MEDIA_UNKNOWN;
}

static const char *const lx_media_mimes[] = {
	[LX_MEDIA_JPEG] = "image/jpeg",
	[LX_MEDIA_PNG] = "image/png",
	[LX_MEDIA_WEBP] = "image/webp",
	[LX_MEDIA_PDF] = "application/pdf",
};

const char *lx_media_mime(lx_media_kind k)
{
	return k > LX_MEDIA_UNKNOWN && k <= LX_MEDIA_PDF ? lx_media_mimes[k] : NULL;
}

lx_media_kind lx_media_from_mime(const char *ct)
{
	if (!ct)
		return LX_MEDIA_UNKNOWN;
	while (*ct == ' ')
		ct++;
	size_t n = strcspn(ct, "; \t");
	for (int k = LX_MEDIA_JPEG; k <= LX_MEDIA_PDF; k++)
		if (strlen(lx_media_mimes[k]) == n && strncasecmp(ct, lx_media_mimes[k], n) == 0)
			return (lx_media_kind)k;
	if (n == 9 && strncasecmp(ct, "image/jpg", 9) == 0)
		return LX_MEDIA_JPEG;
	return LX_MEDIA_UNKNOWN;
}

bool lx_media_is_image(lx_media_kind k)
{
	return k == LX_MEDIA_JPEG || k == LX_MEDIA_PNG || k == LX_MEDIA_WEBP;
}

void lx_media_free(void *p)
{
	g_free(p);
}

void lx_media_out_free(lx_media_out *out)
{
	if (!out)
		return;
	g_free(out->data);
	g_free(out->thumb);
	memset(out, 0, sizeof *out);
}

/* libvips's last message into err, and clears it. */
static void lx_media_vips_err(const char *what, char *err, size_t errsz)
{
	const char *m = vips_error_buffer();
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	snprintf(err, errsz, "%s: %.*s", what, (int)(n > 200 ? 200 : n), n ? m : "unknown error");
	vips_error_clear();
}

/* Reads the header of an image (no pixels yet). */
static VipsImage *lx_media_load(lx_media_kind k, const unsigned char *data, size_t len)
{
	VipsImage *img = NULL;
	void *buf = (void *)data; /* the loaders take a non-const pointer and only read */
	int rc = -1;
	switch (k) {
	case LX_MEDIA_JPEG:
		rc = vips_jpegload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case LX_MEDIA_PNG:
		rc = vips_pngload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	case LX_MEDIA_WEBP:
		rc = vips_webpload_buffer(buf, len, &img, "fail_on", VIPS_FAIL_ON_TRUNCATED, NULL);
		break;
	default:
		break;
	}
	return rc == 0 ? img : NULL;
}

/* Writes img in kind k without any metadata. */
static int lx_media_save(VipsImage *img, lx_media_kind k, void **buf, size_t *len)
{
	switch (k) {
	case LX_MEDIA_JPEG:
		return vips_jpegsave_buffer(img, buf, len, "Q", 85, "strip", TRUE, "optimize_coding", TRUE,
					    NULL);
	case LX_MEDIA_PNG:
		return vips_pngsave_buffer(img, buf, len, "strip", TRUE, "compression", 6, NULL);
	case LX_MEDIA_WEBP:
		return vips_webpsave_buffer(img, buf, len, "Q", 85, "strip", TRUE, NULL);
	default:
		return -1;
	}
}

/* The thumbnail of the clean copy (upright already): JPEG on white. */
static int lx_media_thumb(lx_media_out *out, char *err, size_t errsz)
{
	VipsImage *t = NULL, *flat = NULL;
	int rc = LX_MEDIA_ERR;
	if (vips_thumbnail_buffer(out->data, out->len, &t, LX_MEDIA_THUMB_PX, "height",
				  LX_MEDIA_THUMB_PX, "no_rotate", TRUE, NULL) != 0) {
		lx_media_vips_err("thumbnail", err, errsz);
		goto cleanup;
	}
	VipsImage *src = t;
	if (vips_image_hasalpha(t)) {
		double white[3] = {255, 255, 255};
		VipsArrayDouble *bg = vips_array_double_new(white, 3);
		int frc = vips_flatten(t, &flat, "background", bg, NULL);
		vips_area_unref(VIPS_AREA(bg));
		if (frc != 0) {
			lx_media_vips_err("thumbnail", err, errsz);
			goto cleanup;
		}
		src = flat;
	}
	void *buf = NULL;
	if (vips_jpegsave_buffer(src, &buf, &out->thumb_len, "Q", 75, "strip", TRUE, NULL) != 0) {
		lx_media_vips_err("thumbnail", err, errsz);
		goto cleanup;
	}
	out->thumb = buf;
	rc = LX_MEDIA_OK;
cleanup:
	if (flat)
		g_object_unref(flat);
	if (t)
		g_object_unref(t);
	return rc;
}

static int lx_media_decode(lx_media_kind k, const unsigned char *data, size_t len, int64_t max_pixels,
			   lx_media_out *out, char *err, size_t errsz);

int lx_media_prepare(lx_media_kind k, const unsigned char *data, size_t len, int64_t max_pixels,
		     lx_media_out *out, char *err, size_t errsz)
{
	int rc;
	assert(out && data);
	memset(out, 0, sizeof *out);
	err[0] = '\0';
	if (k == LX_MEDIA_PDF) {
		out->data = g_memdup2(data, len);
		out->len = len;
		return out->data || !len ? LX_MEDIA_OK : LX_MEDIA_ERR;
	}
	if (!lx_media_is_image(k)) {
		snprintf(err, errsz, "not an image");
		return LX_MEDIA_BROKEN;
	}
	assert(lx_media_started); /* lx_media_init first */
	while (sem_wait(&lx_media_slots) != 0)
		; /* EINTR: wait again */
	rc = lx_media_decode(k, data, len, max_pixels, out, err, errsz);
	sem_post(&lx_media_slots);
	return rc;
}

/* lx_media_prepare's work on an image, in one of the slots. */
static int lx_media_decode(lx_media_kind k, const unsigned char *data, size_t len, int64_t max_pixels,
			   lx_media_out *out, char *err, size_t errsz)
{
	VipsImage *img = NULL, *up = NULL;
	int rc = LX_MEDIA_ERR;
	img = lx_media_load(k, data, len);
	if (!img) {
		lx_media_vips_err("does not decode", err, errsz);
		rc = LX_MEDIA_BROKEN;
		goto cleanup;
	}
	int64_t px = (int64_t)vips_image_get_width(img) * vips_image_get_height(img);
	if (px > max_pixels) {
		snprintf(err, errsz, "%d x %d pixels, more than the %lld allowed",
			 vips_image_get_width(img), vips_image_get_height(img), (long long)max_pixels);
		rc = LX_MEDIA_TOO_LARGE;
		goto cleanup;
	}
	if (vips_autorot(img, &up, NULL) != 0) {
		lx_media_vips_err("does not decode", err, errsz);
		rc = LX_MEDIA_BROKEN;
		goto cleanup;
	}
	void *buf = NULL;
	if (lx_media_save(up, k, &buf, &out->len) != 0) {
		/* the pixels are decoded while saving: a broken body fails here */
		lx_media_vips_err("does not decode", err, errsz);
		rc = LX_MEDIA_BROKEN;
		goto cleanup;
	}
	out->data = buf;
	out->width = vips_image_get_width(up);
	out->height = vips_image_get_height(up);
	rc = lx_media_thumb(out, err, errsz);
cleanup:
	if (up)
		g_object_unref(up);
	if (img)
		g_object_unref(img);
	return rc;
}

int lx_media_demo_photo(int w, int h, int r, int g, int b, unsigned seed, unsigned char **data,
			size_t *len)
{
	VipsImage *noise = NULL, *col = NULL, *u8 = NULL, *mem = NULL;
	int rc = LX_MEDIA_ERR;
	double a[3] = {r / 128.0, g / 128.0, b / 128.0}, z[3] = {0, 0, 0};
	*data = NULL;
	*len = 0;
	if (vips_gaussnoise(&noise, w, h, "mean", 128.0, "sigma", 4.0, "seed", (int)seed, NULL) ||
	    vips_linear(noise, &col, a, z, 3, NULL) || vips_cast_uchar(col, &u8, NULL))
		goto cleanup;
	mem = vips_image_copy_memory(u8);
	if (!mem)
		goto cleanup;
	double ink[3] = {r * 0.35, g * 0.35, b * 0.35};
	int cx = (int)(w * (0.3 + (seed % 40) / 100.0)), cy = (int)(h * (0.35 + (seed / 40 % 30) / 100.0));
	if (vips_draw_circle(mem, ink, 3, cx, cy, h / 6, "fill", TRUE, NULL))
		goto cleanup;
	void *buf = NULL;
	if (vips_jpegsave_buffer(mem, &buf, len, "Q", 70, "strip", TRUE, NULL))
		goto cleanup;
	*data = buf;
	rc = LX_MEDIA_OK;
cleanup:
	if (rc != LX_MEDIA_OK)
		vips_error_clear();
	if (mem)
		g_object_unref(mem);
	if (u8)
		g_object_unref(u8);
	if (col)
		g_object_unref(col);
	if (noise)
		g_object_unref(noise);
	return rc;
}
