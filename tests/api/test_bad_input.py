"""Bad input on every endpoint that takes input: each is refused with the
contract's status and error body, and a refused request changes nothing.

Error body (API.md): {"error":{"code":"<snake_case>","message":"..","field"?:".."}}.
400 malformed JSON / parameters (bad_json, bad_type, bad_encoding, bad_parameter),
401 no or bad credentials, 403 wrong role, 404 unknown or out-of-scope id,
409 conflicts, 413 too_large, 422 well-formed but invalid value.
"""
import json
import re
import uuid

import pytest

PW = "lianxin2026"
MIB = 1024 * 1024
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
NO_SUCH_ID = 987654321


def uniq(prefix="t"):
    return prefix + uuid.uuid4().hex[:10]


def check_error(st, body, status, codes=None, field=None):
    """Asserts status and the contract's error body; codes is a str or a
    tuple of acceptable codes; field, when given, must be named."""
    assert st == status, "expected %s, got %s: %r" % (status, st, body)
    assert isinstance(body, dict), "error body is not a JSON object: %r" % (body,)
    err = body.get("error")
    assert isinstance(err, dict), "no error object: %r" % (body,)
    assert isinstance(err.get("code"), str) and SNAKE.match(err["code"]), body
    assert isinstance(err.get("message"), str) and err["message"].strip(), body
    if "field" in err:
        assert isinstance(err["field"], str) and err["field"], body
    if codes is not None:
        if isinstance(codes, str):
            codes = (codes,)
        assert err["code"] in codes, "code %r not in %r: %r" % (err["code"], codes, body)
    if field is not None:
        assert err.get("field") == field, "field %r expected: %r" % (field, body)


def check_import_error(st, body):
    """The import's all-or-nothing failure: 422 {"created":0,"updated":0,"errors":[..]}."""
    assert st == 422, (st, body)
    assert body["created"] == 0 and body["updated"] == 0, body
    assert isinstance(body["errors"], list) and body["errors"], body
    for e in body["errors"]:
        assert isinstance(e["line"], int) and e["line"] >= 0, body
        assert isinstance(e["message"], str) and e["message"], body


# ---------------------------------------------------------------- the world

@pytest.fixture(scope="module")
def w(api, admin):
    """Ids, tokens and the objects the tests aim at."""
    tok = {None: None}
    for login in ("admin", "dispatcher", "leader", "handler_caiwa", "leader_caiwa", "dispatcher_qiaotou",
                  "handler_qiaotou", "gw_qiaotou"):
        tok[login] = api.login(login)
    st, streets = api.get("/api/v1/units?kind=street&boundary=false", admin)
    assert st == 200
    street = {u["name"]: u["id"] for u in streets["items"]}
    caiwa, qiaotou = street["蔡洼街道"], street["桥头街道"]
    st, kids = api.get("/api/v1/units?parent_id=%d&boundary=false" % caiwa, admin)
    assert st == 200
    community = [u for u in kids["items"] if u["kind"] in ("community", "village")][0]["id"]
    st, depts = api.get("/api/v1/units?kind=department&boundary=false", admin)
    dept = {u["name"]: u["id"] for u in depts["items"]}
    st, users = api.get("/api/v1/users", admin)
    user_ids = {u["login"]: u["id"] for u in users["items"]}

    # Targets for PATCH: a user, a unit (in a district of its own) and a category.
    st, d = api.post("/api/v1/units", {"kind": "district", "code": uniq("bi"), "name": "输入校验测试区"}, admin)
    assert st == 201, d
    st, unit = api.post("/api/v1/units", {"kind": "street", "code": uniq("bi"), "name": "输入校验街道",
                                          "parent_id": d["id"]}, admin)
    assert st == 201, unit
    st, user = api.post("/api/v1/users", {"login": uniq("bi_"), "name": "校验用户", "password": "longenough1",
                                          "roles": ["handler"], "unit_id": caiwa, "phone": "13900001111"}, admin)
    assert st == 201, user
    cat_code = "T" + uuid.uuid4().hex[:9]
    st, cat = api.post("/api/v1/categories", {"code": cat_code, "name": "校验类别", "parent_code": "01",
                                              "case_type": "request", "accept_hours": 2, "resolve_hours": 24},
                       admin)
    assert st == 201, cat
    # a category whose resolved cases wait for verification (for verify)
    verify_code = "V" + uuid.uuid4().hex[:9]
    st, vcat = api.post("/api/v1/categories", {"code": verify_code, "name": "校验核查类别", "parent_code": "01",
                                               "case_type": "request", "accept_hours": 2, "resolve_hours": 24,
                                               "verify": True}, admin)
    assert st == 201, vcat
    st, qkids = api.get("/api/v1/units?parent_id=%d&boundary=false" % qiaotou, admin)
    assert st == 200, qkids
    qiaotou_community = [u for u in qkids["items"] if u["kind"] in ("community", "village")][0]["id"]

    dispatched = [("dispatcher", "dispatch", {"unit_id": caiwa})]
    accepted = dispatched + [("handler_caiwa", "accept", {})]
    resolved = accepted + [("handler_caiwa", "resolve", {"reply": "已修好"})]
    reopened = resolved + [("dispatcher", "rate", {"rating": "unsatisfied", "solved": False})]
    STEPS = {"new": [], "dispatched": dispatched, "accepted": accepted, "resolved": resolved,
             "suspended": accepted + [("handler_caiwa", "suspend", {"reason": "等待鉴定结果"})],
             "extension": accepted + [("handler_caiwa", "extend", {"hours": 4, "reason": "需协调施工队"})],
             "verifying": resolved,                  # on the verify category
             "reopened": reopened,                   # rated unsatisfied: appealable
             "appealed": reopened + [("handler_caiwa", "appeal", {"reason": "已依法答复"})]}
    STATUS = {"extension": "accepted", "appealed": "reopened"}   # a pending request is no status

    def make_case(state="new", unit_id=None):
        """A fresh request case located in a 蔡洼 community (or unit_id),
        brought to state: a status, or extension / appealed (accepted /
        reopened with that request pending)."""
        body = {"type": "request", "channel": "hotline", "title": "输入校验" + uniq(),
                "description": "楼道灯坏了，晚上看不见路。", "unit_id": unit_id or community,
                "reporter": {"name": "张三", "phone": "13812345678"}}
        if state == "verifying":
            body["category_code"] = verify_code
        st, c = api.post("/api/v1/cases", body, tok["dispatcher"])
        assert st == 201, c
        for who, action, body in STEPS[state]:
            st, c = api.post("/api/v1/cases/%d/%s" % (c["id"], action), body, tok[who])
            assert st == 200, (action, c)
        assert c["status"] == STATUS.get(state, state), c
        assert c.get("pending") == {"extension": "extension", "appealed": "appeal"}.get(state), c
        return c["id"]

    return {"tok": tok, "admin": admin, "caiwa": caiwa, "qiaotou": qiaotou, "community": community,
            "dept_cg": dept["城管局"], "district": d["id"], "unit": unit["id"], "user": user["id"],
            "category": cat_code, "caiwa_user": user_ids["handler_caiwa"], "make_case": make_case,
            # the master merges name: one in 蔡洼, one in 桥头 (for 桥头's users)
            "master": make_case("accepted"), "qiaotou_case": make_case("new", qiaotou_community)}


