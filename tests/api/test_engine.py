"""The workflow engine and the 12345 rules through the real server: the
machines (GET /api/v1/workflows), the working-day calendar, categories in
working days, and the new actions (suspend, resume, extend, verify, appeal,
invalid, merge), each with its happy path, the wrong role (403), the wrong
state (409) and bad input (422), on SQLite and PostgreSQL alike. A refused
action changes nothing."""
import time
import uuid
from datetime import date, datetime, timedelta

import pytest

from test_case_loop import act, grid_of, point_in, unit_named
from test_bad_input import assert_unchanged, observe

TZ = "+08:00"


def uniq():
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="module")
def w(api, admin):
    tok = {n: api.login(n) for n in ("admin", "dispatcher", "leader", "handler_qiaotou", "handler_caiwa",
                                     "gw_qiaotou", "deputy", "volunteer")}
    disp = tok["dispatcher"]
    lat, lon = point_in(api, disp, grid_of(api, disp, "桥头街道"))
    street = unit_named(api, admin, "桥头街道", "street")

    def category(**kw):
        code = "E" + uniq()
        body = {"code": code, "name": "引擎测试" + code, "parent_code": "01", "case_type": "request",
                "accept_hours": 2, "resolve_hours": 24, "responsible": {"unit_kind": "street"}}
        body.update(kw)
        st, c = api.post("/api/v1/categories", body, admin)
        assert st == 201, c
        return code

    cats = {"hours": category(), "verify": category(verify=True), "approval": category(suspend_approval=True),
            "workdays": category(accept_workdays=1, resolve_workdays=5),
            "tiny": category(accept_hours=0.001, resolve_hours=0.002)}

    def case(kind="hours", state="dispatched", **extra):
        body = {"type": "request", "channel": "hotline", "category_code": cats[kind], "title": "引擎 " + uniq(),
                "description": "市民反映楼道灯不亮，晚上看不见。", "lat": lat, "lon": lon,
                "reporter": {"name": "李先生", "phone": "13912345678"}}
        body.update(extra)
        st, c = api.post("/api/v1/cases", body, disp)
        assert st == 201, c
        assert c["status"] == "dispatched" and c["handler_unit_id"] == street["id"], c
        if state in ("accepted", "resolved"):
            c = act(api, tok["handler_qiaotou"], c["id"], "accept")
        if state == "resolved":
            c = act(api, tok["handler_qiaotou"], c["id"], "resolve", {"reply": "已修好"})
        return c

    st, me = api.get("/api/v1/auth/me", tok["handler_qiaotou"])
    assert st == 200, me
    # what test_bad_input.observe needs to look at the rest of the world
    world = {"admin": tok["admin"], "unit": street["id"], "user": me["id"]}
    return {"tok": tok, "cats": cats, "case": case, "street": street, "lat": lat, "lon": lon, "world": world}


def get(api, w, cid):
    st, c = api.get("/api/v1/cases/%d" % cid, w["tok"]["admin"])
    assert st == 200, c
    return c


def snapshot(api, w, cid):
    """The whole case as the admin reads it (both reads are the admin's, so
    nothing depends on the reader), less the one field that moves with the
    clock: while a case is suspended, suspended_ms counts the running
    suspension too. Everything else a refused action must leave alone."""
    c = get(api, w, cid)
    if c["status"] == "suspended":
        c["suspended_ms"] = None
    return c


def refused(api, w, cid, who, action, body, status, code=None, field=None):
    """The action is refused with the contract's error, and nothing changed:
    the whole case, the master a refused merge names, and the rest of the
    world (users, units, categories, the newest case)."""
    if code is None and status == 403:
        code = "forbidden"
    before = snapshot(api, w, cid)
    master = None
    if action == "merge" and isinstance((body or {}).get("into_id"), int) and body["into_id"] != cid:
        st, m = api.get("/api/v1/cases/%d" % body["into_id"], w["tok"]["admin"])
        master = m if st == 200 else None
    world = observe(api, w["world"])
    st, b = api.post("/api/v1/cases/%d/%s" % (cid, action), body, w["tok"][who])
    assert st == status, (action, who, st, b)
    assert isinstance(b.get("error"), dict) and b["error"]["message"], b
    if code:
        assert b["error"]["code"] == code, b
    if field:
        assert b["error"].get("field") == field, b
    after = snapshot(api, w, cid)
    assert after["version"] == before["version"] and after["status"] == before["status"]
    assert len(after["timeline"]) == len(before["timeline"])
    assert set(after) == set(before), set(after) ^ set(before)
    assert_unchanged(before, after)
    if master is not None:
        assert_unchanged(master, snapshot(api, w, master["id"]))
    assert_unchanged(world, observe(api, w["world"]))
    return b


def parse(ts):
    return datetime.fromisoformat(ts)


