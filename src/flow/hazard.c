/*
 * hazard.c - the hazard machine's own effects (machines.c: 隐患): a
 * re-inspection on site is the verification of a rectified hazard. A
 * failed one sends it back with a fresh deadline (the verdict effect) and
 * is counted in the hazard ledger; the second failure is supervised
 * (督办) by itself.
 */
#include "flow_int.h"
#include "repo_field.h"

#include <stdlib.h>

/* In the step: the second failed re-inspection supervises the case. Reads
 * the ledger's count (a hazard filed by hand has no ledger row: 0). */
int lx_effect_reinspection(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)err;
	if (in->passed)
		return LX_OK;
	lx_hazard_row h;
	int rc = lx_hazard_get(x->db, c->id, &h);
	if (rc == LX_NOTFOUND)
		return LX_OK;
	if (rc != LX_OK)
		return rc;
	int failures = h.failures + 1;
	lx_hazard_row_clear(&h);
	if (failures < 2)
		return LX_OK;
	c->supervised++;
	char *note = lx_xasprintf("%s（第%d次复查未通过，转督办）", ev->note ? ev->note : "复查未通过", failures);
	free(ev->note);
	ev->note = note;
	return LX_OK;
}

/* After the write: the failure counted in the ledger. */
int lx_effect_count_failure(lx_flow_ctx *x, lx_case *c, const lx_flow_input *in, lx_event *ev, lx_flow_error *err)
{
	(void)ev;
	(void)err;
	if (in->passed)
		return LX_OK;
	int n = 0;
	int rc = lx_hazard_failed(x->db, c->id, &n);
	return rc == LX_NOTFOUND ? LX_OK : rc;
}
