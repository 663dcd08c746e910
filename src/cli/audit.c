/*
 * audit.c - `lianxin audit verify --db PATH`: walks the hash chains of the
 * case timeline and the audit log (store/chain.c) and names the first row
 * that does not hold.
 */
#include "chain.h"
#include "cli.h"

#include <stdio.h>

int lx_cli_audit_verify(const char *url)
{
	char err[256];
	lx_db *db = NULL;
	int rc = LX_ERR;
	bool broken = false;
	static const char *const chains[] = {"case_events", "audit_log"};
	if (lx_db_open(url, &db, err, sizeof err) != LX_OK) {
		fprintf(stderr, "lianxin audit: %s\n", err);
		return LX_ERR;
	}
	lx_db_read_begin(db);
	for (size_t i = 0; i < sizeof chains / sizeof chains[0]; i++) {
		lx_chain_report rep;
		if (lx_chain_verify(db, chains[i], &rep) != LX_OK) {
			fprintf(stderr, "lianxin audit: cannot read %s (is this a lianxin database of P7 or "
				"later?): %s\n", chains[i], lx_db_errmsg(db));
			lx_db_read_end(db);
			goto cleanup;
		}
		if (rep.broken_id) {
			printf("%s: BROKEN after %lld rows: %s\n", chains[i], (long long)rep.rows - 1, rep.why);
			broken = true;
		} else {
			printf("%s: %lld rows, the chain holds\n", chains[i], (long long)rep.rows);
		}
	}
	lx_db_read_end(db);
	rc = broken ? LX_CONFLICT : LX_OK;
cleanup:
	lx_db_close(db);
	return rc;
}
