/*
 * machines.c - every kind of work as a machine, declared as data.
 *
 * Read a transition row as: this action, from these states, enters that
 * state (or the one its outcome picks from the input), may be fired by
 * these roles (and by the system where it says so; "handles": only by an
 * actor whose scope holds the handling unit; "covers": whose scope holds
 * the case's place), takes this input, when its
 * guards hold, and does these effects. For one action the first row whose
 * roles, state and guards hold decides: a role no row allows is 403, a
 * state no row leaves is 409, a failed guard says why (409, or 403 for a
 * guard about the actor). Adding a kind of work, a state or a step is a
 * change here (and, for a new named guard or effect, in effects.c); the
 * store, the API, the web and the docs follow from it.
 *
 * Modelled on Request Tracker's lifecycles (statuses in initial, active and
 * inactive groups, a transition map, a right per transition) and Redmine's
 * workflow rows; the rules are 12345 practice (shared/DOMAIN.md): working
 * days, suspension, extension, verification, appeals, merged duplicates.
 */
#include "flow_int.h"

#define R_DESK (LX_ROLE_ADMIN | LX_ROLE_DISPATCHER)
#define R_WORK (LX_ROLE_ADMIN | LX_ROLE_HANDLER | LX_ROLE_GRID_WORKER)
#define R_LEAD (LX_ROLE_LEADER)
#define R_ALL LX_ROLE__ALL

/* The 12345 states every case type shares today. The clocks say which
 * states they run in (lx_hotline_clocks); a state's `clock` in the API is
 * "some clock runs here". */
static const lx_flow_state lx_hotline_states[] = {
	{"new", LX_GRP_INITIAL, .open = true, .label = "待派发"},
	{"dispatched", LX_GRP_ACTIVE, .open = true, .notices = {"handler:case.dispatched"}, .label = "待签收"},
	{"accepted", LX_GRP_ACTIVE, .open = true, .label = "办理中"},
	{"suspended", LX_GRP_ACTIVE, .open = true, .on_exit = {"end_suspension"}, .label = "已挂起"},
	{"verifying", LX_GRP_ACTIVE, .open = true, .label = "待核查"},
	{"returned", LX_GRP_ACTIVE, .open = true, .label = "已退回"},
	{"reopened", LX_GRP_ACTIVE, .open = true, .on_enter = {"redispatch"},
	 .notices = {"handler:case.dispatched", "reporter:case.reopened"}, .label = "重办"},
	{"resolved", LX_GRP_INACTIVE, .done = true, .notices = {"reporter:case.resolved"}, .label = "已办结"},
	{"closed", LX_GRP_INACTIVE, .done = true, .on_enter = {"stamp_closed"}, .label = "已结案"},
	{"merged", LX_GRP_INACTIVE, .done = true, .label = "已合并"},
	{.name = NULL},
};

#define S_WAITING "dispatched", "reopened"
#define S_HANDLING S_WAITING, "accepted"
#define S_OPEN "new", "returned", S_HANDLING, "suspended", "verifying"
#define S_RATED_AFTER "dispatched", "accepted", "suspended", "verifying", "reopened", "resolved", "closed"

