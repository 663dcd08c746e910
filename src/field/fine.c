/*
 * fine.c - the daily "I'm fine" press (报平安, P10): an elderly resident
 * asked to (the registry's daily_check) presses the button once a day, and
 * the telephony gateway says so (POST /api/v1/onekey/fine). A day that
 * passes without a press raises the grid's follow-up: a case at the
 * resident's place (独居老人探访中断, the community's by the duty list), so
 * somebody goes to see them. The sweeper asks each tick for yesterday;
 * a day is recorded once, pressed or missed, so two nodes raise one case.
 */
#include "field.h"
#include "repo_field.h"
#include "repo_onekey.h"
#include "repo_registry.h"

#include <stdio.h>
#include <stdlib.h>

/* The follow-up of resident id's missed day. */
static int lx_fine_follow_up(lx_flow_ctx *x, lx_db *db, int64_t id, const char *day, lx_ms now)
{
	lx_resident p = {0};
	lx_case c = {0};
	lx_flow_error err = {0};
	int rc = lx_resident_get(db, "/", id, &p);
	if (rc != LX_OK)
		goto cleanup;
	rc = lx_fine_missed_record(db, id, day, now);
	if (rc == LX_CONFLICT) { /* pressed late, or another node followed it up */
		rc = LX_OK;
		goto cleanup;
	}
	if (rc != LX_OK)
		goto cleanup;
	lx_target t = {.kind = "resident", .id = p.id, .unit_id = p.unit_id, .unit_path = p.unit_path,
		       .name = p.name, .address = p.address};
	char *title = lx_xasprintf("独居老人未报平安：%s", p.name);
	char *desc = lx_xasprintf("%s（%s）%s全天没有按键报平安，请网格员今日上门探访，确认老人安好。", p.name,
				  p.address ? p.address : "无登记住址", day);
	lx_field_case fc = {.category_code = "0708", .title = title, .description = desc, .field = "resident"};
	rc = lx_field_case_open(x, db, &t, &fc, &c, &err);
	free(title);
	free(desc);
	if (rc != LX_OK)
		goto cleanup;
	char *why = lx_xasprintf("系统自动发起：%s未报平安（每日一键报平安）", day);
	rc = lx_flow_note(x, &c, "fine_missed", why);
	free(why);
	if (rc == LX_OK)
		rc = lx_fine_followed_up(db, id, day, c.id);
cleanup:
	lx_case_clear(&c);
	lx_resident_clear(&p);
	return rc;
}

int lx_fine_sweep(lx_flow_ctx *x, lx_db *db, lx_ms now, int tz, int limit, int *n)
{
	int64_t ids[64];
	int found = 0;
	char day[11];
	*n = 0;
	lx_local_day(now - LX_DAY_MS, tz, day); /* yesterday, whole */
	int rc = lx_fine_missed(db, day, ids, limit < 64 ? limit : 64, &found);
	for (int i = 0; rc == LX_OK && i < found; i++) {
		rc = lx_fine_follow_up(x, db, ids[i], day, now);
		if (rc == LX_OK)
			(*n)++;
	}
	return rc;
}
