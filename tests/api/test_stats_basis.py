"""The summary's basis (P8): `basis=handler` (the default) counts a case
under its handling unit, `basis=location` under the unit where it lies;
every count and rate means the same on either. A small world of its own
(a street with two grids, a department, cases located in one grid and
handled by the department, the street or nobody yet) gives exact numbers;
the demo's year checks the location roll-ups against a scan of the cases
and against the roll-ups rebuilt from scratch."""
import sqlite3
import threading
import time
import uuid
from datetime import date, timedelta

import pytest

from conftest import Server, db_rows, free_port, is_url, new_db, psql

FIELDS = ("received", "dispatched", "due_for_response", "accepted_on_time", "rated", "solved",
          "satisfied", "basic", "unsatisfied", "overdue_open", "excluded")
RATES = ("response_rate", "resolution_rate", "satisfaction_rate")
ZERO = dict.fromkeys(FIELDS, 0)
NULL_RATE = {"value": None, "numerator": 0, "denominator": 0}
LOC_TABLES = ("stats_loc_day", "stats_loc_cat_day", "stats_loc_month", "stats_loc_cat_month")
PW = "lianxin2026"


def uniq():
    return uuid.uuid4().hex[:8]


def execute(db, sql):
    """Runs one statement that writes, committed, on either backend."""
    if is_url(db):
        psql(sql, db)
        return
    conn = sqlite3.connect(db)
    try:
        conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def srv(pristine_db):
    """A server of its own on a fresh copy of the demo (its world is written
    into), the sweeper every 200 ms; stopped after the module."""
    s = Server(new_db("basis", template=pristine_db), free_port(), env={"LIANXIN_SWEEP_MS": "200"})
    yield s
    if s.proc.poll() is None:
        assert s.stop() == 0


def ok(api, method, path, token, body=None, status=(200, 201)):
    st, b = api.request(method, path, body=body, token=token)[:2]
    assert st in status, (method, path, st, b)
    return b


def summary(api, token, **q):
    qs = "&".join("%s=%s" % kv for kv in q.items())
    st, body = api.get("/api/v1/stats/summary?" + qs, token)
    assert st == 200, body
    return body


def counts(s):
    return {k: s[k] for k in FIELDS}


def rates(s):
    return {k: s[k] for k in RATES}


