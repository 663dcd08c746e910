"""The grid's field work (P9): checklist forms as data, visit plans and the
worker's due list, visits stored once per client_uuid, hazards opened in the
visit's transaction and re-inspected on the engine, coverage equal to a
recount, and the two-day alert for a person nobody has seen."""
import io
import time
import uuid
import zipfile
from datetime import datetime, timedelta

import pytest

from conftest import db_rows
from test_scope import check_error
from test_registry import id_number

GAS_OK = {"gas_kind": "pipeline", "pipe_joints_ok": True, "meter_ok": True, "ventilation_ok": True, "valve_ok": True,
          "alarm_installed": True}


def me(api, tok):
    st, b = api.get("/api/v1/auth/me", tok)
    assert st == 200, b
    return b


def new_household(api, tok, unit_id, **extra):
    body = {"unit_id": unit_id, "address": "走访测试楼" + uuid.uuid4().hex[:6], "members": 1}
    body.update(extra)
    st, h = api.post("/api/v1/registry/households", body, tok)
    assert st == 201, h
    return h


def new_plan(api, tok, unit_id, form_id=1, kind="household", frequency="once", **extra):
    body = {"name": "测试计划" + uuid.uuid4().hex[:6], "form_id": form_id, "unit_id": unit_id,
            "target": {"kind": kind}, "frequency": frequency}
    body.update(extra)
    st, p = api.post("/api/v1/visit-plans", body, tok)
    assert st == 201, p
    return p


def post_visit(api, tok, plan, kind, tid, outcome="home", answers=None, uid=None, **extra):
    body = {"plan_id": plan["id"], "target": {"kind": kind, "id": tid}, "outcome": outcome,
            "client_uuid": uid or str(uuid.uuid4())}
    if answers is not None:
        body["answers"] = answers
    body.update(extra)
    return api.post("/api/v1/visits", body, tok)


@pytest.fixture(scope="module")
def gw(api):
    return api.login("gw_qiaotou")


@pytest.fixture(scope="module")
def gw_unit(api, gw):
    return me(api, gw)["unit_id"]


@pytest.fixture(scope="module")
def gas(api, admin, gw_unit):
    """A winter gas plan over a fresh household of the grid worker's unit."""
    h = new_household(api, admin, gw_unit)
    return new_plan(api, admin, gw_unit), h


def due_ids(api, tok, plan_id, **q):
    st, b = api.get("/api/v1/visits/due?limit=2000" + "".join("&%s=%s" % kv for kv in q.items()), tok)
    assert st == 200, b
    return [(e["target"]["kind"], e["target"]["id"]) for e in b["items"] if e["plan_id"] == plan_id], b


# ---------------------------------------------------------------- forms

def test_the_ready_forms_and_a_new_version(api, admin):
    st, forms = api.get("/api/v1/forms", admin)
    assert st == 200
    codes = {f["code"]: f for f in forms}
    assert {"gas_winter", "knock"} <= set(codes)
    gas = codes["gas_winter"]
    assert any(q.get("hazard_if") for q in gas["questions"])
    st, f = api.post("/api/v1/forms", {"name": "九小场所消防检查", "questions": [
        {"name": "extinguisher", "type": "yes_no", "label": "灭火器有效", "required": True,
         "hazard_if": {"equals": False, "category": "0606", "days": 5, "label": "灭火器失效"}}]}, admin)
    assert st == 201 and f["version"] == 1, f
    st, f2 = api.patch("/api/v1/forms/%d" % f["id"], {"questions": f["questions"] + [
        {"name": "exits", "type": "number", "label": "安全出口数", "min": 0, "max": 20}], "version": 1}, admin)
    assert st == 200 and f2["version"] == 2 and len(f2["questions"]) == 2, f2
    st, old = api.get("/api/v1/forms/%d?version=1" % f["id"], admin)
    assert st == 200 and old["version"] == 1 and len(old["questions"]) == 1
    st, e = api.patch("/api/v1/forms/%d" % f["id"], {"name": "x", "version": 1}, admin)
    check_error(st, e, 409)
    st, e = api.get("/api/v1/forms/%d?version=9" % f["id"], admin)
    check_error(st, e, 404)