CASE_KEYS = ("version", "status", "handler_unit_id", "rating", "reply", "title", "supervised", "resolved_at",
             "closed_at", "accepted_at")
ENGINE_KEYS = ("pending", "excluded", "merged_into", "suspended_at", "accept_due_at", "resolve_due_at",
               "extensions", "suspensions", "verifications", "appeals", "merged_cases")


def case_snapshot(api, w, case_id):
    st, c = api.get("/api/v1/cases/%d" % case_id, w["admin"])
    assert st == 200, c
    snap = {k: c[k] for k in CASE_KEYS + ENGINE_KEYS if k in c}
    snap["timeline"] = len(c["timeline"])
    snap["tasks"] = len(c["tasks"])
    return snap


def observe(api, w, case_id=None):
    """Everything a refused request must leave alone: the case aimed at and
    the masters a merge may name."""
    a = w["admin"]
    snap = {}
    st, b = api.get("/api/v1/cases?limit=1", a)
    assert st == 200, b
    snap["newest_case"] = b["items"][0]["id"] if b["items"] else None
    st, b = api.get("/api/v1/users", a)
    assert st == 200, b
    snap["users"] = sorted(b["items"], key=lambda u: u["id"])
    st, b = api.get("/api/v1/units?boundary=false", a)
    assert st == 200, b
    snap["units"] = sorted(b["items"], key=lambda u: u["id"])
    st, b = api.get("/api/v1/categories", a)
    assert st == 200, b
    snap["categories"] = sorted(b, key=lambda c: c["code"])
    st, snap["unit"] = api.get("/api/v1/units/%d" % w["unit"], a)
    st, snap["user"] = api.get("/api/v1/users/%d" % w["user"], a)
    if case_id:
        snap["case"] = case_snapshot(api, w, case_id)
    for master in ("master", "qiaotou_case"):
        if master in w:
            snap[master] = case_snapshot(api, w, w[master])
    return snap


def assert_unchanged(before, after):
    for k in before:
        assert after[k] == before[k], "a refused request changed %s" % k


# ---------------------------------------------------------------- endpoint specs

def _case_body(w):
    return {"type": "request", "channel": "hotline", "title": "校验诉求" + uniq(), "description": "路灯不亮",
            "unit_id": w["community"], "urgent": False, "address": "蔡洼社区3号楼",
            "reporter": {"name": "张三", "phone": "13812345678", "anonymous": False}}


SPECS = {
    "login": dict(
        method="POST", path="/api/v1/auth/login", actor=None,
        valid=lambda w: {"login": "admin", "password": PW},
        wrong=[("login", 123), ("password", ["x"]), ("login", {"a": 1})],
        enums=[], required=["login", "password"]),
    "users_create": dict(
        method="POST", path="/api/v1/users", actor="admin",
        valid=lambda w: {"login": uniq("u_"), "name": "测试用户", "password": "longenough1", "roles": ["handler"],
                         "unit_id": w["caiwa"], "phone": "13812345678"},
        wrong=[("login", 5), ("name", 5), ("password", 12345678), ("roles", "handler"),
               ("roles", {"0": "handler"}), ("roles", [1]), ("unit_id", "142"), ("phone", 13812345678)],
        enums=[("roles", ["superuser"]), ("roles", ["handler", "boss"])],
        required=["login", "name", "password", "roles"]),
    "users_patch": dict(
        method="PATCH", path="/api/v1/users/{user}", actor="admin",
        valid=lambda w: {"name": "改名" + uniq()},
        wrong=[("name", 5), ("roles", "handler"), ("roles", {"r": "handler"}), ("unit_id", "1"),
               ("active", "yes"), ("password", 12345678), ("phone", 138)],
        enums=[("roles", ["root"])], required=[]),
    "units_create": dict(
        method="POST", path="/api/v1/units", actor="admin",
        valid=lambda w: {"kind": "street", "code": uniq("bi"), "name": "测试街道", "parent_id": w["district"]},
        wrong=[("kind", 1), ("code", 123), ("name", ["x"]), ("parent_id", "1"),
               ("boundary", "POLYGON((1 1,2 2,3 1,1 1))"), ("boundary", [[1, 2], [3, 4]])],
        enums=[("kind", "planet"), ("kind", "county")], required=["kind", "code", "name"]),
    "units_patch": dict(
        method="PATCH", path="/api/v1/units/{unit}", actor="admin",
        valid=lambda w: {"name": "改名街道" + uniq()},
        wrong=[("name", 1), ("boundary", "x"), ("boundary", [1]), ("code", 5), ("kind", 5)],
        enums=[("kind", "planet")], required=[]),
    "categories_create": dict(
        method="POST", path="/api/v1/categories", actor="admin",
        valid=lambda w: {"code": "T" + uuid.uuid4().hex[:9], "name": "测试类别", "parent_code": "01",
                         "case_type": "request", "accept_hours": 1.5, "resolve_hours": 24,
                         "responsible": {"unit_kind": "street"}},
        wrong=[("code", 12), ("name", 5), ("accept_hours", "2"), ("resolve_hours", [24]),
               ("responsible", "street"), ("responsible", ["street"]), ("case_type", 1), ("parent_code", 1)],
        enums=[("case_type", "complaint"), ("responsible", {"unit_kind": "planet"})],
        required=["code", "name"]),
    "categories_patch": dict(
        method="PATCH", path="/api/v1/categories/{category}", actor="admin",
        valid=lambda w: {"name": "改名类别", "resolve_hours": 12},
        wrong=[("name", 5), ("accept_hours", "1"), ("resolve_hours", {"h": 1}), ("responsible", 5),
               ("case_type", ["request"])],
        enums=[("case_type", "complaint")], required=[]),
    "cases_create": dict(
        method="POST", path="/api/v1/cases", actor="dispatcher",
        valid=_case_body,
        wrong=[("title", 5), ("description", ["x"]), ("type", 1), ("channel", True), ("lat", "37.8"),
               ("unit_id", "143"), ("urgent", "yes"), ("reporter", "张三"), ("reporter", ["张三"]),
               ("category_code", 101), ("address", {"a": 1})],
        enums=[("type", "complaint"), ("channel", "fax"), ("type", "Request"), ("channel", "HOTLINE")],
        required=["type", "channel", "title", "description"]),
}