# ---------------------------------------------------------------- the machines

def test_workflows_describe_every_case_type(api, w):
    st, machines = api.get("/api/v1/workflows", w["tok"]["volunteer"])
    assert st == 200, machines
    types = {m["type"]: m for m in machines}
    assert set(types) == {"request", "hazard", "dispute", "proxy", "opinion", "suggestion", "onekey"}
    req = types["request"]
    states = {s["name"]: s for s in req["states"]}
    for name in ("new", "dispatched", "accepted", "suspended", "verifying", "resolved", "closed", "returned",
                 "reopened", "merged"):
        assert name in states, name
        assert isinstance(states[name]["open"], bool) and isinstance(states[name]["clock"], bool)
    assert states["suspended"]["clock"] is False and states["suspended"]["open"] is True
    assert states["returned"]["clock"] is False
    assert states["accepted"]["clock"] is True and states["closed"]["open"] is False
    by_action = {}
    for t in req["transitions"]:
        assert isinstance(t["from"], list) and isinstance(t["roles"], list)
        by_action.setdefault(t["action"], []).append(t)
    for a in ("suspend", "resume", "extend", "extension_approve", "extension_reject", "verify", "appeal",
              "appeal_decide", "invalid", "merge"):
        assert a in by_action, a
    assert all(t["to"] is None for t in by_action["rate"])
    assert "rate" not in {t["action"] for t in types["hazard"]["transitions"]}
    st, _ = api.get("/api/v1/workflows")
    assert st == 401


def test_cases_carry_the_engines_fields(api, w):
    c = w["case"]()
    for k in ("excluded", "merged_into", "suspended_ms", "extensions", "pending", "accept_workdays",
              "resolve_workdays", "verifications", "appeals", "suspensions", "status_note"):
        assert k in c, k
    assert c["excluded"] is False and c["merged_into"] is None and c["suspended_ms"] == 0
    assert c["extensions"] == []
    dispatch = [e for e in c["timeline"] if e["action"] == "dispatch"][0]
    # every event says the deadlines it set
    assert dispatch["resolve_due_at"] == c["resolve_due_at"]
    assert dispatch["accept_due_at"] == c["accept_due_at"]
    st, page = api.get("/api/v1/cases?limit=5", w["tok"]["dispatcher"])
    assert st == 200 and "extensions" in page["items"][0] and "excluded" in page["items"][0]


# ---------------------------------------------------------------- the calendar

def test_calendar_lists_every_day_with_the_holidays(api, w):
    st, days = api.get("/api/v1/calendar?from=2026-09-26&to=2026-10-11", w["tok"]["handler_qiaotou"])
    assert st == 200, days
    assert [d["date"] for d in days][0] == "2026-09-26" and len(days) == 16
    by = {d["date"]: d for d in days}
    for d in ("2026-10-01", "2026-10-02", "2026-10-05", "2026-10-07"):
        assert by[d]["workday"] is False and "国庆" in by[d]["note"], by[d]
    assert by["2026-10-10"]["workday"] is True and "调休" in by["2026-10-10"]["note"]  # a Saturday worked
    assert by["2026-09-26"]["workday"] is False and "中秋" in by["2026-09-26"]["note"]
    assert by["2026-09-28"]["workday"] is True and by["2026-10-08"]["workday"] is True
    st, days = api.get("/api/v1/calendar?from=2026-10-16&to=2026-10-19", w["tok"]["handler_qiaotou"])
    assert [(d["workday"], d["note"]) for d in days] == [(True, None), (False, None), (False, None), (True, None)]
    st, days = api.get("/api/v1/calendar?from=2025-01-26&to=2025-01-28", w["tok"]["volunteer"])
    assert st == 200 and [d["workday"] for d in days] == [True, True, False]    # 2025 春节: Sunday worked


@pytest.mark.parametrize("q,status,field", [("from=2026-02-30&to=2026-03-01", 400, "from"),
                                            ("from=20261001", 400, "from"),
                                            ("from=2026-10-05&to=2026-10-01", 422, "to"),
                                            ("from=2020-01-01&to=2026-01-01", 422, "to")])
def test_calendar_refuses_bad_ranges(api, w, q, status, field):
    st, b = api.get("/api/v1/calendar?" + q, w["tok"]["admin"])
    assert st == status, b
    assert b["error"]["code"]
    if status == 400:
        assert b["error"]["code"] == "bad_parameter", b
    assert b["error"].get("field") == field, b


