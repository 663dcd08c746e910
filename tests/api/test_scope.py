"""Scope isolation between two streets: what happens in 蔡洼街道 stays
invisible to the people of 桥头街道 (404, never 403, so existence does not
leak), while 蔡洼's own dispatcher and the district desk see it.
"""
import re
import uuid
import urllib.parse

import pytest

PW = "lianxin2026"
MASKED = re.compile(r"^\d{3}\*{4}\d{4}$")
QIAOTOU_USERS = ["handler_qiaotou", "gw_qiaotou", "dispatcher_qiaotou", "leader_qiaotou", "volunteer"]
CAIWA_VIEWERS = ["dispatcher_caiwa", "dispatcher"]


def check_error(st, body, status):
    assert st == status, "expected %s, got %s: %r" % (status, st, body)
    err = body.get("error") if isinstance(body, dict) else None
    assert isinstance(err, dict), body
    assert isinstance(err.get("code"), str) and re.match(r"^[a-z][a-z0-9_]*$", err["code"]), body
    assert isinstance(err.get("message"), str) and err["message"], body


def outer_rings(geom):
    if geom["type"] == "Polygon":
        return [geom["coordinates"]]
    return list(geom["coordinates"])


def in_ring(x, y, ring):
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > y) != (y2 > y):
            xi = x1 + (y - y1) * (x2 - x1) / (y2 - y1)
            if x < xi:
                inside = not inside
    return inside


def in_geom(x, y, geom):
    for poly in outer_rings(geom):
        if in_ring(x, y, poly[0]) and not any(in_ring(x, y, h) for h in poly[1:]):
            return True
    return False


def edge_distance(x, y, ring):
    best = float("inf")
    for i in range(len(ring) - 1):
        (x1, y1), (x2, y2) = ring[i][:2], ring[i + 1][:2]
        dx, dy = x2 - x1, y2 - y1
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        px, py = x1 + t * dx, y1 + t * dy
        best = min(best, ((x - px) ** 2 + (y - py) ** 2) ** 0.5)
    return best


def point_inside(geom):
    """(lon, lat) inside geom: the average of the outer ring's vertices when
    that lies inside, else the sampled point farthest from the edges."""
    ring = outer_rings(geom)[0][0]
    pts = ring[:-1]
    cx = sum(p[0] for p in pts) / len(pts)
    cy = sum(p[1] for p in pts) / len(pts)
    if in_geom(cx, cy, geom) and edge_distance(cx, cy, ring) > 1e-5:
        return cx, cy
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    best = None
    for i in range(1, 40):
        for j in range(1, 40):
            x = min(xs) + (max(xs) - min(xs)) * i / 40
            y = min(ys) + (max(ys) - min(ys)) * j / 40
            if in_geom(x, y, geom):
                d = edge_distance(x, y, ring)
                if best is None or d > best[0]:
                    best = (d, x, y)
    assert best, "no point inside %r" % geom
    return best[1], best[2]