ACTIONS = {
    # action: (state, actor, valid body, wrong types, required)
    "dispatch": ("new", "dispatcher", lambda w: {"unit_id": w["caiwa"], "note": "请处理"},
                 [("unit_id", "142"), ("unit_id", [142]), ("note", 5)], ["unit_id"]),
    "accept": ("dispatched", "handler_caiwa", lambda w: {"note": "收到"}, [("note", 5)], []),
    "return": ("accepted", "handler_caiwa", lambda w: {"reason": "非本单位职责"}, [("reason", 5)], ["reason"]),
    "escalate": ("accepted", "handler_caiwa", lambda w: {"reason": "需区级协调"}, [("reason", ["x"])], ["reason"]),
    "assist": ("accepted", "handler_caiwa", lambda w: {"unit_ids": [w["dept_cg"]], "note": "请协助"},
               [("unit_ids", {"0": 1}), ("unit_ids", ["281"]), ("unit_ids", 281), ("note", 1)], ["unit_ids"]),
    "resolve": ("accepted", "handler_caiwa", lambda w: {"reply": "已处理完毕"}, [("reply", 5)], ["reply"]),
    "rate": ("resolved", "dispatcher", lambda w: {"rating": "satisfied", "solved": True},
             [("rating", 1), ("solved", "true"), ("solved", 1)], ["rating", "solved"]),
    "reopen": ("resolved", "dispatcher", lambda w: {"reason": "居民反映未解决"}, [("reason", 1)], ["reason"]),
    "close": ("resolved", "dispatcher", lambda w: {"note": "办结"}, [("note", 1)], []),
    "supervise": ("dispatched", "dispatcher", lambda w: {"note": "请加快办理"}, [("note", 1)], ["note"]),
    "comment": ("new", "dispatcher", lambda w: {"note": "备注"}, [("note", {})], ["note"]),
    # the engine's actions (P6), each from a state where it is legal (see make_case)
    "suspend": ("accepted", "handler_caiwa", lambda w: {"reason": "等待鉴定结果"},
                [("reason", 5), ("until", 20261231), ("note", 1)], ["reason"]),
    "resume": ("suspended", "handler_caiwa", lambda w: {"note": "已恢复办理"}, [("note", 5)], []),
    "extend": ("accepted", "handler_caiwa", lambda w: {"hours": 24, "reason": "需协调施工队"},
               [("hours", "24"), ("hours", [24]), ("hours", True), ("reason", 5)], ["reason"]),
    "extension_approve": ("extension", "dispatcher", lambda w: {"note": "同意延期"}, [("note", 5)], []),
    "extension_reject": ("extension", "dispatcher", lambda w: {"reason": "理由不充分"}, [("reason", 5)],
                         ["reason"]),
    "verify": ("verifying", "dispatcher", lambda w: {"passed": True, "note": "已现场核实"},
               [("passed", "true"), ("passed", 1), ("note", 5)], ["passed"]),
    "appeal": ("reopened", "handler_caiwa", lambda w: {"reason": "诉求超出政策范围，已依法答复"},
               [("reason", 5)], ["reason"]),
    "appeal_decide": ("appealed", "dispatcher", lambda w: {"upheld": True, "note": "办理合规"},
                      [("upheld", "yes"), ("upheld", 1), ("note", 5)], ["upheld"]),
    "invalid": ("new", "dispatcher", lambda w: {"reason": "恶意骚扰来电"}, [("reason", ["x"])], ["reason"]),
    "merge": ("new", "dispatcher", lambda w: {"into_id": w["master"], "note": "重复来电"},
              [("into_id", "1"), ("into_id", [1]), ("into_id", 1.5), ("note", 5)], ["into_id"]),
}
NEW_ACTIONS = ["suspend", "resume", "extend", "extension_approve", "extension_reject", "verify", "appeal",
               "appeal_decide", "invalid", "merge"]
for _a, (_state, _actor, _valid, _wrong, _req) in ACTIONS.items():
    SPECS["case_" + _a] = dict(method="POST", path="/api/v1/cases/{case}/" + _a, actor=_actor, state=_state,
                               valid=_valid, wrong=_wrong + [("version", "1")],
                               enums=[("rating", "great")] if _a == "rate" else [], required=_req)

