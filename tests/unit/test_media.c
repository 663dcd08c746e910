/*
 * test_media.c - unit tests for media/: a file's kind from its bytes, the
 * Content-Type names, and the served copy libvips makes (its size, the
 * thumbnail's, truncated files and pixel bombs refused).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "media.h"

static void test_sniff(void **state)
{
	(void)state;
	static const struct {
		const char *bytes;
		size_t n;
		lx_media_kind want;
	} cases[] = {
		{"\xff\xd8\xff\xe0\0\x10JFIF\0\1", 12, LX_MEDIA_JPEG},
		{"\x89PNG\r\n\x1a\n\0\0\0\r", 12, LX_MEDIA_PNG},
		{"RIFF\x10\0\0\0WEBPVP8 ", 16, LX_MEDIA_WEBP},
		{"RIFF\x10\0\0\0WAVEfmt ", 16, LX_MEDIA_UNKNOWN}, /* a RIFF that is sound */
		{"%PDF-1.7\n%\xe2\xe3\xcf", 12, LX_MEDIA_PDF},
		{"GIF89a\1\0\1\0\0\0", 12, LX_MEDIA_UNKNOWN},
		{"PK\3\4\0\0\0\0\0\0\0\0", 12, LX_MEDIA_UNKNOWN},  /* a zip */
		{"\xff\xd8\xff", 3, LX_MEDIA_UNKNOWN},             /* too short to say */
		{"", 0, LX_MEDIA_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_int_equal(lx_media_sniff((const unsigned char *)cases[i].bytes, cases[i].n),
				 cases[i].want);
	assert_int_equal(lx_media_sniff(NULL, 100), LX_MEDIA_UNKNOWN);
}

static void test_mime(void **state)
{
	(void)state;
	assert_int_equal(lx_media_from_mime("image/jpeg"), LX_MEDIA_JPEG);
	assert_int_equal(lx_media_from_mime("IMAGE/JPEG; charset=binary"), LX_MEDIA_JPEG);
	assert_int_equal(lx_media_from_mime("image/jpg"), LX_MEDIA_JPEG);
	assert_int_equal(lx_media_from_mime(" image/png"), LX_MEDIA_PNG);
	assert_int_equal(lx_media_from_mime("image/webp"), LX_MEDIA_WEBP);
	assert_int_equal(lx_media_from_mime("application/pdf"), LX_MEDIA_PDF);
	assert_int_equal(lx_media_from_mime("image/jpegx"), LX_MEDIA_UNKNOWN);
	assert_int_equal(lx_media_from_mime("image/gif"), LX_MEDIA_UNKNOWN);
	assert_int_equal(lx_media_from_mime("application/json"), LX_MEDIA_UNKNOWN);
	assert_int_equal(lx_media_from_mime(""), LX_MEDIA_UNKNOWN);
	assert_int_equal(lx_media_from_mime(NULL), LX_MEDIA_UNKNOWN);
	assert_string_equal(lx_media_mime(LX_MEDIA_WEBP), "image/webp");
	assert_null(lx_media_mime(LX_MEDIA_UNKNOWN));
	assert_true(lx_media_is_image(LX_MEDIA_PNG));
	assert_false(lx_media_is_image(LX_MEDIA_PDF));
}

static void test_prepare_a_photo(void **state)
{
	(void)state;
	unsigned char *jpg = NULL;
	size_t n = 0;
	char err[256];
	lx_media_out out;
	assert_int_equal(lx_media_demo_photo(800, 600, 120, 100, 80, 3, &jpg, &n), LX_MEDIA_OK);
	assert_int_equal(lx_media_sniff(jpg, n), LX_MEDIA_JPEG);
	assert_int_equal(lx_media_prepare(LX_MEDIA_JPEG, jpg, n, 1 << 24, &out, err, sizeof err), LX_MEDIA_OK);
	assert_int_equal(out.width, 800);
	assert_int_equal(out.height, 600);
	assert_int_equal(lx_media_sniff(out.data, out.len), LX_MEDIA_JPEG);
	assert_non_null(out.thumb);
	assert_int_equal(lx_media_sniff(out.thumb, out.thumb_len), LX_MEDIA_JPEG);
	assert_true(out.thumb_len < out.len);
	/* no metadata block: neither an Exif nor an XMP segment */
	assert_null(memmem(out.data, out.len, "Exif\0\0", 6));
	assert_null(memmem(out.data, out.len, "http://ns.adobe.com/xap", 23));
	lx_media_out_free(&out);

	/* the same header, fewer pixels allowed: refused before decoding */
	assert_int_equal(lx_media_prepare(LX_MEDIA_JPEG, jpg, n, 800 * 600 - 1, &out, err, sizeof err),
			 LX_MEDIA_TOO_LARGE);
	assert_non_null(strstr(err, "800 x 600"));
	lx_media_out_free(&out);

	/* cut in the middle of the picture */
	assert_int_equal(lx_media_prepare(LX_MEDIA_JPEG, jpg, n / 2, 1 << 24, &out, err, sizeof err),
			 LX_MEDIA_BROKEN);
	lx_media_out_free(&out);
	/* a JPEG's bytes read as a PNG */
	assert_int_equal(lx_media_prepare(LX_MEDIA_PNG, jpg, n, 1 << 24, &out, err, sizeof err), LX_MEDIA_BROKEN);
	lx_media_out_free(&out);
	lx_media_free(jpg);
}

static void test_pdf_is_kept(void **state)
{
	(void)state;
	static const unsigned char pdf[] = "%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n";
	char err[64];
	lx_media_out out;
	assert_int_equal(lx_media_prepare(LX_MEDIA_PDF, pdf, sizeof pdf - 1, 1, &out, err, sizeof err), LX_MEDIA_OK);
	assert_int_equal(out.len, sizeof pdf - 1);
	assert_memory_equal(out.data, pdf, out.len);
	assert_null(out.thumb);
	assert_int_equal(out.width, 0);
	lx_media_out_free(&out);
}

static int setup(void **state)
{
	(void)state;
	return lx_media_init("test_media");
}

static int teardown(void **state)
{
	(void)state;
	lx_media_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_mime),
		cmocka_unit_test(test_prepare_a_photo),
		cmocka_unit_test(test_pdf_is_kept),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