@pytest.mark.parametrize("questions,field", [
    ([{"name": "a", "type": "yes_no", "label": "A", "relevant": "b == true"},
      {"name": "b", "type": "yes_no", "label": "B"}], "questions[0].relevant"),
    ([{"name": "a", "type": "maybe", "label": "A"}], "questions[0].type"),
    ([{"name": "a", "type": "yes_no", "label": "A", "hazard_if": {"equals": False, "category": "9999", "days": 3}}],
     "questions"),
    ([{"name": "a", "type": "number", "label": "A", "min": 5, "max": 1}], "questions[0]"),
])
def test_a_broken_form_is_refused_naming_the_question(api, admin, questions, field):
    st, e = api.post("/api/v1/forms", {"name": "坏表单", "questions": questions}, admin)
    check_error(st, e, 422)
    assert e["error"]["field"].startswith(field), e


def test_only_admins_edit_forms(api):
    st, e = api.post("/api/v1/forms", {"name": "x", "questions": []}, api.login("dispatcher"))
    check_error(st, e, 403)


# ---------------------------------------------------------------- plans and the due list

def test_a_plan_checks_what_it_names(api, admin, gw_unit):
    base = {"name": "计划", "form_id": 2, "unit_id": gw_unit, "target": {"kind": "resident"}, "frequency": "daily"}
    for change, status, field in (({"form_id": 99999}, 422, "form_id"),
                                  ({"frequency": "hourly"}, 422, "frequency"),
                                  ({"frequency": "every_n_months"}, 422, "n"),
                                  ({"target": {"kind": "resident", "tag": "没有"}}, 422, "target.tag"),
                                  ({"target": {"kind": "household", "tag": "独居老人"}}, 422, "target.tag"),
                                  ({"workers": [999999]}, 422, "workers"),
                                  ({"unit_id": 999999}, 422, "unit_id")):
        st, e = api.post("/api/v1/visit-plans", dict(base, **change), admin)
        check_error(st, e, status)
        assert e["error"].get("field") == field, (change, e)
    # a dispatcher has no registry_sensitive right: a plan over a sensitive tag is not theirs to make
    st, e = api.post("/api/v1/visit-plans", dict(base, target={"kind": "resident", "tag": "残疾"}),
                     api.login("dispatcher"))
    check_error(st, e, 403)


def test_the_due_list_a_visit_and_a_resend_stored_once(api, admin, gw, gas, demo_db):
    plan, h = gas
    assert plan["targets"] >= 1
    ids, _ = due_ids(api, gw, plan["id"])
    assert ("household", h["id"]) in ids
    uid = str(uuid.uuid4())
    st, v = post_visit(api, gw, plan, "household", h["id"], answers=GAS_OK, uid=uid, lat=37.86, lon=113.58)
    assert st == 201, v
    assert v["hazards"] == [] and v["form_version"] == 1 and v["client_uuid"] == uid
    st, again = post_visit(api, gw, plan, "household", h["id"], answers=GAS_OK, uid=uid, lat=37.86, lon=113.58)
    assert st == 200 and again["id"] == v["id"], again
    rows = db_rows(demo_db, "SELECT COUNT(*) FROM visits WHERE client_uuid = '%s'" % uid)
    assert rows[0][0] == "1"
    ids, _ = due_ids(api, gw, plan["id"])
    assert ("household", h["id"]) not in ids
    st, lst = api.get("/api/v1/visits?plan_id=%d&target_kind=household&target_id=%d" % (plan["id"], h["id"]), gw)
    assert st == 200 and [x["id"] for x in lst["items"]] == [v["id"]]
    # another worker may not reuse the uuid
    st, e = post_visit(api, admin, plan, "household", h["id"], answers=GAS_OK, uid=uid)
    check_error(st, e, 409)