NAMES = list(SPECS)
AUTHED = [n for n in NAMES if SPECS[n]["actor"]]


def prepare(api, w, name):
    spec = SPECS[name]
    case_id = w["make_case"](spec["state"]) if spec.get("state") else None
    path = spec["path"].format(user=w["user"], unit=w["unit"], category=w["category"], case=case_id)
    return spec, case_id, path


def refused(api, w, name, status, codes=None, field=None, body=None, raw=None, token="actor", headers=None,
            mutate=None):
    """Sends one bad request to endpoint name and checks the refusal and that
    nothing changed. mutate(valid_body) -> body builds the body from a valid one."""
    spec, case_id, path = prepare(api, w, name)
    if mutate is not None:
        body = mutate(spec["valid"](w))
    tok = w["tok"][spec["actor"]] if token == "actor" else token
    before = observe(api, w, case_id)
    st, b, _ = api.request(spec["method"], path, body=body, raw=raw, token=tok, headers=headers)
    check_error(st, b, status, codes, field)
    assert_unchanged(before, observe(api, w, case_id))
    return b


# ---------------------------------------------------------------- every endpoint

@pytest.mark.parametrize("name", NAMES)
def test_valid_body_is_accepted(api, w, name):
    """Control: the bodies the negative tests start from are good ones."""
    spec, case_id, path = prepare(api, w, name)
    tok = w["tok"][spec["actor"]]
    st, b, _ = api.request(spec["method"], path, body=spec["valid"](w), token=tok)
    assert st in (200, 201), (st, b)


MALFORMED = [b'{"title": "x",', b"{'title': 'x'}", b'{"title": "x"} trailing', b"title=x", b'{"title": "x\\q"}',
             b"[" * 100000, b'{"title": "\\ud800"}']


@pytest.mark.parametrize("raw", MALFORMED, ids=["truncated", "single_quotes", "trailing", "form", "bad_escape",
                                                "deep_nesting", "lone_surrogate_escape"])
@pytest.mark.parametrize("name", NAMES)
def test_malformed_json(api, w, name, raw):
    refused(api, w, name, 400, "bad_json", raw=raw)


NOT_OBJECTS = ["[]", "[{}]", '"text"', "42", "null"]


@pytest.mark.parametrize("raw", NOT_OBJECTS, ids=["array", "array_of_object", "string", "number", "null"])
@pytest.mark.parametrize("name", NAMES)
def test_body_not_an_object(api, w, name, raw):
    if raw == "[{}]":
        raw = json.dumps([SPECS[name]["valid"](w)], ensure_ascii=False)
    refused(api, w, name, 400, ("bad_json", "bad_type"), raw=raw)


def _with_bad_bytes(bad):
    def build(valid):
        key = next(k for k, v in valid.items() if isinstance(v, str))
        valid[key] = "@@BAD@@"
        return json.dumps(valid, ensure_ascii=False).encode().replace(b"@@BAD@@", bad)
    return build


BAD_BYTES = {"ff_fe": b"\xff\xfe", "lone_continuation": b"ok\x80", "overlong": b"\xc0\xaf",
             "surrogate": b"\xed\xa0\x80", "truncated": "暖".encode()[:2]}


@pytest.mark.parametrize("bad", list(BAD_BYTES))
@pytest.mark.parametrize("name", NAMES)
def test_invalid_utf8_body(api, w, name, bad):
    spec = SPECS[name]
    raw = _with_bad_bytes(BAD_BYTES[bad])(spec["valid"](w))
    refused(api, w, name, 400, "bad_encoding", raw=raw)


@pytest.mark.parametrize("name", NAMES)
def test_invalid_utf8_title_raw(api, w, name):
    refused(api, w, name, 400, "bad_encoding", raw=b'{"title":"\xff\xfe"}')


@pytest.mark.parametrize("name", NAMES)
def test_nul_byte_in_body(api, w, name):
    raw = _with_bad_bytes(b"a\x00b")(SPECS[name]["valid"](w))
    refused(api, w, name, 400, ("bad_json", "bad_encoding"), raw=raw)


@pytest.mark.parametrize("name", NAMES)
def test_body_over_one_mib(api, w, name):
    raw = b'{"title":"' + b"a" * (MIB + 16) + b'"}'
    refused(api, w, name, 413, "too_large", raw=raw)


def _wrong_params():
    for n in NAMES:
        for key, value in SPECS[n]["wrong"]:
            yield pytest.param(n, key, value, id="%s-%s-%s" % (n, key, type(value).__name__))


@pytest.mark.parametrize("name,key,value", list(_wrong_params()))
def test_wrong_json_type(api, w, name, key, value):
    def mutate(body):
        body[key] = value
        return body
    refused(api, w, name, 400, "bad_type", field=key, mutate=mutate)


def _enum_params():
    for n in NAMES:
        for key, value in SPECS[n]["enums"]:
            yield pytest.param(n, key, value, id="%s-%s-%s" % (n, key, json.dumps(value)))


@pytest.mark.parametrize("name,key,value", list(_enum_params()))
def test_unknown_enum_value(api, w, name, key, value):
    def mutate(body):
        body[key] = value
        return body
    refused(api, w, name, 422, field=key, mutate=mutate)


def _required_params():
    for n in NAMES:
        for key in SPECS[n]["required"]:
            yield pytest.param(n, key, id="%s-%s" % (n, key))


@pytest.mark.parametrize("name,key", list(_required_params()))
def test_missing_required_field(api, w, name, key):
    def mutate(body):
        del body[key]
        return body
    refused(api, w, name, 422, "required", field=key, mutate=mutate)


@pytest.mark.parametrize("name,key", [("cases_create", "title"), ("cases_create", "description"),
                                      ("users_create", "name"), ("units_create", "name"),
                                      ("case_comment", "note"), ("case_resolve", "reply"),
                                      ("case_suspend", "reason"), ("case_extend", "reason"),
                                      ("case_extension_reject", "reason"), ("case_appeal", "reason"),
                                      ("case_invalid", "reason")])
