"""The press-9 call (一键呼叫, P10): a telephony gateway posts a call with its
own kind of key; the call opens an onekey case for the resident whose phone or
device it is and climbs its ladder (the resident's 代理儿女 volunteers in order,
the grid's workers, the community, the district desk), each step told by text
and inbox and given onekey_step_minutes to acknowledge. Here a step is 0.06
minutes (3.6 s), in real time, as the categories' 0.001 h units are."""
import re
import time
import uuid

import pytest

from test_notify import Gateway, env_for, wait_for

STEP_S = 3.6
PASSWORD = "Lianxin-onekey-2026"


@pytest.fixture()
def srv(own_server):
    g = Gateway()
    s = own_server(**env_for(g, LIANXIN_WEBHOOK_URL="", LIANXIN_ONEKEY_STEP_MINUTES="0.06",
                             LIANXIN_SWEEP_MS="100"))
    s.gateway = g
    yield s
    g.close()


def mobile():
    return "137%08d" % (uuid.uuid4().int % 10 ** 8)


def users_by_login(api, admin):
    st, b = api.get("/api/v1/users?limit=500", admin)
    assert st == 200, b
    return {u["login"]: u for u in (b["items"] if isinstance(b, dict) else b)}


def person(s, admin, roles, unit_id, name):
    """A new user with a phone and a password of their own; (user, token, phone)."""
    api, phone, login = s.client, mobile(), "ok_" + uuid.uuid4().hex[:8]
    st, u = api.post("/api/v1/users", {"login": login, "name": name, "password": "first-pass-123",
                                       "roles": roles, "unit_id": unit_id, "phone": phone}, admin)
    assert st == 201, u
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": "first-pass-123"})
    assert st == 200, b
    st, b = api.post("/api/v1/auth/password", {"old": "first-pass-123", "new": PASSWORD}, b["token"])
    assert st == 200, b
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": PASSWORD})
    assert st == 200 and not b.get("password_change_required"), b
    return u, b["token"], phone


def telephony_key(s, admin, **extra):
    st, b = s.client.post("/api/v1/api-keys", dict({"name": "一键呼叫电话网关", "kind": "telephony"}, **extra), admin)
    assert st == 201 and b["kind"] == "telephony", b
    return b["api_key"]


def call(s, key, body):
    return s.client.request("POST", "/api/v1/onekey/calls", body, headers={"X-Api-Key": key})[:2]


@pytest.fixture()
def ladder(srv):
    """A resident of 桥头 with two volunteers in order, a community duty
    officer beside the grid worker, and the gateway's key."""
    s = srv
    admin = s.client.login("admin")
    by = users_by_login(s.client, admin)
    community = by["gw_qiaotou"]["unit_id"]
    v1, v1_tok, v1_phone = person(s, admin, ["volunteer"], community, "代理儿女甲")
    v2, v2_tok, v2_phone = person(s, admin, ["volunteer"], community, "代理儿女乙")
    duty, duty_tok, duty_phone = person(s, admin, ["handler"], community, "社区值班员")
    res_phone = mobile()
    st, res = s.client.post("/api/v1/registry/residents", {
        "unit_id": community, "name": "孙奶奶", "phone": res_phone, "carers": [v1["id"], v2["id"]],
        "device_id": "PRESS9-" + uuid.uuid4().hex[:6], "tags": ["独居老人"]}, admin)
    assert st == 201, res
    return dict(s=s, admin=admin, key=telephony_key(s, admin), community=community, res=res, res_phone=res_phone,
                v1=(v1, v1_tok, v1_phone), v2=(v2, v2_tok, v2_phone), duty=(duty, duty_tok, duty_phone),
                gw=by["gw_qiaotou"], desk=by["dispatcher"])


def texts_to(s, phone):
    return [t[2]["text"] for t in s.gateway.got("/sms", 200, to=phone)]


def get_call(s, tok, cid):
    st, b = s.client.get("/api/v1/onekey/calls/%d" % cid, tok)
    assert st == 200, b
    return b


