/*
 * media.h - what an uploaded file is, and the copy of it lianxin serves.
 *
 * The type of a file is read from its bytes (magic numbers), never from a
 * header a client wrote. An image is decoded and written again by libvips
 * (Debian's libvips42): the served copy carries no metadata (no EXIF, so no
 * GPS position of a resident's home, no camera serial), is turned upright
 * by its orientation tag, and has a thumbnail. A PDF is kept as sent. No
 * I/O and no SQL here: buffers in, buffers out.
 */
#ifndef LX_MEDIA_H
#define LX_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum lx_media_kind {
	LX_MEDIA_UNKNOWN = 0,
	LX_MEDIA_JPEG,
	LX_MEDIA_PNG,
	LX_MEDIA_WEBP,
	LX_MEDIA_PDF,
} lx_media_kind;

/* The longest edge of a thumbnail, in pixels. */
#define LX_MEDIA_THUMB_PX 320

/* Starts libvips once per process (argv0 for its messages); safe to call
 * again, and needed before lx_media_prepare. Untrusted loaders are blocked,
 * its operation cache is off, and at most one image per core is decoded at
 * a time (the others wait). Returns 0, or -1 when libvips cannot start. */
int lx_media_init(const char *argv0);
/* Stops libvips at exit (frees its caches; for leak checkers). */
void lx_media_shutdown(void);

/* The kind the first bytes of data announce (LX_MEDIA_UNKNOWN for anything
 * else, also for fewer than 12 bytes). */
lx_media_kind lx_media_sniff(const unsigned char *data, size_t len);
/* The MIME type of a kind ("image/jpeg", ...), or NULL for UNKNOWN. */
const char *lx_media_mime(lx_media_kind k);
/* The kind a Content-Type header names (parameters ignored; image/jpg is
 * read as image/jpeg), or LX_MEDIA_UNKNOWN. */
lx_media_kind lx_media_from_mime(const char *content_type);
/* Whether the kind is an image (not a PDF). */
bool lx_media_is_image(lx_media_kind k);

/* The served copy of one upload. */
typedef struct lx_media_out {
	unsigned char *data;   /* the served bytes (owned; g_free/free-compatible: lx_media_out_free) */
	size_t len;
	unsigned char *thumb;  /* JPEG, longest edge LX_MEDIA_THUMB_PX; NULL for a PDF */
	size_t thumb_len;
	int width, height;     /* of the served image, upright; 0 for a PDF */
} lx_media_out;

enum {
	LX_MEDIA_OK = 0,
	LX_MEDIA_BROKEN = -1,     /* does not decode (truncated, corrupt) */
	LX_MEDIA_TOO_LARGE = -2,  /* more pixels than allowed */
	LX_MEDIA_ERR = -3,        /* out of memory, libvips failed otherwise */
};

/* Makes the served copy of data, a file of kind k (from lx_media_sniff):
 * an image is decoded (refused before any pixel is decoded when its
 * header announces more than max_pixels), turned upright, written again
 * without metadata in its own format, and a thumbnail made; a PDF is
 * copied. Fills *out (the caller frees it with lx_media_out_free, also on
 * failure) and returns LX_MEDIA_OK or one of the failures above, with a
 * message in err. */
int lx_media_prepare(lx_media_kind k, const unsigned char *data, size_t len, int64_t max_pixels,
		     lx_media_out *out, char *err, size_t errsz);
void lx_media_out_free(lx_media_out *out);

/* A demo photo: a w x h JPEG of a soft gradient in the colours (r,g,b)
 * with a darker disc where the trouble is, as a phone would send it. The
 * caller frees *data with lx_media_free. Returns LX_MEDIA_OK or LX_MEDIA_ERR. */
int lx_media_demo_photo(int w, int h, int r, int g, int b, unsigned seed, unsigned char **data,
			size_t *len);
void lx_media_free(void *p);

#endif