def test_calendar_put_moves_open_deadlines(api, w):
    c = w["case"]("workdays")
    assert c["resolve_workdays"] == 5 and c["accept_workdays"] == 1
    due = parse(c["resolve_due_at"])
    assert due.hour == 0 and due.minute == 0          # 24:00 of a workday
    # the deadline is the end of the 5th workday after today on the calendar
    st, days = api.get("/api/v1/calendar?from=%s&to=%s" % (date.today(), date.today() + timedelta(days=40)),
                       w["tok"]["admin"])
    work = [d["date"] for d in days[1:] if d["workday"]]
    assert due.date() == date.fromisoformat(work[4]) + timedelta(days=1)
    # make the first of those workdays a holiday: the deadline moves one workday
    first = work[0]
    before = {d["date"]: d for d in days}[first]
    st, r = api.request("PUT", "/api/v1/calendar", {"days": [{"date": first, "workday": False,
                                                              "note": "测试临时放假"}]},
                        token=w["tok"]["admin"])[:2]
    assert st == 200 and r["updated"] == 1 and r["cases_rescheduled"] >= 1, r
    c2 = get(api, w, c["id"])
    assert parse(c2["resolve_due_at"]).date() == date.fromisoformat(work[5]) + timedelta(days=1)
    ev = [e for e in c2["timeline"] if e["action"] == "reschedule"]
    assert ev and "工作日历调整" in ev[-1]["note"] and ev[-1]["resolve_due_at"] == c2["resolve_due_at"]
    # and back again: workday null gives a day back to the weekday rule
    back = {"date": first, "workday": before["workday"], "note": before["note"]} if before["set"] else \
        {"date": first, "workday": None}
    st, r = api.request("PUT", "/api/v1/calendar", {"days": [back]}, token=w["tok"]["admin"])[:2]
    assert st == 200
    st, again = api.get("/api/v1/calendar?from=%s&to=%s" % (first, first), w["tok"]["admin"])
    assert again == [before]
    assert get(api, w, c["id"])["resolve_due_at"] == c["resolve_due_at"]


@pytest.fixture(scope="module")
def workday_case(api, w):
    """An open case on a working-day clock, and the first workday after today:
    the day the bad calendar bodies below name, so that a refused PUT that
    changed the calendar anyway would move this case's deadlines."""
    c = w["case"]("workdays")
    today = date.today()
    st, days = api.get("/api/v1/calendar?from=%s&to=%s" % (today, today + timedelta(days=40)), w["tok"]["admin"])
    assert st == 200, days
    work = [d["date"] for d in days[1:] if d["workday"]]
    return {"case": c, "day": work[0], "day2": work[1], "from": str(today), "to": str(today + timedelta(days=40))}


D, D2 = "<the first workday after today>", "<the second>"


@pytest.mark.parametrize("who,body,status,code,field", [
    ("dispatcher", {"days": [{"date": D, "workday": False}]}, 403, "forbidden", None),
    ("admin", {"days": []}, 422, None, "days"),
    ("admin", {"days": D}, 400, "bad_type", "days"),
    ("admin", {"days": [{"date": "2026-13-01", "workday": False}]}, 422, None, "days[0].date"),
    ("admin", {"days": [{"date": D}]}, 422, "required", "days[0].workday"),
    ("admin", {"days": [{"date": D, "workday": "no"}]}, 400, "bad_type", "days[0].workday"),
    ("admin", {"days": [{"date": D, "workday": False}, {"date": D, "workday": True}]}, 422, None, "days[1].date"),
    ("admin", {}, 422, "required", "days"),
    ("admin", {"days": ["x"]}, 400, "bad_type", "days[0]"),
    ("admin", {"days": [{"date": 20261225, "workday": False}]}, 400, "bad_type", "days[0].date"),
    ("admin", {"days": [{"date": D, "workday": False, "note": 5}]}, 400, "bad_type", "days[0].note"),
    ("admin", {"days": [{"date": D, "workday": False, "note": "长" * 101}]}, 422, "too_long", "days[0].note"),
    ("admin", {"days": [{"date": D, "workday": False}, {"date": D2, "workday": 0}]}, 400, "bad_type",
     "days[1].workday"),
])
def test_calendar_put_refuses_bad_input(api, w, workday_case, who, body, status, code, field):
    def fill(v):
        if v in (D, D2):
            return workday_case["day" if v == D else "day2"]
        if isinstance(v, dict):
            return {k: fill(x) for k, x in v.items()}
        if isinstance(v, list):
            return [fill(x) for x in v]
        return v
    body = fill(body)
    near = "/api/v1/calendar?from=%s&to=%s" % (workday_case["from"], workday_case["to"])
    st, before = api.get("/api/v1/calendar?from=2026-12-20&to=2026-12-31", w["tok"]["admin"])
    st, before_near = api.get(near, w["tok"]["admin"])
    assert st == 200, before_near
    case_before = get(api, w, workday_case["case"]["id"])
    st, b = api.request("PUT", "/api/v1/calendar", body, token=w["tok"][who])[:2]
    assert st == status, b
    assert isinstance(b.get("error"), dict) and b["error"]["message"], b
    if code:
        assert b["error"]["code"] == code, b
    assert b["error"].get("field") == field, b
    assert api.get("/api/v1/calendar?from=2026-12-20&to=2026-12-31", w["tok"]["admin"])[1] == before
    assert api.get(near, w["tok"]["admin"])[1] == before_near
    # the open case on a working-day clock kept its deadlines
    case_after = get(api, w, workday_case["case"]["id"])
    for k in ("resolve_due_at", "accept_due_at", "version"):
        assert case_after[k] == case_before[k], (k, case_before[k], case_after[k])
    assert len(case_after["timeline"]) == len(case_before["timeline"])