def test_an_unanswered_call_climbs_the_ladder_to_the_district_desk(ladder):
    L = ladder
    s = L["s"]
    t0 = time.time()
    st, c = call(s, L["key"], {"caller": L["res_phone"]})
    assert st == 201, c
    assert c["resident"]["id"] == L["res"]["id"] and c["step"] == 0 and c["step_kind"] == "carer", c
    assert c["notified"] == [L["v1"][0]["id"]], c
    first = wait_for(lambda: texts_to(s, L["v1"][2]), what="the first carer's text")
    assert "孙奶奶" in first[0] and "回复1确认" in first[0], first
    desk_tok = s.client.login("dispatcher")
    # nobody answers: each step is told in its turn, about 3.6 s apart
    k = wait_for(lambda: (lambda b: b if b["steps"][-1]["notified_at"] else None)(get_call(s, desk_tok, c["id"])),
                 timeout=40, what="the desk's step")
    kinds = [x["kind"] for x in k["steps"]]
    assert kinds == ["carer", "carer", "grid", "community", "desk"], kinds
    assert [p["id"] for p in k["steps"][1]["people"]] == [L["v2"][0]["id"]]
    assert L["gw"]["id"] in [p["id"] for p in k["steps"][2]["people"]]
    assert [p["id"] for p in k["steps"][3]["people"]] == [L["duty"][0]["id"]]
    assert L["desk"]["id"] in [p["id"] for p in k["steps"][4]["people"]]
    elapsed = time.time() - t0
    assert elapsed >= 4 * STEP_S - 0.5, "no step was skipped ahead of its time (%.1f s)" % elapsed
    for who in ("v2", "duty"):
        assert wait_for(lambda: texts_to(s, L[who][2]), what="%s's text" % who)
    # the desk's step is the last: the call stays there, red, at the top of the desk's list
    assert k["step"] == 4 and k["red"] is True and k["step_due_at"] is None and k["status"] == "calling", k
    st, lst = s.client.get("/api/v1/onekey/calls?open=true", desk_tok)
    assert st == 200 and lst["items"][0]["id"] == c["id"] and lst["items"][0]["red"] is True, lst
    steps = [e for e in k["timeline"] if e["action"] == "onekey_step"]
    assert len(steps) == 5 and "区热线值班台" in steps[-1]["note"], steps
    # the first carer, told at the start, still answers; the ladder stops
    st, b = s.client.post("/api/v1/onekey/calls/%d/ack" % c["id"], {}, L["v1"][1])
    assert st == 200 and b["status"] == "acked" and b["acked_by"]["id"] == L["v1"][0]["id"], b
    assert b["red"] is False
    assert wait_for(lambda: [t for t in texts_to(s, L["res_phone"]) if "响应" in t], what="the resident's text")
    st, b = s.client.post("/api/v1/onekey/calls/%d/arrive" % c["id"], {}, L["v1"][1])
    assert st == 200 and b["status"] == "arrived" and b["arrived_at"], b
    st, b = s.client.post("/api/v1/onekey/calls/%d/close" % c["id"], {}, L["v1"][1])
    assert st == 422 and b["error"]["field"] == "note", b
    st, b = s.client.post("/api/v1/onekey/calls/%d/close" % c["id"], {"note": "老人摔倒，已扶起送医"}, L["v1"][1])
    assert st == 200 and b["status"] == "closed" and b["close_note"] == "老人摔倒，已扶起送医", b
    # the case is the engine's: its timeline shows every step with its time
    st, case = s.client.get("/api/v1/cases/%d" % c["case_id"], desk_tok)
    actions = [e["action"] for e in case["timeline"]]
    assert actions[:2] == ["create", "dispatch"] and actions.count("onekey_step") == 5, actions
    assert actions[-3:] == ["ack", "arrive", "close"], actions
    assert case["type"] == "onekey" and case["channel"] == "onekey" and case["accepted_at"], case