@pytest.fixture(scope="module")
def world(api, admin):
    toks = {u: api.login(u) for u in QIAOTOU_USERS + CAIWA_VIEWERS + ["handler_caiwa", "leader_caiwa", "admin"]}
    st, streets = api.get("/api/v1/units?kind=street&boundary=false", admin)
    assert st == 200, streets
    by_name = {u["name"]: u for u in streets["items"]}
    caiwa, qiaotou = by_name["蔡洼街道"], by_name["桥头街道"]
    st, grids = api.get("/api/v1/units?kind=grid", admin)
    assert st == 200, grids
    caiwa_grids = sorted((g for g in grids["items"] if g["path"].startswith(caiwa["path"]) and g.get("boundary")),
                         key=lambda g: g["id"])
    assert caiwa_grids, "no 蔡洼 grid with a boundary in the demo"
    grid = point = loc = None
    for g in caiwa_grids:
        lon, lat = point_inside(g["boundary"])
        st, b = api.get("/api/v1/locate?lat=%.7f&lon=%.7f" % (lat, lon), admin)
        if st == 200 and b["unit"]["id"] == g["id"]:
            grid, point, loc = g, (lat, lon), b
            break
    assert grid, "no 蔡洼 grid could be located from a point inside it"

    st, comm = api.get("/api/v1/units?parent_id=%d&boundary=false" % qiaotou["id"], admin)
    qiaotou_community = [u for u in comm["items"] if u["kind"] in ("community", "village")][0]
    st, depts = api.get("/api/v1/units?kind=department&boundary=false", admin)
    dept = [u for u in depts["items"] if u["name"] == "城管局"][0]

    cases = {}
    for state in ("new", "dispatched"):
        word = "scope" + uuid.uuid4().hex[:12]
        st, c = api.post("/api/v1/cases", {
            "type": "request", "channel": "hotline", "title": "蔡洼井盖缺失 " + word,
            "description": "蔡洼网格内路口井盖丢失，夜间有行人跌落风险。", "lat": point[0], "lon": point[1],
            "reporter": {"name": "李四", "phone": "13812345678"}}, toks["dispatcher"])
        assert st == 201, c
        if state == "dispatched":
            st, c = api.post("/api/v1/cases/%d/dispatch" % c["id"], {"unit_id": caiwa["id"]}, toks["dispatcher"])
            assert st == 200, c
        assert c["status"] == state, c
        cases[state] = {"id": c["id"], "word": word, "created": c}

    st, users = api.get("/api/v1/users", admin)
    assert st == 200
    return {"toks": toks, "caiwa": caiwa, "qiaotou": qiaotou, "grid": grid, "point": point, "locate": loc,
            "cases": cases, "qiaotou_community": qiaotou_community, "dept": dept,
            "users": {u["login"]: u for u in users["items"]}}


def case_state(api, admin, case_id):
    st, c = api.get("/api/v1/cases/%d" % case_id, admin)
    assert st == 200, c
    return (c["version"], c["status"], c["handler_unit_id"], len(c["timeline"]), len(c["tasks"]), c["rating"],
            c["supervised"], c["reply"], c.get("pending"), c.get("excluded"), c.get("merged_into"),
            c.get("resolve_due_at"), c.get("extensions"), c.get("appeals"), c.get("merged_cases"))


def list_ids(api, tok, query):
    st, b = api.get("/api/v1/cases?" + query, tok)
    assert st == 200, b
    assert "next_cursor" in b
    return [c["id"] for c in b["items"]], b


# ---------------------------------------------------------------- the set-up itself

def test_point_is_located_in_a_caiwa_grid(world):
    loc = world["locate"]
    path = loc["path"]
    assert [u["kind"] for u in path[:2]] == ["district", "street"]
    assert path[1]["id"] == world["caiwa"]["id"] and path[1]["name"] == "蔡洼街道"
    assert path[2]["kind"] in ("community", "village")
    assert path[-1]["id"] == world["grid"]["id"] == loc["unit"]["id"]
    assert loc["unit"]["kind"] == "grid"


@pytest.mark.parametrize("state", ["new", "dispatched"])
def test_case_is_located_in_that_grid(world, state):
    c = world["cases"][state]["created"]
    assert c["unit_id"] == world["grid"]["id"]
    if state == "dispatched":
        assert c["handler_unit_id"] == world["caiwa"]["id"]


# ---------------------------------------------------------------- invisible to 桥头

@pytest.mark.parametrize("state", ["new", "dispatched"])
@pytest.mark.parametrize("who", QIAOTOU_USERS)
def test_get_is_404_for_qiaotou(api, world, who, state):
    st, b = api.get("/api/v1/cases/%d" % world["cases"][state]["id"], world["toks"][who])
    check_error(st, b, 404)