def test_category_working_days_are_checked(api, w):
    admin = w["tok"]["admin"]
    code = w["cats"]["workdays"]
    st, cats = api.get("/api/v1/categories", admin)
    c = [x for x in cats if x["code"] == code][0]
    assert c["accept_workdays"] == 1 and c["resolve_workdays"] == 5 and c["verify"] is False
    for body, status in (({"resolve_workdays": 0}, 422), ({"resolve_workdays": "5"}, 400),
                         ({"accept_workdays": 1.5}, 400), ({"verify": "yes"}, 400), ({"max_extensions": 11}, 422)):
        st, b = api.patch("/api/v1/categories/" + code, body, admin)
        assert st == status, (body, b)
    st, c = api.patch("/api/v1/categories/" + code, {"accept_workdays": None}, admin)
    assert st == 200 and c["accept_workdays"] is None and c["resolve_workdays"] == 5
    st, c = api.patch("/api/v1/categories/" + code, {"accept_workdays": 1}, admin)
    assert st == 200 and c["accept_workdays"] == 1


# ---------------------------------------------------------------- suspension

def test_suspend_and_resume(api, w):
    h = w["tok"]["handler_qiaotou"]
    c = w["case"](state="accepted")
    due = parse(c["resolve_due_at"])
    c = act(api, h, c["id"], "suspend", {"reason": "联系不上反映人，待其返回", "version": c["version"]})
    assert c["status"] == "suspended" and c["suspended_at"] and c["status_note"] == "联系不上反映人，待其返回"
    assert c["suspensions"][-1]["status"] == "active"
    assert "resume" in c["allowed_actions"] and "resolve" not in c["allowed_actions"]
    time.sleep(1.2)
    c = act(api, h, c["id"], "resume", {})
    assert c["status"] == "accepted" and c["suspended_at"] is None
    assert c["suspended_ms"] >= 1000
    moved = (parse(c["resolve_due_at"]) - due).total_seconds()
    assert 1.0 <= moved <= 3.0, moved  # later by the time suspended
    assert c["suspensions"][-1]["status"] == "ended"
    ev = [e["action"] for e in c["timeline"]]
    assert ev[-2:] == ["suspend", "resume"]


def test_suspend_refusals(api, w):
    c = w["case"]()                                     # dispatched: not yet in hand
    refused(api, w, c["id"], "handler_qiaotou", "suspend", {"reason": "x"}, 409, "illegal_transition")
    c = w["case"](state="accepted")
    refused(api, w, c["id"], "leader", "suspend", {"reason": "x"}, 403)
    refused(api, w, c["id"], "handler_qiaotou", "suspend", {}, 422, "required", "reason")
    refused(api, w, c["id"], "handler_qiaotou", "suspend", {"reason": 5}, 400, "bad_type", "reason")
    refused(api, w, c["id"], "handler_qiaotou", "suspend", {"reason": "x", "until": "2020-01-01T00:00:00+08:00"},
            422, "invalid", "until")
    refused(api, w, c["id"], "handler_qiaotou", "suspend", {"reason": "x", "until": "tomorrow"}, 400, None, "until")
    refused(api, w, c["id"], "handler_qiaotou", "resume", {}, 409, "illegal_transition")
    refused(api, w, c["id"], "handler_qiaotou", "suspend", {"reason": "x", "version": c["version"] - 1}, 409,
            "stale_version")


def test_suspension_waits_for_the_desk_where_the_category_says(api, w):
    h, desk = w["tok"]["handler_qiaotou"], w["tok"]["dispatcher"]
    c = w["case"]("approval", state="accepted")
    c = act(api, h, c["id"], "suspend", {"reason": "需业主大会表决维修资金"})
    assert c["status"] == "accepted" and c["pending"] == "suspension"
    refused(api, w, c["id"], "handler_qiaotou", "suspend_approve", {}, 403)
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": 4, "reason": "x"}, 409, "pending_request")
    st, queue = api.get("/api/v1/cases?pending=suspension&limit=200", desk)
    assert c["id"] in [x["id"] for x in queue["items"]]
    c = act(api, desk, c["id"], "suspend_approve", {"note": "同意"})
    assert c["status"] == "suspended" and c["pending"] is None
    c = act(api, desk, c["id"], "resume", {})
    # a second request is rejected
    c = act(api, h, c["id"], "suspend", {"reason": "又要等"})
    refused(api, w, c["id"], "dispatcher", "suspend_reject", {}, 422, "required", "reason")
    c = act(api, desk, c["id"], "suspend_reject", {"reason": "请先行办理"})
    assert c["status"] == "accepted" and c["pending"] is None
    assert [s["status"] for s in c["suspensions"]] == ["ended", "rejected"]


