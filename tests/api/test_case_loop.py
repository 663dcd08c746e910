"""The whole life of a case through the real server: intake with location
and duty-list dispatch, accept, resolve, rate, reopen, return, escalate,
assist, supervise, optimistic versions, the SLA sweeper, search, and the
three rates moving as the case moves."""
import re
import threading
import time
import uuid
from datetime import datetime, timedelta

import pytest

from conftest import BACKEND


def units(api, token, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    st, body = api.get("/api/v1/units?boundary=true&" + qs, token)
    assert st == 200, body
    return body["items"]


def unit_named(api, token, name, kind=None):
    for u in units(api, token, **({"kind": kind} if kind else {})):
        if u["name"] == name:
            return u
    raise AssertionError("no unit " + name)


def point_in(api, token, unit):
    """A point inside unit's polygon, confirmed by /locate."""
    ring = unit["boundary"]["coordinates"][0][:-1]
    lon = sum(p[0] for p in ring) / len(ring)
    lat = sum(p[1] for p in ring) / len(ring)
    st, body = api.get("/api/v1/locate?lat=%f&lon=%f" % (lat, lon), token)
    assert st == 200, body
    assert body["unit"]["id"] == unit["id"]
    return lat, lon


def grid_of(api, token, street_name):
    street = unit_named(api, token, street_name, "street")
    community = units(api, token, parent_id=street["id"])[0]
    return units(api, token, parent_id=community["id"])[0]


def new_case(api, token, lat, lon, code="0101", **extra):
    tag = uuid.uuid4().hex[:8]
    body = {"type": "request", "channel": "hotline", "category_code": code,
            "title": "暖气不热 " + tag, "description": "市民来电：3号楼暖气不热已两天，家中有老人。" + tag,
            "lat": lat, "lon": lon, "address": "桥头街道3号楼",
            "reporter": {"name": "王女士", "phone": "13812345678"}}
    body.update(extra)
    st, case = api.post("/api/v1/cases", body, token)
    assert st == 201, case
    return case


def act(api, token, case_id, action, body=None, status=200):
    st, resp = api.post("/api/v1/cases/%d/%s" % (case_id, action), body or {}, token)
    assert st == status, resp
    return resp


def parse(ts):
    return datetime.fromisoformat(ts)


@pytest.fixture(scope="module")
def qiaotou_point(api):
    t = api.login("dispatcher")
    return point_in(api, t, grid_of(api, t, "桥头街道"))


def summary(api, token, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    st, body = api.get("/api/v1/stats/summary?" + qs, token)
    assert st == 200, body
    return body


def test_intake_dispatches_by_duty_list_with_deadlines(api, qiaotou_point):
    t = api.login("dispatcher")
    lat, lon = qiaotou_point
    case = new_case(api, t, lat, lon)
    heat = unit_named(api, t, "供热公司", "department")
    assert case["status"] == "dispatched"
    assert case["handler_unit_id"] == heat["id"]
    created = parse(case["created_at"])
    assert abs((parse(case["accept_due_at"]) - created) - timedelta(hours=2)) < timedelta(seconds=2)
    assert abs((parse(case["resolve_due_at"]) - created) - timedelta(hours=24)) < timedelta(seconds=2)
    assert case["created_at"].endswith("+08:00")
    assert re.match(r"^\d{14}$", case["number"])
    # located in the grid, whole timeline written in the same transaction
    st, loc = api.get("/api/v1/locate?lat=%f&lon=%f" % (lat, lon), t)
    assert case["unit_id"] == loc["unit"]["id"]
    actions = [e["action"] for e in case["timeline"]]
    assert actions == ["create", "dispatch"]
    assert case["timeline"][1]["to_status"] == "dispatched"
    # dispatchers see the phone; it is masked in lists
    assert case["reporter"]["phone"] == "13812345678"
    st, lst = api.get("/api/v1/cases?q=" + case["title"].split()[1], t)
    assert [c["id"] for c in lst["items"]] == [case["id"]]
    assert lst["items"][0]["reporter"]["phone"] == "138****5678"


def test_street_rule_and_urgent_deadlines(api, qiaotou_point):
    t = api.login("dispatcher")
    lat, lon = qiaotou_point
    case = new_case(api, t, lat, lon, code="0301", urgent=True)
    street = unit_named(api, t, "桥头街道", "street")
    assert case["handler_unit_id"] == street["id"]
    created = parse(case["created_at"])
    assert parse(case["accept_due_at"]) - created <= timedelta(minutes=30, seconds=1)
    assert parse(case["resolve_due_at"]) - created <= timedelta(hours=2, seconds=1)


def test_no_rule_leaves_case_new_for_dispatcher(api, qiaotou_point):
    t = api.login("dispatcher")
    lat, lon = qiaotou_point
    case = new_case(api, t, lat, lon, code="01")  # a top-level category has no rule
    assert case["status"] == "new" and case["handler_unit_id"] is None
    assert "dispatch" in case["allowed_actions"]
    street = unit_named(api, t, "桥头街道", "street")
    case = act(api, t, case["id"], "dispatch", {"unit_id": street["id"]})
    assert case["status"] == "dispatched" and case["handler_unit_id"] == street["id"]
    assert case["accept_due_at"] is not None


def test_full_loop_and_rates(api, qiaotou_point):
    disp, heat, leader = api.login("dispatcher"), api.login("handler_heat"), api.login("leader")
    lat, lon = qiaotou_point
    # a fixed window: the default "last 30 days" slides while the test runs
    window = {"from": (datetime.now() - timedelta(days=7)).strftime("%Y-%m-%d"),
              "to": (datetime.now() + timedelta(days=2)).strftime("%Y-%m-%d")}
    before = summary(api, leader, **window)
    case = new_case(api, disp, lat, lon)
    cid = case["id"]
    # the handler sees exactly the actions allowed to them now
    st, seen = api.get("/api/v1/cases/%d" % cid, heat)
    assert st == 200
    assert "accept" in seen["allowed_actions"] and "resolve" not in seen["allowed_actions"]
    assert "dispatch" not in seen["allowed_actions"]
    # a handler may not rate or dispatch, and cannot resolve before accepting
    act(api, heat, cid, "resolve", {"reply": "x"}, status=409)
    act(api, heat, cid, "dispatch", {"unit_id": 1}, status=403)
    case = act(api, heat, cid, "accept", {"version": seen["version"]})
    assert case["status"] == "accepted" and case["accepted_at"]
    case = act(api, heat, cid, "resolve", {"reply": "已派维修人员排气，室温恢复到20度。"})
    assert case["status"] == "resolved" and case["reply"].startswith("已派")
    act(api, heat, cid, "rate", {"rating": "satisfied", "solved": True}, status=403)
    case = act(api, disp, cid, "rate", {"rating": "satisfied", "solved": True})
    assert case["status"] == "closed" and case["closed_at"] and case["rating"] == "satisfied"
    assert [e["action"] for e in case["timeline"]] == ["create", "dispatch", "accept", "resolve", "rate"]
    # an illegal transition is 409 and changes nothing
    st, err = api.post("/api/v1/cases/%d/accept" % cid, {}, heat)
    assert st == 409 and err["error"]["code"] == "illegal_transition"
    st, again = api.get("/api/v1/cases/%d" % cid, disp)
    assert again["version"] == case["version"] and again["status"] == "closed"
    after = summary(api, leader, **window)
    assert after["received"] == before["received"] + 1
    assert after["rated"] == before["rated"] + 1
    assert after["satisfied"] == before["satisfied"] + 1
    assert after["resolution_rate"]["numerator"] == before["resolution_rate"]["numerator"] + 1
    assert after["response_rate"]["numerator"] == before["response_rate"]["numerator"] + 1
    for k in ("response_rate", "resolution_rate", "satisfaction_rate"):
        r = after[k]
        assert r["value"] == pytest.approx(r["numerator"] / r["denominator"])
    # children's rows never exceed the whole (cases held by the district itself,
    # e.g. escalated ones, belong to no child)
    assert sum(u["received"] for u in after["by_unit"]) <= after["received"]
    heat_row = [u for u in after["by_unit"] if u["name"] == "供热公司"][0]
    heat_before = [u for u in before["by_unit"] if u["name"] == "供热公司"][0]
    assert heat_row["received"] == heat_before["received"] + 1
    assert sum(c["received"] for c in after["by_category"]) == after["received"]


def test_unsatisfied_rating_reopens_to_same_unit(api, qiaotou_point):
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    lat, lon = qiaotou_point
    case = new_case(api, disp, lat, lon)
    cid = case["id"]
    act(api, heat, cid, "accept")
    act(api, heat, cid, "resolve", {"reply": "已处理"})
    first_due = case["accept_due_at"]
    time.sleep(1.1)
    case = act(api, disp, cid, "rate", {"rating": "basic", "solved": False})
    assert case["status"] == "reopened"
    assert case["handler_unit_id"] == unit_named(api, disp, "供热公司", "department")["id"]
    assert case["accept_due_at"] > first_due and case["accepted_at"] is None
    assert case["rating"] == "basic" and case["solved"] is False
    case = act(api, heat, cid, "accept")
    case = act(api, heat, cid, "resolve", {"reply": "第二次上门，更换暖气片。"})
    case = act(api, disp, cid, "rate", {"rating": "satisfied", "solved": True})
    assert case["status"] == "closed" and case["rating"] == "satisfied"


def test_return_goes_back_to_dispatcher_and_escalate_goes_up(api, qiaotou_point):
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    lat, lon = qiaotou_point
    case = new_case(api, disp, lat, lon)
    cid = case["id"]
    act(api, heat, cid, "return", {}, status=422)  # a reason is required
    case = act(api, heat, cid, "return", {"reason": "不属于供热范围"})
    assert case["status"] == "returned" and case["handler_unit_id"] is None
    # the handler no longer sees it; the dispatcher does
    assert api.get("/api/v1/cases/%d" % cid, heat)[0] == 404
    street = unit_named(api, disp, "桥头街道", "street")
    case = act(api, disp, cid, "dispatch", {"unit_id": street["id"]})
    qt = api.login("handler_qiaotou")
    case = act(api, qt, cid, "accept")
    case = act(api, qt, cid, "escalate", {"reason": "需区级协调"})
    assert case["status"] == "dispatched" and case["handler_unit_id"] == street["parent_id"]
    assert case["timeline"][-1]["action"] == "escalate"
    # the street handler can read it (located in the street) but no longer act on it
    st, seen = api.get("/api/v1/cases/%d" % cid, qt)
    assert st == 200 and "accept" not in seen["allowed_actions"]
    act(api, qt, cid, "accept", status=403)


def test_assist_subtasks_block_resolve_until_done(api, qiaotou_point):
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    lat, lon = qiaotou_point
    case = new_case(api, disp, lat, lon)
    cid = case["id"]
    act(api, heat, cid, "accept")
    street = unit_named(api, disp, "桥头街道", "street")
    zj = unit_named(api, disp, "住建局", "department")
    case = act(api, heat, cid, "assist", {"unit_ids": [street["id"], zj["id"]], "note": "请协助入户"})
    assert [t["status"] for t in case["tasks"]] == ["open", "open"]
    st, err = api.post("/api/v1/cases/%d/resolve" % cid, {"reply": "好了"}, heat)
    assert st == 409 and err["error"]["code"] == "tasks_open"
    # the assisting street sees the case and finishes its task
    qt = api.login("handler_qiaotou")
    task_ids = {t["unit_id"]: t["id"] for t in case["tasks"]}
    st, body = api.post("/api/v1/cases/%d/tasks/%d/done" % (cid, task_ids[street["id"]]), {"note": "已入户"}, qt)
    assert st == 200, body
    # it may not finish 住建局's task
    st, _ = api.post("/api/v1/cases/%d/tasks/%d/done" % (cid, task_ids[zj["id"]]), {}, qt)
    assert st == 404
    st, _ = api.post("/api/v1/cases/%d/tasks/%d/done" % (cid, task_ids[street["id"]]), {}, qt)
    assert st == 409
    act(api, heat, cid, "resolve", {"reply": "好了"}, status=409)
    zjh = None
    st, users = api.get("/api/v1/users", api.login("admin"))
    for u in users["items"]:
        if u["unit_id"] == zj["id"] and "handler" in u["roles"]:
            zjh = u["login"]
            break
    st, body = api.post("/api/v1/cases/%d/tasks/%d/done" % (cid, task_ids[zj["id"]]), {}, api.login(zjh))
    assert st == 200, body
    case = act(api, heat, cid, "resolve", {"reply": "协同处理完毕"})
    assert case["status"] == "resolved"


def test_stale_version_and_concurrent_actions(api, qiaotou_point):
    disp, heat = api.login("dispatcher"), api.login("handler_heat")
    lat, lon = qiaotou_point
    case = new_case(api, disp, lat, lon)
    cid, v = case["id"], case["version"]
    act(api, disp, cid, "comment", {"note": "已电话安抚", "version": v})
    st, err = api.post("/api/v1/cases/%d/accept" % cid, {"version": v}, heat)
    assert st == 409 and err["error"]["code"] == "stale_version"
    # two accepts race: exactly one wins
    results = []

    def accept():
        results.append(api.post("/api/v1/cases/%d/accept" % cid, {}, heat)[0])
    threads = [threading.Thread(target=accept) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sorted(results) == [200, 409, 409, 409]
    st, final = api.get("/api/v1/cases/%d" % cid, disp)
    assert [e["action"] for e in final["timeline"]].count("accept") == 1


def test_supervise_and_comment_and_leader_read_only(api, qiaotou_point):
    disp, leader = api.login("dispatcher"), api.login("leader")
    lat, lon = qiaotou_point
    case = new_case(api, disp, lat, lon)
    cid = case["id"]
    case = act(api, leader, cid, "supervise", {"note": "请加快办理"})
    assert case["supervised"] == 1 and case["status"] == "dispatched"
    act(api, leader, cid, "accept", status=403)
    st, _ = api.post("/api/v1/cases", {"type": "request", "channel": "web", "title": "x",
                                       "description": "y"}, leader)
    assert st == 403


def test_sweeper_marks_overdue_on_timeline(api, qiaotou_point):
    admin, disp = api.login("admin"), api.login("dispatcher")
    code = "99" + uuid.uuid4().hex[:4]
    st, cat = api.post("/api/v1/categories", {"code": code, "name": "测试快速时限", "parent_code": "01",
                                              "accept_hours": 0.0003, "resolve_hours": 0.0006,
                                              "responsible": {"unit_name": "供热公司"}}, admin)
    assert st == 201, cat
    lat, lon = qiaotou_point
    case = new_case(api, disp, lat, lon, code=code)
    deadline = time.time() + 15
    actions = []
    while time.time() < deadline:
        st, c = api.get("/api/v1/cases/%d" % case["id"], disp)
        actions = [e["action"] for e in c["timeline"]]
        if "overdue" in actions and "accept_overdue" in actions:
            break
        time.sleep(0.2)
    assert "accept_overdue" in actions and "overdue" in actions
    assert c["overdue"] is True
    st, lst = api.get("/api/v1/cases?overdue=true&category_code=%s" % code, disp)
    assert [x["id"] for x in lst["items"]] == [case["id"]]
    s = summary(api, disp)
    assert s["overdue_open"] >= 1


def test_search_finds_two_character_words(api):
    t = api.login("dispatcher")
    for word in ("暖气", "路灯"):
        st, body = api.get("/api/v1/cases?q=%s&limit=20" % word, t)
        assert st == 200 and body["items"], word
        for c in body["items"]:
            assert word in c["title"] + c["description"]
    st, body = api.get("/api/v1/cases?q=%s" % "暖气不热", t)
    assert all("暖气不热" in c["title"] + c["description"] for c in body["items"])
    st, body = api.get("/api/v1/cases?q=%s" % "不存在的词组合", t)
    assert body["items"] == []


def test_list_paging_and_filters(api):
    t = api.login("dispatcher")
    seen = []
    cursor = None
    for _ in range(3):
        st, body = api.get("/api/v1/cases?limit=7" + ("&cursor=" + cursor if cursor else ""), t)
        assert st == 200 and len(body["items"]) == 7
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 21
    st, body = api.get("/api/v1/cases?status=closed&limit=50", t)
    assert body["items"] and all(c["status"] == "closed" for c in body["items"])
    st, body = api.get("/api/v1/cases?type=hazard&limit=50", t)
    assert all(c["type"] == "hazard" for c in body["items"])


def test_logout_revokes_token(api):
    st, body = api.post("/api/v1/auth/login", {"login": "leader", "password": "lianxin2026"})
    tok = body["token"]
    assert api.get("/api/v1/auth/me", tok)[0] == 200
    assert api.post("/api/v1/auth/logout", {}, tok)[0] == 200
    st, err = api.get("/api/v1/auth/me", tok)
    assert st == 401 and err["error"]["code"] == "unauthorized"
    st, err = api.post("/api/v1/auth/login", {"login": "leader", "password": "wrong-password"})
    assert st == 401


def test_health_and_metrics(api):
    st, body = api.get("/healthz")
    assert st == 200 and body["status"] == "ok" and body["db"] == BACKEND
    st, text = api.get("/metrics")
    assert st == 200
    assert 'lianxin_http_requests_total{route="/healthz",status="200"}' in text
    assert "lianxin_cases_open " in text and "lianxin_cases_overdue " in text
    assert "lianxin_http_request_duration_seconds_bucket" in text