@pytest.mark.parametrize("state", ["new", "dispatched"])
@pytest.mark.parametrize("who", QIAOTOU_USERS)
def test_not_in_qiaotou_lists(api, world, who, state):
    c = world["cases"][state]
    tok = world["toks"][who]
    for query in ("limit=200", "q=" + c["word"], "q=" + urllib.parse.quote("井盖") + "&limit=200",
                  "status=%s&limit=200" % state, "type=request&limit=200"):
        ids, _ = list_ids(api, tok, query)
        assert c["id"] not in ids, (who, query)
    ids, _ = list_ids(api, tok, "q=" + c["word"])
    assert ids == [], "q= search of a 蔡洼-only word found something for %s" % who


ACTION_BODIES = {
    "dispatch": None,  # filled with a 桥头 unit, so only the case can be the problem
    "accept": {}, "return": {"reason": "越界退回"}, "escalate": {"reason": "越界上报"},
    "assist": None, "resolve": {"reply": "越界办结"}, "rate": {"rating": "satisfied", "solved": True},
    "reopen": {"reason": "越界重办"}, "close": {"note": "越界关闭"}, "supervise": {"note": "越界督办"},
    "comment": {"note": "越界留言"},
    # the engine's actions (P6)
    "suspend": {"reason": "越界挂起"}, "resume": {"note": "越界恢复"}, "extend": {"hours": 24, "reason": "越界延期"},
    "extension_approve": {"note": "越界同意延期"}, "extension_reject": {"reason": "越界驳回延期"},
    "verify": {"passed": True, "note": "越界核查"}, "appeal": {"reason": "越界申诉"},
    "appeal_decide": {"upheld": True, "note": "越界裁决"}, "invalid": {"reason": "越界作废"},
    "merge": None,     # into a 桥头 case, so again only the case can be the problem
}
# Besides the new and the dispatched case, each action is tried on a 蔡洼
# case in a state where it is legal (an extension or appeal pending for the
# decisions on them), so that a missing scope check cannot hide behind a 409.
LEGAL_STATE = {"return": "accepted", "escalate": "accepted", "assist": "accepted", "resolve": "accepted",
               "rate": "resolved", "reopen": "resolved", "close": "resolved", "suspend": "accepted",
               "resume": "suspended", "extend": "accepted", "extension_approve": "extension",
               "extension_reject": "extension", "verify": "verifying", "appeal": "reopened",
               "appeal_decide": "appealed"}


@pytest.fixture(scope="module")
def legal(api, admin, world):
    """蔡洼 cases (at the world's point, handled by 蔡洼街道) in every state of
    LEGAL_STATE, and a 桥头 case for merges to name."""
    toks = world["toks"]
    desk, h = toks["dispatcher"], toks["handler_caiwa"]
    code = "S" + uuid.uuid4().hex[:9]
    st, cat = api.post("/api/v1/categories", {"code": code, "name": "越界核查类别" + code, "parent_code": "01",
                                              "case_type": "request", "accept_hours": 2, "resolve_hours": 24,
                                              "verify": True}, admin)
    assert st == 201, cat
    accepted = [(desk, "dispatch", {"unit_id": world["caiwa"]["id"]}), (h, "accept", {})]
    resolved = accepted + [(h, "resolve", {"reply": "已处理"})]
    reopened = resolved + [(desk, "rate", {"rating": "unsatisfied", "solved": False})]
    steps = {"accepted": accepted, "resolved": resolved, "verifying": resolved, "reopened": reopened,
             "suspended": accepted + [(h, "suspend", {"reason": "等待鉴定"})],
             "extension": accepted + [(h, "extend", {"hours": 4, "reason": "需协调"})],
             "appealed": reopened + [(h, "appeal", {"reason": "已依法答复"})]}
    cases = {}
    for state, todo in steps.items():
        body = {"type": "request", "channel": "hotline", "title": "蔡洼楼道灯不亮 " + uuid.uuid4().hex[:8],
                "description": "蔡洼网格内楼道灯不亮。", "lat": world["point"][0], "lon": world["point"][1]}
        if state == "verifying":
            body["category_code"] = code
        st, c = api.post("/api/v1/cases", body, desk)
        assert st == 201, c
        for tok, action, b in todo:
            st, c = api.post("/api/v1/cases/%d/%s" % (c["id"], action), b, tok)
            assert st == 200, (state, action, c)
        assert c["status"] == {"extension": "accepted", "appealed": "reopened"}.get(state, state), c
        assert c["pending"] == {"extension": "extension", "appealed": "appeal"}.get(state), c
        cases[state] = c["id"]
    st, m = api.post("/api/v1/cases", {"type": "request", "channel": "hotline", "title": "桥头楼道灯不亮",
                                       "description": "桥头社区楼道灯不亮。",
                                       "unit_id": world["qiaotou_community"]["id"]}, desk)
    assert st == 201, m
    return {"cases": cases, "master": m["id"]}


