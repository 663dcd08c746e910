"""The desk's lookups (P8): a case by its number, a caller's cases by phone
(the repeat-call path; desk only), one's own reports, the unit filter's
basis, and unit names a caller may read without learning anything else."""
import uuid

import pytest

from test_scope import check_error


def intake(api, tok, phone, title=None, **extra):
    body = {"type": "request", "channel": "hotline", "title": title or ("来电 " + uuid.uuid4().hex[:8]),
            "description": "楼下路灯不亮。", "reporter": {"name": "赵六", "phone": phone}}
    body.update(extra)
    st, c = api.post("/api/v1/cases", body, tok)
    assert st == 201, c
    return c


def ids(api, tok, query):
    st, b = api.get("/api/v1/cases?" + query, tok)
    assert st == 200, b
    return [c["id"] for c in b["items"]]


def test_a_case_number_finds_that_case(api):
    desk = api.login("dispatcher")
    c = intake(api, desk, "13700000001")
    assert ids(api, desk, "q=" + c["number"]) == [c["id"]]
    # the right id on another day is not that number
    other_day = str(int(c["number"][:8]) - 1) + c["number"][8:]
    assert ids(api, desk, "q=" + other_day) == []


def test_a_number_outside_the_scope_finds_nothing(api, admin):
    desk = api.login("dispatcher")
    st, streets = api.get("/api/v1/units?kind=street&boundary=false", admin)
    caiwa = [u for u in streets["items"] if u["name"] == "蔡洼街道"][0]
    c = intake(api, desk, "13700000002")
    st, c = api.post("/api/v1/cases/%d/dispatch" % c["id"], {"unit_id": caiwa["id"]}, desk)
    assert st == 200
    assert ids(api, api.login("dispatcher_qiaotou"), "q=" + c["number"]) == []
    assert ids(api, api.login("dispatcher_caiwa"), "q=" + c["number"]) == [c["id"]]


def test_a_callers_cases_by_phone_in_any_spelling(api):
    desk = api.login("dispatcher")
    phone = "139%08d" % (uuid.uuid4().int % 10 ** 8)
    spaced = "%s-%s-%s" % (phone[:3], phone[3:7], phone[7:])
    a = intake(api, desk, phone)
    b = intake(api, desk, "+86 " + spaced)
    intake(api, desk, "13800000000")
    for q in (phone, spaced, "%2B86" + phone, "0086" + phone):
        assert ids(api, desk, "reporter_phone=" + q) == [b["id"], a["id"]], q
    # masked in the list as everywhere for those who may not see it; the desk may
    st, body = api.get("/api/v1/cases?reporter_phone=" + phone, desk)
    assert all(c["reporter"]["phone"] for c in body["items"])


@pytest.mark.parametrize("who", ["handler_qiaotou", "gw_qiaotou", "leader_qiaotou", "leader", "volunteer"])
def test_only_the_desk_looks_up_by_phone(api, who):
    st, body = api.get("/api/v1/cases?reporter_phone=13912345678", api.login(who))
    check_error(st, body, 403)


def test_a_phone_lookup_stays_in_the_scope(api):
    desk = api.login("dispatcher")
    phone = "135%08d" % (uuid.uuid4().int % 10 ** 8)
    c = intake(api, desk, phone)  # the district desk's own case, in no street
    assert ids(api, api.login("dispatcher_qiaotou"), "reporter_phone=" + phone) == []
    assert ids(api, desk, "reporter_phone=" + phone) == [c["id"]]


@pytest.mark.parametrize("bad", ["abc", "12", "1" * 30])
def test_a_bad_phone_is_400(api, bad):
    st, body = api.get("/api/v1/cases?reporter_phone=" + bad, api.login("dispatcher"))
    check_error(st, body, 400)
    assert body["error"]["field"] == "reporter_phone"