def test_nearest_first_and_overdue_first(api, admin, gw, gw_unit):
    near = new_household(api, admin, gw_unit, lat=37.8600, lon=113.5800)
    far = new_household(api, admin, gw_unit, lat=37.9000, lon=113.6500)
    plan = new_plan(api, admin, gw_unit, form_id=2, frequency="weekly",
                    starts_at=(datetime.now() - timedelta(days=30)).strftime("%Y-%m-%d"))
    ids, b = due_ids(api, gw, plan["id"], lat="37.8601", lon="113.5801")
    mine = [e for e in b["items"] if e["plan_id"] == plan["id"]]
    order = [e["target"]["id"] for e in mine if e["target"]["id"] in (near["id"], far["id"])]
    assert order == [near["id"], far["id"]], mine[:5]
    assert [e for e in mine if e["target"]["id"] == near["id"]][0]["distance_m"] < 50
    flags = [e["overdue"] for e in b["items"]]
    assert flags == sorted(flags, reverse=True), "overdue first"


def test_not_home_is_due_the_next_working_day_and_a_refusal_asks_for_a_notice(api, admin, gw, gw_unit, demo_db):
    h1, h2 = new_household(api, admin, gw_unit), new_household(api, admin, gw_unit)
    plan = new_plan(api, admin, gw_unit, form_id=2, frequency="monthly")
    st, v = post_visit(api, gw, plan, "household", h1["id"], outcome="not_home")
    assert st == 201 and v["answers"] == {}, v
    ids, _ = due_ids(api, gw, plan["id"])
    assert ("household", h1["id"]) not in ids, "tried again tomorrow, not now"
    retry = int(db_rows(demo_db, "SELECT retry_at FROM visit_targets WHERE plan_id = %d AND target_id = %d"
                        % (plan["id"], h1["id"]))[0][0])
    tomorrow = datetime.combine(datetime.now().date() + timedelta(days=1), datetime.min.time())
    assert retry >= tomorrow.timestamp() * 1000
    done = db_rows(demo_db, "SELECT done_at FROM visit_targets WHERE plan_id = %d AND target_id = %d"
                   % (plan["id"], h1["id"]))[0][0]
    assert done is None, "not home does not cover the month"
    st, v = post_visit(api, gw, plan, "household", h2["id"], outcome="refused")
    assert st == 201
    row = db_rows(demo_db, "SELECT followup, done_at FROM visit_targets WHERE plan_id = %d AND target_id = %d"
                  % (plan["id"], h2["id"]))[0]
    assert row[0] == "written_notice" and row[1] is not None


def test_answers_are_checked_against_the_form(api, admin, gw, gw_unit):
    h = new_household(api, admin, gw_unit)
    plan = new_plan(api, admin, gw_unit)
    bottled = dict(GAS_OK, gas_kind="bottled", hose_ok=True, hose_age_years=1)
    for answers, field in ((dict(bottled, valve_ok=None), "valve_ok"),
                           (dict(bottled, hose_age_years=99), "hose_age_years"),
                           (dict(bottled, pipe_joints_ok="yes"), "pipe_joints_ok"),
                           (dict(bottled, colour="red"), "colour")):
        st, e = post_visit(api, gw, plan, "household", h["id"], answers=answers)
        check_error(st, e, 422)
        assert e["error"]["field"] == field, e
    ids, _ = due_ids(api, gw, plan["id"])
    assert ("household", h["id"]) in ids, "a refused visit changes nothing"
    # meter_ok is asked of piped gas only: dropped from a bottled household's record
    st, v = post_visit(api, gw, plan, "household", h["id"], answers=bottled)
    assert st == 201, v
    assert "meter_ok" not in v["answers"] and v["answers"]["hose_age_years"] == 1
    st, e = post_visit(api, gw, plan, "household", 999999999, answers=bottled)
    check_error(st, e, 422)
    st, e = post_visit(api, gw, {"id": 999999}, "household", h["id"], answers=bottled)
    check_error(st, e, 404)
    st, e = api.post("/api/v1/visits", {"plan_id": plan["id"], "target": {"kind": "household", "id": h["id"]},
                                        "outcome": "home", "client_uuid": "no spaces allowed"}, gw)
    check_error(st, e, 422)