@pytest.mark.parametrize("action", list(ACTION_BODIES))
@pytest.mark.parametrize("who", QIAOTOU_USERS)
def test_actions_are_404_for_qiaotou(api, admin, world, legal, who, action):
    body = ACTION_BODIES[action]
    if action == "dispatch":
        body = {"unit_id": world["qiaotou"]["id"]}
    elif action == "assist":
        body = {"unit_ids": [world["dept"]["id"]]}
    elif action == "merge":
        body = {"into_id": legal["master"]}
    cids = [world["cases"][state]["id"] for state in ("new", "dispatched")]
    if action in LEGAL_STATE:
        cids.append(legal["cases"][LEGAL_STATE[action]])
    for cid in cids:
        before = case_state(api, admin, cid)
        master = case_state(api, admin, legal["master"])
        st, b = api.post("/api/v1/cases/%d/%s" % (cid, action), body, world["toks"][who])
        check_error(st, b, 404)
        assert case_state(api, admin, cid) == before
        assert case_state(api, admin, legal["master"]) == master


@pytest.mark.parametrize("who", QIAOTOU_USERS)
def test_caiwa_unit_filter_is_404_for_qiaotou(api, world, who):
    for uid in (world["caiwa"]["id"], world["grid"]["id"]):
        st, b = api.get("/api/v1/cases?unit_id=%d" % uid, world["toks"][who])
        check_error(st, b, 404)


# ---------------------------------------------------------------- visible to 蔡洼 and the district

@pytest.mark.parametrize("state", ["new", "dispatched"])
@pytest.mark.parametrize("who", CAIWA_VIEWERS)
def test_visible_to_caiwa_and_district(api, world, who, state):
    c = world["cases"][state]
    tok = world["toks"][who]
    st, b = api.get("/api/v1/cases/%d" % c["id"], tok)
    assert st == 200, b
    assert b["id"] == c["id"] and b["unit_id"] == world["grid"]["id"]
    assert "allowed_actions" in b and "timeline" in b
    ids, _ = list_ids(api, tok, "q=" + c["word"])
    assert ids == [c["id"]]
    ids, _ = list_ids(api, tok, "q=%s&unit_id=%d" % (c["word"], world["caiwa"]["id"]))
    assert ids == [c["id"]]
    ids, _ = list_ids(api, tok, "limit=200")
    assert c["id"] in ids


def test_caiwa_handler_sees_the_dispatched_case(api, world):
    c = world["cases"]["dispatched"]
    st, b = api.get("/api/v1/cases/%d" % c["id"], world["toks"]["handler_caiwa"])
    assert st == 200, b
    assert "accept" in b["allowed_actions"]