def test_blank_required_string(api, w, name, key):
    def mutate(body):
        body[key] = "   "
        return body
    refused(api, w, name, 422, field=key, mutate=mutate)


@pytest.mark.parametrize("how", ["none", "garbage", "basic", "revoked"])
@pytest.mark.parametrize("name", AUTHED)
def test_no_or_bad_credentials(api, w, name, how):
    headers = None
    token = None
    if how == "garbage":
        token = "0" * 64
    elif how == "basic":
        headers = {"Authorization": "Basic YWRtaW46bGlhbnhpbjIwMjY="}
    elif how == "revoked":
        st, b = api.post("/api/v1/auth/login", {"login": SPECS[name]["actor"], "password": PW})
        assert st == 200, b
        token = b["token"]
        st, b = api.post("/api/v1/auth/logout", None, token)
        assert st == 200, b
    spec = SPECS[name]
    refused(api, w, name, 401, body=spec["valid"](w), token=token, headers=headers)


# ---------------------------------------------------------------- GET endpoints without credentials

@pytest.mark.parametrize("path", [
    "/api/v1/auth/me", "/api/v1/users", "/api/v1/users/{user}", "/api/v1/units", "/api/v1/units/{unit}",
    "/api/v1/locate?lat=37.85&lon=113.55", "/api/v1/categories", "/api/v1/cases", "/api/v1/cases/1",
    "/api/v1/cases?q=%E6%9A%96%E6%B0%94", "/api/v1/stats/summary"])
def test_reads_need_credentials(api, w, path):
    path = path.format(user=w["user"], unit=w["unit"])
    st, b = api.get(path)
    check_error(st, b, 401)
    st, b = api.get(path, "f" * 64)
    check_error(st, b, 401)


# ---------------------------------------------------------------- wrong role

@pytest.mark.parametrize("who,method,path,body", [
    ("handler_qiaotou", "POST", "/api/v1/units", lambda w: SPECS["units_create"]["valid"](w)),
    ("dispatcher", "PATCH", "/api/v1/units/{unit}", lambda w: {"name": "调度员改名"}),
    ("dispatcher_qiaotou", "POST", "/api/v1/categories", lambda w: SPECS["categories_create"]["valid"](w)),
    ("handler_qiaotou", "PATCH", "/api/v1/categories/{category}", lambda w: {"name": "越权改名"}),
    ("leader", "POST", "/api/v1/cases", _case_body),
    ("handler_qiaotou", "POST", "/api/v1/users", lambda w: {
        "login": uniq("x_"), "name": "越权", "password": "longenough1", "roles": ["handler"],
        "unit_id": w["qiaotou"]}),
    ("gw_qiaotou", "GET", "/api/v1/users", None),
])
def test_wrong_role_is_forbidden(api, w, who, method, path, body):
    path = path.format(unit=w["unit"], category=w["category"])
    before = observe(api, w)
    st, b, _ = api.request(method, path, body=body(w) if body else None, token=w["tok"][who])
    check_error(st, b, 403)
    assert_unchanged(before, observe(api, w))


def test_leader_cannot_act_on_case_in_scope(api, w):
    case_id = w["make_case"]("new")
    before = observe(api, w, case_id)
    st, b = api.post("/api/v1/cases/%d/dispatch" % case_id, {"unit_id": w["caiwa"]}, w["tok"]["leader_caiwa"])
    check_error(st, b, 403)
    assert_unchanged(before, observe(api, w, case_id))


def test_import_is_admin_only(api, w):
    csv = "code,name,kind,parent_code\n%s,越权导入,street,\n" % uniq("bi")
    before = observe(api, w)
    st, b, _ = api.request("POST", "/api/v1/units/import", raw=csv.encode(), token=w["tok"]["dispatcher"],
                           headers={"Content-Type": "text/csv"})
    check_error(st, b, 403)
    st, b, _ = api.request("POST", "/api/v1/units/import", raw=csv.encode(), headers={"Content-Type": "text/csv"})
    check_error(st, b, 401)
    assert_unchanged(before, observe(api, w))


# ---------------------------------------------------------------- users: passwords and logins

@pytest.mark.parametrize("password", ["abc1234", "密码密码密码密", "", "       "])
def test_short_password_on_create(api, w, password):
    login = uniq("pw_")
    before = observe(api, w)
    st, b = api.post("/api/v1/users", {"login": login, "name": "短密码", "password": password,
                                       "roles": ["handler"], "unit_id": w["caiwa"]}, w["admin"])
    check_error(st, b, 422, field="password")
    assert_unchanged(before, observe(api, w))
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": password.strip() or "longenough1"})
    check_error(st, b, 401)


def test_eight_character_password_is_enough_for_a_volunteer(api, w):
    # staff need ten (P7, docs/security.md); the contract's floor of eight
    # holds for everyone else
    login = uniq("pw_")
    st, b = api.post("/api/v1/users", {"login": login, "name": "八位密码", "password": "社区志愿服务队员",
                                       "roles": ["volunteer"], "unit_id": w["caiwa"]}, w["admin"])
    assert st == 201, b
    assert "password" not in b and "password_hash" not in b
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": "社区志愿服务队员"})
    assert st == 200, b
    assert b["password_change_required"] is True, "an admin chose it: the volunteer changes it first"


def test_staff_need_ten_characters(api, w):
    before = observe(api, w)
    st, b = api.post("/api/v1/users", {"login": uniq("pw_"), "name": "九位密码", "password": "Kq7-zmv2p",
                                       "roles": ["handler"], "unit_id": w["caiwa"]}, w["admin"])
    check_error(st, b, 422, field="password")
    assert b["error"]["code"] == "weak_password"
    assert_unchanged(before, observe(api, w))