@pytest.fixture(scope="module")
def late(api, w):
    """Cases of a category with a 7-second resolve deadline, one suspended,
    one in hand and one returned at once; then the deadline passes (the
    sweeper runs every 200 ms). One wait for the three tests that need it."""
    h = w["tok"]["handler_qiaotou"]
    suspended = act(api, h, w["case"]("tiny", state="accepted")["id"], "suspend", {"reason": "等待鉴定结果"})
    in_hand = w["case"]("tiny", state="accepted")
    returned = act(api, h, w["case"]("tiny")["id"], "return", {"reason": "不属于本街道职责"})
    time.sleep(9)
    return {"suspended": suspended, "in_hand": in_hand, "returned": returned}


def test_the_sweeper_never_marks_a_suspended_case(api, w, late):
    h = w["tok"]["handler_qiaotou"]
    c = get(api, w, late["suspended"]["id"])
    assert c["status"] == "suspended" and c["overdue"] is False
    assert "overdue" not in [e["action"] for e in c["timeline"]]
    c = act(api, h, c["id"], "resume", {})
    assert parse(c["resolve_due_at"]) > datetime.now().astimezone()


def test_a_suspension_with_an_end_resumes_by_itself(api, w):
    h = w["tok"]["handler_qiaotou"]
    c = w["case"](state="accepted")
    until = (datetime.now().astimezone() + timedelta(seconds=2)).isoformat(timespec="seconds")
    c = act(api, h, c["id"], "suspend", {"reason": "约定两秒后回访", "until": until})
    assert c["suspended_until"]
    deadline = time.time() + 10
    while time.time() < deadline and get(api, w, c["id"])["status"] == "suspended":
        time.sleep(0.3)
    c = get(api, w, c["id"])
    assert c["status"] == "accepted", c["status"]
    last = c["timeline"][-1]
    assert last["action"] == "resume" and last["actor_id"] is None and "挂起期满" in last["note"]


# ---------------------------------------------------------------- extension

def test_extend_approve_reject(api, w):
    h, desk, leader = w["tok"]["handler_qiaotou"], w["tok"]["dispatcher"], w["tok"]["leader"]
    c = w["case"](state="accepted")
    due = parse(c["resolve_due_at"])
    c = act(api, h, c["id"], "extend", {"hours": 48, "reason": "需协调施工队"})
    assert c["pending"] == "extension"
    assert c["extensions"][-1]["hours"] == 48 and c["extensions"][-1]["status"] == "pending"
    assert parse(c["resolve_due_at"]) == due
    ev = c["timeline"][-1]
    assert ev["action"] == "extend" and ev["input"] == {"hours": 48} and "需协调施工队" in ev["note"]
    c = act(api, leader, c["id"], "extension_approve", {"note": "同意延期"})
    assert c["pending"] is None and c["extensions"][-1]["status"] == "approved"
    assert parse(c["resolve_due_at"]) == due + timedelta(hours=48)
    assert c["timeline"][-1]["resolve_due_at"] == c["resolve_due_at"]
    # the category allows one
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": 4, "reason": "再延"}, 409, "no_extensions_left")
    # rejected requests do not count
    c = w["case"](state="accepted")
    c = act(api, h, c["id"], "extend", {"workdays": 2, "reason": "需上级审批"})
    assert c["extensions"][-1]["workdays"] == 2
    c = act(api, desk, c["id"], "extension_reject", {"reason": "理由不充分"})
    assert c["extensions"][-1]["status"] == "rejected" and c["pending"] is None
    c = act(api, h, c["id"], "extend", {"hours": 12, "reason": "再次申请"})
    assert [x["status"] for x in c["extensions"]] == ["rejected", "pending"]


def test_extend_refusals(api, w):
    c = w["case"](state="accepted")
    refused(api, w, c["id"], "handler_caiwa", "extend", {"hours": 4, "reason": "x"}, 404)  # not in its scope
    refused(api, w, c["id"], "gw_qiaotou", "extend", {"hours": 4, "reason": "x"}, 403)    # sees it, does not handle it
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"reason": "x"}, 422, None, "hours")
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": 4, "workdays": 1, "reason": "x"}, 422, None, "hours")
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": 0, "reason": "x"}, 422, None, "hours")
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": "4", "reason": "x"}, 400, "bad_type", "hours")
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"workdays": 0, "reason": "x"}, 422, None, "workdays")
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": 4}, 422, "required", "reason")
    refused(api, w, c["id"], "dispatcher", "extension_approve", {}, 409, "no_pending_request")
    d = w["case"]()
    refused(api, w, d["id"], "handler_qiaotou", "extend", {"hours": 4, "reason": "x"}, 409, "illegal_transition")