def test_an_acknowledgement_stops_the_ladder_and_a_text_reply_is_one(ladder):
    L = ladder
    s = L["s"]
    st, c = call(s, L["key"], {"caller": L["res_phone"]})
    assert st == 201, c
    wait_for(lambda: texts_to(s, L["v1"][2]), what="the first carer's text")
    # the carer answers the text with 1 (spelled as the gateway passes it on)
    spaced = "+86 " + L["v1"][2]
    st, b = s.client.request("POST", "/api/v1/onekey/sms-reply", {"from": spaced, "text": " 1"},
                             headers={"X-Api-Key": L["key"]})[:2]
    assert st == 200 and b == {"acked": True, "call_id": c["id"]}, b
    time.sleep(STEP_S + 1.5)
    k = get_call(s, s.client.login("dispatcher"), c["id"])
    assert k["status"] == "acked" and k["step"] == 0 and k["acked_by"]["id"] == L["v1"][0]["id"], k
    assert k["steps"][1]["notified_at"] is None and not texts_to(s, L["v2"][2]), "nobody else was called"
    assert "短信回复确认" in [e["note"] for e in k["timeline"] if e["action"] == "ack"][0]
    # a second answer, or one from a stranger, acknowledges nothing
    for frm in (L["v1"][2], mobile()):
        st, b = s.client.request("POST", "/api/v1/onekey/sms-reply", {"from": frm, "text": "1"},
                                 headers={"X-Api-Key": L["key"]})[:2]
        assert st == 200 and b["acked"] is False, b


def test_only_those_the_call_reached_or_the_desk_answer_it(ladder):
    L = ladder
    s = L["s"]
    st, c = call(s, L["key"], {"caller": L["res_phone"]})
    assert st == 201, c
    # the second carer was not told yet; a department's handler never sees it
    st, b = s.client.post("/api/v1/onekey/calls/%d/ack" % c["id"], {}, L["v2"][1])
    assert st == 403 and b["error"]["code"] == "not_told", b
    heat = s.client.login("handler_heat")
    st, b = s.client.post("/api/v1/onekey/calls/%d/ack" % c["id"], {}, heat)
    assert st == 404, b
    st, b = s.client.get("/api/v1/onekey/calls/%d" % c["id"], heat)
    assert st == 404, b
    # arriving comes after acknowledging
    st, b = s.client.post("/api/v1/onekey/calls/%d/arrive" % c["id"], {}, L["v1"][1])
    assert st == 409, b
    # the desk may step in at any time
    st, b = s.client.post("/api/v1/onekey/calls/%d/ack" % c["id"], {"note": "已电话联系老人"},
                          s.client.login("dispatcher"))
    assert st == 200 and b["status"] == "acked", b
    st, b = s.client.post("/api/v1/onekey/calls/%d/ack" % c["id"], {}, L["v1"][1])
    assert st == 409, b
    st, b = s.client.get("/api/v1/onekey/calls/999999", s.client.login("dispatcher"))
    assert st == 404, b


def test_an_unknown_caller_goes_to_the_desk_and_an_emergency_is_told_120(ladder):
    L = ladder
    s = L["s"]
    stranger = mobile()
    st, c = call(s, L["key"], {"caller": stranger, "emergency": True})
    assert st == 201 and c["resident"] is None and c["step_kind"] == "desk", c
    assert "120" in c["advice"] and "119" in c["advice"], c
    desk = users_by_login(s.client, L["admin"])["dispatcher"]
    assert desk["id"] in c["notified"], c
    k = get_call(s, s.client.login("dispatcher"), c["id"])
    assert k["nsteps"] == 1 and k["step_due_at"] is None and k["caller"] == stranger[:3] + "****" + stranger[-4:], k
    assert stranger not in str(k), "the caller's number is masked"
    # the device known, the number not: it is the resident's call
    st, c = call(s, L["key"], {"caller": mobile(), "device_id": L["res"]["device_id"]})
    assert st == 201 and c["resident"]["id"] == L["res"]["id"] and c["step_kind"] == "carer", c