# ---------------------------------------------------------------- hazards

def test_a_visit_opens_its_hazards_in_the_same_write(api, admin, gw, gw_unit):
    h = new_household(api, admin, gw_unit, address="隐患测试楼1单元" + uuid.uuid4().hex[:4])
    plan = new_plan(api, admin, gw_unit)
    answers = dict(GAS_OK, gas_kind="bottled", pipe_joints_ok=False, hose_ok=True, hose_age_years=4)
    answers.pop("meter_ok")
    st, v = post_visit(api, gw, plan, "household", h["id"], answers=answers)
    assert st == 201 and len(v["hazards"]) == 2, v
    cases = []
    for cid in v["hazards"]:
        st, c = api.get("/api/v1/cases/%d" % cid, admin)
        assert st == 200, c
        assert c["type"] == "hazard" and c["channel"] == "inspection" and c["category_code"] == "0605"
        assert c["unit_id"] == h["unit_id"] and c["address"] == h["address"]
        cases.append(c)
    # the rules' days: 3 working days for the joint, 5 for the old hose
    due = sorted(c["resolve_due_at"] for c in cases)
    assert due[0] < due[1], due
    st, ledger = api.get("/api/v1/hazards?owner=%s" % h["address"][:8], admin)
    assert st == 200
    mine = [x for x in ledger["items"] if x["case_id"] in v["hazards"]]
    assert len(mine) == 2 and all(x["owner"] == h["address"] and x["visit_id"] == v["id"] for x in mine)
    assert {x["label"] for x in mine} == {"燃气管道接口漏气", "橡胶软管超过2年"}
    from test_attachments import raw_get
    import urllib.parse
    st, raw, hd = raw_get(api, "/api/v1/hazards/export.xlsx?owner=" + urllib.parse.quote(h["address"][:8]), admin)
    assert st == 200 and "spreadsheetml" in hd["Content-Type"]
    sheet = zipfile.ZipFile(io.BytesIO(raw)).read("xl/worksheets/sheet1.xml").decode()
    assert h["address"] in sheet and "燃气管道接口漏气" in sheet and "/api/v1/attachments/" not in sheet


def test_hazard_ledger_filters(api, admin):
    st, b = api.get("/api/v1/hazards?status=nonsense", admin)
    check_error(st, b, 422)
    st, b = api.get("/api/v1/hazards?overdue=maybe", admin)
    check_error(st, b, 400)
    st, b = api.get("/api/v1/hazards?category_code=06&limit=5", admin)
    assert st == 200 and all(x["category_code"].startswith("06") for x in b["items"])


def test_a_failed_reinspection_keeps_it_open_and_a_second_is_supervised(api, admin, gw, gw_unit):
    h = new_household(api, admin, gw_unit)
    plan = new_plan(api, admin, gw_unit)
    st, v = post_visit(api, gw, plan, "household", h["id"], answers=dict(GAS_OK, pipe_joints_ok=False))
    assert st == 201 and len(v["hazards"]) == 1, v
    cid = v["hazards"][0]
    st, c = api.get("/api/v1/cases/%d" % cid, admin)
    if c["status"] == "new":
        st, c = api.post("/api/v1/cases/%d/dispatch" % cid, {"unit_id": gw_unit}, admin)
        assert st == 200, c

    def round_(passed):
        st, c = api.post("/api/v1/cases/%d/accept" % cid, {}, admin)
        assert st == 200, c
        st, c = api.post("/api/v1/cases/%d/resolve" % cid, {"reply": "已更换燃气管接口"}, admin)
        assert st == 200 and c["status"] == "verifying", c
        st, c = api.post("/api/v1/cases/%d/verify" % cid, {"passed": passed, "note": "现场复查"}, gw)
        assert st == 200, c
        return c
    c = round_(False)
    assert c["status"] == "accepted" and c["supervised"] == 0, c
    st, led = api.get("/api/v1/hazards?limit=200", admin)
    assert [x["failures"] for x in led["items"] if x["case_id"] == cid] == [1]
    st, c = api.post("/api/v1/cases/%d/resolve" % cid, {"reply": "再次整改"}, admin)
    st, c = api.post("/api/v1/cases/%d/verify" % cid, {"passed": False}, gw)
    assert st == 200 and c["status"] == "accepted" and c["supervised"] >= 1, c
    assert any("督办" in (e.get("note") or "") for e in c["timeline"])
    st, c = api.post("/api/v1/cases/%d/resolve" % cid, {"reply": "第三次整改"}, admin)
    st, c = api.post("/api/v1/cases/%d/verify" % cid, {"passed": True}, gw)
    assert st == 200 and c["status"] == "closed", c