@pytest.mark.parametrize("password", ["12345678", "aaaaaaaa", "12345678901", "87654321"])
def test_dictionary_passwords_are_refused(api, w, password):
    before = observe(api, w)
    st, b = api.post("/api/v1/users", {"login": uniq("pw_"), "name": "弱密码", "password": password,
                                       "roles": ["volunteer"], "unit_id": w["caiwa"]}, w["admin"])
    check_error(st, b, 422, field="password")
    assert b["error"]["code"] == "weak_password"
    assert_unchanged(before, observe(api, w))


def test_short_password_on_patch_keeps_old_password(api, w):
    login = uniq("pw_")
    st, u = api.post("/api/v1/users", {"login": login, "name": "改密码", "password": "oldpassword1",
                                       "roles": ["handler"], "unit_id": w["caiwa"]}, w["admin"])
    assert st == 201, u
    for who in ("admin", "dispatcher"):
        st, b = api.patch("/api/v1/users/%d" % u["id"], {"password": "short"}, w["tok"][who])
        check_error(st, b, 422, field="password")
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": "oldpassword1"})
    assert st == 200, b
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": "short"})
    check_error(st, b, 401)


def test_duplicate_login_is_409(api, w):
    login = uniq("dup_")
    st, first = api.post("/api/v1/users", {"login": login, "name": "原用户", "password": "longenough1",
                                           "roles": ["handler"], "unit_id": w["caiwa"]}, w["admin"])
    assert st == 201, first
    before = observe(api, w)
    st, b = api.post("/api/v1/users", {"login": login, "name": "冒名者", "password": "otherpass22",
                                       "roles": ["dispatcher"], "unit_id": w["qiaotou"]}, w["admin"])
    check_error(st, b, 409)
    assert_unchanged(before, observe(api, w))
    st, again = api.get("/api/v1/users/%d" % first["id"], w["admin"])
    assert again["name"] == "原用户" and again["roles"] == ["handler"]
    st, b = api.post("/api/v1/auth/login", {"login": login, "password": "otherpass22"})
    check_error(st, b, 401)


def test_duplicate_demo_login_is_409(api, w):
    before = observe(api, w)
    st, b = api.post("/api/v1/users", {"login": "admin", "name": "假管理员", "password": "longenough1",
                                       "roles": ["handler"], "unit_id": w["caiwa"]}, w["admin"])
    check_error(st, b, 409)
    assert_unchanged(before, observe(api, w))
    st, b = api.post("/api/v1/auth/login", {"login": "admin", "password": PW})
    assert st == 200, b


def test_wrong_password_is_401(api, w):
    st, b = api.post("/api/v1/auth/login", {"login": "admin", "password": "not-the-password"})
    check_error(st, b, 401)
    st, b = api.post("/api/v1/auth/login", {"login": "nobody_" + uuid.uuid4().hex[:6], "password": PW})
    check_error(st, b, 401)


# ---------------------------------------------------------------- coordinates

@pytest.mark.parametrize("query,status,field", [
    ("lat=91&lon=113.5", 422, "lat"),
    ("lat=-90.5&lon=113.5", 422, "lat"),
    ("lat=37.8&lon=181", 422, "lon"),
    ("lat=37.8&lon=-180.01", 422, "lon"),
    ("lat=abc&lon=113.5", 400, "lat"),
    ("lat=37.8&lon=east", 400, "lon"),
    ("lat=37.8x&lon=113.5", 400, "lat"),
    ("lat=nan&lon=113.5", 400, "lat"),
    ("lat=&lon=113.5", 400, "lat"),
    ("lon=113.5", 400, "lat"),
    ("lat=37.8", 400, "lon"),
])
def test_locate_bad_coordinates(api, w, query, status, field):
    st, b = api.get("/api/v1/locate?" + query, w["admin"])
    check_error(st, b, status, "bad_parameter" if status == 400 else None, field)


@pytest.mark.parametrize("coords,status,field", [
    ({"lat": 91, "lon": 113.5}, 422, "lat"),
    ({"lat": -91, "lon": 113.5}, 422, "lat"),
    ({"lat": 37.8, "lon": 181}, 422, "lon"),
    ({"lat": 37.8, "lon": -181}, 422, "lon"),
    ({"lat": "abc", "lon": 113.5}, 400, "lat"),
    ({"lat": 37.8, "lon": "113.5"}, 400, "lon"),
    ({"lat": [37.8], "lon": 113.5}, 400, "lat"),
])
def test_case_bad_coordinates(api, w, coords, status, field):
    def mutate(body):
        del body["unit_id"]
        body.update(coords)
        return body
    refused(api, w, "cases_create", status, "bad_type" if status == 400 else None, field, mutate=mutate)


@pytest.mark.parametrize("ring", [
    [[181, 30], [181.5, 30], [181.5, 30.5], [181, 30]],
    [[100, 91], [100.5, 91], [100.5, 91.5], [100, 91]],
    [[100, 30], [100.5, 30], [100, 30]],
    [[100, 30], [100.5, 30], [100.5, 30.5], [100.1, 30.1]],
])
def test_unit_boundary_bad_coordinates(api, w, ring):
    def mutate(body):
        body["boundary"] = {"type": "Polygon", "coordinates": [ring]}
        return body
    refused(api, w, "units_create", 422, "invalid_geometry", "boundary", mutate=mutate)
    refused(api, w, "units_patch", 422, "invalid_geometry", "boundary", mutate=mutate)


# ---------------------------------------------------------------- query parameters