def test_bad_calls_are_refused_and_write_nothing(ladder):
    L = ladder
    s = L["s"]
    desk = s.client.login("dispatcher")
    st, before = s.client.get("/api/v1/onekey/calls?limit=200", desk)
    st, o311 = s.client.post("/api/v1/api-keys", {"name": "open311 客户端"}, L["admin"])
    assert st == 201
    cases = [
        ({}, {"caller": L["res_phone"]}, 401, "api_key_required"),
        ({"X-Api-Key": "nonsense"}, {"caller": L["res_phone"]}, 403, "invalid_api_key"),
        ({"X-Api-Key": o311["api_key"]}, {"caller": L["res_phone"]}, 403, "wrong_key_kind"),
        ({"X-Api-Key": L["key"]}, {"caller": "12345"}, 422, None),
        ({"X-Api-Key": L["key"]}, {}, 422, None),
        ({"X-Api-Key": L["key"]}, {"caller": 13900000000}, 400, None),
        ({"X-Api-Key": L["key"]}, {"caller": L["res_phone"], "at": "2019-01-01T00:00:00+08:00"}, 422, None),
    ]
    for headers, body, status, code in cases:
        st, b = s.client.request("POST", "/api/v1/onekey/calls", body, headers=headers)[:2]
        assert st == status, (headers, body, b)
        if code:
            assert b["error"]["code"] == code, b
    st, after = s.client.get("/api/v1/onekey/calls?limit=200", desk)
    assert len(after["items"]) == len(before["items"]), "a refused call wrote nothing"
    # the telephony key opens nothing of Open311's
    st, b = s.client.request("GET", "/open311/v2/requests.json?api_key=" + L["key"])[:2]
    assert st in (200, 403), b
    for q in ("open=maybe", "limit=0", "cursor=-1"):
        st, b = s.client.get("/api/v1/onekey/calls?" + q, desk)
        assert st == 400, (q, b)


def test_the_figures_count_acknowledgement_and_arrival_per_community(ladder):
    L = ladder
    s = L["s"]
    desk = s.client.login("dispatcher")
    q = "/api/v1/onekey/stats?unit_id=%d" % L["community"]
    st, before = s.client.get(q, desk)
    assert st == 200, before
    # the demo's year: every call acknowledged, most within minutes
    assert before["total"]["calls"] > 0 and before["total"]["never_acked"] == 0, before["total"]
    assert 0 < before["total"]["ack_median_s"] <= before["total"]["ack_p90_s"] < 15 * 60, before["total"]
    ids = []
    for _ in range(3):
        st, c = call(s, L["key"], {"caller": L["res_phone"]})
        assert st == 201, c
        ids.append(c["id"])
    tok = L["v1"][1]
    for cid in ids[:2]:
        assert s.client.post("/api/v1/onekey/calls/%d/ack" % cid, {}, tok)[0] == 200
    assert s.client.post("/api/v1/onekey/calls/%d/arrive" % ids[0], {}, tok)[0] == 200
    st, f = s.client.get(q, desk)
    assert st == 200, f
    t, b = f["total"], before["total"]
    assert (t["calls"], t["acked"], t["arrived"], t["never_acked"]) == (
        b["calls"] + 3, b["acked"] + 2, b["arrived"] + 1, b["never_acked"] + 1), (b, t)
    month = f["by_community"][0]
    assert month["unit_id"] == L["community"] and re.fullmatch(r"\d{4}-\d{2}", month["month"]), month
    assert month["never_acked"] == 1 and month["calls"] >= 3, month
    assert sorted(f["by_community"], key=lambda g: g["month"], reverse=True) == f["by_community"]
    st, f = s.client.get("/api/v1/onekey/stats", L["v1"][1])
    assert st == 403, f
    st, f = s.client.get("/api/v1/onekey/stats?from=2026-12-31&to=2026-01-01", desk)
    assert st == 422, f
    st, f = s.client.get("/api/v1/onekey/stats?unit_id=999999", desk)
    assert st == 404, f