static const lx_flow_transition lx_hotline_common[] = {
	/* the desk hands the case to a unit; the duty list does at intake */
	{"dispatch", {"new", "returned", S_WAITING}, "dispatched", .roles = R_DESK, .system = true,
	 .input = "dispatch", .effects = {"assign"}},
	{"accept", {S_WAITING}, "accepted", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "note", .effects = {"stamp_accepted"}, .notices = {"reporter:case.accepted"}},
	/* not ours: back to the desk, which sees why and who */
	{"return", {S_HANDLING}, "returned", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "reason", .effects = {"unassign", "withdraw_pending"}},
	{"escalate", {S_HANDLING}, "dispatched", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "reason", .effects = {"assign_parent", "withdraw_pending"}},
	{"assist", {"accepted"}, NULL, .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "assist", .effects = {"assist_units"}, .after = {"write_tasks"}},
	/* an assisting unit reports its part done (not the handling unit) */
	{"assist_done", {"accepted"}, NULL, .roles = R_WORK, .input = "note", .guards = {"own_task"},
	 .effects = {"finish_task"}},
	/* 挂起: the clocks stop, e.g. waiting for the resident or a court */
	{"suspend", {"accepted"}, "suspended", .roles = R_DESK, .input = "suspend", .effects = {"suspend"}},
	{"suspend", {"accepted"}, "suspended", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "suspend", .guards = {"no_pending", "no_suspend_approval"}, .effects = {"suspend"}},
	{"suspend", {"accepted"}, NULL, .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "suspend", .guards = {"no_pending", "suspend_approval"}, .effects = {"request_suspension"},
	 .notices = {"desk:case.approval"}},
	{"suspend_approve", {"accepted"}, "suspended", .roles = R_DESK, .input = "note",
	 .guards = {"pending_suspension"}, .effects = {"approve_suspension"}},
	{"suspend_reject", {"accepted"}, NULL, .roles = R_DESK, .input = "reason",
	 .guards = {"pending_suspension"}, .effects = {"reject_pending"}},
	{"resume", {"suspended"}, "accepted", .roles = R_DESK, .system = true, .input = "note",
	 .effects = {"resume"}},
	{"resume", {"suspended"}, "accepted", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "note", .effects = {"resume"}},
	/* 延期: asked before the deadline, granted by the desk or a leader */
	{"extend", {"accepted"}, NULL, .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "extend", .guards = {"no_pending", "before_resolve_due", "extensions_left"},
	 .effects = {"request_extension"}, .notices = {"desk:case.approval"}},
	{"extension_approve", {"accepted"}, NULL, .roles = R_DESK | R_LEAD, .input = "note",
	 .guards = {"pending_extension"}, .effects = {"approve_extension"}},
	{"extension_reject", {"accepted"}, NULL, .roles = R_DESK | R_LEAD, .input = "reason",
	 .guards = {"pending_extension"}, .effects = {"reject_pending"}},
	/* 核查: where the category verifies, resolved work waits for the check */
	{"resolve", {"accepted"}, "verifying", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "resolve", .guards = {"tasks_done", "resolve_photo", "verify_required"},
	 .effects = {"reply", "withdraw_pending"}},
	{"resolve", {"accepted"}, "resolved", .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "resolve", .guards = {"tasks_done", "resolve_photo", "no_verify"},
	 .effects = {"reply", "withdraw_pending"}, .after = {"answer_merged"}},
	/* 即知即办: the grid worker who reported it resolves it on the spot, with a photo */
	{"resolve", {"new", "dispatched"}, "resolved", .roles = LX_ROLE_GRID_WORKER, .covers = true,
	 .input = "resolve", .guards = {"on_spot", "no_verify", "after_photo"},
	 .effects = {"take_on_spot", "reply"}, .after = {"answer_merged"}},
	{"verify", {"verifying"}, NULL, .outcome = "by_verdict", .roles = R_DESK, .input = "verify",
	 .effects = {"verdict"}, .after = {"answer_merged"}},
	/* ... or the grid worker of the case's place, on site */
	{"verify", {"verifying"}, NULL, .outcome = "by_verdict", .roles = LX_ROLE_GRID_WORKER, .covers = true,
	 .input = "verify", .effects = {"verdict"}, .after = {"answer_merged"}},
	{"reopen", {"resolved", "closed"}, "reopened", .roles = R_DESK, .needs_handler = true, .input = "reason"},
	/* the desk closes what needs no more work, or a reopened case it has
	 * explained to the resident */
	{"close", {"resolved", "new", "returned", "reopened"}, "closed", .roles = R_DESK, .input = "note"},
	{"supervise", {S_OPEN}, NULL, .roles = R_DESK | R_LEAD, .input = "supervise", .effects = {"supervise"},
	 .notices = {"handler:case.supervised"}},
	{"comment", {S_OPEN, "resolved", "closed", "merged"}, NULL, .roles = R_ALL, .input = "comment"},
	/* 申诉: the unit contests an unfavourable rating within 7 days */
	{"appeal", {S_RATED_AFTER}, NULL, .roles = R_WORK, .handles = true, .needs_handler = true,
	 .input = "reason", .guards = {"no_pending", "appeal_window"}, .effects = {"file_appeal"},
	 .notices = {"desk:case.approval"}},
	{"appeal_decide", {S_RATED_AFTER}, NULL, .outcome = "by_appeal", .roles = R_DESK | R_LEAD,
	 .input = "appeal_decide", .guards = {"pending_appeal"}, .effects = {"decide_appeal"}},
	/* 无效诉求: abusive, unrelated to government, a duplicate */
	{"invalid", {S_OPEN, "resolved", "closed"}, "closed", .roles = R_DESK, .input = "reason",
	 .effects = {"exclude", "withdraw_pending"}},
	/* a duplicate joins its master and is answered with the master's reply */
	{"merge", {"new", "returned", S_HANDLING}, "merged", .roles = R_DESK, .input = "merge",
	 .effects = {"link_master", "withdraw_pending"}, .after = {"tell_master"}},
	/* the system's own steps */
	{"merged_in", {S_OPEN, "resolved", "closed"}, NULL, .system = true, .input = "none"},
	{"answer", {"merged"}, NULL, .system = true, .input = "none", .effects = {"copy_master_reply"}},
	{"accept_overdue", {S_WAITING}, NULL, .system = true, .input = "none", .effects = {"mark_accept_overdue"}},
	{"overdue", {S_HANDLING}, NULL, .system = true, .input = "none", .effects = {"mark_overdue"}},
	{"reschedule", {S_OPEN}, NULL, .system = true, .input = "none", .effects = {"reschedule"}},
	{.action = NULL},
};