def test_visit_photos(api, admin, gw, gw_unit):
    from test_attachments import jpeg, has_exif, raw_get
    h = new_household(api, admin, gw_unit)
    plan = new_plan(api, admin, gw_unit)
    st, ph, _ = api.request("POST", "/api/v1/visits/photos", raw=jpeg(gps=True), token=gw,
                            headers={"Content-Type": "image/jpeg"})
    assert st == 201 and ph["case_id"] is None, ph
    st, other, _ = api.request("POST", "/api/v1/visits/photos", raw=jpeg(), token=admin,
                               headers={"Content-Type": "image/jpeg"})
    assert st == 201
    st, e = post_visit(api, gw, plan, "household", h["id"], answers=dict(GAS_OK, photo=other["id"]))
    check_error(st, e, 422)
    st, v = post_visit(api, gw, plan, "household", h["id"], answers=dict(GAS_OK, pipe_joints_ok=False, photo=ph["id"]))
    assert st == 201 and v["hazards"], v
    st, c = api.get("/api/v1/cases/%d" % v["hazards"][0], admin)
    assert ph["id"] in [a["id"] for a in c["attachments"]], c["attachments"]
    st, data, hd = raw_get(api, "/api/v1/attachments/%d" % ph["id"], admin)
    assert st == 200 and not has_exif(data)
    # claimed: not another visit's, not deletable any more
    st, e = api.request("DELETE", "/api/v1/attachments/%d" % ph["id"], token=gw)[:2]
    check_error(st, e, 409)


# ---------------------------------------------------------------- coverage and the alert

def test_coverage_equals_a_recount(api, admin, gw, gw_unit, demo_db):
    hs = [new_household(api, admin, gw_unit) for _ in range(3)]
    plan = new_plan(api, admin, gw_unit, form_id=2, frequency="monthly")
    for h in hs[:2]:
        st, v = post_visit(api, gw, plan, "household", h["id"],
                           answers={"seen_in_person": True, "health": "good"})
        assert st == 201, v
    st, cov = api.get("/api/v1/visits/coverage?plan_id=%d" % plan["id"], admin)
    assert st == 200, cov
    due = int(db_rows(demo_db, "SELECT COUNT(*) FROM visit_targets WHERE plan_id = %d" % plan["id"])[0][0])
    done = int(db_rows(demo_db, "SELECT COUNT(DISTINCT target_id) FROM visits WHERE plan_id = %d AND outcome = 'home'"
                       % plan["id"])[0][0])
    assert (cov["due"], cov["done"], cov["overdue"]) == (due, done, 0)
    assert sum(u["due"] for u in cov["by_unit"]) == due and sum(u["done"] for u in cov["by_unit"]) == done
    assert [p["plan_id"] for p in cov["by_plan"]] == [plan["id"]]
    st, cov_gw = api.get("/api/v1/visits/coverage?plan_id=%d" % plan["id"], gw)
    assert st == 200 and cov_gw["done"] == done
    st, e = api.get("/api/v1/visits/coverage?plan_id=999999", admin)
    check_error(st, e, 404)