def test_a_carer_of_another_community_sees_and_answers_the_call(ladder):
    L = ladder
    s = L["s"]
    by = users_by_login(s.client, L["admin"])
    far = next(u for login, u in sorted(by.items()) if login.startswith("vol_") and u["unit_id"] != L["community"])
    st, res = s.client.patch("/api/v1/registry/residents/%d" % L["res"]["id"], {"carers": [far["id"]]}, L["admin"])
    assert st == 200 and res["carers"] == [far["id"]], res
    tok = s.client.login(far["login"])
    st, c = call(s, L["key"], {"caller": L["res_phone"]})
    assert st == 201 and c["notified"] == [far["id"]], c
    st, lst = s.client.get("/api/v1/onekey/calls?open=true", tok)
    assert st == 200 and [k["id"] for k in lst["items"]] == [c["id"]], lst
    k = lst["items"][0]
    assert k["step_kind"] == "carer" and k["step_label"] == "代理儿女" and k["device_id"] == L["res"]["device_id"], k
    st, b = s.client.post("/api/v1/onekey/calls/%d/ack" % c["id"], {}, tok)
    assert st == 200 and b["acked_by"]["id"] == far["id"], b
    # the ladder's text names where to answer
    text = wait_for(lambda: texts_to(s, far["phone"]), what="the carer's text")
    assert any("#/onekey/%d" % c["id"] in t for t in text), text


def test_a_day_without_the_daily_press_is_followed_up_once(ladder):
    from conftest import db_exec
    import datetime
    L = ladder
    s = L["s"]
    admin = L["admin"]
    # asked from today: the registry says so; today's press is recorded once
    st, res = s.client.patch("/api/v1/registry/residents/%d" % L["res"]["id"], {"daily_check": True}, admin)
    assert st == 200 and res["daily_check"] is True and re.fullmatch(r"\d{4}-\d{2}-\d{2}", res["daily_check_since"]), res
    fine = lambda body: s.client.request("POST", "/api/v1/onekey/fine", body, headers={"X-Api-Key": L["key"]})[:2]
    st, b = fine({"caller": L["res_phone"]})
    assert st == 200 and b["recorded"] is True and b["daily_check"] is True and b["day"] == res["daily_check_since"], b
    st, b = fine({"device_id": L["res"]["device_id"]})
    assert st == 200 and b["recorded"] is False, "one press a day counts"
    for body, code in (({"caller": mobile()}, 404), ({}, 422), ({"caller": "12"}, 422)):
        st, b = fine(body)
        assert st == code, (body, b)
    st, b = s.client.request("POST", "/api/v1/onekey/fine", {"caller": L["res_phone"]})[:2]
    assert st == 401, b
    # she was asked three days ago and did not press yesterday; her neighbour did
    st, other = s.client.post("/api/v1/registry/residents", {"unit_id": L["community"], "name": "周爷爷",
                                                             "phone": mobile(), "daily_check": True}, admin)
    assert st == 201, other
    three = (datetime.date.today() - datetime.timedelta(days=3)).isoformat()
    yesterday = (datetime.datetime.utcnow() + datetime.timedelta(hours=8) - datetime.timedelta(days=1)).date().isoformat()
    for rid in (L["res"]["id"], other["id"]):
        db_exec(s.db, "UPDATE residents SET daily_check_since = '%s' WHERE id = %d" % (three, rid))
    db_exec(s.db, "INSERT INTO resident_fine(resident_id, day, kind, at) VALUES (%d, '%s', 'pressed', 1)"
            % (other["id"], yesterday))
    desk = s.client.login("dispatcher")

    def follow_ups():
        st, b = s.client.get("/api/v1/cases?q=%s&limit=100" % "未报平安", desk)
        assert st == 200, b
        # the demo's two months have follow-ups of their own: these two are the test's
        return [c for c in b["items"] if c["title"] in ("独居老人未报平安：孙奶奶", "独居老人未报平安：周爷爷")]
    got = wait_for(follow_ups, what="the follow-up of the missed day")
    assert len(got) == 1 and "孙奶奶" in got[0]["title"] and got[0]["category_code"] == "0708", got
    time.sleep(0.5)                                   # more sweeps: still one
    assert len(follow_ups()) == 1
    st, case = s.client.get("/api/v1/cases/%d" % got[0]["id"], desk)
    assert yesterday in case["description"] and any(e["action"] == "fine_missed" for e in case["timeline"]), case
    # no longer asked: nothing more is expected of her
    st, res = s.client.patch("/api/v1/registry/residents/%d" % L["res"]["id"], {"daily_check": False}, admin)
    assert st == 200 and res["daily_check"] is False and res["daily_check_since"] is None, res