def test_extend_after_the_deadline_is_refused(api, w, late):
    c = late["in_hand"]
    assert get(api, w, c["id"])["overdue"] is True     # marked by the sweeper
    refused(api, w, c["id"], "handler_qiaotou", "extend", {"hours": 4, "reason": "来不及了"}, 409, "deadline_passed")


# ---------------------------------------------------------------- verification

def test_verification_before_a_case_counts(api, w):
    h, gw, desk = w["tok"]["handler_qiaotou"], w["tok"]["gw_qiaotou"], w["tok"]["dispatcher"]
    c = w["case"]("verify", state="accepted")
    c = act(api, h, c["id"], "resolve", {"reply": "井盖已更换"})
    assert c["status"] == "verifying" and c["resolved_at"]
    refused(api, w, c["id"], "handler_qiaotou", "verify", {"passed": True}, 403)
    refused(api, w, c["id"], "dispatcher", "verify", {}, 422, "required", "passed")
    refused(api, w, c["id"], "dispatcher", "verify", {"passed": "yes"}, 400, "bad_type", "passed")
    refused(api, w, c["id"], "dispatcher", "rate", {"rating": "satisfied", "solved": True}, 409)
    # the grid worker of the place checks on site: not done
    c = act(api, gw, c["id"], "verify", {"passed": False, "note": "井盖仍松动"})
    assert c["status"] == "accepted" and c["resolved_at"] is None
    fresh = parse(c["resolve_due_at"]) - datetime.now().astimezone()
    assert timedelta(hours=23) < fresh <= timedelta(hours=24, minutes=1)
    c = act(api, h, c["id"], "resolve", {"reply": "已加固"})
    c = act(api, desk, c["id"], "verify", {"passed": True})
    assert c["status"] == "resolved"
    assert [v["passed"] for v in c["verifications"]] == [False, True]
    c = act(api, desk, c["id"], "rate", {"rating": "satisfied", "solved": True})
    assert c["status"] == "closed"


# ---------------------------------------------------------------- appeals and invalid calls

def test_appeal_upheld_leaves_the_rates(api, w):
    h, desk, leader = w["tok"]["handler_qiaotou"], w["tok"]["dispatcher"], w["tok"]["leader"]
    today = date.today().isoformat()
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    q = "/api/v1/stats/summary?unit_id=%d&from=%s&to=%s" % (w["street"]["id"], today, tomorrow)
    c = w["case"](state="resolved")
    before = api.get(q, leader)[1]
    refused(api, w, c["id"], "handler_qiaotou", "appeal", {"reason": "x"}, 409, "appeal_window")
    c = act(api, desk, c["id"], "rate", {"rating": "unsatisfied", "solved": False})
    assert c["status"] == "reopened"
    rated = api.get(q, leader)[1]
    assert rated["rated"] == before["rated"] + 1 and rated["unsatisfied"] == before["unsatisfied"] + 1
    refused(api, w, c["id"], "dispatcher", "appeal", {"reason": "x"}, 403)
    refused(api, w, c["id"], "handler_qiaotou", "appeal", {}, 422, "required", "reason")
    c = act(api, h, c["id"], "appeal", {"reason": "诉求超出政策范围，已依法答复"})
    assert c["pending"] == "appeal" and c["appeals"][-1]["status"] == "pending"
    refused(api, w, c["id"], "handler_qiaotou", "appeal_decide", {"upheld": True}, 403)
    refused(api, w, c["id"], "leader", "appeal_decide", {}, 422, "required", "upheld")
    c = act(api, leader, c["id"], "appeal_decide", {"upheld": True, "note": "办理合规"})
    assert c["excluded"] is True and c["status"] == "closed" and c["pending"] is None
    after = api.get(q, leader)[1]
    assert after["excluded"] == before["excluded"] + 1
    assert after["received"] == rated["received"]                     # still received
    assert after["rated"] == before["rated"] and after["unsatisfied"] == before["unsatisfied"]
    refused(api, w, c["id"], "handler_qiaotou", "appeal", {"reason": "again"}, 409)


def test_appeal_rejected_keeps_the_rating(api, w):
    h, desk = w["tok"]["handler_qiaotou"], w["tok"]["dispatcher"]
    c = w["case"](state="resolved")
    c = act(api, desk, c["id"], "rate", {"rating": "basic", "solved": False})
    c = act(api, h, c["id"], "appeal", {"reason": "已解决"})
    c = act(api, desk, c["id"], "appeal_decide", {"upheld": False})
    assert c["excluded"] is False and c["status"] == "reopened" and c["appeals"][-1]["status"] == "rejected"