def test_a_person_unseen_for_two_days_raises_one_alert(api, admin, gw, gw_unit):
    p = None
    st, r = api.post("/api/v1/registry/residents", {"unit_id": gw_unit, "name": "独居测试老人",
                                                    "id_number": id_number("19380101"), "tags": ["独居老人"]}, admin)
    assert st == 201, r
    p = r
    started = (datetime.now() - timedelta(days=3)).strftime("%Y-%m-%d")
    plan = new_plan(api, admin, gw_unit, form_id=2, kind="resident", frequency="daily", target={"kind": "resident",
                                                                                                 "tag": "独居老人"},
                    starts_at=started)
    st, due = api.get("/api/v1/visits/due?limit=2000", gw)
    entry = [e for e in due["items"] if e["plan_id"] == plan["id"] and e["target"]["id"] == p["id"]]
    assert entry and entry[0]["overdue"], entry

    def alerts():
        st, lst = api.get("/api/v1/cases?category_code=0708&limit=200", admin)
        assert st == 200
        return [c for c in lst["items"] if "独居测试老人" in c["title"]]
    deadline = time.time() + 20
    while not alerts() and time.time() < deadline:
        time.sleep(0.2)
    got = alerts()
    assert len(got) == 1, got
    time.sleep(1)
    assert len(alerts()) == 1, "raised once"
    st, c = api.get("/api/v1/cases/%d" % got[0]["id"], admin)
    assert c["type"] == "hazard" and any(e["action"] == "visit_alert" for e in c["timeline"]), c["timeline"]
    # the community's desk has it (the duty list: unit_kind community)
    st, u = api.get("/api/v1/units/%d" % c["handler_unit_id"], admin)
    assert u["kind"] in ("community", "village"), u


def test_the_due_list_and_visits_refuse_bad_input(api, admin, gw, gw_unit):
    for q in ("lat=91&lon=113", "lat=37.8", "lat=abc&lon=1", "limit=0"):
        st, e = api.get("/api/v1/visits/due?" + q, gw)
        check_error(st, e, 400)
    from test_attachments import pdf
    st, e, _ = api.request("POST", "/api/v1/visits/photos", raw=pdf(), token=gw,
                           headers={"Content-Type": "application/pdf"})
    check_error(st, e, 415)
    h = new_household(api, admin, gw_unit)
    plan = new_plan(api, admin, gw_unit, form_id=2, frequency="weekly")
    old = (datetime.now() - timedelta(days=120)).strftime("%Y-%m-%dT%H:%M:%S+08:00")
    st, e = post_visit(api, gw, plan, "household", h["id"], outcome="not_home", visited_at=old)
    check_error(st, e, 422)
    assert e["error"]["field"] == "visited_at"
    st, e = post_visit(api, gw, plan, "household", h["id"], outcome="maybe")
    check_error(st, e, 422)


def test_visit_pages_end_where_the_visits_do(api, admin, gw, gw_unit):
    h = new_household(api, admin, gw_unit)
    plan = new_plan(api, admin, gw_unit, form_id=2, frequency="weekly")
    made = []
    for _ in range(3):
        st, v = post_visit(api, gw, plan, "household", h["id"], outcome="not_home")
        assert st == 201, v
        made.append(v["id"])
    st, page = api.get("/api/v1/visits?plan_id=%d&limit=3" % plan["id"], gw)
    assert [v["id"] for v in page["items"]] == made[::-1] and page["next_cursor"] is None
    st, page = api.get("/api/v1/visits?plan_id=%d&limit=2" % plan["id"], gw)
    assert len(page["items"]) == 2 and page["next_cursor"]
    st, rest = api.get("/api/v1/visits?plan_id=%d&limit=2&cursor=%s" % (plan["id"], page["next_cursor"]), gw)
    assert [v["id"] for v in rest["items"]] == [made[0]] and rest["next_cursor"] is None