@pytest.mark.parametrize("query,status,field", [
    ("limit=0", 400, "limit"), ("limit=-1", 400, "limit"), ("limit=abc", 400, "limit"),
    ("limit=1.5", 400, "limit"), ("limit=", None, None), ("cursor=abc", 400, "cursor"),
    ("from=notadate", 400, "from"), ("to=2026-13-45", 400, "to"), ("from=2026-02-30", 400, "from"),
    ("to=2026-04-01T25:00:00%2B08:00", 400, "to"),
    ("unit_id=abc", 400, "unit_id"), ("unit_id=-4", 400, "unit_id"), ("overdue=maybe", 400, "overdue"),
    ("status=pending", 422, "status"), ("type=complaint", 422, "type"),
    ("unit_id=%d" % NO_SUCH_ID, 404, None),
])
def test_case_list_bad_parameters(api, w, query, status, field):
    st, b = api.get("/api/v1/cases?" + query, w["tok"]["dispatcher"])
    if status is None:          # an empty value means "not given"
        assert st == 200, b
        return
    check_error(st, b, status, "bad_parameter" if status == 400 else None, field)


def test_case_list_q_not_utf8(api, w):
    st, b = api.get("/api/v1/cases?q=%FF%FE", w["tok"]["dispatcher"])
    check_error(st, b, 400, ("bad_encoding", "bad_parameter"), "q")


def test_case_list_other_street_unit_is_404(api, w):
    st, b = api.get("/api/v1/cases?unit_id=%d" % w["caiwa"], w["tok"]["dispatcher_qiaotou"])
    check_error(st, b, 404)


@pytest.mark.parametrize("query,status,field", [
    ("from=abc", 400, "from"), ("to=2026-99-01", 400, "to"), ("from=2026-02-30", 400, "from"),
    ("unit_id=abc", 400, "unit_id"), ("unit_id=-3", 400, "unit_id"), ("unit_id=1.5", 400, "unit_id"),
    ("unit_id=%d" % NO_SUCH_ID, 404, None),
    ("from=2026-03-01&to=2026-02-01", 422, None),
])
def test_stats_bad_parameters(api, w, query, status, field):
    st, b = api.get("/api/v1/stats/summary?" + query, w["tok"]["leader"])
    check_error(st, b, status, "bad_parameter" if status == 400 else None, field)


@pytest.mark.parametrize("query,status,field", [
    ("kind=planet", 422, "kind"), ("parent_id=abc", 400, "parent_id"), ("parent_id=-1", 400, "parent_id"),
])
def test_unit_list_bad_parameters(api, w, query, status, field):
    st, b = api.get("/api/v1/units?" + query, w["admin"])
    check_error(st, b, status, "bad_parameter" if status == 400 else None, field)


# ---------------------------------------------------------------- unknown ids

@pytest.mark.parametrize("method,path,body", [
    ("GET", "/api/v1/users/%d" % NO_SUCH_ID, None),
    ("PATCH", "/api/v1/users/%d" % NO_SUCH_ID, {"name": "无此人"}),
    ("GET", "/api/v1/users/abc", None),
    ("GET", "/api/v1/users/0", None),
    ("GET", "/api/v1/units/%d" % NO_SUCH_ID, None),
    ("PATCH", "/api/v1/units/%d" % NO_SUCH_ID, {"name": "无此单位"}),
    ("GET", "/api/v1/units/-1", None),
    ("PATCH", "/api/v1/categories/NOSUCH99", {"name": "无此类别"}),
    ("PATCH", "/api/v1/categories/%E6%9A%96%E6%B0%94", {"name": "无此类别"}),
    ("GET", "/api/v1/cases/%d" % NO_SUCH_ID, None),
    ("GET", "/api/v1/cases/abc", None),
    ("GET", "/api/v1/cases/99999999999999999999999", None),
    ("POST", "/api/v1/cases/%d/comment" % NO_SUCH_ID, {"note": "无此案件"}),
    ("POST", "/api/v1/cases/%d/accept" % NO_SUCH_ID, {}),
    ("POST", "/api/v1/cases/%d/dispatch" % NO_SUCH_ID, {"unit_id": 1}),
    ("POST", "/api/v1/cases/%d/rate" % NO_SUCH_ID, {"rating": "satisfied", "solved": True}),
    ("POST", "/api/v1/cases/{case}/fly", {"note": "未知动作"}),
    ("POST", "/api/v1/cases/{case}/DISPATCH", {"unit_id": 1}),
] + [
    # the engine's actions with their valid bodies: only the id is wrong (a
    # merge names the fresh case as its master, a case the admin may merge into)
    ("POST", "/api/v1/cases/%d/%s" % (NO_SUCH_ID, a), ACTIONS[a][2]) for a in NEW_ACTIONS
])
def test_unknown_id_is_404(api, w, method, path, body):
    case_id = w["make_case"]("new")
    path = path.format(case=case_id)
    if callable(body):
        body = dict(body(w), into_id=case_id) if path.endswith("/merge") else body(w)
    before = observe(api, w, case_id)
    st, b, _ = api.request(method, path, body=body, token=w["admin"])
    check_error(st, b, 404)
    assert_unchanged(before, observe(api, w, case_id))


@pytest.mark.parametrize("body,field", [({"unit_id": NO_SUCH_ID}, "unit_id")])
def test_dispatch_to_unknown_unit_is_422(api, w, body, field):
    case_id = w["make_case"]("new")
    before = observe(api, w, case_id)
    st, b = api.post("/api/v1/cases/%d/dispatch" % case_id, body, w["tok"]["dispatcher"])
    check_error(st, b, 422, field=field)
    assert_unchanged(before, observe(api, w, case_id))


@pytest.mark.parametrize("field,value", [("unit_id", NO_SUCH_ID), ("category_code", "NOSUCH")])
def test_case_with_unknown_reference_is_422(api, w, field, value):
    def mutate(body):
        body[field] = value
        return body
    refused(api, w, "cases_create", 422, field=field, mutate=mutate)


def test_unit_with_unknown_parent_is_422(api, w):
    def mutate(body):
        body["parent_id"] = NO_SUCH_ID
        return body
    refused(api, w, "units_create", 422, field="parent_id", mutate=mutate)


# ---------------------------------------------------------------- another street's objects