def test_invalid_calls(api, w):
    desk = w["tok"]["dispatcher"]
    c = w["case"]()
    refused(api, w, c["id"], "handler_qiaotou", "invalid", {"reason": "x"}, 403)
    refused(api, w, c["id"], "dispatcher", "invalid", {}, 422, "required", "reason")
    c = act(api, desk, c["id"], "invalid", {"reason": "恶意骚扰来电"})
    assert c["status"] == "closed" and c["excluded"] is True and c["status_note"] == "恶意骚扰来电"
    assert c["timeline"][-1]["action"] == "invalid"


# ---------------------------------------------------------------- merged duplicates

def test_merge_answers_the_duplicate_with_the_masters_reply(api, w):
    h, desk = w["tok"]["handler_qiaotou"], w["tok"]["dispatcher"]
    master = w["case"](state="accepted")
    dup = w["case"](reporter={"name": "赵阿姨", "phone": "13700001111"})
    refused(api, w, dup["id"], "dispatcher", "merge", {}, 422, "required", "into_id")
    refused(api, w, dup["id"], "dispatcher", "merge", {"into_id": dup["id"]}, 422, None, "into_id")
    refused(api, w, dup["id"], "dispatcher", "merge", {"into_id": 987654321}, 422, "unknown_case", "into_id")
    refused(api, w, dup["id"], "handler_qiaotou", "merge", {"into_id": master["id"]}, 403)
    d = act(api, desk, dup["id"], "merge", {"into_id": master["id"]})
    assert d["status"] == "merged" and d["merged_into"] == master["id"] and d["reply"] is None
    refused(api, w, d["id"], "dispatcher", "invalid", {"reason": "x"}, 409)
    m = get(api, w, master["id"])
    assert [x["id"] for x in m["merged_cases"]] == [dup["id"]]
    assert m["merged_cases"][0]["reporter"]["phone"] == "137****1111"
    assert m["timeline"][-1]["action"] == "merged_in"
    # merging into a duplicate is refused
    third = w["case"]()
    refused(api, w, third["id"], "dispatcher", "merge", {"into_id": dup["id"]}, 422, None, "into_id")
    m = act(api, h, master["id"], "resolve", {"reply": "路灯已修复，感谢反映"})
    d = get(api, w, dup["id"])
    assert d["reply"] == "路灯已修复，感谢反映" and d["status"] == "merged"
    assert d["timeline"][-1]["action"] == "answer"
    assert d["merged_cases"] == []


def test_a_repeat_call_is_merged_at_intake(api, w):
    master = w["case"]()
    desk = w["tok"]["dispatcher"]
    body = {"type": "request", "channel": "hotline", "title": "又来电", "description": "还是没人来修",
            "lat": w["lat"], "lon": w["lon"], "repeat_of": master["id"]}
    st, c = api.post("/api/v1/cases", body, desk)
    assert st == 201, c
    assert c["status"] == "merged" and c["merged_into"] == master["id"]
    st, b = api.post("/api/v1/cases", dict(body, repeat_of=987654321), desk)
    assert st == 422 and b["error"]["field"] == "repeat_of"
    st, b = api.post("/api/v1/cases", body, w["tok"]["gw_qiaotou"])
    assert st == 403


# ---------------------------------------------------------------- a returned case

def test_a_returned_case_has_no_running_clock(api, w, late):
    c = late["returned"]
    assert c["status"] == "returned" and c["handler_unit_id"] is None
    # the desk sees why and which unit returned it
    assert c["status_note"] == "不属于本街道职责" and c["status_unit_id"] == w["street"]["id"]
    assert c["status_by"] is not None
    c = get(api, w, c["id"])                       # its resolve deadline passed at the desk
    assert c["overdue"] is False
    assert "overdue" not in [e["action"] for e in c["timeline"]]
    st, page = api.get("/api/v1/cases?status=returned&overdue=true&limit=200", w["tok"]["dispatcher"])
    assert c["id"] not in [x["id"] for x in page["items"]]


# ---------------------------------------------------------------- every new action refuses