def test_qiaotou_handler_cannot_see_it_even_after_caiwa_acts(api, world):
    """A case handled in 蔡洼 stays out of 桥头's sight whatever its status."""
    word = "scope" + uuid.uuid4().hex[:12]
    lat, lon = world["point"]
    toks = world["toks"]
    st, c = api.post("/api/v1/cases", {"type": "request", "channel": "web", "title": "蔡洼占道经营 " + word,
                                       "description": "早市摊贩占道。", "lat": lat, "lon": lon},
                     toks["dispatcher_caiwa"])
    assert st == 201, c
    steps = [("dispatcher_caiwa", "dispatch", {"unit_id": world["caiwa"]["id"]}),
             ("handler_caiwa", "accept", {}), ("handler_caiwa", "resolve", {"reply": "已清理"})]
    for who, action, body in steps:
        st, c = api.post("/api/v1/cases/%d/%s" % (c["id"], action), body, toks[who])
        assert st == 200, (action, c)
        for q in QIAOTOU_USERS:
            st, b = api.get("/api/v1/cases/%d" % c["id"], toks[q])
            check_error(st, b, 404)
            ids, _ = list_ids(api, toks[q], "q=" + word)
            assert ids == []


# ---------------------------------------------------------------- users

@pytest.mark.parametrize("target", ["street", "grid", "community"])
def test_qiaotou_dispatcher_cannot_create_users_in_caiwa(api, admin, world, target):
    if target == "street":
        unit_id = world["caiwa"]["id"]
    elif target == "grid":
        unit_id = world["grid"]["id"]
    else:
        unit_id = world["locate"]["path"][2]["id"]
    login = "sc_" + uuid.uuid4().hex[:10]
    st, before = api.get("/api/v1/users", admin)
    st, b = api.post("/api/v1/users", {"login": login, "name": "越界用户", "password": "longenough1",
                                       "roles": ["grid_worker"], "unit_id": unit_id, "phone": "13700001234"},
                     world["toks"]["dispatcher_qiaotou"])
    check_error(st, b, 422)
    assert b["error"].get("field") == "unit_id", b
    st, after = api.get("/api/v1/users", admin)
    assert after == before
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": "longenough1"})
    check_error(st, b, 401)


def test_qiaotou_dispatcher_creates_users_in_own_street(api, world):
    """Control for the test above."""
    st, b = api.post("/api/v1/users", {"login": "sc_" + uuid.uuid4().hex[:10], "name": "本街道网格员",
                                       "password": "longenough1", "roles": ["grid_worker"],
                                       "unit_id": world["qiaotou_community"]["id"]},
                     world["toks"]["dispatcher_qiaotou"])
    assert st == 201, b
    assert b["unit_id"] == world["qiaotou_community"]["id"]


def test_qiaotou_dispatcher_cannot_move_a_user_into_caiwa(api, admin, world):
    tok = world["toks"]["dispatcher_qiaotou"]
    st, u = api.post("/api/v1/users", {"login": "sc_" + uuid.uuid4().hex[:10], "name": "待调动",
                                       "password": "longenough1", "roles": ["grid_worker"],
                                       "unit_id": world["qiaotou_community"]["id"]}, tok)
    assert st == 201, u
    st, b = api.patch("/api/v1/users/%d" % u["id"], {"unit_id": world["caiwa"]["id"]}, tok)
    check_error(st, b, 422)
    st, again = api.get("/api/v1/users/%d" % u["id"], admin)
    assert again["unit_id"] == world["qiaotou_community"]["id"]


def test_qiaotou_dispatcher_cannot_read_caiwa_users(api, admin, world):
    tok = world["toks"]["dispatcher_qiaotou"]
    caiwa_path = world["caiwa"]["path"]
    st, units = api.get("/api/v1/units?boundary=false", admin)
    path_of = {u["id"]: u["path"] for u in units["items"]}
    caiwa_users = [u for u in world["users"].values()
                   if u["unit_id"] and path_of.get(u["unit_id"], "").startswith(caiwa_path)]
    assert len(caiwa_users) >= 3
    for u in caiwa_users:
        st, b = api.get("/api/v1/users/%d" % u["id"], tok)
        check_error(st, b, 404)
    st, b = api.get("/api/v1/users", tok)
    assert st == 200, b
    seen = {u["id"] for u in b["items"]}
    assert not seen & {u["id"] for u in caiwa_users}
    assert world["users"]["handler_qiaotou"]["id"] in seen
    st, b = api.patch("/api/v1/users/%d" % world["users"]["handler_caiwa"]["id"], {"name": "越界改名"}, tok)
    check_error(st, b, 404)
    st, b = api.get("/api/v1/users/%d" % world["users"]["handler_caiwa"]["id"], admin)
    assert b["name"] == world["users"]["handler_caiwa"]["name"]
    # control: 蔡洼's own dispatcher reads them
    st, b = api.get("/api/v1/users/%d" % world["users"]["handler_caiwa"]["id"], world["toks"]["dispatcher_caiwa"])
    assert st == 200, b