def test_mine_lists_ones_own_reports(api):
    gw = api.login("gw_qiaotou")
    c = intake(api, gw, "13600000001")
    got = ids(api, gw, "mine=true&limit=100")
    assert c["id"] in got
    st, me = api.get("/api/v1/auth/me", gw)
    for cid in got[:10]:
        st, case = api.get("/api/v1/cases/%d" % cid, gw)
        assert st == 200
        assert case["timeline"][0]["actor_id"] == me["id"]
    st, body = api.get("/api/v1/cases?mine=maybe", gw)
    check_error(st, body, 400)


def test_basis_narrows_the_unit_filter(api, admin):
    desk = api.login("dispatcher")
    st, streets = api.get("/api/v1/units?kind=street&boundary=false", admin)
    caiwa = [u for u in streets["items"] if u["name"] == "蔡洼街道"][0]
    st, depts = api.get("/api/v1/units?kind=department&boundary=false", admin)
    dept = [u for u in depts["items"] if u["name"] == "城管局"][0]
    st, grids = api.get("/api/v1/units?kind=grid&boundary=false", admin)
    grid = [g for g in grids["items"] if g["path"].startswith(caiwa["path"])][0]
    c = intake(api, desk, "13600000002", unit_id=grid["id"])
    st, c = api.post("/api/v1/cases/%d/dispatch" % c["id"], {"unit_id": dept["id"]}, desk)
    assert st == 200, c
    q = "unit_id=%d&limit=50&q=%s" % (caiwa["id"], c["number"])
    assert ids(api, desk, q) == [c["id"]]
    assert ids(api, desk, q + "&basis=location") == [c["id"]]
    assert ids(api, desk, q + "&basis=handler") == []
    q = "unit_id=%d&limit=50&q=%s" % (dept["id"], c["number"])
    assert ids(api, desk, q + "&basis=handler") == [c["id"]]
    assert ids(api, desk, q + "&basis=location") == []
    st, body = api.get("/api/v1/cases?basis=both", desk)
    check_error(st, body, 400)


def test_unit_names_the_caller_may_read(api, admin):
    """A grid worker of 桥头 sees a case located in its community and handled
    by 城管局: it may read 城管局's name, not a unit of 蔡洼."""
    gw, desk = api.login("gw_qiaotou"), api.login("dispatcher")
    st, me = api.get("/api/v1/auth/me", gw)
    st, grids = api.get("/api/v1/units?kind=grid&boundary=false", admin)
    st, unit = api.get("/api/v1/units/%d" % me["unit_id"], admin)
    grid = [g for g in grids["items"] if g["path"].startswith(unit["path"])][0]
    st, depts = api.get("/api/v1/units?kind=department&boundary=false", admin)
    dept = [u for u in depts["items"] if u["name"] == "城管局"][0]
    st, streets = api.get("/api/v1/units?kind=street&boundary=false", admin)
    caiwa = [u for u in streets["items"] if u["name"] == "蔡洼街道"][0]
    c = intake(api, desk, "13600000003", unit_id=grid["id"])
    st, c = api.post("/api/v1/cases/%d/dispatch" % c["id"], {"unit_id": dept["id"]}, desk)
    assert st == 200
    st, got = api.get("/api/v1/cases/%d" % c["id"], gw)
    assert st == 200 and got["handler_unit_name"] == "城管局" and got["unit_name"] == grid["name"]
    st, body = api.get("/api/v1/units/names?ids=%d,%d,%d,%d" % (dept["id"], caiwa["id"], grid["id"], 99999999), gw)
    assert st == 200, body
    by_id = {u["id"]: u for u in body["items"]}
    assert by_id[dept["id"]]["name"] == "城管局" and by_id[grid["id"]]["name"] == grid["name"]
    assert caiwa["id"] not in by_id and 99999999 not in by_id
    # its own ancestors it may name
    st, body = api.get("/api/v1/units/names?ids=%d" % unit["parent_id"], gw)
    assert [u["id"] for u in body["items"]] == [unit["parent_id"]]


@pytest.mark.parametrize("bad", ["", "x", "1,,2", "1,-2", "1.5", ",".join(["1"] * 101)])
def test_unit_names_bad_ids(api, bad):
    st, body = api.get("/api/v1/units/names?ids=" + bad, api.login("gw_qiaotou"))
    check_error(st, body, 400)
