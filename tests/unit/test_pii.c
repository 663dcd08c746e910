/*
 * test_pii.c - the registry's personal data (core/pii.c): GB 11643 ID
 * numbers and phones checked and normalised, masks, sealing with the data
 * key and its lookup hashes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pii.h"
#include "secret.h"

static const char KEY[] = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

static void test_id_numbers(void **state)
{
	(void)state;
	char out[19];
	/* the standard's own example: 11010519491231002X */
	assert_null(lx_id_number_check("11010519491231002X", out));
	assert_string_equal(out, "11010519491231002X");
	assert_null(lx_id_number_check(" 11010519491231002x ", out));
	assert_string_equal(out, "11010519491231002X");
	assert_non_null(lx_id_number_check("110105194912310021", out));  /* check digit */
	assert_non_null(lx_id_number_check("11010519491231002", out));   /* 17 characters */
	assert_non_null(lx_id_number_check("1101051949123100X2", out));  /* X inside */
	assert_non_null(lx_id_number_check("110105194902300025", out));  /* 30 February */
	assert_non_null(lx_id_number_check("010105194912310020", out));  /* region 0 */
	assert_non_null(lx_id_number_check("110105289912310020", out));  /* born in 2899 */
	assert_non_null(lx_id_number_check(NULL, out));
}

static void test_phones(void **state)
{
	(void)state;
	char out[24];
	assert_null(lx_phone_check("+86 139-1234-5678", out));
	assert_string_equal(out, "13912345678");
	assert_null(lx_phone_check("008613912345678", out));
	assert_string_equal(out, "13912345678");
	assert_null(lx_phone_check("0351-7654321", out));
	assert_string_equal(out, "03517654321");
	assert_non_null(lx_phone_check("12912345678", out));   /* 12x is no mobile */
	assert_non_null(lx_phone_check("1391234567", out));    /* 10 digits */
	assert_non_null(lx_phone_check("+1 415 555 0100", out));
	assert_non_null(lx_phone_check("139abc45678", out));
	assert_non_null(lx_phone_check("7654321", out));       /* no area code */
}

static void test_masks(void **state)
{
	(void)state;
	char *m = lx_mask_id_number("11010519491231002X");
	assert_string_equal(m, "1****************X");
	free(m);
	assert_null(lx_mask_id_number(NULL));
}

static void test_seal_open_hash(void **state)
{
	(void)state;
	assert_int_equal(lx_secret_init(), LX_OK);
	assert_null(lx_pii_seal("x")); /* no key: nothing is sealed */
	assert_int_equal(lx_pii_key_load("not hex", NULL, false), LX_INVALID);
	assert_int_equal(lx_pii_key_load(KEY, NULL, false), LX_OK);
	char *a = lx_pii_seal("11010519491231002X"), *b = lx_pii_seal("11010519491231002X");
	assert_non_null(a);
	assert_string_not_equal(a, b); /* a random nonce each */
	assert_null(strstr(a, "1101051949"));
	char *p = lx_pii_open(a);
	assert_string_equal(p, "11010519491231002X");
	lx_pii_free(p);
	a[3] = a[3] == 'A' ? 'B' : 'A'; /* tampered */
	assert_null(lx_pii_open(a));
	char h1[33], h2[33], h3[33], fp[33];
	lx_pii_hash("id", "13912345678", h1);
	lx_pii_hash("phone", "13912345678", h2);
	lx_pii_hash("id", "13912345678", h3);
	assert_string_equal(h1, h3);
	assert_string_not_equal(h1, h2); /* the kind is part of the hash */
	lx_pii_fingerprint(fp);
	lx_pii_key_unload();
	/* another key: another hash and fingerprint, and the old text does not open */
	char other[65];
	memcpy(other, KEY, sizeof other);
	other[0] = 'f';
	assert_int_equal(lx_pii_key_load(other, NULL, false), LX_OK);
	char h4[33], fp2[33];
	lx_pii_hash("id", "13912345678", h4);
	lx_pii_fingerprint(fp2);
	assert_string_not_equal(h1, h4);
	assert_string_not_equal(fp, fp2);
	assert_null(lx_pii_open(b));
	lx_pii_key_unload();
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_numbers),
		cmocka_unit_test(test_phones),
		cmocka_unit_test(test_masks),
		cmocka_unit_test(test_seal_open_hash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