# ---------------------------------------------------------------- units and statistics

@pytest.mark.parametrize("which", ["street", "community", "grid"])
def test_caiwa_units_are_404_for_qiaotou_dispatcher(api, world, which):
    uid = {"street": world["caiwa"]["id"], "community": world["locate"]["path"][2]["id"],
           "grid": world["grid"]["id"]}[which]
    st, b = api.get("/api/v1/units/%d" % uid, world["toks"]["dispatcher_qiaotou"])
    check_error(st, b, 404)
    st, b = api.get("/api/v1/units/%d" % uid, world["toks"]["dispatcher_caiwa"])
    assert st == 200 and b["id"] == uid, b


def test_caiwa_units_not_listed_for_qiaotou(api, world):
    tok = world["toks"]["dispatcher_qiaotou"]
    st, b = api.get("/api/v1/units?kind=grid&boundary=false", tok)
    assert st == 200, b
    assert b["items"], "桥头 has grids of its own"
    for u in b["items"]:
        assert not u["path"].startswith(world["caiwa"]["path"]), u
    assert any(u["path"].startswith(world["qiaotou"]["path"]) for u in b["items"])
    st, b = api.get("/api/v1/units?parent_id=%d&boundary=false" % world["caiwa"]["id"], tok)
    if st == 200:
        assert b["items"] == []
    else:
        check_error(st, b, 404)


@pytest.mark.parametrize("which", ["street", "grid"])
def test_stats_of_caiwa_are_404_for_qiaotou_leader(api, world, which):
    uid = world["caiwa"]["id"] if which == "street" else world["grid"]["id"]
    st, b = api.get("/api/v1/stats/summary?unit_id=%d" % uid, world["toks"]["leader_qiaotou"])
    check_error(st, b, 404)
    st, b = api.get("/api/v1/stats/summary?unit_id=%d" % uid, world["toks"]["leader_caiwa"])
    assert st == 200, b
    st, b = api.get("/api/v1/stats/summary?unit_id=%d" % world["qiaotou"]["id"], world["toks"]["leader_qiaotou"])
    assert st == 200, b


def test_qiaotou_stats_do_not_break_down_caiwa(api, world):
    st, b = api.get("/api/v1/stats/summary", world["toks"]["leader_qiaotou"])
    assert st == 200, b
    st, units = api.get("/api/v1/units?parent_id=%d&boundary=false" % world["qiaotou"]["id"], world["toks"]["admin"])
    kids = {u["id"] for u in units["items"]}
    assert {u["unit_id"] for u in b["by_unit"]} <= kids, b["by_unit"]


# ---------------------------------------------------------------- masked phones

@pytest.mark.parametrize("who", ["dispatcher_caiwa", "dispatcher", "handler_caiwa", "leader_caiwa", "admin"])
def test_phones_are_masked_in_lists(api, world, who):
    tok = world["toks"][who]
    ids, b = list_ids(api, tok, "q=" + world["cases"]["dispatched"]["word"])
    assert ids == [world["cases"]["dispatched"]["id"]]
    phone = b["items"][0]["reporter"]["phone"]
    assert phone == "138****5678" and MASKED.match(phone), phone
    st, b = api.get("/api/v1/cases?limit=200", tok)
    assert st == 200 and b["items"]
    phones = [c["reporter"]["phone"] for c in b["items"] if c["reporter"].get("phone")]
    assert phones, "the demo cases carry reporters' phones"
    for p in phones:
        assert MASKED.match(p), p
