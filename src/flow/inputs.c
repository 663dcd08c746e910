/*
 * inputs.c - what each action takes: one schema per kind of input, named
 * by the transitions (machines.c), checked by the route dispatcher before
 * the engine runs (400 for a wrong type, 422 for a bad value, with the
 * field). Every input may carry "version", the case version the caller saw.
 */
#include "flow_int.h"

#include <string.h>

#define IN lx_flow_input
#define F_VERSION LX_FIELD_HAS(IN, version, LX_F_INT, .quiet = true, .doc = "the case version the caller saw (409 stale_version if it moved)")
#define F_NOTE LX_FIELD(IN, note, LX_F_STR, .max = 500, .doc = "a note for the timeline")

static const lx_field lx_in_none[] = {F_VERSION, LX_FIELD_END};
static const lx_field lx_in_note[] = {F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_reason[] = {
	LX_FIELD(IN, reason, LX_F_STR, .required = true, .max = 500, .doc = "why (shown to the desk and on the timeline)"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_dispatch[] = {
	/* quiet: the event's unit_id records it */
	LX_FIELD(IN, unit_id, LX_F_INT, .required = true, .quiet = true,
		 .doc = "the unit to handle the case (in the caller's scope)"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_assist[] = {
	LX_FIELD(IN, unit_ids, LX_F_IDS, .required = true, .min = 1, .max = 20, .doc = "units asked to assist"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_resolve[] = {
	LX_FIELD(IN, reply, LX_F_STR, .required = true, .max = 2000, .doc = "the answer to the resident"),
	F_VERSION, LX_FIELD_END};
static const lx_field lx_in_rate[] = {
	LX_FIELD_HAS(IN, rating, LX_F_ENUM, .required = true, .values = lx_rating_names, .code = "unknown_rating"),
	LX_FIELD_HAS(IN, solved, LX_F_BOOL, .required = true, .doc = "whether the problem was solved"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_supervise[] = {
	LX_FIELD(IN, note, LX_F_STR, .required = true, .max = 500, .doc = "what the supervisor asks"),
	F_VERSION, LX_FIELD_END};
static const lx_field lx_in_comment[] = {
	LX_FIELD(IN, note, LX_F_STR, .required = true, .max = 2000), F_VERSION, LX_FIELD_END};
static const lx_field lx_in_suspend[] = {
	LX_FIELD(IN, reason, LX_F_STR, .required = true, .max = 500, .doc = "what the case waits for"),
	LX_FIELD_HAS(IN, until, LX_F_TIME, .doc = "when it resumes by itself (optional)"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_extend[] = {
	LX_FIELD_HAS(IN, hours, LX_F_NUM, .min = 0, .min_open = true, .max = 8760, .doc = "more time in hours"),
	LX_FIELD_HAS(IN, workdays, LX_F_INT, .min = 1, .max = 250, .doc = "or in working days"),
	LX_FIELD(IN, reason, LX_F_STR, .required = true, .max = 500),
	F_VERSION, LX_FIELD_END};
static const lx_field lx_in_verify[] = {
	LX_FIELD_HAS(IN, passed, LX_F_BOOL, .required = true, .doc = "the work was checked and is done"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_appeal_decide[] = {
	LX_FIELD_HAS(IN, upheld, LX_F_BOOL, .required = true, .doc = "the appeal holds: the rating is left out"),
	F_NOTE, F_VERSION, LX_FIELD_END};
static const lx_field lx_in_merge[] = {
	LX_FIELD(IN, into_id, LX_F_INT, .required = true, .doc = "the master case this one duplicates"),
	F_NOTE, F_VERSION, LX_FIELD_END};

/* extend: hours or workdays, exactly one */
static int lx_extend_check(const void *out, lx_schema_error *err)
{
	const lx_flow_input *in = out;
	if (in->has_hours == in->has_workdays)
		return lx_schema_fail(err, 422, in->has_hours ? "invalid" : "required", "hours",
				      "give hours or workdays (one of them)");
	return LX_OK;
}

static const struct {
	const char *name;
	lx_schema schema;
} lx_inputs[] = {
	{"none", {"action_none", lx_in_none, NULL, sizeof(lx_flow_input)}},
	{"note", {"action_note", lx_in_note, NULL, sizeof(lx_flow_input)}},
	{"reason", {"action_reason", lx_in_reason, NULL, sizeof(lx_flow_input)}},
	{"dispatch", {"action_dispatch", lx_in_dispatch, NULL, sizeof(lx_flow_input)}},
	{"assist", {"action_assist", lx_in_assist, NULL, sizeof(lx_flow_input)}},
	{"resolve", {"action_resolve", lx_in_resolve, NULL, sizeof(lx_flow_input)}},
	{"rate", {"action_rate", lx_in_rate, NULL, sizeof(lx_flow_input)}},
	{"supervise", {"action_supervise", lx_in_supervise, NULL, sizeof(lx_flow_input)}},
	{"comment", {"action_comment", lx_in_comment, NULL, sizeof(lx_flow_input)}},
	{"suspend", {"action_suspend", lx_in_suspend, NULL, sizeof(lx_flow_input)}},
	{"extend", {"action_extend", lx_in_extend, lx_extend_check, sizeof(lx_flow_input)}},
	{"verify", {"action_verify", lx_in_verify, NULL, sizeof(lx_flow_input)}},
	{"appeal_decide", {"action_appeal_decide", lx_in_appeal_decide, NULL, sizeof(lx_flow_input)}},
	{"merge", {"action_merge", lx_in_merge, NULL, sizeof(lx_flow_input)}},
};

/* The schema named name (machines.c's `input`), or NULL. */
const lx_schema *lx_flow_input_named(const char *name)
{
	for (size_t i = 0; i < sizeof lx_inputs / sizeof lx_inputs[0]; i++)
		if (strcmp(lx_inputs[i].name, name) == 0)
			return &lx_inputs[i].schema;
	return NULL;
}