/* The resident (or voter) rates the answer: satisfied or basic and solved
 * closes the case, anything else sends it back to the same unit. The desk
 * rates what the resident said on the callback; the resident may rate on
 * their own phone (the resident API checks the case is theirs first), and
 * the rating counts the same. */
static const lx_flow_transition lx_hotline_rated[] = {
	{"rate", {"resolved"}, NULL, .outcome = "by_rating",
	 .roles = R_DESK | LX_ROLE_GRID_WORKER | LX_ROLE_DEPUTY | LX_ROLE_RESIDENT, .input = "rate",
	 .effects = {"rating"}},
	{.action = NULL},
};

static const lx_flow_clock lx_hotline_clocks[] = {
	{"accept", LX_CLOCK_ACCEPT, {S_WAITING}, "accept_overdue", .warning = NULL},
	{"resolve", LX_CLOCK_RESOLVE, {S_HANDLING}, "overdue", .warning = "handler:case.deadline"},
	{.name = NULL},
};

/* 隐患: the re-inspection on site is the verification. These rows come
 * before the common ones, so they decide verify for hazards: passed closes
 * the hazard; failed sends it back to its handler with a fresh deadline,
 * counted in the ledger, and a second failure is supervised (督办). */
static const lx_flow_transition lx_hazard_rows[] = {
	{"verify", {"verifying"}, NULL, .outcome = "by_reinspection", .roles = R_DESK, .input = "verify",
	 .effects = {"verdict", "reinspection"}, .after = {"count_failure"}},
	{"verify", {"verifying"}, NULL, .outcome = "by_reinspection", .roles = LX_ROLE_GRID_WORKER, .covers = true,
	 .input = "verify", .effects = {"verdict", "reinspection"}, .after = {"count_failure"}},
	{.action = NULL},
};

/* 一键呼叫: an elderly resident pressed 9. The call climbs its ladder
 * (onekey.c) while it is `calling`; whoever it reached (or the desk)
 * acknowledges, arrives and closes it with a note. The clocks are the
 * category's (respond within the hour, finish within the day); a call is
 * not rated. */