@pytest.mark.parametrize("who", ["dispatcher_qiaotou", "handler_qiaotou", "gw_qiaotou"])
@pytest.mark.parametrize("action,body", [
    (None, None), ("comment", {"note": "越界"}), ("accept", {}), ("dispatch", None),
    ("supervise", {"note": "越界督办"}), ("resolve", {"reply": "越界办结"}),
] + [(a, ACTIONS[a][2]) for a in NEW_ACTIONS])
def test_other_streets_case_is_404(api, w, who, action, body):
    # the case is in a state where the action is legal, so that only its
    # street can be the matter (a GET looks at a dispatched one)
    case_id = w["make_case"](ACTIONS[action][0] if action else "dispatched")
    before = observe(api, w, case_id)
    if action is None:
        st, b = api.get("/api/v1/cases/%d" % case_id, w["tok"][who])
    else:
        if action == "dispatch":
            body = {"unit_id": w["qiaotou"]}
        elif callable(body):
            body = body(w)
        if action == "merge":               # into a 桥头 case: only the duplicate is out of reach
            body["into_id"] = w["qiaotou_case"]
        st, b = api.post("/api/v1/cases/%d/%s" % (case_id, action), body, w["tok"][who])
    check_error(st, b, 404)
    assert_unchanged(before, observe(api, w, case_id))


def test_other_streets_unit_and_user_are_404(api, w):
    tok = w["tok"]["dispatcher_qiaotou"]
    before = observe(api, w)
    for path in ("/api/v1/units/%d" % w["caiwa"], "/api/v1/units/%d" % w["community"],
                 "/api/v1/users/%d" % w["caiwa_user"]):
        st, b = api.get(path, tok)
        check_error(st, b, 404)
    st, b = api.patch("/api/v1/users/%d" % w["caiwa_user"], {"name": "越界改名"}, tok)
    check_error(st, b, 404)
    st, b = api.patch("/api/v1/users/%d" % w["caiwa_user"], {"password": "越界改密码越界改密码"}, tok)
    check_error(st, b, 404)
    assert_unchanged(before, observe(api, w))
    st, b = api.post("/api/v1/auth/login", {"login": "handler_caiwa", "password": PW})
    assert st == 200, b


# ---------------------------------------------------------------- workflow conflicts

def test_stale_version_is_409(api, w):
    case_id = w["make_case"]("dispatched")
    before = observe(api, w, case_id)
    st, b = api.post("/api/v1/cases/%d/accept" % case_id, {"version": 1}, w["tok"]["handler_caiwa"])
    check_error(st, b, 409, "stale_version")
    assert_unchanged(before, observe(api, w, case_id))


def test_illegal_transition_is_409(api, w):
    case_id = w["make_case"]("new")
    before = observe(api, w, case_id)
    st, b = api.post("/api/v1/cases/%d/rate" % case_id, {"rating": "satisfied", "solved": True},
                     w["tok"]["dispatcher"])
    check_error(st, b, 409)
    assert_unchanged(before, observe(api, w, case_id))


# ---------------------------------------------------------------- units import

def _import(api, tok, raw, ctype):
    st, b, _ = api.request("POST", "/api/v1/units/import", raw=raw, token=tok, headers={"Content-Type": ctype})
    return st, b


def test_import_malformed_geojson(api, w):
    before = observe(api, w)
    st, b = _import(api, w["admin"], b'{"type":"FeatureCollection","features":[', "application/geo+json")
    check_error(st, b, 400, "bad_json")
    assert_unchanged(before, observe(api, w))


def test_import_geojson_not_utf8(api, w):
    fc = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {
        "code": uniq("bi"), "name": "@@BAD@@", "kind": "street", "parent_code": ""}}]}
    raw = json.dumps(fc).encode().replace(b"@@BAD@@", b"\xff\xfe")
    before = observe(api, w)
    st, b = _import(api, w["admin"], raw, "application/geo+json")
    check_error(st, b, 400, "bad_encoding")
    assert_unchanged(before, observe(api, w))


def test_import_json_array(api, w):
    before = observe(api, w)
    st, b = _import(api, w["admin"], b'[{"type":"Feature"}]', "application/json")
    if st == 400:
        check_error(st, b, 400, ("bad_json", "bad_type"))
    else:
        check_import_error(st, b)
    assert_unchanged(before, observe(api, w))


def test_import_wrong_property_types(api, w):
    d_code = uniq("bi")
    fc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"code": d_code, "name": "好的区", "kind": "district"}},
        {"type": "Feature", "geometry": None, "properties": {"code": 12345, "name": "坏的街道", "kind": "street",
                                                             "parent_code": d_code}}]}
    before = observe(api, w)
    st, b = _import(api, w["admin"], json.dumps(fc, ensure_ascii=False).encode(), "application/geo+json")
    check_import_error(st, b)
    assert_unchanged(before, observe(api, w))


def test_import_too_large(api, w):
    raw = b"code,name,kind\n" + (b"x" * 60 + b",name,street\n") * (MIB // 70 + 10)
    assert len(raw) > MIB
    before = observe(api, w)
    st, b = _import(api, w["admin"], raw, "text/csv")
    check_error(st, b, 413, "too_large")
    assert_unchanged(before, observe(api, w))


def test_import_bytes_neither_utf8_nor_gbk(api, w):
    raw = ("code,name,kind,parent_code\n%s,好区,district,\n" % uniq("bi")).encode() + b"\xff\xff,\xff,street,\n"
    before = observe(api, w)
    st, b = _import(api, w["admin"], raw, "text/csv")
    check_import_error(st, b)
    assert any(e["line"] == 3 for e in b["errors"]), b
    assert_unchanged(before, observe(api, w))


def test_import_unknown_kind(api, w):
    raw = ("code,name,kind,parent_code\n%s,好区,district,\n%s,坏单位,planet,\n" % (uniq("bi"), uniq("bi"))).encode()
    before = observe(api, w)
    st, b = _import(api, w["admin"], raw, "text/csv")
    check_import_error(st, b)
    assert [e["line"] for e in b["errors"]] == [3], b
    assert_unchanged(before, observe(api, w))