def windows():
    """Three windows around today (in any zone the machine has): whole days
    (daily roll-ups), the same one millisecond later (the first day from the
    cases: the scan), and whole months (the monthly roll-ups)."""
    first, end = date.today() - timedelta(days=1), date.today() + timedelta(days=2)
    m0 = first.replace(day=1)
    m1 = (end.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [{"from": first.isoformat(), "to": end.isoformat()},
            {"from": first.isoformat() + "T00:00:00.001%2B08:00", "to": end.isoformat()},
            {"from": m0.isoformat(), "to": m1.isoformat()}]


def wait_overdue(api, token, cid):
    deadline = time.time() + 20
    while time.time() < deadline:
        c = ok(api, "GET", "/api/v1/cases/%d" % cid, token)
        acts = [e["action"] for e in c["timeline"]]
        if "overdue" in acts and "accept_overdue" in acts:
            return c
        time.sleep(0.2)
    raise AssertionError("the sweeper never marked case %d overdue" % cid)


@pytest.fixture(scope="module")
def world(srv):
    """Street S (grids A and B, in that code order) and department D under
    the district; four cases located in grid A:
      c1 handled by D: accepted on time, resolved, rated satisfied and solved;
      c2 handled by D: a category of seconds, never accepted: the sweeper
         marks it past its accept and resolve deadlines (overdue, open);
      c3 no category: nobody handles it yet (counted where it lies);
      c4 no category, dispatched to S itself: not yet accepted.
    Grid B has no case on either basis."""
    api = srv.client
    admin, disp = api.login("admin"), api.login("dispatcher")
    tag = uniq()
    district = [u for u in ok(api, "GET", "/api/v1/units?kind=district&boundary=false", admin)["items"]
                if u["parent_id"] is None][0]

    def unit(kind, name, parent, code):
        return ok(api, "POST", "/api/v1/units", admin,
                  {"kind": kind, "code": code, "name": name + tag, "parent_id": parent})

    s = unit("street", "口径街道", district["id"], "S" + tag)
    a = unit("grid", "口径甲网格", s["id"], "S" + tag + "1")
    b = unit("grid", "口径乙网格", s["id"], "S" + tag + "2")
    d = unit("department", "口径局", district["id"], "D" + tag)
    login = "hd" + tag
    ok(api, "POST", "/api/v1/users", admin, {"login": login, "name": "口径局承办人", "password": "Harbour-Lamp-42",
                                            "roles": ["handler"], "unit_id": d["id"]})
    b_ = ok(api, "POST", "/api/v1/auth/login", None, {"login": login, "password": "Harbour-Lamp-42"})
    if b_.get("password_change_required"):
        ok(api, "POST", "/api/v1/auth/password", b_["token"], {"old": "Harbour-Lamp-42", "new": "Quiet-River-2026"})
        b_ = ok(api, "POST", "/api/v1/auth/login", None, {"login": login, "password": "Quiet-River-2026"})
    hd = b_["token"]

    def category(prefix, **kw):
        body = {"code": prefix + tag, "name": "口径" + prefix + tag, "parent_code": "01", "case_type": "request",
                "accept_hours": 2, "resolve_hours": 24, "responsible": {"unit_id": d["id"]}}
        body.update(kw)
        ok(api, "POST", "/api/v1/categories", admin, body)
        return body["code"]

    cat_d, cat_tiny = category("K"), category("T", accept_hours=0.0003, resolve_hours=0.0006)

    def case(code=None):
        body = {"type": "request", "channel": "hotline", "title": "口径测试 " + uniq(),
                "description": "市民反映网格内路灯不亮。", "unit_id": a["id"],
                "reporter": {"name": "赵女士", "phone": "13712345678"}}
        if code:
            body["category_code"] = code
        c = ok(api, "POST", "/api/v1/cases", disp, body)
        assert c["unit_id"] == a["id"], c
        return c

    c1 = case(cat_d)
    assert c1["status"] == "dispatched" and c1["handler_unit_id"] == d["id"], c1
    c1 = ok(api, "POST", "/api/v1/cases/%d/accept" % c1["id"], hd, {})
    c1 = ok(api, "POST", "/api/v1/cases/%d/resolve" % c1["id"], hd, {"reply": "路灯已修复"})
    c1 = ok(api, "POST", "/api/v1/cases/%d/rate" % c1["id"], disp, {"rating": "satisfied", "solved": True})
    assert c1["status"] == "closed", c1
    c2 = case(cat_tiny)
    assert c2["status"] == "dispatched" and c2["handler_unit_id"] == d["id"], c2
    c3 = case()
    assert c3["status"] == "new" and c3["handler_unit_id"] is None, c3
    c4 = case()
    c4 = ok(api, "POST", "/api/v1/cases/%d/dispatch" % c4["id"], disp, {"unit_id": s["id"]})
    assert c4["status"] == "dispatched" and c4["handler_unit_id"] == s["id"], c4
    wait_overdue(api, disp, c2["id"])
    return {"api": api, "S": s, "A": a, "B": b, "D": d, "district": district, "leader": api.login("leader"),
            "cases": (c1, c2, c3, c4), "codes": (cat_d, cat_tiny)}


# what the four cases add up to, on each basis (see `world`)
D_CASES = dict(ZERO, received=2, dispatched=2, due_for_response=2, accepted_on_time=1, rated=1, solved=1,
               satisfied=1, overdue_open=1)
D_RATES = {"response_rate": {"value": 0.5, "numerator": 1, "denominator": 2},
           "resolution_rate": {"value": 1.0, "numerator": 1, "denominator": 1},
           "satisfaction_rate": {"value": 1.0, "numerator": 1, "denominator": 1}}
NULL_RATES = dict.fromkeys(RATES, NULL_RATE)
ALL_FOUR = dict(D_CASES, received=4, dispatched=3)


def kid_rows(s):
    return [(u["unit_id"], counts(u)) for u in s["by_unit"]]


@pytest.mark.parametrize("w", range(3), ids=["days", "scan", "months"])
def test_a_case_counts_under_its_handler_or_its_location(world, w):
    """c1 and c2 lie in grid A and are handled by department D: by handler
    they count in D's branch, by location in A's (and so S's)."""
    api, t, q = world["api"], world["leader"], windows()[w]
    S, A, B, D = (world[k]["id"] for k in "SABD")

    by_handler = summary(api, t, unit_id=S, **q)
    assert by_handler["basis"] == "handler"
    assert summary(api, t, unit_id=S, basis="handler", **q) == by_handler      # the default
    # S: c3 (A, nobody yet) and c4 (S itself, not accepted)
    assert counts(by_handler) == dict(ZERO, received=2, dispatched=1)
    assert rates(by_handler) == NULL_RATES
    assert kid_rows(by_handler) == [(A, dict(ZERO, received=1)), (B, ZERO)]
    d = summary(api, t, unit_id=D, **q)
    assert counts(d) == D_CASES and rates(d) == D_RATES and d["by_unit"] == []

    by_location = summary(api, t, unit_id=S, basis="location", **q)
    assert by_location["basis"] == "location"
    assert counts(by_location) == ALL_FOUR
    assert rates(by_location) == D_RATES
    assert kid_rows(by_location) == [(A, ALL_FOUR), (B, ZERO)]
    assert rates(by_location["by_unit"][0]) == D_RATES
    cats = {c["category_code"]: counts(c) for c in by_location["by_category"]}
    cat_d, cat_tiny = world["codes"]
    assert cats == {cat_d: dict(ZERO, received=1, dispatched=1, due_for_response=1, accepted_on_time=1, rated=1,
                                solved=1, satisfied=1),
                    cat_tiny: dict(ZERO, received=1, dispatched=1, due_for_response=1, overdue_open=1),
                    None: dict(ZERO, received=2, dispatched=1)}
    loc_d = summary(api, t, unit_id=D, basis="location", **q)
    assert counts(loc_d) == ZERO and rates(loc_d) == NULL_RATES and loc_d["by_category"] == []
    g = summary(api, t, unit_id=A, basis="location", **q)
    assert counts(g) == ALL_FOUR and g["by_unit"] == []
    assert counts(summary(api, t, unit_id=A, **q)) == dict(ZERO, received=1)

    # the district: the same cases, S's and D's rows swap what they hold
    dist = {b: {u["unit_id"]: counts(u) for u in summary(api, t, basis=b, **q)["by_unit"]}
            for b in ("handler", "location")}
    assert dist["handler"][S] == counts(by_handler) and dist["handler"][D] == D_CASES
    assert dist["location"][S] == ALL_FOUR and dist["location"][D] == ZERO


def test_by_unit_lists_every_child_with_zeros_and_null_rates(world):
    api, t = world["api"], world["leader"]
    q = windows()[0]
    for basis in ("handler", "location"):
        s = summary(api, t, unit_id=world["S"]["id"], basis=basis, **q)
        b = [u for u in s["by_unit"] if u["unit_id"] == world["B"]["id"]]
        assert len(b) == 1, s["by_unit"]
        assert b[0]["name"] == world["B"]["name"] and b[0]["kind"] == "grid"
        assert counts(b[0]) == ZERO and rates(b[0]) == NULL_RATES
        # an empty window lists them all the same
        empty = summary(api, t, unit_id=world["S"]["id"], basis=basis, **{"from": "2001-01-01", "to": "2001-01-02"})
        assert [u["unit_id"] for u in empty["by_unit"]] == [world["A"]["id"], world["B"]["id"]]
        assert all(counts(u) == ZERO and rates(u) == NULL_RATES for u in empty["by_unit"])
    # the district's children: every street and department, each once, in
    # the documented order (streets first, then by kind, code, id), on both
    # bases alike
    st, kids = api.get("/api/v1/units?parent_id=%d&boundary=false&limit=500" % world["district"]["id"], t)
    assert st == 200, kids

    def key(u):
        return (u["kind"] != "street", u["kind"], u["code"] is None, u["code"] or "", u["id"])
    want = [u["id"] for u in sorted(kids["items"], key=key)]
    assert world["D"]["id"] in want and world["S"]["id"] in want
    for basis in ("handler", "location"):
        s = summary(api, t, basis=basis, **q)
        assert [u["unit_id"] for u in s["by_unit"]] == want


@pytest.mark.parametrize("bad", ["bogus", "Location", "HANDLER", "locations", "handler,location", "%20location", "1"])
def test_a_bad_basis_is_400_and_changes_nothing(world, bad):
    api, t = world["api"], world["leader"]
    q = windows()[0]
    before = summary(api, t, unit_id=world["S"]["id"], basis="location", **q)
    path = "/api/v1/stats/summary?unit_id=%d&from=%s&to=%s&basis=%s" % (world["S"]["id"], q["from"], q["to"], bad)
    st, b = api.get(path, t)
    assert st == 400, (bad, b)
    assert b["error"]["code"] == "bad_parameter" and b["error"]["field"] == "basis", b
    assert b["error"]["message"]
    assert summary(api, t, unit_id=world["S"]["id"], basis="location", **q) == before


def test_a_street_sees_only_its_subtree_on_either_basis(world):
    """A street's leader asks for another street's unit: 404 on both bases,
    as for any unit outside its scope; its own street answers."""
    api = world["api"]
    t = api.login("leader_qiaotou")
    streets = {u["name"]: u for u in ok(api, "GET", "/api/v1/units?kind=street&boundary=false", t)["items"]}
    admin = api.login("admin")
    caiwa = [u for u in ok(api, "GET", "/api/v1/units?kind=street&boundary=false", admin)["items"]
             if u["name"] == "蔡洼街道"][0]
    assert "蔡洼街道" not in streets
    for unit in (caiwa["id"], world["S"]["id"], world["A"]["id"], world["D"]["id"]):
        for basis in ("location", "handler"):
            st, b = api.get("/api/v1/stats/summary?unit_id=%d&basis=%s" % (unit, basis), t)
            assert st == 404, (unit, basis, b)
            assert b["error"]["code"] == "not_found", b
    own = summary(api, t, unit_id=streets["桥头街道"]["id"], basis="location")
    assert own["basis"] == "location" and own["unit_id"] == streets["桥头街道"]["id"]
    # without unit_id: the caller's own unit, on the basis asked for
    mine = summary(api, t, basis="location")
    assert mine["unit_id"] == own["unit_id"] and counts(mine) == counts(own)


def test_location_rollups_agree_with_a_scan_over_the_demo_year(world):
    """The demo's year (and a burst of concurrent intakes, which the writer
    batches): whole days from the roll-ups (handler rows plus the location
    difference) equal the scan of the cases one millisecond later, for the
    whole, each child and each category, for the district and each street.
    The whole system is the same on both bases."""
    api, t = world["api"], world["leader"]
    disp = api.login("dispatcher")
    grid = [u for u in ok(api, "GET", "/api/v1/units?kind=grid&boundary=false&limit=500", disp)["items"]][0]
    errors = []

    def file(i):
        try:
            ok(api, "POST", "/api/v1/cases", disp, {
                "type": "request", "channel": "hotline", "category_code": ["0101", "0201", "0301"][i % 3],
                "title": "并发 " + uniq(), "description": "并发受理测试。", "unit_id": grid["id"]})
        except AssertionError as e:  # pragma: no cover - reported below
            errors.append(e)
    threads = [threading.Thread(target=file, args=(i,)) for i in range(24)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    start = (date.today() - timedelta(days=400)).isoformat()
    end = (date.today() + timedelta(days=2)).isoformat()
    admin = api.login("admin")
    # the whole system (the admin's default), the district, its streets
    asks = [(admin, None), (t, world["district"]["id"])] + [
        (t, u["unit_id"]) for u in summary(api, t, **{"from": start, "to": end})["by_unit"][:6]]
    for who, uid in asks:
        q = {"from": start, "to": end}
        if uid:
            q["unit_id"] = uid
        whole = summary(api, who, basis="location", **q)
        part = summary(api, who, basis="location", **dict(q, **{"from": start + "T00:00:00.001%2B08:00"}))
        assert whole["received"] > 0
        assert counts(whole) == counts(part), uid
        assert kid_rows(whole) == kid_rows(part), uid
        assert ({c["category_code"]: counts(c) for c in whole["by_category"]} ==
                {c["category_code"]: counts(c) for c in part["by_category"]}), uid
    # the whole district holds every case on both bases; its streets
    # differ between them (cases handled by departments)
    dq = {"from": start, "to": end, "unit_id": world["district"]["id"]}
    h, loc = summary(api, t, **dq), summary(api, t, basis="location", **dq)
    assert counts(h) == counts(loc)
    assert kid_rows(h) != kid_rows(loc)
    assert sum(u["received"] for u in loc["by_unit"] if u["kind"] == "department") == 0
    root = {b: summary(api, admin, basis=b, **{"from": start, "to": end}) for b in ("handler", "location")}
    assert root["handler"]["unit_id"] is None and counts(root["handler"]) == counts(root["location"])


def test_rebuilt_rollups_equal_the_live_ones(srv, world):
    """Last: everything above moved the location roll-ups live; rebuilt from
    the cases (the rebuild migration 016 asks for, run at the next start)
    they hold the same rows, and the summaries stay as they were."""
    api, t = world["api"], world["leader"]
    q = windows()[0]
    asks = [dict(q, unit_id=world[k]["id"], basis=b) for k in ("S", "A", "D", "district") for b in
            ("handler", "location")] + [dict(q, basis="location")]
    before = [summary(api, t, **a) for a in asks]

    def rows():
        return {tb: sorted(r for r in db_rows(srv.db, "SELECT * FROM %s" % tb) if any(int(v) for v in r[-11:]))
                for tb in LOC_TABLES}
    live = rows()
    assert all(live[tb] for tb in LOC_TABLES), {tb: len(live[tb]) for tb in LOC_TABLES}
    assert srv.stop() == 0
    execute(srv.db, "INSERT INTO schema_rebuilds(name) VALUES ('rollups')")
    again = Server(srv.db, free_port())
    try:
        assert db_rows(srv.db, "SELECT COUNT(*) FROM schema_rebuilds") == [("0",)]
        assert rows() == live
        api2 = again.client
        t2 = api2.login("leader")
        assert [summary(api2, t2, **a) for a in asks] == before
    finally:
        assert again.stop() == 0