static const lx_flow_state lx_onekey_states[] = {
	{"calling", LX_GRP_INITIAL, .open = true, .label = "呼叫中"},
	{"acked", LX_GRP_ACTIVE, .open = true, .label = "已响应"},
	{"arrived", LX_GRP_ACTIVE, .open = true, .label = "已到场"},
	{"closed", LX_GRP_INACTIVE, .done = true, .on_enter = {"stamp_closed"}, .label = "已结束"},
	{.name = NULL},
};

/* anyone a call reached: a volunteer, a grid worker, the community, the desk */
#define R_CARE R_ALL

static const lx_flow_transition lx_onekey_rows[] = {
	/* the duty list names the community at intake; the call stays calling */
	{"dispatch", {"calling"}, NULL, .roles = R_DESK, .system = true, .input = "dispatch", .effects = {"assign"}},
	{"ack", {"calling"}, "acked", .roles = R_CARE, .input = "note", .guards = {"onekey_told"},
	 .effects = {"stamp_accepted"}, .after = {"onekey_acked"}, .notices = {"reporter:onekey.acked"}},
	{"arrive", {"acked"}, "arrived", .roles = R_CARE, .input = "note", .guards = {"onekey_told"},
	 .after = {"onekey_arrived"}},
	{"close", {"acked", "arrived"}, "closed", .roles = R_CARE, .input = "note",
	 .guards = {"onekey_told", "note_given"}, .after = {"onekey_closed"}},
	{"comment", {"calling", "acked", "arrived", "closed"}, NULL, .roles = R_ALL, .input = "comment"},
	{"supervise", {"calling", "acked", "arrived"}, NULL, .roles = R_DESK | R_LEAD, .input = "supervise",
	 .effects = {"supervise"}},
	{"accept_overdue", {"calling"}, NULL, .system = true, .input = "none", .effects = {"mark_accept_overdue"}},
	{"overdue", {"calling", "acked", "arrived"}, NULL, .system = true, .input = "none", .effects = {"mark_overdue"}},
	{"reschedule", {"calling", "acked", "arrived"}, NULL, .system = true, .input = "none", .effects = {"reschedule"}},
	{.action = NULL},
};

static const lx_flow_clock lx_onekey_clocks[] = {
	{"accept", LX_CLOCK_ACCEPT, {"calling"}, "accept_overdue", .warning = NULL},
	{"resolve", LX_CLOCK_RESOLVE, {"calling", "acked", "arrived"}, "overdue", .warning = NULL},
	{.name = NULL},
};

static const lx_flow_transition *const lx_parts_onekey[] = {lx_onekey_rows, NULL};

static const lx_flow_transition *const lx_parts_rated[] = {lx_hotline_common, lx_hotline_rated, NULL};
/* Hazards and public-opinion reports are verified and closed by the desk,
 * not rated by a resident. */
static const lx_flow_transition *const lx_parts_unrated[] = {lx_hotline_common, NULL};
static const lx_flow_transition *const lx_parts_hazard[] = {lx_hazard_rows, lx_hotline_common, NULL};

const lx_flow_decl lx_flow_machines[] = {
	{"request", "诉求", lx_hotline_states, lx_parts_rated, lx_hotline_clocks},
	{"hazard", "隐患", lx_hotline_states, lx_parts_hazard, lx_hotline_clocks},
	{"dispute", "矛盾纠纷", lx_hotline_states, lx_parts_rated, lx_hotline_clocks},
	{"proxy", "帮代办", lx_hotline_states, lx_parts_rated, lx_hotline_clocks},
	{"opinion", "社情民意", lx_hotline_states, lx_parts_unrated, lx_hotline_clocks},
	{"suggestion", "代表建议", lx_hotline_states, lx_parts_rated, lx_hotline_clocks},
	{"onekey", "一键呼叫", lx_onekey_states, lx_parts_onekey, lx_onekey_clocks},
	{.type = NULL},
};