def in_state(api, w, state):
    """A fresh 桥头 case where one of the new actions is legal: dispatched,
    accepted, resolved, suspended, extension (a pending request), verifying
    (a category with verify), reopened (rated unsatisfied, so appealable) or
    appealed (a pending appeal)."""
    h, desk = w["tok"]["handler_qiaotou"], w["tok"]["dispatcher"]
    base = {"suspended": "accepted", "extension": "accepted", "verifying": "accepted",
            "reopened": "resolved", "appealed": "resolved"}.get(state, state)
    c = w["case"]("verify" if state == "verifying" else "hours", state=base)
    if state == "suspended":
        c = act(api, h, c["id"], "suspend", {"reason": "等待"})
    elif state == "extension":
        c = act(api, h, c["id"], "extend", {"hours": 4, "reason": "申请"})
    elif state == "verifying":
        c = act(api, h, c["id"], "resolve", {"reply": "已处理"})
    elif state in ("reopened", "appealed"):
        c = act(api, desk, c["id"], "rate", {"rating": "unsatisfied", "solved": False})
        if state == "appealed":
            c = act(api, h, c["id"], "appeal", {"reason": "已依法答复"})
    status = {"extension": "accepted", "appealed": "reopened"}.get(state, state)
    assert c["status"] == status, c
    assert c["pending"] == {"extension": "extension", "appealed": "appeal"}.get(state), c
    return c


# resume on an accepted case (409 illegal_transition) is in test_suspend_refusals.
@pytest.mark.parametrize("action,state,who,body,status,code,field", [
    ("resume", "suspended", "volunteer", {}, 403, None, None),
    ("resume", "suspended", "handler_qiaotou", {"note": 5}, 400, "bad_type", "note"),
    ("extension_approve", "extension", "handler_qiaotou", {}, 403, None, None),
    ("extension_approve", "extension", "dispatcher", {"note": ["x"]}, 400, "bad_type", "note"),
    ("extension_approve", "dispatched", "dispatcher", {}, 409, "illegal_transition", None),
    ("extension_reject", "extension", "dispatcher", {}, 422, "required", "reason"),
    ("extension_reject", "extension", "gw_qiaotou", {"reason": "x"}, 403, None, None),
    ("extension_reject", "accepted", "dispatcher", {"reason": "x"}, 409, "no_pending_request", None),
    ("suspend_approve", "accepted", "dispatcher", {}, 409, "no_pending_request", None),
    ("suspend_reject", "accepted", "leader", {"reason": "x"}, 403, None, None),
    ("verify", "accepted", "dispatcher", {"passed": True}, 409, "illegal_transition", None),
    ("appeal_decide", "reopened", "leader", {"upheld": True}, 409, "no_pending_request", None),
    ("appeal_decide", "reopened", "leader", {"upheld": "yes"}, 400, "bad_type", "upheld"),
    ("merge", "resolved", "dispatcher", {"into_id": 1}, 409, "illegal_transition", None),
    ("merge", "dispatched", "dispatcher", {"into_id": "1"}, 400, "bad_type", "into_id"),
    ("invalid", "dispatched", "dispatcher", {"reason": ""}, 422, "required", "reason"),
    ("invalid", "dispatched", "dispatcher", {"reason": "x" * 501}, 422, "too_long", "reason"),
])
def test_the_new_actions_refuse(api, w, action, state, who, body, status, code, field):
    c = in_state(api, w, state)
    refused(api, w, c["id"], who, action, body, status, code, field)


# ---------------------------------------------------------------- a stale version changes nothing

@pytest.mark.parametrize("action,state,who,body", [
    ("suspend", "accepted", "handler_qiaotou", {"reason": "等待鉴定结果"}),
    ("resume", "suspended", "handler_qiaotou", {"note": "已恢复办理"}),
    ("extend", "accepted", "handler_qiaotou", {"hours": 24, "reason": "需协调施工队"}),
    ("extension_approve", "extension", "leader", {"note": "同意延期"}),
    ("extension_reject", "extension", "dispatcher", {"reason": "理由不充分"}),
    ("verify", "verifying", "dispatcher", {"passed": True, "note": "已核实"}),
    ("appeal", "reopened", "handler_qiaotou", {"reason": "诉求超出政策范围，已依法答复"}),
    ("appeal_decide", "appealed", "leader", {"upheld": True, "note": "办理合规"}),
    ("invalid", "dispatched", "dispatcher", {"reason": "恶意骚扰来电"}),
    ("merge", "dispatched", "dispatcher", None),      # into a master made for it
])
def test_a_stale_version_is_refused(api, w, action, state, who, body):
    c = in_state(api, w, state)
    if action == "merge":
        body = {"into_id": w["case"](state="accepted")["id"]}
    before = get(api, w, c["id"])
    assert before["version"] == c["version"], (before["version"], c["version"])
    b = refused(api, w, c["id"], who, action, dict(body, version=c["version"] - 1), 409, "stale_version", "version")
    after = get(api, w, c["id"])
    for k in ("status", "version", "pending", "extensions", "suspensions", "resolve_due_at", "excluded"):
        assert after[k] == before[k], (k, before[k], after[k])
    assert len(after["timeline"]) == len(before["timeline"])
    # control: the same request with the version the case has is taken, so
    # the version alone was the matter
    done = act(api, w["tok"][who], c["id"], action, dict(body, version=c["version"]))
    assert done["version"] > c["version"], (b, done)
