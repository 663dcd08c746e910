/*
 * test_secret.c - unit tests for core/secret: TOTP against RFC 6238's
 * SHA-256 test vectors, the drift window, sealing with the server key,
 * and the password rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lx.h"
#include "secret.h"

/* RFC 6238 appendix B: the SHA-256 seed is "12345678901234567890123456789012". */
static const char *const rfc_seed = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA";

static void test_totp_matches_the_rfc_6238_vectors(void **state)
{
	(void)state;
	/* the RFC's eight digits; ours are the last six */
	static const struct {
		int64_t t;
		int code;
	} v[] = {{59, 119246}, {1111111109, 84774}, {1111111111, 62674}, {1234567890, 819424},
		 {2000000000, 698825}, {20000000000LL, 737706}};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		assert_int_equal(lx_totp_code(rfc_seed, v[i].t / 30), v[i].code);
}

static void test_totp_allows_one_step_of_drift_and_no_more(void **state)
{
	(void)state;
	char code[8];
	lx_ms now = 1234567890LL * 1000;
	int64_t step = 1234567890 / 30;
	for (int d = -3; d <= 3; d++) {
		snprintf(code, sizeof code, "%06d", lx_totp_code(rfc_seed, step + d));
		int64_t got = lx_totp_check(rfc_seed, code, now);
		if (d >= -1 && d <= 1)
			assert_int_equal(got, step + d);
		else
			assert_int_equal(got, 0);
	}
	assert_int_equal(lx_totp_check(rfc_seed, "12345", now), 0);
	assert_int_equal(lx_totp_check(rfc_seed, "1234567", now), 0);
	assert_int_equal(lx_totp_check(rfc_seed, "12a456", now), 0);
	assert_int_equal(lx_totp_check(rfc_seed, NULL, now), 0);
	assert_int_equal(lx_totp_code("not base32!", 1), -1);
}

static void test_new_secrets_are_base32_and_differ(void **state)
{
	(void)state;
	char a[33], b[33];
	lx_totp_secret_new(a);
	lx_totp_secret_new(b);
	assert_int_equal(strlen(a), 32);
	assert_int_equal(strspn(a, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
	assert_string_not_equal(a, b);
	assert_true(lx_totp_code(a, 1) >= 0);
}

static void test_sealing_round_trips_and_refuses_tampering(void **state)
{
	(void)state;
	char path[] = "/tmp/lx-test-key-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	assert_int_equal(lx_secret_key_load(path, false), LX_ERR); /* missing, not made */
	assert_int_equal(lx_secret_key_load(path, true), LX_OK);   /* made, mode 0600 */
	char *sealed = lx_secret_seal("JBSWY3DPEHPK3PXP");
	assert_non_null(sealed);
	assert_null(strstr(sealed, "JBSWY3DPEHPK3PXP"));
	char *plain = lx_secret_unseal(sealed);
	assert_string_equal(plain, "JBSWY3DPEHPK3PXP");
	free(plain);
	sealed[5] = sealed[5] == 'A' ? 'B' : 'A';
	assert_null(lx_secret_unseal(sealed));
	assert_null(lx_secret_unseal("short"));
	free(sealed);
	assert_int_equal(lx_secret_key_load(path, true), LX_OK); /* loads the same key again */
	unlink(path);
}

static void test_password_rules(void **state)
{
	(void)state;
	assert_non_null(lx_password_weakness("12345678", "zhang", 8));
	assert_non_null(lx_password_weakness("aaaaaaaa", "zhang", 8));
	assert_non_null(lx_password_weakness("Kq7-zmv2p", "zhang", 10));   /* nine, for staff */
	assert_null(lx_password_weakness("Kq7-zmv2p", "zhang", 8));
	assert_non_null(lx_password_weakness("zhang-2026-ok", "zhang", 10)); /* holds the login */
	assert_null(lx_password_weakness("Harbour-Lamp-42", "zhang", 10));
	assert_null(lx_password_weakness("社区志愿服务队员", "zhang", 8)); /* eight characters, not bytes */
}

int main(void)
{
	if (lx_secret_init() != LX_OK)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_totp_matches_the_rfc_6238_vectors),
		cmocka_unit_test(test_totp_allows_one_step_of_drift_and_no_more),
		cmocka_unit_test(test_new_secrets_are_base32_and_differ),
		cmocka_unit_test(test_sealing_round_trips_and_refuses_tampering),
		cmocka_unit_test(test_password_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
